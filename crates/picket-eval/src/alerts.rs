//! Alert scoring: warning time before hostile entries, and false alerts.
//!
//! Definitions (`formats/scenario.md`, "Scoring", with the choices the text leaves open):
//! - A track is *assigned* to a target at a scored time when GOSPA pairs them. An alert at time
//!   `t` concerns the target its track was paired with at the last scored time ≤ `t` at which
//!   the track was reported; an alert on a track that was then unpaired (a false track) is
//!   counted apart, as an alert on an unmatched track.
//! - A hostile target (truth `role: hostile`) *enters* a protected zone at the first truth
//!   sample inside one (footprint, floor and ceiling). Its warning time is the entry time minus
//!   the time of the first `raised` alert concerning it, negative when late, missing when never
//!   alerted. Issue 5's target counts the entries whose target was first detected (the
//!   harness's t_det, see [`crate::detect`]) at least [`EARLY_DETECTION_S`] before entry apart.
//! - A `raised` alert concerning a bird, an aircraft, or an authorized target inside its bounds
//!   is a false alert. Authorized means truth `role: authorized` or an identity listed in an
//!   `authorized` line; inside its bounds means within that line's `from`/`to` window and, when
//!   the line lists zones, inside one of them (a target with the role and no line is always
//!   inside its bounds). A target with `role: hostile` or `spoofed: true` is never authorized,
//!   even when it broadcasts a listed identity: a drone copying a whitelisted serial is not
//!   the whitelisted drone, and an alert on it is not false.
//! - Spoof flags (`spoof_suspected` alerts) are scored by [`crate::spoof`] with the same rule
//!   for which target an alert concerns.
//! - Rates are per hour of scenario time (last truth t − first truth t).

use crate::spoof::{SpoofFlag, SpoofScore, score_spoof};
use crate::timeline::Timeline;
use crate::{EvalError, Params, detect, score};
use picket_core::{RuleKind, Zone};
use picket_scenario::{Authorized, Ident, Role, Scenario, Truth, convert};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// One hostile entry into a protected zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Target id.
    pub target: String,
    /// The protected zone entered first.
    pub zone: String,
    /// First truth time inside it, seconds.
    pub entry_t: f64,
    /// First `raised` alert concerning the target, seconds.
    pub first_alert_t: Option<f64>,
    /// `entry_t − first_alert_t`, seconds (negative when late).
    pub warning_s: Option<f64>,
    /// First detection of the target (t_det), seconds.
    pub first_detection_t: Option<f64>,
}

/// An entry whose target was first detected at least this long before it is one that issue 5
/// requires to be warned before entry, seconds.
pub const EARLY_DETECTION_S: f64 = 30.0;

impl Entry {
    /// First detected at least [`EARLY_DETECTION_S`] before entry.
    pub fn detected_early(&self) -> bool {
        self.first_detection_t
            .is_some_and(|t| self.entry_t - t >= EARLY_DETECTION_S)
    }

    /// Alerted no later than entry.
    pub fn warned_in_time(&self) -> bool {
        self.warning_s.is_some_and(|w| w >= 0.0)
    }
}

/// The alert figures of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertScore {
    /// `raised` alert events.
    pub alerts_raised: usize,
    /// Hostile targets that enter a protected zone.
    pub hostile_entries: usize,
    /// Of those, how many had an alert (at any time).
    pub hostile_entries_alerted: usize,
    /// Of those, how many had it before entry (warning time ≥ 0).
    pub hostile_entries_warned_in_time: usize,
    /// Hostile entries first detected at least [`EARLY_DETECTION_S`] before entry.
    pub hostile_entries_detected_early: usize,
    /// Of those, how many were warned before entry.
    pub hostile_entries_detected_early_warned: usize,
    /// Mean warning time over alerted entries, seconds.
    pub mean_warning_s: Option<f64>,
    /// Smallest warning time, seconds.
    pub min_warning_s: Option<f64>,
    /// Alerts concerning birds, aircraft or authorized targets inside their bounds.
    pub false_alerts: usize,
    /// `false_alerts` by why the target should not alert (`bird`, `aircraft`, `authorized`)
    /// and rule, e.g. `"bird entry"`.
    pub false_alerts_by: BTreeMap<String, usize>,
    /// Alerts on tracks paired with no target at the time.
    pub alerts_on_unmatched_tracks: usize,
    /// Scenario time, hours.
    pub scenario_hours: f64,
    /// `false_alerts` per hour.
    pub false_alerts_per_hour: Option<f64>,
    /// `alerts_on_unmatched_tracks` per hour.
    pub alerts_on_unmatched_tracks_per_hour: Option<f64>,
    /// Every hostile entry.
    pub entries: Vec<Entry>,
    /// How `spoof_suspected` alerts flagged the targets with `spoofed: true`.
    pub spoof: SpoofScore,
}

/// Per target: its first truth line's class, role and identity, and its samples in time order.
pub(crate) struct TargetInfo<'a> {
    pub(crate) first: &'a Truth,
    pub(crate) samples: Vec<&'a Truth>,
    /// Some truth line of the target has `spoofed: true`.
    pub(crate) spoofed: bool,
}

fn targets<'a>(timeline: &Timeline, truth: &'a [Truth]) -> Vec<TargetInfo<'a>> {
    let index: HashMap<&str, usize> = timeline
        .target_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut out: Vec<Option<TargetInfo>> = (0..timeline.target_names.len()).map(|_| None).collect();
    for line in truth {
        let Some(&i) = index.get(line.id.as_str()) else {
            continue;
        };
        out[i].get_or_insert_with(|| TargetInfo {
            first: line,
            samples: Vec::new(),
            spoofed: false,
        });
        let info = out[i].as_mut().expect("inserted above");
        info.samples.push(line);
        info.spoofed |= line.spoofed;
    }
    out.into_iter().flatten().collect()
}

/// The truth sample of a target at the last time ≤ `t` (or its first sample).
fn sample_at<'a>(info: &TargetInfo<'a>, t: f64) -> &'a Truth {
    let k = info.samples.partition_point(|s| s.t <= t);
    info.samples[k.saturating_sub(1)]
}

fn inside_bounds(info: &TargetInfo, t: f64, authorized: &[Authorized], zones: &[Zone]) -> bool {
    if info.first.role == Some(Role::Hostile) || info.spoofed {
        return false;
    }
    let lines: Vec<&Authorized> = authorized
        .iter()
        .filter(|a| {
            info.first
                .ident
                .as_ref()
                .is_some_and(|i: &Ident| *i == a.ident)
        })
        .collect();
    if lines.is_empty() {
        return info.first.role == Some(Role::Authorized);
    }
    let at = sample_at(info, t);
    lines.iter().any(|a| {
        let in_window = a.from.is_none_or(|from| t >= from) && a.to.is_none_or(|to| t <= to);
        let in_zone = a.zones.is_empty()
            || zones
                .iter()
                .any(|z| a.zones.contains(&z.id) && z.contains(at.x, at.y, at.z));
        in_window && in_zone
    })
}

/// Why an alert on this target at `t` is false (`bird`, `aircraft`, `authorized`), if it is.
fn false_alert_kind(
    info: &TargetInfo,
    t: f64,
    authorized: &[Authorized],
    zones: &[Zone],
) -> Option<&'static str> {
    match info.first.class.as_deref() {
        Some("bird") => Some("bird"),
        Some("aircraft") => Some("aircraft"),
        _ => inside_bounds(info, t, authorized, zones).then_some("authorized"),
    }
}

/// Per track id named in a `spoof_suspected` alert: (t, identity) of each of its lines, so a
/// flag can be read against the identity the track carried.
fn identities_of_flagged<'a>(
    tracks: &'a Scenario,
    alerts: &Scenario,
) -> HashMap<&'a str, Vec<(f64, Option<&'a Ident>)>> {
    let flagged: HashSet<&str> = alerts
        .alerts
        .iter()
        .filter(|a| a.rule == RuleKind::SpoofSuspected.as_str())
        .map(|a| a.track.as_str())
        .collect();
    let mut out: HashMap<&str, Vec<(f64, Option<&Ident>)>> = HashMap::new();
    for line in tracks
        .tracks
        .iter()
        .filter(|l| flagged.contains(l.id.as_str()))
    {
        out.entry(line.id.as_str())
            .or_default()
            .push((line.t, line.ident.as_ref()));
    }
    out
}

/// The value of the last entry at or before `t` of a time-sorted history.
fn last_at<T: Copy>(history: &[(f64, Option<T>)], t: f64) -> Option<T> {
    let k = history.partition_point(|(at, _)| *at <= t);
    k.checked_sub(1).and_then(|k| history[k].1)
}

/// Per track id: (scored time, paired target) wherever the track is reported.
fn pairing_history<'a>(
    timeline: &'a Timeline,
    continuity: &score::Continuity,
) -> HashMap<&'a str, Vec<(f64, Option<usize>)>> {
    let mut history: HashMap<&str, Vec<(f64, Option<usize>)>> = HashMap::new();
    for (step, targets_of) in timeline.steps.iter().zip(&continuity.track_targets) {
        for (&track, &target) in step.track_ids.iter().zip(targets_of) {
            history
                .entry(timeline.track_names[track].as_str())
                .or_default()
                .push((step.t, target));
        }
    }
    history
}

fn zones_of(scenario: &Scenario) -> Result<Vec<Zone>, EvalError> {
    scenario
        .zones
        .iter()
        .map(|z| {
            convert::zone(z)
                .map_err(|e| EvalError::Params(format!("{}: zone {:?}: {e}", scenario.file, z.id)))
        })
        .collect()
}

/// Scores the `raised` alerts of `alerts` against `scenario`, assigning tracks (of `tracks`)
/// to targets with GOSPA's pairs.
pub fn score_alerts(
    scenario: &Scenario,
    tracks: &Scenario,
    alerts: &Scenario,
    params: &Params,
) -> Result<AlertScore, EvalError> {
    let timeline = Timeline::build(
        &scenario.truth,
        &scenario.file,
        &tracks.tracks,
        &tracks.file,
    )?;
    let (t_det, _) = detect::first_detection_times(scenario, &timeline)?;
    let (_, continuity) = score::score_steps(&timeline, &t_det, params);
    let history = pairing_history(&timeline, &continuity);
    let zones = zones_of(scenario)?;
    let info = targets(&timeline, &scenario.truth);
    let mut first_alert: Vec<Option<f64>> = vec![None; info.len()];
    let (mut raised, mut false_alerts, mut unmatched) = (0, 0, 0);
    let mut spoof_flags = Vec::new();
    let mut false_alerts_by: BTreeMap<String, usize> = BTreeMap::new();
    let identities = identities_of_flagged(tracks, alerts);
    for alert in alerts.alerts.iter().filter(|a| a.state == "raised") {
        raised += 1;
        let track = alert.track.as_str();
        let concerned = history.get(track).and_then(|h| last_at(h, alert.t));
        if alert.rule == RuleKind::SpoofSuspected.as_str() {
            spoof_flags.push(SpoofFlag {
                t: alert.t,
                target: concerned,
                // The identity of the track's last line at or before the alert.
                ident: identities.get(track).and_then(|h| last_at(h, alert.t)),
            });
        }
        let Some(target) = concerned else {
            unmatched += 1;
            continue;
        };
        if first_alert[target].is_none_or(|t| alert.t < t) {
            first_alert[target] = Some(alert.t);
        }
        if let Some(why) = false_alert_kind(&info[target], alert.t, &scenario.authorized, &zones) {
            false_alerts += 1;
            *false_alerts_by
                .entry(format!("{why} {}", alert.rule))
                .or_default() += 1;
        }
    }
    let entries = hostile_entries(&info, &zones, &first_alert, &t_det);
    let warnings: Vec<f64> = entries.iter().filter_map(|e| e.warning_s).collect();
    let hours = (timeline.steps[timeline.steps.len() - 1].t - timeline.steps[0].t) / 3600.0;
    let per_hour = |n: usize| (hours > 0.0).then(|| n as f64 / hours);
    Ok(AlertScore {
        alerts_raised: raised,
        hostile_entries: entries.len(),
        hostile_entries_alerted: warnings.len(),
        hostile_entries_warned_in_time: warnings.iter().filter(|w| **w >= 0.0).count(),
        hostile_entries_detected_early: entries.iter().filter(|e| e.detected_early()).count(),
        hostile_entries_detected_early_warned: entries
            .iter()
            .filter(|e| e.detected_early() && e.warned_in_time())
            .count(),
        mean_warning_s: (!warnings.is_empty())
            .then(|| warnings.iter().sum::<f64>() / warnings.len() as f64),
        min_warning_s: warnings.iter().copied().reduce(f64::min),
        false_alerts,
        false_alerts_by,
        alerts_on_unmatched_tracks: unmatched,
        scenario_hours: hours,
        false_alerts_per_hour: per_hour(false_alerts),
        alerts_on_unmatched_tracks_per_hour: per_hour(unmatched),
        spoof: score_spoof(&info, &spoof_flags),
        entries,
    })
}

fn hostile_entries(
    info: &[TargetInfo],
    zones: &[Zone],
    first_alert: &[Option<f64>],
    t_det: &[Option<f64>],
) -> Vec<Entry> {
    let protected: Vec<&Zone> = zones
        .iter()
        .filter(|z| z.kind == picket_core::ZoneKind::Protected)
        .collect();
    let mut entries = Vec::new();
    for (target, t) in info.iter().enumerate() {
        if t.first.role != Some(Role::Hostile) {
            continue;
        }
        let entry = t.samples.iter().find_map(|s| {
            protected
                .iter()
                .find(|z| z.contains(s.x, s.y, s.z))
                .map(|z| (s.t, z.id.clone()))
        });
        if let Some((entry_t, zone)) = entry {
            let first_alert_t = first_alert[target];
            entries.push(Entry {
                target: t.first.id.clone(),
                zone,
                entry_t,
                first_alert_t,
                warning_s: first_alert_t.map(|a| entry_t - a),
                first_detection_t: t_det[target],
            });
        }
    }
    entries
}

impl fmt::Display for AlertScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
        writeln!(f, "alerts: {} raised", self.alerts_raised)?;
        writeln!(
            f,
            "  hostile entries into protected zones: {} ({} alerted, {} before entry)",
            self.hostile_entries, self.hostile_entries_alerted, self.hostile_entries_warned_in_time
        )?;
        writeln!(
            f,
            "  first detected >= {EARLY_DETECTION_S} s before entry: {} ({} before entry)",
            self.hostile_entries_detected_early, self.hostile_entries_detected_early_warned
        )?;
        writeln!(
            f,
            "  warning time (s): mean {}, min {}",
            opt(self.mean_warning_s),
            opt(self.min_warning_s)
        )?;
        for e in &self.entries {
            writeln!(
                f,
                "    {} enters {} at t = {}: warning {}, first detected {}",
                e.target,
                e.zone,
                e.entry_t,
                e.warning_s
                    .map_or("none (never alerted)".to_owned(), |w| format!("{w:.1} s")),
                e.first_detection_t
                    .map_or("never".to_owned(), |t| format!("at t = {t}"))
            )?;
        }
        writeln!(
            f,
            "  false alerts: {} ({} per hour); on unmatched tracks: {} ({} per hour)",
            self.false_alerts,
            opt(self.false_alerts_per_hour),
            self.alerts_on_unmatched_tracks,
            opt(self.alerts_on_unmatched_tracks_per_hour)
        )?;
        if !self.false_alerts_by.is_empty() {
            let by: Vec<String> = self
                .false_alerts_by
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            writeln!(f, "    false alerts by target and rule: {}", by.join(", "))?;
        }
        write!(f, "{}", self.spoof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (id, class, role, rid, position at t).
    type Target = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        fn(f64) -> [f64; 3],
    );

    const TARGETS: [Target; 5] = [
        ("H1", "drone", "hostile", "", |t| {
            [500.0 - 50.0 * t, 0.0, 50.0]
        }), // enters Z1 at t = 8
        ("H3", "drone", "hostile", "", |t| {
            [0.0, 600.0 - 50.0 * t, 50.0]
        }), // enters at 10
        ("H4", "drone", "hostile", "", |t| {
            [-600.0 + 50.0 * t, 0.0, 250.0]
        }), // enters at 10
        ("B1", "bird", "neutral", "", |_| [1000.0, 1000.0, 50.0]),
        ("A1", "drone", "authorized", "AUTH1", |t| {
            [-500.0 + 100.0 * t, -1000.0, 50.0]
        }),
    ];

    fn files() -> (Scenario, Scenario) {
        let mut scenario = String::from(
            r#"{"type":"zone","id":"Z1","kind":"protected","circle":{"x":0,"y":0,"r_m":100},"floor_m":0,"ceiling_m":300}
{"type":"zone","id":"Z2","kind":"corridor","polygon":[[-600,-1100],[0,-1100],[0,-900],[-600,-900]],"floor_m":0,"ceiling_m":300}
{"type":"authorized","rid":"AUTH1","zones":["Z2"]}
"#,
        );
        let mut tracks = String::new();
        for k in 0..=12 {
            let t = k as f64;
            for (id, class, role, rid, at) in TARGETS {
                let [x, y, z] = at(t);
                let ident = if rid.is_empty() {
                    String::new()
                } else {
                    format!(r#","ident":{{"rid":"{rid}"}}"#)
                };
                scenario.push_str(&format!(
                    r#"{{"type":"truth","t":{t:?},"id":"{id}","class":"{class}","role":"{role}"{ident},"x":{x},"y":{y},"z":{z},"vx":0,"vy":0,"vz":0}}"#
                ));
                scenario.push('\n');
                tracks.push_str(&format!(
                    r#"{{"type":"track","t":{t:?},"id":"K{id}","x":{x},"y":{y},"z":{},"vx":0,"vy":0,"vz":0,"confirmed":true}}"#,
                    z + 1.0
                ));
                tracks.push('\n');
            }
        }
        (
            Scenario::read(scenario.as_bytes(), "scenario.jsonl").unwrap(),
            Scenario::read(tracks.as_bytes(), "tracks.jsonl").unwrap(),
        )
    }

    fn alert(t: f64, track: &str, state: &str) -> String {
        format!(
            r#"{{"type":"alert","t":{t:?},"id":"A{t}","track":"{track}","rule":"entry","zone":"Z1","level":3,"state":"{state}"}}"#
        )
    }

    #[test]
    fn warning_times_and_false_alerts() {
        let (scenario, tracks) = files();
        let lines = [
            alert(2.0, "KB1", "raised"),    // a bird: false
            alert(3.0, "KA1", "raised"),    // authorized, inside Z2 (x = -200): false
            alert(4.0, "KX", "raised"),     // a track that does not exist: unmatched
            alert(5.0, "KH1", "raised"),    // 3 s before H1 enters
            alert(6.0, "KH1", "escalated"), // not a raise
            alert(7.0, "KH1", "raised"),    // a later raise does not change the warning
            alert(9.0, "KA1", "raised"),    // authorized but outside its corridor: not false
            alert(12.0, "KH3", "raised"),   // 2 s after H3 entered
        ]
        .join("\n");
        let alerts = Scenario::read(lines.as_bytes(), "alerts.jsonl").unwrap();
        let s = score_alerts(&scenario, &tracks, &alerts, &Params::default()).unwrap();
        assert_eq!(s.alerts_raised, 7);
        assert_eq!(s.hostile_entries, 3);
        let warning = |id: &str| s.entries.iter().find(|e| e.target == id).unwrap().warning_s;
        assert_eq!(warning("H1"), Some(3.0));
        assert_eq!(warning("H3"), Some(-2.0));
        assert_eq!(warning("H4"), None);
        assert_eq!(s.entries[0].entry_t, 8.0);
        assert_eq!(
            (s.hostile_entries_alerted, s.hostile_entries_warned_in_time),
            (2, 1)
        );
        assert_eq!((s.mean_warning_s, s.min_warning_s), (Some(0.5), Some(-2.0)));
        assert_eq!((s.false_alerts, s.alerts_on_unmatched_tracks), (2, 1));
        // 12 s of scenario: 2 false alerts are 600 per hour.
        assert!((s.false_alerts_per_hour.unwrap() - 600.0).abs() < 1e-9);
        assert!(
            s.to_string()
                .contains("H4 enters Z1 at t = 10: warning none")
        );
    }

    #[test]
    fn early_detection_and_warning() {
        let entry = |det: Option<f64>, warning_s: Option<f64>| Entry {
            target: "H".into(),
            zone: "Z".into(),
            entry_t: 100.0,
            first_alert_t: warning_s.map(|w| 100.0 - w),
            warning_s,
            first_detection_t: det,
        };
        assert!(entry(Some(70.0), None).detected_early());
        assert!(!entry(Some(70.5), None).detected_early());
        assert!(!entry(None, Some(5.0)).detected_early());
        assert!(entry(None, Some(0.0)).warned_in_time());
        assert!(!entry(None, Some(-0.5)).warned_in_time());
        assert!(!entry(None, None).warned_in_time());
    }
}
