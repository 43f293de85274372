//! Every route, every role, through `oneshot` (no socket): 401 without a valid token, 403
//! for too weak a role, an answer for the roles allowed; and what the answers hold.

mod common;

use axum::http::StatusCode;
use common::{ROLES, SITE, body, call, get, get_json, post, site, token, uri};
use picket_api::auth::Role;
use picket_api::router;
use picket_api::routes::ROUTES;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_answers_without_a_valid_token() {
    let t = site();
    let app = router(t.state.clone());
    for spec in ROUTES {
        let expected = if spec.path == "/healthz" {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        for bad in [None, Some("pkt_not_a_token"), Some("")] {
            let (status, _) = call(&app, spec.method, &uri(spec), bad, body(spec)).await;
            assert_eq!(
                status, expected,
                "{} {} with {bad:?}",
                spec.method, spec.path
            );
        }
        // A valid token's prefix is not a valid token.
        let partial = &token(Role::Admin)[..10];
        let (status, _) = call(&app, spec.method, &uri(spec), Some(partial), body(spec)).await;
        assert_eq!(
            status, expected,
            "{} {} with a partial token",
            spec.method, spec.path
        );
    }
    assert!(t.posted.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_weaker_roles_and_serves_the_others() {
    let t = site();
    let app = router(t.state.clone());
    let mut refused = 0;
    let mut served = 0;
    for spec in ROUTES {
        for role in ROLES {
            let (status, bytes) =
                call(&app, spec.method, &uri(spec), Some(token(role)), body(spec)).await;
            let text = String::from_utf8_lossy(&bytes);
            if role.satisfies(spec.need) {
                served += 1;
                // The stream answers a plain GET with 426 (it wants an upgrade), never 401/403.
                let ok = if spec.path.ends_with("/stream") {
                    status == StatusCode::UPGRADE_REQUIRED
                } else if spec.method == "POST" && spec.path.contains("/alerts/") {
                    // Passed authorization; a repeat on a resolved alert is the pipeline's 409.
                    status.is_success() || status == StatusCode::CONFLICT
                } else {
                    status.is_success()
                };
                assert!(
                    ok,
                    "{} {} as {role:?}: {status} {text}",
                    spec.method, spec.path
                );
            } else {
                refused += 1;
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {} as {role:?}: {text}",
                    spec.method,
                    spec.path
                );
            }
        }
    }
    // Sensors are refused everything but detections (and whoami); viewers the writes.
    assert!(
        refused >= 30 && served >= 40,
        "refused {refused}, served {served}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_cannot_acknowledge_operator_can_and_it_is_audited() {
    let t = site();
    let app = router(t.state.clone());
    let ack = format!("/api/v1/sites/{SITE}/alerts/3/acknowledge");
    let (status, _) = post(&app, &ack, Role::Viewer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&app, &ack, Role::Sensor).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.live.snapshot().alerts[&picket_core::AlertId(3)]
            .last
            .state,
        picket_core::AlertState::Raised
    );

    let (status, bytes) = post(&app, &ack, Role::Operator).await;
    assert_eq!(status, StatusCode::OK);
    let event: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(event["state"], "acknowledged");
    assert_eq!(event["actor"]["operator"], "operator-token");
    let alert = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/alerts/3"),
        Role::Viewer,
    )
    .await;
    assert_eq!(alert["state"], "acknowledged");

    let resolve = format!("/api/v1/sites/{SITE}/alerts/3/resolve");
    let (status, _) = post(&app, &resolve, Role::Admin).await;
    assert_eq!(status, StatusCode::OK);
    // The pipeline refuses acting on a resolved alert: 409 with its reason.
    let (status, bytes) = post(&app, &ack, Role::Operator).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(String::from_utf8_lossy(&bytes).contains("resolved"));
    let (status, _) = post(
        &app,
        &format!("/api/v1/sites/{SITE}/alerts/99/acknowledge"),
        Role::Operator,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    t.store.flush().unwrap();
    let audit = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/audit?from=0"),
        Role::Admin,
    )
    .await;
    let rows: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["actor"].as_str().unwrap().to_owned(),
                r["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("operator-token".into(), "acknowledge".into())),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("admin-token".into(), "resolve".into())),
        "{rows:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_lists_filter_and_order() {
    let t = site();
    let app = router(t.state.clone());
    let tracks = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/tracks?class=drone"),
        Role::Viewer,
    )
    .await;
    let ids: Vec<u64> = tracks
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3]);
    assert!(tracks[0]["geodetic"]["lat_deg"].as_f64().unwrap() > 51.47);
    let all = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/tracks?status=confirmed"),
        Role::Viewer,
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (status, bytes) = get(
        &app,
        &format!("/api/v1/sites/{SITE}/tracks?class=zeppelin"),
        Role::Viewer,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&bytes).contains("zeppelin"));
    let (status, _) = get(
        &app,
        &format!("/api/v1/sites/{SITE}/tracks/77"),
        Role::Viewer,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, "/api/v1/sites/south/tracks", Role::Viewer).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Most severe first.
    let alerts = get_json(&app, &format!("/api/v1/sites/{SITE}/alerts"), Role::Viewer).await;
    let ids: Vec<u64> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alert"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [3, 1]);
    let none = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/alerts?state=acknowledged,resolved"),
        Role::Viewer,
    )
    .await;
    assert_eq!(none.as_array().unwrap().len(), 0);

    let snapshot = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/snapshot"),
        Role::Viewer,
    )
    .await;
    assert_eq!(snapshot["type"], "snapshot");
    assert_eq!(snapshot["tracks"].as_array().unwrap().len(), 3);
    let sites = get_json(&app, "/api/v1/sites", Role::Viewer).await;
    assert_eq!(sites[0]["tracks"], 3);
    assert_eq!(sites[0]["alerts_open"], 2);
    let sensor = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/sensors/radar"),
        Role::Viewer,
    )
    .await;
    assert_eq!(sensor["rejects"]["truncated"], 1);
    let whitelist = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/whitelist"),
        Role::Viewer,
    )
    .await;
    assert_eq!(whitelist[0]["rid"], "1596A-SURVEY");
    let rules = get_json(&app, &format!("/api/v1/sites/{SITE}/rules"), Role::Viewer).await;
    assert_eq!(rules["rule"][0]["kind"], "entry");
    let me = get_json(&app, "/api/v1/whoami", Role::Sensor).await;
    assert_eq!(me["role"], "sensor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensors_are_placed_with_coverage_and_named_in_tracks() {
    let t = site();
    let app = router(t.state.clone());
    let layout = get_json(&app, &format!("/api/v1/sites/{SITE}/layout"), Role::Viewer).await;
    let layout = layout.as_array().unwrap();
    assert_eq!(layout.len(), 2);
    assert_eq!(layout[0]["name"], "radar");
    assert_eq!(layout[0]["id"], 0);
    assert_eq!(layout[0]["kind"], "radar");
    assert_eq!(layout[0]["position"]["x"], 120.0);
    // 40 m south and 120 m east of the origin.
    assert!(layout[0]["geodetic"]["lat_deg"].as_f64().unwrap() < 51.47);
    assert!(layout[0]["geodetic"]["lon_deg"].as_f64().unwrap() > -0.45);
    assert_eq!(layout[0]["coverage"]["source"], "nominal");
    assert_eq!(layout[1]["coverage"]["source"], "configured");
    assert_eq!(layout[1]["coverage"]["range_m"], 1200.0);
    assert_eq!(layout[1]["coverage"]["boresight_deg"], 45.0);
    assert_eq!(layout[1]["coverage"]["fov_deg"], 60.0);
    // Tracks name their sensors, live, in the stream's snapshot and from history.
    let one = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/tracks/1"),
        Role::Viewer,
    )
    .await;
    assert_eq!(
        one["sensor_names"],
        serde_json::json!(["radar", "cam-gate"])
    );
    let snapshot = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/snapshot"),
        Role::Viewer,
    )
    .await;
    assert_eq!(snapshot["layout"][1]["name"], "cam-gate");
    assert_eq!(
        snapshot["tracks"][1]["sensor_names"],
        serde_json::json!(["radar"])
    );
    t.store.flush().unwrap();
    let history = get_json(
        &app,
        &format!(
            "/api/v1/sites/{SITE}/tracks/2/history?from={}&to={}",
            common::T0,
            common::T0 + 5.0
        ),
        Role::Viewer,
    )
    .await;
    assert_eq!(
        history["items"][0]["sensor_names"],
        serde_json::json!(["radar"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_comes_from_the_store() {
    let t = site();
    let app = router(t.state.clone());
    t.store.flush().unwrap();
    let (from, to) = (common::T0, common::T0 + 1.5);
    let one = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/tracks/1/history?from={from}&to={to}"),
        Role::Viewer,
    )
    .await;
    let times: Vec<f64> = one["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["time"].as_f64().unwrap())
        .collect();
    assert_eq!(times, [common::T0, common::T0 + 1.0]);
    assert_eq!(one["truncated"], false);
    let all = get_json(
        &app,
        &format!(
            "/api/v1/sites/{SITE}/history/tracks?from={from}&to={}&limit=3",
            common::T0 + 10.0
        ),
        Role::Viewer,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    assert_eq!(all["truncated"], true);
    let alerts = get_json(
        &app,
        &format!(
            "/api/v1/sites/{SITE}/history/alerts?from={from}&to={}",
            common::T0 + 10.0
        ),
        Role::Viewer,
    )
    .await;
    assert_eq!(alerts["items"][0]["alert"], 1);
    let (status, _) = get(
        &app,
        &format!("/api/v1/sites/{SITE}/history/tracks?from=yesterday"),
        Role::Viewer,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(
        &app,
        &format!("/api/v1/sites/{SITE}/history/tracks?from=10&to=5"),
        Role::Viewer,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensors_post_detections_only_for_themselves() {
    let t = site();
    let app = router(t.state.clone());
    let url = format!("/api/v1/sites/{SITE}/detections");
    let good = body(
        ROUTES
            .iter()
            .find(|r| r.path.ends_with("/detections"))
            .unwrap(),
    );
    let (status, _) = call(&app, "POST", &url, Some(token(Role::Sensor)), good.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(t.posted.lock().unwrap()[0].0, "radar");
    assert_eq!(t.posted.lock().unwrap()[0].1, good.as_bytes());
    // Speaking for another sensor, or sending nonsense, is refused and nothing is queued.
    let other = good.replace("\"radar\"", "\"rf-2\"");
    let (status, bytes) = call(&app, "POST", &url, Some(token(Role::Sensor)), other).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (status, _) = call(
        &app,
        "POST",
        &url,
        Some(token(Role::Sensor)),
        "{\"sensor\":1}".into(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(t.posted.lock().unwrap().len(), 1);
    // The refusal is counted against the sensor that posted it.
    assert_eq!(
        *t.refused.lock().unwrap(),
        vec![("radar".to_owned(), "wrong_sensor")]
    );
    // Even an admin cannot post as a sensor.
    let (status, _) = call(&app, "POST", &url, Some(token(Role::Admin)), good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_replaces_the_configuration_and_bad_text_is_explained() {
    let t = site();
    let app = router(t.state.clone());
    let url = format!("/api/v1/sites/{SITE}/config");
    let (status, bytes) = call(
        &app,
        "PUT",
        &url,
        Some(token(Role::Admin)),
        "[[zone]]\nid = 1".into(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&bytes).contains("configuration refused"));
    let changed = common::GUARD_TOML.replace("1596A-SURVEY", "1596A-NEW");
    let (status, _) = call(&app, "PUT", &url, Some(token(Role::Admin)), changed).await;
    assert_eq!(status, StatusCode::OK);
    let whitelist = get_json(
        &app,
        &format!("/api/v1/sites/{SITE}/whitelist"),
        Role::Viewer,
    )
    .await;
    assert_eq!(whitelist[0]["rid"], "1596A-NEW");
    let (status, _) = call(
        &app,
        "PUT",
        &url,
        Some(token(Role::Operator)),
        common::GUARD_TOML.into(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_lists_exactly_the_routes_the_router_serves() {
    let t = site();
    let app = router(t.state.clone());
    let doc = get_json(&app, "/api/v1/openapi.json", Role::Viewer).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let table: std::collections::BTreeSet<_> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(documented, table);
    // Each documented path answers its documented methods (checked above per role) and no
    // other: an undocumented method on a known path is 405, so the router has nothing more.
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{site}", SITE)
            .replace("{sensor}", "radar")
            .replace("{track}", "1")
            .replace("{alert}", "3")
            .replace("{z}/{x}/{y}", "1/0/1");
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            if item.get(method.to_lowercase()).is_none() {
                let (status, _) = call(
                    &app,
                    method,
                    &concrete,
                    Some(token(Role::Admin)),
                    String::new(),
                )
                .await;
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            }
        }
        for p in item
            .as_object()
            .unwrap()
            .values()
            .flat_map(|op| op["parameters"].as_array().unwrap())
        {
            if p["in"] == "path" {
                assert!(path.contains(&format!("{{{}}}", p["name"].as_str().unwrap())));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_and_console_placeholder() {
    let t = site();
    let app = router(t.state.clone());
    let (status, body) = call(&app, "GET", "/healthz", None, String::new()).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, b"ok\n".as_slice())
    );
    let (status, body) = get(&app, "/metrics", Role::Viewer).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("picket_tracks{site=\"north\"} 3"), "{text}");
    assert!(
        text.contains(
            "picket_sensor_rejects{site=\"north\",sensor=\"radar\",reason=\"truncated\"} 1"
        ),
        "{text}"
    );
    // The console's files need no token (the login page must load first).
    let (status, body) = call(&app, "GET", "/", None, String::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("picket"));
    // Client-side console routes get the page too; a missing file is a plain 404.
    let (status, body) = call(&app, "GET", "/alerts/3", None, String::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("<html"));
    let (status, _) = call(&app, "GET", "/assets/missing.js", None, String::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, "GET", "/api/v1/nothing", None, String::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The policy itself, so a slip in the table cannot open a route: only `/healthz` is public,
/// nothing that changes state is open to viewers, and sensors reach only detections.
#[test]
fn the_route_table_states_the_policy() {
    use picket_api::auth::Need;
    for spec in ROUTES {
        let public = spec.need == Need::Public;
        assert_eq!(
            public,
            spec.path == "/healthz",
            "{} {}",
            spec.method,
            spec.path
        );
        if spec.method != "GET" {
            let writer = matches!(
                spec.need,
                Need::Sensor | Need::Role(Role::Operator | Role::Admin)
            );
            assert!(writer, "{} {} is open to viewers", spec.method, spec.path);
        }
        assert_eq!(
            spec.need == Need::Sensor,
            spec.path.ends_with("/detections"),
            "{}",
            spec.path
        );
        if spec.path.ends_with("/audit") || spec.method == "PUT" {
            assert_eq!(spec.need, Need::Role(Role::Admin), "{}", spec.path);
        }
    }
}
