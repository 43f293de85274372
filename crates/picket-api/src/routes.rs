//! The route table: every route with the role it needs and a one-line summary.
//!
//! The authorization middleware looks each matched route up here and refuses any route that
//! is missing (fail closed), the OpenAPI document is generated from it, and the tests walk it
//! to check 401 and 403 answers for every route and role.

use crate::auth::{Need, Role};

/// One route of the API.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// axum path pattern (`{param}` segments).
    pub path: &'static str,
    /// What the caller needs.
    pub need: Need,
    /// OpenAPI tag.
    pub tag: &'static str,
    /// One-line summary.
    pub summary: &'static str,
}

const V: Need = Need::Role(Role::Viewer);
const O: Need = Need::Role(Role::Operator);
const A: Need = Need::Role(Role::Admin);

const fn r(
    method: &'static str,
    path: &'static str,
    need: Need,
    tag: &'static str,
    summary: &'static str,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        need,
        tag,
        summary,
    }
}

/// Every route of [`crate::router`].
pub const ROUTES: &[RouteSpec] = &[
    r(
        "GET",
        "/healthz",
        Need::Public,
        "ops",
        "Liveness: 200 while the process serves",
    ),
    r(
        "GET",
        "/metrics",
        V,
        "ops",
        "Prometheus metrics (text exposition format)",
    ),
    r(
        "GET",
        "/api/v1/openapi.json",
        V,
        "ops",
        "This API's OpenAPI 3 document",
    ),
    r(
        "GET",
        "/api/v1/whoami",
        Need::AnyToken,
        "auth",
        "The calling token's name and role",
    ),
    r(
        "GET",
        "/api/v1/sites",
        V,
        "sites",
        "Every site with a summary",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}",
        V,
        "sites",
        "One site's summary",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/snapshot",
        V,
        "sites",
        "Everything live at once (the stream's first message)",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/sensors",
        V,
        "sensors",
        "Sensors and their health",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/layout",
        V,
        "sensors",
        "The sensor table: id, name, kind, position and coverage of each sensor",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/sensors/{sensor}",
        V,
        "sensors",
        "One sensor's health",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/tracks",
        V,
        "tracks",
        "Live tracks (filters: class, status)",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/tracks/{track}",
        V,
        "tracks",
        "One live track",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/tracks/{track}/history",
        V,
        "history",
        "Stored states of one track in a time window",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/history/tracks",
        V,
        "history",
        "Stored states of all tracks in a time window (replay)",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/history/alerts",
        V,
        "history",
        "Stored alert transitions in a time window",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/alerts",
        V,
        "alerts",
        "Current alerts (filter: state), most severe and newest first",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/alerts/{alert}",
        V,
        "alerts",
        "One alert's current state",
    ),
    r(
        "POST",
        "/api/v1/sites/{site}/alerts/{alert}/acknowledge",
        O,
        "alerts",
        "Acknowledge an alert; returns the resulting event",
    ),
    r(
        "POST",
        "/api/v1/sites/{site}/alerts/{alert}/resolve",
        O,
        "alerts",
        "Resolve an alert; returns the resulting event",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/zones",
        V,
        "config",
        "The site's zones as in force",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/rules",
        V,
        "config",
        "The guard's settings and rules",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/whitelist",
        V,
        "config",
        "Authorized identities",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/config",
        A,
        "config",
        "The configuration in force (TOML): site, sensors, zones, rules, whitelist; never auth, storage, api or outputs",
    ),
    r(
        "PUT",
        "/api/v1/sites/{site}/config",
        A,
        "config",
        "Replace zones, rules and whitelist (TOML body) without a restart",
    ),
    r(
        "POST",
        "/api/v1/sites/{site}/detections",
        Need::Sensor,
        "ingest",
        "JSON detections (picket-jsondet format) from the sensor the token is named after",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/audit",
        A,
        "audit",
        "Operator audit log in a time window",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/tiles/{z}/{x}/{y}",
        V,
        "map",
        "A basemap tile (XYZ numbering) from the site's MBTiles file; 404 when absent",
    ),
    r(
        "GET",
        "/api/v1/sites/{site}/stream",
        V,
        "stream",
        "WebSocket: a snapshot, then track/alert/sensor/zone updates",
    ),
];

/// The table entry for a matched path and method.
pub fn lookup(method: &str, path: &str) -> Option<&'static RouteSpec> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}
