//! Read side: history for the API, the replay source, and what a restarted site needs.
//!
//! A [`StoreReader`] is its own read-only connection; in WAL mode it reads a consistent snapshot
//! while the writer thread keeps committing. Time windows are inclusive at both ends.

use crate::StoreError;
use crate::record::{AuditEntry, RawFrame};
use crate::schema::Table;
use crate::verify::{VerifyReport, verify};
use picket_core::{AlertEvent, Geodetic, Report, SensorId, Timestamp, Track, TrackId};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use serde::de::DeserializeOwned;
use std::ops::ControlFlow;
use std::path::Path;

/// A raw frame with its row id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFrame {
    /// Row id (receive order within a table).
    pub id: i64,
    /// The frame.
    pub frame: RawFrame,
    /// Its chain hash.
    pub hash: [u8; 32],
}

/// A read-only view of a store.
pub struct StoreReader {
    conn: Connection,
}

fn decode<T: DeserializeOwned>(table: Table, id: i64, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Decode {
        table: table.name(),
        id,
        reason: e.to_string(),
    })
}

fn time(secs: Option<f64>) -> Timestamp {
    secs.and_then(Timestamp::from_secs)
        .unwrap_or(Timestamp::ZERO)
}

impl StoreReader {
    /// Opens an existing store read-only.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Config(format!(
                "no store at {}",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Self { conn })
    }

    /// The underlying connection (read-only), for ad-hoc queries.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Walks every hash chain.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        verify(&self.conn)
    }

    /// The site origin recorded when the store was opened for writing, if any.
    pub fn site_origin(&self) -> Result<Option<Geodetic>, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'site_origin'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        v.map(|s| decode(Table::Checkpoints, 0, &s)).transpose()
    }

    /// Rows in `table`.
    pub fn count(&self, table: Table) -> Result<u64, StoreError> {
        let n: i64 =
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {}", table.name()), [], |r| {
                    r.get(0)
                })?;
        Ok(n as u64)
    }

    fn bodies<T: DeserializeOwned>(
        &self,
        table: Table,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let body: String = r.get(1)?;
            out.push(decode(table, id, &body)?);
        }
        Ok(out)
    }

    /// Stored track states with `from <= time <= to`, of one track or all, oldest first.
    pub fn track_history(
        &self,
        from: Timestamp,
        to: Timestamp,
        track: Option<TrackId>,
    ) -> Result<Vec<Track>, StoreError> {
        let (a, b) = (from.as_secs(), to.as_secs());
        match track {
            Some(id) => self.bodies(
                Table::Tracks,
                "SELECT id, body FROM track_states WHERE track = ?1 AND time BETWEEN ?2 AND ?3
                 ORDER BY time, id",
                (id.0 as i64, a, b),
            ),
            None => self.bodies(
                Table::Tracks,
                "SELECT id, body FROM track_states WHERE time BETWEEN ?1 AND ?2 ORDER BY time, id",
                (a, b),
            ),
        }
    }

    /// Decoded reports with `from <= time <= to`, oldest first.
    pub fn reports(&self, from: Timestamp, to: Timestamp) -> Result<Vec<Report>, StoreError> {
        self.bodies(
            Table::Reports,
            "SELECT id, body FROM reports WHERE time BETWEEN ?1 AND ?2 ORDER BY time, id",
            (from.as_secs(), to.as_secs()),
        )
    }

    /// Every alert transition with `from <= time <= to`, in the order they were stored.
    pub fn alert_events(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        self.bodies(
            Table::Alerts,
            "SELECT id, body FROM alert_events WHERE time BETWEEN ?1 AND ?2 ORDER BY id",
            (from.as_secs(), to.as_secs()),
        )
    }

    /// The last stored event of every alert (its current state), by alert id: what a restarted
    /// site loads to bring its alerts back.
    pub fn latest_alert_states(&self) -> Result<Vec<AlertEvent>, StoreError> {
        self.bodies(
            Table::Alerts,
            "SELECT id, body FROM alert_events WHERE id IN
               (SELECT MAX(id) FROM alert_events GROUP BY alert) ORDER BY alert",
            [],
        )
    }

    /// Audit rows with `from <= time <= to`, in the order they were stored.
    pub fn audit(&self, from: Timestamp, to: Timestamp) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT time, actor, action, target, detail FROM audit_log
             WHERE time BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map((from.as_secs(), to.as_secs()), |r| {
            Ok(AuditEntry {
                time: time(r.get(0)?),
                actor: r.get(1)?,
                action: r.get(2)?,
                target: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Streams raw frames received in `[from, to]` in receive order to `visit` (the replay
    /// source); stops early when `visit` breaks. Returns how many were visited.
    pub fn for_each_frame(
        &self,
        from: Timestamp,
        to: Timestamp,
        visit: impl FnMut(StoredFrame) -> ControlFlow<()>,
    ) -> Result<u64, StoreError> {
        self.frames_ordered(from, to, "recv_time, id", visit)
    }

    /// Like [`StoreReader::for_each_frame`] but in the order the frames were stored (row id),
    /// which is the order a live site processed them when receive times tie or step back.
    pub fn for_each_frame_stored(
        &self,
        from: Timestamp,
        to: Timestamp,
        visit: impl FnMut(StoredFrame) -> ControlFlow<()>,
    ) -> Result<u64, StoreError> {
        self.frames_ordered(from, to, "id", visit)
    }

    fn frames_ordered(
        &self,
        from: Timestamp,
        to: Timestamp,
        order: &str,
        mut visit: impl FnMut(StoredFrame) -> ControlFlow<()>,
    ) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, recv_time, sensor, format, bytes, hash FROM raw_frames
             WHERE recv_time BETWEEN ?1 AND ?2 ORDER BY {order}"
        ))?;
        let mut rows = stmt.query((from.as_secs(), to.as_secs()))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            n += 1;
            if visit(stored_frame(r)?).is_break() {
                break;
            }
        }
        Ok(n)
    }

    /// Raw frames received in `[from, to]`, in receive order.
    pub fn frames(&self, from: Timestamp, to: Timestamp) -> Result<Vec<StoredFrame>, StoreError> {
        let mut out = Vec::new();
        self.for_each_frame(from, to, |f| {
            out.push(f);
            ControlFlow::Continue(())
        })?;
        Ok(out)
    }
}

fn stored_frame(r: &Row<'_>) -> Result<StoredFrame, StoreError> {
    let id: i64 = r.get(0)?;
    let sensor: i64 = r.get(2)?;
    let hash: Vec<u8> = r.get(5)?;
    Ok(StoredFrame {
        id,
        frame: RawFrame {
            sensor: SensorId(u16::try_from(sensor).unwrap_or(u16::MAX)),
            received: time(r.get(1)?),
            format: r.get(3)?,
            bytes: r.get(4)?,
        },
        hash: crate::chainstate::to_hash(&hash).ok_or(StoreError::Corrupt("frame hash"))?,
    })
}
