//! Tables, their columns in canonical order, the DDL, and the append-only triggers.

use crate::StoreError;
use rusqlite::Connection;

/// The schema version written to `meta`; a store with another version is refused.
pub const SCHEMA_VERSION: &str = "1";

/// An evidence table. Each has its own hash chain (see [`crate::chain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Raw sensor frames as received: the replay source.
    Frames,
    /// Decoded reports.
    Reports,
    /// Track states, decimated for history.
    Tracks,
    /// Every alert transition.
    Alerts,
    /// Operator actions.
    Audit,
    /// Retention checkpoints: where each table's chain resumes after its oldest rows were
    /// deleted. Never deleted itself.
    Checkpoints,
}

impl Table {
    /// Every table, in the order `verify` walks them.
    pub const ALL: [Table; 6] = [
        Table::Checkpoints,
        Table::Frames,
        Table::Reports,
        Table::Tracks,
        Table::Alerts,
        Table::Audit,
    ];

    /// The SQL table name (also hashed into every row).
    pub const fn name(self) -> &'static str {
        match self {
            Table::Frames => "raw_frames",
            Table::Reports => "reports",
            Table::Tracks => "track_states",
            Table::Alerts => "alert_events",
            Table::Audit => "audit_log",
            Table::Checkpoints => "checkpoints",
        }
    }

    /// The table with this SQL name.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Hashed columns in canonical order (without `id` and `hash`).
    pub const fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Frames => &["recv_time", "sensor", "format", "bytes"],
            Table::Reports => &["time", "recv_time", "sensor", "body"],
            Table::Tracks => &["time", "track", "status", "class", "identity", "body"],
            Table::Alerts => &[
                "time", "alert", "track", "rule", "state", "level", "actor", "body",
            ],
            Table::Audit => &["time", "actor", "action", "target", "detail"],
            Table::Checkpoints => &["time", "tbl", "last_id", "last_hash", "deleted"],
        }
    }

    /// The column retention by age compares with (seconds since the epoch).
    pub const fn time_column(self) -> &'static str {
        match self {
            Table::Frames => "recv_time",
            _ => "time",
        }
    }

    /// Index of this table in [`Table::ALL`]-ordered arrays.
    pub const fn index(self) -> usize {
        match self {
            Table::Checkpoints => 0,
            Table::Frames => 1,
            Table::Reports => 2,
            Table::Tracks => 3,
            Table::Alerts => 4,
            Table::Audit => 5,
        }
    }

    /// `INSERT INTO t (id, cols..., hash) VALUES (?, ...)`.
    pub fn insert_sql(self) -> String {
        let cols = self.columns();
        let marks = vec!["?"; cols.len() + 2].join(", ");
        format!(
            "INSERT INTO {} (id, {}, hash) VALUES ({marks})",
            self.name(),
            cols.join(", ")
        )
    }

    /// `SELECT id, cols..., hash FROM t` (no ordering clause).
    pub fn select_sql(self) -> String {
        format!(
            "SELECT id, {}, hash FROM {}",
            self.columns().join(", "),
            self.name()
        )
    }
}

const DDL: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS raw_frames (
    id INTEGER PRIMARY KEY, recv_time REAL NOT NULL, sensor INTEGER NOT NULL,
    format TEXT NOT NULL, bytes BLOB NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS raw_frames_time ON raw_frames (recv_time);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY, time REAL, recv_time REAL, sensor INTEGER NOT NULL,
    body TEXT NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS reports_time ON reports (time);
CREATE TABLE IF NOT EXISTS track_states (
    id INTEGER PRIMARY KEY, time REAL, track INTEGER NOT NULL, status TEXT NOT NULL,
    class TEXT NOT NULL, identity TEXT, body TEXT NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS track_states_time ON track_states (time);
CREATE INDEX IF NOT EXISTS track_states_track_time ON track_states (track, time);
CREATE TABLE IF NOT EXISTS alert_events (
    id INTEGER PRIMARY KEY, time REAL, alert INTEGER NOT NULL, track INTEGER NOT NULL,
    rule TEXT NOT NULL, state TEXT NOT NULL, level INTEGER NOT NULL, actor TEXT NOT NULL,
    body TEXT NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS alert_events_time ON alert_events (time);
CREATE INDEX IF NOT EXISTS alert_events_alert ON alert_events (alert, id);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY, time REAL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (time);
CREATE TABLE IF NOT EXISTS checkpoints (
    id INTEGER PRIMARY KEY, time REAL, tbl TEXT NOT NULL, last_id INTEGER NOT NULL,
    last_hash BLOB NOT NULL, deleted INTEGER NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS checkpoints_tbl ON checkpoints (tbl, last_id);
";

/// The append-only triggers. Updates are always refused; deletes only of rows a checkpoint
/// already covers, which is exactly what retention does (checkpoint first, then delete).
fn trigger_sql(table: Table) -> String {
    let t = table.name();
    let mut sql = format!(
        "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} \
         BEGIN SELECT RAISE(ABORT, 'evidence is append-only: {t} rows cannot be updated'); END;\n"
    );
    let guard = if table == Table::Checkpoints {
        String::new()
    } else {
        format!(
            "WHEN OLD.id > (SELECT COALESCE(MAX(last_id), 0) FROM checkpoints WHERE tbl = '{t}') "
        )
    };
    sql.push_str(&format!(
        "CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} {guard}\
         BEGIN SELECT RAISE(ABORT, 'evidence is append-only: {t} rows are deleted only by retention'); END;\n"
    ));
    sql
}

/// The names of the triggers a healthy store has.
pub fn trigger_names() -> Vec<String> {
    Table::ALL
        .iter()
        .flat_map(|t| {
            [
                format!("{}_no_update", t.name()),
                format!("{}_no_delete", t.name()),
            ]
        })
        .collect()
}

/// Connection settings for the writer. `synchronous` is `FULL` or `NORMAL`.
pub fn configure_writer(conn: &Connection, synchronous: &str) -> Result<(), StoreError> {
    // auto_vacuum only takes effect before the first table exists; it lets retention give
    // freed pages back to the file system with `incremental_vacuum`.
    conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Config(format!(
            "could not switch to WAL mode (got {mode})"
        )));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {synchronous}; PRAGMA temp_store = MEMORY; \
         PRAGMA cache_size = -32768; PRAGMA busy_timeout = 5000;"
    ))?;
    Ok(())
}

/// Creates tables, indexes and triggers, and checks or writes the schema version.
pub fn create(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(DDL)?;
    let mut sql = String::new();
    for t in Table::ALL {
        sql.push_str(&trigger_sql(t));
    }
    conn.execute_batch(&sql)?;
    let found: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .ok();
    match found {
        None => {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('chain_encoding', ?2)",
                (SCHEMA_VERSION, crate::chain::ENCODING_VERSION.to_string()),
            )?;
        }
        Some(v) if v == SCHEMA_VERSION => {}
        Some(v) => {
            return Err(StoreError::Config(format!(
                "store schema version {v} is not supported (this build reads {SCHEMA_VERSION})"
            )));
        }
    }
    Ok(())
}
