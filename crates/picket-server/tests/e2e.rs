//! End to end on loopback: real sockets (port 0), real SQLite files in temp dirs, real wire
//! formats made by picket's own encoders. No timed assertions: waits poll with generous
//! timeouts only so a broken build fails instead of hanging.

use picket_core::{AlertState, Timestamp};
use picket_formats::picket_asterix::{builders::Plot048, spec};
use picket_server::Server;
use picket_server::config::SiteConfig;
use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::Path;
use std::time::Duration;

mod common;
use common::{
    protected_zone, rid_location, sensor_section, site_section, storage_section, time_of_day_s,
    wait_for,
};

fn site_toml(dir: &Path, extra: &str) -> String {
    site_section("test", 0.02, extra)
        + &sensor_section("rid", "remoteid", "remoteid", "udp", "")
        + &sensor_section("radar", "radar", "asterix", "udp", "")
        + &sensor_section(
            "radar-tcp",
            "radar",
            "asterix",
            "tcp",
            "max_frame_bytes = 1024\nread_timeout_s = 1.0",
        )
        .replace(
            "bind = \"127.0.0.1:0\" }",
            "bind = \"127.0.0.1:0\", max_connections = 2 }",
        )
        + &storage_section(&dir.join("site.db"), Some("process_crash"))
        + &protected_zone(2000.0, 500.0)
}

fn start(dir: &Path, extra: &str) -> Server {
    let config = SiteConfig::parse(&site_toml(dir, extra), "test.toml").expect("valid config");
    Server::start(vec![config]).expect("starts")
}

fn plot(range_nm: f64) -> Vec<u8> {
    let mut p = Plot048::new(1, 2, time_of_day_s());
    p.range_nm = range_nm;
    p.azimuth_deg = 45.0;
    p.flight_level = Some(1.0);
    p.encode_block(spec::lookup(48, None).unwrap()).unwrap()
}

fn addr(server: &Server, sensor: &str) -> SocketAddr {
    server.addr("test", sensor).expect("listener bound")
}

#[test]
fn remote_id_over_udp_makes_a_track_an_alert_and_replays_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "");
    let site = server.registry().get("test").unwrap().clone();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = addr(&server, "rid");
    let mut k = 0;
    wait_for("a confirmed track and an alert", || {
        socket
            .send_to(&rid_location(500.0 + 1.0 * f64::from(k)), target)
            .unwrap();
        k += 1;
        std::thread::sleep(Duration::from_millis(50));
        site.with_snapshot(|s| !s.tracks.is_empty() && !s.alerts.is_empty())
    });
    let snap = site.snapshot();
    let alert = snap.alerts.values().next().unwrap();
    assert_eq!(alert.last.zone.as_deref(), Some("hq"));
    assert_eq!(alert.last.state, AlertState::Raised);
    wait_for("sensor health", || {
        site.with_snapshot(|s| {
            s.sensors
                .get("rid")
                .is_some_and(|h| h.frames >= 3 && !h.stale)
        })
    });
    let from = Timestamp::ZERO;
    let to = picket_server::now().plus_s(60.0);
    server.shutdown().unwrap();
    let report = picket_server::replay::replay(&dir.path().join("site.db"), from, to).unwrap();
    assert!(report.tracks_recorded > 0, "{report:?}");
    assert!(report.alerts_recorded > 0, "{report:?}");
    assert!(report.is_exact(), "{report:#?}");
}

#[test]
fn whole_scan_radar_and_remote_id_replay_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let text = site_toml(dir.path(), "").replace(
        "name = \"radar\"\nkind = \"radar\"\nformat = \"asterix\"\n",
        "name = \"radar\"\nkind = \"radar\"\nformat = \"asterix\"\nframe_is_scan = true\n",
    );
    assert!(text.contains("frame_is_scan = true"));
    let config = SiteConfig::parse(&text, "test.toml").expect("valid config");
    let server = Server::start(vec![config]).expect("starts");
    let site = server.registry().get("test").unwrap().clone();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (radar, rid) = (addr(&server, "radar"), addr(&server, "rid"));
    let mut k = 0;
    wait_for("radar and Remote ID tracks and an alert", || {
        socket
            .send_to(&plot(0.3 + 0.001 * f64::from(k)), radar)
            .unwrap();
        socket
            .send_to(&rid_location(1500.0 + f64::from(k)), rid)
            .unwrap();
        k += 1;
        std::thread::sleep(Duration::from_millis(30));
        site.with_snapshot(|s| s.tracks.len() >= 2 && !s.alerts.is_empty())
    });
    let to = picket_server::now().plus_s(60.0);
    server.shutdown().unwrap();
    let report =
        picket_server::replay::replay(&dir.path().join("site.db"), Timestamp::ZERO, to).unwrap();
    assert!(
        report.tracks_recorded > 0 && report.alerts_recorded > 0,
        "{report:?}"
    );
    assert!(report.is_exact(), "{report:#?}");
}

#[test]
fn asterix_over_udp_and_tcp_make_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "");
    let site = server.registry().get("test").unwrap().clone();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp = addr(&server, "radar");
    let mut tcp = TcpStream::connect(addr(&server, "radar-tcp")).unwrap();
    let mut k = 0;
    wait_for("tracks from both radars", || {
        let r = 0.3 + 0.001 * f64::from(k);
        socket.send_to(&plot(r), udp).unwrap();
        tcp.write_all(&plot(r + 0.5)).unwrap();
        k += 1;
        std::thread::sleep(Duration::from_millis(50));
        site.with_snapshot(|s| {
            s.tracks.len() >= 2 && s.sensors.get("radar-tcp").is_some_and(|h| h.reports > 2)
        })
    });
    server.shutdown().unwrap();
}

#[test]
fn bad_input_is_counted_and_bounded_and_the_site_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "");
    let site = server.registry().get("test").unwrap().clone();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let radar = addr(&server, "radar");
    let rid = addr(&server, "rid");
    // Malformed ASTERIX (a block whose length runs past the datagram) and garbage Remote ID.
    socket.send_to(&[48, 0, 200, 1, 2, 3], radar).unwrap();
    socket.send_to(&[0xF7; 30], rid).unwrap();
    // An oversized datagram (over the default 65536? use the TCP sensor's 1024 limit).
    let tcp_addr = addr(&server, "radar-tcp");
    let mut big = TcpStream::connect(tcp_addr).unwrap();
    big.write_all(&[48, 0x10, 0x00]).unwrap(); // announces 4096 bytes > 1024
    // A slow client: sends half a block and stalls; it must be cut off by read_timeout_s.
    let mut slow = TcpStream::connect(tcp_addr).unwrap();
    slow.write_all(&[48, 0, 40, 1]).unwrap();
    // Beyond max_connections (2): refused.
    let extra: Vec<_> = (0..3).map(|_| TcpStream::connect(tcp_addr)).collect();
    wait_for("every reject counted", || {
        site.with_snapshot(|s| {
            let radar = &s
                .sensors
                .get("radar")
                .map(|h| h.rejects.clone())
                .unwrap_or_default();
            let rid = &s
                .sensors
                .get("rid")
                .map(|h| h.rejects.clone())
                .unwrap_or_default();
            let tcp = &s
                .sensors
                .get("radar-tcp")
                .map(|h| h.rejects.clone())
                .unwrap_or_default();
            radar.get("decode").is_some()
                && rid.get("decode").is_some()
                && tcp.get("oversized").is_some()
                && tcp.get("too_many_connections").is_some()
                && (tcp.get("slow_client").is_some() || tcp.get("timeout").is_some())
        })
    });
    drop(extra);
    // The site still tracks.
    let mut k = 0;
    wait_for("a track after the abuse", || {
        socket
            .send_to(&rid_location(800.0 + f64::from(k)), rid)
            .unwrap();
        k += 1;
        std::thread::sleep(Duration::from_millis(50));
        site.with_snapshot(|s| !s.tracks.is_empty())
    });
    server.shutdown().unwrap();
}

#[test]
fn overload_sheds_oldest_raw_frames_but_no_alert() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "queue_capacity = 8");
    let site = server.registry().get("test").unwrap().clone();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let rid = addr(&server, "rid");
    let mut k = 0;
    wait_for("an alert and shed frames under a flood", || {
        for _ in 0..200 {
            socket
                .send_to(&rid_location(600.0 + 0.01 * f64::from(k)), rid)
                .unwrap();
            k += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
        site.with_snapshot(|s| {
            !s.alerts.is_empty() && s.sensors.get("rid").is_some_and(|h| h.shed > 0)
        })
    });
    // After the shutdown has drained the queue: what the live state shows last of each alert.
    server.shutdown().unwrap();
    let live_alerts: Vec<_> = site
        .snapshot()
        .alerts
        .into_values()
        .map(|a| a.last)
        .collect();
    let reader = picket_store::StoreReader::open(&dir.path().join("site.db")).unwrap();
    let stored = reader.latest_alert_states().unwrap();
    for a in &live_alerts {
        assert!(stored.contains(a), "alert {a:?} published but not stored");
    }
    assert!(reader.verify().unwrap().is_intact());
}

#[test]
fn config_errors_name_the_file_and_section() {
    let dir = tempfile::tempdir().unwrap();
    let text = site_toml(dir.path(), "").replace(
        "format = \"asterix\"\nlisten = { protocol = \"udp\"",
        "format = \"sapient\"\nlisten = { protocol = \"udp\"",
    );
    let e = SiteConfig::parse(&text, "north.toml").unwrap_err();
    assert_eq!(e.file, "north.toml");
    assert_eq!(e.section, "sensor[1] \"radar\"");
    assert!(e.to_string().contains("need tcp"), "{e}");
    let e = SiteConfig::parse(&site_toml(dir.path(), "colour = 1"), "north.toml").unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
    let bad_zone = site_toml(dir.path(), "").replace("r_m = 2000.0", "r_m = -1.0");
    let e = SiteConfig::parse(&bad_zone, "north.toml").unwrap_err();
    assert!(e.section.contains("hq"), "{e}");
}

#[test]
fn coverage_and_basemap_are_read_and_the_basemap_is_relative_to_the_site_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = site_toml(dir.path(), "basemap = \"tiles/site.mbtiles\"").replace(
        "name = \"radar\"\n",
        "name = \"radar\"\ncoverage = { range_m = 5000.0, boresight_deg = 90.0, fov_deg = 120.0 }\n",
    );
    let path = dir.path().join("north.toml");
    std::fs::write(&path, &text).unwrap();
    let config = SiteConfig::load(&path).unwrap();
    let radar = &config.server.sensor[1];
    let coverage = radar.coverage.as_ref().expect("coverage read");
    assert_eq!((coverage.range_m, coverage.fov_deg), (5000.0, Some(120.0)));
    assert_eq!(
        config.server.site.basemap.as_deref(),
        Some(dir.path().join("tiles/site.mbtiles").as_path())
    );
    let typo = text.replace("fov_deg", "fov");
    let e = SiteConfig::parse(&typo, "north.toml").unwrap_err();
    assert!(e.to_string().contains("fov"), "{e}");
}

#[test]
fn outputs_send_cat062_tracks_and_alert_webhooks() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let c2 = UdpSocket::bind("127.0.0.1:0").unwrap();
    c2.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let hook = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let extra = format!(
        "\n[[output]]\nkind = \"asterix_cat062\"\ntarget = \"{}\"\nsac_sic = [1, 2]\n\n[[output]]\nkind = \"webhook\"\nurl = \"http://{}/alerts\"\n",
        c2.local_addr().unwrap(),
        hook.local_addr().unwrap()
    );
    let server = start(dir.path(), &extra);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let rid = addr(&server, "rid");
    let sender = std::thread::spawn(move || {
        for k in 0..100 {
            let _ = socket.send_to(&rid_location(700.0 + f64::from(k)), rid);
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let mut block = [0u8; 2048];
    let n = c2.recv(&mut block).unwrap();
    assert_eq!(block[0], 62, "a CAT062 data block");
    let records: Vec<_> = picket_formats::decode(
        picket_formats::Format::Asterix,
        &block[..n],
        &picket_formats::Options::default(),
    )
    .collect();
    assert!(records.iter().all(|r| r.is_ok()), "{records:?}");
    let (mut conn, _) = hook.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&request).contains("\"alert\"") {
        let n = conn.read(&mut buf).unwrap();
        assert!(n > 0, "webhook request ended early");
        request.extend_from_slice(&buf[..n]);
    }
    conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    let text = String::from_utf8_lossy(&request);
    assert!(text.starts_with("POST /alerts HTTP/1.1"), "{text}");
    sender.join().unwrap();
    server.shutdown().unwrap();
}
