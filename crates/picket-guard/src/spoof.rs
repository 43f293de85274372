//! Remote ID (and ADS-B) spoofing checks.
//!
//! A cooperative identity is *suspected* when its broadcasts disagree with physics or with the
//! other sensors:
//! - **innovation**: a broadcast position is further from the track bound to the same identity
//!   than their joint uncertainty allows (`νᵀ S⁻¹ ν > gate`, `S` = track position covariance
//!   predicted to the broadcast time + broadcast covariance + `floor_m`² per axis: an honest
//!   drone 4 km out was 39 m from its radar track, χ² 90 without the floor), checked only when the track has a
//!   non-cooperative sensor (radar, RF, camera, acoustic) behind it — a track built from the
//!   broadcasts alone cannot contradict them;
//! - **jump**: two consecutive broadcasts further apart than the fastest plausible object could
//!   fly in the time between them (plus 4 sigma of their accuracies);
//! - **two places**: the same identity broadcast from two places at once (within 0.5 s), or
//!   bound to two live tracks whose positions are incompatible and at least
//!   `min_separation_m` apart (150 m by default: closer, they are one object tracked twice);
//! - **unconfirmed**: broadcasts inside the coverage of a radar (`[[guard.coverage]]`, or
//!   `verify_range_m` from the origin) that no track with a radar behind it confirms, as
//!   evidence accumulated over the identity's broadcasts (see [`crate::verify`]): a radar can
//!   miss a small drone for a while, so no single missed scan counts for much.
//!
//! Innovation evidence counts one strike per broadcast (flagging after `strikes`); unconfirmed
//! evidence flags once its sum reaches the threshold; jump and two-places are conclusive and
//! flag at once. `clean_to_clear` consistent broadcasts in a row clear a flag.
//!
//! Assumptions about the tracker (see the crate docs): it binds an identity to the track whose
//! report carried it; it still gates identity-carrying reports kinematically, or fuses them
//! with their stated accuracy, so a forged position does not silently replace the radar's.

use crate::rules::SpoofParams;
use crate::verify::{self, Coverage};
use nalgebra::{Matrix3, Vector3};
use picket_core::{Enu, Identity, SensorSet, Timestamp, Track, TrackId};
use std::collections::HashMap;
use std::fmt::Write;

/// One cooperative broadcast, in the site frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Broadcast {
    /// The identity it carried.
    pub identity: Identity,
    /// When it was observed.
    pub time: Timestamp,
    /// Its position, site frame, metres.
    pub position: Enu,
    /// Its position covariance, m².
    pub cov_m2: [[f64; 3]; 3],
}

impl Broadcast {
    fn sigma_m(&self) -> f64 {
        ((self.cov_m2[0][0] + self.cov_m2[1][1] + self.cov_m2[2][2]) / 3.0)
            .max(0.0)
            .sqrt()
    }
}

/// What the monitor needs to see of the tracks.
pub trait TrackView {
    /// Live tracks bound to `identity`.
    fn bound_to(&self, identity: &Identity) -> impl Iterator<Item = &Track>;
    /// All live tracks.
    fn all(&self) -> impl Iterator<Item = &Track>;
}

/// The spoofing state of one identity.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentityState {
    last: Option<(Timestamp, Enu, f64)>,
    strikes: u32,
    clean: u32,
    /// True while the identity is suspected.
    pub flagged: bool,
    /// Why it was flagged (the latest evidence), in words.
    pub reason: String,
    /// Last broadcast time, for forgetting.
    pub last_seen: Option<Timestamp>,
    /// When the identity is bound to several tracks, the one presumed genuine (see
    /// [`SpoofMonitor::is_suspect`]); chosen once per flag.
    pub trusted: Option<TrackId>,
    /// Accumulated evidence that its broadcasts are forged: the CUSUM of [`crate::verify`].
    pub unconfirmed_llr: f64,
    /// Other tracks on the presumed-genuine object this step (within `min_separation_m` of
    /// the trusted track: one drone tracked twice), not suspects either.
    pub twins: Vec<TrackId>,
}

/// What the site's sensors can say about broadcasts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sensing<'a> {
    /// Sensors that are not cooperative (radar, RF, camera, acoustic, generic).
    pub noncoop: SensorSet,
    /// Sensors that measure range (radar, generic): only they confirm a position.
    pub ranging: SensorSet,
    /// Where ranging sensors cover.
    pub coverage: &'a [Coverage],
}

/// Evidence from one broadcast.
enum Evidence {
    Clean,
    /// Evidence that flags after this many inconsistent broadcasts in a row.
    Weak(String, u32),
    Conclusive(String),
}

/// Per-identity spoofing state; identities not heard from for a while are forgotten.
#[derive(Debug, Clone, Default)]
pub struct SpoofMonitor {
    states: HashMap<Identity, IdentityState>,
}

impl SpoofMonitor {
    /// The state of `identity`, when it has broadcast recently.
    pub fn state(&self, identity: &Identity) -> Option<&IdentityState> {
        self.states.get(identity)
    }

    /// True when `identity` is currently suspected.
    pub fn is_flagged(&self, identity: &Identity) -> bool {
        self.states.get(identity).is_some_and(|s| s.flagged)
    }

    /// True when `track`, bound to `identity`, is suspected: the identity is flagged and the
    /// track is not the one presumed genuine.
    pub fn is_suspect(&self, identity: &Identity, track: TrackId) -> bool {
        self.states
            .get(identity)
            .is_some_and(|s| s.flagged && s.trusted != Some(track) && !s.twins.contains(&track))
    }

    /// Flagged identities with a presumed-genuine track, and that track.
    pub fn trusted_flags(&self) -> impl Iterator<Item = (&Identity, TrackId)> {
        self.states
            .iter()
            .filter(|(_, s)| s.flagged)
            .filter_map(|(i, s)| s.trusted.map(|t| (i, t)))
    }

    /// Sets the twins of the trusted track of `identity` (see [`IdentityState::twins`]).
    pub fn set_twins(&mut self, identity: &Identity, twins: Vec<TrackId>) {
        if let Some(s) = self.states.get_mut(identity) {
            s.twins = twins;
        }
    }

    /// Flagged identities without a presumed-genuine track yet.
    pub fn untrusted_flags(&self) -> impl Iterator<Item = &Identity> {
        self.states
            .iter()
            .filter(|(_, s)| s.flagged && s.trusted.is_none())
            .map(|(i, _)| i)
    }

    /// Records the track presumed genuine for a flagged identity.
    pub fn trust(&mut self, identity: &Identity, track: TrackId) {
        if let Some(s) = self.states.get_mut(identity) {
            s.trusted = Some(track);
        }
    }

    /// Forgets `track` as the presumed-genuine track of any identity (it ended: the next
    /// step presumes again among the live ones).
    pub fn untrust(&mut self, track: TrackId) {
        for s in self.states.values_mut() {
            if s.trusted == Some(track) {
                s.trusted = None;
            }
        }
    }

    /// Checks one step's broadcasts (any order) against history and tracks.
    pub fn observe(
        &mut self,
        broadcasts: &[Broadcast],
        tracks: &impl TrackView,
        params: &SpoofParams,
        sensing: &Sensing,
    ) {
        let threshold = verify::threshold(params);
        let mut order: Vec<usize> = (0..broadcasts.len()).collect();
        // Time order; ties keep input order, so the result never depends on hashing.
        order.sort_by_key(|&i| broadcasts[i].time);
        for (k, &i) in order.iter().enumerate() {
            let b = &broadcasts[i];
            let same_step = order[..k]
                .iter()
                .map(|&j| &broadcasts[j])
                .filter(|o| o.identity == b.identity);
            let evidence = two_places(b, same_step, params)
                .or_else(|| self.jump(b, params))
                .or_else(|| bound_tracks_apart(b, tracks, params))
                .or_else(|| innovation(b, tracks, params, sensing.noncoop));
            let support = supported(b, tracks, params, sensing);
            let state = self.states.entry(b.identity.clone()).or_default();
            if let Some(supported) = support {
                state.unconfirmed_llr =
                    (state.unconfirmed_llr + verify::evidence(supported, params)).max(0.0);
            }
            let evidence = evidence
                .or_else(|| {
                    (state.unconfirmed_llr >= threshold).then(|| {
                        Evidence::Conclusive(format!(
                            "{} broadcasts positions no radar track confirms (evidence {:.1} of {:.1})",
                            crate::compile::identity_label(&b.identity),
                            state.unconfirmed_llr,
                            threshold
                        ))
                    })
                })
                .unwrap_or(Evidence::Clean);
            state.record(b, evidence, params);
        }
    }

    fn jump(&self, b: &Broadcast, params: &SpoofParams) -> Option<Evidence> {
        let (t0, p0, sigma0) = self.states.get(&b.identity)?.last?;
        let dt_s = b.time.since_s(t0);
        if dt_s <= 0.0 {
            return None;
        }
        let d_m = b.position.distance_m(&p0);
        let allowed_m = max_speed(&b.identity, params) * dt_s + 4.0 * sigma0.hypot(b.sigma_m());
        (d_m > allowed_m).then(|| {
            Evidence::Conclusive(format!(
                "{} jumped {:.0} m in {:.1} s ({:.0} m/s, more than {:.0} m/s)",
                crate::compile::identity_label(&b.identity),
                d_m,
                dt_s,
                d_m / dt_s,
                max_speed(&b.identity, params)
            ))
        })
    }

    /// Forgets identities silent for longer than `ttl_s`.
    pub fn forget_older_than(&mut self, now: Timestamp, ttl_s: f64) {
        self.states
            .retain(|_, s| s.last_seen.is_none_or(|t| now.since_s(t) <= ttl_s));
    }
}

impl IdentityState {
    fn record(&mut self, b: &Broadcast, evidence: Evidence, params: &SpoofParams) {
        self.last = Some((b.time, b.position, b.sigma_m()));
        self.last_seen = Some(b.time);
        match evidence {
            Evidence::Clean => {
                self.strikes = 0;
                if self.flagged {
                    self.clean += 1;
                    if self.clean >= params.clean_to_clear {
                        self.flagged = false;
                        self.trusted = None;
                        self.twins.clear();
                        self.clean = 0;
                    }
                }
            }
            Evidence::Weak(reason, _) | Evidence::Conclusive(reason) if self.flagged => {
                self.clean = 0;
                self.reason = reason;
            }
            Evidence::Weak(reason, needed) => {
                self.strikes += 1;
                self.reason = reason;
                self.flagged = self.strikes >= needed;
            }
            Evidence::Conclusive(reason) => {
                self.strikes = params.strikes;
                self.reason = reason;
                self.flagged = true;
            }
        }
    }
}

fn max_speed(identity: &Identity, params: &SpoofParams) -> f64 {
    match identity {
        Identity::Icao(_) => params.aircraft_max_speed_mps,
        _ => params.max_speed_mps,
    }
}

fn two_places<'a>(
    b: &Broadcast,
    earlier: impl Iterator<Item = &'a Broadcast>,
    params: &SpoofParams,
) -> Option<Evidence> {
    for o in earlier {
        let dt_s = b.time.since_s(o.time).abs();
        if dt_s > 0.5 {
            continue;
        }
        let d_m = b.position.distance_m(&o.position);
        if d_m > max_speed(&b.identity, params) * dt_s + 4.0 * b.sigma_m().hypot(o.sigma_m()) {
            return Some(Evidence::Conclusive(format!(
                "{} broadcast from two places {:.0} m apart at once",
                crate::compile::identity_label(&b.identity),
                d_m
            )));
        }
    }
    None
}

/// Position and covariance of `track` predicted (constant velocity) to `time`.
fn predicted(track: &Track, time: Timestamp) -> (Vector3<f64>, Matrix3<f64>) {
    let dt = time.since_s(track.time);
    let p = Vector3::new(
        track.position.x + track.velocity.x * dt,
        track.position.y + track.velocity.y * dt,
        track.position.z + track.velocity.z * dt,
    );
    let c = &track.cov;
    let cov = Matrix3::from_fn(|i, j| {
        c[i][j] + dt * (c[i][j + 3] + c[i + 3][j]) + dt * dt * c[i + 3][j + 3]
    });
    (p, cov)
}

/// Squared Mahalanobis distance between a broadcast and a track; `None` when singular.
/// `νᵀ S⁻¹ ν` of a broadcast against a track, with `floor_m` of disagreement allowed per axis
/// on top of both stated accuracies (sensor biases, a tracker's optimism, the broadcast's
/// own accuracy category being coarser than its stated sigma).
fn mahalanobis2(b: &Broadcast, track: &Track, floor_m: f64) -> Option<f64> {
    let (p, cov) = predicted(track, b.time);
    let r = Matrix3::from_fn(|i, j| b.cov_m2[i][j]) + Matrix3::identity() * (floor_m * floor_m);
    let nu = Vector3::from(b.position.to_array()) - p;
    let s = (cov + r).cholesky()?;
    Some(nu.dot(&s.solve(&nu)))
}

fn has_noncoop(track: &Track, noncoop: SensorSet) -> bool {
    track.sensors.0 & noncoop.0 != 0
}

fn innovation(
    b: &Broadcast,
    tracks: &impl TrackView,
    params: &SpoofParams,
    noncoop: SensorSet,
) -> Option<Evidence> {
    for t in tracks.bound_to(&b.identity) {
        if !has_noncoop(t, noncoop) {
            continue;
        }
        let d2 = mahalanobis2(b, t, params.floor_m)?;
        if d2 > params.chi2_gate {
            let (p, _) = predicted(t, b.time);
            let d_m = (Vector3::from(b.position.to_array()) - p).norm();
            let mut s = String::new();
            let _ = write!(
                s,
                "{} broadcasts a position {:.0} m from track {} as the sensors see it (chi-square {:.0} > {:.1})",
                crate::compile::identity_label(&b.identity),
                d_m,
                t.id,
                d2,
                params.chi2_gate
            );
            return Some(Evidence::Weak(s, params.strikes));
        }
    }
    None
}

fn bound_tracks_apart(
    b: &Broadcast,
    tracks: &impl TrackView,
    params: &SpoofParams,
) -> Option<Evidence> {
    let bound: Vec<&Track> = tracks.bound_to(&b.identity).collect();
    for (i, a) in bound.iter().enumerate() {
        for c in &bound[i + 1..] {
            let (pa, ca) = predicted(a, b.time);
            let (pc, cc) = predicted(c, b.time);
            let nu = pa - pc;
            let d2 = (ca + cc).cholesky().map(|s| nu.dot(&s.solve(&nu)))?;
            if d2 > params.chi2_gate && nu.norm() >= params.min_separation_m {
                return Some(Evidence::Conclusive(format!(
                    "{} is bound to tracks {} and {}, {:.0} m apart",
                    crate::compile::identity_label(&b.identity),
                    a.id,
                    c.id,
                    nu.norm()
                )));
            }
        }
    }
    None
}

/// Whether a track with a ranging sensor behind it confirms `b`: `None` outside every ranging
/// sensor's coverage (no evidence either way).
fn supported(
    b: &Broadcast,
    tracks: &impl TrackView,
    params: &SpoofParams,
    sensing: &Sensing,
) -> Option<bool> {
    let in_range =
        params.verify_range_m > 0.0 && b.position.x.hypot(b.position.y) <= params.verify_range_m;
    if !in_range && !sensing.coverage.iter().any(|c| c.contains(&b.position)) {
        return None;
    }
    Some(tracks.all().any(|t| {
        t.status.is_confirmed()
            && has_noncoop(t, sensing.ranging)
            && mahalanobis2(b, t, params.floor_m).is_some_and(|d2| d2 <= params.chi2_gate)
    }))
}

#[cfg(test)]
#[path = "spoof_tests.rs"]
mod tests;
