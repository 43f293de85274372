//! The interacting multiple model (IMM) predictor: `K` linear motion models run side by side
//! with Markov switching between them, so one track follows a drone that hovers, turns and
//! cruises. The usual set is a quiet constant-velocity model (hovering, straight flight: small
//! q keeps the estimate smooth) and coordinated turns left and right (manoeuvres), mixed each
//! step by the models' likelihoods (Blom and Bar-Shalom, 1988).

use crate::gaussian::{Gaussian, StateCovariance, StateVector};
use crate::measurement::MeasurementModel;
use crate::motion::{Belief, LinearMotion, Predictor, Prepared};
use crate::packed::{Gain, Packed};
use crate::update::{KalmanUpdater, Updater, kalman_update};

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
            *packed = Packed::pack(g);
        }
        self.combine();
    }

    /// Recomputes the combined estimate from the modes and their probabilities.
    #[inline]
    fn combine(&mut self) {
        Packed::mix_into_gaussian(&self.modes, &self.probabilities, &mut self.combined);
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

impl Imm<2> {
    /// Quiet constant velocity (`q_quiet`) and manoeuvring constant velocity (`q_manoeuvre`):
    /// turns and accelerations are taken as bursts of process noise.
    pub fn quiet_and_manoeuvring(q_quiet: f64, q_manoeuvre: f64, switch_per_s: f64) -> Self {
        Self {
            models: [
                LinearMotion::constant_velocity(q_quiet),
                LinearMotion::constant_velocity(q_manoeuvre),
            ],
            initial: [0.8, 0.2],
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

    /// The noisiest model's. (Mixing keeps the mixture's first and second moments, and every
    /// model moves a position by at most `dt·|v|`: a turn's chord is shorter than its arc.)
    fn position_noise_bound_m(&self, dt_s: f64) -> Option<f64> {
        Some(
            self.models
                .iter()
                .map(|m| m.position_noise_m(dt_s))
                .fold(0.0, f64::max),
        )
    }

    /// The mode transition matrix and each model's transition depend on `dt_s` alone: they
    /// are computed once for all tracks.
    fn predict_all(&self, beliefs: &mut [ImmBelief<K>], dt_s: f64) {
        if dt_s == 0.0 {
            return;
        }
        let pi = self.transition(dt_s);
        let prepared: [Prepared; K] = std::array::from_fn(|j| self.models[j].prepare(dt_s));
        for belief in beliefs {
            let mu = belief.probabilities;
            let c: [f64; K] = std::array::from_fn(|j| (0..K).map(|i| pi[i][j] * mu[i]).sum());
            // Weights of the old modes in each new mode's mixture; a model nothing can reach
            // (c = 0) keeps its own estimate.
            let w: [[f64; K]; K] = std::array::from_fn(|j| {
                std::array::from_fn(|i| match c[j] > 0.0 {
                    true => pi[i][j] * mu[i] / c[j],
                    false => f64::from(u8::from(i == j)),
                })
            });
            Packed::mix_each(&mut belief.modes, &w);
            for (mode, (model, prepared)) in belief
                .modes
                .iter_mut()
                .zip(self.models.iter().zip(&prepared))
            {
                mode.predict(model, prepared);
            }
            let total: f64 = c.iter().sum();
            belief.probabilities = std::array::from_fn(|j| c[j] / total);
            belief.combine();
        }
    }
}

/// Smallest model probability: keeps every model alive so it can take over quickly.
const MIN_PROBABILITY: f64 = 1e-4;

impl<const K: usize> Updater<ImmBelief<K>> for KalmanUpdater {
    fn update(&self, belief: &mut ImmBelief<K>, measurement: &MeasurementModel) -> bool {
        // The hot paths (Cartesian positions, radar plots without Doppler) update the packed
        // modes directly, once every mode's gain exists.
        let mut gains = [Gain::default(); K];
        let fast = match measurement {
            MeasurementModel::Cartesian { z, noise } => {
                Some(Packed::cartesian_gains(&belief.modes, z, noise, &mut gains))
            }
            MeasurementModel::Polar {
                sensor,
                z,
                sigma,
                radial: None,
            } => Some(Packed::polar_gains(
                &belief.modes,
                sensor,
                z,
                sigma,
                &mut gains,
            )),
            _ => None,
        };
        if let Some(ok) = fast {
            return ok && belief.apply_gains(&gains);
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
        let best = log_likelihood.iter().copied().fold(f64::MIN, f64::max);
        if !belief.reweigh(&log_likelihood.map(|ll| (ll - best).exp())) {
            return false;
        }
        belief.set_modes(&modes);
        true
    }
}

impl<const K: usize> ImmBelief<K> {
    /// Reweighs the models by their fits and applies every mode's gain; false, changing
    /// nothing, when the weights cannot be normalised.
    fn apply_gains(&mut self, gains: &[Gain; K]) -> bool {
        // Likelihoods relative to the best fit: exp(−(d²_j − d²_min)/2) / √det S_j.
        let best = gains
            .iter()
            .map(|g| g.fit.squared)
            .fold(f64::INFINITY, f64::min);
        let relative: [f64; K] = std::array::from_fn(|j| {
            let fit = &gains[j].fit;
            let excess = fit.squared - best;
            // The best fit's exp(−0) is 1 exactly: no call for it.
            let shape = if excess == 0.0 {
                1.0
            } else {
                (-0.5 * excess).exp()
            };
            shape / fit.sqrt_det
        });
        if !self.reweigh(&relative) {
            return false;
        }
        for (mode, gain) in self.modes.iter_mut().zip(gains) {
            mode.apply(gain);
        }
        self.combine();
        true
    }

    /// Bayes on the model probabilities with each model's measurement likelihood, up to a
    /// common factor (floored at [`MIN_PROBABILITY`]); false, changing nothing, when they
    /// cannot be normalised.
    fn reweigh(&mut self, likelihood: &[f64; K]) -> bool {
        let mut p: [f64; K] = std::array::from_fn(|j| self.probabilities[j] * likelihood[j]);
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
