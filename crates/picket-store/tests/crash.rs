//! `kill -9` durability: every record the store acknowledged is there after the writer process
//! is killed mid-load, the chains verify, and alerts come back in their last state.
//!
//! The test binary re-invokes itself as the child (`crash_child`, active only when
//! `PICKET_STORE_CRASH_CHILD` names a database), which writes under sustained load and prints
//! `ACK <seq> <table> <row id>` for each acknowledged record.

mod common;

use common::*;
use picket_core::{AlertId, AlertState};
use picket_store::{Record, StoreReader, StoreWriter, Table, WriterConfig};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "PICKET_STORE_CRASH_CHILD";

fn state_of(seq: u64) -> AlertState {
    [
        AlertState::Raised,
        AlertState::Acknowledged,
        AlertState::Resolved,
    ][(seq % 3) as usize]
}

/// The child: 20 unacknowledged raw frames per step (load, may be shed), then one acknowledged
/// alert transition or audit row. Stops by itself after 60 s if nobody kills it.
#[test]
fn crash_child() {
    let Ok(db) = std::env::var(CHILD_ENV) else {
        return;
    };
    let config = WriterConfig {
        max_latency: Duration::from_millis(5),
        ..WriterConfig::default()
    };
    let w = StoreWriter::open(db.as_ref(), config).unwrap();
    let mut pending: VecDeque<(u64, &str, picket_store::Receipt)> = VecDeque::new();
    let out = std::io::stdout();
    let start = Instant::now();
    let mut seq = 0u64;
    while start.elapsed() < Duration::from_secs(60) {
        for k in 0..20 {
            w.append(Record::Frame(frame(seq * 20 + k, seq as f64)))
                .unwrap();
        }
        let (name, rec) = if seq.is_multiple_of(2) {
            (
                "alert",
                Record::Alert(alert(seq / 6, 1, seq as f64, state_of(seq / 2))),
            )
        } else {
            let mut a = audit(seq, seq as f64);
            a.target = format!("S{seq}");
            ("audit", Record::Audit(a))
        };
        pending.push_back((seq, name, w.append_acked(rec).unwrap()));
        // Print acknowledgements in order as they arrive; block only if too many are pending.
        while !pending.is_empty() {
            let (s, name, result) = if pending.len() > 5000 {
                let (s, name, r) = pending.pop_front().unwrap();
                (s, name, r.wait())
            } else {
                match pending[0].2.try_wait() {
                    Some(result) => {
                        let (s, name, _) = pending.pop_front().unwrap();
                        (s, name, result)
                    }
                    None => break,
                }
            };
            let id = result.unwrap().unwrap_or(-1);
            writeln!(out.lock(), "ACK {s} {name} {id}").unwrap();
        }
        seq += 1;
    }
}

#[test]
fn acknowledged_records_survive_kill_9() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("ACK ") && tx.send(line).is_err() {
                break;
            }
        }
    });
    // Let it run under load, then kill it without warning once enough has been acknowledged.
    let start = Instant::now();
    let mut acks = Vec::new();
    while acks.len() < 3000 || start.elapsed() < Duration::from_millis(500) {
        assert!(
            start.elapsed() < Duration::from_secs(50),
            "child too slow: {} acks",
            acks.len()
        );
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(50)) {
            acks.push(l);
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    acks.extend(rx.try_iter());

    let r = StoreReader::open(&db).unwrap();
    let v = r.verify().unwrap();
    assert!(v.is_intact(), "{v:?}");
    let audit_targets: HashMap<String, ()> = r
        .audit(ts(-1.0), ts(1e9))
        .unwrap()
        .into_iter()
        .map(|a| (a.target, ()))
        .collect();
    let alerts = r.alert_events(ts(-1.0), ts(1e9)).unwrap();
    let mut last_acked: HashMap<AlertId, (u64, i64)> = HashMap::new();
    for line in &acks {
        let f: Vec<&str> = line.split(' ').collect();
        let (seq, table, id): (u64, &str, i64) =
            (f[1].parse().unwrap(), f[2], f[3].parse().unwrap());
        match table {
            "audit" => assert!(
                audit_targets.contains_key(&format!("S{seq}")),
                "acked audit S{seq} lost"
            ),
            _ => {
                let stored = &alerts[(id - 1) as usize];
                assert_eq!(
                    stored,
                    &alert(seq / 6, 1, seq as f64, state_of(seq / 2)),
                    "acked alert row {id}"
                );
                last_acked.insert(stored.alert, (seq, id));
            }
        }
    }
    // Each alert is back in at least its last acknowledged state (a later commit that had not
    // been acknowledged yet may also be there).
    let latest: HashMap<AlertId, AlertState> = r
        .latest_alert_states()
        .unwrap()
        .into_iter()
        .map(|a| (a.alert, a.state))
        .collect();
    for (alert_id, (seq, _)) in &last_acked {
        let state = latest[alert_id];
        let rank = |s: AlertState| {
            [
                AlertState::Raised,
                AlertState::Acknowledged,
                AlertState::Resolved,
            ]
            .iter()
            .position(|&x| x == s)
        };
        assert!(
            rank(state) >= rank(state_of(seq / 2)),
            "{alert_id}: {state:?}"
        );
    }
    assert!(v.rows(Table::Frames) > 0);
    eprintln!(
        "{} acknowledged records checked after SIGKILL; {} frames on disk",
        acks.len(),
        v.rows(Table::Frames)
    );

    // The store opens for writing again and the chain carries on.
    let w = StoreWriter::open(&db, WriterConfig::default()).unwrap();
    w.append_acked(Record::Audit(audit(1, 0.0)))
        .unwrap()
        .wait()
        .unwrap();
    w.close().unwrap();
    assert!(
        StoreReader::open(&db)
            .unwrap()
            .verify()
            .unwrap()
            .is_intact()
    );
}
