//! Whole runs: determinism, independence of targets, every preset read back by the scenario
//! reader, the Stone Soup box statistics, and configuration handling.

use picket_scenario::Scenario;
use picket_sim::config::{self, GroupConfig, SensorConfig};
use picket_sim::{ConfigError, Event, SimConfig, Simulation, presets, write_jsonl};

fn bytes(config: SimConfig, seed: u64) -> Vec<u8> {
    let mut sim = Simulation::new(config, seed).expect("valid configuration");
    write_jsonl(&mut sim, Vec::new(), |_| {}).expect("writes")
}

fn short(name: &str, duration_s: f64) -> SimConfig {
    let mut config = presets::preset(name).expect("preset");
    config.duration_s = duration_s;
    config
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = bytes(short("site-defense", 120.0), 1);
    let b = bytes(short("site-defense", 120.0), 1);
    let c = bytes(short("site-defense", 120.0), 2);
    assert!(a == b, "seed 1: two runs differ");
    assert!(a != c, "seeds 1 and 2 gave the same file");
}

#[test]
fn adding_a_target_changes_no_other_target() {
    let seed = 3;
    let run = |count: usize| {
        let mut config = short("stonesoup-box", 30.0);
        let GroupConfig::Cruise(g) = config.groups.get_mut("T").unwrap() else {
            panic!()
        };
        g.count = count;
        let mut sim = Simulation::new(config, seed).unwrap();
        let (mut truth, mut hits, mut frame) = (Vec::new(), Vec::new(), Vec::new());
        while sim.next_frame(&mut frame) {
            for e in &frame {
                match e {
                    Event::Truth(t) if t.target < 10 => truth.push(*t),
                    Event::Measurement(m) => match m.source {
                        picket_sim::sensors::Source::Target(i) if i < 10 => {
                            hits.push((m.t_us, i, format!("{:?}", m.shape)))
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        hits.sort_by_key(|h| (h.0, h.1));
        (truth, hits)
    };
    let (truth10, hits10) = run(10);
    let (truth11, hits11) = run(11);
    assert!(
        truth10 == truth11,
        "seed {seed}: an 11th target changed the first ten's motion"
    );
    assert!(
        hits10 == hits11,
        "seed {seed}: an 11th target changed the first ten's detections"
    );
}

#[test]
fn every_preset_runs_and_reads_back() {
    for name in presets::NAMES {
        let seed = 5;
        let text = bytes(short(name, 90.0), seed);
        let scenario = Scenario::read(text.as_slice(), name)
            .unwrap_or_else(|e| panic!("seed {seed}: {name}: {e}"));
        assert!(!scenario.truth.is_empty(), "{name}: no truth");
        assert!(!scenario.detections.is_empty(), "{name}: no detections");
        assert_eq!(scenario.meta.as_ref().and_then(|m| m.seed), Some(seed));
        let (_, reports) = scenario
            .site_and_reports()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(reports.len(), scenario.detections.len());
        let times: Vec<f64> = scenario
            .truth
            .iter()
            .map(|t| t.t)
            .chain(scenario.detections.iter().map(|d| d.t))
            .collect();
        assert!(
            times.iter().all(|t| (0.0..90.0).contains(t)),
            "{name}: a time outside the run"
        );
        assert!(
            scenario.truth.windows(2).all(|w| w[0].t <= w[1].t),
            "{name}: truth not sorted"
        );
        assert!(
            scenario.detections.windows(2).all(|w| w[0].t <= w[1].t),
            "{name}: detections not sorted"
        );
    }
}

#[test]
fn site_defense_has_zones_whitelist_and_every_kind_of_target() {
    let text = bytes(short("site-defense", 400.0), 1);
    let scenario = Scenario::read(text.as_slice(), "site-defense").unwrap();
    assert!(scenario.zones.iter().any(|z| z.kind == "protected"));
    assert!(scenario.zones.iter().any(|z| z.kind == "corridor"));
    assert!(
        scenario
            .authorized
            .iter()
            .any(|a| matches!(a.ident, picket_scenario::Ident::Rid(_)))
    );
    for class in ["drone", "bird", "aircraft"] {
        assert!(
            scenario
                .truth
                .iter()
                .any(|t| t.class.as_deref() == Some(class)),
            "no {class}"
        );
    }
    for role in [
        picket_scenario::Role::Hostile,
        picket_scenario::Role::Authorized,
        picket_scenario::Role::Neutral,
    ] {
        assert!(
            scenario.truth.iter().any(|t| t.role == Some(role)),
            "no {role:?}"
        );
    }
    // Authorized drones broadcast the serials the whitelist names.
    for a in scenario
        .authorized
        .iter()
        .filter(|a| matches!(a.ident, picket_scenario::Ident::Rid(_)))
    {
        assert!(
            scenario
                .truth
                .iter()
                .any(|t| t.ident.as_ref() == Some(&a.ident)),
            "{:?} never flies",
            a.ident
        );
    }
    // Hostile approach drones are first seen well outside: first truth ≥ 1.8 km from the
    // nearest destination at up to 22 m/s is more than 30 s out.
    let first = scenario
        .truth
        .iter()
        .find(|t| t.id.starts_with("hostile-"))
        .unwrap();
    let d = [(0.0, 0.0), (600.0, -450.0)]
        .iter()
        .map(|(x, y)| (first.x - x).hypot(first.y - y))
        .fold(f64::MAX, f64::min);
    assert!(d > 30.0 * 22.0, "hostile drone starts {d} m out");
    let spoofing = bytes(short("spoofing", 300.0), 1);
    let spoofing = Scenario::read(spoofing.as_slice(), "spoofing").unwrap();
    assert!(spoofing.truth.iter().any(|t| t.spoofed));
    assert!(
        spoofing
            .truth
            .iter()
            .any(|t| !t.spoofed && t.ident.is_some())
    );
    // Cloned serials: one serial flown by two targets at once, one of them spoofed.
    let mut flyers: std::collections::BTreeMap<_, std::collections::BTreeSet<_>> =
        Default::default();
    for t in spoofing.truth.iter().filter(|t| t.ident.is_some()) {
        flyers
            .entry(t.ident.clone())
            .or_default()
            .insert((t.id.clone(), t.spoofed));
    }
    assert!(
        flyers.values().any(|ids| ids.len() > 1
            && ids.iter().any(|(_, s)| *s)
            && ids.iter().any(|(_, s)| !*s)),
        "no cloned serial"
    );
}

#[test]
fn birds_preset_has_no_drones_and_flocks_split() {
    let text = bytes(short("birds", 300.0), 4);
    let scenario = Scenario::read(text.as_slice(), "birds").unwrap();
    assert!(
        scenario
            .truth
            .iter()
            .all(|t| t.class.as_deref() != Some("drone"))
    );
    let birds = scenario
        .truth
        .iter()
        .filter(|t| t.class.as_deref() == Some("bird"))
        .count();
    assert!(birds > scenario.truth.len() / 2);
    // With a 120 s mean time to split, some flock's members end up far apart: look for a
    // pair of birds that were within 30 m at t = 0 and over 300 m apart at the end.
    let at = |t: f64| {
        scenario
            .truth
            .iter()
            .filter(move |r| r.t == t && r.class.as_deref() == Some("bird"))
    };
    let start: Vec<_> = at(0.0).collect();
    let end: std::collections::HashMap<_, _> =
        at(299.0).map(|r| (r.id.clone(), (r.x, r.y))).collect();
    let split = start.iter().any(|a| {
        start.iter().any(|b| {
            let close = (a.x - b.x).hypot(a.y - b.y) < 30.0;
            let (pa, pb) = (end[&a.id], end[&b.id]);
            close && (pa.0 - pb.0).hypot(pa.1 - pb.1) > 300.0
        })
    });
    assert!(split, "seed 4: no flock split");
}

#[test]
fn stonesoup_box_matches_the_harness_generator() {
    // The harness (`stonesoup_bench.py --generate`): speeds 5–40 m/s horizontally, |vz| ≤ 3,
    // altitude in [0, 500] m, 60 scans of N·Pd target detections plus Poisson(10) clutter.
    let seed = 1;
    let mut config = presets::stonesoup_box();
    let GroupConfig::Cruise(g) = config.groups.get_mut("T").unwrap() else {
        panic!()
    };
    g.count = 300;
    let text = bytes(config, seed);
    let scenario = Scenario::read(text.as_slice(), "box").unwrap();
    assert_eq!(scenario.truth.len(), 300 * 60);
    for t in &scenario.truth {
        let speed = t.vx.hypot(t.vy);
        assert!(
            (5.0 - 1e-3..=40.0 + 1e-3).contains(&speed),
            "seed {seed}: speed {speed}"
        );
        assert!(
            t.vz.abs() <= 3.0 + 1e-3 && (0.0..=500.0).contains(&t.z),
            "seed {seed}: {t:?}"
        );
    }
    let per_scan = scenario.detections.len() as f64 / 60.0;
    // Mean of 300 Bernoulli(0.9) + Poisson(10): 280, variance 27 + 10 per scan.
    let bound = 4.5 * (37.0f64 / 60.0).sqrt();
    assert!(
        (per_scan - 280.0).abs() < bound,
        "seed {seed}: {per_scan} detections per scan"
    );
    // Turns: heading changes of 2–6 °/s appear, and some targets fly straight for a while.
    let mut by_id: std::collections::BTreeMap<&str, Vec<&picket_scenario::Truth>> =
        Default::default();
    for t in &scenario.truth {
        by_id.entry(t.id.as_str()).or_default().push(t);
    }
    let rates: Vec<f64> = by_id
        .values()
        .flat_map(|track| {
            track
                .windows(2)
                .map(|w| (w[1].vy.atan2(w[1].vx) - w[0].vy.atan2(w[0].vx)).to_degrees())
        })
        .map(|d| (d + 180.0).rem_euclid(360.0) - 180.0)
        .collect();
    let turning = rates.iter().filter(|r| r.abs() > 2.0).count() as f64 / rates.len() as f64;
    // A turn every 30 s lasting 12.5 s on average: about 30 % of the time is spent turning.
    assert!(
        (0.2..0.4).contains(&turning),
        "seed {seed}: turning {turning}"
    );
}

#[test]
fn configuration_round_trips_and_denies_unknown_keys() {
    for name in presets::NAMES {
        let config = presets::preset(name).unwrap();
        let back = SimConfig::from_toml(config.to_toml().unwrap()).unwrap();
        assert_eq!(back, config, "{name}");
        let text = config.to_toml_string().unwrap();
        assert_eq!(
            SimConfig::from_toml(config::parse_toml(&text).unwrap()).unwrap(),
            config,
            "{name}"
        );
    }
    let mut tree = presets::site_defense().to_toml().unwrap();
    config::set_path(
        &mut tree,
        "sensors.radar-1.max_range_m",
        config::parse_value("8000.0"),
    )
    .unwrap();
    assert_eq!(
        config::set_everywhere(&mut tree, "sensors", "pd", &config::parse_value("0.7")),
        3
    );
    let config = SimConfig::from_toml(tree.clone()).unwrap();
    let SensorConfig::Radar(r) = &config.sensors["radar-1"] else {
        panic!()
    };
    assert_eq!((r.max_range_m, r.pd), (8000.0, 0.7));
    config::set_path(
        &mut tree,
        "sensors.radar-1.max_rnge_m",
        config::parse_value("1"),
    )
    .unwrap();
    let err = SimConfig::from_toml(tree).unwrap_err().to_string();
    assert!(err.contains("max_rnge_m"), "{err}");
    let bad = "duration_s = 10\ntick_s = 0.1\nwrite_sensors = false\ntruth = { period_s = 1, offset_s = 0 }\nsurprise = 1\n";
    let err = SimConfig::from_toml(config::parse_toml(bad).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("surprise"), "{err}");
}

#[test]
fn invalid_values_are_refused_with_their_path() {
    let mut config = presets::site_defense();
    let SensorConfig::Radar(r) = config.sensors.get_mut("radar-1").unwrap() else {
        panic!()
    };
    r.pd = 1.5;
    let err = Simulation::new(config, 1).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Invalid { path, .. } if path == "sensors.radar-1.pd"),
        "{err}"
    );
    let mut config = presets::stonesoup_box();
    config.duration_s = f64::NAN;
    assert!(Simulation::new(config, 1).is_err());
    let mut config = presets::site_defense();
    let GroupConfig::Drones(d) = config.groups.get_mut("coop").unwrap() else {
        panic!()
    };
    d.authorized_zones = vec!["nowhere".into()];
    assert!(
        Simulation::new(config, 1)
            .unwrap_err()
            .to_string()
            .contains("nowhere")
    );
}
