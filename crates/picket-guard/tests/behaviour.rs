//! Behaviour tests as data (after vector's): every `tests/behaviour/*.toml` is one case: the
//! guard's configuration (`[[zone]]`, `[[rule]]`, `[[authorized]]`, `[guard]`), optionally a
//! `[site]` (origin, sensors), a sequence of `[[step]]`s (track states, cooperative reports,
//! operator commands) and either the exact list of `[[expect]]`ed alert events or an
//! `expect_error` for a configuration that must be refused.
//!
//! A step may `repeat` N times every `dt_s` seconds, each repetition moving tracks and reports
//! along their `v`. Operator commands run after the step's tracks.

use picket_core::{
    Actor, AlertEvent, AlertId, ClassProbs, Enu, Geodetic, Identity, Measurement, Report, SensorId,
    SensorKind, SensorSet, Site, Timestamp, Track, TrackId, TrackStatus,
};
use picket_guard::{Guard, GuardConfig, parse_icao, state_name};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteCase {
    #[serde(default)]
    origin: Option<[f64; 3]>,
    #[serde(default)]
    sensors: Vec<SensorCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SensorCase {
    name: String,
    kind: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct TrackCase {
    id: u64,
    p: [f64; 3],
    #[serde(default)]
    v: [f64; 3],
    #[serde(default = "five")]
    sigma_m: f64,
    #[serde(default = "one")]
    sigma_v_mps: f64,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    p_class: Option<BTreeMap<String, f64>>,
    #[serde(default)]
    rid: Option<String>,
    #[serde(default)]
    icao: Option<String>,
    #[serde(default)]
    status: Option<TrackStatus>,
    #[serde(default)]
    sensors: Option<Vec<String>>,
}

fn five() -> f64 {
    5.0
}
fn one() -> f64 {
    1.0
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct ReportCase {
    sensor: String,
    p: [f64; 3],
    #[serde(default)]
    v: [f64; 3],
    #[serde(default = "three")]
    sigma_m: f64,
    #[serde(default)]
    rid: Option<String>,
    #[serde(default)]
    icao: Option<String>,
    /// Offset from the step time, seconds.
    #[serde(default)]
    dt_s: f64,
}

fn three() -> f64 {
    3.0
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Command {
    alert: String,
    operator: String,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    t: f64,
    #[serde(default)]
    repeat: Option<u32>,
    #[serde(default)]
    dt_s: Option<f64>,
    #[serde(default)]
    tracks: Vec<TrackCase>,
    #[serde(default)]
    reports: Vec<ReportCase>,
    #[serde(default)]
    acknowledge: Vec<Command>,
    #[serde(default)]
    resolve: Vec<Command>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expect {
    t: f64,
    alert: String,
    track: String,
    rule: String,
    #[serde(default)]
    zone: Option<String>,
    state: String,
    level: u8,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    cause_contains: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    #[serde(default)]
    site: Option<SiteCase>,
    #[serde(default)]
    step: Vec<Step>,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    expect_error: Option<String>,
}

const CASE_KEYS: [&str; 5] = ["description", "site", "step", "expect", "expect_error"];

fn time(t: f64) -> Timestamp {
    Timestamp::from_secs(t).expect("finite time")
}

fn build_site(case: &Case) -> Site {
    let origin = case
        .site
        .as_ref()
        .and_then(|s| s.origin)
        .unwrap_or([51.47, -0.45, 25.0]);
    let mut site = Site::new("case", Geodetic::new(origin[0], origin[1], origin[2]));
    let sensors = case
        .site
        .as_ref()
        .map(|s| s.sensors.as_slice())
        .unwrap_or(&[]);
    if sensors.is_empty() {
        site.add_sensor("radar", SensorKind::Radar, Enu::default());
    }
    for s in sensors {
        let kind: SensorKind = s.kind.parse().expect("sensor kind");
        site.add_sensor(&s.name, kind, Enu::default());
    }
    site
}

fn identity(rid: &Option<String>, icao: &Option<String>) -> Option<Identity> {
    match (rid, icao) {
        (Some(r), _) => Some(Identity::RemoteId(r.clone())),
        (None, Some(i)) => Some(Identity::Icao(parse_icao(i).expect("icao"))),
        _ => None,
    }
}

fn sensor_id(site: &Site, name: &str) -> SensorId {
    site.sensor_by_name(name)
        .unwrap_or_else(|| panic!("unknown sensor {name}"))
        .id
}

fn track(site: &Site, c: &TrackCase, t: f64, moved_s: f64) -> Track {
    let mut cov = [[0.0; 6]; 6];
    for i in 0..3 {
        cov[i][i] = c.sigma_m * c.sigma_m;
        cov[i + 3][i + 3] = c.sigma_v_mps * c.sigma_v_mps;
    }
    let class = match (&c.class, &c.p_class) {
        (_, Some(map)) => picket_scenario::convert::class_probs(map),
        (Some(name), None) => {
            let mut p = ClassProbs([0.02; 4]);
            p.set(name.parse().expect("class"), 0.94);
            p
        }
        (None, None) => ClassProbs::default(),
    };
    let mut sensors = SensorSet::default();
    match &c.sensors {
        Some(names) => names
            .iter()
            .for_each(|n| sensors.insert(sensor_id(site, n))),
        None => sensors.insert(SensorId(0)),
    }
    let p = c.p;
    Track {
        id: TrackId(c.id),
        time: time(t),
        position: Enu::new(
            p[0] + c.v[0] * moved_s,
            p[1] + c.v[1] * moved_s,
            p[2] + c.v[2] * moved_s,
        ),
        velocity: Enu::new(c.v[0], c.v[1], c.v[2]),
        cov,
        status: c.status.unwrap_or(TrackStatus::Confirmed),
        class,
        identity: identity(&c.rid, &c.icao),
        pilot: None,
        sensors,
        last_update: time(t),
        update_count: 10,
    }
}

fn report(site: &Site, r: &ReportCase, t: f64, moved_s: f64) -> Report {
    let p = Enu::new(
        r.p[0] + r.v[0] * moved_s,
        r.p[1] + r.v[1] * moved_s,
        r.p[2] + r.v[2] * moved_s,
    );
    let mut rep = Report::new(
        sensor_id(site, &r.sensor),
        time(t + r.dt_s),
        Measurement::cartesian(p, r.sigma_m),
    );
    rep.identity = identity(&r.rid, &r.icao);
    rep
}

fn alert_id(s: &str) -> AlertId {
    AlertId(s.trim_start_matches('A').parse().expect("alert id like A3"))
}

fn command(
    name: &str,
    c: &Command,
    t: f64,
    result: Result<AlertEvent, picket_guard::CommandError>,
    events: &mut Vec<AlertEvent>,
) {
    match (result, &c.error) {
        (Ok(e), None) => events.push(e),
        (Err(e), Some(want)) => assert!(
            e.to_string().contains(want.as_str()),
            "t={t}: {name} {}: {e}",
            c.alert
        ),
        (Ok(e), Some(want)) => panic!(
            "t={t}: {name} {} should fail with {want:?}, gave {e:?}",
            c.alert
        ),
        (Err(e), None) => panic!("t={t}: {name} {} failed: {e}", c.alert),
    }
}

fn run(guard: &mut Guard, site: &Site, steps: &[Step]) -> Vec<AlertEvent> {
    let mut events = Vec::new();
    for step in steps {
        let dt_s = step.dt_s.unwrap_or(1.0);
        for k in 0..step.repeat.unwrap_or(1) {
            let moved_s = f64::from(k) * dt_s;
            let t = step.t + moved_s;
            let tracks: Vec<Track> = step
                .tracks
                .iter()
                .map(|c| track(site, c, t, moved_s))
                .collect();
            let reports: Vec<Report> = step
                .reports
                .iter()
                .map(|r| report(site, r, t, moved_s))
                .collect();
            events.extend(guard.step(time(t), &tracks, &reports));
            for c in &step.acknowledge {
                command(
                    "acknowledge",
                    c,
                    t,
                    guard.acknowledge(alert_id(&c.alert), &c.operator, time(t)),
                    &mut events,
                );
            }
            for c in &step.resolve {
                command(
                    "resolve",
                    c,
                    t,
                    guard.resolve(alert_id(&c.alert), &c.operator, time(t)),
                    &mut events,
                );
            }
        }
    }
    events
}

fn show(e: &AlertEvent) -> String {
    format!(
        "t={} {} {} {} {} {} level {} ({:?}: {})",
        e.time.as_secs(),
        e.alert,
        e.track,
        e.rule,
        e.zone.as_deref().unwrap_or("-"),
        state_name(e.state),
        e.level.get(),
        e.actor,
        e.cause
    )
}

fn check(name: &str, events: &[AlertEvent], expect: &[Expect]) -> Result<(), String> {
    let listing = || events.iter().map(show).collect::<Vec<_>>().join("\n  ");
    if events.len() != expect.len() {
        return Err(format!(
            "{name}: {} events, {} expected; got:\n  {}",
            events.len(),
            expect.len(),
            listing()
        ));
    }
    for (i, (e, x)) in events.iter().zip(expect).enumerate() {
        let actor = match &e.actor {
            Actor::System => "system".to_owned(),
            Actor::Operator(o) => o.clone(),
        };
        let same = (e.time.as_secs() - x.t).abs() < 1e-9
            && e.alert.to_string() == x.alert
            && e.track.to_string() == x.track
            && e.rule.as_str() == x.rule
            && e.zone == x.zone
            && state_name(e.state) == x.state
            && e.level.get() == x.level
            && x.actor.as_ref().is_none_or(|a| *a == actor)
            && x.cause_contains
                .as_ref()
                .is_none_or(|c| e.cause.contains(c.as_str()));
        if !same {
            return Err(format!(
                "{name}: event {i} differs: expected {x:?}; got:\n  {}",
                listing()
            ));
        }
    }
    Ok(())
}

fn run_case(path: &Path) -> Result<(), String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let mut table: toml::Table = text.parse().map_err(|e| format!("{name}: {e}"))?;
    let case_table: toml::Table = CASE_KEYS
        .iter()
        .filter_map(|k| table.remove(*k).map(|v| ((*k).to_owned(), v)))
        .collect();
    let case = Case::deserialize(case_table).map_err(|e| format!("{name}: case: {e}"))?;
    assert!(!case.description.is_empty(), "{name}: describe the case");
    let config_text = toml::to_string(&table).map_err(|e| format!("{name}: {e}"))?;
    let site = build_site(&case);
    let loaded = GuardConfig::load(&config_text, &name).and_then(|c| Guard::new(&c, &site));
    match (loaded, &case.expect_error) {
        (Err(e), Some(want)) if e.to_string().contains(want.as_str()) => Ok(()),
        (Err(e), Some(want)) => Err(format!("{name}: error {e:?} does not contain {want:?}")),
        (Err(e), None) => Err(format!("{name}: configuration refused: {e}")),
        (Ok(_), Some(want)) => Err(format!("{name}: configuration accepted; expected {want:?}")),
        (Ok(mut guard), None) => {
            let events = run(&mut guard, &site, &case.step);
            check(&name, &events, &case.expect)
        }
    }
}

#[test]
fn behaviour_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/behaviour")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "only {} cases", paths.len());
    let failures: Vec<String> = paths.iter().filter_map(|p| run_case(p).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}
