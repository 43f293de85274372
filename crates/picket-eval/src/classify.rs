//! Classification accuracy on confirmed tracks.
//!
//! Definitions (`formats/scenario.md`, "Scoring": confirmed tracks only, GOSPA's pairs):
//! - A *sample* is one (scored time, confirmed track) where GOSPA pairs the track with a target
//!   (distance < c) and that target's truth line at that time carries a `class`. Truth lines
//!   without `class` are not scored; unpaired (false) tracks are not scored.
//! - The track's label at that time is the argmax of its `p_class` when `p_class` is present
//!   and has a finite entry (ties go to the alphabetically first class, the order of the map),
//!   else its `class` field, else [`UNKNOWN`]. A label is compared with the truth class as a
//!   string (`drone`, `bird`, `aircraft`, `other`).
//! - `accuracy` = correct samples / samples. The confusion matrix counts samples by
//!   (truth class, track label), with [`UNKNOWN`] for tracks that give no class.
//! - A *pairing* is one (track id, target id, truth class) over all the samples that have it.
//!   Its majority label is the label with the most samples; the pairing is correct when the
//!   truth class is the *unique* most frequent label (a tie counts as wrong, so a track that
//!   flips between two labels half the time is not credited).
//!   `majority_accuracy` = correct pairings / pairings.

use crate::score::Continuity;
use crate::timeline::Timeline;
use picket_scenario::{TrackRecord, Truth};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The label of a track that reports no class.
pub const UNKNOWN: &str = "unknown";

/// Classification figures of a run (see the module docs for the definitions).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClassScore {
    /// Scored (time, paired confirmed track) samples whose truth has a class.
    pub samples: usize,
    /// Samples whose track label equals the truth class.
    pub correct: usize,
    /// `correct / samples` (`None` without samples).
    pub accuracy: Option<f64>,
    /// Samples by truth class, then by track label.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Distinct (track, target, truth class) pairings.
    pub pairings: usize,
    /// Pairings whose truth class is the unique most frequent track label.
    pub pairings_correct: usize,
    /// `pairings_correct / pairings` (`None` without pairings).
    pub majority_accuracy: Option<f64>,
}

/// The label a track line gives: argmax of `p_class`, else `class`, else [`UNKNOWN`].
pub fn track_label(track: &TrackRecord) -> &str {
    let best = track.p_class.as_ref().and_then(|p| {
        p.iter()
            .filter(|(_, v)| v.is_finite())
            // Strictly greater keeps the first (alphabetical) class of a tie.
            .fold(None, |best: Option<(&String, f64)>, (k, &v)| match best {
                Some((_, b)) if v <= b => best,
                _ => Some((k, v)),
            })
            .map(|(k, _)| k.as_str())
    });
    best.or(track.class.as_deref()).unwrap_or(UNKNOWN)
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Scores the labels of the confirmed tracks GOSPA paired with classed targets.
/// `continuity` must come from [`crate::score::score_steps`] over `timeline`, and `timeline`
/// from `truth` and `tracks`.
pub fn score_classes(
    timeline: &Timeline,
    continuity: &Continuity,
    truth: &[Truth],
    tracks: &[TrackRecord],
) -> ClassScore {
    let mut score = ClassScore::default();
    // Per pairing: label counts.
    let mut pairings: HashMap<(usize, usize, &str), BTreeMap<&str, usize>> = HashMap::new();
    // Position of each target in the current step (reused across steps; usize::MAX = absent).
    let mut slot = vec![usize::MAX; timeline.target_names.len()];
    for (step, targets_of) in timeline.steps.iter().zip(&continuity.track_targets) {
        for (j, &target) in step.truth_ids.iter().enumerate() {
            slot[target] = j;
        }
        for (i, target) in targets_of.iter().enumerate() {
            let Some(target) = *target else { continue };
            let truth_line = &truth[step.truth_lines[slot[target]]];
            let Some(truth_class) = truth_line.class.as_deref() else {
                continue;
            };
            let label = track_label(&tracks[step.track_lines[i]]);
            score.samples += 1;
            score.correct += usize::from(label == truth_class);
            *score
                .confusion
                .entry(truth_class.to_owned())
                .or_default()
                .entry(label.to_owned())
                .or_default() += 1;
            *pairings
                .entry((step.track_ids[i], target, truth_class))
                .or_default()
                .entry(label)
                .or_default() += 1;
        }
        for &target in &step.truth_ids {
            slot[target] = usize::MAX;
        }
    }
    score.pairings = pairings.len();
    score.pairings_correct = pairings
        .iter()
        .filter(|((_, _, truth_class), labels)| {
            let right = labels.get(truth_class).copied().unwrap_or(0);
            right > 0
                && labels
                    .iter()
                    .all(|(label, n)| label == truth_class || *n < right)
        })
        .count();
    score.accuracy = ratio(score.correct, score.samples);
    score.majority_accuracy = ratio(score.pairings_correct, score.pairings);
    score
}

impl fmt::Display for ClassScore {
    /// The summary line and the confusion matrix (rows: truth class, columns: track label).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.1} %", 100.0 * v));
        writeln!(
            f,
            "classification on confirmed tracks: {} of {} samples right ({}); \
             {} of {} (track, target) pairings right by majority ({})",
            self.correct,
            self.samples,
            pct(self.accuracy),
            self.pairings_correct,
            self.pairings,
            pct(self.majority_accuracy)
        )?;
        if self.confusion.is_empty() {
            return Ok(());
        }
        let mut labels: Vec<&str> = self
            .confusion
            .values()
            .flat_map(|row| row.keys().map(String::as_str))
            .collect();
        labels.sort_unstable();
        labels.dedup();
        write!(f, "  {:<14}", "truth \\ track")?;
        for label in &labels {
            write!(f, "{label:>10}")?;
        }
        writeln!(f)?;
        for (truth_class, row) in &self.confusion {
            write!(f, "  {truth_class:<14}")?;
            for label in &labels {
                write!(f, "{:>10}", row.get(*label).copied().unwrap_or(0))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_scenario::Scenario;

    fn label_of(extra: &str) -> String {
        let line = format!(
            r#"{{"type":"track","t":0.0,"id":"K1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true{extra}}}"#
        );
        let file = Scenario::read(line.as_bytes(), "t.jsonl").unwrap();
        track_label(&file.tracks[0]).to_owned()
    }

    #[test]
    fn labels() {
        assert_eq!(label_of(""), UNKNOWN);
        assert_eq!(label_of(r#","class":"bird""#), "bird");
        // An empty p_class says nothing: the class field decides.
        assert_eq!(label_of(r#","class":"bird","p_class":{}"#), "bird");
        assert_eq!(
            label_of(r#","class":"bird","p_class":{"other":0.2,"aircraft":0.8}"#),
            "aircraft"
        );
        assert_eq!(
            label_of(r#","p_class":{"other":0.25,"drone":0.25,"bird":0.25,"aircraft":0.25}"#),
            "aircraft"
        );
    }
}
