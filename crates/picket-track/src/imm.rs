//! The interacting multiple model (IMM) predictor: `K` linear motion models run side by side
//! with Markov switching between them, so one track follows a drone that hovers, turns and
//! cruises. The usual set is a quiet constant-velocity model (hovering, straight flight: small
//! q keeps the estimate smooth) and coordinated turns left and right (manoeuvres), mixed each
//! step by the models' likelihoods (Blom and Bar-Shalom, 1988).

use crate::fast::cartesian_step_factored;
use crate::gaussian::{Gaussian, StateCovariance, StateVector};
use crate::gaussian::{Matrix3, Vector3};
use crate::measurement::MeasurementModel;
use crate::motion::{Belief, LinearMotion, Predictor, Prepared};
use crate::update::{KalmanUpdater, Updater, kalman_update};

/// A Gaussian stored as its mean and the upper triangle of its covariance (216 bytes instead
/// of 336): the IMM keeps `K` of them per track, and memory per live track is budgeted.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packed {
    mean: [f64; 6],
    upper: [f64; 21],
}

impl Packed {
    fn pack(g: &Gaussian) -> Self {
        let mut upper = [0.0; 21];
        let mut k = 0;
        for i in 0..6 {
            for j in i..6 {
                upper[k] = g.cov[(i, j)];
                k += 1;
            }
        }
        Self {
            mean: g.mean.into(),
            upper,
        }
    }

    fn unpack(&self) -> Gaussian {
        let mut g = Gaussian::new(StateVector::zeros(), StateCovariance::zeros());
        self.unpack_into(&mut g);
        g
    }

    /// Writes the Gaussian into `g` in place (large values returned by value cost copies).
    #[inline]
    fn unpack_into(&self, g: &mut Gaussian) {
        let mut k = 0;
        for i in 0..6 {
            g.mean[i] = self.mean[i];
            for j in i..6 {
                g.cov[(i, j)] = self.upper[k];
                g.cov[(j, i)] = self.upper[k];
                k += 1;
            }
        }
    }

    /// Adds `w·(P + d dᵀ)` to the packed accumulator `acc`, with `d` this mean minus `centre`:
    /// one term of a Gaussian mixture's covariance, on the upper triangle only.
    #[inline]
    fn accumulate_spread(&self, w: f64, centre: &[f64; 6], acc: &mut [f64; 21]) {
        let d: [f64; 6] = std::array::from_fn(|i| self.mean[i] - centre[i]);
        let mut k = 0;
        for a in 0..6 {
            let wa = w * d[a];
            for db in &d[a..] {
                acc[k] += w * self.upper[k] + wa * db;
                k += 1;
            }
        }
    }

    /// A Cartesian Kalman update in place on the packed form (no unpacking), in the factored
    /// form `P − W Wᵀ` (`fast::cartesian_step_factored`). `None` leaves `self` unchanged.
    fn cartesian_update(&mut self, z: &Vector3, r: &Matrix3) -> Option<f64> {
        let u = &self.upper;
        // Row-major upper triangle: row i starts at 6i − i(i−1)/2.
        let ppp = Matrix3::new(u[0], u[1], u[2], u[1], u[6], u[7], u[2], u[7], u[11]);
        let ppv = Matrix3::new(u[3], u[4], u[5], u[8], u[9], u[10], u[12], u[13], u[14]);
        let pvv = Matrix3::new(
            u[15], u[16], u[17], u[16], u[18], u[19], u[17], u[19], u[20],
        );
        let position = Vector3::new(self.mean[0], self.mean[1], self.mean[2]);
        let step = cartesian_step_factored(&ppp, &ppv.transpose(), &pvv, &position, z, r)?;
        for i in 0..3 {
            self.mean[i] += step.dp[i];
            self.mean[i + 3] += step.dv[i];
        }
        let sym = |m: &Matrix3, i: usize, j: usize| {
            if i == j {
                m[(i, i)]
            } else {
                0.5 * (m[(i, j)] + m[(j, i)])
            }
        };
        let mut k = 0;
        for i in 0..6 {
            for j in i..6 {
                self.upper[k] = match (i < 3, j < 3) {
                    (true, true) => sym(&step.pp, i, j),
                    (true, false) => step.pv[(i, j - 3)],
                    _ => sym(&step.vv, i - 3, j - 3),
                };
                k += 1;
            }
        }
        Some(step.log_likelihood)
    }

    #[inline]
    fn pack_from(&mut self, g: &Gaussian) {
        let mut k = 0;
        for i in 0..6 {
            self.mean[i] = g.mean[i];
            for j in i..6 {
                self.upper[k] = g.cov[(i, j)];
                k += 1;
            }
        }
    }
}

/// Writes a mean and a packed upper triangle into a full Gaussian (symmetric by construction).
#[inline]
fn write_full(mean: &[f64; 6], upper: &[f64; 21], g: &mut Gaussian) {
    let mut k = 0;
    for (i, &m) in mean.iter().enumerate() {
        g.mean[i] = m;
        for j in i..6 {
            g.cov[(i, j)] = upper[k];
            g.cov[(j, i)] = upper[k];
            k += 1;
        }
    }
}

/// The weighted mean and spread-of-means covariance of `modes` (weights sum to 1).
#[inline]
fn mix<const K: usize>(modes: &[Packed; K], weights: &[f64; K], out: &mut Gaussian) {
    let mut mean = [0.0; 6];
    for (m, &w) in modes.iter().zip(weights) {
        for (acc, v) in mean.iter_mut().zip(&m.mean) {
            *acc += w * v;
        }
    }
    let mut upper = [0.0; 21];
    for (m, &w) in modes.iter().zip(weights) {
        m.accumulate_spread(w, &mean, &mut upper);
    }
    write_full(&mean, &upper, out);
}

/// An IMM belief: one Gaussian per model, the model probabilities, and their combination.
#[derive(Debug, Clone, PartialEq)]
pub struct ImmBelief<const K: usize> {
    modes: [Packed; K],
    /// Model probabilities (sum 1).
    pub probabilities: [f64; K],
    combined: Gaussian,
}

impl<const K: usize> ImmBelief<K> {
    /// The per-model estimates.
    pub fn modes(&self) -> [Gaussian; K] {
        self.modes.map(|m| m.unpack())
    }

    fn unpack_modes(&self, out: &mut [Gaussian; K]) {
        for (packed, g) in self.modes.iter().zip(out.iter_mut()) {
            packed.unpack_into(g);
        }
    }

    fn set_modes(&mut self, modes: &[Gaussian; K]) {
        for (packed, g) in self.modes.iter_mut().zip(modes) {
            packed.pack_from(g);
        }
        mix(&self.modes, &self.probabilities, &mut self.combined);
    }
}

impl<const K: usize> Belief for ImmBelief<K> {
    fn estimate(&self) -> &Gaussian {
        &self.combined
    }
}

/// The IMM predictor over `K` linear models.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Imm<const K: usize> {
    /// The models.
    pub models: [LinearMotion; K],
    /// Model probabilities of a new track.
    pub initial: [f64; K],
    /// Probability per second of leaving the current model (spread over the others).
    pub switch_per_s: f64,
}

impl Imm<3> {
    /// Quiet constant velocity (`q_cv`) and coordinated turns at ±`turn_deg_s` (`q_turn`).
    pub fn cv_and_turns(q_cv: f64, turn_deg_s: f64, q_turn: f64, switch_per_s: f64) -> Self {
        let w = turn_deg_s.to_radians();
        let turn = |w| LinearMotion {
            turn_rate_rad_s: w,
            q_horizontal: q_turn,
            q_vertical: q_turn,
        };
        Self {
            models: [LinearMotion::constant_velocity(q_cv), turn(w), turn(-w)],
            initial: [0.8, 0.1, 0.1],
            switch_per_s,
        }
    }
}

impl<const K: usize> Imm<K> {
    /// `π[i][j]`: probability of model j now given model i `dt_s` ago.
    fn transition(&self, dt_s: f64) -> [[f64; K]; K] {
        let leave = if K > 1 {
            // 1 − (1 − s)^dt, written with exp/ln_1p (cheaper than powf, exact for s → 0).
            -(dt_s * (-self.switch_per_s.clamp(0.0, 1.0 - 1e-12)).ln_1p()).exp_m1()
        } else {
            0.0
        };
        let other = if K > 1 { leave / (K - 1) as f64 } else { 0.0 };
        std::array::from_fn(|i| std::array::from_fn(|j| if i == j { 1.0 - leave } else { other }))
    }
}

impl<const K: usize> Predictor for Imm<K> {
    type Belief = ImmBelief<K>;

    fn initiate(&self, prior: Gaussian) -> ImmBelief<K> {
        ImmBelief {
            modes: [Packed::pack(&prior); K],
            probabilities: self.initial,
            combined: prior,
        }
    }

    fn predict(&self, belief: &mut ImmBelief<K>, dt_s: f64) {
        self.predict_all(std::slice::from_mut(belief), dt_s);
    }

    /// The mode transition matrix and each model's transition depend on `dt_s` alone: they
    /// are computed once for all tracks.
    fn predict_all(&self, beliefs: &mut [ImmBelief<K>], dt_s: f64) {
        if dt_s == 0.0 {
            return;
        }
        let pi = self.transition(dt_s);
        let prepared: [Prepared; K] = std::array::from_fn(|j| self.models[j].prepare(dt_s));
        let zero = Gaussian::new(StateVector::zeros(), StateCovariance::zeros());
        let mut predicted = [zero; K];
        for belief in beliefs {
            let mu = belief.probabilities;
            let c: [f64; K] = std::array::from_fn(|j| (0..K).map(|i| pi[i][j] * mu[i]).sum());
            for (j, mixed) in predicted.iter_mut().enumerate() {
                if c[j] > 0.0 {
                    let w: [f64; K] = std::array::from_fn(|i| pi[i][j] * mu[i] / c[j]);
                    mix(&belief.modes, &w, mixed);
                } else {
                    belief.modes[j].unpack_into(mixed);
                }
                self.models[j].predict_prepared(mixed, &prepared[j]);
            }
            let total: f64 = c.iter().sum();
            belief.probabilities = std::array::from_fn(|j| c[j] / total);
            belief.set_modes(&predicted);
        }
    }
}

/// Smallest model probability: keeps every model alive so it can take over quickly.
const MIN_PROBABILITY: f64 = 1e-4;

impl<const K: usize> Updater<ImmBelief<K>> for KalmanUpdater {
    fn update(&self, belief: &mut ImmBelief<K>, measurement: &MeasurementModel) -> bool {
        if let MeasurementModel::Cartesian { z, noise } = measurement {
            // The hot path: update the packed modes directly.
            let mut packed = belief.modes;
            let mut log_likelihood = [0.0; K];
            for (mode, ll) in packed.iter_mut().zip(&mut log_likelihood) {
                match mode.cartesian_update(z, noise) {
                    Some(l) => *ll = l,
                    None => return false,
                }
            }
            if !belief.reweigh(&log_likelihood) {
                return false;
            }
            belief.modes = packed;
            mix(&belief.modes, &belief.probabilities, &mut belief.combined);
            return true;
        }
        let mut modes = [Gaussian::new(StateVector::zeros(), StateCovariance::zeros()); K];
        belief.unpack_modes(&mut modes);
        let mut log_likelihood = [0.0; K];
        for (mode, ll) in modes.iter_mut().zip(&mut log_likelihood) {
            match kalman_update(mode, measurement) {
                Some(l) => *ll = l,
                None => return false,
            }
        }
        if !belief.reweigh(&log_likelihood) {
            return false;
        }
        belief.set_modes(&modes);
        true
    }
}

impl<const K: usize> ImmBelief<K> {
    /// Bayes on the model probabilities with each model's measurement log-likelihood (floored
    /// at [`MIN_PROBABILITY`]); false, changing nothing, when they cannot be normalised.
    fn reweigh(&mut self, log_likelihood: &[f64; K]) -> bool {
        let best = log_likelihood.iter().copied().fold(f64::MIN, f64::max);
        let mut p: [f64; K] =
            std::array::from_fn(|j| self.probabilities[j] * (log_likelihood[j] - best).exp());
        let total: f64 = p.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return false;
        }
        for v in &mut p {
            *v = (*v / total).max(MIN_PROBABILITY);
        }
        let total: f64 = p.iter().sum();
        self.probabilities = p.map(|v| v / total);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::{Matrix3, Vector3};

    #[test]
    fn turning_target_raises_the_turn_model() {
        let imm = Imm::cv_and_turns(0.5, 4.0, 1.0, 0.05);
        let mut cov = StateCovariance::identity() * 25.0;
        for i in 3..6 {
            cov[(i, i)] = 4.0;
        }
        let mut belief = imm.initiate(Gaussian::new(
            StateVector::from([0.0, 0.0, 100.0, 30.0, 0.0, 0.0]),
            cov,
        ));
        // Truth: a left (counter-clockwise) turn at 4°/s, 30 m/s, observed exactly each second.
        let w = 4f64.to_radians();
        for k in 1..=20 {
            let t = k as f64;
            let z = Vector3::new(
                30.0 / w * (w * t).sin(),
                30.0 / w * (1.0 - (w * t).cos()),
                100.0,
            );
            imm.predict(&mut belief, 1.0);
            let m = MeasurementModel::Cartesian {
                z,
                noise: Matrix3::identity() * 4.0,
            };
            assert!(KalmanUpdater.update(&mut belief, &m));
            assert!(belief.estimate().is_positive_definite());
        }
        assert!(belief.probabilities[1] > 0.8, "{:?}", belief.probabilities);
        assert!((belief.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
