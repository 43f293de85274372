//! Classification: per-track probabilities of drone / bird / aircraft / other, fused from
//! kinematics (speed, altitude, and how erratically the object manoeuvres), the report's own
//! class likelihoods, the kind of sensor that saw it (an RF direction finder hears only
//! emitters: drones' control and video links), and identity (a Remote ID serial means a
//! drone, an ICAO address an aircraft).
//!
//! The manoeuvre cue: birds flap, glide and wander, changing speed and heading all the time;
//! drones and aircraft fly straight legs, hover or turn steadily. [`Manoeuvre`] keeps an
//! exponentially weighted mean of the track's horizontal acceleration, measured on its own
//! filtered velocity about once a second. On the site-defense preset (seed 1) its median is
//! 1.9 m/s² on bird tracks and 0.54 m/s² on drone tracks (10th percentile of birds 1.4, 90th
//! of drones 1.1): the likelihoods below put their crossover at about 1.2 m/s². The cue is
//! capped (at most a factor e per update before tempering) so it never decides alone.
//!
//! Each update multiplies the track's probabilities by tempered likelihoods (kinematics, and
//! the reports' own class likelihoods at half weight) and renormalises
//! ([`ClassProbs::fuse`] with a floor), so one odd report cannot zero a class, while evidence
//! that keeps coming wins within a few updates.

use crate::gaussian::Gaussian;
use picket_core::{Class, ClassProbs, Identity, Report, SensorKind, Timestamp};

/// How strongly one update's kinematics count (an exponent on the likelihood): kinematics
/// repeat every scan and are correlated, so each counts for a fraction of independent evidence.
const KINEMATIC_WEIGHT: f64 = 0.15;
/// How strongly one report's own class likelihoods count (an exponent on them). A camera's
/// label is paired with a track by bearing, and in a flock or on a shared line of sight the
/// label of a neighbour lands on the track: at close range one wrong "drone" label (a 17:1
/// likelihood) made a fresh bird fragment 0.83 drone and raised an entry alert on a protected
/// zone before the next frames corrected it (birds preset, seed 13). Half the evidence per
/// label (17:1 becomes 4:1) still lets labels that keep coming win within a few frames.
/// Measured with the guard's sweep (birds seeds 1-15, site-defense 1-30, swarm 1-5): bird
/// false alerts 3 -> 0 on the held-out birds seeds 6-15; classification birds 98.2 -> 98.5 %,
/// site-defense 95.9 -> 96.0 %, swarm 98.1 -> 97.8 %; 0.7 left 2 bird alerts.
const REPORT_CLASS_WEIGHT: f64 = 0.5;

/// `l` raised to the power `w` (1: as is; 0: no evidence), each factor floored first.
fn temper(l: &ClassProbs, w: f64) -> ClassProbs {
    ClassProbs(l.0.map(|v| v.max(FLOOR).powf(w)))
}

/// Smallest factor any single piece of evidence may apply.
const FLOOR: f64 = 1e-3;

/// The kinematic likelihoods of each class for a state (site frame, z up, metres above the
/// site origin), from broad envelopes: small drones fly below ~30 m/s and ~500 m, birds
/// below ~25 m/s and ~300 m, manned aircraft faster than ~40 m/s.
pub fn kinematic_likelihood(estimate: &Gaussian) -> ClassProbs {
    ClassProbs(kinematic_log_likelihood(estimate).map(f64::exp))
}

/// The natural logarithms of [`kinematic_likelihood`] (cheap to temper: scale, then `exp`).
fn kinematic_log_likelihood(estimate: &Gaussian) -> [f64; 4] {
    let speed = estimate.mean[3].hypot(estimate.mean[4]);
    let altitude = estimate.mean[2];
    // ln of a band that is 1 inside [lo, hi] and falls off exponentially with scale `soft`.
    let band =
        |v: f64, lo: f64, hi: f64, soft: f64| -((lo - v).max(0.0) + (v - hi).max(0.0)) / soft;
    [
        band(speed, 0.0, 30.0, 8.0) + band(altitude, -50.0, 500.0, 150.0),
        // Bands as densities: the bird envelope is narrower than the drone's (19 vs 30 m/s
        // of speed, 350 vs 550 m of height), so inside both a bird is 2.5x as likely.
        (30.0 / 19.0 * 550.0 / 350.0f64).ln()
            + band(speed, 3.0, 22.0, 5.0)
            + band(altitude, -50.0, 300.0, 100.0),
        band(speed, 45.0, 350.0, 12.0),
        0.2f64.ln(),
    ]
}

/// The likelihood an identity implies.
pub fn identity_likelihood(identity: &Identity) -> Option<ClassProbs> {
    let class = match identity {
        Identity::RemoteId(_) => Class::Drone,
        Identity::Icao(_) => Class::Aircraft,
        Identity::SensorObject(_) => return None,
    };
    let mut p = ClassProbs([0.01; 4]);
    p.set(class, 1.0);
    Some(p)
}

/// How erratically a track manoeuvres: an exponentially weighted mean of its horizontal
/// acceleration, sampled on its filtered velocity at least [`Manoeuvre::SAMPLE_S`] apart.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Manoeuvre {
    /// Time, horizontal velocity and its variance (m²/s², mean of the two axes) of the last
    /// sample (meaningful once `sampled`). Plain fields, not an `Option` of a tuple: 8 bytes
    /// less per track.
    ref_time: Timestamp,
    ref_v: [f32; 2],
    ref_var: f32,
    sampled: bool,
    /// Mean horizontal acceleration, m/s².
    pub accel_mps2: f32,
    /// Samples taken (saturating).
    pub samples: u16,
}

impl Manoeuvre {
    /// Shortest interval between two velocity samples, seconds.
    pub const SAMPLE_S: f64 = 0.9;
    /// Weight of a new sample in the mean.
    const ALPHA: f32 = 0.1;
    /// Samples needed before the cue counts.
    const MIN_SAMPLES: u16 = 8;

    /// Takes a sample of `estimate` at `time` when the last is old enough.
    pub fn observe(&mut self, estimate: &Gaussian, time: Timestamp) {
        let v = [estimate.mean[3] as f32, estimate.mean[4] as f32];
        let var = (0.5 * (estimate.cov[(3, 3)] + estimate.cov[(4, 4)])) as f32;
        if !self.sampled {
            (self.ref_time, self.ref_v, self.ref_var, self.sampled) = (time, v, var, true);
            return;
        }
        let (t0, v0, var0) = (self.ref_time, self.ref_v, self.ref_var);
        let dt_s = time.since_s(t0);
        if dt_s < Self::SAMPLE_S {
            return;
        }
        // The change of a noisy velocity estimate is partly its noise: take off part of what
        // the filter's own velocity uncertainty explains, so a far, noisily measured drone
        // does not look erratic. Consecutive estimates share most of their error, so their
        // difference varies far less than `var + var0`; a quarter of it was the best of
        // 2, 0.5 and 0.25 on site-defense and birds (seed 1).
        let dv2 = (v[0] - v0[0]).powi(2) + (v[1] - v0[1]).powi(2);
        let accel = (dv2 - 0.25 * (var + var0)).max(0.0).sqrt() / dt_s as f32;
        if accel.is_finite() {
            self.accel_mps2 = if self.samples == 0 {
                accel
            } else {
                self.accel_mps2 + Self::ALPHA * (accel - self.accel_mps2)
            };
            self.samples = self.samples.saturating_add(1);
        }
        (self.ref_time, self.ref_v, self.ref_var) = (time, v, var);
    }

    /// Log-likelihoods of each class given the manoeuvre cue (zero until enough samples).
    fn log_likelihood(&self) -> [f64; 4] {
        if self.samples < Self::MIN_SAMPLES {
            return [0.0; 4];
        }
        let a = f64::from(self.accel_mps2);
        // Capped at e⁻¹ so the cue separates birds from drones but never, alone, makes an
        // object "other" (whose kinematic likelihood is 0.2 ≈ e^-1.6): a jumpy track on a
        // swarm is still a drone.
        [
            (-(a - 1.1).max(0.0) / 0.3).max(-1.0),
            (-(1.3 - a).max(0.0) / 0.3).max(-1.0),
            0.0,
            0.0,
        ]
    }
}

/// The likelihood a detection by a sensor of `kind` implies by itself: an RF direction finder
/// hears emitters (drones' links, some aircraft), never birds. Mild, because a bearing a few
/// degrees wide is often paired with the wrong track: with 0.05 for birds, bird tracks that
/// shared a drone's line of sight turned into drones (site-defense seed 1: 82 % right; 0.3:
/// 93.2 %; 0.6: 95.4 %, and 96.4 / 96.5 % on seeds 2 and 3, which were not used to choose).
pub fn sensor_likelihood(kind: SensorKind) -> Option<ClassProbs> {
    match kind {
        SensorKind::Rf => Some(ClassProbs([1.0, 0.6, 0.8, 0.8])),
        _ => None,
    }
}

/// Folds one update's evidence into `class`.
pub fn classify(class: ClassProbs, estimate: &Gaussian, report: Option<&Report>) -> ClassProbs {
    classify_with(class, estimate, &Manoeuvre::default(), report, None)
}

/// Folds one update's evidence into `class`: kinematics and manoeuvre (tempered), the
/// report's class likelihoods and identity, and what the reporting sensor's `kind` implies.
pub fn classify_with(
    class: ClassProbs,
    estimate: &Gaussian,
    manoeuvre: &Manoeuvre,
    report: Option<&Report>,
    kind: Option<SensorKind>,
) -> ClassProbs {
    let kinematic = kinematic_log_likelihood(estimate);
    let moving = manoeuvre.log_likelihood();
    let tempered: [f64; 4] =
        std::array::from_fn(|i| (KINEMATIC_WEIGHT * (kinematic[i] + moving[i])).exp());
    let mut p = class.fuse(&ClassProbs(tempered), FLOOR);
    if let Some(r) = report {
        if let Some(l) = &r.class {
            p = p.fuse(&temper(l, REPORT_CLASS_WEIGHT), FLOOR);
        }
        if let Some(l) = r.identity.as_ref().and_then(identity_likelihood) {
            p = p.fuse(&l, FLOOR);
        }
    }
    if let Some(l) = kind.and_then(sensor_likelihood) {
        p = p.fuse(&l, FLOOR);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::{StateCovariance, StateVector};

    fn moving(speed: f64, altitude: f64) -> Gaussian {
        Gaussian::new(
            StateVector::from([0.0, 0.0, altitude, speed, 0.0, 0.0]),
            StateCovariance::identity(),
        )
    }

    #[test]
    fn kinematics_separate_fast_aircraft_from_slow_drones() {
        let mut fast = ClassProbs::default();
        let mut slow = ClassProbs::default();
        for _ in 0..20 {
            fast = classify(fast, &moving(120.0, 1500.0), None);
            slow = classify(slow, &moving(12.0, 80.0), None);
        }
        assert_eq!(fast.best().0, Class::Aircraft);
        assert!(slow.get(Class::Drone) > slow.get(Class::Aircraft) * 10.0);
    }

    #[test]
    fn one_wrong_camera_label_does_not_decide_a_fresh_track() {
        let label = |class: Class| {
            let mut l = ClassProbs([0.05; 4]);
            l.set(class, 0.85);
            Report {
                class: Some(l),
                ..Report::new(
                    picket_core::SensorId(0),
                    picket_core::Timestamp::ZERO,
                    picket_core::Measurement::cartesian(picket_core::Enu::default(), 1.0),
                )
            }
        };
        let bird = moving(9.0, 120.0);
        let mut p = classify(ClassProbs::default(), &bird, Some(&label(Class::Drone)));
        assert!(
            p.get(Class::Drone) < 0.65,
            "{p:?} (about 0.87 at full weight)"
        );
        for _ in 0..3 {
            p = classify(p, &bird, Some(&label(Class::Bird)));
        }
        assert_eq!(p.best().0, Class::Bird, "{p:?}");
        assert!(p.get(Class::Bird) > 0.8, "{p:?}");
    }

    #[test]
    fn remote_id_means_drone() {
        let r = Report {
            identity: Some(Identity::RemoteId("1596F123".into())),
            ..Report::new(
                picket_core::SensorId(0),
                picket_core::Timestamp::ZERO,
                picket_core::Measurement::cartesian(picket_core::Enu::default(), 1.0),
            )
        };
        let p = classify(ClassProbs::default(), &moving(15.0, 100.0), Some(&r));
        assert_eq!(p.best().0, Class::Drone);
        assert!(p.best().1 > 0.9);
    }
}
