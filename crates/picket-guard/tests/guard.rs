//! The guard as a whole: reloads, the threat picture, offline runs from scenario files,
//! determinism and life-cycle invariants over a seeded random site.

use picket_core::{
    AlertEvent, AlertState, Geodetic, Identity, Site, Timestamp, Track, TrackId, TrackStatus,
};
use picket_guard::{Guard, GuardConfig, OfflineStep, alert_records, run_offline, testing};
use picket_scenario::Scenario;
use proptest::prelude::*;
use std::collections::HashMap;

const CONFIG: &str = r#"
[[zone]]
id = "hq"
kind = "protected"
circle = { x = 0.0, y = 0.0, r_m = 200.0 }
ceiling_m = 150.0

[[zone]]
id = "fence"
kind = "perimeter"
polygon = [[-1500.0, -1500.0], [1500.0, -1500.0], [1500.0, 1500.0], [-1500.0, 1500.0]]
ceiling_m = 400.0
"#;

fn t(s: f64) -> Timestamp {
    Timestamp::from_secs(s).unwrap()
}

fn site() -> Site {
    Site::new("test", Geodetic::new(51.47, -0.45, 25.0))
}

fn guard() -> Guard {
    Guard::new(&GuardConfig::load(CONFIG, "site.toml").unwrap(), &site()).unwrap()
}

#[test]
fn bad_reload_keeps_the_last_good_configuration() {
    let mut g = guard();
    // Entry into hq raises after the protected rules' 3 s dwell.
    let mut events = Vec::new();
    for k in 0..=3 {
        let now = f64::from(k);
        events = g.step(
            t(now),
            &[testing::track(1, now, [0.0, 0.0, 50.0], [0.0; 3])],
            &[],
        );
    }
    assert!(events.iter().any(|e| e.zone.as_deref() == Some("hq")));
    // The perimeter's early-warning entry raises after its 10 s dwell.
    for k in 4..=10 {
        let now = f64::from(k);
        g.step(
            t(now),
            &[testing::track(1, now, [0.0, 0.0, 50.0], [0.0; 3])],
            &[],
        );
    }
    let before = g.compiled().clone();
    let open_before = g.open_alerts().count();

    let bad = CONFIG.replace("r_m = 200.0", "r_m = -5.0");
    let err = GuardConfig::load(&bad, "site.toml").unwrap_err();
    assert!(
        err.to_string()
            .contains("zone[0] \"hq\": circle radius must be positive")
    );
    // Even a configuration that parses but does not compile for the site is refused whole.
    let mut unchecked = GuardConfig::parse(&bad, "site.toml").unwrap();
    unchecked.file = "reload.toml".into();
    let err = g.reload(&unchecked, t(11.0)).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "configuration refused, the last good one stays in force: reload.toml: zone[0]"
        ),
        "{err}"
    );
    assert_eq!(g.compiled(), &before);
    assert_eq!(g.open_alerts().count(), open_before);

    // A good reload without the protected zone resolves its alerts and keeps the others.
    let without_hq = GuardConfig::load(
        &CONFIG[CONFIG.find("[[zone]]\nid = \"fence\"").unwrap()..],
        "site.toml",
    )
    .unwrap();
    let events = g.reload(&without_hq, t(12.0)).unwrap();
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| e.state == AlertState::Resolved && e.zone.as_deref() == Some("hq"))
    );
    assert!(
        events[0]
            .cause
            .contains("removed by a configuration reload")
    );
    assert!(g.open_alerts().all(|(_, _, _, z)| z != Some("hq")));
    assert!(
        g.open_alerts().count() > 0,
        "the perimeter alert carries over"
    );
    // And the guard keeps working with the new configuration.
    let later = g.step(
        t(13.0),
        &[testing::track(1, 13.0, [0.0, 0.0, 50.0], [0.0; 3])],
        &[],
    );
    assert!(later.iter().all(|e| e.zone.as_deref() != Some("hq")));
}

#[test]
fn threat_picture_explains_itself() {
    let mut g = guard();
    let mut friendly = testing::track(2, 0.0, [1000.0, 1000.0, 50.0], [0.0; 3]);
    friendly.class = picket_core::ClassProbs([0.05, 0.9, 0.03, 0.02]);
    friendly.pilot = Some(Geodetic::new(51.48, -0.44, 30.0));
    // Predicted entry waits 3 s (the default rules' dwell): four seconds of flight.
    for k in 0..=3 {
        let time = f64::from(k);
        let inbound = testing::track(1, time, [-600.0 + 20.0 * time, 0.0, 50.0], [20.0, 0.0, 0.0]);
        let mut friendly = friendly.clone();
        friendly.time = t(time);
        friendly.last_update = t(time);
        g.step(t(time), &[inbound, friendly], &[]);
    }
    let threats: HashMap<TrackId, _> = g.threats().map(|th| (th.track, th)).collect();
    let k1 = &threats[&TrackId(1)];
    assert!(k1.level.get() >= 3, "{}", k1.explain());
    let breach = k1.time_to_breach_s.expect("predicted breach");
    assert!((15.0..=19.0).contains(&breach), "{breach}");
    let (zone, distance_m) = k1.nearest_protected.clone().unwrap();
    assert_eq!((zone.as_str(), distance_m.round()), ("hq", 340.0));
    let text = k1.explain();
    for want in [
        "K1 level",
        "predicted_entry hq",
        "breach in",
        "340 m from hq",
        "class drone 0.80",
        "no identity",
    ] {
        assert!(text.contains(want), "{want:?} not in {text:?}");
    }
    let k2 = &threats[&TrackId(2)];
    assert_eq!(
        k2.level.get(),
        0,
        "a bird in the perimeter: no rule applies; {}",
        k2.explain()
    );
    assert!(
        k2.explain().contains("pilot at 51.48000, -0.44000"),
        "{}",
        k2.explain()
    );
}

const SCENARIO: &str = r#"{"type":"meta","version":1,"origin":{"lat":36.19,"lon":44.01,"alt_m":420.0},"seed":7}
{"type":"sensor","id":"radar-1","kind":"radar","x":0,"y":0,"z":12}
{"type":"sensor","id":"rid-1","kind":"remoteid","x":0,"y":0,"z":5}
{"type":"zone","id":"Z1","kind":"protected","polygon":[[-100,-100],[100,-100],[100,100],[-100,100]],"floor_m":0,"ceiling_m":300}
{"type":"zone","id":"Z2","kind":"warning","circle":{"x":500,"y":0,"r_m":150},"floor_m":0,"ceiling_m":300}
{"type":"authorized","rid":"SN-AUTH","zones":["Z2"],"from":0,"to":100}
{"type":"detection","t":0.0,"sensor":"radar-1","range_m":4800.0,"az_deg":10.0,"el_deg":1.0,"sigma_range_m":5,"sigma_az_deg":0.5,"sigma_el_deg":1.0}
{"type":"detection","t":0.0,"sensor":"radar-1","range_m":1200.0,"az_deg":80.0,"el_deg":2.0,"sigma_range_m":5,"sigma_az_deg":0.5,"sigma_el_deg":1.0}
"#;

#[test]
fn offline_run_uses_the_scenarios_zones_and_whitelist() {
    let scenario = Scenario::read(SCENARIO.as_bytes(), "s.jsonl").unwrap();
    let config = GuardConfig::from_scenario(&scenario).unwrap();
    assert_eq!(config.zone.len(), 2);
    assert_eq!(config.authorized[0].rid.as_deref(), Some("SN-AUTH"));
    // The radar covers as far as it reported: broadcasts inside must be confirmed by a radar
    // track.
    assert_eq!(config.guard.coverage.len(), 1);
    assert_eq!(config.guard.coverage[0].sensor, "radar-1");
    assert_eq!(config.guard.coverage[0].range_m, 4800.0);
    let steps = (0..12).map(|k| {
        let time = f64::from(k);
        let mut hostile =
            testing::track(1, time, [-300.0 + 30.0 * time, 0.0, 50.0], [30.0, 0.0, 0.0]);
        hostile.sensors = Default::default();
        hostile.sensors.insert(picket_core::SensorId(0));
        let mut authorized = testing::track(2, time, [500.0, 0.0, 40.0], [0.0; 3]);
        authorized.identity = Some(Identity::RemoteId("SN-AUTH".into()));
        OfflineStep {
            time: t(time),
            tracks: vec![hostile, authorized],
            reports: vec![],
        }
    });
    let events = run_offline(&scenario, steps).unwrap();
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| e.track == TrackId(1)),
        "the authorized drone in Z2 raises nothing"
    );
    let records = alert_records(&events);
    let first = &records[0];
    assert_eq!(
        (
            first.id.as_str(),
            first.track.as_str(),
            first.state.as_str()
        ),
        ("A1", "K1", "raised")
    );
    assert!(
        records
            .iter()
            .any(|r| r.rule == "entry" && r.zone.as_deref() == Some("Z1"))
    );
    let entry = records.iter().find(|r| r.rule == "entry").unwrap();
    let predicted = records
        .iter()
        .find(|r| r.rule == "predicted_entry")
        .unwrap();
    assert!(predicted.t < entry.t, "warned before entry");
    let line = serde_json::to_string(&picket_scenario::Record::Alert(first.clone())).unwrap();
    assert!(
        line.starts_with(r#"{"type":"alert","t":3.0,"id":"A1","track":"K1""#),
        "{line}"
    );

    let mut bad = Scenario::read(SCENARIO.as_bytes(), "bad.jsonl").unwrap();
    bad.zones[1].floor_m = 400.0;
    let err = GuardConfig::from_scenario(&bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.jsonl: zone[1] \"Z2\": floor 400 m is not below ceiling 300 m"
    );
}

/// A seeded random site: tracks wander, appear and disappear; the same seed gives the same
/// events, and every alert's events follow the life cycle.
fn random_run(seed: u64, steps: u32) -> Vec<AlertEvent> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut g = guard();
    let mut tracks: Vec<Track> = (1..=20)
        .map(|id| {
            let p = [
                next() * 3000.0 - 1500.0,
                next() * 3000.0 - 1500.0,
                next() * 200.0,
            ];
            let v = [next() * 20.0 - 10.0, next() * 20.0 - 10.0, 0.0];
            testing::track(id, 0.0, p, v)
        })
        .collect();
    let mut events = Vec::new();
    for k in 0..steps {
        let time = f64::from(k);
        let mut update = Vec::new();
        for tr in tracks.iter_mut() {
            if tr.status == TrackStatus::Deleted {
                continue;
            }
            tr.time = t(time);
            tr.position.x += tr.velocity.x + (next() - 0.5) * 8.0;
            tr.position.y += tr.velocity.y + (next() - 0.5) * 8.0;
            if next() < 0.03 {
                tr.velocity.x = -tr.position.x / 60.0;
                tr.velocity.y = -tr.position.y / 60.0;
            }
            if next() < 0.005 {
                tr.status = TrackStatus::Deleted;
            }
            if next() < 0.9 {
                update.push(tr.clone());
            }
        }
        events.extend(g.step(t(time), &update, &[]));
        let first_open = g.open_alerts().next().map(|(id, ..)| id);
        if next() < 0.1
            && let Some(id) = first_open
        {
            let op = if next() < 0.5 {
                g.acknowledge(id, "alice", t(time))
            } else {
                g.resolve(id, "bob", t(time))
            };
            events.extend(op.ok());
        }
    }
    events
}

fn check_life_cycle(events: &[AlertEvent]) -> Result<(), String> {
    let mut last: HashMap<picket_core::AlertId, &AlertEvent> = HashMap::new();
    let mut open: HashMap<(TrackId, picket_core::RuleKind, Option<String>), picket_core::AlertId> =
        HashMap::new();
    for e in events {
        let key = (e.track, e.rule, e.zone.clone());
        match (last.get(&e.alert), e.state) {
            (None, AlertState::Raised) => {
                if let Some(other) = open.insert(key, e.alert) {
                    return Err(format!(
                        "{} raised while {other} is open for the same cause",
                        e.alert
                    ));
                }
            }
            (None, s) => return Err(format!("{} begins with {s:?}", e.alert)),
            (Some(p), _) if p.state == AlertState::Resolved => {
                return Err(format!("{} has events after resolution", e.alert));
            }
            (Some(_), AlertState::Raised) => return Err(format!("{} raised twice", e.alert)),
            (Some(p), _) if e.level < p.level => {
                return Err(format!("{} level went down", e.alert));
            }
            (Some(p), _) if e.time < p.time => {
                return Err(format!("{} went back in time", e.alert));
            }
            (Some(_), AlertState::Resolved) => {
                open.remove(&key);
            }
            _ => {}
        }
        last.insert(e.alert, e);
    }
    Ok(())
}

#[test]
fn seeded_runs_are_deterministic_and_keep_the_life_cycle() {
    for seed in 1..=8 {
        let a = random_run(seed, 300);
        let b = random_run(seed, 300);
        assert_eq!(a, b, "seed {seed}: replay differs");
        assert!(!a.is_empty(), "seed {seed}: nothing happened");
        if let Err(e) = check_life_cycle(&a) {
            panic!("seed {seed}: {e}");
        }
    }
}

#[test]
fn deleted_ids_end_tracks() {
    let mut g = guard();
    for k in 0..=3 {
        let now = f64::from(k);
        g.step(
            t(now),
            &[testing::track(4, now, [0.0, 0.0, 50.0], [0.0; 3])],
            &[],
        );
    }
    let events = g.end_tracks(t(4.0), &[TrackId(4), TrackId(99)]);
    assert!(!events.is_empty() && events.iter().all(|e| e.state == AlertState::Resolved));
    assert_eq!(g.open_alerts().count(), 0);
    assert!(g.threat(TrackId(4)).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Whatever numbers a tracker publishes, the guard neither panics nor alerts on
    /// non-finite input.
    #[test]
    fn arbitrary_tracks_never_panic(
        values in proptest::collection::vec(prop_oneof![any::<f64>(), -5000.0..5000.0f64], 12),
        time in -1e6..1e12f64,
    ) {
        let mut g = guard();
        let mut tr = testing::track(1, time, [values[0], values[1], values[2]], [values[3], values[4], values[5]]);
        tr.cov[0][0] = values[6];
        tr.cov[0][3] = values[7];
        tr.cov[3][3] = values[8];
        tr.class.0[0] = values[9];
        tr.identity = Some(Identity::RemoteId("X".into()));
        let report = testing::report(0, time, [values[10], values[11], 0.0], 3.0);
        let mut r2 = report.clone();
        r2.identity = Some(Identity::RemoteId("X".into()));
        let events = g.step(t(time), &[tr.clone()], &[report, r2]);
        let finite = values[..9].iter().all(|v| v.is_finite());
        if !finite {
            prop_assert!(events.is_empty());
            prop_assert_eq!(g.rejected_tracks(), 1);
        }
        for th in g.threats() {
            prop_assert!(!th.explain().is_empty());
        }
    }
}
