//! Retention by age and by size, always from the oldest end of a table's chain.
//!
//! Deleting rows `..=last_id` first appends a checkpoint row carrying the hash of row
//! `last_id`, in the same transaction; the delete trigger only lets rows a checkpoint covers
//! go, and `verify` resumes the table's chain from that hash.

use crate::StoreError;
use crate::chain::Value;
use crate::chainstate::{ChainState, Inserts};
use crate::schema::Table;
use picket_core::Timestamp;
use rusqlite::{Connection, OptionalExtension};
use std::time::Duration;

/// Retention limits. `None` keeps forever.
#[derive(Debug, Clone, Default)]
pub struct RetentionConfig {
    /// Raw frames older than this many seconds (by receive time) are deleted.
    pub frames_max_age_s: Option<f64>,
    /// Reports older than this (event time).
    pub reports_max_age_s: Option<f64>,
    /// Track states older than this.
    pub tracks_max_age_s: Option<f64>,
    /// Alert events older than this, except the events of alerts that are still open.
    pub alerts_max_age_s: Option<f64>,
    /// Audit rows older than this.
    pub audit_max_age_s: Option<f64>,
    /// Keep the database's used pages under this many bytes by deleting the oldest raw frames,
    /// then reports, then track states (never alerts or audit rows).
    pub max_db_bytes: Option<u64>,
    /// Run retention automatically this often on the writer thread (system clock).
    pub interval: Option<Duration>,
}

/// What one retention run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetentionReport {
    /// Rows deleted per table.
    pub deleted: Vec<(Table, u64)>,
    /// Checkpoint rows written.
    pub checkpoints: u32,
    /// Used bytes (pages in use × page size) before and after.
    pub used_bytes_before: u64,
    /// Used bytes after.
    pub used_bytes_after: u64,
}

impl RetentionReport {
    fn add(&mut self, table: Table, n: u64) {
        self.checkpoints += 1;
        match self.deleted.iter_mut().find(|(t, _)| *t == table) {
            Some((_, c)) => *c += n,
            None => self.deleted.push((table, n)),
        }
    }

    /// Rows deleted from `table`.
    pub fn deleted_from(&self, table: Table) -> u64 {
        self.deleted
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }
}

/// Bytes in pages that hold data (the file does not shrink until pages are vacuumed).
pub fn used_bytes(conn: &Connection) -> Result<u64, StoreError> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok(((pages - free).max(0) * size) as u64)
}

/// Tables retention by size trims, in order.
const SIZE_ORDER: [Table; 3] = [Table::Frames, Table::Reports, Table::Tracks];

/// A bound on size-retention rounds, so a limit below the schema's own size cannot loop.
const MAX_SIZE_ROUNDS: usize = 200;

/// Runs every configured limit once.
pub(crate) fn run(
    conn: &mut Connection,
    chain: &mut ChainState,
    config: &RetentionConfig,
    now: Timestamp,
) -> Result<RetentionReport, StoreError> {
    let mut report = RetentionReport {
        used_bytes_before: used_bytes(conn)?,
        ..Default::default()
    };
    let ages = [
        (Table::Frames, config.frames_max_age_s),
        (Table::Reports, config.reports_max_age_s),
        (Table::Tracks, config.tracks_max_age_s),
        (Table::Alerts, config.alerts_max_age_s),
        (Table::Audit, config.audit_max_age_s),
    ];
    for (table, age) in ages {
        let Some(age_s) = age else { continue };
        if let Some(last_id) = last_id_older_than(conn, table, now.as_secs() - age_s)? {
            let n = truncate(conn, chain, table, last_id, now)?;
            report.add(table, n);
        }
    }
    if let Some(limit) = config.max_db_bytes {
        trim_to_size(conn, chain, limit, now, &mut report)?;
    }
    // Each step of `incremental_vacuum` frees one page; `execute_batch` would step only once.
    {
        let mut stmt = conn.prepare("PRAGMA incremental_vacuum")?;
        let mut rows = stmt.query([])?;
        while rows.next()?.is_some() {}
    }
    report.used_bytes_after = used_bytes(conn)?;
    Ok(report)
}

fn trim_to_size(
    conn: &mut Connection,
    chain: &mut ChainState,
    limit: u64,
    now: Timestamp,
    report: &mut RetentionReport,
) -> Result<(), StoreError> {
    for _ in 0..MAX_SIZE_ROUNDS {
        if used_bytes(conn)? <= limit {
            return Ok(());
        }
        let mut trimmed = false;
        for table in SIZE_ORDER {
            let (min_id, rows): (Option<i64>, i64) = conn.query_row(
                &format!("SELECT MIN(id), COUNT(*) FROM {}", table.name()),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let Some(min_id) = min_id else { continue };
            // A tenth at a time: few rounds, and never much more deleted than needed.
            let chunk = (rows / 10).max(1);
            let n = truncate(conn, chain, table, min_id + chunk - 1, now)?;
            report.add(table, n);
            trimmed = true;
            break;
        }
        if !trimmed {
            return Ok(());
        }
    }
    Ok(())
}

/// The last id of the oldest run of rows older than `cutoff_s`, keeping open alerts' events.
fn last_id_older_than(
    conn: &Connection,
    table: Table,
    cutoff_s: f64,
) -> Result<Option<i64>, StoreError> {
    let (t, col) = (table.name(), table.time_column());
    let mut last: Option<i64> = conn.query_row(
        &format!(
            "SELECT MAX(id) FROM {t} WHERE id < COALESCE(
                (SELECT MIN(id) FROM {t} WHERE {col} >= ?1), 9223372036854775807)"
        ),
        [cutoff_s],
        |r| r.get(0),
    )?;
    if table == Table::Alerts {
        // SQLite's bare-column rule: `state` comes from the row holding MAX(id).
        let open: Option<i64> = conn.query_row(
            "SELECT MIN(latest) FROM (SELECT MAX(id) AS latest, state FROM alert_events
             GROUP BY alert) WHERE state != 'resolved'",
            [],
            |r| r.get(0),
        )?;
        if let (Some(l), Some(o)) = (last, open) {
            last = Some(l.min(o - 1)).filter(|&v| v > 0);
        }
    }
    Ok(last)
}

/// Checkpoints and deletes rows `..=last_id` of `table` in one transaction; returns how many.
fn truncate(
    conn: &mut Connection,
    chain: &mut ChainState,
    table: Table,
    last_id: i64,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let t = table.name();
    let saved = chain.clone();
    let result = (|| {
        let tx = conn.transaction()?;
        let hash: Option<Vec<u8>> = tx
            .query_row(
                &format!("SELECT hash FROM {t} WHERE id = ?1"),
                [last_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(hash) = hash else {
            return Ok(0);
        };
        let n: i64 = tx.query_row(
            &format!("SELECT COUNT(*) FROM {t} WHERE id <= ?1"),
            [last_id],
            |r| r.get(0),
        )?;
        chain.append(
            &mut Inserts::new(&tx),
            Table::Checkpoints,
            &[
                Value::real(now.as_secs()),
                Value::Text(t.to_owned()),
                Value::Int(last_id),
                Value::Blob(hash),
                Value::Int(n),
            ],
        )?;
        tx.execute(&format!("DELETE FROM {t} WHERE id <= ?1"), [last_id])?;
        tx.commit()?;
        Ok(n as u64)
    })();
    if result.is_err() {
        *chain = saved;
    }
    result
}
