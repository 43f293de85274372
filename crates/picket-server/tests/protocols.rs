//! SAPIENT sessions, the Beast client and operator commands, on loopback.

use picket_core::{AlertState, Geodetic};
use picket_formats::picket_modes::{beast::write_beast, encode::airborne_position};
use picket_formats::picket_sapient::{
    self as sapient, builders, framing, v2_0::sapient_message::Content,
};
use picket_live::Command;
use picket_server::Server;
use picket_server::config::SiteConfig;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

mod common;
use common::{geodetic, protected_zone, sensor_section, site_section, storage_section, wait_for};

fn config(dir: &Path, beast_feed: std::net::SocketAddr, zone_r_m: f64) -> String {
    // A SAPIENT node reporting geolocated positions. (Not kind camera: the tracker treats
    // camera, RF and acoustic sensors as bearing-only and does not start tracks from them.)
    site_section("proto", 0.02, "")
        + &sensor_section("camera", "generic", "sapient", "tcp", "")
        + &format!(
            "[[sensor]]\nname = \"adsb\"\nkind = \"adsb\"\nformat = \"beast\"\nconnect = \"{beast_feed}\"\n\n"
        )
        + &storage_section(&dir.join("site.db"), Some("process_crash"))
        + &protected_zone(zone_r_m, 3000.0)
}

/// The envelope of SAPIENT node `node`, and its Registration sent on `stream`.
fn register(stream: &mut TcpStream, node: &str) -> builders::Envelope {
    let envelope = builders::Envelope {
        node_id: picket_server::node_id(node),
        destination_id: None,
    };
    let identity = builders::NodeIdentity {
        name: "camera".into(),
        short_name: "cam".into(),
        manufacturer: "test".into(),
        model: "test".into(),
        software_version: "1".into(),
        status_interval_s: 5.0,
    };
    send(
        stream,
        &envelope,
        Content::Registration(builders::fusion_registration(&identity)),
    );
    envelope
}

fn send(stream: &mut TcpStream, envelope: &builders::Envelope, content: Content) {
    let msg = envelope.message(picket_server::now(), content);
    stream
        .write_all(&framing::encode_frame(&sapient::encode_v2(&msg)))
        .unwrap();
}

fn detection(k: u64) -> Content {
    let east_m = 300.0 + 2.0 * k as f64;
    let d = builders::Detection {
        report_id: builders::ulid(1_700_000_000_000 + k, u128::from(k) + 1),
        object_id: builders::ulid(1_700_000_000_000, 42),
        position: Geodetic::new(geodetic(east_m, 0.0).0, geodetic(east_m, 0.0).1, 50.0),
        sigma_h_m: 5.0,
        sigma_v_m: 5.0,
        velocity: None,
        class: None,
        confidence: Some(0.9),
    };
    Content::DetectionReport(builders::detection_report(&d))
}

#[test]
fn sapient_registration_then_detections_make_a_track() {
    let dir = tempfile::tempdir().unwrap();
    let feed = TcpListener::bind("127.0.0.1:0").unwrap();
    let text = config(dir.path(), feed.local_addr().unwrap(), 2000.0);
    let server = Server::start(vec![SiteConfig::parse(&text, "proto.toml").unwrap()]).unwrap();
    let site = server.registry().get("proto").unwrap().clone();
    let mut stream = TcpStream::connect(server.addr("proto", "camera").unwrap()).unwrap();
    // A detection before registering is refused.
    let unregistered = builders::Envelope {
        node_id: picket_server::node_id("camera-1"),
        destination_id: None,
    };
    send(&mut stream, &unregistered, detection(0));
    let envelope = register(&mut stream, "camera-1");
    // The RegistrationAck comes back framed.
    let mut prefix = [0u8; 4];
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.read_exact(&mut prefix).unwrap();
    let mut payload = vec![0u8; u32::from_le_bytes(prefix) as usize];
    stream.read_exact(&mut payload).unwrap();
    let ack = sapient::decode_v2(&payload).unwrap();
    match ack.content {
        Some(Content::RegistrationAck(a)) => assert_eq!(a.acceptance, Some(true)),
        other => panic!("expected a RegistrationAck, got {other:?}"),
    }
    assert_eq!(ack.destination_id, envelope.node_id.clone().into());
    let mut k = 1;
    wait_for("a camera track", || {
        send(&mut stream, &envelope, detection(k));
        k += 1;
        std::thread::sleep(Duration::from_millis(50));
        site.with_snapshot(|s| !s.tracks.is_empty())
    });
    wait_for("the unregistered reject counted", || {
        site.with_snapshot(|s| {
            s.sensors
                .get("camera")
                .is_some_and(|h| h.rejects.contains_key("unregistered"))
        })
    });
    server.shutdown().unwrap();
}

#[test]
fn beast_client_reconnects_and_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let feed = TcpListener::bind("127.0.0.1:0").unwrap();
    let text = config(dir.path(), feed.local_addr().unwrap(), 2000.0);
    let server = Server::start(vec![SiteConfig::parse(&text, "proto.toml").unwrap()]).unwrap();
    let site = server.registry().get("proto").unwrap().clone();
    // First connection: closed at once; picket must come back.
    drop(feed.accept().unwrap());
    let (mut conn, _) = feed.accept().unwrap();
    let mut k = 0u32;
    wait_for("an ADS-B track", || {
        let east_m = 1000.0 + 20.0 * f64::from(k);
        let (lat, lon) = geodetic(east_m, 0.0);
        let frame = airborne_position(0x40_6B_90, 11, lat, lon, 1500, k % 2 == 1).unwrap();
        let mut bytes = Vec::new();
        write_beast(&frame, &mut bytes);
        conn.write_all(&bytes).unwrap();
        k += 1;
        std::thread::sleep(Duration::from_millis(50));
        site.with_snapshot(|s| !s.tracks.is_empty())
    });
    server.shutdown().unwrap();
}

#[test]
fn operator_commands_and_reload_go_through_the_guard_and_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let feed = TcpListener::bind("127.0.0.1:0").unwrap();
    let text = config(dir.path(), feed.local_addr().unwrap(), 2000.0);
    let server = Server::start(vec![SiteConfig::parse(&text, "proto.toml").unwrap()]).unwrap();
    let site = server.registry().get("proto").unwrap().clone();
    // Camera detections inside the zone (ADS-B aircraft are classified as manned by the
    // tracker, which the entry rule may not apply to).
    let mut conn = TcpStream::connect(server.addr("proto", "camera").unwrap()).unwrap();
    let envelope = register(&mut conn, "camera-2");
    let mut k = 1;
    wait_for("an alert", || {
        send(&mut conn, &envelope, detection(k));
        k += 1;
        std::thread::sleep(Duration::from_millis(50));
        site.with_snapshot(|s| !s.alerts.is_empty())
    });
    let alert = *site.snapshot().alerts.keys().next().unwrap();
    let commands = site.commands();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let ack = rt.block_on(async {
        let (tx, rx) = tokio::sync::oneshot::channel();
        commands
            .send(Command::Acknowledge {
                alert,
                operator: "alice".into(),
                reply: tx,
            })
            .await
            .unwrap();
        rx.await.unwrap()
    });
    assert_eq!(ack.unwrap().state, AlertState::Acknowledged);
    // A bad reload is refused and the zones stay.
    let reload = |toml: String| {
        rt.block_on(async {
            let (tx, rx) = tokio::sync::oneshot::channel();
            commands
                .send(Command::Reload {
                    config_toml: toml,
                    operator: "bob".into(),
                    reply: tx,
                })
                .await
                .unwrap();
            rx.await.unwrap()
        })
    };
    let refused = reload(text.replace("r_m = 2000", "r_m = -5"));
    assert!(refused.unwrap_err().contains("last good"));
    assert_eq!(site.snapshot().zones[0].id, "hq");
    let bigger = config(dir.path(), feed.local_addr().unwrap(), 2500.0);
    reload(bigger).unwrap();
    wait_for("the reloaded zone", || {
        site.with_snapshot(|s| format!("{:?}", s.zones[0].shape).contains("2500"))
    });
    drop(conn);
    server.shutdown().unwrap();
    let reader = picket_store::StoreReader::open(&dir.path().join("site.db")).unwrap();
    let audit = reader
        .audit(
            picket_core::Timestamp::ZERO,
            picket_server::now().plus_s(10.0),
        )
        .unwrap();
    let actions: Vec<_> = audit
        .iter()
        .map(|a| (a.actor.as_str(), a.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("alice", "acknowledge"),
            ("bob", "reload"),
            ("bob", "reload")
        ]
    );
    assert!(audit[1].detail.starts_with("refused"));
    let replay = picket_server::replay::replay(
        &dir.path().join("site.db"),
        picket_core::Timestamp::ZERO,
        picket_server::now().plus_s(10.0),
    )
    .unwrap();
    assert!(replay.is_exact(), "{replay:#?}");
}
