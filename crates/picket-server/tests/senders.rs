//! A demo-like site: one sensor of every kind the demo simulates, each speaking its wire format
//! through [`picket_server::senders::Sender`] to its listener. Every sensor must be seen
//! (frames and reports counted), and the SAPIENT sensors' StatusReports must show up as their
//! reported state and field of view.

use picket_core::{
    Enu, Geodetic, Identity, Measurement, Report, SensorId, SensorKind, Site, Timestamp,
};
use picket_live::FieldOfView;
use picket_server::Server;
use picket_server::config::{Protocol, SiteConfig};
use picket_server::senders::{Sender, wire};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

mod common;
use common::sensor_section;

const KINDS: [SensorKind; 5] = [
    SensorKind::Radar,
    SensorKind::RemoteId,
    SensorKind::Adsb,
    SensorKind::Camera,
    SensorKind::Rf,
];

fn site() -> Site {
    let mut site = Site::new("demo", Geodetic::new(36.19, 44.01, 420.0));
    for kind in KINDS {
        site.add_sensor(
            format!("{}-1", kind.as_str()),
            kind,
            Enu::new(0.0, 0.0, 10.0),
        );
    }
    site
}

fn config(site: &Site, dir: &std::path::Path) -> String {
    let o = site.frame().origin();
    let mut t = format!(
        "[site]\nid = \"demo\"\norigin = {{ lat_deg = {}, lon_deg = {}, alt_m = {} }}\nreorder_window_s = 0.05\n\n",
        o.lat_deg, o.lon_deg, o.alt_m
    );
    for s in site.sensors() {
        let (format, protocol) = wire(s.kind);
        let protocol = if protocol == Protocol::Udp {
            "udp"
        } else {
            "tcp"
        };
        let _ = writeln!(
            t,
            "[[sensor]]\nname = {:?}\nkind = \"{}\"\nformat = \"{}\"\nposition = [0.0, 0.0, 10.0]\nlisten = {{ protocol = \"{protocol}\", bind = \"127.0.0.1:0\" }}\n",
            s.name,
            s.kind.as_str(),
            format.name()
        );
    }
    let _ = writeln!(
        t,
        "[storage]\npath = {:?}\ndurability = \"process_crash\"",
        dir.join("demo.db").display().to_string()
    );
    t
}

/// One report of `sensor` at scan `k`: an object 1.5 km north-east moving east.
fn report(site: &Site, sensor: SensorId, k: u32, time: Timestamp) -> Report {
    let kind = site.sensor(sensor).unwrap().kind;
    let east_m = 1000.0 + 20.0 * f64::from(k);
    let position = Enu::new(east_m, 1000.0, 120.0);
    let range_m: f64 = (position.x * position.x + position.y * position.y + 110.0 * 110.0).sqrt();
    let az_rad = east_m.atan2(1000.0);
    let measurement = match kind {
        SensorKind::Radar => Measurement::Polar {
            range_m,
            az_rad,
            el_rad: (110.0 / range_m).asin(),
            sigma_range_m: 5.0,
            sigma_az_rad: 0.01,
            sigma_el_rad: 0.02,
        },
        SensorKind::RemoteId | SensorKind::Adsb => Measurement::Geodetic {
            position: site.frame().to_geodetic(&position),
            sigma_h_m: 5.0,
            sigma_v_m: 5.0,
        },
        _ => Measurement::Bearing {
            az_rad,
            sigma_az_rad: 0.01,
            el: Some((0.08, 0.01)),
        },
    };
    let mut r = Report::new(sensor, time, measurement);
    r.identity = match kind {
        SensorKind::RemoteId => Some(Identity::RemoteId("1596F0000TEST0001".into())),
        SensorKind::Adsb => Some(Identity::Icao(0x4840D6)),
        _ => None,
    };
    r
}

#[test]
fn every_sensor_kind_reaches_its_listener() {
    let dir = tempfile::tempdir().unwrap();
    let site = site();
    let text = config(&site, dir.path());
    let server = Server::start(vec![SiteConfig::parse(&text, "demo.toml").unwrap()]).unwrap();
    let live = server.registry().get("demo").unwrap().clone();
    let mut senders: Vec<Sender> = site
        .sensors()
        .iter()
        .map(|s| Sender::new(&site, s.id, server.addr("demo", &s.name).unwrap(), None).unwrap())
        .collect();
    let all_seen = |snap: &picket_live::Snapshot| {
        site.sensors().iter().all(|s| {
            snap.sensors.get(&s.name).is_some_and(|h| {
                let sapient = wire(s.kind).0.name() == "sapient";
                h.frames > 0 && h.reports > 0 && !h.stale && (!sapient || h.reported.is_some())
            })
        })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut k = 0;
    while !live.with_snapshot(all_seen) {
        assert!(
            Instant::now() < deadline,
            "not every sensor was seen: {:#?}",
            live.snapshot().sensors
        );
        let now = picket_server::now();
        for (i, sender) in senders.iter_mut().enumerate() {
            if k % 10 == 0 {
                sender.keepalive(now).unwrap();
            }
            let r = report(&site, SensorId(i as u16), k, now);
            assert_eq!(sender.send_scan(&[r], now).unwrap(), 1, "sensor {i}");
        }
        k += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    let snap = live.snapshot();
    for s in site.sensors() {
        let h = &snap.sensors[&s.name];
        // Bearings (camera, RF over SAPIENT) go to the tracker like every other report.
        assert!(h.rejects.is_empty(), "{h:?}");
    }
    let cam = snap.sensors["camera-1"].reported.clone().unwrap();
    assert!(cam.ok && cam.system == "ok", "{cam:?}");
    match cam.field_of_view {
        Some(FieldOfView::Cone { range_m, .. }) => assert_eq!(range_m, 1500.0),
        other => panic!("expected a cone, got {other:?}"),
    }
    server.shutdown().unwrap();
    // Every sensor's input went through the recorded core: the replay reproduces it exactly.
    let far = Timestamp::from_secs(1e12).unwrap();
    let replay =
        picket_server::replay::replay(&dir.path().join("demo.db"), Timestamp::ZERO, far).unwrap();
    assert!(replay.is_exact(), "{replay:?}");
    assert!(replay.tracks_recorded > 0, "{replay:?}");
}

fn auth_config(dir: &std::path::Path) -> String {
    let sensor = sensor_section;
    let mut t = String::from(
        "[site]\nid = \"demo\"\norigin = { lat_deg = 36.19, lon_deg = 44.01, alt_m = 420.0 }\n\n",
    );
    t += &sensor("adsb-1", "adsb", "beast", "tcp", "token = \"sensors\"");
    t += &sensor("adsb-2", "adsb", "beast", "tcp", "token = \"sensors\"");
    t += &sensor(
        "camera-1",
        "camera",
        "sapient",
        "tcp",
        "token = \"sensors\"",
    );
    t += &sensor(
        "remoteid-1",
        "remoteid",
        "remoteid",
        "udp",
        "token = \"sensors\"\nallow_from = [\"127.0.0.0/8\"]",
    );
    t += &sensor(
        "remoteid-2",
        "remoteid",
        "remoteid",
        "udp",
        "allow_from = [\"10.9.9.9\"]",
    );
    // JSON detections: over HTTP (the API's injector) and over UDP.
    t += "[[sensor]]\nname = \"cam-http\"\nkind = \"generic\"\nformat = \"jsondet\"\n\n";
    t += "[[sensor]]\nname = \"cam-tok\"\nkind = \"generic\"\nformat = \"jsondet\"\ntoken = \"sensors\"\n\n";
    t += &sensor(
        "cam-udp",
        "generic",
        "jsondet",
        "udp",
        "allow_from = [\"127.0.0.1\"]",
    );
    let _ = writeln!(
        t,
        "[storage]\npath = {:?}\ndurability = \"process_crash\"\n\n[[auth.token]]\nname = \"sensors\"\nrole = \"sensor\"\nsha256 = \"{}\"",
        dir.join("auth.db").display().to_string(),
        picket_server::hash_token("good-token")
    );
    t
}

#[test]
fn listeners_refuse_unauthenticated_sensors() {
    let dir = tempfile::tempdir().unwrap();
    let text = auth_config(dir.path());
    let config = SiteConfig::parse(&text, "auth.toml").unwrap();
    let site = picket_server::core::build_site(&config);
    let server = Server::start(vec![config]).unwrap();
    let live = server.registry().get("demo").unwrap().clone();
    let sender = |name: &str, token: &str| {
        let s = site.sensors().iter().find(|s| s.name == name).unwrap();
        Sender::new(
            &site,
            s.id,
            server.addr("demo", name).unwrap(),
            Some(token.into()),
        )
        .unwrap()
    };
    let (mut good_adsb, mut bad_adsb) = (sender("adsb-1", "good-token"), sender("adsb-2", "guess"));
    let (mut good_rid, mut walled_rid) = (
        sender("remoteid-1", "good-token"),
        sender("remoteid-2", "good-token"),
    );
    // SAPIENT: the Registration without the right token is answered with a refusal.
    let mut bad_camera = sender("camera-1", "guess");
    let refused = bad_camera.keepalive(picket_server::now()).unwrap_err();
    assert_eq!(
        refused.kind(),
        std::io::ErrorKind::PermissionDenied,
        "{refused}"
    );
    let mut good_camera = sender("camera-1", "good-token");
    good_camera.keepalive(picket_server::now()).unwrap();
    let health = |name: &str| live.snapshot().sensors.get(name).cloned();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = picket_server::now();
        for (i, s) in [&mut good_adsb, &mut good_rid, &mut walled_rid]
            .into_iter()
            .enumerate()
        {
            let id = [0u16, 3, 4][i];
            let _ = s.send_scan(&[report(&site, SensorId(id), 1, now)], now);
        }
        // The refused stream is closed by picket: writes fail sooner or later; that is fine.
        let _ = bad_adsb.send_scan(&[report(&site, SensorId(1), 1, now)], now);
        std::thread::sleep(Duration::from_millis(100));
        let done = ["adsb-1", "remoteid-1", "camera-1"]
            .iter()
            .all(|n| health(n).is_some_and(|h| h.frames > 0))
            && ["adsb-2", "remoteid-2", "camera-1"]
                .iter()
                .all(|n| health(n).is_some_and(|h| h.rejects.contains_key("unauthenticated")));
        if done {
            break;
        }
        assert!(Instant::now() < deadline, "{:#?}", live.snapshot().sensors);
    }
    assert_eq!(health("adsb-2").unwrap().frames, 0);
    assert_eq!(health("remoteid-2").unwrap().frames, 0);
    // An admin's reload with the whole site file (its [auth] digest included).
    let (reply, answer) = tokio::sync::oneshot::channel();
    live.commands()
        .try_send(picket_live::Command::Reload {
            config_toml: text.clone(),
            operator: "admin".into(),
            reply,
        })
        .unwrap();
    answer.blocking_recv().unwrap().unwrap();
    server.shutdown().unwrap();
    // Neither a token nor its digest is anywhere in the store's files (start record, raw
    // frames with the SAPIENT Registration, the reload command, audit).
    let secrets = [
        "good-token".to_owned(),
        picket_server::hash_token("good-token"),
    ];
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().contains("auth.db") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).unwrap();
        for secret in &secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret}",
                path.display()
            );
        }
    }
    assert!(files >= 1);
    // What the store holds is still enough to replay the run exactly.
    let far = Timestamp::from_secs(1e12).unwrap();
    let replay =
        picket_server::replay::replay(&dir.path().join("auth.db"), Timestamp::ZERO, far).unwrap();
    assert!(replay.is_exact(), "{replay:?}");
}

/// A JSON detection from `sensor`, 300 m north of the site.
fn json_detection(sensor: &str) -> Vec<u8> {
    format!(
        r#"{{"sensor":"{sensor}","time":{},"local":{{"x_m":0.0,"y_m":300.0,"z_m":80.0,"sigma_m":5.0}}}}"#,
        picket_server::now().as_secs()
    )
    .into_bytes()
}

#[test]
fn json_detections_speak_for_their_own_sensor_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = SiteConfig::parse(&auth_config(dir.path()), "auth.toml").unwrap();
    let server = Server::start(vec![config]).unwrap();
    let live = server.registry().get("demo").unwrap().clone();
    let injector = server.injector("demo").unwrap();
    injector
        .inject("cam-http", json_detection("cam-http"))
        .unwrap();
    // Another sensor's name, a sensor that takes another token, a sensor of another format.
    let e = injector
        .inject("cam-http", json_detection("cam-udp"))
        .unwrap_err();
    assert!(e.contains("cam-udp"), "{e}");
    assert!(
        injector
            .inject("cam-tok", json_detection("cam-tok"))
            .is_err()
    );
    assert!(injector.inject("adsb-1", json_detection("adsb-1")).is_err());
    assert!(
        injector
            .inject("remoteid-2", json_detection("remoteid-2"))
            .is_err()
    );
    injector.refuse("cam-http", "wrong_sensor", "refused by the API");
    // Over UDP too: a datagram naming another sensor is refused whole.
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp = server.addr("demo", "cam-udp").unwrap();
    socket.send_to(&json_detection("cam-http"), udp).unwrap();
    socket.send_to(&json_detection("cam-udp"), udp).unwrap();
    let health = |name: &str| live.snapshot().sensors.get(name).cloned();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !health("cam-udp").is_some_and(|h| h.frames == 1 && h.rejects.len() == 1) {
        assert!(Instant::now() < deadline, "{:#?}", live.snapshot().sensors);
        std::thread::sleep(Duration::from_millis(20));
    }
    let count = |name: &str, reason: &str| {
        health(name)
            .and_then(|h| h.rejects.get(reason).copied())
            .unwrap_or(0)
    };
    assert_eq!(count("cam-udp", "wrong_sensor"), 1);
    assert_eq!(count("cam-http", "wrong_sensor"), 2);
    assert_eq!(count("cam-tok", "unauthenticated"), 1);
    assert_eq!(count("adsb-1", "unauthenticated"), 1);
    assert_eq!(count("remoteid-2", "wrong_format"), 1);
    assert_eq!(health("cam-http").unwrap().frames, 1);
    server.shutdown().unwrap();
}

#[test]
fn config_requires_allow_from_for_udp_sensors_with_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let text = auth_config(dir.path()).replace("allow_from = [\"127.0.0.0/8\"]", "");
    let e = SiteConfig::parse(&text, "auth.toml").unwrap_err();
    assert!(e.reason.contains("allow_from"), "{e}");
}
