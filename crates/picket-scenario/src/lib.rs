//! The scenario, track and alert files of picket (JSON Lines, `formats/scenario.md` v1).
//!
//! The simulator writes scenario files, `picket track` reads their detections and writes track
//! (and alert) files, `picket eval` scores them, and the Stone Soup harness reads the same
//! files. This crate is the one place that knows the format: typed [`Record`]s, a strict
//! [`Reader`] whose errors name the file and line, and a [`Writer`] that cannot write a file
//! the reader would reject.
//!
//! ```
//! use picket_scenario::{Scenario, Record};
//! let text = r#"{"type":"sensor","id":"S0","kind":"generic","x":0,"y":0,"z":0}
//! {"type":"truth","t":0.0,"id":"T1","class":"drone","x":1,"y":2,"z":3,"vx":0,"vy":0,"vz":0}
//! {"type":"detection","t":0.0,"sensor":"S0","x":1.5,"y":2,"z":3,"sigma":10}
//! "#;
//! let scenario = Scenario::read(text.as_bytes(), "inline.jsonl").unwrap();
//! assert_eq!(scenario.truth.len(), 1);
//! let (site, reports) = scenario.site_and_reports().unwrap();
//! assert_eq!(site.sensors().len(), 1);
//! assert_eq!(reports.len(), 1);
//! ```

pub mod convert;
mod read;
mod record;
mod validate;
mod write;

pub use read::{LineError, ReadError, Reader, parse_line};
pub use record::*;
pub use validate::ValueError;
pub use write::{WriteError, Writer};

use picket_core::{Enu, Geodetic, Report, SensorId, SensorKind, Site};
use std::io::BufRead;

/// Everything a scenario file holds, in file order per record type.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// File name, for messages.
    pub file: String,
    /// The `meta` line, when present.
    pub meta: Option<Meta>,
    /// Sensor lines.
    pub sensors: Vec<SensorRecord>,
    /// Truth lines, sorted by t.
    pub truth: Vec<Truth>,
    /// Detection lines, sorted by t.
    pub detections: Vec<Detection>,
    /// The line number of each detection (parallel to `detections`).
    pub detection_lines: Vec<usize>,
    /// Zone lines.
    pub zones: Vec<ZoneRecord>,
    /// Authorisation lines.
    pub authorized: Vec<Authorized>,
    /// Track lines (track files).
    pub tracks: Vec<TrackRecord>,
    /// Alert lines (alert files).
    pub alerts: Vec<AlertRecord>,
}

/// A detection that refers to something the scenario does not define.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct ScenarioError {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl Scenario {
    /// Reads a whole file of any record types.
    pub fn read(input: impl BufRead, file: &str) -> Result<Self, ReadError> {
        let mut s = Scenario {
            file: file.to_owned(),
            ..Default::default()
        };
        for item in Reader::new(input, file) {
            let (line, record) = item?;
            match record {
                Record::Meta(m) => s.meta = Some(m),
                Record::Sensor(r) => s.sensors.push(r),
                Record::Truth(r) => s.truth.push(r),
                Record::Detection(r) => {
                    s.detections.push(r);
                    s.detection_lines.push(line);
                }
                Record::Zone(r) => s.zones.push(r),
                Record::Authorized(r) => s.authorized.push(r),
                Record::Track(r) => s.tracks.push(r),
                Record::Alert(r) => s.alerts.push(r),
            }
        }
        Ok(s)
    }

    /// The geodetic origin of the local frame (0°, 0°, 0 m when the file has none).
    pub fn origin(&self) -> Geodetic {
        self.meta
            .as_ref()
            .and_then(|m| m.origin)
            .map(|o| Geodetic::new(o.lat, o.lon, o.alt_m))
            .unwrap_or(Geodetic::new(0.0, 0.0, 0.0))
    }

    /// The site the file describes (sensors and zones) and its detections as reports, in file
    /// order. A detection whose sensor has no `sensor` line must be Cartesian: such sensors are
    /// added as `generic` at the origin. A polar or bearing detection without its sensor is an
    /// error naming the line.
    pub fn site_and_reports(&self) -> Result<(Site, Vec<Report>), ScenarioError> {
        let mut site = Site::new("scenario", self.origin());
        for s in &self.sensors {
            let kind: SensorKind = s.kind.parse().map_err(|e| self.error(0, format!("{e}")))?;
            site.add_sensor(&s.id, kind, Enu::new(s.x, s.y, s.z));
        }
        for z in &self.zones {
            site.zones
                .push(convert::zone(z).map_err(|e| self.error(0, e.to_string()))?);
        }
        let mut reports = Vec::with_capacity(self.detections.len());
        for (d, &line) in self.detections.iter().zip(&self.detection_lines) {
            let sensor = match site.sensor_by_name(&d.sensor) {
                Some(s) => s.id,
                None if matches!(d.shape, Shape::Cartesian { .. }) => {
                    site.add_sensor(&d.sensor, SensorKind::Generic, Enu::default())
                }
                None => {
                    return Err(self.error(
                        line,
                        format!("detection refers to sensor {:?}, which has no `sensor` line; polar and bearing detections need their sensor's position", d.sensor),
                    ));
                }
            };
            reports.push(convert::report(d, sensor));
        }
        Ok((site, reports))
    }

    /// `reports` (one per detection, in file order, as [`Scenario::site_and_reports`] gives
    /// them) grouped as a tracker takes them: one group per (time, sensor), the time exactly as
    /// read, the sensors of one time in order of first appearance.
    pub fn groups(&self, reports: &[Report]) -> Vec<(f64, Vec<Report>)> {
        let mut groups = Vec::new();
        let mut start = 0;
        while start < reports.len().min(self.detections.len()) {
            let t = self.detections[start].t;
            let end = start
                + self.detections[start..reports.len()]
                    .iter()
                    .take_while(|d| d.t.to_bits() == t.to_bits())
                    .count();
            let mut sensors: Vec<SensorId> = Vec::new();
            for r in &reports[start..end] {
                if !sensors.contains(&r.sensor) {
                    sensors.push(r.sensor);
                }
            }
            for sensor in sensors {
                let group = reports[start..end]
                    .iter()
                    .filter(|r| r.sensor == sensor)
                    .cloned()
                    .collect();
                groups.push((t, group));
            }
            start = end;
        }
        groups
    }

    fn error(&self, line: usize, reason: String) -> ScenarioError {
        ScenarioError {
            file: self.file.clone(),
            line,
            reason,
        }
    }
}
