//! `kill -9` during sustained load, then restart: every row the store acknowledged (a flush
//! returned after it) is there, the hash chains verify, and alerts come back in their last
//! state. The child is this test binary re-invoked with `PICKET_KILL9_DIR` set.

use picket_core::{AlertState, Timestamp};
use picket_live::Command;
use picket_server::Server;
use picket_server::config::SiteConfig;
use picket_store::{StoreReader, Table};
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

mod common;
use common::{protected_zone, rid_location, sensor_section, site_section, storage_section};

const ENV: &str = "PICKET_KILL9_DIR";

fn config(dir: &Path) -> SiteConfig {
    // Durability as deployed (the default, power loss): what a flush acknowledged is on disk.
    let text = site_section("k9", 0.02, "")
        + &sensor_section("rid", "remoteid", "remoteid", "udp", "")
        + &storage_section(&dir.join("site.db"), None)
        + &protected_zone(3000.0, 500.0);
    SiteConfig::parse(&text, "k9.toml").unwrap()
}

/// The child: serves, floods itself, acknowledges the first alert, and prints what the store
/// has acknowledged after each flush. Runs until killed.
#[test]
fn kill9_child_role() {
    let Ok(dir) = std::env::var(ENV) else { return };
    let server = Server::start(vec![config(Path::new(&dir))]).unwrap();
    let site = &server.sites()[0];
    let target = server.addr("k9", "rid").unwrap();
    std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        for k in 0u64.. {
            let _ = socket.send_to(&rid_location(500.0 + k as f64 * 1e-4), target);
            if k % 64 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut acked = None;
    loop {
        std::thread::sleep(Duration::from_millis(30));
        // An alert still raised (one whose track already ended is resolved, and stays
        // unacknowledgeable).
        let raised = site.live.with_snapshot(|s| {
            s.alerts
                .iter()
                .find(|(_, v)| v.last.state == AlertState::Raised)
                .map(|(&id, _)| id)
        });
        if acked.is_none()
            && let Some(alert) = raised
        {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let command = Command::Acknowledge {
                alert,
                operator: "alice".into(),
                reply: tx,
            };
            rt.block_on(site.live.commands().send(command)).unwrap();
            if rt.block_on(rx).unwrap().is_ok() {
                acked = Some(alert);
            }
        }
        site.store.flush().unwrap();
        let rows = site.store.stats().committed_rows.load(Ordering::SeqCst);
        match acked {
            Some(a) => println!("ACK rows={rows} alert={}", a.0),
            None => println!("ACK rows={rows}"),
        }
    }
}

#[test]
fn kill9_during_load_then_restart() {
    if std::env::var(ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Process::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill9_child_role",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut rows, mut alert, mut acks_after_alert) = (0u64, None, 0);
    for line in lines {
        let line = line.unwrap();
        let Some(rest) = line.strip_prefix("ACK ") else {
            continue;
        };
        for field in rest.split(' ') {
            match field.split_once('=') {
                Some(("rows", v)) => rows = v.parse().unwrap(),
                Some(("alert", v)) => alert = Some(v.parse::<u64>().unwrap()),
                _ => {}
            }
        }
        if alert.is_some() {
            acks_after_alert += 1;
        }
        assert!(
            Instant::now() < deadline,
            "the child never acknowledged an alert"
        );
        if acks_after_alert >= 5 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let alert = alert.expect("an acknowledged alert");
    let db = dir.path().join("site.db");
    let reader = StoreReader::open(&db).unwrap();
    let report = reader.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    let stored: u64 = [
        Table::Frames,
        Table::Reports,
        Table::Tracks,
        Table::Alerts,
        Table::Audit,
    ]
    .into_iter()
    .map(|t| reader.count(t).unwrap())
    .sum();
    assert!(stored >= rows, "{stored} rows stored, {rows} acknowledged");
    let latest = reader.latest_alert_states().unwrap();
    drop(reader);
    let last = latest
        .iter()
        .find(|e| e.alert.0 == alert)
        .expect("the acknowledged alert is stored")
        .clone();
    assert_ne!(last.state, AlertState::Raised, "{last:?}");
    // Restart: every open alert is back in its last state.
    let server = Server::start(vec![config(dir.path())]).unwrap();
    let site = server.registry().get("k9").unwrap().clone();
    let snapshot = site.snapshot();
    for event in latest.iter().filter(|e| e.state != AlertState::Resolved) {
        assert_eq!(&snapshot.alerts[&event.alert].last, event);
    }
    assert_ne!(last.time, Timestamp::ZERO);
    server.shutdown().unwrap();
    assert!(
        StoreReader::open(&db)
            .unwrap()
            .verify()
            .unwrap()
            .is_intact()
    );
}
