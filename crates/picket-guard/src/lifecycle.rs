//! The alert life cycle of one (track, rule, zone) slot, with hysteresis.
//!
//! Each step a rule gives a [`Verdict`] for each slot: `Fire` (its cause holds), `Clear` (its
//! cause is over), or `Hold` (inside the hysteresis band: neither). An alert is raised once the
//! cause has held for the rule's `min_on_s` without a break (a `Hold` restarts that count too:
//! the band keeps open alerts, it does not raise them; a bird fragment whose drone probability
//! wandered 0.6, 0.45, 0.7 was raised at the end of the dwell as if it had been a drone all
//! along); it resolves itself once the cause has been over for `hold_s` (a `Hold` restarts
//! that count, so noise at a boundary cannot resolve and re-raise it). Levels only go up while an alert is open ([`picket_core::AlertState::Escalated`]). An operator who
//! resolves an alert whose cause still holds suppresses the slot until the cause ends, so the
//! same alert is not raised again a step later.

use picket_core::{AlertId, ClassProbs, IdCounter, Identity, ThreatLevel, Timestamp, Track};
use std::fmt::Write;

/// The zone index of slots that are not about a zone.
pub const NO_ZONE: u16 = u16::MAX;

/// Why a rule fires, with the numbers an operator wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// Inside the zone.
    Inside,
    /// Predicted inside.
    Predicted {
        /// Time to breach, seconds.
        tau_s: f64,
        /// Probability of being inside then.
        p: f64,
    },
    /// Inside the zone for a while.
    Loiter,
    /// Closing on the asset.
    Approach {
        /// Closing speed, m/s.
        closing_mps: f64,
        /// Distance to the asset, metres.
        distance_m: f64,
    },
    /// A drone broadcasting nothing.
    NoRemoteId {
        /// Probability it is a drone.
        p_drone: f64,
    },
    /// Broadcasts disagree with the sensors.
    Spoof(String),
    /// A whitelisted identity outside its time window.
    OutOfTime(String),
    /// A whitelisted identity outside its zones.
    OutsideZones(String),
}

/// A rule's judgement on one slot this step.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The cause holds, at this level.
    Fire(ThreatLevel, Cause),
    /// In the hysteresis band.
    Hold,
    /// The cause is over.
    Clear,
}

/// An open alert.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAlert {
    /// Its id.
    pub id: AlertId,
    /// When it was raised.
    pub raised_at: Timestamp,
    /// Its level (never lowered while open).
    pub level: ThreatLevel,
    /// The operator who acknowledged it (cleared again when it escalates).
    pub acknowledged_by: Option<String>,
    /// The cause that raised or last escalated it.
    pub cause: Cause,
}

/// One (track, rule, zone) slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Rule index.
    pub rule: u16,
    /// Zone index, or [`NO_ZONE`].
    pub zone: u16,
    since: Option<Timestamp>,
    clear_since: Option<Timestamp>,
    /// The open alert, if any.
    pub alert: Option<OpenAlert>,
    /// Resolved by an operator while the cause held: not raised again until it ends.
    pub suppressed: bool,
}

/// The timing of a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Cause must hold this long before raising, seconds.
    pub min_on_s: f64,
    /// Cause must be over this long before resolving, seconds.
    pub hold_s: f64,
    /// Open this long: one level up, seconds.
    pub escalate_after_s: Option<f64>,
}

/// What a step did to a slot.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing visible.
    Quiet,
    /// A new alert.
    Raised(OpenAlert),
    /// The open alert's level rose.
    Escalated(OpenAlert),
    /// The open alert resolved itself; the cause had been over for this long, seconds.
    Resolved(OpenAlert, f64),
}

/// Advances the slot `(rule, zone)` of `slots` by one verdict. `floor` is the track's threat
/// level before this step: a new alert is raised at no less, so it does not escalate at once.
pub fn advance(
    slots: &mut Vec<Slot>,
    key: (u16, u16),
    verdict: Verdict,
    time: Timestamp,
    timing: Timing,
    floor: ThreatLevel,
    ids: &mut IdCounter,
) -> Outcome {
    let pos = slots.iter().position(|s| (s.rule, s.zone) == key);
    match verdict {
        Verdict::Clear => {
            let Some(pos) = pos else {
                return Outcome::Quiet;
            };
            let slot = &mut slots[pos];
            slot.since = None;
            slot.suppressed = false;
            let outcome = match &slot.alert {
                Some(_) => {
                    let since = *slot.clear_since.get_or_insert(time);
                    let over_s = time.since_s(since);
                    if over_s >= timing.hold_s {
                        Outcome::Resolved(slot.alert.take().expect("checked"), over_s)
                    } else {
                        Outcome::Quiet
                    }
                }
                None => Outcome::Quiet,
            };
            if slots[pos].alert.is_none() {
                slots.swap_remove(pos);
            }
            outcome
        }
        Verdict::Hold => {
            if let Some(pos) = pos {
                let slot = &mut slots[pos];
                slot.clear_since = None;
                // Hysteresis keeps an open alert, not a pending one: the cause must hold
                // without a break for `min_on_s` before raising.
                if slot.alert.is_none() {
                    slot.since = None;
                }
            }
            Outcome::Quiet
        }
        Verdict::Fire(level, cause) => {
            let pos = pos.unwrap_or_else(|| {
                slots.push(Slot {
                    rule: key.0,
                    zone: key.1,
                    since: None,
                    clear_since: None,
                    alert: None,
                    suppressed: false,
                });
                slots.len() - 1
            });
            fire(&mut slots[pos], level, cause, time, timing, floor, ids)
        }
    }
}

fn fire(
    slot: &mut Slot,
    level: ThreatLevel,
    cause: Cause,
    time: Timestamp,
    timing: Timing,
    floor: ThreatLevel,
    ids: &mut IdCounter,
) -> Outcome {
    let since = *slot.since.get_or_insert(time);
    slot.clear_since = None;
    match &mut slot.alert {
        None if !slot.suppressed && time.since_s(since) >= timing.min_on_s => {
            let alert = OpenAlert {
                id: AlertId(ids.next_value()),
                raised_at: time,
                level: level.max(floor),
                acknowledged_by: None,
                cause,
            };
            slot.alert = Some(alert.clone());
            Outcome::Raised(alert)
        }
        None => Outcome::Quiet,
        Some(alert) => {
            let aged = timing
                .escalate_after_s
                .is_some_and(|s| time.since_s(alert.raised_at) >= s);
            let level = if aged {
                ThreatLevel::new(level.get() + 1)
            } else {
                level
            };
            if level > alert.level {
                alert.level = level;
                alert.acknowledged_by = None;
                alert.cause = cause;
                Outcome::Escalated(alert.clone())
            } else {
                Outcome::Quiet
            }
        }
    }
}

/// Words for a cause, about `track` and the zone `zone_id`.
pub fn describe(cause: &Cause, track: &Track, zone_id: Option<&str>) -> String {
    let zone = zone_id.unwrap_or("?");
    let mut s = String::new();
    let _ = match cause {
        Cause::Inside => write!(s, "{} is inside zone {zone}", track.id),
        Cause::Predicted { tau_s, p } => write!(
            s,
            "{} predicted inside zone {zone} in {tau_s:.0} s (p = {p:.2})",
            track.id
        ),
        Cause::Loiter => write!(s, "{} has stayed in zone {zone} too long", track.id),
        Cause::Approach {
            closing_mps,
            distance_m,
        } => write!(
            s,
            "{} closing on the asset of zone {zone} at {closing_mps:.1} m/s, {distance_m:.0} m out",
            track.id
        ),
        Cause::NoRemoteId { p_drone } => write!(
            s,
            "{} is a drone (p = {p_drone:.2}) broadcasting no Remote ID",
            track.id
        ),
        Cause::Spoof(reason) => write!(s, "{}: Remote ID spoofing suspected: {reason}", track.id),
        Cause::OutOfTime(label) => write!(
            s,
            "{} is authorized as {label}, but not at this time",
            track.id
        ),
        Cause::OutsideZones(label) => write!(
            s,
            "{} is authorized as {label}, but is outside its allowed zones",
            track.id
        ),
    };
    let _ = write!(
        s,
        " [{}]",
        track_summary(&track.class, track.identity.as_ref())
    );
    s
}

/// `class drone 0.82, RID 1596...` or `..., no identity`.
pub fn track_summary(class: &ClassProbs, identity: Option<&Identity>) -> String {
    let (best, p) = class.best();
    match identity {
        Some(i) => format!("class {best} {p:.2}, {}", crate::compile::identity_label(i)),
        None => format!("class {best} {p:.2}, no identity"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: f64) -> Timestamp {
        Timestamp::from_secs(s).unwrap()
    }

    const TIMING: Timing = Timing {
        min_on_s: 2.0,
        hold_s: 5.0,
        escalate_after_s: Some(30.0),
    };

    fn fire(l: u8) -> Verdict {
        Verdict::Fire(ThreatLevel::new(l), Cause::Inside)
    }

    fn run(slots: &mut Vec<Slot>, ids: &mut IdCounter, time: f64, v: Verdict) -> Outcome {
        advance(
            slots,
            (0, 0),
            v,
            t(time),
            TIMING,
            ThreatLevel::default(),
            ids,
        )
    }

    #[test]
    fn raise_after_min_on_resolve_after_hold_and_band_keeps_it_open() {
        let (mut slots, mut ids) = (Vec::new(), IdCounter::starting_at(1));
        assert_eq!(run(&mut slots, &mut ids, 0.0, fire(3)), Outcome::Quiet);
        assert_eq!(run(&mut slots, &mut ids, 1.0, fire(3)), Outcome::Quiet);
        let Outcome::Raised(a) = run(&mut slots, &mut ids, 2.0, fire(3)) else {
            panic!()
        };
        assert_eq!(a.id, AlertId(1));
        // Out, then back in the band, then out: the hold restarts.
        assert_eq!(
            run(&mut slots, &mut ids, 3.0, Verdict::Clear),
            Outcome::Quiet
        );
        assert_eq!(
            run(&mut slots, &mut ids, 6.0, Verdict::Hold),
            Outcome::Quiet
        );
        assert_eq!(
            run(&mut slots, &mut ids, 7.0, Verdict::Clear),
            Outcome::Quiet
        );
        assert_eq!(
            run(&mut slots, &mut ids, 11.0, Verdict::Clear),
            Outcome::Quiet
        );
        let Outcome::Resolved(r, over_s) = run(&mut slots, &mut ids, 12.0, Verdict::Clear) else {
            panic!()
        };
        assert_eq!((r.id, over_s), (AlertId(1), 5.0));
        assert!(slots.is_empty(), "a quiet slot is forgotten");
    }

    #[test]
    fn interrupted_cause_does_not_raise() {
        let (mut slots, mut ids) = (Vec::new(), IdCounter::starting_at(1));
        run(&mut slots, &mut ids, 0.0, fire(3));
        run(&mut slots, &mut ids, 1.5, Verdict::Clear);
        assert_eq!(run(&mut slots, &mut ids, 2.0, fire(3)), Outcome::Quiet);
    }

    #[test]
    fn escalates_on_level_and_age_only_upward() {
        let (mut slots, mut ids) = (Vec::new(), IdCounter::starting_at(1));
        let timing0 = Timing {
            min_on_s: 0.0,
            ..TIMING
        };
        let mut go = |time: f64, v| {
            advance(
                &mut slots,
                (0, 0),
                v,
                t(time),
                timing0,
                ThreatLevel::default(),
                &mut ids,
            )
        };
        assert!(matches!(go(0.0, fire(2)), Outcome::Raised(_)));
        let Outcome::Escalated(a) = go(1.0, fire(3)) else {
            panic!()
        };
        assert_eq!(a.level.get(), 3);
        assert_eq!(go(2.0, fire(2)), Outcome::Quiet, "never lowered");
        let Outcome::Escalated(a) = go(30.0, fire(3)) else {
            panic!()
        };
        assert_eq!(a.level.get(), 4, "open for 30 s: one up");
    }
}
