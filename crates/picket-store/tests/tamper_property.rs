//! Property: changing any stored column of any row, by the smallest amount its type allows, is
//! found by `verify` at exactly that row.

mod common;

use common::*;
use picket_store::{Record, StoreWriter, Table, WriterConfig, verify};
use proptest::prelude::*;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

const ROWS: u64 = 12;

/// One store for all cases (each case edits inside a transaction and rolls back).
fn store() -> &'static PathBuf {
    static PATH: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PATH
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("s.db");
            let config = WriterConfig {
                track_min_interval_s: 0.0,
                ..WriterConfig::default()
            };
            let w = StoreWriter::open(&path, config).unwrap();
            let mut recs = mixed(ROWS);
            recs.push(Record::Track(track(
                9,
                1.0,
                picket_core::TrackStatus::Deleted,
            )));
            for r in recs {
                w.append_blocking(r).unwrap();
            }
            w.close().unwrap();
            (dir, path)
        })
        .1
}

fn columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Frames => &["recv_time", "sensor", "format", "bytes", "hash"],
        Table::Reports => &["time", "recv_time", "sensor", "body", "hash"],
        Table::Tracks => &[
            "time", "track", "status", "class", "identity", "body", "hash",
        ],
        Table::Alerts => &[
            "time", "alert", "track", "rule", "state", "level", "actor", "body", "hash",
        ],
        Table::Audit => &["time", "actor", "action", "target", "detail", "hash"],
        Table::Checkpoints => &[],
    }
}

/// The smallest change of a value that keeps its SQLite type.
fn nudge(v: Value, pick: usize) -> Value {
    match v {
        Value::Integer(i) => Value::Integer(i ^ 1),
        Value::Real(r) => Value::Real(f64::from_bits(r.to_bits() ^ 1)),
        Value::Text(s) => {
            let mut b = s.into_bytes();
            if b.is_empty() {
                return Value::Text("x".into());
            }
            let k = pick % b.len();
            // Stay valid UTF-8: flip the low bit of an ASCII byte, or replace a multibyte char.
            if b[k].is_ascii() && b[k] ^ 1 != 0 {
                b[k] ^= 1
            } else {
                b = b"?".repeat(b.len())
            }
            Value::Text(String::from_utf8(b).unwrap())
        }
        Value::Blob(mut b) => {
            if b.is_empty() {
                return Value::Blob(vec![0]);
            }
            let k = pick % b.len();
            b[k] ^= 1 << (pick % 8);
            Value::Blob(b)
        }
        Value::Null => Value::Text(String::new()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_one_edit_is_found_at_its_row(
        t in 0usize..5, col in 0usize..9, row in 1i64..=ROWS as i64, pick in 0usize..4096,
    ) {
        let table = [Table::Frames, Table::Reports, Table::Tracks, Table::Alerts, Table::Audit][t];
        let cols = columns(table);
        let column = cols[col % cols.len()];
        let mut c = Connection::open(store()).unwrap();
        let tx = c.transaction().unwrap();
        for name in picket_store_trigger_names(&tx) {
            tx.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
        }
        let sql = format!("SELECT {column} FROM {} WHERE id = ?1", table.name());
        let old: Value = tx.query_row(&sql, [row], |r| r.get(0)).unwrap();
        let new = nudge(old.clone(), pick);
        prop_assume!(new != old);
        tx.execute(&format!("UPDATE {} SET {column} = ?1 WHERE id = ?2", table.name()), (new, row)).unwrap();
        let report = verify(&tx).unwrap();
        tx.rollback().unwrap();
        let p = report.first_problem().cloned();
        prop_assert!(p.is_some(), "edit of {}.{column} row {row} not found", table.name());
        let p = p.unwrap();
        prop_assert_eq!((p.table, p.id), (table, row));
        prop_assert_eq!(report.problems.len(), 1);
    }
}

fn picket_store_trigger_names(c: &Connection) -> Vec<String> {
    c.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
