//! A strict, streaming reader: one typed [`Record`] per line, and an error that names the file,
//! the line and what is wrong.

use crate::record::*;
use crate::validate::ValueError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::BufRead;

/// What is wrong with a line.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// Not JSON, or a value of the wrong JSON type.
    #[error("not a valid record: {0}")]
    Json(#[from] serde_json::Error),
    /// No `type` key.
    #[error("missing key `type`")]
    MissingType,
    /// A `type` the format does not define.
    #[error(
        "unknown record type {0:?} (expected meta, sensor, truth, detection, zone, authorized, track or alert)"
    )]
    UnknownType(String),
    /// A required key is absent.
    #[error("{record} record is missing required key `{key}`")]
    MissingKey {
        /// Record type.
        record: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A detection that is none of the three shapes.
    #[error(
        "detection must have x,y,z,sigma or range_m,az_deg,el_deg (with sigmas) or az_deg,sigma_az_deg"
    )]
    DetectionShape,
    /// A format version this reader does not know.
    #[error("format version {0} is not supported (this picket reads version 1)")]
    Version(u64),
    /// Records out of time order.
    #[error(
        "t = {t} is earlier than the previous record's t = {previous}; files must be sorted by t"
    )]
    Unsorted {
        /// This line's time.
        t: f64,
        /// The previous timed record's time.
        previous: f64,
    },
    /// A value out of its domain.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// The underlying reader failed.
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A [`LineError`] with the place it happened.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {error}")]
pub struct ReadError {
    /// File name as given to the reader.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub error: LineError,
}

#[derive(Deserialize)]
struct RawIdent {
    rid: Option<String>,
    icao: Option<String>,
}

#[derive(Deserialize)]
struct RawOrigin {
    lat: f64,
    lon: f64,
    #[serde(default)]
    alt_m: f64,
}

#[derive(Deserialize)]
struct RawCircle {
    x: f64,
    y: f64,
    r_m: f64,
}

/// Every key of every record type, all optional: unknown keys are ignored, and missing ones
/// are reported by name once the type is known.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawLine {
    #[serde(rename = "type")]
    record_type: Option<String>,
    version: Option<u64>,
    origin: Option<RawOrigin>,
    seed: Option<u64>,
    note: Option<String>,
    t: Option<f64>,
    id: Option<String>,
    kind: Option<String>,
    class: Option<serde_json::Value>,
    role: Option<String>,
    ident: Option<RawIdent>,
    spoofed: Option<bool>,
    sensor: Option<String>,
    x: Option<f64>,
    y: Option<f64>,
    z: Option<f64>,
    vx: Option<f64>,
    vy: Option<f64>,
    vz: Option<f64>,
    sigma: Option<f64>,
    range_m: Option<f64>,
    az_deg: Option<f64>,
    el_deg: Option<f64>,
    sigma_range_m: Option<f64>,
    sigma_az_deg: Option<f64>,
    sigma_el_deg: Option<f64>,
    vr_mps: Option<f64>,
    sigma_vr_mps: Option<f64>,
    polygon: Option<Vec<[f64; 2]>>,
    circle: Option<RawCircle>,
    floor_m: Option<f64>,
    ceiling_m: Option<f64>,
    rid: Option<String>,
    icao: Option<String>,
    zones: Option<Vec<String>>,
    from: Option<f64>,
    to: Option<f64>,
    confirmed: Option<bool>,
    p_class: Option<BTreeMap<String, f64>>,
    cov: Option<Vec<f64>>,
    track: Option<String>,
    rule: Option<String>,
    zone: Option<String>,
    level: Option<u8>,
    state: Option<String>,
}

fn need<T>(v: Option<T>, record: &'static str, key: &'static str) -> Result<T, LineError> {
    v.ok_or(LineError::MissingKey { record, key })
}

fn ident(raw: Option<RawIdent>) -> Option<Ident> {
    raw.and_then(|i| i.rid.map(Ident::Rid).or(i.icao.map(Ident::Icao)))
}

/// Parses one line into a record (without the ordering check, which needs the previous line).
pub fn parse_line(line: &str) -> Result<Record, LineError> {
    let mut raw: RawLine = serde_json::from_str(line)?;
    let kind = raw.record_type.take().ok_or(LineError::MissingType)?;
    let record = match kind.as_str() {
        "meta" => meta(raw)?,
        "sensor" => Record::Sensor(SensorRecord {
            id: need(raw.id, "sensor", "id")?,
            kind: need(raw.kind, "sensor", "kind")?,
            x: need(raw.x, "sensor", "x")?,
            y: need(raw.y, "sensor", "y")?,
            z: need(raw.z, "sensor", "z")?,
        }),
        "truth" => truth(raw)?,
        "detection" => detection(raw)?,
        "zone" => zone(raw)?,
        "authorized" => authorized(raw)?,
        "track" | "estimate" => track(raw, kind == "estimate")?,
        "alert" => Record::Alert(AlertRecord {
            t: need(raw.t, "alert", "t")?,
            id: need(raw.id, "alert", "id")?,
            track: need(raw.track, "alert", "track")?,
            rule: need(raw.rule, "alert", "rule")?,
            zone: raw.zone,
            level: need(raw.level, "alert", "level")?,
            state: need(raw.state, "alert", "state")?,
        }),
        _ => return Err(LineError::UnknownType(kind)),
    };
    record.validate()?;
    Ok(record)
}

fn meta(raw: RawLine) -> Result<Record, LineError> {
    let version = need(raw.version, "meta", "version")?;
    if version != FORMAT_VERSION {
        return Err(LineError::Version(version));
    }
    Ok(Record::Meta(Meta {
        version,
        origin: raw.origin.map(|o| Origin {
            lat: o.lat,
            lon: o.lon,
            alt_m: o.alt_m,
        }),
        seed: raw.seed,
        note: raw.note,
    }))
}

fn truth(raw: RawLine) -> Result<Record, LineError> {
    let role = match raw.role.as_deref() {
        None => None,
        Some("hostile") => Some(Role::Hostile),
        Some("authorized") => Some(Role::Authorized),
        Some("neutral") => Some(Role::Neutral),
        Some(other) => {
            return Err(ValueError::Unknown {
                key: "role",
                value: other.into(),
                expected: "hostile, authorized, neutral",
            }
            .into());
        }
    };
    let class = match raw.class {
        None => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => return Err(ValueError::Other("truth `class` must be a string".into()).into()),
    };
    Ok(Record::Truth(Truth {
        t: need(raw.t, "truth", "t")?,
        id: need(raw.id, "truth", "id")?,
        class,
        x: need(raw.x, "truth", "x")?,
        y: need(raw.y, "truth", "y")?,
        z: need(raw.z, "truth", "z")?,
        vx: need(raw.vx, "truth", "vx")?,
        vy: need(raw.vy, "truth", "vy")?,
        vz: need(raw.vz, "truth", "vz")?,
        role,
        ident: ident(raw.ident),
        spoofed: raw.spoofed.unwrap_or(false),
    }))
}

fn detection(raw: RawLine) -> Result<Record, LineError> {
    let shape = match (raw.x, raw.y, raw.z, raw.range_m, raw.az_deg) {
        (Some(x), Some(y), Some(z), None, _) => Shape::Cartesian {
            x,
            y,
            z,
            sigma: need(raw.sigma, "detection", "sigma")?,
        },
        (None, None, None, Some(range_m), Some(az_deg)) => Shape::Polar {
            range_m,
            az_deg,
            el_deg: need(raw.el_deg, "detection", "el_deg")?,
            sigma_range_m: need(raw.sigma_range_m, "detection", "sigma_range_m")?,
            sigma_az_deg: need(raw.sigma_az_deg, "detection", "sigma_az_deg")?,
            sigma_el_deg: need(raw.sigma_el_deg, "detection", "sigma_el_deg")?,
        },
        (None, None, None, None, Some(az_deg)) => Shape::Bearing {
            az_deg,
            sigma_az_deg: need(raw.sigma_az_deg, "detection", "sigma_az_deg")?,
            el_deg: raw.el_deg,
            sigma_el_deg: raw.sigma_el_deg,
        },
        _ => return Err(LineError::DetectionShape),
    };
    let class = match raw.class {
        None => None,
        Some(v) => Some(serde_json::from_value::<BTreeMap<String, f64>>(v)?),
    };
    Ok(Record::Detection(Detection {
        t: need(raw.t, "detection", "t")?,
        sensor: need(raw.sensor, "detection", "sensor")?,
        shape,
        vr_mps: raw.vr_mps,
        sigma_vr_mps: raw.sigma_vr_mps,
        ident: ident(raw.ident),
        class,
    }))
}

fn zone(raw: RawLine) -> Result<Record, LineError> {
    let footprint = match (raw.polygon, raw.circle) {
        (Some(p), None) => ZoneFootprint::Polygon(p),
        (None, Some(c)) => ZoneFootprint::Circle {
            x: c.x,
            y: c.y,
            r_m: c.r_m,
        },
        _ => {
            return Err(ValueError::Other(
                "zone needs exactly one of `polygon` and `circle`".into(),
            )
            .into());
        }
    };
    Ok(Record::Zone(ZoneRecord {
        id: need(raw.id, "zone", "id")?,
        kind: need(raw.kind, "zone", "kind")?,
        footprint,
        floor_m: raw.floor_m.unwrap_or(0.0),
        ceiling_m: need(raw.ceiling_m, "zone", "ceiling_m")?,
    }))
}

fn authorized(raw: RawLine) -> Result<Record, LineError> {
    let ident = match (raw.rid, raw.icao) {
        (Some(r), None) => Ident::Rid(r),
        (None, Some(i)) => Ident::Icao(i),
        _ => {
            return Err(ValueError::Other(
                "authorized needs exactly one identity: `rid` or `icao`".into(),
            )
            .into());
        }
    };
    Ok(Record::Authorized(Authorized {
        ident,
        zones: raw.zones.unwrap_or_default(),
        from: raw.from,
        to: raw.to,
    }))
}

fn track(raw: RawLine, estimate: bool) -> Result<Record, LineError> {
    let class = match raw.class {
        None => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => return Err(ValueError::Other("track `class` must be a string".into()).into()),
    };
    Ok(Record::Track(TrackRecord {
        t: need(raw.t, "track", "t")?,
        id: need(raw.id, "track", "id")?,
        x: need(raw.x, "track", "x")?,
        y: need(raw.y, "track", "y")?,
        z: need(raw.z, "track", "z")?,
        vx: raw.vx.unwrap_or(0.0),
        vy: raw.vy.unwrap_or(0.0),
        vz: raw.vz.unwrap_or(0.0),
        confirmed: if estimate {
            true
        } else {
            need(raw.confirmed, "track", "confirmed")?
        },
        class,
        p_class: raw.p_class,
        ident: ident(raw.ident),
        cov: raw.cov,
    }))
}

/// Reads records line by line, checking order; blank lines are skipped.
pub struct Reader<R> {
    input: R,
    file: String,
    line: usize,
    buf: String,
    last_t: f64,
}

impl<R: BufRead> Reader<R> {
    /// A reader of `input`; `file` names it in errors.
    pub fn new(input: R, file: impl Into<String>) -> Self {
        Self {
            input,
            file: file.into(),
            line: 0,
            buf: String::new(),
            last_t: f64::NEG_INFINITY,
        }
    }

    /// The number of the last line read (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    fn at(&self, error: LineError) -> ReadError {
        ReadError {
            file: self.file.clone(),
            line: self.line,
            error,
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<(usize, Record), ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(self.at(e.into()))),
            }
            let text = self.buf.trim();
            if text.is_empty() {
                continue;
            }
            let record = match parse_line(text) {
                Ok(r) => r,
                Err(e) => return Some(Err(self.at(e))),
            };
            if let Some(t) = record.time() {
                if t < self.last_t {
                    return Some(Err(self.at(LineError::Unsorted {
                        t,
                        previous: self.last_t,
                    })));
                }
                self.last_t = t;
            }
            return Some(Ok((self.line, record)));
        }
    }
}
