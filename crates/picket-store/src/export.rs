//! The incident bundle: everything recorded in a time window, in files other tools open.
//!
//! | file | content |
//! |---|---|
//! | `manifest.json` | window, counts, chain status and heads at export time, file list |
//! | `tracks.geojson` | one LineString per track, one Point per alert transition (WGS84) |
//! | `tracks.kml` | the same for Google Earth and friends |
//! | `track_states.csv` | every stored track state |
//! | `alerts.csv` | every alert transition |
//! | `audit.csv` | operator actions |
//! | `frames.bin` + `frames.csv` | raw frames back to back, and an index (offset, length, sensor, format, receive time, chain hash) |
//!
//! The map files need the site origin (recorded in the store, or given); without it they are
//! skipped and the manifest says so.

use crate::record::identity_str;
use crate::timefmt::format_time;
use crate::{StoreError, StoreReader, VerifyReport};
use picket_core::{AlertEvent, Geodetic, LocalFrame, Timestamp, Track, TrackId};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Window start (inclusive).
    pub from: Timestamp,
    /// Window end (inclusive).
    pub to: Timestamp,
    /// The site origin, overriding the one recorded in the store.
    pub origin: Option<Geodetic>,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportSummary {
    /// Files written, in the bundle folder.
    pub files: Vec<PathBuf>,
    /// Distinct tracks.
    pub tracks: usize,
    /// Track states.
    pub track_states: usize,
    /// Alert transitions.
    pub alert_events: usize,
    /// Raw frames.
    pub frames: usize,
    /// Audit rows.
    pub audit: usize,
    /// Whether every chain verified at export time.
    pub chain_intact: bool,
    /// Why the map files were skipped, if they were.
    pub skipped_maps: Option<String>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> StoreError + '_ {
    move |e| StoreError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Writes the bundle for `options` into `out_dir` (created if missing).
pub fn export_bundle(
    reader: &StoreReader,
    out_dir: &Path,
    options: &ExportOptions,
) -> Result<ExportSummary, StoreError> {
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let (from, to) = (options.from, options.to);
    let tracks = reader.track_history(from, to, None)?;
    let alerts = reader.alert_events(from, to)?;
    let audit = reader.audit(from, to)?;
    let verify = reader.verify()?;
    let mut summary = ExportSummary {
        track_states: tracks.len(),
        alert_events: alerts.len(),
        audit: audit.len(),
        chain_intact: verify.is_intact(),
        ..Default::default()
    };
    let origin = options.origin.or(reader.site_origin()?);
    let by_track = group_tracks(&tracks);
    summary.tracks = by_track.len();

    let path = out_dir.join("track_states.csv");
    write_track_csv(&path, &tracks, origin.map(LocalFrame::new).as_ref())?;
    summary.files.push(path);
    let path = out_dir.join("alerts.csv");
    write_alert_csv(&path, &alerts)?;
    summary.files.push(path);
    let path = out_dir.join("audit.csv");
    write_audit_csv(&path, &audit)?;
    summary.files.push(path);
    summary.frames = write_frames(reader, out_dir, from, to, &mut summary.files)?;

    match origin {
        Some(origin) => {
            let frame = LocalFrame::new(origin);
            let path = out_dir.join("tracks.geojson");
            let geo = geojson(&frame, &by_track, &alerts);
            write_file(&path, |w| {
                serde_json::to_writer_pretty(&mut *w, &geo).map_err(std::io::Error::other)
            })?;
            summary.files.push(path);
            let path = out_dir.join("tracks.kml");
            write_file(&path, |w| write_kml(w, &frame, &by_track, &alerts))?;
            summary.files.push(path);
        }
        None => {
            summary.skipped_maps =
                Some("no site origin recorded in the store and none given".into());
        }
    }
    let manifest = manifest(options, &summary, &verify);
    let path = out_dir.join("manifest.json");
    write_file(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest).map_err(std::io::Error::other)
    })?;
    summary.files.push(path);
    Ok(summary)
}

/// The bundle's table of contents, with the chain status at export time.
fn manifest(options: &ExportOptions, summary: &ExportSummary, verify: &VerifyReport) -> Json {
    let (from, to) = (options.from, options.to);
    json!({
        "bundle": "picket incident bundle v1",
        "from": format_time(from), "to": format_time(to),
        "from_s": from.as_secs(), "to_s": to.as_secs(),
        "counts": {
            "tracks": summary.tracks, "track_states": summary.track_states,
            "alert_events": summary.alert_events, "frames": summary.frames, "audit": summary.audit,
        },
        "chain": {
            "intact": verify.is_intact(),
            "problems": verify.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "missing_triggers": verify.missing_triggers,
            "heads": verify.tables.iter().map(|t| (t.table.name(), hex::encode(t.head)))
                .collect::<BTreeMap<_, _>>(),
        },
        "skipped_maps": summary.skipped_maps,
        "files": summary.files.iter().filter_map(|p| p.file_name()?.to_str()).collect::<Vec<_>>(),
    })
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let mut w = BufWriter::new(File::create(path).map_err(io_err(path))?);
    body(&mut w).and_then(|()| w.flush()).map_err(io_err(path))
}

fn group_tracks(tracks: &[Track]) -> BTreeMap<TrackId, Vec<&Track>> {
    let mut map: BTreeMap<TrackId, Vec<&Track>> = BTreeMap::new();
    for t in tracks {
        map.entry(t.id).or_default().push(t);
    }
    map
}

fn write_track_csv(
    path: &Path,
    tracks: &[Track],
    frame: Option<&LocalFrame>,
) -> Result<(), StoreError> {
    let mut w = csv::Writer::from_path(path).map_err(csv_err(path))?;
    w.write_record([
        "time_utc",
        "time_s",
        "track",
        "status",
        "class",
        "identity",
        "x_m",
        "y_m",
        "z_m",
        "vx_mps",
        "vy_mps",
        "vz_mps",
        "lat_deg",
        "lon_deg",
        "alt_m",
        "update_count",
    ])
    .map_err(csv_err(path))?;
    for t in tracks {
        let geo = frame.map(|f| f.to_geodetic(&t.position));
        let status = crate::record::status_str(t.status);
        let g = |f: fn(&Geodetic) -> f64| geo.as_ref().map_or(String::new(), |g| f(g).to_string());
        w.write_record([
            format_time(t.time),
            t.time.as_secs().to_string(),
            t.id.to_string(),
            status.to_owned(),
            t.class.best().0.as_str().to_owned(),
            t.identity.as_ref().map(identity_str).unwrap_or_default(),
            t.position.x.to_string(),
            t.position.y.to_string(),
            t.position.z.to_string(),
            t.velocity.x.to_string(),
            t.velocity.y.to_string(),
            t.velocity.z.to_string(),
            g(|g| g.lat_deg),
            g(|g| g.lon_deg),
            g(|g| g.alt_m),
            t.update_count.to_string(),
        ])
        .map_err(csv_err(path))?;
    }
    w.flush().map_err(io_err(path))
}

fn write_alert_csv(path: &Path, alerts: &[AlertEvent]) -> Result<(), StoreError> {
    let mut w = csv::Writer::from_path(path).map_err(csv_err(path))?;
    w.write_record([
        "time_utc", "time_s", "alert", "track", "rule", "zone", "level", "state", "actor", "cause",
    ])
    .map_err(csv_err(path))?;
    for a in alerts {
        w.write_record([
            format_time(a.time),
            a.time.as_secs().to_string(),
            a.alert.to_string(),
            a.track.to_string(),
            a.rule.as_str().to_owned(),
            a.zone.clone().unwrap_or_default(),
            a.level.get().to_string(),
            crate::record::alert_state_str(a.state).to_owned(),
            crate::record::actor_str(&a.actor),
            a.cause.clone(),
        ])
        .map_err(csv_err(path))?;
    }
    w.flush().map_err(io_err(path))
}

fn write_audit_csv(path: &Path, audit: &[crate::AuditEntry]) -> Result<(), StoreError> {
    let mut w = csv::Writer::from_path(path).map_err(csv_err(path))?;
    w.write_record(["time_utc", "time_s", "actor", "action", "target", "detail"])
        .map_err(csv_err(path))?;
    for e in audit {
        w.write_record([
            &format_time(e.time),
            &e.time.as_secs().to_string(),
            &e.actor,
            &e.action,
            &e.target,
            &e.detail,
        ])
        .map_err(csv_err(path))?;
    }
    w.flush().map_err(io_err(path))
}

/// `frames.bin` (the bytes back to back) and `frames.csv` (where each frame is); streamed, so a
/// long window does not have to fit in memory.
fn write_frames(
    reader: &StoreReader,
    out_dir: &Path,
    from: Timestamp,
    to: Timestamp,
    files: &mut Vec<PathBuf>,
) -> Result<usize, StoreError> {
    let bin_path = out_dir.join("frames.bin");
    let idx_path = out_dir.join("frames.csv");
    let mut bin = BufWriter::new(File::create(&bin_path).map_err(io_err(&bin_path))?);
    let mut idx = csv::Writer::from_path(&idx_path).map_err(csv_err(&idx_path))?;
    idx.write_record([
        "id",
        "recv_time_utc",
        "recv_time_s",
        "sensor",
        "format",
        "offset",
        "length",
        "chain_hash",
    ])
    .map_err(csv_err(&idx_path))?;
    let mut offset = 0u64;
    let mut failure = None;
    let n = reader.for_each_frame(from, to, |f| {
        let len = f.frame.bytes.len() as u64;
        let row = [
            f.id.to_string(),
            format_time(f.frame.received),
            f.frame.received.as_secs().to_string(),
            f.frame.sensor.0.to_string(),
            f.frame.format.clone(),
            offset.to_string(),
            len.to_string(),
            hex::encode(f.hash),
        ];
        let result = bin
            .write_all(&f.frame.bytes)
            .map_err(io_err(&bin_path))
            .and_then(|()| idx.write_record(row).map_err(csv_err(&idx_path)));
        offset += len;
        match result {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failure = Some(e);
                ControlFlow::Break(())
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    bin.flush().map_err(io_err(&bin_path))?;
    idx.flush().map_err(io_err(&idx_path))?;
    files.push(bin_path);
    files.push(idx_path);
    Ok(n as usize)
}

/// Where the alert's track was at the alert's time: the last state at or before it, else the
/// first after.
fn alert_position<'a>(
    by_track: &'a BTreeMap<TrackId, Vec<&Track>>,
    a: &AlertEvent,
) -> Option<&'a Track> {
    let states = by_track.get(&a.track)?;
    states
        .iter()
        .rev()
        .find(|t| t.time <= a.time)
        .or_else(|| states.first())
        .copied()
}

fn lon_lat_alt(frame: &LocalFrame, t: &Track) -> [f64; 3] {
    let g = frame.to_geodetic(&t.position);
    [g.lon_deg, g.lat_deg, g.alt_m]
}

fn geojson(
    frame: &LocalFrame,
    by_track: &BTreeMap<TrackId, Vec<&Track>>,
    alerts: &[AlertEvent],
) -> Json {
    let mut features = Vec::new();
    for (id, states) in by_track {
        let coords: Vec<[f64; 3]> = states.iter().map(|t| lon_lat_alt(frame, t)).collect();
        let geometry = if coords.len() == 1 {
            json!({"type": "Point", "coordinates": coords[0]})
        } else {
            json!({"type": "LineString", "coordinates": coords})
        };
        let last = states[states.len() - 1];
        features.push(json!({
            "type": "Feature", "geometry": geometry,
            "properties": {
                "kind": "track", "track": id.to_string(), "track_id": id.0,
                "identity": last.identity.as_ref().map(identity_str),
                "class": last.class.best().0.as_str(),
                "first_time": format_time(states[0].time), "last_time": format_time(last.time),
                "states": states.len(),
            }
        }));
    }
    for a in alerts {
        let Some(t) = alert_position(by_track, a) else {
            continue;
        };
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": lon_lat_alt(frame, t)},
            "properties": {
                "kind": "alert", "alert": a.alert.to_string(), "track": a.track.to_string(),
                "rule": a.rule.as_str(), "zone": a.zone, "level": a.level.get(),
                "state": crate::record::alert_state_str(a.state), "time": format_time(a.time),
                "cause": a.cause,
            }
        }));
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// Escapes the five XML special characters.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn write_kml(
    w: &mut impl Write,
    frame: &LocalFrame,
    by_track: &BTreeMap<TrackId, Vec<&Track>>,
    alerts: &[AlertEvent],
) -> std::io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>"#
    )?;
    writeln!(
        w,
        "<name>picket incident bundle</name><Folder><name>Tracks</name>"
    )?;
    for (id, states) in by_track {
        let coords: Vec<String> = states
            .iter()
            .map(|t| {
                let [lon, lat, alt] = lon_lat_alt(frame, t);
                format!("{lon:.7},{lat:.7},{alt:.1}")
            })
            .collect();
        let last = states[states.len() - 1];
        let ident = last.identity.as_ref().map(identity_str).unwrap_or_default();
        writeln!(w, "<Placemark><name>{id}</name>")?;
        writeln!(
            w,
            "<description>{} {} {} to {}</description>",
            xml(&ident),
            last.class.best().0.as_str(),
            format_time(states[0].time),
            format_time(last.time)
        )?;
        if coords.len() == 1 {
            writeln!(
                w,
                "<Point><altitudeMode>absolute</altitudeMode><coordinates>{}</coordinates></Point>",
                coords[0]
            )?;
        } else {
            writeln!(
                w,
                "<LineString><altitudeMode>absolute</altitudeMode><coordinates>{}</coordinates></LineString>",
                coords.join(" ")
            )?;
        }
        writeln!(w, "</Placemark>")?;
    }
    writeln!(w, "</Folder><Folder><name>Alerts</name>")?;
    for a in alerts {
        let Some(t) = alert_position(by_track, a) else {
            continue;
        };
        let [lon, lat, alt] = lon_lat_alt(frame, t);
        writeln!(
            w,
            "<Placemark><name>{} {} {}</name><TimeStamp><when>{}</when></TimeStamp>\
             <description>{}</description><Point><altitudeMode>absolute</altitudeMode>\
             <coordinates>{lon:.7},{lat:.7},{alt:.1}</coordinates></Point></Placemark>",
            a.alert,
            a.rule.as_str(),
            crate::record::alert_state_str(a.state),
            format_time(a.time),
            xml(&a.cause)
        )?;
    }
    writeln!(w, "</Folder></Document></kml>")
}
