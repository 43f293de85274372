//! GOSPA and OSPA at every scored time, and the continuity figures that use GOSPA's pairs.

use crate::Params;
use crate::assign::{Matching, optimal_matching};
use crate::timeline::Timeline;
use serde::Serialize;

/// The figures of one scored time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StepScore {
    /// Time, seconds.
    pub t: f64,
    /// GOSPA, metres (p = 1).
    pub gospa: f64,
    /// Localisation part of GOSPA^p.
    pub localisation: f64,
    /// Missed part of GOSPA^p: (c^p / 2) per truth not paired.
    pub missed: f64,
    /// False part of GOSPA^p: (c^p / 2) per confirmed track not paired.
    pub false_tracks: f64,
    /// OSPA, metres (p = 1).
    pub ospa: f64,
    /// Number of truths.
    pub truths: usize,
    /// Number of confirmed tracks.
    pub tracks: usize,
    /// Number of (truth, track) pairs with d < c.
    pub pairs: usize,
}

/// GOSPA (α = 2) and OSPA of one time from its optimal matching (see [`crate::assign`]).
pub fn step_score(
    t: f64,
    tracks: usize,
    truths: usize,
    m: &Matching,
    params: &Params,
) -> StepScore {
    let c_p = params.cutoff_m.powf(params.p);
    let missed = c_p / 2.0 * (truths - m.pairs) as f64;
    let false_tracks = c_p / 2.0 * (tracks - m.pairs) as f64;
    let gospa = (m.localisation + missed + false_tracks).powf(1.0 / params.p);
    let n = tracks.max(truths);
    // Σ d_c^p of the optimal injection plus c^p per element of the larger set left over:
    // every element of the larger set that is not in a d < c pair costs c^p.
    let ospa = if n == 0 {
        0.0
    } else {
        ((m.localisation + c_p * (n - m.pairs) as f64) / n as f64).powf(1.0 / params.p)
    };
    StepScore {
        t,
        gospa,
        localisation: m.localisation,
        missed,
        false_tracks,
        ospa,
        truths,
        tracks,
        pairs: m.pairs,
    }
}

/// Continuity over the run: what each target was paired with, and when.
#[derive(Debug, Clone, Default)]
pub struct Continuity {
    /// Track breaks (a target paired at its previous scored time is now paired with another
    /// id or with none).
    pub track_breaks: usize,
    /// Changes of a target's track id against the last id it was ever paired with.
    pub id_switches: usize,
    /// (target, time) pairs with a paired track.
    pub paired: usize,
    /// All (target, time) pairs.
    pub truth_points: usize,
    /// First scored time ≥ t_det at which each target is paired.
    pub t_conf: Vec<Option<f64>>,
    /// For every step, the target paired with each of its tracks (in the step's track order).
    pub track_targets: Vec<Vec<Option<usize>>>,
}

/// Scores every step of `timeline`; `t_det` is indexed by target.
pub fn score_steps(
    timeline: &Timeline,
    t_det: &[Option<f64>],
    params: &Params,
) -> (Vec<StepScore>, Continuity) {
    let targets = timeline.target_names.len();
    let mut last_assigned: Vec<Option<usize>> = vec![None; targets];
    let mut last_track: Vec<Option<usize>> = vec![None; targets];
    let mut continuity = Continuity {
        t_conf: vec![None; targets],
        ..Continuity::default()
    };
    let mut scores = Vec::with_capacity(timeline.steps.len());
    for step in &timeline.steps {
        let m = optimal_matching(&step.tracks, &step.truths, params.cutoff_m, params.p);
        scores.push(step_score(
            step.t,
            step.tracks.len(),
            step.truths.len(),
            &m,
            params,
        ));
        let mut track_targets = vec![None; step.tracks.len()];
        for (&target, paired) in step.truth_ids.iter().zip(&m.truth_to_track) {
            if let Some(i) = *paired {
                track_targets[i] = Some(target);
            }
            let current = paired.map(|i| step.track_ids[i]);
            continuity.truth_points += 1;
            if last_assigned[target].is_some() && current != last_assigned[target] {
                continuity.track_breaks += 1;
            }
            if let Some(track) = current {
                continuity.paired += 1;
                if last_track[target].is_some_and(|last| last != track) {
                    continuity.id_switches += 1;
                }
                last_track[target] = Some(track);
                if continuity.t_conf[target].is_none()
                    && t_det[target].is_some_and(|t_det| step.t >= t_det)
                {
                    continuity.t_conf[target] = Some(step.t);
                }
            }
            last_assigned[target] = current;
        }
        continuity.track_targets.push(track_targets);
    }
    (scores, continuity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::{Point, distance_m};
    use proptest::prelude::*;

    fn score(tracks: &[Point], truths: &[Point]) -> StepScore {
        let params = Params::default();
        let m = optimal_matching(tracks, truths, params.cutoff_m, params.p);
        step_score(0.0, tracks.len(), truths.len(), &m, &params)
    }

    #[test]
    fn hand_computed_cases() {
        // One track 30 m from one truth, a second truth far away, a false track far away.
        let s = score(
            &[[0.0, 0.0, 0.0], [5000.0, 0.0, 0.0]],
            &[[0.0, 30.0, 0.0], [0.0, 900.0, 0.0]],
        );
        assert_eq!(
            (s.localisation, s.missed, s.false_tracks, s.gospa),
            (30.0, 50.0, 50.0, 130.0)
        );
        // OSPA: n = 2, (30 + 100) / 2.
        assert_eq!(s.ospa, 65.0);
        // No tracks: every truth missed; OSPA is c.
        let s = score(&[], &[[0.0; 3], [1.0, 2.0, 3.0], [7.0, 7.0, 7.0]]);
        assert_eq!((s.gospa, s.missed, s.ospa), (150.0, 150.0, 100.0));
        // 3-4-12 triangle: distance 13 in 3-D.
        let s = score(&[[3.0, 4.0, 12.0]], &[[0.0; 3]]);
        assert_eq!((s.gospa, s.ospa), (13.0, 13.0));
        // Pairs at exactly c are unassigned: 50 + 50 either way, OSPA c.
        let s = score(&[[100.0, 0.0, 0.0]], &[[0.0; 3]]);
        assert_eq!(
            (s.localisation, s.pairs, s.gospa, s.ospa),
            (0.0, 0, 100.0, 100.0)
        );
        // More tracks than truths: 2 tracks near one truth at 10 m and 20 m.
        let s = score(&[[20.0, 0.0, 0.0], [0.0, 10.0, 0.0]], &[[0.0; 3]]);
        assert_eq!(
            (s.localisation, s.false_tracks, s.gospa),
            (10.0, 50.0, 60.0)
        );
        assert_eq!(s.ospa, (10.0 + 100.0) / 2.0);
    }

    /// GOSPA (G, L, M, F) and OSPA by enumerating every partial assignment and injection.
    fn brute(tracks: &[Point], truths: &[Point], c: f64) -> (f64, f64, f64, f64, f64) {
        let (m, n) = (tracks.len(), truths.len());
        let mut best = (f64::INFINITY, 0.0, 0.0, 0.0);
        // Each track picks a truth index or none (n); keep one-to-one choices only.
        let mut choice = vec![0usize; m];
        let mut ospa_best = f64::INFINITY;
        loop {
            let mut used = vec![false; n];
            let ok = choice
                .iter()
                .all(|&j| j == n || !std::mem::replace(&mut used[j], true));
            if ok {
                let pairs: Vec<f64> = choice
                    .iter()
                    .enumerate()
                    .filter(|(_, j)| **j < n)
                    .map(|(i, &j)| distance_m(&tracks[i], &truths[j]))
                    .collect();
                let k = pairs.len();
                if pairs.iter().all(|d| *d < c) {
                    let loc: f64 = pairs.iter().sum();
                    let total = loc + c / 2.0 * (m + n - 2 * k) as f64;
                    if total < best.0 {
                        best = (
                            total,
                            loc,
                            c / 2.0 * (n - k) as f64,
                            c / 2.0 * (m - k) as f64,
                        );
                    }
                }
                if k == m.min(n) && m.max(n) > 0 {
                    let capped: f64 = pairs.iter().map(|d| d.min(c)).sum();
                    let o = (capped + c * (m.max(n) - k) as f64) / m.max(n) as f64;
                    ospa_best = ospa_best.min(o);
                }
            }
            // Next choice vector (odometer over 0..=n).
            let mut pos = 0;
            while pos < m && choice[pos] == n {
                choice[pos] = 0;
                pos += 1;
            }
            if pos == m {
                break;
            }
            choice[pos] += 1;
        }
        (
            best.0,
            best.1,
            best.2,
            best.3,
            if m.max(n) == 0 { 0.0 } else { ospa_best },
        )
    }

    fn points(max: usize) -> impl Strategy<Value = Vec<Point>> {
        prop::collection::vec(prop::array::uniform3(-150.0..150.0f64), 0..=max)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn matches_exhaustive_enumeration(tracks in points(5), truths in points(5)) {
            let s = score(&tracks, &truths);
            let (g, l, m, f, o) = brute(&tracks, &truths, 100.0);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
            prop_assert!(close(s.gospa, g), "GOSPA {} vs brute {}", s.gospa, g);
            prop_assert!(close(s.localisation, l), "L {} vs {}", s.localisation, l);
            prop_assert!(close(s.missed, m) && close(s.false_tracks, f));
            prop_assert!(close(s.ospa, o), "OSPA {} vs brute {}", s.ospa, o);
        }
    }
}
