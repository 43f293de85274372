//! Spoof flag scoring: how `spoof_suspected` alerts flagged the targets whose broadcast is
//! forged.
//!
//! Definitions (`formats/scenario.md`: truth `spoofed: true`; alert rule `spoof_suspected`, the
//! name of `picket_core::RuleKind::SpoofSuspected`):
//! - A target is *spoofed* when any of its truth lines has `spoofed: true`.
//! - A *spoof flag* is a `raised` alert event with rule `spoof_suspected`. It concerns the
//!   target its track was paired with by GOSPA at the last scored time ≤ the alert's `t` at
//!   which the track was reported (the rule of [`crate::alerts`]); a flag on a track then
//!   unpaired is counted apart (`spoof_flags_on_unmatched_tracks`).
//! - A spoofed target is *flagged* when at least one spoof flag concerns it; its time to flag is
//!   the first such flag's `t` minus the target's first truth `t`.
//! - A *false spoof flag* is a spoof flag concerning a target that is not spoofed;
//!   `honest_targets_flagged` counts the distinct such targets.

use crate::alerts::TargetInfo;
use serde::Serialize;
use std::fmt;

/// One spoofed target and when it was first flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpoofedTarget {
    /// Target id.
    pub target: String,
    /// First truth time, seconds.
    pub first_truth_t: f64,
    /// First spoof flag concerning it, seconds.
    pub first_flag_t: Option<f64>,
    /// `first_flag_t − first_truth_t`, seconds.
    pub time_to_flag_s: Option<f64>,
}

/// The spoof figures of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpoofScore {
    /// Targets with `spoofed: true`.
    pub spoofed_targets: usize,
    /// Of those, flagged at least once.
    pub spoofed_flagged: usize,
    /// `spoofed_flagged / spoofed_targets` (`None` without spoofed targets).
    pub flag_rate: Option<f64>,
    /// Mean time to flag over flagged targets, seconds.
    pub mean_time_to_flag_s: Option<f64>,
    /// Longest time to flag, seconds.
    pub max_time_to_flag_s: Option<f64>,
    /// `raised` spoof_suspected alerts.
    pub spoof_flags: usize,
    /// Spoof flags concerning targets that are not spoofed.
    pub false_spoof_flags: usize,
    /// Distinct targets that are not spoofed but were flagged.
    pub honest_targets_flagged: usize,
    /// Spoof flags on tracks paired with no target at the time.
    pub spoof_flags_on_unmatched_tracks: usize,
    /// Every spoofed target.
    pub targets: Vec<SpoofedTarget>,
}

/// Scores `flags` (time, concerned target index into `info`) against the spoofed targets.
pub(crate) fn score_spoof(info: &[TargetInfo], flags: &[(f64, Option<usize>)]) -> SpoofScore {
    let mut first_flag: Vec<Option<f64>> = vec![None; info.len()];
    let mut score = SpoofScore {
        spoof_flags: flags.len(),
        ..SpoofScore::default()
    };
    for &(t, concerned) in flags {
        let Some(target) = concerned else {
            score.spoof_flags_on_unmatched_tracks += 1;
            continue;
        };
        if !info[target].spoofed {
            score.false_spoof_flags += 1;
            score.honest_targets_flagged += usize::from(first_flag[target].is_none());
        }
        if first_flag[target].is_none_or(|first| t < first) {
            first_flag[target] = Some(t);
        }
    }
    for (target, first_flag_t) in info.iter().zip(first_flag) {
        if !target.spoofed {
            continue;
        }
        let first_truth_t = target.samples[0].t;
        score.targets.push(SpoofedTarget {
            target: target.first.id.clone(),
            first_truth_t,
            first_flag_t,
            time_to_flag_s: first_flag_t.map(|t| t - first_truth_t),
        });
    }
    let delays: Vec<f64> = score
        .targets
        .iter()
        .filter_map(|s| s.time_to_flag_s)
        .collect();
    score.spoofed_targets = score.targets.len();
    score.spoofed_flagged = delays.len();
    score.flag_rate =
        (score.spoofed_targets > 0).then(|| delays.len() as f64 / score.spoofed_targets as f64);
    score.mean_time_to_flag_s =
        (!delays.is_empty()).then(|| delays.iter().sum::<f64>() / delays.len() as f64);
    score.max_time_to_flag_s = delays.iter().copied().reduce(f64::max);
    score
}

impl fmt::Display for SpoofScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
        writeln!(
            f,
            "  spoofed targets: {}, flagged {} ({}); time to flag (s): mean {}, max {}",
            self.spoofed_targets,
            self.spoofed_flagged,
            self.flag_rate
                .map_or("-".to_owned(), |r| format!("{:.1} %", 100.0 * r)),
            opt(self.mean_time_to_flag_s),
            opt(self.max_time_to_flag_s)
        )?;
        for s in self.targets.iter().filter(|s| s.first_flag_t.is_none()) {
            writeln!(f, "    {} never flagged", s.target)?;
        }
        writeln!(
            f,
            "  spoof flags: {} raised, {} false ({} honest targets), {} on unmatched tracks",
            self.spoof_flags,
            self.false_spoof_flags,
            self.honest_targets_flagged,
            self.spoof_flags_on_unmatched_tracks
        )
    }
}
