//! The threat picture: per track, a level 0–4 and its explanation, recomputed every step.
//!
//! The level is the highest level among the track's open alerts; a track with none is 1 when
//! it is probably a drone (and not exempt: whitelisted in bounds, aircraft in a corridor,
//! known traffic in an exclusion zone), else 0. The hot loop keeps only numbers
//! ([`Assessment`]); words are made when someone asks ([`Threat::explain`]).

use crate::evaluate::Exemption;
use crate::guard::Guard;
use picket_core::{Class, Geodetic, Identity, RuleKind, ThreatLevel, Timestamp, TrackId};
use std::fmt::Write;

/// The numbers behind a track's threat, as of its last evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assessment {
    /// When it was computed.
    pub time: Timestamp,
    /// The level.
    pub level: ThreatLevel,
    /// Predicted time to breach a protected zone, seconds (0 inside).
    pub time_to_breach_s: Option<f64>,
    /// Nearest protected zone (index) and horizontal distance to it, metres.
    pub nearest_protected: Option<(u16, f64)>,
    /// Matching whitelist entry.
    pub authorization: Option<usize>,
    /// Why zone rules are silenced.
    pub exemption: Option<Exemption>,
    /// Identity suspected of spoofing.
    pub spoof_suspected: bool,
}

/// A track's threat with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    /// The track.
    pub track: TrackId,
    /// When it was assessed.
    pub time: Timestamp,
    /// Level 0–4.
    pub level: ThreatLevel,
    /// Rules with an open alert on the track, with their zone.
    pub fired: Vec<(RuleKind, Option<String>)>,
    /// Predicted time to breach a protected zone, seconds (0 inside).
    pub time_to_breach_s: Option<f64>,
    /// Nearest protected zone and horizontal distance to it, metres.
    pub nearest_protected: Option<(String, f64)>,
    /// Most probable class and its probability.
    pub class: (Class, f64),
    /// Bound identity.
    pub identity: Option<Identity>,
    /// The remote pilot's last broadcast position, when known.
    pub pilot: Option<Geodetic>,
    /// Whitelist entry label when the identity is whitelisted.
    pub authorized_as: Option<String>,
    /// Why zone rules are silenced, in words.
    pub exemption: Option<String>,
    /// Identity suspected of spoofing.
    pub spoof_suspected: bool,
}

impl Threat {
    /// One line for an operator: `K3 level 4: entry hq, predicted_entry hq; breach in 0 s;
    /// 0 m from hq; class drone 0.91; no identity`.
    pub fn explain(&self) -> String {
        let mut s = format!("{} level {}", self.track, self.level.get());
        if self.fired.is_empty() {
            s.push_str(": no rule fired");
        } else {
            let rules: Vec<String> = self
                .fired
                .iter()
                .map(|(r, z)| match z {
                    Some(z) => format!("{r} {z}"),
                    None => r.to_string(),
                })
                .collect();
            let _ = write!(s, ": {}", rules.join(", "));
        }
        if let Some(t) = self.time_to_breach_s {
            let _ = write!(s, "; breach in {t:.0} s");
        }
        if let Some((z, d)) = &self.nearest_protected {
            let _ = write!(s, "; {d:.0} m from {z}");
        }
        let _ = write!(s, "; class {} {:.2}", self.class.0, self.class.1);
        match &self.identity {
            Some(i) => {
                let _ = write!(s, "; {}", crate::compile::identity_label(i));
            }
            None => s.push_str("; no identity"),
        }
        if let Some(p) = &self.pilot {
            let _ = write!(s, "; pilot at {:.5}, {:.5}", p.lat_deg, p.lon_deg);
        }
        if let Some(e) = &self.exemption {
            let _ = write!(s, "; {e}");
        } else if let Some(a) = &self.authorized_as {
            let _ = write!(s, "; whitelisted as {a}, out of bounds");
        }
        if self.spoof_suspected {
            s.push_str("; SPOOFING SUSPECTED");
        }
        s
    }
}

impl Guard {
    /// The threat of every live track, in track id order.
    pub fn threats(&self) -> impl Iterator<Item = Threat> + '_ {
        self.tracks.keys().filter_map(|id| self.threat(*id))
    }

    /// The threat of one track.
    pub fn threat(&self, id: TrackId) -> Option<Threat> {
        let entry = self.tracks.get(&id)?;
        let a = &entry.assessment;
        let c = &self.compiled;
        let mut fired: Vec<(u64, RuleKind, Option<String>)> = entry
            .slots
            .iter()
            .filter_map(|s| {
                let alert = s.alert.as_ref()?;
                let zone = c.zones.get(usize::from(s.zone)).map(|z| z.id().to_owned());
                Some((alert.id.0, c.rules[usize::from(s.rule)].kind, zone))
            })
            .collect();
        fired.sort_by_key(|f| f.0);
        Some(Threat {
            track: id,
            time: a.time,
            level: a.level,
            fired: fired.into_iter().map(|(_, r, z)| (r, z)).collect(),
            time_to_breach_s: a.time_to_breach_s,
            nearest_protected: a
                .nearest_protected
                .map(|(z, d)| (c.zones[usize::from(z)].id().to_owned(), d)),
            class: entry.track.class.best(),
            identity: entry.track.identity.clone(),
            pilot: entry.track.pilot,
            authorized_as: a.authorization.map(|i| c.whitelist[i].label.clone()),
            exemption: a.exemption.map(|e| e.describe(self)),
            spoof_suspected: a.spoof_suspected,
        })
    }
}
