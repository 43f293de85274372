//! The rules' tests: one [`Verdict`] per (track, rule, zone) per step, from the track's state.

use crate::compile::Compiled;
use crate::lifecycle::{Cause, Verdict};
use crate::predict::UnitGaussian;
use crate::rules::{CLASS_HYSTERESIS, Rule, RuleParams};
use crate::spoof::SpoofMonitor;
use crate::zones::GuardZone;
use picket_core::{Class, Identity, ThreatLevel, Timestamp, Track, ZoneKind};
use std::collections::HashMap;

/// Why a track's zone rules are silenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exemption {
    /// A whitelisted identity inside its bounds (whitelist index).
    Authorized(usize),
    /// An aircraft (ICAO identity) inside a corridor zone (zone index).
    Corridor(usize),
    /// A cooperative identity inside an exclusion zone (zone index).
    Exclusion(usize),
}

/// What the rules share, read-only, during one step.
pub struct Context<'a> {
    /// The configuration.
    pub compiled: &'a Compiled,
    /// The quadrature points.
    pub gauss: &'a UnitGaussian,
    /// Spoofing state per identity.
    pub spoof: &'a SpoofMonitor,
    /// Whitelist index by identity.
    pub whitelist: &'a HashMap<Identity, usize>,
    /// Step time.
    pub time: Timestamp,
}

/// Per-track facts computed once per step, before the rules.
pub struct Facts {
    /// The matching whitelist entry.
    pub authorization: Option<usize>,
    /// The unauthorized rule's verdict (Clear when not whitelisted).
    pub unauthorized: Verdict,
    /// Why zone rules are silenced, if they are.
    pub exemption: Option<Exemption>,
    /// The track's identity is suspected of spoofing.
    pub spoofed: bool,
}

/// How far outside the zone `p` is (0 inside), horizontally or vertically, whichever is more.
fn outside_by_m(zone: &GuardZone, track: &Track) -> f64 {
    let p = &track.position;
    let vertical = (zone.floor_z_m - p.z).max(p.z - zone.ceiling_z_m).max(0.0);
    vertical.max(zone.distance_xy_m(p.x, p.y))
}

/// Inside → fire; outside by the margin → clear; between → hold.
fn inside_verdict(
    zone: &GuardZone,
    track: &Track,
    margin_m: f64,
    fire: impl FnOnce() -> Verdict,
) -> Verdict {
    let p = &track.position;
    if zone.contains(p) {
        return fire();
    }
    // The bound is cheap and usually settles it: most tracks are far from most zones.
    if zone.distance_lower_bound_m(p.x, p.y) >= margin_m || outside_by_m(zone, track) >= margin_m {
        Verdict::Clear
    } else {
        Verdict::Hold
    }
}

/// The class gate: `Some(verdict)` when the rule does not apply to this track's class.
fn class_gate(rule: &Rule, track: &Track) -> Option<Verdict> {
    if rule.min_class_p <= 0.0 {
        return None;
    }
    let mass = rule.class_mass(&track.class);
    if mass < rule.min_class_p - CLASS_HYSTERESIS {
        Some(Verdict::Clear)
    } else if mass < rule.min_class_p {
        Some(Verdict::Hold)
    } else {
        None
    }
}

impl Context<'_> {
    /// The facts about `track` the rules need.
    pub fn facts(&self, track: &Track) -> Facts {
        let spoofed = track
            .identity
            .as_ref()
            .is_some_and(|i| self.spoof.is_suspect(i, track.id));
        let authorization = track
            .identity
            .as_ref()
            .and_then(|i| self.whitelist.get(i).copied());
        let unauthorized = authorization.map_or(Verdict::Clear, |a| self.bounds(a, track));
        let exemption = if spoofed {
            None
        } else if let Some(a) = authorization.filter(|_| !matches!(unauthorized, Verdict::Fire(..)))
        {
            Some(Exemption::Authorized(a))
        } else {
            self.zone_exemption(track)
        };
        Facts {
            authorization,
            unauthorized,
            exemption,
            spoofed,
        }
    }

    fn zone_exemption(&self, track: &Track) -> Option<Exemption> {
        let identity = track.identity.as_ref()?;
        let inside = |kind: ZoneKind| {
            self.compiled.zones.iter().position(|z| {
                z.zone.kind == kind && z.is_active(self.time) && z.contains(&track.position)
            })
        };
        match identity {
            Identity::Icao(_) => inside(ZoneKind::Corridor)
                .map(Exemption::Corridor)
                .or_else(|| inside(ZoneKind::Exclusion).map(Exemption::Exclusion)),
            Identity::RemoteId(_) => inside(ZoneKind::Exclusion).map(Exemption::Exclusion),
            Identity::SensorObject(_) => None,
        }
    }

    /// The unauthorized verdict for whitelist entry `a`.
    pub(crate) fn bounds(&self, a: usize, track: &Track) -> Verdict {
        let auth = &self.compiled.whitelist[a];
        let level = self.unauthorized_level();
        if !auth.is_in_time(self.time) {
            return Verdict::Fire(level, Cause::OutOfTime(auth.label.clone()));
        }
        if auth.zones.is_empty() {
            return Verdict::Clear;
        }
        let margin_m = self.unauthorized_margin_m();
        let mut best = Verdict::Fire(level, Cause::OutsideZones(auth.label.clone()));
        for &zi in &auth.zones {
            let zone = &self.compiled.zones[zi];
            match inside_verdict(zone, track, margin_m, || Verdict::Clear) {
                Verdict::Clear if zone.contains(&track.position) => return Verdict::Clear,
                Verdict::Hold => best = Verdict::Hold,
                _ => {}
            }
        }
        best
    }

    fn unauthorized_rule(&self) -> Option<&Rule> {
        self.compiled
            .rules
            .iter()
            .find(|r| matches!(r.params, RuleParams::Unauthorized { .. }))
    }

    fn unauthorized_level(&self) -> ThreatLevel {
        self.unauthorized_rule()
            .map_or(ThreatLevel::new(3), |r| r.level)
    }

    fn unauthorized_margin_m(&self) -> f64 {
        match self.unauthorized_rule().map(|r| r.params) {
            Some(RuleParams::Unauthorized { exit_margin_m }) => exit_margin_m,
            _ => 10.0,
        }
    }

    /// The verdict of a zone rule on zone `zi`.
    pub fn zone_rule(&self, rule: &Rule, zi: usize, track: &Track, facts: &Facts) -> Verdict {
        let zone = &self.compiled.zones[zi];
        if facts.exemption.is_some() || !zone.is_active(self.time) {
            return Verdict::Clear;
        }
        if let Some(v) = class_gate(rule, track) {
            return v;
        }
        let level = rule.level;
        match rule.params {
            RuleParams::Entry { exit_margin_m } => {
                inside_verdict(zone, track, exit_margin_m, || {
                    Verdict::Fire(level, Cause::Inside)
                })
            }
            RuleParams::Loiter { exit_margin_m, .. } => {
                inside_verdict(zone, track, exit_margin_m, || {
                    Verdict::Fire(level, Cause::Loiter)
                })
            }
            RuleParams::PredictedEntry {
                horizon_s,
                step_s,
                probability,
                exit_probability,
                urgent_s,
            } => {
                if zone.contains(&track.position) {
                    // Inside already: entry speaks now; an open prediction stays until it leaves.
                    return Verdict::Hold;
                }
                let (tau, p) = self
                    .gauss
                    .first_breach(zone, track, horizon_s, step_s, probability);
                match tau {
                    Some(tau_s) => {
                        let level = if tau_s <= urgent_s {
                            ThreatLevel::new(level.get() + 1)
                        } else {
                            level
                        };
                        Verdict::Fire(level, Cause::Predicted { tau_s, p })
                    }
                    None if p < exit_probability => Verdict::Clear,
                    None => Verdict::Hold,
                }
            }
            RuleParams::Approach {
                closing_mps,
                range_m,
            } => approach(zone, track, level, closing_mps, range_m),
            _ => Verdict::Clear,
        }
    }

    /// The no-Remote-ID verdict.
    pub fn no_remote_id(&self, rule: &Rule, track: &Track, facts: &Facts) -> Verdict {
        if facts.exemption.is_some()
            || matches!(
                track.identity,
                Some(Identity::RemoteId(_) | Identity::Icao(_))
            )
        {
            return Verdict::Clear;
        }
        if !rule.zones.is_empty()
            && !rule.zones.iter().any(|&zi| {
                let z = &self.compiled.zones[zi];
                z.is_active(self.time) && z.contains(&track.position)
            })
        {
            return Verdict::Clear;
        }
        if let Some(v) = class_gate(rule, track) {
            return v;
        }
        Verdict::Fire(
            rule.level,
            Cause::NoRemoteId {
                p_drone: track.class.get(Class::Drone),
            },
        )
    }

    /// The spoofing verdict.
    pub fn spoof(&self, rule: &Rule, track: &Track) -> Verdict {
        let Some(identity) = &track.identity else {
            return Verdict::Clear;
        };
        match self.spoof.state(identity) {
            Some(s) if self.spoof.is_suspect(identity, track.id) => {
                Verdict::Fire(rule.level, Cause::Spoof(s.reason.clone()))
            }
            _ => Verdict::Clear,
        }
    }
}

fn approach(
    zone: &GuardZone,
    track: &Track,
    level: ThreatLevel,
    closing_mps: f64,
    range_m: f64,
) -> Verdict {
    let (dx, dy) = (
        track.position.x - zone.asset[0],
        track.position.y - zone.asset[1],
    );
    let distance_m = (dx * dx + dy * dy).sqrt();
    if distance_m > range_m * 1.1 {
        return Verdict::Clear;
    }
    if distance_m < 1.0 {
        return Verdict::Hold; // Over the asset: no direction to close along.
    }
    let closing = -(track.velocity.x * dx + track.velocity.y * dy) / distance_m;
    if distance_m <= range_m && closing >= closing_mps {
        Verdict::Fire(
            level,
            Cause::Approach {
                closing_mps: closing,
                distance_m,
            },
        )
    } else if closing < 0.5 * closing_mps {
        Verdict::Clear
    } else {
        Verdict::Hold
    }
}
