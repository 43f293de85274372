//! Handlers of the live routes: sites, sensors, tracks, alerts and their commands, guard
//! configuration and JSON detections. History and audit are in `history.rs`.

use crate::auth::Principal;
use crate::layout::{SensorNames, SensorPlace};
use crate::{ApiError, ApiState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use picket_core::{
    AlertEvent, AlertId, AlertState, Class, Geodetic, LocalFrame, Timestamp, Track, TrackId,
    TrackStatus,
};
use picket_live::{AlertView, Command, SensorHealth, Snapshot};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

/// A site at a glance.
#[derive(Debug, Serialize)]
pub(crate) struct SiteSummary {
    id: String,
    origin: Geodetic,
    time: Option<Timestamp>,
    tracks: usize,
    alerts_open: usize,
    sensors: usize,
    stale_sensors: usize,
    history: bool,
    ingest: bool,
    /// The offline basemap, when one is configured (else the console draws its grid).
    basemap: Option<crate::tiles::BasemapInfo>,
}

/// A track with its position also in latitude/longitude (what a map needs) and the names of
/// its contributing sensors.
#[derive(Debug, Serialize)]
pub(crate) struct TrackView {
    #[serde(flatten)]
    track: Track,
    geodetic: Geodetic,
    best_class: Class,
    sensor_names: Vec<String>,
}

/// Turns a site's tracks into [`TrackView`]s: its frame and sensor names, read once.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    frame: LocalFrame,
    names: SensorNames,
}

impl Viewer {
    pub(crate) fn of(live: &picket_live::LiveSite) -> Self {
        Self {
            frame: LocalFrame::new(live.origin),
            names: SensorNames::of(live),
        }
    }

    pub(crate) fn view(&self, track: Track) -> TrackView {
        TrackView {
            geodetic: self.frame.to_geodetic(&track.position),
            best_class: track.class.best().0,
            sensor_names: self.names.names(track.sensors),
            track,
        }
    }
}

/// An alert's current state.
#[derive(Debug, Serialize)]
pub(crate) struct AlertSummary {
    #[serde(flatten)]
    last: AlertEvent,
    raised_at: Timestamp,
}

impl From<&AlertView> for AlertSummary {
    fn from(a: &AlertView) -> Self {
        Self {
            last: a.last.clone(),
            raised_at: a.raised_at,
        }
    }
}

pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

pub(crate) fn parse_id(kind: &str, s: &str) -> Result<u64, ApiError> {
    s.parse()
        .map_err(|_| ApiError::BadRequest(format!("{kind} id {s:?} is not a number")))
}

fn summary(state: &ApiState, id: &str) -> Result<SiteSummary, ApiError> {
    let entry = state.site(id)?;
    Ok(entry.live.with_snapshot(|s| SiteSummary {
        id: entry.live.id.clone(),
        origin: entry.live.origin,
        time: s.time,
        tracks: s.tracks.len(),
        alerts_open: open_alerts(s),
        sensors: s.sensors.len(),
        stale_sensors: s.sensors.values().filter(|h| h.stale).count(),
        history: entry.store.is_some(),
        ingest: entry.detections.is_some(),
        basemap: entry.basemap.as_ref().map(|b| b.info.clone()),
    }))
}

pub(crate) fn open_alerts(s: &Snapshot) -> usize {
    s.alerts
        .values()
        .filter(|a| a.last.state != AlertState::Resolved)
        .count()
}

pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

#[derive(Serialize)]
pub(crate) struct WhoAmI {
    name: String,
    role: &'static str,
}

pub(crate) async fn whoami(axum::Extension(p): axum::Extension<Principal>) -> Json<WhoAmI> {
    Json(WhoAmI {
        name: p.name,
        role: p.role.as_str(),
    })
}

pub(crate) async fn sites(
    State(state): State<ApiState>,
) -> Result<Json<Vec<SiteSummary>>, ApiError> {
    state
        .sites
        .keys()
        .map(|id| summary(&state, id))
        .collect::<Result<_, _>>()
        .map(Json)
}

pub(crate) async fn site(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<Json<SiteSummary>, ApiError> {
    summary(&state, &site).map(Json)
}

pub(crate) async fn sensors(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<Json<Vec<SensorHealth>>, ApiError> {
    let entry = state.site(&site)?;
    Ok(Json(
        entry
            .live
            .with_snapshot(|s| s.sensors.values().cloned().collect()),
    ))
}

pub(crate) async fn layout(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<Json<Vec<SensorPlace>>, ApiError> {
    Ok(Json(crate::layout::places(&state.site(&site)?.live)))
}

pub(crate) async fn sensor(
    State(state): State<ApiState>,
    Path((site, sensor)): Path<(String, String)>,
) -> Result<Json<SensorHealth>, ApiError> {
    let entry = state.site(&site)?;
    entry
        .live
        .with_snapshot(|s| s.sensors.get(&sensor).cloned())
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no sensor {sensor:?} in site {site:?}")))
}

/// Filters of the track list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TrackFilter {
    /// Best class: drone, bird, aircraft, other, unknown.
    class: Option<String>,
    /// tentative, confirmed, coasting.
    status: Option<String>,
}

fn parse_enum<T: serde::de::DeserializeOwned>(field: &str, v: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(v.to_owned()))
        .map_err(|_| ApiError::BadRequest(format!("{field}={v:?} is not a known value")))
}

pub(crate) async fn tracks(
    State(state): State<ApiState>,
    Path(site): Path<String>,
    filter: Result<Query<TrackFilter>, QueryRejection>,
) -> Result<Json<Vec<TrackView>>, ApiError> {
    let filter = query(filter)?;
    let class: Option<Class> = filter
        .class
        .as_deref()
        .map(|c| parse_enum("class", c))
        .transpose()?;
    let status: Option<TrackStatus> = filter
        .status
        .as_deref()
        .map(|c| parse_enum("status", c))
        .transpose()?;
    let entry = state.site(&site)?;
    let viewer = Viewer::of(&entry.live);
    let tracks: Vec<Track> = entry.live.with_snapshot(|s| {
        s.tracks
            .values()
            .filter(|t| class.is_none_or(|c| t.class.best().0 == c))
            .filter(|t| status.is_none_or(|st| t.status == st))
            .cloned()
            .collect()
    });
    Ok(Json(tracks.into_iter().map(|t| viewer.view(t)).collect()))
}

pub(crate) async fn track(
    State(state): State<ApiState>,
    Path((site, track)): Path<(String, String)>,
) -> Result<Json<TrackView>, ApiError> {
    let id = TrackId(parse_id("track", &track)?);
    let entry = state.site(&site)?;
    let viewer = Viewer::of(&entry.live);
    entry
        .live
        .with_snapshot(|s| s.tracks.get(&id).cloned())
        .map(|t| Json(viewer.view(t)))
        .ok_or_else(|| ApiError::NotFound(format!("no live track {track} in site {site:?}")))
}

/// Filter of the alert list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AlertFilter {
    /// Comma-separated states: raised, escalated, acknowledged, resolved.
    state: Option<String>,
}

pub(crate) async fn alerts(
    State(state): State<ApiState>,
    Path(site): Path<String>,
    filter: Result<Query<AlertFilter>, QueryRejection>,
) -> Result<Json<Vec<AlertSummary>>, ApiError> {
    let filter = query(filter)?;
    let states: Option<Vec<AlertState>> = filter
        .state
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(|v| parse_enum("state", v.trim()))
                .collect()
        })
        .transpose()?;
    let entry = state.site(&site)?;
    let mut list: Vec<AlertSummary> = entry.live.with_snapshot(|s| {
        s.alerts
            .values()
            .filter(|a| states.as_ref().is_none_or(|st| st.contains(&a.last.state)))
            .map(AlertSummary::from)
            .collect()
    });
    // Most severe first, then newest: the order an operator works in.
    list.sort_by(|a, b| {
        b.last
            .level
            .cmp(&a.last.level)
            .then(b.last.time.as_secs().total_cmp(&a.last.time.as_secs()))
    });
    Ok(Json(list))
}

pub(crate) async fn alert(
    State(state): State<ApiState>,
    Path((site, alert)): Path<(String, String)>,
) -> Result<Json<AlertSummary>, ApiError> {
    let id = AlertId(parse_id("alert", &alert)?);
    let entry = state.site(&site)?;
    entry
        .live
        .with_snapshot(|s| s.alerts.get(&id).map(AlertSummary::from))
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no alert {alert} in site {site:?}")))
}

/// Sends a command to a site's pipeline and waits (bounded) for its answer.
async fn command<T>(
    state: &ApiState,
    site: &str,
    make: impl FnOnce(oneshot::Sender<Result<T, String>>) -> Command,
    refused: fn(String) -> ApiError,
) -> Result<T, ApiError> {
    let entry = state.site(site)?;
    let (tx, rx) = oneshot::channel();
    let timeout = state.config.command_timeout;
    let gone = || ApiError::Unavailable(format!("site {site:?} is not answering commands"));
    tokio::time::timeout(timeout, entry.live.commands().send(make(tx)))
        .await
        .map_err(|_| gone())?
        .map_err(|_| gone())?;
    tokio::time::timeout(timeout, rx)
        .await
        .map_err(|_| gone())?
        .map_err(|_| gone())?
        .map_err(refused)
}

pub(crate) async fn acknowledge(
    State(state): State<ApiState>,
    axum::Extension(p): axum::Extension<Principal>,
    Path((site, alert)): Path<(String, String)>,
) -> Result<Json<AlertEvent>, ApiError> {
    let alert = AlertId(parse_id("alert", &alert)?);
    let operator = p.name;
    let make = |reply| Command::Acknowledge {
        alert,
        operator,
        reply,
    };
    command(&state, &site, make, ApiError::Conflict)
        .await
        .map(Json)
}

pub(crate) async fn resolve(
    State(state): State<ApiState>,
    axum::Extension(p): axum::Extension<Principal>,
    Path((site, alert)): Path<(String, String)>,
) -> Result<Json<AlertEvent>, ApiError> {
    let alert = AlertId(parse_id("alert", &alert)?);
    let operator = p.name;
    let make = |reply| Command::Resolve {
        alert,
        operator,
        reply,
    };
    command(&state, &site, make, ApiError::Conflict)
        .await
        .map(Json)
}

pub(crate) async fn zones(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<Json<Vec<picket_core::Zone>>, ApiError> {
    let entry = state.site(&site)?;
    Ok(Json(entry.live.with_snapshot(|s| s.zones.clone())))
}

fn guard_config(state: &ApiState, site: &str) -> Result<picket_guard::GuardConfig, ApiError> {
    let entry = state.site(site)?;
    let text = entry
        .guard_toml
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| {
            ApiError::Unavailable(format!("site {site:?}: configuration not given to the API"))
        })?;
    picket_guard::GuardConfig::parse(&text, site)
        .map_err(|e| ApiError::Internal(format!("configuration in force does not parse: {e}")))
}

pub(crate) async fn rules(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let config = guard_config(&state, &site)?;
    Ok(Json(
        serde_json::json!({ "guard": config.guard, "rule": config.rule }),
    ))
}

pub(crate) async fn whitelist(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let config = guard_config(&state, &site)?;
    Ok(Json(config.authorized))
}

/// Top-level sections of a site file that `GET .../config` shows; everything else (`auth`
/// with its token digests, `storage` paths, `api` and TLS settings, `output` targets whose URLs
/// may carry credentials, and anything added later) is left out: a whitelist, so a new secret
/// section is hidden by default.
const SHOWN_SECTIONS: &[&str] = &[
    "site",
    "sensor",
    "guard",
    "zone",
    "rule",
    "rules",
    "authorized",
];

/// Keys left out of any shown table, wherever they are (a sensor's token name, for instance).
const HIDDEN_KEYS: &[&str] = &[
    "token", "tokens", "sha256", "secret", "password", "key", "tls",
];

fn strip_hidden(value: &mut toml::Value) {
    match value {
        toml::Value::Table(t) => {
            t.retain(|k, _| !HIDDEN_KEYS.contains(&k));
            t.iter_mut().for_each(|(_, v)| strip_hidden(v));
        }
        toml::Value::Array(a) => a.iter_mut().for_each(strip_hidden),
        _ => {}
    }
}

/// The configuration in force with only [`SHOWN_SECTIONS`], re-serialized (comments are lost).
pub(crate) fn redacted_config(text: &str) -> Result<String, ApiError> {
    let mut doc: toml::Table = text
        .parse()
        .map_err(|e| ApiError::Internal(format!("configuration in force does not parse: {e}")))?;
    doc.retain(|k, _| SHOWN_SECTIONS.contains(&k));
    let mut value = toml::Value::Table(doc);
    strip_hidden(&mut value);
    toml::to_string(&value).map_err(|e| ApiError::Internal(format!("cannot write TOML: {e}")))
}

pub(crate) async fn get_config(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let entry = state.site(&site)?;
    let text = entry
        .guard_toml
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let text = text.ok_or_else(|| {
        ApiError::Unavailable(format!("site {site:?}: configuration not given to the API"))
    })?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/toml")],
        redacted_config(&text)?,
    ))
}

pub(crate) async fn put_config(
    State(state): State<ApiState>,
    axum::Extension(p): axum::Extension<Principal>,
    Path(site): Path<String>,
    body: String,
) -> Result<impl IntoResponse, ApiError> {
    // Checked here too so a typo is explained at once; the pipeline checks again before use.
    picket_guard::GuardConfig::load(&body, "request body")
        .map_err(|e| ApiError::BadRequest(format!("configuration refused: {e}")))?;
    let text = body.clone();
    let make = |reply| Command::Reload {
        config_toml: text,
        operator: p.name,
        reply,
    };
    command(&state, &site, make, ApiError::BadRequest).await?;
    let entry = state.site(&site)?;
    *entry.guard_toml.write().unwrap_or_else(|e| e.into_inner()) = Some(body);
    let zones = entry.live.with_snapshot(|s| s.zones.len());
    Ok(Json(
        serde_json::json!({ "reloaded": true, "zones": zones }),
    ))
}

pub(crate) async fn detections(
    State(state): State<ApiState>,
    axum::Extension(p): axum::Extension<Principal>,
    Path(site): Path<String>,
    body: String,
) -> Result<impl IntoResponse, ApiError> {
    // A sensor token speaks only for the sensor it is named after.
    let sensor = p.name;
    let entry = state.site(&site)?;
    let sink = entry.detections.as_ref().ok_or_else(|| {
        ApiError::Unavailable(format!("site {site:?} takes no detections over HTTP"))
    })?;
    let parsed = picket_jsondet::parse(&body)
        .map_err(|e| ApiError::BadRequest(format!("not valid JSON detections: {e}")))?;
    // Every detection must name that sensor: no token can post for another.
    if let Some(d) = parsed.iter().find(|d| d.sensor != sensor) {
        let why = format!(
            "detection names sensor {:?} but this post is from {sensor:?}",
            d.sensor
        );
        sink.refuse(&sensor, "wrong_sensor", &why);
        return Err(ApiError::BadRequest(why));
    }
    sink.inject(&sensor, body.into_bytes())
        .map_err(ApiError::BadRequest)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "accepted": parsed.len() })),
    ))
}
