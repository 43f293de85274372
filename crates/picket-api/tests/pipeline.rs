//! Through the real pipeline (picket-server's site thread, guard and SQLite store): JSON
//! detections posted with a sensor token make a track and an alert; an operator acknowledges
//! it through the API, the guard applies it, and the audit log shows who did.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use picket_api::auth::{Role, StoredToken, TokenTable};
use picket_api::{ApiState, router};
use picket_server::Server;
use picket_server::config::SiteConfig;
use serde_json::Value;
use std::time::{Duration, Instant};
use tower::ServiceExt;

fn site_toml(db: &std::path::Path) -> String {
    format!(
        r#"
[site]
id = "test"
origin = {{ lat_deg = 51.47, lon_deg = -0.45, alt_m = 0.0 }}
reorder_window_s = 0.02

# A sensor that reports positions: the tracker reads cameras as bearing-only and starts no
# track from them alone.
[[sensor]]
name = "cam-1"
kind = "generic"
format = "json"

[storage]
path = "{db}"
durability = "process_crash"

[[auth.token]]
name = "cam-1"
role = "sensor"
sha256 = "{cam}"

[[auth.token]]
name = "olivia"
role = "operator"
sha256 = "{op}"

[[auth.token]]
name = "ada"
role = "admin"
sha256 = "{admin}"

[[zone]]
id = "hq"
kind = "protected"
circle = {{ x = 0.0, y = 0.0, r_m = 2000.0 }}
ceiling_m = 500.0

[[rule]]
kind = "entry"
level = 4
"#,
        db = db.display(),
        cam = picket_server::hash_token("pkt_cam"),
        op = picket_server::hash_token("pkt_op"),
        admin = picket_server::hash_token("pkt_admin"),
    )
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: &str,
    body: String,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[test]
fn detections_to_alert_to_acknowledgement_to_audit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let text = site_toml(&db);
    let config = SiteConfig::parse(&text, "test.toml").expect("valid site file");
    // The site file's [auth] tokens (hashed by the server's helper) are the API's tokens.
    let auth = &config.server.auth;
    let inline: Vec<StoredToken> = auth
        .token
        .iter()
        .map(|t| StoredToken {
            name: t.name.clone(),
            role: t.role.clone(),
            sha256: t.sha256.clone(),
        })
        .collect();
    let tokens = TokenTable::load_all(auth.tokens_file.as_deref(), &inline).unwrap();
    assert_eq!(tokens.verify("pkt_op").unwrap().role, Role::Operator);
    let server = Server::start(vec![config]).expect("starts");
    let injector = server.injector("test").unwrap();
    let state = ApiState::new(server.registry(), tokens)
        .with_store("test", &db)
        .with_guard_config("test", text)
        .with_detections("test", move |sensor: &str, bytes| {
            injector.inject(sensor, bytes)
        });
    let app = router(state);

    server.runtime().block_on(async {
        let t0 = picket_server::now().as_secs() - 30.0;
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut k = 0;
        let alert = loop {
            assert!(Instant::now() < deadline, "no track and alert from posted detections");
            let detection = format!(
                r#"{{"sensor":"cam-1","time":{},"local":{{"x_m":{},"y_m":300.0,"z_m":80.0,"sigma_m":5.0}},"class":{{"drone":0.9,"bird":0.1}}}}"#,
                t0 + 0.5 * f64::from(k),
                500.0 + 2.0 * f64::from(k)
            );
            k += 1;
            let (status, body) = call(&app, "POST", "/api/v1/sites/test/detections", "pkt_cam", detection).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
            tokio::time::sleep(Duration::from_millis(30)).await;
            let (_, alerts) = call(&app, "GET", "/api/v1/sites/test/alerts", "pkt_op", String::new()).await;
            if let Some(a) = alerts.as_array().and_then(|a| a.first()) {
                break a.clone();
            }
        };
        assert_eq!(alert["zone"], "hq");
        let (_, tracks) = call(&app, "GET", "/api/v1/sites/test/tracks", "pkt_op", String::new()).await;
        assert!(!tracks.as_array().unwrap().is_empty());

        let id = alert["alert"].as_u64().unwrap();
        let url = format!("/api/v1/sites/test/alerts/{id}/acknowledge");
        let (status, event) = call(&app, "POST", &url, "pkt_op", String::new()).await;
        assert_eq!(status, StatusCode::OK, "{event}");
        assert_eq!(event["state"], "acknowledged");
        let (_, now) = call(&app, "GET", &format!("/api/v1/sites/test/alerts/{id}"), "pkt_op", String::new()).await;
        assert_eq!(now["state"], "acknowledged");

        // The audit row is committed by the site's writer shortly after.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (status, audit) = call(&app, "GET", "/api/v1/sites/test/audit?from=0", "pkt_admin", String::new()).await;
            assert_eq!(status, StatusCode::OK, "{audit}");
            let found = audit["items"].as_array().unwrap().iter().any(|r| {
                r["actor"] == "olivia" && r["action"] == "acknowledge"
            });
            if found {
                break;
            }
            assert!(Instant::now() < deadline, "no audit row: {audit}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (status, _) = call(&app, "GET", "/api/v1/sites/test/history/alerts?from=0", "pkt_op", String::new()).await;
        assert_eq!(status, StatusCode::OK);
    });
    server.shutdown().unwrap();
}
