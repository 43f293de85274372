//! A test site: live state with tracks, alerts and sensors, a store with history and audit
//! rows, one token per role, a pipeline stand-in that answers commands like the real one
//! (publishing the event to the live state and appending an audit row), and a detection sink.

#![allow(dead_code)]

use picket_api::ApiState;
use picket_api::auth::{Role, TokenTable};
use picket_core::{
    Actor, AlertEvent, AlertId, AlertState, Class, ClassProbs, Enu, Geodetic, RuleKind, SensorKind,
    SensorSet, ThreatLevel, Timestamp, Track, TrackId, TrackStatus,
};
use picket_live::{Command, LiveSite, Registry, SensorHealth, Update};
use picket_store::{AuditEntry, Record, StoreWriter, WriterConfig};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use picket_api::routes::RouteSpec;
use serde_json::Value;
use tower::ServiceExt;

/// A concrete URI for a route pattern.
pub fn uri(spec: &RouteSpec) -> String {
    spec.path
        .replace("{site}", SITE)
        .replace("{sensor}", "radar")
        .replace("{track}", "1")
        .replace("{alert}", "3")
        .replace("{z}/{x}/{y}", "1/0/1")
}

/// A body the route accepts.
pub fn body(spec: &RouteSpec) -> String {
    match (spec.method, spec.path.rsplit('/').next().unwrap()) {
        ("PUT", "config") => GUARD_TOML.to_owned(),
        ("POST", "detections") => format!(
            r#"{{"sensor":"radar","time":{},"bearing":{{"az_deg":90,"sigma_az_deg":2}}}}"#,
            T0
        ),
        _ => String::new(),
    }
}

pub async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: String,
) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, bytes)
}

/// `GET uri` with `role`'s token: status and body.
pub async fn get(app: &axum::Router, uri: &str, role: Role) -> (StatusCode, Vec<u8>) {
    call(app, "GET", uri, Some(token(role)), String::new()).await
}

/// `POST uri` with `role`'s token and no body: status and body.
pub async fn post(app: &axum::Router, uri: &str, role: Role) -> (StatusCode, Vec<u8>) {
    call(app, "POST", uri, Some(token(role)), String::new()).await
}

/// `GET uri` with `role`'s token, the whole response (for its headers).
pub async fn get_response(app: axum::Router, uri: &str, role: Role) -> axum::response::Response {
    let request = Request::get(uri)
        .header("authorization", format!("Bearer {}", token(role)))
        .body(Body::empty())
        .unwrap();
    app.oneshot(request).await.unwrap()
}

pub async fn get_json(app: &axum::Router, uri: &str, role: Role) -> Value {
    let (status, bytes) = call(app, "GET", uri, Some(token(role)), String::new()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap()
}

pub const SITE: &str = "north";
pub const T0: f64 = 1_795_935_600.0;

pub fn token(role: Role) -> &'static str {
    match role {
        Role::Viewer => "pkt_viewer_0123456789abcdef",
        Role::Operator => "pkt_operator_0123456789abcdef",
        Role::Admin => "pkt_admin_0123456789abcdef",
        Role::Sensor => "pkt_sensor_0123456789abcdef",
    }
}

pub const ROLES: [Role; 4] = [Role::Viewer, Role::Operator, Role::Admin, Role::Sensor];

pub const GUARD_TOML: &str = r#"
[[zone]]
id = "runway"
kind = "protected"
circle = { x = 0.0, y = 0.0, r_m = 300.0 }
floor_m = 0.0
ceiling_m = 150.0

[[rule]]
kind = "entry"
level = 4

[[authorized]]
name = "roof survey"
rid = "1596A-SURVEY"
zones = ["runway"]
"#;

/// The whole site file as the server hands it to the API: sensors, auth (hashed tokens) and
/// the guard's sections.
pub fn site_toml() -> String {
    format!(
        r#"
[site]
id = "north"
origin = {{ lat_deg = 51.47, lon_deg = -0.45, alt_m = 25.0 }}

[[sensor]]
name = "radar"
kind = "radar"
format = "asterix"
position = [120.0, -40.0, 8.0]

[[sensor]]
name = "cam-gate"
kind = "camera"
format = "sapient"
position = [-300.0, 200.0, 6.0]
coverage = {{ range_m = 1200.0, boresight_deg = 45.0, fov_deg = 60.0 }}

[storage]
path = "north.db"

[[auth.token]]
name = "viewer-token"
role = "viewer"
sha256 = "{SECRET_DIGEST}"
{GUARD_TOML}"#
    )
}

/// A token digest written into the site file: it must never be served.
pub const SECRET_DIGEST: &str = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

pub fn time(dt: f64) -> Timestamp {
    Timestamp::from_secs(T0 + dt).unwrap()
}

pub fn track(id: u64, class: Class, dt: f64) -> Track {
    let mut probs = ClassProbs::default();
    probs.set(class, 5.0);
    Track {
        id: TrackId(id),
        time: time(dt),
        position: Enu::new(100.0 * id as f64, 50.0, 60.0),
        velocity: Enu::new(5.0, 0.0, 0.0),
        cov: [[0.0; 6]; 6],
        status: TrackStatus::Confirmed,
        class: probs.normalized(),
        identity: None,
        pilot: None,
        sensors: {
            let mut set = SensorSet::default();
            set.insert(picket_core::SensorId(0));
            if id == 1 {
                set.insert(picket_core::SensorId(1));
            }
            set
        },
        last_update: time(dt),
        update_count: 5,
    }
}

pub fn alert(id: u64, level: u8, dt: f64) -> AlertEvent {
    AlertEvent {
        alert: AlertId(id),
        time: time(dt),
        track: TrackId(id),
        rule: RuleKind::Entry,
        zone: Some("runway".into()),
        level: ThreatLevel::new(level),
        state: AlertState::Raised,
        actor: Actor::System,
        cause: "entered runway".into(),
    }
}

/// A PNG-looking tile whose payload names its XYZ address, so a test can tell which came back.
pub fn tile_bytes(z: u8, x: u32, y: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(format!("xyz {z}/{x}/{y}").as_bytes());
    b
}

/// A tiny MBTiles file made here with rusqlite: zoom 0 and all four tiles of zoom 1, each
/// stored at its TMS row (row = 2^z - 1 - y) as the format requires.
pub fn make_mbtiles(path: &std::path::Path, format: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .unwrap();
    for (k, v) in [
        ("name", "test basemap"),
        ("format", format),
        ("minzoom", "0"),
        ("maxzoom", "1"),
        ("bounds", "-180,-85.0511,180,85.0511"),
        ("attribution", "made in the test"),
    ] {
        conn.execute("INSERT INTO metadata VALUES (?1, ?2)", [k, v])
            .unwrap();
    }
    for (z, x, y) in [
        (0u8, 0u32, 0u32),
        (1, 0, 0),
        (1, 1, 0),
        (1, 0, 1),
        (1, 1, 1),
    ] {
        let row = (1u32 << z) - 1 - y;
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![z, x, row, tile_bytes(z, x, y)],
        )
        .unwrap();
    }
}

/// What the detection sink received: (sensor, body).
pub type Posted = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// What the detection sink was told the API refused: (sensor, reason).
pub type Refused = Arc<Mutex<Vec<(String, &'static str)>>>;

/// A detection sink that keeps what it is given.
struct Sink {
    posted: Posted,
    refused: Refused,
}

impl picket_api::DetectionSink for Sink {
    fn inject(&self, sensor: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.posted.lock().unwrap().push((sensor.to_owned(), bytes));
        Ok(())
    }

    fn refuse(&self, sensor: &str, reason: &'static str, _detail: &str) {
        self.refused
            .lock()
            .unwrap()
            .push((sensor.to_owned(), reason));
    }
}

pub struct TestSite {
    pub state: ApiState,
    pub live: Arc<LiveSite>,
    pub posted: Posted,
    pub refused: Refused,
    pub store: StoreWriter,
    _dir: tempfile::TempDir,
}

/// Answers commands as the site thread does: refuses unknown or resolved alerts, publishes
/// the transition and appends an audit row naming the operator.
fn spawn_pipeline(
    live: Arc<LiveSite>,
    mut rx: tokio::sync::mpsc::Receiver<Command>,
    store: StoreWriter,
) {
    tokio::spawn(async move {
        while let Some(command) = rx.recv().await {
            let (alert, operator, state, reply) = match command {
                Command::Acknowledge {
                    alert,
                    operator,
                    reply,
                } => (alert, operator, AlertState::Acknowledged, reply),
                Command::Resolve {
                    alert,
                    operator,
                    reply,
                } => (alert, operator, AlertState::Resolved, reply),
                Command::Reload {
                    operator, reply, ..
                } => {
                    audit(&store, &operator, "reload", "zones, rules, whitelist");
                    let _ = reply.send(Ok(()));
                    continue;
                }
            };
            let action = if state == AlertState::Resolved {
                "resolve"
            } else {
                "acknowledge"
            };
            audit(&store, &operator, action, &format!("alert {}", alert.0));
            let current = live.with_snapshot(|s| s.alerts.get(&alert).map(|a| a.last.clone()));
            let result = match current {
                None => Err(format!("no alert {}", alert.0)),
                Some(a) if a.state == AlertState::Resolved => {
                    Err(format!("alert {} is resolved", alert.0))
                }
                Some(a) => {
                    let event = AlertEvent {
                        state,
                        actor: Actor::Operator(operator),
                        time: time(100.0),
                        ..a
                    };
                    live.publish(Update::Alert(event.clone()));
                    Ok(event)
                }
            };
            let _ = reply.send(result);
        }
    });
}

fn audit(store: &StoreWriter, actor: &str, action: &str, target: &str) {
    store
        .append_acked(Record::Audit(AuditEntry {
            time: time(100.0),
            actor: actor.into(),
            action: action.into(),
            target: target.into(),
            detail: "ok".into(),
        }))
        .unwrap()
        .wait()
        .unwrap();
}

/// Must be called inside a tokio runtime.
pub fn site() -> TestSite {
    let (live, commands) = LiveSite::new(SITE, Geodetic::new(51.47, -0.45, 25.0), 64);
    live.publish(Update::Tracks {
        time: time(10.0),
        tracks: vec![
            track(1, Class::Drone, 10.0),
            track(2, Class::Bird, 10.0),
            track(3, Class::Drone, 10.0),
        ],
        deleted: vec![],
    });
    live.publish(Update::Alert(alert(1, 2, 5.0)));
    live.publish(Update::Alert(alert(3, 4, 8.0)));
    live.publish(Update::Sensor(SensorHealth {
        name: "radar".into(),
        kind: SensorKind::Radar,
        format: "asterix".into(),
        frames: 10,
        reports: 9,
        rejects: [("truncated".to_owned(), 1)].into(),
        shed: 0,
        last_seen: Some(time(10.0)),
        latency_ms: Some(1.5),
        stale: false,
        reported: None,
    }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("north.db");
    let store = StoreWriter::open(&path, WriterConfig::default()).unwrap();
    for dt in [0.0, 1.0, 2.0] {
        store
            .append(Record::Track(track(1, Class::Drone, dt)))
            .unwrap();
        store
            .append(Record::Track(track(2, Class::Bird, dt)))
            .unwrap();
    }
    store
        .append_acked(Record::Alert(alert(1, 2, 5.0)))
        .unwrap()
        .wait()
        .unwrap();
    audit(&store, "earlier-admin", "reload", "zones, rules, whitelist");
    spawn_pipeline(live.clone(), commands, store.clone());

    // The sensor token is named after the sensor it speaks for.
    let mut tokens_named = TokenTable::default();
    for role in ROLES {
        let name = if role == Role::Sensor {
            "radar".to_owned()
        } else {
            format!("{}-token", role.as_str())
        };
        tokens_named.insert(token(role), name, role);
    }
    let mut registry = Registry::default();
    registry.insert(live.clone());
    let posted = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink {
        posted: posted.clone(),
        refused: refused.clone(),
    };
    let mbtiles = dir.path().join("basemap.mbtiles");
    make_mbtiles(&mbtiles, "png");
    let state = ApiState::new(registry, tokens_named)
        .with_store(SITE, &path)
        .with_guard_config(SITE, site_toml())
        .with_detections(SITE, sink)
        .with_audit(SITE, store.clone())
        .with_basemap(SITE, &mbtiles)
        .unwrap();
    TestSite {
        state,
        live,
        posted,
        refused,
        store,
        _dir: dir,
    }
}
