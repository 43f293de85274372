//! The OpenAPI 3.1 document, generated from the route table ([`crate::routes::ROUTES`]) so
//! that it cannot leave a route out: path parameters come from the `{name}` segments, the
//! security requirement from each route's role, and query parameters from a short list here.

use crate::ApiState;
use crate::auth::Need;
use crate::routes::{ROUTES, RouteSpec};
use axum::Json;
use serde_json::{Value, json};

const WINDOW: &[(&str, &str)] = &[
    (
        "from",
        "Start, RFC 3339 or Unix seconds (default: an hour before `to`)",
    ),
    ("to", "End, RFC 3339 or Unix seconds (default: now)"),
    ("limit", "Most rows (capped by the server)"),
];

/// Query parameters of a route, by its path below `/api/v1/sites/{site}`.
fn query_parameters(site_path: &str) -> &'static [(&'static str, &'static str)] {
    match site_path {
        "/tracks" => &[
            ("class", "Best class: drone, bird, aircraft, other, unknown"),
            ("status", "tentative, confirmed or coasting"),
        ],
        "/alerts" => &[(
            "state",
            "Comma-separated: raised, escalated, acknowledged, resolved",
        )],
        "/tracks/{track}/history" | "/history/tracks" | "/history/alerts" | "/audit" => WINDOW,
        _ => &[],
    }
}

fn parameters(spec: &RouteSpec) -> Vec<Value> {
    let mut out: Vec<Value> = spec
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    let site_path = spec.path.strip_prefix("/api/v1/sites/{site}").unwrap_or("");
    for (name, description) in query_parameters(site_path) {
        out.push(json!({"name": name, "in": "query", "required": false,
                        "description": description, "schema": {"type": "string"}}));
    }
    out
}

fn operation(spec: &RouteSpec) -> Value {
    let mut responses = json!({
        "200": {"description": "Success"},
    });
    if spec.need != Need::Public {
        responses["401"] = json!({"description": "No valid token"});
        if !matches!(spec.need, Need::AnyToken) {
            responses["403"] =
                json!({"description": format!("Role too weak (needs {})", spec.need.as_str())});
        }
    }
    let mut op = json!({
        "summary": spec.summary,
        "tags": [spec.tag],
        "operationId": format!("{}{}", spec.method.to_lowercase(), spec.path.replace(['/', '{', '}', '.'], "_")),
        "parameters": parameters(spec),
        "responses": responses,
        "x-picket-role": spec.need.as_str(),
    });
    op["security"] = if spec.need == Need::Public {
        json!([])
    } else {
        json!([{"bearer": []}])
    };
    match (spec.method, spec.path.rsplit('/').next()) {
        ("PUT", Some("config")) => {
            op["requestBody"] = json!({"required": true, "content": {"application/toml": {"schema": {"type": "string"}}}});
        }
        ("POST", Some("detections")) => {
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": {}}}});
            op["responses"]["202"] = json!({"description": "Queued for the site's pipeline"});
        }
        _ => {}
    }
    op
}

/// The document as JSON.
pub fn spec() -> Value {
    let mut paths = serde_json::Map::new();
    for r in ROUTES {
        let entry = paths.entry(r.path).or_insert_with(|| json!({}));
        entry[r.method.to_lowercase()] = operation(r);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "picket API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Live air picture, alerts and history of picket sites. Tokens: \
                `Authorization: Bearer <token>`; roles viewer < operator < admin, and sensor.",
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    })
}

pub(crate) async fn document(_: axum::extract::State<ApiState>) -> Json<Value> {
    Json(spec())
}
