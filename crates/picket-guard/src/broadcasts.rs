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

    /// For each newly flagged identity bound to several live tracks, presumes one genuine:
    /// the only one inside the identity's whitelist bounds when exactly one is, else the one
    /// bound first. A forger copying a serial is then the suspect, not its owner.
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
            let Some(ids) = self.bound.get(identity).filter(|ids| ids.len() > 1) else {
                continue;
            };
            let in_bounds: Vec<TrackId> = match self.whitelist.get(identity) {
                Some(&a) => ids
                    .iter()
                    .filter(|id| {
                        self.tracks
                            .get(id)
                            .is_some_and(|e| !matches!(ctx.bounds(a, &e.track), Verdict::Fire(..)))
                    })
                    .copied()
                    .collect(),
                None => Vec::new(),
            };
            let trusted = if in_bounds.len() == 1 {
                in_bounds[0]
            } else {
                ids[0]
            };
            choices.push((identity.clone(), trusted));
        }
        for (identity, track) in choices {
            self.spoof.trust(&identity, track);
        }
    }
}
