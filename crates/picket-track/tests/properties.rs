//! Property tests: under random inputs the filters keep covariances symmetric positive definite
//! and no NaN ever leaves the tracker; bad reports are rejected and counted, never used.

use picket_core::{Enu, Geodetic, Measurement, Report, SensorId, SensorKind, Site, Timestamp};
use picket_track::{
    Belief, Gaussian, Imm, KalmanUpdater, LinearMotion, Matrix3, MeasurementModel, Predictor,
    StateCovariance, StateVector, TrackerConfig, Updater, Vector3, kalman_update,
};
use proptest::prelude::*;

/// A random SPD covariance with variances spread over many orders of magnitude.
fn spd6() -> impl Strategy<Value = StateCovariance> {
    (
        prop::collection::vec(-1.0f64..1.0, 36),
        prop::collection::vec(-2.0f64..5.0, 6),
    )
        .prop_map(|(a, scales)| {
            let a = StateCovariance::from_iterator(a);
            let d = StateCovariance::from_diagonal(&StateVector::from_iterator(
                scales.iter().map(|s| 10f64.powf(*s)),
            ));
            let mut c = d.map(f64::sqrt)
                * (a * a.transpose() + StateCovariance::identity() * 0.01)
                * d.map(f64::sqrt);
            picket_track::symmetrise(&mut c);
            c
        })
}

fn state() -> impl Strategy<Value = StateVector> {
    (
        prop::collection::vec(-20_000.0f64..20_000.0, 3),
        prop::collection::vec(-80.0f64..80.0, 3),
    )
        .prop_map(|(p, v)| StateVector::from([p[0], p[1], p[2].abs(), v[0], v[1], v[2]]))
}

fn measurement() -> impl Strategy<Value = MeasurementModel> {
    prop_oneof![
        (
            prop::collection::vec(-20_000.0f64..20_000.0, 3),
            0.1f64..500.0,
            -0.9f64..0.9
        )
            .prop_map(|(z, sigma, rho)| {
                let v = sigma * sigma;
                let mut noise = Matrix3::identity() * v;
                noise[(0, 1)] = rho * v;
                noise[(1, 0)] = rho * v;
                MeasurementModel::Cartesian {
                    z: Vector3::new(z[0], z[1], z[2]),
                    noise,
                }
            }),
        (
            1.0f64..30_000.0,
            0.0f64..std::f64::consts::TAU,
            -0.5f64..1.5,
            0.1f64..50.0,
            1e-4f64..0.1,
            prop::option::of((-100.0f64..100.0, 0.1f64..5.0)),
        )
            .prop_map(|(range, az, el, sr, sa, radial)| MeasurementModel::Polar {
                sensor: Vector3::new(100.0, -50.0, 10.0),
                z: Vector3::new(range, az, el),
                sigma: Vector3::new(sr, sa, sa * 1.5),
                radial,
            }),
        (
            0.0f64..std::f64::consts::TAU,
            1e-4f64..0.1,
            prop::option::of((-0.5f64..1.5, 1e-4f64..0.1)),
        )
            .prop_map(|(az, sa, el)| MeasurementModel::Bearing {
                sensor: Vector3::new(-300.0, 200.0, 8.0),
                az: (az, sa),
                el,
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// One update of any SPD prior with any measurement leaves an SPD, finite posterior (or is
    /// refused, leaving the prior untouched).
    #[test]
    fn update_keeps_covariance_spd(mean in state(), cov in spd6(), m in measurement()) {
        let mut g = Gaussian::new(mean, cov);
        prop_assume!(g.is_positive_definite());
        let before = g;
        match kalman_update(&mut g, &m) {
            Some(ll) => {
                prop_assert!(ll.is_finite());
                prop_assert!(g.is_finite());
                prop_assert!(g.is_positive_definite(), "{:?}", g.cov);
            }
            None => prop_assert_eq!(g, before),
        }
    }

    /// Long random predict/update sequences through the IMM stay SPD and finite.
    #[test]
    fn imm_sequences_stay_spd(
        mean in state(),
        cov in spd6(),
        steps in prop::collection::vec((0.0f64..5.0, measurement()), 1..25),
    ) {
        let imm = Imm::cv_and_turns(0.1, 4.0, 0.5, 0.05);
        let g = Gaussian::new(mean, cov);
        prop_assume!(g.is_positive_definite());
        let mut belief = imm.initiate(g);
        for (dt, m) in steps {
            imm.predict(&mut belief, dt);
            KalmanUpdater.update(&mut belief, &m);
            let e = belief.estimate();
            prop_assert!(e.is_finite());
            prop_assert!(e.is_positive_definite(), "{:?}", e.cov);
            for mode in &belief.modes() {
                prop_assert!(mode.is_positive_definite());
            }
            prop_assert!((belief.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    /// Prediction alone keeps SPD for any model and time step.
    #[test]
    fn predict_keeps_covariance_spd(cov in spd6(), turn in -0.3f64..0.3, q in 0.0f64..50.0, dt in 0.0f64..60.0) {
        let mut g = Gaussian::new(StateVector::zeros(), cov);
        prop_assume!(g.is_positive_definite());
        LinearMotion { turn_rate_rad_s: turn, q_horizontal: q, q_vertical: q }.predict(&mut g, dt);
        prop_assert!(g.is_finite() && g.is_positive_definite());
    }

    /// The whole tracker on random (often absurd) reports, out-of-order times included: it
    /// never panics, never publishes a NaN, keeps its invariants, and rejects exactly the
    /// invalid reports.
    #[test]
    fn tracker_survives_random_reports(
        scans in prop::collection::vec(
            (
                -1.0f64..3.0,
                prop::collection::vec(
                    (0u16..5, -1e5f64..1e5, -1e5f64..1e5, -1e3f64..1e4, -1.0f64..100.0, 0u8..3, 0u8..8),
                    0..12,
                ),
            ),
            1..15,
        )
    ) {
        let mut site = Site::new("prop", Geodetic::new(10.0, 10.0, 0.0));
        site.add_sensor("cart", SensorKind::Generic, Enu::default());
        site.add_sensor("radar", SensorKind::Radar, Enu::new(5.0, 5.0, 10.0));
        site.add_sensor("rf-a", SensorKind::Rf, Enu::new(-500.0, 0.0, 8.0));
        site.add_sensor("rf-b", SensorKind::Rf, Enu::new(1500.0, 300.0, 8.0));
        let mut tracker = TrackerConfig::default().build(&site);
        let mut t = 0.0;
        let mut expected_rejects = 0;
        for (dt, reports) in scans {
            t += dt;
            let time = Timestamp::from_secs(t).unwrap();
            let reports: Vec<Report> = reports
                .into_iter()
                .map(|(sensor, a, b, c, sigma, kind, poison)| {
                    let (b, sigma) = match poison {
                        0 => (f64::NAN, sigma),
                        1 => (b, 0.0),
                        2 => (f64::INFINITY, sigma),
                        _ => (b, sigma),
                    };
                    let m = match kind {
                        1 => Measurement::Polar {
                            range_m: a.abs(),
                            az_rad: b / 1e4,
                            el_rad: c / 1e4,
                            sigma_range_m: sigma,
                            sigma_az_rad: sigma / 100.0,
                            sigma_el_rad: sigma / 100.0,
                        },
                        2 => Measurement::Bearing {
                            az_rad: b / 1e4,
                            sigma_az_rad: sigma / 100.0,
                            el: (a > 0.0).then_some((c / 1e4, sigma / 100.0)),
                        },
                        _ => Measurement::cartesian(Enu::new(a, b, c), sigma),
                    };
                    Report::new(SensorId(sensor), time, m)
                })
                .collect();
            let out_of_sequence = tracker.time().is_some_and(|now| time < now);
            if !out_of_sequence {
                expected_rejects += reports
                    .iter()
                    .filter(|r| r.validate().is_err() || r.sensor.0 > 3)
                    .count() as u64;
            }
            tracker.step(time, &reports);
            prop_assert!(tracker.check_invariants().is_ok(), "{:?}", tracker.check_invariants());
            for track in tracker.tracks() {
                prop_assert!(track.position.x.is_finite() && track.position.y.is_finite());
                prop_assert!(track.velocity.x.is_finite() && track.cov[5][5].is_finite());
            }
        }
        prop_assert_eq!(tracker.counters().rejected, expected_rejects);
    }
}
