//! Narrow steps: a small step of self-reported positions touches only the tracks it can reach.
//!
//! Every track's belief carries its own time. A *wide* step (one with a scanning sensor's
//! reports, with many reports, or the first for [`WIDE_EVERY_S`]) predicts every track to the
//! step's time and runs Stone Soup's loop over all of them. A *narrow* step (a few Remote ID or
//! ADS-B positions) predicts and gates only the tracks whose gate could hold one of its
//! reports; the others wait, unchanged, at their own time until a step concerns them. A Remote
//! ID message then costs one cheap bound test per track and the filter work of the tracks it
//! can reach, instead of a prediction of the whole picture. Duplicates are compared, and
//! tracks deleted, at wide steps only (all tracks at one time; a deletion comes at most
//! [`WIDE_EVERY_S`] late).
//!
//! The bound, for a track whose estimate (mean `c`, velocity `v`, covariance `P`) is `dt`
//! seconds old, and a Cartesian report `z` with noise `R`: in the root-mean-square norm over
//! the track's (mixture) distribution, the predicted position moves from `c` by at most
//! `m = √tr P_pp + dt·√(|v|² + tr P_vv) + √tr Q_pp(dt)` (Minkowski; a model moves a position
//! by at most `dt·|v|`; IMM mixing keeps the mixture's first and second moments). The gate
//! `d² < γ` with `S = P'_pp + R` implies `|z − c'|² < γ·λmax(S) ≤ γ·(m² + tr R)`, and
//! `|c' − c| ≤ m`, so a track with `|z − c| > √(γ(m² + tr R)) + m` cannot gate with `z`.

use super::Tracker;
use crate::associate::DataAssociator;
use crate::gate::Hypothesiser;
use crate::manage::{Deleter, Initiator};
use crate::measurement::MeasurementModel;
use crate::motion::{Belief, Predictor};
use crate::update::Updater;
use picket_core::Timestamp;

/// A wide step comes at least this often, seconds of event time, whatever the steps between:
/// every track is then predicted, compared for duplicates and checked for covariance growth.
const WIDE_EVERY_S: f64 = 1.0;

/// A step is narrow only when the tracks outnumber its detections this many times (otherwise
/// predicting every track costs about as much as bounding them).
const NARROW_SHARE: usize = 8;

impl<P, U, H, A, I, D> Tracker<P, U, H, A, I, D>
where
    P: Predictor,
    U: Updater<P::Belief>,
    H: Hypothesiser,
    A: DataAssociator,
    I: Initiator,
    D: Deleter,
{
    /// True when the step being run may skip the tracks its detections cannot reach: no
    /// scanning sensor (whose misses concern every track it saw), few Cartesian detections, a
    /// wide step less than [`WIDE_EVERY_S`] ago, and roles that state the bounds it needs.
    pub(super) fn is_narrow(&self, time: Timestamp) -> bool {
        self.scanned.is_empty()
            && self.detections.len() * NARROW_SHARE <= self.beliefs.len()
            && self
                .last_wide
                .is_some_and(|wide| time.since_s(wide) < WIDE_EVERY_S)
            && self
                .detections
                .iter()
                .all(|d| matches!(d.model, MeasurementModel::Cartesian { .. }))
            && self.roles.hypothesiser.gate_bound_chi2(3).is_some()
            && self.roles.predictor.position_noise_bound_m(0.0).is_some()
    }

    /// Predicts to `time` the tracks one of the step's detections could gate with, and gates
    /// them. The hypotheses index the whole track store, as after a wide step's gating.
    pub(super) fn predict_and_gate_near(&mut self, time: Timestamp) {
        self.find_near(time);
        self.gathered.clear();
        for &k in &self.near {
            let k = k as usize;
            let dt_s = time.since_s(self.times[k]);
            self.roles.predictor.predict(&mut self.beliefs[k], dt_s);
            self.times[k] = time;
            self.gathered.push(self.beliefs[k].clone());
        }
        self.roles
            .hypothesiser
            .hypothesise(&self.gathered, &self.detections, &mut self.hypotheses);
        for h in &mut self.hypotheses {
            h.track = self.near[h.track as usize];
        }
        self.gathered.clear();
    }

    /// Fills `near` with the tracks the bound (see the module) does not rule out, ascending.
    fn find_near(&mut self, time: Timestamp) {
        let chi2 = self
            .roles
            .hypothesiser
            .gate_bound_chi2(3)
            .unwrap_or(f64::INFINITY);
        self.near.clear();
        // Most tracks share a time (the latest wide step's): their noise bound is computed once.
        let mut noise_since = (None, f64::INFINITY);
        for (k, (belief, &since)) in self.beliefs.iter().zip(&self.times).enumerate() {
            let dt_s = time.since_s(since);
            if noise_since.0 != Some(since) {
                let bound = self.roles.predictor.position_noise_bound_m(dt_s);
                noise_since = (Some(since), bound.unwrap_or(f64::INFINITY));
            }
            let g = belief.estimate();
            let c = &g.cov;
            let spread_m = (c[(0, 0)] + c[(1, 1)] + c[(2, 2)]).max(0.0).sqrt();
            let speed_mps = (g.velocity().norm_squared() + c[(3, 3)] + c[(4, 4)] + c[(5, 5)])
                .max(0.0)
                .sqrt();
            let moved_m = spread_m + dt_s * speed_mps + noise_since.1;
            let centre = g.position();
            let reaches = |model: &MeasurementModel| {
                let MeasurementModel::Cartesian { z, noise } = model else {
                    return true;
                };
                let reach_m = (chi2 * (moved_m * moved_m + noise.trace())).sqrt() + moved_m;
                // A relative and an absolute margin for rounding: the bound only pre-selects.
                let reach_m = reach_m * (1.0 + 1e-9) + 1e-6;
                let (apart2, reach2) = ((z - centre).norm_squared(), reach_m * reach_m);
                apart2 <= reach2 || apart2.is_nan() || reach2.is_nan()
            };
            if self.detections.iter().any(|d| reaches(&d.model)) {
                self.near.push(k as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests;
