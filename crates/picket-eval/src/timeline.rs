//! The scored times: truth and confirmed tracks grouped by exact time.
//!
//! As in the harness, the scored times are the distinct `t` of the truth lines, and a track
//! line belongs to a scored time when its `t` is exactly equal as an f64 (so a tracker must
//! write `t` exactly as it read it). Ids are interned to indices once, so the per-step work
//! never hashes strings.

use crate::EvalError;
use crate::assign::Point;
use picket_scenario::{TrackRecord, Truth};
use std::collections::{HashMap, HashSet};

/// A hashable key for a time that compares like f64 `==` (−0.0 and 0.0 are one time).
pub fn time_key(t: f64) -> u64 {
    (t + 0.0).to_bits()
}

/// One scored time.
#[derive(Debug, Clone, Default)]
pub struct Step {
    /// Time, seconds.
    pub t: f64,
    /// Target index (into [`Timeline::target_names`]) of each truth, in file order.
    pub truth_ids: Vec<usize>,
    /// Truth positions, parallel to `truth_ids`.
    pub truths: Vec<Point>,
    /// Index of each truth's line in the truth slice, parallel to `truth_ids`.
    pub truth_lines: Vec<usize>,
    /// Track index (into [`Timeline::track_names`]) of each confirmed track, in file order.
    pub track_ids: Vec<usize>,
    /// Confirmed track positions, parallel to `track_ids`.
    pub tracks: Vec<Point>,
    /// Index of each track's line in the track slice, parallel to `track_ids`.
    pub track_lines: Vec<usize>,
}

/// Truth and confirmed tracks at every scored time, ascending, and the track line counts.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The scored times.
    pub steps: Vec<Step>,
    /// Truth target ids, in order of first appearance.
    pub target_names: Vec<String>,
    /// Confirmed track ids, in order of first appearance at a scored time.
    pub track_names: Vec<String>,
    /// Confirmed track lines (all times).
    pub track_lines_confirmed: usize,
    /// Tentative (`confirmed: false`) track lines.
    pub track_lines_tentative: usize,
    /// Confirmed track lines at times without truth (not scored).
    pub track_lines_unscored_time: usize,
}

fn intern(names: &mut Vec<String>, index: &mut HashMap<String, usize>, name: &str) -> usize {
    if let Some(&i) = index.get(name) {
        return i;
    }
    names.push(name.to_owned());
    index.insert(name.to_owned(), names.len() - 1);
    names.len() - 1
}

impl Timeline {
    /// Groups `truth` (from `truth_file`) and `tracks` (from `track_file`) by time.
    pub fn build(
        truth: &[Truth],
        truth_file: &str,
        tracks: &[TrackRecord],
        track_file: &str,
    ) -> Result<Self, EvalError> {
        let mut timeline = Timeline::default();
        let mut step_of: HashMap<u64, usize> = HashMap::new();
        let mut target_index = HashMap::new();
        let mut seen = HashSet::new();
        for (n, line) in truth.iter().enumerate() {
            let target = intern(&mut timeline.target_names, &mut target_index, &line.id);
            if !seen.insert((time_key(line.t), target)) {
                return Err(EvalError::DuplicateTruth {
                    file: truth_file.to_owned(),
                    id: line.id.clone(),
                    t: line.t,
                });
            }
            let step = *step_of.entry(time_key(line.t)).or_insert_with(|| {
                timeline.steps.push(Step {
                    t: line.t,
                    ..Step::default()
                });
                timeline.steps.len() - 1
            });
            timeline.steps[step].truth_ids.push(target);
            timeline.steps[step].truths.push([line.x, line.y, line.z]);
            timeline.steps[step].truth_lines.push(n);
        }
        if timeline.steps.is_empty() {
            return Err(EvalError::NoTruth {
                file: truth_file.to_owned(),
            });
        }
        timeline.add_tracks(tracks, track_file, &step_of)?;
        // Files are sorted by t, but the order of the steps must not depend on it.
        timeline.steps.sort_by(|a, b| a.t.total_cmp(&b.t));
        Ok(timeline)
    }

    fn add_tracks(
        &mut self,
        tracks: &[TrackRecord],
        track_file: &str,
        step_of: &HashMap<u64, usize>,
    ) -> Result<(), EvalError> {
        let mut track_index = HashMap::new();
        let mut seen: HashSet<(u64, &str)> = HashSet::new();
        for (n, line) in tracks.iter().enumerate() {
            if !line.confirmed {
                self.track_lines_tentative += 1;
                continue;
            }
            if !seen.insert((time_key(line.t), line.id.as_str())) {
                return Err(EvalError::DuplicateTrack {
                    file: track_file.to_owned(),
                    id: line.id.clone(),
                    t: line.t,
                });
            }
            self.track_lines_confirmed += 1;
            let Some(&step) = step_of.get(&time_key(line.t)) else {
                self.track_lines_unscored_time += 1;
                continue;
            };
            let track = intern(&mut self.track_names, &mut track_index, &line.id);
            self.steps[step].track_ids.push(track);
            self.steps[step].tracks.push([line.x, line.y, line.z]);
            self.steps[step].track_lines.push(n);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_scenario::Scenario;

    fn read(text: &str) -> Scenario {
        Scenario::read(text.as_bytes(), "f.jsonl").unwrap()
    }

    const TRUTH: &str = r#"{"type":"truth","t":-0.0,"id":"T1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0}
{"type":"truth","t":1.0,"id":"T1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0}
{"type":"truth","t":1.0,"id":"T2","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0}
"#;

    #[test]
    fn groups_by_exact_time_and_counts_lines() {
        let tracks = read(
            r#"{"type":"track","t":0.0,"id":"K1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true}
{"type":"track","t":0.5,"id":"K1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true}
{"type":"track","t":1.0,"id":"K2","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":false}
{"type":"estimate","t":1.0,"id":"E1","x":0,"y":0,"z":0}
{"type":"track","t":1.0000000000000002,"id":"K1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true}
"#,
        );
        let truth = read(TRUTH);
        let tl = Timeline::build(&truth.truth, "s", &tracks.tracks, "t").unwrap();
        assert_eq!(tl.steps.len(), 2);
        // -0.0 in the truth and 0.0 in the track file are the same time.
        assert_eq!(tl.steps[0].track_ids.len(), 1);
        // 1.0000000000000002 is not 1.0: that line is at a time without truth.
        assert_eq!(tl.steps[1].truths.len(), 2);
        assert_eq!(tl.steps[1].track_ids, vec![1]);
        // Line indices point back into the slices (the estimate is the fourth track line).
        assert_eq!(tl.steps[1].track_lines, vec![3]);
        assert_eq!(tl.steps[1].truth_lines, vec![1, 2]);
        assert_eq!(tl.track_names, vec!["K1", "E1"]);
        assert_eq!(tl.track_lines_confirmed, 4);
        assert_eq!(tl.track_lines_tentative, 1);
        assert_eq!(tl.track_lines_unscored_time, 2);
    }

    #[test]
    fn duplicates_and_missing_truth_are_errors() {
        let twice = format!("{TRUTH}{}", TRUTH.lines().nth(2).unwrap());
        let truth = read(&twice);
        let err = Timeline::build(&truth.truth, "s.jsonl", &[], "t").unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.jsonl: second truth line for target \"T2\" at t = 1"
        );
        let err = Timeline::build(&[], "s.jsonl", &[], "t").unwrap_err();
        assert!(err.to_string().contains("no truth lines"));
    }
}
