//! Classification: per-track probabilities of drone / bird / aircraft / other, fused from
//! kinematics (speed, altitude), the report's own class likelihoods, and identity (a Remote ID
//! serial means a drone, an ICAO address an aircraft).
//!
//! Each update multiplies the track's probabilities by tempered likelihoods and renormalises
//! ([`ClassProbs::fuse`] with a floor), so one odd report cannot zero a class, while evidence
//! that keeps coming wins within a few updates.

use crate::gaussian::Gaussian;
use picket_core::{Class, ClassProbs, Identity, Report};

/// How strongly one update's kinematics count (an exponent on the likelihood): kinematics
/// repeat every scan and are correlated, so each counts for a fraction of independent evidence.
const KINEMATIC_WEIGHT: f64 = 0.15;
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
        0.7f64.ln() + band(speed, 3.0, 22.0, 5.0) + band(altitude, -50.0, 300.0, 100.0),
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

/// Folds one update's evidence into `class`.
pub fn classify(class: ClassProbs, estimate: &Gaussian, report: Option<&Report>) -> ClassProbs {
    let tempered = kinematic_log_likelihood(estimate).map(|l| (KINEMATIC_WEIGHT * l).exp());
    let mut p = class.fuse(&ClassProbs(tempered), FLOOR);
    if let Some(r) = report {
        if let Some(l) = &r.class {
            p = p.fuse(l, FLOOR);
        }
        if let Some(l) = r.identity.as_ref().and_then(identity_likelihood) {
            p = p.fuse(&l, FLOOR);
        }
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
