//! Statistical checks of what the simulator generates: detection rates, clutter counts and
//! measurement noise against their configured values.
//!
//! Every bound is computed from the sample size: a count or mean must lie within `Z` standard
//! errors of its expectation, with `Z = 4.5` (a two-sided false-failure probability of about
//! 7e-6 per check). Seeds are fixed, so the tests are deterministic; a failure prints its seed.

use picket_core::{Class, Enu, enu_to_polar};
use picket_sim::config::{GroupConfig, PdModel, SensorConfig};
use picket_sim::sensors::{Measurement, Radar, Shape, Source};
use picket_sim::{Event, Simulation, TruthState, presets};
use std::collections::HashMap;

/// Standard errors allowed (see the module comment).
const Z: f64 = 4.5;

/// All events of a run.
fn run(config: picket_sim::SimConfig, seed: u64) -> (Simulation, Vec<Event>) {
    let mut sim = Simulation::new(config, seed).expect("valid configuration");
    let (mut all, mut frame) = (Vec::new(), Vec::new());
    while sim.next_frame(&mut frame) {
        all.append(&mut frame);
    }
    (sim, all)
}

fn truth_map(events: &[Event]) -> HashMap<(i64, usize), TruthState> {
    events
        .iter()
        .filter_map(|e| {
            if let Event::Truth(t) = e {
                Some(((t.t_us, t.target), *t))
            } else {
                None
            }
        })
        .collect()
}

fn measurements(events: &[Event], sensor: usize) -> impl Iterator<Item = &Measurement> {
    events.iter().filter_map(move |e| match e {
        Event::Measurement(m) if m.sensor == sensor => Some(m),
        _ => None,
    })
}

/// Checks that `count` successes out of `trials` fit probability `p`.
fn assert_binomial(what: &str, seed: u64, count: usize, trials: usize, p: f64) {
    let n = trials as f64;
    let sd = (n * p * (1.0 - p)).sqrt();
    let bound = Z * sd;
    let diff = count as f64 - n * p;
    assert!(
        diff.abs() <= bound,
        "seed {seed}: {what}: {count} of {trials}, expected {:.1} ± {bound:.1}",
        n * p
    );
}

/// Checks a Poisson total against its mean.
fn assert_poisson(what: &str, seed: u64, count: usize, mean: f64) {
    let bound = Z * mean.sqrt();
    assert!(
        (count as f64 - mean).abs() <= bound,
        "seed {seed}: {what}: {count}, expected {mean:.1} ± {bound:.1}"
    );
}

/// Checks that residuals have mean 0 and standard deviation `sigma`: the mean within
/// Z·σ/√n, the sample variance within Z·σ²·√(2/(n−1)) of σ² (its standard error for
/// Gaussian data).
fn assert_noise(what: &str, seed: u64, residuals: &[f64], sigma: f64) {
    let n = residuals.len() as f64;
    assert!(n > 100.0, "seed {seed}: {what}: only {n} samples");
    let mean = residuals.iter().sum::<f64>() / n;
    let var = residuals.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let mean_bound = Z * sigma / n.sqrt();
    let var_bound = Z * sigma * sigma * (2.0 / (n - 1.0)).sqrt();
    assert!(
        mean.abs() <= mean_bound,
        "seed {seed}: {what}: mean {mean} beyond ±{mean_bound}"
    );
    assert!(
        (var - sigma * sigma).abs() <= var_bound,
        "seed {seed}: {what}: variance {var} vs {} ± {var_bound} (n = {n})",
        sigma * sigma
    );
}

fn wrap_pi(a: f64) -> f64 {
    (a + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI
}

#[test]
fn cartesian_detection_rate_clutter_and_noise() {
    let seed = 11;
    let mut config = presets::stonesoup_box();
    let GroupConfig::Cruise(g) = config.groups.get_mut("T").unwrap() else {
        panic!()
    };
    g.count = 200;
    let (sim, events) = run(config, seed);
    let SensorConfig::Generic(sensor) = &sim.sensors()[0].config else {
        panic!()
    };
    let truth = truth_map(&events);
    let scans = 60;
    let (mut hits, mut clutter) = (0, 0);
    let mut residuals = [Vec::new(), Vec::new(), Vec::new()];
    for m in measurements(&events, 0) {
        let Shape::Cartesian { pos_m, sigma_m } = m.shape else {
            panic!("not Cartesian")
        };
        assert_eq!(sigma_m, sensor.sigma_m);
        match m.source {
            Source::Target(i) => {
                hits += 1;
                let t = truth[&(m.t_us, i)];
                for k in 0..3 {
                    residuals[k].push(pos_m[k] - t.kin.pos[k]);
                }
            }
            Source::Clutter => {
                clutter += 1;
                assert!((0..3).all(|k| {
                    (sensor.clutter_min_m[k]..=sensor.clutter_max_m[k]).contains(&pos_m[k])
                }));
            }
        }
    }
    assert_binomial("detections", seed, hits, 200 * scans, sensor.pd);
    assert_poisson("clutter", seed, clutter, sensor.clutter_rate * scans as f64);
    for (k, axis) in ["x", "y", "z"].iter().enumerate() {
        assert_noise(
            &format!("Cartesian noise {axis}"),
            seed,
            &residuals[k],
            sensor.sigma_m,
        );
    }
}

/// A radar with constant Pd and no merging, and 150 cruising targets inside its coverage.
fn radar_scenario() -> picket_sim::SimConfig {
    let mut config = presets::stonesoup_box();
    let mut radar = presets::site_radar();
    radar.pd_model = PdModel::Constant;
    radar.range_resolution_m = 0.0;
    radar.max_range_m = 8000.0;
    config.sensors.clear();
    config
        .sensors
        .insert("radar-1".into(), SensorConfig::Radar(radar));
    config.truth.at_scans_of = vec!["radar-1".into()];
    config.write_sensors = true;
    let GroupConfig::Cruise(g) = config.groups.get_mut("T").unwrap() else {
        panic!()
    };
    g.count = 150;
    g.box_min_m = [-3000.0, -3000.0, 0.0];
    g.box_max_m = [3000.0, 3000.0, 500.0];
    config
}

#[test]
fn polar_detection_rate_clutter_and_noise() {
    let seed = 12;
    let (sim, events) = run(radar_scenario(), seed);
    let SensorConfig::Radar(c) = &sim.sensors()[0].config else {
        panic!()
    };
    let site = Enu::new(c.position_m[0], c.position_m[1], c.position_m[2]);
    let truth = truth_map(&events);
    let polar =
        |t: &TruthState| enu_to_polar(&site, &Enu::new(t.kin.pos[0], t.kin.pos[1], t.kin.pos[2]));
    let covered = |r: f64, el: f64| {
        (c.min_range_m..=c.max_range_m).contains(&r)
            && (c.el_min_deg.to_radians()..=c.el_max_deg.to_radians()).contains(&el)
    };
    let opportunities = truth.values().filter(|t| {
        let (r, _, el) = polar(t);
        covered(r, el)
    });
    let trials = opportunities.count();
    let (mut hits, mut clutter) = (0, 0);
    let mut res: [Vec<f64>; 4] = Default::default();
    for m in measurements(&events, 0) {
        let Shape::Polar {
            range_m,
            az_rad,
            el_rad,
            ..
        } = m.shape
        else {
            panic!("not polar")
        };
        let (vr, sigma_vr) = m.radial_velocity.expect("radial velocity");
        assert_eq!(sigma_vr, c.sigma_vr_mps);
        assert!((0.0..std::f64::consts::TAU).contains(&az_rad));
        if let Source::Target(i) = m.source {
            hits += 1;
            let t = truth[&(m.t_us, i)];
            let (r, az, el) = polar(&t);
            let los = [
                t.kin.pos[0] - site.x,
                t.kin.pos[1] - site.y,
                t.kin.pos[2] - site.z,
            ];
            let true_vr = (0..3).map(|k| los[k] * t.kin.vel[k]).sum::<f64>() / r;
            res[0].push(range_m - r);
            res[1].push(wrap_pi(az_rad - az));
            res[2].push(el_rad - el);
            res[3].push(vr - true_vr);
        } else {
            clutter += 1;
        }
    }
    assert!(
        trials > 5000,
        "seed {seed}: only {trials} covered target scans"
    );
    assert_binomial("radar detections", seed, hits, trials, c.pd);
    assert_poisson("radar clutter", seed, clutter, c.clutter_rate * 60.0);
    assert_noise("range", seed, &res[0], c.sigma_range_m);
    assert_noise("azimuth", seed, &res[1], c.sigma_az_deg.to_radians());
    assert_noise("elevation", seed, &res[2], c.sigma_el_deg.to_radians());
    assert_noise("radial velocity", seed, &res[3], c.sigma_vr_mps);
}

#[test]
fn swerling_detection_count_matches_the_model() {
    // Pd varies with range and size: the number of detections must match the sum of the
    // model's probabilities over every covered (scan, target), with binomial variance.
    let seed = 13;
    let mut config = radar_scenario();
    let SensorConfig::Radar(r) = config.sensors.get_mut("radar-1").unwrap() else {
        panic!()
    };
    r.pd_model = PdModel::Swerling1;
    r.pd_ref_rcs_m2 = 1.0; // box targets have 1 m²: Pd 0.9 at 1.5 km, 0.2 at 3 km
    r.pd_ref_range_m = 1500.0;
    let (sim, events) = run(config, seed);
    let SensorConfig::Radar(c) = &sim.sensors()[0].config else {
        panic!()
    };
    let radar = Radar::new(c);
    let site = Enu::new(c.position_m[0], c.position_m[1], c.position_m[2]);
    let (mut expected, mut variance, mut low) = (0.0, 0.0, 0);
    for e in &events {
        let Event::Truth(t) = e else { continue };
        let (range, _, el) =
            enu_to_polar(&site, &Enu::new(t.kin.pos[0], t.kin.pos[1], t.kin.pos[2]));
        if (c.min_range_m..=c.max_range_m).contains(&range)
            && (c.el_min_deg.to_radians()..=c.el_max_deg.to_radians()).contains(&el)
        {
            let p = radar.pd(range, sim.targets()[t.target].signature.rcs_m2);
            expected += p;
            variance += p * (1.0 - p);
            low += usize::from(p < 0.5);
        }
    }
    assert!(
        low > 500,
        "the scenario should have many low-Pd opportunities, has {low}"
    );
    let hits = measurements(&events, 0)
        .filter(|m| matches!(m.source, Source::Target(_)))
        .count() as f64;
    let bound = Z * variance.sqrt();
    assert!(
        (hits - expected).abs() <= bound,
        "seed {seed}: {hits} detections, expected {expected:.1} ± {bound:.1}"
    );
}

#[test]
fn site_sensors_see_only_what_they_should() {
    let seed = 14;
    let mut config = presets::spoofing();
    config.duration_s = 300.0;
    // Truth at every tick, so the state at any measurement time is the tick's truth moved on
    // at constant velocity, exactly as the simulator computes it.
    config.truth.period_s = config.tick_s;
    let tick_us = picket_sim::seconds_to_us(config.tick_s);
    let (sim, events) = run(config, seed);
    let truth = truth_map(&events);
    let state_at = |t_us: i64, i: usize| {
        let start = t_us / tick_us * tick_us;
        truth
            .get(&(start, i))
            .map(|t| t.kin.extrapolate(picket_sim::us_to_seconds(t_us - start)))
    };
    let index = |id: &str| sim.sensors().iter().position(|s| s.id == id).unwrap();
    let (rf, rid, adsb, cam) = (
        index("rf-1"),
        index("rid-1"),
        index("adsb-1"),
        index("cam-1"),
    );
    let mut rid_residual = Vec::new();
    let mut rf_residual = Vec::new();
    let mut spoofed_seen = 0;
    let mut cam_residual = [Vec::new(), Vec::new()];
    let (mut labels_right, mut labels_expected, mut labels_variance) = (0, 0.0, 0.0);
    for m in events.iter().filter_map(|e| {
        if let Event::Measurement(m) = e {
            Some(m)
        } else {
            None
        }
    }) {
        let Source::Target(i) = m.source else {
            continue;
        };
        let target = &sim.targets()[i];
        let class = target.signature.class;
        let t = state_at(m.t_us, i).expect("truth at every tick");
        if m.sensor == rf {
            assert!(
                class == Some(Class::Drone) && target.signature.emitting,
                "seed {seed}: RF bearing to {}",
                target.id
            );
            if let Shape::Bearing { az_rad, .. } = m.shape {
                let SensorConfig::Rf(c) = &sim.sensors()[rf].config else {
                    panic!()
                };
                let az = (t.pos[0] - c.position_m[0]).atan2(t.pos[1] - c.position_m[1]);
                rf_residual.push(wrap_pi(az_rad - az));
            }
        } else if m.sensor == adsb {
            assert_eq!(
                class,
                Some(Class::Aircraft),
                "seed {seed}: ADS-B from {}",
                target.id
            );
            assert!(matches!(m.identity, Some(picket_core::Identity::Icao(_))));
        } else if m.sensor == rid {
            assert_eq!(
                class,
                Some(Class::Drone),
                "seed {seed}: Remote ID from {}",
                target.id
            );
            assert_eq!(m.identity, target.signature.identity);
            let Shape::Cartesian { pos_m, .. } = m.shape else {
                panic!()
            };
            match target.signature.spoof_offset_m {
                // Forged: the broadcast is far from the drone, by the drawn offset.
                Some(offset) => {
                    spoofed_seen += 1;
                    let d = ((pos_m[0] - t.pos[0] - offset[0]).powi(2)
                        + (pos_m[1] - t.pos[1] - offset[1]).powi(2))
                    .sqrt();
                    assert!(d < 100.0, "seed {seed}: forged position not at its offset");
                }
                None => rid_residual.extend((0..3).map(|k| pos_m[k] - t.pos[k])),
            }
        } else if m.sensor == cam {
            let SensorConfig::Camera(c) = &sim.sensors()[cam].config else {
                panic!()
            };
            let Shape::Bearing {
                az_rad,
                el_rad: Some((el_rad, _)),
                ..
            } = m.shape
            else {
                panic!()
            };
            let d = [0, 1, 2].map(|k| t.pos[k] - c.position_m[k]);
            cam_residual[0].push(wrap_pi(az_rad - d[0].atan2(d[1])));
            cam_residual[1].push(el_rad - d[2].atan2(d[0].hypot(d[1])));
            // The label is right with the confusion model's diagonal at this range.
            let range_m = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
            let camera = picket_sim::sensors::Camera::new(c);
            let truth_class = class.unwrap_or(Class::Other).index();
            let fraction = range_m / (c.range_per_span_m * target.signature.span_m);
            let p_right = camera.confusion(fraction)[truth_class][truth_class];
            let likelihood = m.class.expect("class likelihoods").0;
            let best = (0..4)
                .max_by(|a, b| likelihood[*a].total_cmp(&likelihood[*b]))
                .unwrap();
            labels_right += usize::from(best == truth_class);
            labels_expected += p_right;
            labels_variance += p_right * (1.0 - p_right);
        }
    }
    assert!(
        spoofed_seen > 0,
        "seed {seed}: no forged Remote ID received"
    );
    let SensorConfig::Camera(c) = &sim.sensors()[cam].config else {
        panic!()
    };
    assert_noise(
        "camera azimuth",
        seed,
        &cam_residual[0],
        c.sigma_az_deg.to_radians(),
    );
    assert_noise(
        "camera elevation",
        seed,
        &cam_residual[1],
        c.sigma_el_deg.to_radians(),
    );
    let bound = Z * f64::sqrt(labels_variance);
    assert!(
        (labels_right as f64 - labels_expected).abs() <= bound,
        "seed {seed}: {labels_right} right labels, expected {labels_expected:.1} ± {bound:.1}"
    );
    let SensorConfig::Remoteid(c) = &sim.sensors()[rid].config else {
        panic!()
    };
    assert_noise("Remote ID GNSS noise", seed, &rid_residual, c.sigma_m);
    let SensorConfig::Rf(c) = &sim.sensors()[rf].config else {
        panic!()
    };
    assert_noise(
        "RF bearing",
        seed,
        &rf_residual,
        c.sigma_az_deg.to_radians(),
    );
}
