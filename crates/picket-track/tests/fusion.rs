//! Multi-sensor fusion: sensors at different rates and coverages sharing tracks, bearing
//! updates, tracks started from crossing bearings, identity-first binding, classification
//! cues. Deterministic (seeded noise); a failure names its seed.

mod common;

use common::Rng;
use picket_core::{
    Class, Enu, Geodetic, Identity, Measurement, Report, SensorId, SensorKind, Site, Timestamp,
};
use picket_track::TrackerConfig;

fn at(t: f64) -> Timestamp {
    Timestamp::from_secs(t).unwrap()
}

fn polar(sensor: Enu, target: Enu, rng: &mut Rng) -> Measurement {
    let (range_m, az_rad, el_rad) = picket_core::enu_to_polar(&sensor, &target);
    let (sr, sa, se) = (5.0, 0.5f64.to_radians(), 1.0f64.to_radians());
    Measurement::Polar {
        range_m: range_m + sr * rng.normal(),
        az_rad: (az_rad + sa * rng.normal()).rem_euclid(std::f64::consts::TAU),
        el_rad: el_rad + se * rng.normal(),
        sigma_range_m: sr,
        sigma_az_rad: sa,
        sigma_el_rad: se,
    }
}

fn bearing(sensor: Enu, target: Enu, sigma_deg: f64, el: bool, rng: &mut Rng) -> Measurement {
    let (_, az_rad, el_rad) = picket_core::enu_to_polar(&sensor, &target);
    let s = sigma_deg.to_radians();
    Measurement::Bearing {
        az_rad: (az_rad + s * rng.normal()).rem_euclid(std::f64::consts::TAU),
        sigma_az_rad: s,
        el: el.then(|| (el_rad + s * rng.normal(), s)),
    }
}

/// A site with a radar, a camera, an RF finder and a Remote ID receiver at its centre, and a
/// second RF finder 1.5 km east.
fn site() -> (Site, [SensorId; 5]) {
    let mut site = Site::new("fusion", Geodetic::new(51.0, 0.0, 0.0));
    let radar = site.add_sensor("radar", SensorKind::Radar, Enu::new(0.0, 0.0, 10.0));
    let camera = site.add_sensor("cam", SensorKind::Camera, Enu::new(0.0, 0.0, 15.0));
    let rf = site.add_sensor("rf", SensorKind::Rf, Enu::new(0.0, 0.0, 8.0));
    let rid = site.add_sensor("rid", SensorKind::RemoteId, Enu::new(0.0, 0.0, 5.0));
    let rf2 = site.add_sensor("rf2", SensorKind::Rf, Enu::new(1500.0, 0.0, 8.0));
    (site, [radar, camera, rf, rid, rf2])
}

fn drone_at(t: f64) -> Enu {
    Enu::new(-800.0 + 10.0 * t, 1200.0, 80.0)
}

#[test]
fn sensors_at_other_rates_do_not_wear_a_track_down() {
    for seed in 1..=5 {
        let (site, [radar, camera, _, rid, _]) = site();
        let mut tracker = TrackerConfig::default().build(&site);
        let mut rng = Rng::new(seed);
        let serial = Identity::RemoteId("1596F0000TEST".into());
        for k in 0..60 {
            let t = f64::from(k);
            let p = drone_at(t);
            let radar_report =
                Report::new(radar, at(t), polar(site.sensors()[0].position, p, &mut rng));
            tracker.step(at(t), &[radar_report]);
            // Remote ID four times a second: never a miss for anything else.
            for q in 1..4 {
                let tq = t + 0.25 * f64::from(q);
                let mut r = Report::new(rid, at(tq), Measurement::cartesian(drone_at(tq), 3.0));
                r.identity = Some(serial.clone());
                tracker.step(at(tq), &[r]);
            }
            // A camera that never sees this drone scans in between: no misses either.
            tracker.scan(at(t + 0.5), camera, &[]);
        }
        let tracks: Vec<_> = tracker
            .tracks()
            .filter(|t| t.status.is_confirmed())
            .collect();
        assert_eq!(
            tracks.len(),
            1,
            "seed {seed}: one confirmed track, got {}",
            tracks.len()
        );
        let track = &tracks[0];
        assert_eq!(track.identity.as_ref(), Some(&serial), "seed {seed}");
        assert!(
            track.sensors.contains(radar) && track.sensors.contains(rid),
            "seed {seed}"
        );
        assert_eq!(track.class.best().0, Class::Drone, "seed {seed}");
        let c = tracker.counters();
        assert_eq!(c.tracks_started, 1, "seed {seed}: {c:?}");
        assert!(c.identity_bindings >= 170, "seed {seed}: {c:?}");
        tracker.check_invariants().unwrap();
    }
}

#[test]
fn a_radar_that_stops_seeing_a_track_lets_it_go_and_a_scan_counts_when_empty() {
    let (site, [radar, ..]) = site();
    let mut tracker = TrackerConfig::default().build(&site);
    let mut rng = Rng::new(7);
    for k in 0..10 {
        let t = f64::from(k);
        let r = Report::new(
            radar,
            at(t),
            polar(site.sensors()[0].position, drone_at(t), &mut rng),
        );
        tracker.step(at(t), &[r]);
    }
    assert_eq!(tracker.len(), 1);
    for k in 10..20 {
        tracker.scan(at(f64::from(k)), radar, &[]);
    }
    assert_eq!(tracker.len(), 0, "five empty scans end a confirmed track");
}

#[test]
fn camera_bearings_sharpen_a_radar_track() {
    let mut errors = [0.0; 2];
    for seed in 1..=5 {
        for (with_camera, error) in [false, true].into_iter().zip(errors.iter_mut()) {
            let (site, [radar, camera, ..]) = site();
            let mut tracker = TrackerConfig::default().build(&site);
            let mut rng = Rng::new(seed);
            let mut sum = 0.0;
            for k in 0..60 {
                let t = f64::from(k);
                let radar_p = site.sensors()[0].position;
                tracker.step(
                    at(t),
                    &[Report::new(
                        radar,
                        at(t),
                        polar(radar_p, drone_at(t), &mut rng),
                    )],
                );
                let tc = t + 0.5;
                let seen = bearing(
                    site.sensors()[1].position,
                    drone_at(tc),
                    0.05,
                    true,
                    &mut rng,
                );
                if with_camera {
                    let rejected = tracker.step(at(tc), &[Report::new(camera, at(tc), seen)]);
                    assert!(
                        rejected.is_empty(),
                        "seed {seed}: bearings are not rejected"
                    );
                }
                if k >= 20 {
                    let track = tracker.tracks().next().expect("a track");
                    let truth = drone_at(tracker.time().unwrap().as_secs());
                    sum += track.position.distance_m(&truth);
                }
            }
            *error += sum / 40.0 / 5.0;
            if with_camera {
                let track = tracker.tracks().next().unwrap();
                assert!(track.sensors.contains(camera), "seed {seed}");
            }
        }
    }
    // 0.5° of radar azimuth at 1.4 km is 12 m across; the camera's 0.05° is 1.2 m.
    assert!(
        errors[1] < 0.7 * errors[0],
        "mean position error with camera {:.2} m, radar only {:.2} m",
        errors[1],
        errors[0]
    );
}

#[test]
fn crossing_bearings_of_two_finders_start_and_keep_a_track() {
    for seed in 1..=5 {
        let (site, [_, _, rf, _, rf2]) = site();
        let mut tracker = TrackerConfig::default().build(&site);
        let mut rng = Rng::new(seed);
        for k in 0..40 {
            let t = f64::from(k);
            let p = drone_at(t);
            let a = bearing(site.sensors()[2].position, p, 1.0, false, &mut rng);
            tracker.step(at(t), &[Report::new(rf, at(t), a)]);
            let b = bearing(
                site.sensors()[4].position,
                drone_at(t + 0.2),
                1.0,
                false,
                &mut rng,
            );
            tracker.step(at(t + 0.2), &[Report::new(rf2, at(t + 0.2), b)]);
        }
        let c = tracker.counters();
        assert!(c.tracks_triangulated >= 1, "seed {seed}: {c:?}");
        let confirmed: Vec<_> = tracker
            .tracks()
            .filter(|t| t.status.is_confirmed())
            .collect();
        assert_eq!(confirmed.len(), 1, "seed {seed}: {c:?}");
        let truth = drone_at(tracker.time().unwrap().as_secs());
        let p = confirmed[0].position;
        // Height is a guess without elevation; across the ground the crossing holds.
        let ground_m = (p.x - truth.x).hypot(p.y - truth.y);
        assert!(ground_m < 60.0, "seed {seed}: {ground_m:.1} m off");
        assert_eq!(
            confirmed[0].class.best().0,
            Class::Drone,
            "seed {seed}: RF hears drones"
        );
    }
}

#[test]
fn a_lone_bearing_never_starts_or_confirms_a_track() {
    let (site, [radar, camera, rf, ..]) = site();
    let mut tracker = TrackerConfig::default().build(&site);
    let mut rng = Rng::new(3);
    // A single clutter plot from the radar, then bearings along the same line of sight.
    let clutter = Enu::new(0.0, 3000.0, 2000.0);
    tracker.step(
        at(0.0),
        &[Report::new(
            radar,
            at(0.0),
            polar(site.sensors()[0].position, clutter, &mut rng),
        )],
    );
    for k in 1..30 {
        let t = f64::from(k);
        let m = bearing(site.sensors()[2].position, clutter, 3.0, false, &mut rng);
        tracker.step(at(t), &[Report::new(rf, at(t), m)]);
        let m = bearing(site.sensors()[1].position, clutter, 0.05, true, &mut rng);
        tracker.step(at(t + 0.5), &[Report::new(camera, at(t + 0.5), m)]);
    }
    assert_eq!(
        tracker.tracks().filter(|t| t.status.is_confirmed()).count(),
        0
    );
    assert_eq!(
        tracker.counters().tracks_triangulated,
        0,
        "co-located sensors cannot triangulate"
    );
}

#[test]
fn identity_first_keeps_two_crossing_drones_apart_and_a_forged_position_off_the_track() {
    let (site, [_, _, _, rid, _]) = site();
    let mut tracker = TrackerConfig::default().build(&site);
    let a = Identity::RemoteId("AAAA".into());
    let b = Identity::RemoteId("BBBB".into());
    // Two drones crossing 3 m apart at t = 20 s, each reporting itself.
    let pa = |t: f64| Enu::new(-200.0 + 10.0 * t, 500.0, 60.0);
    let pb = |t: f64| Enu::new(200.0 - 10.0 * t, 503.0, 60.0);
    let mut rng = Rng::new(11);
    for k in 0..40 {
        let t = f64::from(k);
        for (id, p) in [(&a, pa(t)), (&b, pb(t))] {
            let noisy = Enu::new(
                p.x + 3.0 * rng.normal(),
                p.y + 3.0 * rng.normal(),
                p.z + 3.0 * rng.normal(),
            );
            let mut r = Report::new(rid, at(t), Measurement::cartesian(noisy, 3.0));
            r.identity = Some(id.clone());
            tracker.step(at(t), &[r]);
        }
    }
    let tracks: Vec<_> = tracker.tracks().collect();
    assert_eq!(tracks.len(), 2);
    for track in &tracks {
        let truth = if track.identity.as_ref() == Some(&a) {
            pa(39.0)
        } else {
            pb(39.0)
        };
        assert!(
            track.position.distance_m(&truth) < 15.0,
            "{:?} swapped",
            track.identity
        );
    }
    // A broadcast of A from 2 km away does not drag A's track: it starts its own track, which
    // takes the serial (one live track per identity; the guard sees the serial jump 2 km).
    let before: Vec<_> = tracker.tracks().collect();
    let mut forged = Report::new(
        rid,
        at(40.0),
        Measurement::cartesian(Enu::new(0.0, 2500.0, 60.0), 3.0),
    );
    forged.identity = Some(a.clone());
    tracker.step(at(40.0), &[forged]);
    let bound: Vec<_> = tracker
        .tracks()
        .filter(|t| t.identity.as_ref() == Some(&a))
        .collect();
    assert_eq!(bound.len(), 1, "one live track per identity");
    assert!(bound[0].position.distance_m(&Enu::new(0.0, 2500.0, 60.0)) < 10.0);
    let old = before
        .iter()
        .find(|t| t.identity.as_ref() == Some(&a))
        .unwrap();
    let now = tracker
        .tracks()
        .find(|t| t.id == old.id)
        .expect("still tracked");
    assert!(
        now.identity.is_none(),
        "the serial moved to the forged track"
    );
    assert!(now.position.distance_m(&pa(40.0)) < 20.0, "not dragged");
    assert!(
        tracker.counters().identity_transfers >= 1,
        "{:?}",
        tracker.counters()
    );
}

#[test]
fn an_erratic_slow_flyer_is_a_bird_and_a_steady_one_a_drone() {
    let (site, [radar, ..]) = site();
    let mut tracker = TrackerConfig::default().build(&site);
    let mut rng = Rng::new(5);
    let (mut bird, mut heading, mut turn) = (Enu::new(1000.0, 1000.0, 120.0), 0.0f64, 0.0f64);
    for k in 0..120 {
        let t = f64::from(k);
        // A wandering bird: the turn rate drifts (about 12°/s spread), the speed about 10 m/s.
        turn = 0.75 * turn + 0.13 * rng.normal();
        heading += turn;
        let speed = 10.0 + 2.5 * rng.normal();
        bird = Enu::new(
            bird.x + speed * heading.cos(),
            bird.y + speed * heading.sin(),
            bird.z,
        );
        let drone = Enu::new(-1500.0 + 12.0 * t, -800.0, 90.0);
        let p = site.sensors()[0].position;
        let reports = [
            Report::new(radar, at(t), polar(p, bird, &mut rng)),
            Report::new(radar, at(t), polar(p, drone, &mut rng)),
        ];
        tracker.step(at(t), &reports);
    }
    let tracks: Vec<_> = tracker
        .tracks()
        .filter(|t| t.status.is_confirmed())
        .collect();
    let near = |p: Enu| {
        tracks
            .iter()
            .find(|t| t.position.distance_m(&p) < 60.0)
            .expect("tracked")
    };
    assert_eq!(
        near(bird).class.best().0,
        Class::Bird,
        "{:?}",
        near(bird).class
    );
    let drone = Enu::new(-1500.0 + 12.0 * 119.0, -800.0, 90.0);
    assert_eq!(
        near(drone).class.best().0,
        Class::Drone,
        "{:?}",
        near(drone).class
    );
}
