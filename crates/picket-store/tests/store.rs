//! Writer, reader and chain on real SQLite files in temporary folders.

mod common;

use common::*;
use picket_core::{AlertId, AlertState, Timestamp, TrackId, TrackStatus};
use picket_store::{Enqueued, Record, StoreReader, StoreWriter, Table, WriterConfig};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

fn keep_all() -> WriterConfig {
    WriterConfig {
        track_min_interval_s: 0.0,
        ..WriterConfig::default()
    }
}

fn all_time() -> (Timestamp, Timestamp) {
    (ts(-1e6), ts(1e6))
}

fn write_all(path: &Path, config: WriterConfig, records: Vec<Record>) {
    let w = StoreWriter::open(path, config).unwrap();
    for r in records {
        w.append_blocking(r).unwrap();
    }
    w.close().unwrap();
}

#[test]
fn every_record_type_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let n = 50;
    write_all(&path, keep_all(), mixed(n));
    let r = StoreReader::open(&path).unwrap();
    let (a, b) = all_time();
    let frames = r.frames(a, b).unwrap();
    assert_eq!(frames.len(), n as usize);
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.frame, frame(i as u64, i as f64));
        assert_eq!(f.id, i as i64 + 1);
    }
    let reports = r.reports(a, b).unwrap();
    assert_eq!(
        reports,
        (0..n).map(|i| report(i, i as f64)).collect::<Vec<_>>()
    );
    let tracks = r.track_history(a, b, None).unwrap();
    assert_eq!(
        tracks,
        (0..n)
            .map(|i| track(i % 3, i as f64, TrackStatus::Confirmed))
            .collect::<Vec<_>>()
    );
    let one = r
        .track_history(ts(10.0), ts(20.0), Some(TrackId(1)))
        .unwrap();
    assert_eq!(
        one.iter().map(|t| t.time).collect::<Vec<_>>(),
        [ts(10.0), ts(13.0), ts(16.0), ts(19.0)]
    );
    let alerts = r.alert_events(a, b).unwrap();
    assert_eq!(
        alerts,
        (0..n)
            .map(|i| alert(i, i % 3, i as f64, AlertState::Raised))
            .collect::<Vec<_>>()
    );
    let audit_rows = r.audit(ts(5.0), ts(7.0)).unwrap();
    assert_eq!(
        audit_rows,
        (5..=7).map(|i| audit(i, i as f64)).collect::<Vec<_>>()
    );

    let v = r.verify().unwrap();
    assert!(v.is_intact(), "{v:?}");
    for t in [
        Table::Frames,
        Table::Reports,
        Table::Tracks,
        Table::Alerts,
        Table::Audit,
    ] {
        assert_eq!(v.rows(t), n, "{t:?}");
        assert_eq!(r.count(t).unwrap(), n);
    }
}

#[test]
fn frames_come_back_in_receive_order_within_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    // Written out of receive order (two sensors with different latencies).
    let times = [3.0, 1.0, 2.0, 5.0, 4.0];
    let recs = times
        .iter()
        .enumerate()
        .map(|(i, &t)| Record::Frame(frame(i as u64, t)))
        .collect();
    write_all(&path, keep_all(), recs);
    let r = StoreReader::open(&path).unwrap();
    let got: Vec<f64> = r
        .frames(ts(1.5), ts(4.0))
        .unwrap()
        .iter()
        .map(|f| f.frame.received.as_secs() - T0)
        .collect();
    assert_eq!(got, [2.0, 3.0, 4.0]);
    // In stored (processing) order instead: ids 1 (t=3), 3 (t=2), 5 (t=4).
    let mut ids = Vec::new();
    r.for_each_frame_stored(ts(1.5), ts(4.0), |f| {
        ids.push(f.id);
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(ids, [1, 3, 5]);
}

#[test]
fn latest_alert_states_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    write_all(
        &path,
        keep_all(),
        vec![
            Record::Alert(alert(1, 7, 0.0, AlertState::Raised)),
            Record::Alert(alert(2, 8, 1.0, AlertState::Raised)),
            Record::Alert(alert(1, 7, 2.0, AlertState::Acknowledged)),
        ],
    );
    // A restarted site appends to the same chains.
    write_all(
        &path,
        keep_all(),
        vec![
            Record::Alert(alert(2, 8, 3.0, AlertState::Resolved)),
            Record::Alert(alert(3, 9, 4.0, AlertState::Raised)),
        ],
    );
    let r = StoreReader::open(&path).unwrap();
    let latest = r.latest_alert_states().unwrap();
    let states: Vec<(AlertId, AlertState)> = latest.iter().map(|a| (a.alert, a.state)).collect();
    assert_eq!(
        states,
        [
            (AlertId(1), AlertState::Acknowledged),
            (AlertId(2), AlertState::Resolved),
            (AlertId(3), AlertState::Raised)
        ]
    );
    assert_eq!(latest[0], alert(1, 7, 2.0, AlertState::Acknowledged));
    assert!(r.verify().unwrap().is_intact());
}

#[test]
fn track_states_are_decimated_but_changes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let config = WriterConfig {
        track_min_interval_s: 1.0,
        ..WriterConfig::default()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    let mut receipts = Vec::new();
    // 10 Hz for 5 s, confirmed at 2.0 s, deleted at the end.
    for k in 0..50 {
        let t = k as f64 / 10.0;
        let status = if t < 2.0 {
            TrackStatus::Tentative
        } else {
            TrackStatus::Confirmed
        };
        receipts.push(w.append_acked(Record::Track(track(4, t, status))).unwrap());
    }
    receipts.push(
        w.append_acked(Record::Track(track(4, 4.95, TrackStatus::Deleted)))
            .unwrap(),
    );
    let kept: Vec<Option<i64>> = receipts.into_iter().map(|r| r.wait().unwrap()).collect();
    assert_eq!(
        kept.iter().filter(|k| k.is_none()).count() as u64,
        w.stats().decimated_tracks.load(Ordering::Relaxed)
    );
    w.close().unwrap();
    let r = StoreReader::open(&path).unwrap();
    let (a, b) = all_time();
    let got: Vec<(f64, TrackStatus)> = r
        .track_history(a, b, Some(TrackId(4)))
        .unwrap()
        .iter()
        .map(|t| (((t.time.as_secs() - T0) * 100.0).round() / 100.0, t.status))
        .collect();
    use TrackStatus::*;
    assert_eq!(
        got,
        [
            (0.0, Tentative),
            (1.0, Tentative),
            (2.0, Confirmed),
            (3.0, Confirmed),
            (4.0, Confirmed),
            (4.95, Deleted)
        ]
    );
}

/// Holds SQLite's write lock from another connection, so the writer thread blocks in its commit.
fn hold_write_lock(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch("BEGIN IMMEDIATE").unwrap();
    c
}

#[test]
fn a_receipt_resolves_only_after_its_batch_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let w = StoreWriter::open(&path, keep_all()).unwrap();
    let lock = hold_write_lock(&path);
    let receipt = w.append_acked(Record::Audit(audit(1, 0.0))).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        receipt.try_wait().is_none(),
        "acknowledged before the commit"
    );
    lock.execute_batch("COMMIT").unwrap();
    assert_eq!(receipt.wait().unwrap(), Some(1));
    let r = StoreReader::open(&path).unwrap();
    assert_eq!(r.audit(ts(0.0), ts(0.0)).unwrap(), [audit(1, 0.0)]);
    w.close().unwrap();
}

#[test]
fn overload_sheds_raw_frames_only_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let config = WriterConfig {
        channel_capacity: 8,
        max_batch: 8,
        max_latency: Duration::from_millis(1),
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    let lock = hold_write_lock(&path);
    let mut shed = 0;
    for i in 0..200 {
        if w.append(Record::Frame(frame(i, i as f64))).unwrap() == Enqueued::Shed {
            shed += 1;
        }
    }
    // The writer can hold at most one batch and the channel's capacity while it is blocked.
    assert!(shed >= 200 - 8 - 8 - 1, "only {shed} shed");
    // Alerts and audit rows wait for room instead: all of them land once the lock goes.
    let w2 = w.clone();
    let critical = std::thread::spawn(move || {
        for i in 0..50 {
            w2.append(Record::Alert(alert(i, 1, i as f64, AlertState::Raised)))
                .unwrap();
            w2.append(Record::Audit(audit(i, i as f64))).unwrap();
        }
        w2.flush().unwrap();
    });
    std::thread::sleep(Duration::from_millis(200));
    lock.execute_batch("COMMIT").unwrap();
    critical.join().unwrap();
    assert_eq!(w.stats().shed_frames.load(Ordering::Relaxed), shed);
    w.close().unwrap();
    let r = StoreReader::open(&path).unwrap();
    assert_eq!(r.count(Table::Frames).unwrap(), 200 - shed);
    assert_eq!(r.count(Table::Alerts).unwrap(), 50);
    assert_eq!(r.count(Table::Audit).unwrap(), 50);
    assert!(r.verify().unwrap().is_intact());
}

#[test]
fn triggers_refuse_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    write_all(&path, keep_all(), mixed(3));
    let c = rusqlite::Connection::open(&path).unwrap();
    for t in [
        "raw_frames",
        "reports",
        "track_states",
        "alert_events",
        "audit_log",
    ] {
        let upd = c.execute(
            &format!("UPDATE {t} SET time = 0 WHERE id = 1").replace(
                "SET time",
                if t == "raw_frames" {
                    "SET recv_time"
                } else {
                    "SET time"
                },
            ),
            [],
        );
        assert!(upd.unwrap_err().to_string().contains("append-only"), "{t}");
        let del = c.execute(&format!("DELETE FROM {t} WHERE id = 1"), []);
        assert!(del.unwrap_err().to_string().contains("append-only"), "{t}");
    }
    assert!(c.execute("INSERT INTO checkpoints (time, tbl, last_id, last_hash, deleted, hash) VALUES (0, 'x', 1, x'00', 0, x'00')", []).is_ok());
    assert!(c.execute("DELETE FROM checkpoints", []).is_err());
    // Inserting is not refused by a trigger, but a forged row breaks the chain.
    let v = picket_store::verify(&c).unwrap();
    let p = v.first_problem().unwrap();
    assert_eq!((p.table, p.id), (Table::Checkpoints, 1));
}

#[test]
fn groups_round_trip_and_a_frames_only_group_is_shed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let config = WriterConfig {
        channel_capacity: 2,
        max_batch: 4,
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    assert_eq!(w.append_batch(mixed(10)).unwrap(), Enqueued::Queued);
    w.flush().unwrap();
    let lock = hold_write_lock(&path);
    let frames = |k: u64| {
        (0..5)
            .map(|i| Record::Frame(frame(100 + k * 5 + i, 100.0)))
            .collect::<Vec<_>>()
    };
    let outcomes: Vec<Enqueued> = (0..10)
        .map(|k| w.append_batch(frames(k)).unwrap())
        .collect();
    let shed_groups = outcomes.iter().filter(|&&o| o == Enqueued::Shed).count() as u64;
    assert!(shed_groups >= 10 - 2 - 2, "{outcomes:?}");
    assert_eq!(
        w.stats().shed_frames.load(Ordering::Relaxed),
        5 * shed_groups
    );
    lock.execute_batch("COMMIT").unwrap();
    w.close().unwrap();
    let r = StoreReader::open(&path).unwrap();
    assert_eq!(r.count(Table::Frames).unwrap(), 10 + 5 * (10 - shed_groups));
    assert_eq!(r.count(Table::Reports).unwrap(), 10);
    assert!(r.verify().unwrap().is_intact());
}

#[test]
fn a_second_writer_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let first = StoreWriter::open(&path, keep_all()).unwrap();
    let second = StoreWriter::open(&path, keep_all());
    assert!(
        second
            .err()
            .unwrap()
            .to_string()
            .contains("already open for writing")
    );
    first.close().unwrap();
    let again = StoreWriter::open(&path, keep_all()).unwrap();
    again
        .append_acked(Record::Audit(audit(1, 0.0)))
        .unwrap()
        .wait()
        .unwrap();
    again.close().unwrap();
}
