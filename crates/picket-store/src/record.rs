//! What the store keeps, and how each record becomes a row of column values.

use crate::chain::Value;
use crate::schema::Table;
use picket_core::{
    Actor, AlertEvent, AlertState, Class, Report, SensorId, Timestamp, Track, TrackStatus,
};
use serde::{Deserialize, Serialize};

/// A frame exactly as a sensor sent it: the replay source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawFrame {
    /// The sensor it came from.
    pub sensor: SensorId,
    /// When picket received it (wall clock, seconds since the Unix epoch).
    pub received: Timestamp,
    /// The wire format, e.g. `asterix`, `beast`, `remoteid`, `sapient`, `json`.
    pub format: String,
    /// The frame's bytes.
    pub bytes: Vec<u8>,
}

/// One operator action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When it happened.
    pub time: Timestamp,
    /// Who did it (user name, token name, `system`).
    pub actor: String,
    /// What they did, e.g. `alert.acknowledge`, `zones.reload`, `login`.
    pub action: String,
    /// What it was done to, e.g. `A12`, `zone:runway`.
    pub target: String,
    /// Free text or JSON with the particulars.
    pub detail: String,
}

/// Anything the store appends.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A raw sensor frame.
    Frame(RawFrame),
    /// A decoded report.
    Report(Report),
    /// A track state (decimated by the writer, see [`crate::WriterConfig`]).
    Track(Track),
    /// An alert transition.
    Alert(AlertEvent),
    /// An operator action.
    Audit(AuditEntry),
}

impl Record {
    /// The table the record goes to.
    pub fn table(&self) -> Table {
        match self {
            Record::Frame(_) => Table::Frames,
            Record::Report(_) => Table::Reports,
            Record::Track(_) => Table::Tracks,
            Record::Alert(_) => Table::Alerts,
            Record::Audit(_) => Table::Audit,
        }
    }
}

/// What the writer needs to decide whether a track state is kept (see [`crate::WriterConfig`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrackKey {
    pub track: u64,
    pub time_s: f64,
    pub status: TrackStatus,
    pub class: Class,
    pub identity: Option<String>,
}

/// A record turned into column values (in [`Table::columns`] order), ready to hash and insert.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub table: Table,
    pub values: Vec<Value>,
    pub track_key: Option<TrackKey>,
}

pub(crate) fn status_str(s: TrackStatus) -> &'static str {
    match s {
        TrackStatus::Tentative => "tentative",
        TrackStatus::Confirmed => "confirmed",
        TrackStatus::Coasting => "coasting",
        TrackStatus::Deleted => "deleted",
    }
}

pub(crate) fn alert_state_str(s: AlertState) -> &'static str {
    match s {
        AlertState::Raised => "raised",
        AlertState::Escalated => "escalated",
        AlertState::Acknowledged => "acknowledged",
        AlertState::Resolved => "resolved",
    }
}

pub(crate) fn actor_str(a: &Actor) -> String {
    match a {
        Actor::System => "system".to_owned(),
        Actor::Operator(name) => format!("operator:{name}"),
    }
}

/// An identity as a short string: `rid:<serial>`, `icao:<hex>`, `obj:<id>`.
pub fn identity_str(id: &picket_core::Identity) -> String {
    match id {
        picket_core::Identity::RemoteId(s) => format!("rid:{s}"),
        picket_core::Identity::Icao(a) => format!("icao:{a:06x}"),
        picket_core::Identity::SensorObject(s) => format!("obj:{s}"),
    }
}

fn json<T: Serialize>(v: &T) -> Result<String, crate::StoreError> {
    serde_json::to_string(v).map_err(|e| crate::StoreError::Encode(e.to_string()))
}

impl Row {
    /// Encodes a record; JSON bodies are produced here, on the caller's thread, so the single
    /// writer thread only hashes and inserts.
    pub(crate) fn from_record(record: Record) -> Result<Row, crate::StoreError> {
        let table = record.table();
        let mut track_key = None;
        let values = match record {
            Record::Frame(f) => vec![
                Value::real(f.received.as_secs()),
                Value::Int(i64::from(f.sensor.0)),
                Value::Text(f.format),
                Value::Blob(f.bytes),
            ],
            Record::Report(r) => vec![
                Value::real(r.time.as_secs()),
                Value::real(r.received.as_secs()),
                Value::Int(i64::from(r.sensor.0)),
                Value::Text(json(&r)?),
            ],
            Record::Track(t) => {
                let class = t.class.best().0;
                let identity = t.identity.as_ref().map(identity_str);
                track_key = Some(TrackKey {
                    track: t.id.0,
                    time_s: t.time.as_secs(),
                    status: t.status,
                    class,
                    identity: identity.clone(),
                });
                vec![
                    Value::real(t.time.as_secs()),
                    Value::Int(t.id.0 as i64),
                    Value::Text(status_str(t.status).to_owned()),
                    Value::Text(class.as_str().to_owned()),
                    identity.map_or(Value::Null, Value::Text),
                    Value::Text(json(&t)?),
                ]
            }
            Record::Alert(a) => vec![
                Value::real(a.time.as_secs()),
                Value::Int(a.alert.0 as i64),
                Value::Int(a.track.0 as i64),
                Value::Text(a.rule.as_str().to_owned()),
                Value::Text(alert_state_str(a.state).to_owned()),
                Value::Int(i64::from(a.level.get())),
                Value::Text(actor_str(&a.actor)),
                Value::Text(json(&a)?),
            ],
            Record::Audit(e) => vec![
                Value::real(e.time.as_secs()),
                Value::Text(e.actor),
                Value::Text(e.action),
                Value::Text(e.target),
                Value::Text(e.detail),
            ],
        };
        Ok(Row {
            table,
            values,
            track_key,
        })
    }
}
