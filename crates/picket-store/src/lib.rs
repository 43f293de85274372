//! picket's evidence store: everything that enters or leaves a site's core, kept in SQLite so
//! that it can be replayed, exported for an incident, and shown not to have been altered.
//!
//! - **Tables**: raw frames (the replay source), reports, track states (decimated), alert
//!   events (every transition), the operator audit log, and retention checkpoints.
//! - **Tamper evidence**: every row stores `hash = SHA-256(prev_hash ‖ canonical row)`, one
//!   chain per table ([`chain`] defines the encoding); triggers refuse UPDATE and DELETE except
//!   retention's; [`verify()`] walks the chains and names the first bad row.
//! - **Writes**: one writer thread, a bounded channel, batched transactions, receipts that
//!   resolve only after commit ([`StoreWriter`]); raw frames are shed under overload, alerts and
//!   audit rows never.
//! - **Retention** by age and size ([`RetentionConfig`]), **queries** ([`StoreReader`]) and
//!   the **incident bundle** ([`export::export_bundle`]).
//!
//! ```
//! use picket_core::{SensorId, Timestamp};
//! use picket_store::{Record, RawFrame, StoreReader, StoreWriter, WriterConfig};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("site.db");
//! let writer = StoreWriter::open(&path, WriterConfig::default()).unwrap();
//! let t = Timestamp::from_secs(1_700_000_000.0).unwrap();
//! let frame = RawFrame { sensor: SensorId(1), received: t, format: "beast".into(), bytes: vec![0x1a, 0x33] };
//! let id = writer.append_acked(Record::Frame(frame)).unwrap().wait().unwrap();
//! assert_eq!(id, Some(1)); // committed: it survives a crash from here on
//! writer.close().unwrap();
//!
//! let reader = StoreReader::open(&path).unwrap();
//! assert!(reader.verify().unwrap().is_intact());
//! assert_eq!(reader.frames(t, t).unwrap()[0].frame.bytes, [0x1a, 0x33]);
//! ```

pub mod chain;
mod chainstate;
pub mod export;
mod query;
mod record;
mod retention;
mod schema;
pub mod timefmt;
mod verify;
mod writer;

pub use query::{StoreReader, StoredFrame};
pub use record::{AuditEntry, RawFrame, Record, identity_str};
pub use retention::{RetentionConfig, RetentionReport, used_bytes};
pub use schema::{SCHEMA_VERSION, Table};
pub use verify::{Problem, ProblemKind, TableStatus, VerifyReport, verify};
pub use writer::{
    AckResult, Durability, Enqueued, Receipt, StoreWriter, WriterConfig, WriterStats,
};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused an operation.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file could not be written (export).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A record could not be encoded.
    #[error("cannot encode a record: {0}")]
    Encode(String),
    /// A stored body could not be decoded.
    #[error("{table} row {id}: cannot decode: {reason}")]
    Decode {
        /// The table.
        table: &'static str,
        /// The row id.
        id: i64,
        /// Why.
        reason: String,
    },
    /// A stored value has the wrong shape.
    #[error("corrupt store: bad {0}")]
    Corrupt(&'static str),
    /// The store cannot be used as configured.
    #[error("{0}")]
    Config(String),
    /// The batch holding this record failed to commit; the record is not stored.
    #[error("batch not committed: {0}")]
    Batch(String),
    /// The writer thread has stopped.
    #[error("the store writer is closed")]
    Closed,
}
