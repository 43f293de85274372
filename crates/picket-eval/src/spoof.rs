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
//! - *With identity* (the `*_with_identity` figures, an addition to the pairing rule): a real
//!   tracker often builds a separate, broadcast-only track at a forged position, hundreds of
//!   metres from any target, that GOSPA cannot pair. A flag on a track that is unpaired at the
//!   time is then attributed to the target whose truth `ident` equals the track's `ident` (its
//!   last line at or before the flag), when exactly one target broadcasts that identity; a
//!   cloned serial (two targets) stays unattributed. Flags attributed this way count like
//!   paired ones: toward flagging a spoofed target, or as false flags on an honest one.

use crate::alerts::TargetInfo;
use picket_scenario::Ident;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// One raised `spoof_suspected` alert, as [`crate::alerts`] reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpoofFlag<'a> {
    /// Alert time, seconds.
    pub(crate) t: f64,
    /// The target its track was paired with (index into the targets), if any.
    pub(crate) target: Option<usize>,
    /// The identity the track carried at the alert.
    pub(crate) ident: Option<&'a Ident>,
}

/// One spoofed target and when it was first flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpoofedTarget {
    /// Target id.
    pub target: String,
    /// First truth time, seconds.
    pub first_truth_t: f64,
    /// First spoof flag concerning it (pairing rule), seconds.
    pub first_flag_t: Option<f64>,
    /// `first_flag_t − first_truth_t`, seconds.
    pub time_to_flag_s: Option<f64>,
    /// First spoof flag concerning it or attributed to it by identity, seconds.
    pub first_flag_with_identity_t: Option<f64>,
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
    /// Spoofed targets flagged by pairing or by identity.
    pub spoofed_flagged_with_identity: usize,
    /// `spoofed_flagged_with_identity / spoofed_targets`.
    pub flag_rate_with_identity: Option<f64>,
    /// Longest time to flag by pairing or identity, seconds.
    pub max_time_to_flag_with_identity_s: Option<f64>,
    /// False spoof flags by pairing or identity.
    pub false_spoof_flags_with_identity: usize,
    /// Distinct honest targets flagged by pairing or identity.
    pub honest_targets_flagged_with_identity: usize,
    /// Flags on unpaired tracks that no identity attributes (none, unknown or shared).
    pub spoof_flags_unattributed: usize,
    /// Every spoofed target.
    pub targets: Vec<SpoofedTarget>,
}

fn earliest(slot: &mut Option<f64>, t: f64) {
    if slot.is_none_or(|first| t < first) {
        *slot = Some(t);
    }
}

/// Scores `flags` against the spoofed targets of `info`.
pub(crate) fn score_spoof(info: &[TargetInfo], flags: &[SpoofFlag]) -> SpoofScore {
    // Identities broadcast by exactly one target.
    let mut owners: HashMap<&Ident, Option<usize>> = HashMap::new();
    for (i, target) in info.iter().enumerate() {
        if let Some(ident) = target.first.ident.as_ref() {
            owners
                .entry(ident)
                .and_modify(|owner| *owner = None)
                .or_insert(Some(i));
        }
    }
    let mut first_flag: Vec<Option<f64>> = vec![None; info.len()];
    let mut first_any: Vec<Option<f64>> = vec![None; info.len()];
    let mut score = SpoofScore {
        spoof_flags: flags.len(),
        ..SpoofScore::default()
    };
    for flag in flags {
        let by_identity = flag.ident.and_then(|i| owners.get(i).copied().flatten());
        let target = match (flag.target, by_identity) {
            (Some(target), _) => {
                if !info[target].spoofed {
                    score.false_spoof_flags += 1;
                    score.honest_targets_flagged += usize::from(first_flag[target].is_none());
                }
                earliest(&mut first_flag[target], flag.t);
                target
            }
            (None, Some(target)) => {
                score.spoof_flags_on_unmatched_tracks += 1;
                target
            }
            (None, None) => {
                score.spoof_flags_on_unmatched_tracks += 1;
                score.spoof_flags_unattributed += 1;
                continue;
            }
        };
        if !info[target].spoofed {
            score.false_spoof_flags_with_identity += 1;
            score.honest_targets_flagged_with_identity += usize::from(first_any[target].is_none());
        }
        earliest(&mut first_any[target], flag.t);
    }
    for (i, target) in info.iter().enumerate().filter(|(_, t)| t.spoofed) {
        let first_truth_t = target.samples[0].t;
        score.targets.push(SpoofedTarget {
            target: target.first.id.clone(),
            first_truth_t,
            first_flag_t: first_flag[i],
            time_to_flag_s: first_flag[i].map(|t| t - first_truth_t),
            first_flag_with_identity_t: first_any[i],
        });
    }
    score.summarise();
    score
}

impl SpoofScore {
    /// The counts, rates and delays from `targets`.
    fn summarise(&mut self) {
        let delays: Vec<f64> = self
            .targets
            .iter()
            .filter_map(|s| s.time_to_flag_s)
            .collect();
        let delays_any: Vec<f64> = self
            .targets
            .iter()
            .filter_map(|s| Some(s.first_flag_with_identity_t? - s.first_truth_t))
            .collect();
        let n = self.targets.len();
        let rate = |k: usize| (n > 0).then(|| k as f64 / n as f64);
        self.spoofed_targets = n;
        self.spoofed_flagged = delays.len();
        self.flag_rate = rate(delays.len());
        self.mean_time_to_flag_s =
            (!delays.is_empty()).then(|| delays.iter().sum::<f64>() / delays.len() as f64);
        self.max_time_to_flag_s = delays.iter().copied().reduce(f64::max);
        self.spoofed_flagged_with_identity = delays_any.len();
        self.flag_rate_with_identity = rate(delays_any.len());
        self.max_time_to_flag_with_identity_s = delays_any.iter().copied().reduce(f64::max);
    }
}

impl fmt::Display for SpoofScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
        let pct = |v: Option<f64>| v.map_or("-".to_owned(), |r| format!("{:.1} %", 100.0 * r));
        writeln!(
            f,
            "  spoofed targets: {}, flagged {} ({}); time to flag (s): mean {}, max {}",
            self.spoofed_targets,
            self.spoofed_flagged,
            pct(self.flag_rate),
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
        )?;
        writeln!(
            f,
            "  with identity (unpaired tracks by their ident): flagged {} ({}), max time to flag {} s; \
             {} false ({} honest targets); {} unattributed",
            self.spoofed_flagged_with_identity,
            pct(self.flag_rate_with_identity),
            opt(self.max_time_to_flag_with_identity_s),
            self.false_spoof_flags_with_identity,
            self.honest_targets_flagged_with_identity,
            self.spoof_flags_unattributed
        )
    }
}
