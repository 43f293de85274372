//! `picket replay`: runs recorded input through a fresh core and compares the outcome with
//! what the live site recorded.
//!
//! A run begins at a `start` control frame (the site file and alert-id offset it started
//! with). The replay takes the run containing `from` (or the first run after it), feeds every
//! recorded frame of it, in the order the site thread processed them (row id), through
//! [`Core`] (decoders, reorder window, tracker, guard; ticks and operator commands as
//! recorded), and compares the track states and alert events with event times in
//! `[from, to]` with the stored ones. The track table is decimated by the store, so each
//! stored state must equal a replayed state of the same track at the same time (a track may
//! be updated twice at one time, by two sensors' steps in one slot).

use crate::ServerError;
use crate::config::SiteConfig;
use crate::core::{CONTROL_SENSOR, ControlCommand, Core, Output, StartRecord};
use picket_core::{AlertEvent, SensorId, Timestamp, Track, TrackId};
use picket_store::StoreReader;
use std::collections::HashMap;
use std::path::Path;

/// What a replay found.
#[derive(Debug, Default)]
pub struct ReplayReport {
    /// Receive time of the run's start frame.
    pub run_start: Option<Timestamp>,
    /// Frames fed (control frames included).
    pub frames: u64,
    /// Stored track states in the window.
    pub tracks_recorded: u64,
    /// Of them, equal to the replayed state.
    pub tracks_equal: u64,
    /// Stored alert events in the window.
    pub alerts_recorded: u64,
    /// Replayed alert events in the window.
    pub alerts_replayed: u64,
    /// Alert events equal position by position.
    pub alerts_equal: u64,
    /// The first differences, in words.
    pub differences: Vec<String>,
}

impl ReplayReport {
    /// True when everything recorded was reproduced exactly.
    pub fn is_exact(&self) -> bool {
        self.differences.is_empty()
            && self.tracks_equal == self.tracks_recorded
            && self.alerts_equal == self.alerts_recorded
            && self.alerts_recorded == self.alerts_replayed
    }

    fn differ(&mut self, what: String) {
        if self.differences.len() < 10 {
            self.differences.push(what);
        }
    }
}

struct Row {
    id: i64,
    received: Timestamp,
    sensor: SensorId,
    format: String,
    bytes: Vec<u8>,
}

fn rows(
    reader: &StoreReader,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Row>, ServerError> {
    query(reader, sql, params)
}

/// Replays the run containing `from` and compares `[from, to]`.
pub fn replay(db: &Path, from: Timestamp, to: Timestamp) -> Result<ReplayReport, ServerError> {
    let reader = StoreReader::open(db)?;
    let control = i64::from(CONTROL_SENSOR.0);
    let starts = rows(
        &reader,
        "SELECT id, recv_time, sensor, format, bytes FROM raw_frames
         WHERE sensor = ?1 AND format = 'start' ORDER BY id",
        (control,),
    )?;
    let chosen = starts
        .iter()
        .rposition(|s| s.received <= from)
        .or_else(|| starts.iter().position(|s| s.received <= to))
        .ok_or_else(|| ServerError::Config("no recorded run in this window".into()))?;
    let start_row = &starts[chosen];
    let end_id = starts.get(chosen + 1).map_or(i64::MAX, |s| s.id);
    let run_end = starts.get(chosen + 1).map(|s| s.received);
    let start: StartRecord = serde_json::from_slice(&start_row.bytes)
        .map_err(|e| ServerError::Config(format!("bad start record: {e}")))?;
    let config = SiteConfig::parse(&start.config_toml, "recorded configuration")
        .map_err(|e| ServerError::Config(e.to_string()))?;
    let mut core = Core::new(&config, &start).map_err(ServerError::Config)?;
    let frames = rows(
        &reader,
        "SELECT id, recv_time, sensor, format, bytes FROM raw_frames
         WHERE id > ?1 AND id < ?2 ORDER BY id",
        (start_row.id, end_id),
    )?;
    let mut report = ReplayReport {
        run_start: Some(start_row.received),
        ..ReplayReport::default()
    };
    // Every replayed state per (track, time): one track can be updated twice at one time (two
    // sensors' steps in one slot), and the store keeps whichever its decimation lets through.
    let mut tracks: HashMap<(TrackId, u64), Vec<Track>> = HashMap::new();
    let mut alerts: Vec<AlertEvent> = Vec::new();
    let mut out = Output::default();
    let in_window = |t: Timestamp| t >= from && t <= to && run_end.is_none_or(|e| t < e);
    for f in frames {
        report.frames += 1;
        if f.sensor == CONTROL_SENSOR {
            match f.format.as_str() {
                "tick" => core.tick(f.received, &mut out),
                "command" => {
                    let command: ControlCommand =
                        serde_json::from_slice(&f.bytes).map_err(|e| {
                            ServerError::Config(format!("bad command record {}: {e}", f.id))
                        })?;
                    let _ = core.command(&command, &mut out);
                }
                _ => {}
            }
        } else {
            core.frame(f.sensor, f.received, &f.bytes, &mut out);
        }
        for step in &out.steps {
            for t in &step.tracks {
                tracks
                    .entry((t.id, t.time.as_secs().to_bits()))
                    .or_default()
                    .push(t.clone());
            }
        }
        alerts.extend(out.alerts.drain(..).filter(|a| in_window(a.time)));
        out.clear();
    }
    compare_tracks(&reader, from, to, &tracks, in_window, &mut report)?;
    let recorded: Vec<AlertEvent> = reader
        .alert_events(from, to)?
        .into_iter()
        .filter(|a| in_window(a.time) && a.alert.0 > start.alert_offset)
        .collect();
    alerts.retain(|a| a.alert.0 > start.alert_offset);
    report.alerts_recorded = recorded.len() as u64;
    report.alerts_replayed = alerts.len() as u64;
    for (i, (r, p)) in recorded.iter().zip(&alerts).enumerate() {
        if r == p {
            report.alerts_equal += 1;
        } else {
            report.differ(format!("alert event {i}: recorded {r:?}, replayed {p:?}"));
        }
    }
    if recorded.len() != alerts.len() {
        report.differ(format!(
            "{} alert events recorded, {} replayed",
            recorded.len(),
            alerts.len()
        ));
    }
    Ok(report)
}

fn compare_tracks(
    reader: &StoreReader,
    from: Timestamp,
    to: Timestamp,
    replayed: &HashMap<(TrackId, u64), Vec<Track>>,
    in_window: impl Fn(Timestamp) -> bool,
    report: &mut ReplayReport,
) -> Result<(), ServerError> {
    for recorded in reader.track_history(from, to, None)? {
        if !in_window(recorded.time) {
            continue;
        }
        report.tracks_recorded += 1;
        match replayed.get(&(recorded.id, recorded.time.as_secs().to_bits())) {
            Some(states) if states.iter().any(|t| same_track(t, &recorded)) => {
                report.tracks_equal += 1
            }
            Some(states) => report.differ(format!(
                "track {} at {}: recorded {:?}, replayed {:?}",
                recorded.id.0,
                recorded.time.as_secs(),
                recorded.position,
                states.iter().map(|t| t.position).collect::<Vec<_>>()
            )),
            None => report.differ(format!(
                "track {} at {}: not reproduced",
                recorded.id.0,
                recorded.time.as_secs()
            )),
        }
    }
    Ok(())
}

/// Equal as stored: the store keeps the JSON form, so compare through it.
fn same_track(a: &Track, b: &Track) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// Raw SQL over the store's connection: frames in processing order (row id), which
/// [`StoreReader::frames`] does not give (it orders by receive time).
fn query(
    reader: &StoreReader,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Row>, ServerError> {
    let sqlite = |e: rusqlite::Error| ServerError::Store(e.into());
    let mut stmt = reader.connection().prepare(sql).map_err(sqlite)?;
    let mut rows = stmt.query(params).map_err(sqlite)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sqlite)? {
        let sensor: i64 = r.get(2).map_err(sqlite)?;
        out.push(Row {
            id: r.get(0).map_err(sqlite)?,
            received: Timestamp::from_secs(r.get(1).map_err(sqlite)?).unwrap_or(Timestamp::ZERO),
            sensor: SensorId(u16::try_from(sensor).unwrap_or(u16::MAX)),
            format: r.get(3).map_err(sqlite)?,
            bytes: r.get(4).map_err(sqlite)?,
        });
    }
    Ok(out)
}
