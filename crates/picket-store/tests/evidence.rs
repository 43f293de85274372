//! Tamper evidence and retention: edits are found and named, retention keeps chains whole.

mod common;

use common::*;
use picket_core::{AlertState, TrackStatus};
use picket_store::{
    ProblemKind, Record, RetentionConfig, StoreReader, StoreWriter, Table, WriterConfig, verify,
};
use rusqlite::Connection;
use std::path::Path;

fn write(path: &Path, config: WriterConfig, records: Vec<Record>) {
    let w = StoreWriter::open(path, config).unwrap();
    for r in records {
        w.append_blocking(r).unwrap();
    }
    w.close().unwrap();
}

fn keep_all() -> WriterConfig {
    WriterConfig {
        track_min_interval_s: 0.0,
        ..WriterConfig::default()
    }
}

/// Opens the file as an attacker would: raw SQLite, triggers dropped.
fn tamper(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    let names: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for n in names {
        c.execute_batch(&format!("DROP TRIGGER {n}")).unwrap();
    }
    c
}

#[test]
fn an_edited_byte_in_a_report_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    write(&path, keep_all(), mixed(20));
    let c = tamper(&path);
    let body: String = c
        .query_row("SELECT body FROM reports WHERE id = 7", [], |r| r.get(0))
        .unwrap();
    // One byte: a digit of the range.
    let edited = body.replacen("1006", "1007", 1);
    assert_ne!(body, edited);
    c.execute("UPDATE reports SET body = ?1 WHERE id = 7", [edited])
        .unwrap();
    let v = verify(&c).unwrap();
    assert!(!v.is_intact());
    let p = v.first_problem().unwrap();
    assert_eq!((p.table, p.id), (Table::Reports, 7));
    assert!(matches!(p.kind, ProblemKind::HashMismatch { .. }));
    assert_eq!(
        v.problems.len(),
        1,
        "other tables are untouched: {:?}",
        v.problems
    );
    assert_eq!(v.missing_triggers.len(), 12);
    assert!(p.to_string().contains("reports row 7"));
}

#[test]
fn an_edited_frame_byte_a_deleted_row_and_a_rehashed_row_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    write(&path, keep_all(), mixed(20));
    let c = tamper(&path);
    // Flip one bit of a raw frame's bytes.
    let mut bytes: Vec<u8> = c
        .query_row("SELECT bytes FROM raw_frames WHERE id = 4", [], |r| {
            r.get(0)
        })
        .unwrap();
    bytes[3] ^= 0x01;
    c.execute("UPDATE raw_frames SET bytes = ?1 WHERE id = 4", [bytes])
        .unwrap();
    // Remove an alert from the middle.
    c.execute("DELETE FROM alert_events WHERE id = 11", [])
        .unwrap();
    // Change who did something.
    c.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 5", [])
        .unwrap();
    let v = verify(&c).unwrap();
    let found: Vec<(Table, i64)> = v.problems.iter().map(|p| (p.table, p.id)).collect();
    assert_eq!(
        found,
        [(Table::Frames, 4), (Table::Alerts, 12), (Table::Audit, 5)]
    );
    assert!(matches!(
        v.problems[1].kind,
        ProblemKind::Gap { expected_id: 11 }
    ));
    assert_eq!(v.rows(Table::Alerts), 19);
}

#[test]
fn an_edited_time_column_is_found_even_though_the_body_is_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    write(&path, keep_all(), mixed(5));
    let c = tamper(&path);
    c.execute("UPDATE alert_events SET time = time + 60 WHERE id = 3", [])
        .unwrap();
    let p = verify(&c).unwrap().first_problem().cloned().unwrap();
    assert_eq!((p.table, p.id), (Table::Alerts, 3));
}

#[test]
fn retention_by_age_keeps_the_chain_verifiable_and_open_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut recs = mixed(100);
    // Alert 1000 is raised early and still open; alert 1001 raised early and resolved.
    recs.insert(0, Record::Alert(alert(1000, 1, 0.5, AlertState::Raised)));
    recs.insert(1, Record::Alert(alert(1001, 1, 0.6, AlertState::Raised)));
    recs.insert(2, Record::Alert(alert(1001, 1, 0.7, AlertState::Resolved)));
    write(&path, keep_all(), recs);
    let retention = RetentionConfig {
        frames_max_age_s: Some(30.0),
        reports_max_age_s: Some(50.0),
        tracks_max_age_s: Some(50.0),
        alerts_max_age_s: Some(50.0),
        audit_max_age_s: None,
        ..Default::default()
    };
    let config = WriterConfig {
        retention,
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config.clone()).unwrap();
    let report = w.run_retention(ts(100.0)).unwrap();
    assert_eq!(report.deleted_from(Table::Frames), 70);
    assert_eq!(report.deleted_from(Table::Reports), 50);
    assert_eq!(report.deleted_from(Table::Audit), 0);
    // The open alert's raise (row 1) pins the alert table: nothing before it may go.
    assert_eq!(report.deleted_from(Table::Alerts), 0);
    // Appends after retention continue the chains.
    w.append_blocking(Record::Frame(frame(500, 101.0))).unwrap();
    w.append_blocking(Record::Alert(alert(1000, 1, 101.0, AlertState::Resolved)))
        .unwrap();
    w.flush().unwrap();
    let report = w.run_retention(ts(102.0)).unwrap();
    // Only the early raise-and-resolve of alert 1001 is both old and closed: alerts 0..99 are
    // still open, and nothing newer than the oldest open alert's last event may go.
    assert_eq!(report.deleted_from(Table::Alerts), 3);
    w.close().unwrap();

    let r = StoreReader::open(&path).unwrap();
    let v = r.verify().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.rows(Table::Frames), 29);
    let frames = v.tables.iter().find(|t| t.table == Table::Frames).unwrap();
    assert_eq!(frames.resumes_after, Some(72));
    // Three tables trimmed in the first run, four in the second.
    assert_eq!(v.rows(Table::Checkpoints), 7);
    assert_eq!(r.latest_alert_states().unwrap().len(), 101);

    // A restart after retention resumes from the checkpoints; and a retention that empties a
    // table still leaves a chain the next row links to.
    let config = WriterConfig {
        retention: RetentionConfig {
            frames_max_age_s: Some(0.0),
            ..Default::default()
        },
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    assert_eq!(
        w.run_retention(ts(1000.0))
            .unwrap()
            .deleted_from(Table::Frames),
        29
    );
    w.close().unwrap();
    let w = StoreWriter::open(&path, keep_all()).unwrap();
    let id = w
        .append_acked(Record::Frame(frame(9, 1001.0)))
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(id, Some(102));
    w.close().unwrap();
    let v = StoreReader::open(&path).unwrap().verify().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.rows(Table::Frames), 1);
}

#[test]
fn a_deleted_checkpoint_or_a_forged_one_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    write(&path, keep_all(), mixed(30));
    let config = WriterConfig {
        retention: RetentionConfig {
            frames_max_age_s: Some(10.0),
            ..Default::default()
        },
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    w.run_retention(ts(20.0)).unwrap();
    w.close().unwrap();
    // Hiding more old frames needs a new checkpoint, which cannot link without the real hash.
    let c = tamper(&path);
    c.execute("DELETE FROM raw_frames WHERE id <= 15", [])
        .unwrap();
    let p = verify(&c).unwrap().first_problem().cloned().unwrap();
    assert_eq!((p.table, p.id), (Table::Frames, 16));
    assert!(matches!(p.kind, ProblemKind::Gap { expected_id: 11 }));
}

#[test]
fn retention_by_size_trims_oldest_frames_first_and_stays_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut recs = Vec::new();
    for i in 0..20_000u64 {
        let mut f = frame(i, i as f64 * 0.01);
        f.bytes = vec![i as u8; 200];
        recs.push(Record::Frame(f));
        if i.is_multiple_of(100) {
            recs.push(Record::Audit(audit(i, i as f64 * 0.01)));
            recs.push(Record::Track(track(
                1,
                i as f64 * 0.01,
                TrackStatus::Confirmed,
            )));
        }
    }
    write(&path, keep_all(), recs);
    let limit = 2_000_000;
    let config = WriterConfig {
        retention: RetentionConfig {
            max_db_bytes: Some(limit),
            ..Default::default()
        },
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    let report = w.run_retention(ts(1000.0)).unwrap();
    w.close().unwrap();
    assert!(report.used_bytes_before > limit, "{report:?}");
    assert!(report.used_bytes_after <= limit, "{report:?}");
    assert!(report.deleted_from(Table::Frames) > 0);
    assert_eq!(report.deleted_from(Table::Audit), 0);
    assert_eq!(report.deleted_from(Table::Tracks), 0);
    let r = StoreReader::open(&path).unwrap();
    let v = r.verify().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.rows(Table::Audit), 200);
    assert_eq!(
        v.rows(Table::Frames),
        20_000 - report.deleted_from(Table::Frames)
    );
    // The file gave the freed pages back (incremental auto-vacuum).
    let file = std::fs::metadata(&path).unwrap().len();
    assert!(file <= limit + 64 * 1024, "file is {file} bytes");
}

#[test]
fn retention_runs_by_itself_on_the_writer_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let at = |s: f64| picket_core::Timestamp::from_secs(s).unwrap();
    let config = WriterConfig {
        retention: RetentionConfig {
            frames_max_age_s: Some(3600.0),
            interval: Some(std::time::Duration::from_millis(50)),
            ..Default::default()
        },
        ..keep_all()
    };
    let w = StoreWriter::open(&path, config).unwrap();
    for (i, age_s) in [7200.0, 7100.0, 10.0].into_iter().enumerate() {
        let mut f = frame(i as u64, 0.0);
        f.received = at(now_s - age_s);
        w.append_blocking(Record::Frame(f)).unwrap();
    }
    w.flush().unwrap();
    let r = StoreReader::open(&path).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while r.count(Table::Frames).unwrap() > 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "retention did not run"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    w.close().unwrap();
    let v = r.verify().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.rows(Table::Checkpoints), 1);
}
