//! Unit tests of the spoofing checks (`spoof.rs`).

use super::*;
use picket_core::{ClassProbs, SensorId};

struct Tracks(Vec<Track>);
impl TrackView for Tracks {
    fn bound_to(&self, identity: &Identity) -> impl Iterator<Item = &Track> {
        self.0
            .iter()
            .filter(move |t| t.identity.as_ref() == Some(identity))
    }
    fn all(&self) -> impl Iterator<Item = &Track> {
        self.0.iter()
    }
}

fn t(s: f64) -> Timestamp {
    Timestamp::from_secs(s).unwrap()
}

fn rid() -> Identity {
    Identity::RemoteId("SN1".into())
}

fn broadcast(time: f64, x: f64) -> Broadcast {
    let v = 9.0;
    Broadcast {
        identity: rid(),
        time: t(time),
        position: Enu::new(x, 0.0, 50.0),
        cov_m2: [[v, 0.0, 0.0], [0.0, v, 0.0], [0.0, 0.0, v]],
    }
}

/// A radar (sensor 0) track at `x` bound to [`rid`].
fn radar_track(x: f64) -> Track {
    Track {
        class: ClassProbs::default(),
        identity: Some(rid()),
        update_count: 5,
        ..crate::testing::track(7, 0.0, [x, 0.0, 50.0], [0.0; 3])
    }
}

fn radar() -> Sensing<'static> {
    let mut s = SensorSet::default();
    s.insert(SensorId(0));
    Sensing {
        noncoop: s,
        ranging: s,
        coverage: &[],
    }
}

#[test]
fn offset_broadcast_is_flagged_after_two_strikes_and_cleared_later() {
    let mut m = SpoofMonitor::default();
    let p = SpoofParams::default();
    let tracks = Tracks(vec![radar_track(0.0)]);
    m.observe(&[broadcast(0.0, 300.0)], &tracks, &p, &radar());
    assert!(!m.is_flagged(&rid()), "one strike");
    m.observe(&[broadcast(0.0, 300.0)], &tracks, &p, &radar());
    assert!(m.is_flagged(&rid()));
    assert!(
        m.state(&rid())
            .unwrap()
            .reason
            .contains("300 m from track K7")
    );
    for _ in 0..p.clean_to_clear {
        m.observe(&[broadcast(0.0, 2.0)], &tracks, &p, &radar());
    }
    assert!(!m.is_flagged(&rid()));
}

#[test]
fn honest_broadcast_and_cooperative_only_track_are_not_flagged() {
    let mut m = SpoofMonitor::default();
    let p = SpoofParams::default();
    let tracks = Tracks(vec![radar_track(0.0)]);
    for k in 0..20 {
        m.observe(&[broadcast(f64::from(k) * 0.0, 4.0)], &tracks, &p, &radar());
    }
    assert!(!m.is_flagged(&rid()));
    // No non-cooperative sensor behind the track: nothing to contradict the broadcast.
    let mut m = SpoofMonitor::default();
    for _ in 0..5 {
        m.observe(&[broadcast(0.0, 300.0)], &tracks, &p, &Sensing::default());
    }
    assert!(!m.is_flagged(&rid()));
}

#[test]
fn two_tracks_on_one_object_are_not_two_places() {
    let p = SpoofParams::default();
    let mut duplicate = radar_track(40.0);
    duplicate.id = TrackId(8);
    let mut cov = duplicate.cov;
    for (i, row) in cov.iter_mut().enumerate().take(3) {
        row[i] = 1.0; // tight: 40 m is far outside the χ² gate
    }
    duplicate.cov = cov;
    let mut near = radar_track(0.0);
    near.cov = cov;
    let tracks = Tracks(vec![near.clone(), duplicate]);
    let mut m = SpoofMonitor::default();
    m.observe(&[broadcast(0.0, 20.0)], &tracks, &p, &Sensing::default());
    assert!(
        !m.is_flagged(&rid()),
        "40 m apart is one object tracked twice"
    );
    let mut far = radar_track(600.0);
    far.id = TrackId(9);
    let tracks = Tracks(vec![near, far]);
    m.observe(&[broadcast(0.0, 0.0)], &tracks, &p, &Sensing::default());
    assert!(m.state(&rid()).unwrap().reason.contains("600 m apart"));
}

#[test]
fn jump_and_two_places_flag_at_once() {
    let p = SpoofParams::default();
    let none = Tracks(vec![]);
    let mut m = SpoofMonitor::default();
    m.observe(&[broadcast(0.0, 0.0)], &none, &p, &radar());
    m.observe(&[broadcast(1.0, 900.0)], &none, &p, &radar());
    assert!(m.is_flagged(&rid()));
    assert!(m.state(&rid()).unwrap().reason.contains("jumped 900 m"));
    let mut m = SpoofMonitor::default();
    m.observe(
        &[broadcast(5.0, 0.0), broadcast(5.0, 1500.0)],
        &none,
        &p,
        &radar(),
    );
    assert!(m.state(&rid()).unwrap().reason.contains("two places"));
    // A plausible move is no jump.
    let mut m = SpoofMonitor::default();
    m.observe(&[broadcast(0.0, 0.0)], &none, &p, &radar());
    m.observe(&[broadcast(1.0, 40.0)], &none, &p, &radar());
    assert!(!m.is_flagged(&rid()));
}

#[test]
fn unconfirmed_broadcast_inside_coverage() {
    let p = SpoofParams {
        verify_range_m: 2000.0,
        verify_strikes: 3,
        ..SpoofParams::default()
    };
    let mut m = SpoofMonitor::default();
    let far_track = Tracks(vec![radar_track(1000.0)]);
    let mut other = far_track.0[0].clone();
    other.identity = None;
    let tracks = Tracks(vec![other]);
    m.observe(&[broadcast(0.0, 0.0)], &tracks, &p, &radar());
    m.observe(&[broadcast(0.0, 0.0)], &tracks, &p, &radar());
    assert!(
        !m.is_flagged(&rid()),
        "a radar may miss a drone for a moment"
    );
    m.observe(&[broadcast(0.0, 0.0)], &tracks, &p, &radar());
    assert!(m.is_flagged(&rid()));
    assert!(
        m.state(&rid())
            .unwrap()
            .reason
            .contains("no radar track confirms")
    );
    m.forget_older_than(t(100.0), 60.0);
    assert!(m.state(&rid()).is_none());
}

fn rf_only_track(x: f64) -> Track {
    let mut t = radar_track(x);
    t.sensors = SensorSet::default();
    t.sensors.insert(SensorId(1)); // a bearing-only sensor
    t
}

fn covered() -> Sensing<'static> {
    const COVER: [Coverage; 1] = [Coverage {
        position: Enu {
            x: 0.0,
            y: 0.0,
            z: 10.0,
        },
        range_m: 5000.0,
        sector: None,
    }];
    let mut noncoop = SensorSet::default();
    noncoop.insert(SensorId(0));
    noncoop.insert(SensorId(1));
    let mut ranging = SensorSet::default();
    ranging.insert(SensorId(0));
    Sensing {
        noncoop,
        ranging,
        coverage: &COVER,
    }
}

#[test]
fn honest_broadcaster_missed_by_radar_for_a_few_scans_is_not_flagged() {
    let p = SpoofParams::default();
    let mut m = SpoofMonitor::default();
    let seen = Tracks(vec![radar_track(0.0)]);
    let lost = Tracks(vec![]);
    // A small drone the radar sees only half of the time, in runs of up to six misses.
    for k in 0..200 {
        let tracks = if (k / 6) % 2 == 0 { &lost } else { &seen };
        m.observe(&[broadcast(f64::from(k), 0.0)], tracks, &p, &covered());
        assert!(!m.is_flagged(&rid()), "flagged at broadcast {k}");
    }
}

#[test]
fn broadcaster_in_coverage_without_radar_support_is_flagged_and_bearings_do_not_help() {
    let p = SpoofParams::default();
    let mut m = SpoofMonitor::default();
    // The forged position's own track carries RF bearings, no radar.
    let tracks = Tracks(vec![rf_only_track(2000.0)]);
    let mut flagged_at = None;
    for k in 0..30 {
        let b = broadcast(f64::from(k) * 0.0, 2000.0);
        m.observe(&[b], &tracks, &p, &covered());
        if m.is_flagged(&rid()) && flagged_at.is_none() {
            flagged_at = Some(k + 1);
        }
    }
    assert_eq!(flagged_at, Some(p.verify_strikes));
    assert!(
        m.state(&rid())
            .unwrap()
            .reason
            .contains("no radar track confirms")
    );
    // Outside coverage there is no evidence either way.
    let mut m = SpoofMonitor::default();
    for _ in 0..30 {
        m.observe(&[broadcast(0.0, 6000.0)], &Tracks(vec![]), &p, &covered());
    }
    assert!(!m.is_flagged(&rid()));
    assert_eq!(m.state(&rid()).unwrap().unconfirmed_llr, 0.0);
}
