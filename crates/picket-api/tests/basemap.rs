//! The offline basemap: tiles from an MBTiles file made in the test, through the router.

mod common;

use axum::http::StatusCode;
use common::{SITE, get, get_json, get_response, site, token};
use http_body_util::BodyExt;
use picket_api::auth::Role;
use picket_api::router;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basemap_tiles_round_trip_with_the_tms_row_flip() {
    let t = site();
    let app = router(t.state.clone());
    let tile = |z: u8, x: u32, y: &str| format!("/api/v1/sites/{SITE}/tiles/{z}/{x}/{y}");
    for (z, x, y) in [
        (0u8, 0u32, 0u32),
        (1, 0, 0),
        (1, 1, 0),
        (1, 0, 1),
        (1, 1, 1),
    ] {
        let response = get_response(app.clone(), &tile(z, x, &y.to_string()), Role::Viewer).await;
        assert_eq!(response.status(), StatusCode::OK, "{z}/{x}/{y}");
        assert_eq!(response.headers()["content-type"], "image/png");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        // Row 1 of zoom 1 in the file is the northern row, y = 0 on the web map.
        assert_eq!(bytes.as_ref(), common::tile_bytes(z, x, y), "{z}/{x}/{y}");
    }
    let (status, bytes) = get(&app, &tile(1, 1, "0.png"), Role::Viewer).await;
    assert_eq!(
        (status, bytes),
        (StatusCode::OK, common::tile_bytes(1, 1, 0))
    );
    // Missing tiles, addresses outside the zoom level and non-numbers.
    for (uri, want) in [
        (tile(2, 0, "0"), StatusCode::NOT_FOUND),
        (tile(1, 2, "0"), StatusCode::NOT_FOUND),
        (tile(1, 0, "2"), StatusCode::NOT_FOUND),
        (tile(40, 0, "0"), StatusCode::NOT_FOUND),
        (
            format!("/api/v1/sites/{SITE}/tiles/1/0/..%2F..%2Fetc"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/sites/{SITE}/tiles/a/0/0"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/sites/south/tiles/0/0/0".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, _) = get(&app, &uri, Role::Viewer).await;
        assert_eq!(status, want, "{uri}");
    }
    let summary = get_json(&app, &format!("/api/v1/sites/{SITE}"), Role::Viewer).await;
    assert_eq!(summary["basemap"]["format"], "png");
    assert_eq!(summary["basemap"]["max_zoom"], 1);
    assert_eq!(summary["basemap"]["attribution"], "made in the test");
}

#[test]
fn a_site_without_basemap_answers_404_and_jpeg_tiles_say_so() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (live, _rx) =
            picket_live::LiveSite::new("bare", picket_core::Geodetic::new(0.0, 0.0, 0.0), 4);
        let mut registry = picket_live::Registry::default();
        registry.insert(live);
        let mut tokens = picket_api::auth::TokenTable::default();
        tokens.insert(token(Role::Viewer), "v", Role::Viewer);
        let dir = tempfile::tempdir().unwrap();
        let jpg = dir.path().join("jpg.mbtiles");
        common::make_mbtiles(&jpg, "jpg");
        let bare = router(picket_api::ApiState::new(registry.clone(), tokens.clone()));
        let (status, bytes) = get(&bare, "/api/v1/sites/bare/tiles/0/0/0", Role::Viewer).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(String::from_utf8_lossy(&bytes).contains("no basemap"));
        let summary = get_json(&bare, "/api/v1/sites/bare", Role::Viewer).await;
        assert!(summary["basemap"].is_null());
        let state = picket_api::ApiState::new(registry, tokens)
            .with_basemap("bare", &jpg)
            .unwrap();
        let response = get_response(
            router(state),
            "/api/v1/sites/bare/tiles/0/0/0",
            Role::Viewer,
        )
        .await;
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        // Vector tiles stored gzipped are served as protobuf with their encoding stated.
        let pbf = dir.path().join("pbf.mbtiles");
        common::make_mbtiles(&pbf, "pbf");
        rusqlite::Connection::open(&pbf)
            .unwrap()
            .execute(
                "UPDATE tiles SET tile_data = ?1 WHERE zoom_level = 0",
                [vec![0x1fu8, 0x8b, 8, 0, 0]],
            )
            .unwrap();
        let mut reg = picket_live::Registry::default();
        reg.insert(
            picket_live::LiveSite::new("bare", picket_core::Geodetic::new(0.0, 0.0, 0.0), 4).0,
        );
        let mut tokens = picket_api::auth::TokenTable::default();
        tokens.insert(token(Role::Viewer), "v", Role::Viewer);
        let state = picket_api::ApiState::new(reg, tokens)
            .with_basemap("bare", &pbf)
            .unwrap();
        let response = get_response(
            router(state),
            "/api/v1/sites/bare/tiles/0/0/0",
            Role::Viewer,
        )
        .await;
        assert_eq!(response.headers()["content-type"], "application/x-protobuf");
        assert_eq!(response.headers()["content-encoding"], "gzip");
        // A basemap path that is not an MBTiles file is refused when configured.
        let reg = picket_live::Registry::default();
        assert!(
            picket_api::ApiState::new(reg, picket_api::auth::TokenTable::default())
                .with_basemap("bare", dir.path().join("missing.mbtiles"))
                .is_err()
        );
    });
}
