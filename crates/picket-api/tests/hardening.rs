//! Issue 6's API hardening: the configuration route hides secrets; refused requests are
//! audited and counted; and every route's role is checked against a table written here, apart
//! from the route table, so a slip in either shows.

mod common;

use axum::http::StatusCode;
use common::{ROLES, SECRET_DIGEST, SITE, body, call, get, get_json, site, token, uri};
use picket_api::auth::Role;
use picket_api::router;
use picket_api::routes::ROUTES;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Who may use each route, stated independently of `routes::ROUTES`: `public`, `any` (any
/// valid token), `sensor`, or the lowest rung of viewer < operator < admin.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/healthz", "public"),
    ("GET", "/metrics", "viewer"),
    ("GET", "/api/v1/openapi.json", "viewer"),
    ("GET", "/api/v1/whoami", "any"),
    ("GET", "/api/v1/sites", "viewer"),
    ("GET", "/api/v1/sites/{site}", "viewer"),
    ("GET", "/api/v1/sites/{site}/snapshot", "viewer"),
    ("GET", "/api/v1/sites/{site}/sensors", "viewer"),
    ("GET", "/api/v1/sites/{site}/layout", "viewer"),
    ("GET", "/api/v1/sites/{site}/sensors/{sensor}", "viewer"),
    ("GET", "/api/v1/sites/{site}/tracks", "viewer"),
    ("GET", "/api/v1/sites/{site}/tracks/{track}", "viewer"),
    (
        "GET",
        "/api/v1/sites/{site}/tracks/{track}/history",
        "viewer",
    ),
    ("GET", "/api/v1/sites/{site}/history/tracks", "viewer"),
    ("GET", "/api/v1/sites/{site}/history/alerts", "viewer"),
    ("GET", "/api/v1/sites/{site}/alerts", "viewer"),
    ("GET", "/api/v1/sites/{site}/alerts/{alert}", "viewer"),
    (
        "POST",
        "/api/v1/sites/{site}/alerts/{alert}/acknowledge",
        "operator",
    ),
    (
        "POST",
        "/api/v1/sites/{site}/alerts/{alert}/resolve",
        "operator",
    ),
    ("GET", "/api/v1/sites/{site}/zones", "viewer"),
    ("GET", "/api/v1/sites/{site}/rules", "viewer"),
    ("GET", "/api/v1/sites/{site}/whitelist", "viewer"),
    ("GET", "/api/v1/sites/{site}/config", "admin"),
    ("PUT", "/api/v1/sites/{site}/config", "admin"),
    ("POST", "/api/v1/sites/{site}/detections", "sensor"),
    ("GET", "/api/v1/sites/{site}/audit", "admin"),
    ("GET", "/api/v1/sites/{site}/tiles/{z}/{x}/{y}", "viewer"),
    ("GET", "/api/v1/sites/{site}/stream", "viewer"),
];

fn allowed(need: &str, role: Role) -> bool {
    let rank = |r: Role| match r {
        Role::Viewer => 1,
        Role::Operator => 2,
        Role::Admin => 3,
        Role::Sensor => 0,
    };
    match need {
        "public" | "any" => true,
        "sensor" => role == Role::Sensor,
        "viewer" => rank(role) >= 1,
        "operator" => rank(role) >= 2,
        "admin" => rank(role) >= 3,
        other => panic!("unknown need {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_role_as_the_independent_table_says() {
    let expected: BTreeSet<(&str, &str)> = EXPECTED.iter().map(|(m, p, _)| (*m, *p)).collect();
    let table: BTreeSet<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        table, expected,
        "a route was added or removed: state who may use it in EXPECTED"
    );
    let t = site();
    let app = router(t.state.clone());
    for (method, path, need) in EXPECTED {
        let spec = ROUTES
            .iter()
            .find(|r| r.method == *method && r.path == *path)
            .unwrap();
        for role in ROLES {
            let (status, bytes) =
                call(&app, method, &uri(spec), Some(token(role)), body(spec)).await;
            let text = String::from_utf8_lossy(&bytes);
            if allowed(need, role) {
                assert!(
                    !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                    "{method} {path} as {role:?} ({need}): {status} {text}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{method} {path} as {role:?} ({need}): {text}"
                );
            }
        }
        let (status, _) = call(&app, method, &uri(spec), None, body(spec)).await;
        let want = if *need == "public" {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(status, want, "{method} {path} without a token");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configuration_route_never_shows_secrets() {
    let t = site();
    let app = router(t.state.clone());
    let url = format!("/api/v1/sites/{SITE}/config");
    let (status, bytes) = get(&app, &url, Role::Admin).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    for secret in [SECRET_DIGEST, "sha256", "north.db", "[storage"] {
        assert!(!text.contains(secret), "{secret:?} served:\n{text}");
    }
    // What an admin needs to see is there, and it is valid TOML.
    let doc: toml::Table = text.parse().unwrap();
    assert!(
        !doc.contains_key("auth") && !doc.contains_key("storage"),
        "{text}"
    );
    assert_eq!(doc["zone"][0]["id"].as_str(), Some("runway"));
    assert_eq!(doc["sensor"][1]["name"].as_str(), Some("cam-gate"));
    assert_eq!(doc["authorized"][0]["rid"].as_str(), Some("1596A-SURVEY"));
    // Nor in any other answer an admin can get.
    for spec in ROUTES.iter().filter(|r| r.method == "GET") {
        if spec.path.ends_with("/stream") {
            continue;
        }
        let (_, bytes) = get(&app, &uri(spec), Role::Admin).await;
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET_DIGEST),
            "{} serves a token digest",
            spec.path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_are_audited_and_counted() {
    let t = site();
    let app = router(t.state.clone());
    let ack = format!("/api/v1/sites/{SITE}/alerts/3/acknowledge");
    let resolve = format!("/api/v1/sites/{SITE}/alerts/3/resolve");
    let config = format!("/api/v1/sites/{SITE}/config");
    let audit = format!("/api/v1/sites/{SITE}/audit");
    let tracks = format!("/api/v1/sites/{SITE}/tracks");
    let cases = [
        (
            "POST",
            &ack,
            Some(token(Role::Viewer)),
            StatusCode::FORBIDDEN,
        ),
        ("POST", &resolve, None, StatusCode::UNAUTHORIZED),
        ("PUT", &config, Some("pkt_forged"), StatusCode::UNAUTHORIZED),
        (
            "GET",
            &audit,
            Some(token(Role::Operator)),
            StatusCode::FORBIDDEN,
        ),
        ("GET", &tracks, None, StatusCode::UNAUTHORIZED),
    ];
    for (method, url, tok, want) in cases {
        let (status, _) = call(&app, method, url, tok, body_for(method)).await;
        assert_eq!(status, want, "{method} {url}");
    }
    assert_eq!(
        t.live.snapshot().alerts[&picket_core::AlertId(3)]
            .last
            .state,
        picket_core::AlertState::Raised
    );
    let wanted = [
        ("viewer-token", format!("POST {ack}"), "403"),
        ("unauthenticated", format!("POST {resolve}"), "401"),
        ("unauthenticated", format!("PUT {config}"), "401"),
        ("operator-token", format!("GET {audit}"), "403"),
    ];
    let deadline = Instant::now() + Duration::from_secs(10);
    let rows = loop {
        t.store.flush().unwrap();
        let page = get_json(&app, &format!("{audit}?from=0"), Role::Admin).await;
        let rows: Vec<(String, String, String)> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "refused")
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap().to_owned();
                (s("actor"), s("target"), s("detail"))
            })
            .collect();
        if rows.len() >= wanted.len() || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for (actor, target, status) in &wanted {
        assert!(
            rows.iter()
                .any(|(a, tg, d)| a == actor && tg == target && d.starts_with(status)),
            "no audit row for {actor} {target}: {rows:?}"
        );
    }
    // An anonymous GET is counted, not audited; the forged token is never written.
    assert!(
        !rows.iter().any(|(_, tg, _)| tg.ends_with("/tracks")),
        "{rows:?}"
    );
    assert!(!format!("{rows:?}").contains("pkt_forged"));
    let (_, metrics) = get(&app, "/metrics", Role::Viewer).await;
    let metrics = String::from_utf8(metrics).unwrap();
    for line in [
        "picket_api_refused_total{route=\"/api/v1/sites/{site}/alerts/{alert}/acknowledge\",reason=\"role\"}",
        "picket_api_refused_total{route=\"/api/v1/sites/{site}/alerts/{alert}/resolve\",reason=\"no_token\"}",
        "picket_api_refused_total{route=\"/api/v1/sites/{site}/config\",reason=\"bad_token\"}",
        "picket_api_refused_total{route=\"/api/v1/sites/{site}/tracks\",reason=\"no_token\"}",
    ] {
        assert!(metrics.contains(line), "no {line} in:\n{metrics}");
    }
}

fn body_for(method: &str) -> String {
    if method == "PUT" {
        common::GUARD_TOML.to_owned()
    } else {
        String::new()
    }
}
