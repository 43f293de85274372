//! Named scenarios (`picket sim --preset NAME`), each a plain [`SimConfig`] that a TOML file
//! or `key=value` overrides can adjust.

use crate::config::*;
use std::collections::BTreeMap;

/// The preset names, in the order `--help` lists them.
pub const NAMES: &[&str] = &[
    "stonesoup-box",
    "site-defense",
    "swarm",
    "birds",
    "spoofing",
];

/// The preset called `name`.
pub fn preset(name: &str) -> Option<SimConfig> {
    Some(match name {
        "stonesoup-box" => stonesoup_box(),
        "site-defense" => site_defense(),
        "swarm" => swarm(),
        "birds" => birds(),
        "spoofing" => spoofing(),
        _ => return None,
    })
}

/// The Stone Soup harness's Cartesian generator (`stonesoup_bench.py --generate`): N targets
/// (10) in a 10 km × 10 km × 500 m box, one sensor scanning at 1 Hz with Pd 0.9, σ 10 m and
/// Poisson(10) clutter per scan uniform in the box; truth at every scan.
pub fn stonesoup_box() -> SimConfig {
    let sensor = GenericConfig {
        position_m: [0.0; 3],
        period_s: 1.0,
        offset_s: 0.0,
        pd: 0.9,
        sigma_m: 10.0,
        clutter_rate: 10.0,
        clutter_min_m: [0.0; 3],
        clutter_max_m: [10_000.0, 10_000.0, 500.0],
    };
    let targets = CruiseGroup {
        count: 10,
        class: None,
        box_min_m: [0.0; 3],
        box_max_m: [10_000.0, 10_000.0, 500.0],
        speed_mps: [5.0, 40.0],
        vz_start_mps: 2.0,
        vz_max_mps: 3.0,
        turn_rate_per_s: 1.0 / 30.0,
        turn_deg_s: [2.0, 6.0],
        turn_s: [5.0, 20.0],
        sigma_acc_h: 0.3,
        sigma_acc_v: 0.1,
    };
    SimConfig {
        duration_s: 60.0,
        tick_s: 0.1,
        origin: None,
        note: Some("stonesoup-box: the Stone Soup harness's Cartesian box statistics".into()),
        write_sensors: false,
        truth: TruthConfig {
            period_s: 1.0,
            offset_s: 0.0,
            at_scans_of: vec!["S0".into()],
        },
        primary_group: Some("T".into()),
        sensors: BTreeMap::from([("S0".into(), SensorConfig::Generic(sensor))]),
        groups: BTreeMap::from([("T".into(), GroupConfig::Cruise(targets))]),
        zones: BTreeMap::new(),
    }
}

/// The site's 3-D drone radar: 5 km, 1 Hz, Pd 0.9 on a 0.01 m² drone at 3 km (Swerling I).
pub fn site_radar() -> RadarConfig {
    RadarConfig {
        position_m: [0.0, 0.0, 12.0],
        period_s: 1.0,
        offset_s: 0.0,
        min_range_m: 50.0,
        max_range_m: 5000.0,
        el_min_deg: -2.0,
        el_max_deg: 60.0,
        sigma_range_m: 5.0,
        sigma_az_deg: 0.5,
        sigma_el_deg: 1.0,
        sigma_vr_mps: 0.3,
        pd: 0.9,
        pd_model: PdModel::Swerling1,
        pd_ref_range_m: 3000.0,
        pd_ref_rcs_m2: 0.01,
        pfa: 1e-6,
        clutter_rate: 20.0,
        clutter_sigma_vr_mps: 1.0,
        range_resolution_m: 15.0,
        az_resolution_deg: 1.5,
    }
}

/// The key site's sensors: radar, RF direction finder, Remote ID and ADS-B receivers and a
/// panoramic EO/IR camera, all at the site's centre.
pub fn site_sensors() -> BTreeMap<String, SensorConfig> {
    let rf = RfConfig {
        position_m: [0.0, 0.0, 8.0],
        period_s: 1.0,
        offset_s: 0.25,
        max_range_m: 4000.0,
        pd: 0.8,
        sigma_az_deg: 3.0,
        clutter_rate: 0.2,
    };
    // Wi-Fi beacon Remote ID carries several kilometres to a good receiver.
    let rid = ReceiverConfig {
        position_m: [0.0, 0.0, 6.0],
        max_range_m: 5000.0,
        p_receive: 0.95,
        sigma_m: 3.0,
    };
    let adsb = ReceiverConfig {
        position_m: [0.0, 0.0, 6.0],
        max_range_m: 100_000.0,
        p_receive: 0.98,
        sigma_m: 10.0,
    };
    let camera = CameraConfig {
        position_m: [0.0, 0.0, 15.0],
        period_s: 1.0,
        offset_s: 0.5,
        az_center_deg: 0.0,
        fov_h_deg: 360.0,
        el_min_deg: -5.0,
        el_max_deg: 60.0,
        range_per_span_m: 5000.0,
        pd: 0.9,
        sigma_az_deg: 0.05,
        sigma_el_deg: 0.05,
        accuracy: 0.9,
    };
    BTreeMap::from([
        ("radar-1".into(), SensorConfig::Radar(site_radar())),
        ("rf-1".into(), SensorConfig::Rf(rf)),
        ("rid-1".into(), SensorConfig::Remoteid(rid)),
        ("adsb-1".into(), SensorConfig::Adsb(adsb)),
        ("cam-1".into(), SensorConfig::Camera(camera)),
    ])
}

/// The key site's zones: two protected assets, the perimeter, a warning ring and the
/// aircraft approach corridor 3 km north.
pub fn site_zones() -> BTreeMap<String, ZoneConfig> {
    let zone = |kind: &str,
                polygon: Option<Vec<[f64; 2]>>,
                circle: Option<[f64; 3]>,
                ceiling_m: f64| ZoneConfig {
        kind: kind.into(),
        polygon,
        circle,
        floor_m: 0.0,
        ceiling_m,
    };
    let building = vec![
        [-150.0, -100.0],
        [150.0, -100.0],
        [150.0, 100.0],
        [-150.0, 100.0],
    ];
    let corridor = vec![
        [-16_000.0, 2400.0],
        [16_000.0, 2400.0],
        [16_000.0, 3600.0],
        [-16_000.0, 3600.0],
    ];
    BTreeMap::from([
        ("Z1".into(), zone("protected", Some(building), None, 300.0)),
        (
            "Z2".into(),
            zone("protected", None, Some([600.0, -450.0, 120.0]), 300.0),
        ),
        (
            "Z3".into(),
            zone("perimeter", None, Some([0.0, 0.0, 1000.0]), 500.0),
        ),
        (
            "Z4".into(),
            zone("warning", None, Some([0.0, 0.0, 2500.0]), 1000.0),
        ),
        ("Z5".into(), zone("corridor", Some(corridor), None, 2000.0)),
    ])
}

/// A group of small drones with the site's defaults.
pub fn drones(count: usize, role: RoleConfig, mission: Mission) -> DroneGroup {
    DroneGroup {
        count,
        role,
        mission,
        center_m: [0.0; 3],
        range_m: [1800.0, 3500.0],
        spawn_s: [0.0, 400.0],
        alt_m: [30.0, 150.0],
        speed_mps: [8.0, 22.0],
        destinations_m: vec![[0.0, 0.0, 60.0], [600.0, -450.0, 50.0]],
        rcs_m2: [0.005, 0.05],
        span_m: 0.4,
        emitting_fraction: 0.7,
        remote_id: false,
        rid_period_s: 1.0,
        spoofed_fraction: 0.0,
        spoof_offset_m: [300.0, 1500.0],
        authorized_zones: Vec::new(),
        clone_serials_of: None,
    }
}

fn site_birds(flocks: usize, singles: usize) -> BirdGroup {
    BirdGroup {
        flocks,
        flock_size: [5, 20],
        singles,
        center_m: [0.0; 3],
        radius_m: 3000.0,
        alt_m: [20.0, 200.0],
        speed_mps: [7.0, 14.0],
        split_mean_s: 120.0,
        rcs_m2: [0.001, 0.02],
        span_m: 0.5,
    }
}

fn corridor_aircraft(count: usize) -> AircraftGroup {
    AircraftGroup {
        count,
        spawn_s: [0.0, 500.0],
        path_m: [[-15_000.0, 3000.0], [15_000.0, 3000.0]],
        lateral_m: 300.0,
        alt_m: [600.0, 1000.0],
        climb_mps: [-1.5, -0.5],
        speed_mps: [65.0, 85.0],
        rcs_m2: [5.0, 20.0],
        span_m: 30.0,
        adsb_period_s: 0.5,
        authorized_zones: vec!["Z5".into()],
    }
}

/// Airliners crossing high overhead: ADS-B only, above every zone and the radar's reach.
fn overflights(count: usize) -> AircraftGroup {
    AircraftGroup {
        count,
        spawn_s: [0.0, 400.0],
        path_m: [[-20_000.0, -20_000.0], [20_000.0, 20_000.0]],
        lateral_m: 5000.0,
        alt_m: [8000.0, 11_000.0],
        climb_mps: [0.0, 0.0],
        speed_mps: [200.0, 250.0],
        rcs_m2: [20.0, 100.0],
        span_m: 40.0,
        adsb_period_s: 0.5,
        authorized_zones: Vec::new(),
    }
}

fn site(
    note: &str,
    duration_s: f64,
    primary: &str,
    groups: BTreeMap<String, GroupConfig>,
) -> SimConfig {
    SimConfig {
        duration_s,
        tick_s: 0.1,
        origin: Some(OriginConfig {
            lat: 36.19,
            lon: 44.01,
            alt_m: 420.0,
        }),
        note: Some(note.into()),
        write_sensors: true,
        truth: TruthConfig {
            period_s: 1.0,
            offset_s: 0.0,
            at_scans_of: Vec::new(),
        },
        primary_group: Some(primary.into()),
        sensors: site_sensors(),
        groups,
        zones: site_zones(),
    }
}

/// Cooperative site drones with Remote ID, whitelisted inside the perimeter, circling
/// between the two assets without entering them.
fn cooperative(count: usize) -> DroneGroup {
    DroneGroup {
        range_m: [350.0, 500.0],
        spawn_s: [0.0, 60.0],
        alt_m: [40.0, 100.0],
        speed_mps: [5.0, 10.0],
        emitting_fraction: 1.0,
        remote_id: true,
        authorized_zones: vec!["Z3".into()],
        ..drones(count, RoleConfig::Authorized, Mission::Orbit)
    }
}

/// Hobby drones with Remote ID loitering 4 km south-east, outside every zone but the
/// warning ring's edge.
fn hobby(count: usize) -> DroneGroup {
    DroneGroup {
        center_m: [3000.0, -2500.0, 0.0],
        range_m: [100.0, 400.0],
        spawn_s: [0.0, 200.0],
        alt_m: [30.0, 110.0],
        speed_mps: [3.0, 10.0],
        emitting_fraction: 1.0,
        remote_id: true,
        ..drones(count, RoleConfig::Neutral, Mission::Loiter)
    }
}

/// A key site: hostile drones coming in from 1.8–3.5 km (well over 30 s out) to the two
/// protected assets, hostile drones circling outside the perimeter, fast crossings, hobby
/// drones loitering and filming far off, whitelisted cooperative drones, birds, aircraft in
/// the corridor and airliners high overhead.
pub fn site_defense() -> SimConfig {
    let recon = DroneGroup {
        range_m: [1200.0, 2000.0],
        spawn_s: [0.0, 300.0],
        alt_m: [60.0, 150.0],
        speed_mps: [6.0, 14.0],
        ..drones(3, RoleConfig::Hostile, Mission::Orbit)
    };
    // Fast straight crossings from 2.5-3.5 km out, passing within about a kilometre of the
    // centre.
    let dash = DroneGroup {
        range_m: [2500.0, 3500.0],
        speed_mps: [20.0, 30.0],
        ..drones(2, RoleConfig::Hostile, Mission::Dash)
    };
    // Hobby drones filming 3 km north-west: hovering, climbing, descending.
    let filming = DroneGroup {
        center_m: [-2500.0, 1500.0, 0.0],
        range_m: [0.0, 300.0],
        alt_m: [20.0, 120.0],
        ..hobby(2)
    };
    let groups = BTreeMap::from([
        (
            "hostile".into(),
            GroupConfig::Drones(drones(8, RoleConfig::Hostile, Mission::Approach)),
        ),
        ("recon".into(), GroupConfig::Drones(recon)),
        ("dash".into(), GroupConfig::Drones(dash)),
        (
            "filming".into(),
            GroupConfig::Drones(DroneGroup {
                mission: Mission::Hover,
                ..filming
            }),
        ),
        ("hobby".into(), GroupConfig::Drones(hobby(3))),
        ("coop".into(), GroupConfig::Drones(cooperative(3))),
        ("birds".into(), GroupConfig::Birds(site_birds(4, 6))),
        (
            "aircraft".into(),
            GroupConfig::Aircraft(corridor_aircraft(3)),
        ),
        ("airliners".into(), GroupConfig::Aircraft(overflights(2))),
    ]);
    site(
        "site-defense: inbound hostile drones, recon orbits, dashes, hobby and cooperative drones, birds, aircraft",
        600.0,
        "hostile",
        groups,
    )
}

/// Forty drones flying in 8 m apart, splitting toward three destinations.
pub fn swarm() -> SimConfig {
    let swarm = SwarmGroup {
        count: 40,
        role: RoleConfig::Hostile,
        range_m: [2500.0, 3500.0],
        spawn_s: [0.0, 10.0],
        alt_m: [50.0, 100.0],
        speed_mps: [10.0, 15.0],
        spacing_m: 8.0,
        destinations_m: vec![
            [0.0, 0.0, 60.0],
            [600.0, -450.0, 50.0],
            [-500.0, 400.0, 60.0],
        ],
        split_after_s: [60.0, 120.0],
        rcs_m2: [0.005, 0.02],
        span_m: 0.4,
        emitting_fraction: 0.5,
    };
    let groups = BTreeMap::from([("swarm".into(), GroupConfig::Swarm(swarm))]);
    site(
        "swarm: forty drones close together, splitting toward three assets",
        300.0,
        "swarm",
        groups,
    )
}

/// Bird-heavy airspace with corridor traffic and no drones: every alert is a false alert.
pub fn birds() -> SimConfig {
    let mut flocks = site_birds(12, 20);
    flocks.flock_size = [5, 30];
    flocks.radius_m = 4000.0;
    let groups = BTreeMap::from([
        ("birds".into(), GroupConfig::Birds(flocks)),
        (
            "aircraft".into(),
            GroupConfig::Aircraft(corridor_aircraft(3)),
        ),
        ("airliners".into(), GroupConfig::Aircraft(overflights(2))),
    ]);
    site(
        "birds: flocks and single birds, corridor aircraft, no drones",
        600.0,
        "birds",
        groups,
    )
}

/// Site defense with forged Remote ID: hostile drones broadcasting positions 300–1500 m
/// from where they are, and hostile drones broadcasting a cooperative drone's serial, next to
/// honest hobby and cooperative broadcasters.
pub fn spoofing() -> SimConfig {
    let spoofers = DroneGroup {
        emitting_fraction: 1.0,
        remote_id: true,
        spoofed_fraction: 1.0,
        ..drones(6, RoleConfig::Hostile, Mission::Approach)
    };
    // Hostile drones broadcasting a cooperative drone's serial from their true position.
    let cloners = DroneGroup {
        emitting_fraction: 1.0,
        remote_id: true,
        clone_serials_of: Some("coop".into()),
        ..drones(2, RoleConfig::Hostile, Mission::Approach)
    };
    let groups = BTreeMap::from([
        ("spoofers".into(), GroupConfig::Drones(spoofers)),
        ("cloners".into(), GroupConfig::Drones(cloners)),
        (
            "hostile".into(),
            GroupConfig::Drones(drones(3, RoleConfig::Hostile, Mission::Approach)),
        ),
        ("hobby".into(), GroupConfig::Drones(hobby(4))),
        ("coop".into(), GroupConfig::Drones(cooperative(3))),
        ("birds".into(), GroupConfig::Birds(site_birds(2, 4))),
        (
            "aircraft".into(),
            GroupConfig::Aircraft(corridor_aircraft(2)),
        ),
    ]);
    site(
        "spoofing: forged Remote ID positions and cloned serials among honest broadcasters",
        600.0,
        "spoofers",
        groups,
    )
}
