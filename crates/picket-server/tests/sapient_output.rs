//! The SAPIENT output to a higher C2 registers on connect and, when the C2 drops the
//! connection, reconnects and registers again, then goes on reporting tracks.

use picket_core::{Geodetic, Identity, Measurement, Report, SensorId};
use picket_formats::picket_sapient::{self as sapient, v2_0::sapient_message::Content};
use picket_server::Server;
use picket_server::config::SiteConfig;
use picket_server::senders::Sender;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

mod common;
use common::{sensor_section, site_section, storage_section};

fn read_message(conn: &mut TcpStream) -> sapient::v2_0::SapientMessage {
    let mut prefix = [0u8; 4];
    conn.read_exact(&mut prefix).unwrap();
    let mut payload = vec![0u8; u32::from_le_bytes(prefix) as usize];
    conn.read_exact(&mut payload).unwrap();
    sapient::decode_v2(&payload).unwrap()
}

#[test]
fn sapient_output_reconnects_and_registers_again() {
    let dir = tempfile::tempdir().unwrap();
    let c2 = TcpListener::bind("127.0.0.1:0").unwrap();
    let text = site_section("out", 0.02, "")
        + &sensor_section("rid", "remoteid", "remoteid", "udp", "")
        + &storage_section(&dir.path().join("out.db"), Some("process_crash"))
        + &format!(
            "[[output]]\nkind = \"sapient\"\ntarget = \"{}\"\nnode_id = \"{}\"\n",
            c2.local_addr().unwrap(),
            picket_server::node_id("out")
        );
    let config = SiteConfig::parse(&text, "out.toml").unwrap();
    let site = picket_server::core::build_site(&config);
    let server = Server::start(vec![config]).unwrap();
    let mut rid =
        Sender::new(&site, SensorId(0), server.addr("out", "rid").unwrap(), None).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let feed = std::thread::spawn(move || {
        for k in 0..400 {
            if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let now = picket_server::now();
            let east_m = 300.0 + f64::from(k);
            let position = Geodetic::new(
                51.47,
                -0.45 + east_m / (111_320.0 * 51.47_f64.to_radians().cos()),
                60.0,
            );
            let mut r = Report::new(
                SensorId(0),
                now,
                Measurement::Geodetic {
                    position,
                    sigma_h_m: 5.0,
                    sigma_v_m: 5.0,
                },
            );
            r.identity = Some(Identity::RemoteId("1596F0000TEST0002".into()));
            let _ = rid.send_scan(&[r], now);
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let accept = |what: &str| {
        c2.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match c2.accept() {
                Ok((conn, _)) => {
                    conn.set_nonblocking(false).unwrap();
                    conn.set_read_timeout(Some(Duration::from_secs(15)))
                        .unwrap();
                    return conn;
                }
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => panic!("no {what} connection: {e}"),
            }
        }
    };
    let mut first = accept("first");
    assert!(matches!(
        read_message(&mut first).content,
        Some(Content::Registration(_))
    ));
    drop(first);
    let mut second = accept("second");
    assert!(matches!(
        read_message(&mut second).content,
        Some(Content::Registration(_))
    ));
    let report = read_message(&mut second);
    assert!(
        matches!(report.content, Some(Content::DetectionReport(_))),
        "{report:?}"
    );
    drop(second);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = feed.join();
    server.shutdown().unwrap();
}
