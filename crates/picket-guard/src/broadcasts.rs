//! Cooperative broadcasts: reports with a Remote ID or ICAO identity, in the site frame, and
//! the choice of the presumed-genuine track when one identity is bound to several.

use crate::evaluate::Context;
use crate::guard::Guard;
use crate::lifecycle::Verdict;
use crate::spoof::Broadcast;
use picket_core::{Identity, Measurement, Report, Timestamp, TrackId, polar_to_enu};

impl Guard {
    /// A report carrying a cooperative identity, as a broadcast in the site frame.
    pub(crate) fn broadcast(&self, r: &Report) -> Option<Broadcast> {
        let identity = r.identity.clone().filter(Identity::is_cooperative)?;
        r.validate().ok()?;
        let (position, cov_m2) = match r.measurement {
            Measurement::Position { position, cov_m2 } => (position, cov_m2),
            Measurement::Geodetic {
                position,
                sigma_h_m,
                sigma_v_m,
            } => {
                let (h, v) = (sigma_h_m * sigma_h_m, sigma_v_m * sigma_v_m);
                let cov = [[h, 0.0, 0.0], [0.0, h, 0.0], [0.0, 0.0, v]];
                (self.frame.to_enu(&position), cov)
            }
            Measurement::Polar {
                range_m,
                az_rad,
                el_rad,
                sigma_range_m,
                sigma_az_rad,
                ..
            } => {
                let (_, origin) = self.sensors.get(usize::from(r.sensor.0))?;
                let p = polar_to_enu(origin, range_m, az_rad, el_rad);
                // Isotropic bound of the polar error ellipsoid: enough for a consistency test.
                let s = sigma_range_m.max(range_m * sigma_az_rad);
                (p, [[s * s, 0.0, 0.0], [0.0, s * s, 0.0], [0.0, 0.0, s * s]])
            }
            Measurement::Bearing { .. } => return None,
        };
        Some(Broadcast {
            identity,
            time: r.time,
            position,
            cov_m2,
        })
    }

    /// For each newly flagged identity, presumes one track genuine, among the live tracks
    /// that held the identity within the last [`HOLDER_MEMORY_S`] (a tracker keeping one live
    /// track per identity hands a cloned serial back and forth between the owner's track and
    /// the cloner's, so the two are rarely bound at the same moment): the only one inside the
    /// identity's whitelist bounds with a ranging sensor (radar) behind it, when exactly one
    /// is; else, when several are bound now, the one bound first. A forger copying a serial is
    /// then the suspect, not its owner. (Spoofing preset, seeds 1-5: all 9 flags on honest
    /// drones were on the owners of cloned whitelisted serials, flagged because only the
    /// tracks bound at that moment were considered.)
    pub(crate) fn choose_trusted(&mut self, time: Timestamp) {
        let ctx = Context {
            compiled: &self.compiled,
            gauss: &self.gauss,
            spoof: &self.spoof,
            whitelist: &self.whitelist,
            time,
        };
        let mut choices: Vec<(Identity, TrackId)> = Vec::new();
        for identity in self.spoof.untrusted_flags() {
            let in_bounds: Vec<TrackId> = match self.whitelist.get(identity) {
                Some(&a) => self
                    .holders
                    .get(identity)
                    .into_iter()
                    .flatten()
                    .filter(|(_, last)| time.since_s(*last) <= HOLDER_MEMORY_S)
                    .filter_map(|(id, _)| self.tracks.get(id))
                    .filter(|e| {
                        e.track.sensors.0 & self.ranging.0 != 0
                            && !matches!(ctx.bounds(a, &e.track), Verdict::Fire(..))
                    })
                    .map(|e| e.track.id)
                    .collect(),
                None => Vec::new(),
            };
            let bound = self.bound.get(identity).filter(|ids| ids.len() > 1);
            let trusted = match (in_bounds.as_slice(), bound) {
                ([only], _) => *only,
                (_, Some(ids)) => ids[0],
                _ => continue,
            };
            choices.push((identity.clone(), trusted));
        }
        for (identity, track) in choices {
            self.spoof.trust(&identity, track);
        }
    }

    /// For each flagged identity with a presumed-genuine track, the other tracks bound to it
    /// within `min_separation_m` of that track: the same drone tracked twice (a Remote ID-only
    /// duplicate of the owner's radar track), not a second place. Spoofing preset seed 6: the
    /// owner of a cloned serial was flagged on such a duplicate, 10 m from its trusted track.
    pub(crate) fn find_twins(&mut self) {
        let separation_m = self.min_separation_m();
        let mut found: Vec<(Identity, Vec<TrackId>)> = Vec::new();
        for (identity, trusted) in self.spoof.trusted_flags() {
            let Some(genuine) = self.tracks.get(&trusted) else {
                continue;
            };
            let twins = self
                .bound
                .get(identity)
                .into_iter()
                .flatten()
                .filter(|id| **id != trusted)
                .filter(|id| {
                    self.tracks.get(id).is_some_and(|e| {
                        e.track.position.distance_m(&genuine.track.position) < separation_m
                    })
                })
                .copied()
                .collect();
            found.push((identity.clone(), twins));
        }
        for (identity, twins) in found {
            self.spoof.set_twins(&identity, twins);
        }
    }

    /// The spoofing rule's `min_separation_m` (its default without the rule).
    pub(crate) fn min_separation_m(&self) -> f64 {
        self.compiled
            .rules
            .iter()
            .find_map(|r| match r.params {
                crate::rules::RuleParams::SpoofSuspected(p) => Some(p.min_separation_m),
                _ => None,
            })
            .unwrap_or(crate::rules::SpoofParams::default().min_separation_m)
    }

    /// Remembers that `track` holds `identity` at `time`.
    pub(crate) fn note_holder(&mut self, identity: &Identity, track: TrackId, time: Timestamp) {
        let holders = self.holders.entry(identity.clone()).or_default();
        match holders.iter_mut().find(|(id, _)| *id == track) {
            Some(h) => h.1 = time,
            None => holders.push((track, time)),
        }
    }

    /// Forgets holders that ended or have not held their identity for [`HOLDER_MEMORY_S`].
    pub(crate) fn forget_holders(&mut self, time: Timestamp) {
        let tracks = &self.tracks;
        self.holders.retain(|_, holders| {
            holders.retain(|(id, last)| {
                tracks.contains_key(id) && time.since_s(*last) <= HOLDER_MEMORY_S
            });
            !holders.is_empty()
        });
    }
}

impl Guard {
    /// The whitelist entry a track without identity still counts as, when it is a duplicate of
    /// an authorized drone's track: it held a whitelisted identity until another track took
    /// it, that track is within `min_separation_m` of it (closer than that, two tracks are one
    /// object tracked twice, as the two-places test reads them) and inside its bounds, and the
    /// identity is not suspected. Site-defense seeds 1-20: both alerts on authorized drones
    /// were `entry` alerts on the radar track a drone's serial had just moved away from, 5-15 m
    /// from the new holder.
    pub(crate) fn inherited_authorization(&self, id: TrackId) -> Option<usize> {
        let entry = self.tracks.get(&id)?;
        if entry.track.identity.is_some() {
            return None;
        }
        let identity = entry.former_identity.as_ref()?;
        let a = *self.whitelist.get(identity)?;
        if self.spoof.is_flagged(identity) {
            return None;
        }
        let separation_m = self.min_separation_m();
        let ctx = Context {
            compiled: &self.compiled,
            gauss: &self.gauss,
            spoof: &self.spoof,
            whitelist: &self.whitelist,
            time: entry.track.time,
        };
        let p = &entry.track.position;
        self.bound
            .get(identity)?
            .iter()
            .filter_map(|h| self.tracks.get(h))
            .any(|h| {
                h.track.position.distance_m(p) < separation_m
                    && !matches!(ctx.bounds(a, &h.track), Verdict::Fire(..))
            })
            .then_some(a)
    }
}

/// How long a track that held an identity still counts as one of its holders, seconds.
pub const HOLDER_MEMORY_S: f64 = 30.0;
