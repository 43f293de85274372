//! Parsing messages and streams, and turning detections into [`Report`]s.

use crate::wire::{Detection, Ident};
use picket_core::{
    ClassProbs, Enu, Geodetic, Identity, Measurement, Report, SensorId, Timestamp, Velocity,
};
use serde::Deserialize;

/// Default sigmas (see `FORMAT.md`).
pub mod defaults {
    /// Horizontal position, metres.
    pub const SIGMA_H_M: f64 = 10.0;
    /// Vertical position, metres.
    pub const SIGMA_V_M: f64 = 15.0;
    /// Local position, each axis, metres.
    pub const SIGMA_M: f64 = 10.0;
    /// Range, metres.
    pub const SIGMA_RANGE_M: f64 = 10.0;
    /// Azimuth, degrees.
    pub const SIGMA_AZ_DEG: f64 = 1.0;
    /// Elevation, degrees.
    pub const SIGMA_EL_DEG: f64 = 2.0;
    /// Radial velocity, m/s.
    pub const SIGMA_VR_MPS: f64 = 1.0;
    /// Velocity, each axis, m/s.
    pub const SIGMA_MPS: f64 = 5.0;
}

/// A rejected message: where (line and column of the input, 1-based; byte offset of the
/// message's line), which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}, at {path}: {reason}")]
pub struct DecodeError {
    /// 1-based line in the whole input.
    pub line: usize,
    /// 1-based column (0 when the error concerns the whole detection).
    pub column: usize,
    /// Byte offset where the message containing the error starts.
    pub offset: usize,
    /// Field path (`[2].polar.sigma_az_deg`, `.` for the message itself).
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

fn parse_one<T: for<'de> Deserialize<'de>>(
    text: &str,
    line0: usize,
    offset: usize,
) -> Result<T, DecodeError> {
    let error = |path: String, e: serde_json::Error| DecodeError {
        line: line0 + e.line().saturating_sub(1),
        column: e.column(),
        offset,
        path,
        reason: e.to_string(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // serde_path_to_error writes `?` where no field has been entered yet.
        let path = match e.path().to_string() {
            p if p == "?" => ".".to_owned(),
            p => p,
        };
        error(path, e.into_inner())
    })?;
    de.end().map_err(|e| error(".".into(), e))?;
    Ok(value)
}

/// Parses one message (a detection object or an array of them) spanning all of `text`.
pub fn parse_message(text: &str) -> Result<Vec<Detection>, DecodeError> {
    parse_at(text, 1, 0)
}

fn parse_at(text: &str, line0: usize, offset: usize) -> Result<Vec<Detection>, DecodeError> {
    // Dispatch on the first character instead of an untagged enum, so that serde reports the
    // real field path and reason rather than "did not match any variant".
    let detections = match text.trim_start().as_bytes().first() {
        Some(b'[') => parse_one::<Vec<Detection>>(text, line0, offset)?,
        _ => vec![parse_one::<Detection>(text, line0, offset)?],
    };
    for (i, d) in detections.iter().enumerate() {
        check_detection(d).map_err(|reason| DecodeError {
            line: line0,
            column: 0,
            offset,
            path: if text.trim_start().starts_with('[') {
                format!("[{i}]")
            } else {
                ".".into()
            },
            reason,
        })?;
    }
    Ok(detections)
}

/// Parses newline-delimited messages; blank lines are skipped.
pub fn parse_lines(text: &str) -> Result<Vec<Detection>, DecodeError> {
    Ok(located_lines(text)?
        .into_iter()
        .map(|l| l.detection)
        .collect())
}

/// Parses either form: one (possibly multi-line) message, or NDJSON when the input holds
/// more than one top-level value. Empty (or blank) input is an empty stream.
pub fn parse(text: &str) -> Result<Vec<Detection>, DecodeError> {
    Ok(located(text)?.into_iter().map(|l| l.detection).collect())
}

/// A detection with the line and byte offset of the message it came in.
struct Located {
    line: usize,
    offset: usize,
    detection: Detection,
}

fn located_lines(text: &str) -> Result<Vec<Located>, DecodeError> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if !line.trim().is_empty() {
            out.extend(
                parse_at(line, i + 1, offset)?
                    .into_iter()
                    .map(|detection| Located {
                        line: i + 1,
                        offset,
                        detection,
                    }),
            );
        }
        offset += line.len();
    }
    Ok(out)
}

fn located(text: &str) -> Result<Vec<Located>, DecodeError> {
    // A stream with no messages (as `to_lines(&[])` writes) holds no detections.
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match parse_message(text) {
        Ok(ds) => Ok(ds
            .into_iter()
            .map(|detection| Located {
                line: 1,
                offset: 0,
                detection,
            })
            .collect()),
        Err(e) if e.reason.starts_with("trailing characters") => located_lines(text),
        Err(e) => Err(e),
    }
}

/// The cross-field rules serde cannot express.
fn check_detection(d: &Detection) -> Result<(), String> {
    if d.sensor.trim().is_empty() {
        return Err("sensor is empty".into());
    }
    let forms = [
        d.position.is_some(),
        d.local.is_some(),
        d.polar.is_some(),
        d.bearing.is_some(),
    ];
    match forms.iter().filter(|f| **f).count() {
        1 => {}
        0 => return Err("one of position, local, polar or bearing is required".into()),
        _ => return Err("only one of position, local, polar or bearing may be given".into()),
    }
    if d.sigma_vr_mps.is_some() && d.vr_mps.is_none() {
        return Err("sigma_vr_mps without vr_mps".into());
    }
    match &d.ident {
        Some(Ident::Icao(hex)) if hex.len() != 6 || u32::from_str_radix(hex, 16).is_err() => {
            return Err(format!("ident.icao {hex:?} is not 6 hex digits"));
        }
        Some(Ident::Rid(s) | Ident::Object(s)) if s.trim().is_empty() => {
            return Err("identity is empty".into());
        }
        _ => {}
    }
    if let Some(b) = &d.bearing
        && b.sigma_el_deg.is_some()
        && b.el_deg.is_none()
    {
        return Err("bearing.sigma_el_deg without bearing.el_deg".into());
    }
    Ok(())
}

fn or(v: Option<crate::wire::Sigma>, default: f64) -> f64 {
    v.map_or(default, |s| s.0)
}

/// Turns a parsed detection into a [`Report`] for `sensor`, received at `received`.
pub fn to_report(d: &Detection, sensor: SensorId, received: Timestamp) -> Report {
    let measurement = if let Some(p) = &d.position {
        Measurement::Geodetic {
            position: Geodetic::new(p.lat.0, p.lon.0, p.alt_m.0),
            sigma_h_m: or(p.sigma_h_m, defaults::SIGMA_H_M),
            sigma_v_m: or(p.sigma_v_m, defaults::SIGMA_V_M),
        }
    } else if let Some(l) = &d.local {
        Measurement::cartesian(
            Enu::new(l.x_m.0, l.y_m.0, l.z_m.0),
            or(l.sigma_m, defaults::SIGMA_M),
        )
    } else if let Some(p) = &d.polar {
        Measurement::Polar {
            range_m: p.range_m.0,
            az_rad: p.az_deg.0.to_radians(),
            el_rad: p.el_deg.0.to_radians(),
            sigma_range_m: or(p.sigma_range_m, defaults::SIGMA_RANGE_M),
            sigma_az_rad: or(p.sigma_az_deg, defaults::SIGMA_AZ_DEG).to_radians(),
            sigma_el_rad: or(p.sigma_el_deg, defaults::SIGMA_EL_DEG).to_radians(),
        }
    } else {
        // check_detection guarantees exactly one form, so this is the bearing.
        let b = d.bearing.expect("exactly one location form");
        Measurement::Bearing {
            az_rad: b.az_deg.0.to_radians(),
            sigma_az_rad: or(b.sigma_az_deg, defaults::SIGMA_AZ_DEG).to_radians(),
            el: b.el_deg.map(|e| {
                (
                    e.0.to_radians(),
                    or(b.sigma_el_deg, defaults::SIGMA_EL_DEG).to_radians(),
                )
            }),
        }
    };
    let mut r = Report::new(
        sensor,
        Timestamp::from_secs(d.time.0).unwrap_or_default(),
        measurement,
    );
    r.received = received;
    r.radial_velocity = d
        .vr_mps
        .map(|v| (v.0, or(d.sigma_vr_mps, defaults::SIGMA_VR_MPS)));
    r.velocity = d.velocity.map(|v| Velocity {
        vx: v.east_mps.0,
        vy: v.north_mps.0,
        vz: v.up_mps.0,
        sigma_mps: or(v.sigma_mps, defaults::SIGMA_MPS),
    });
    r.identity = d.ident.as_ref().map(|i| match i {
        Ident::Rid(s) => Identity::RemoteId(s.clone()),
        // Checked to be 6 hex digits by check_detection.
        Ident::Icao(h) => Identity::Icao(u32::from_str_radix(h, 16).unwrap_or_default()),
        Ident::Object(s) => Identity::SensorObject(s.clone()),
    });
    r.class = d.class.map(|c| {
        let p = |l: Option<crate::wire::Likelihood>| l.map_or(0.0, |l| l.0);
        ClassProbs([p(c.drone), p(c.bird), p(c.aircraft), p(c.other)])
    });
    r.pilot = d.pilot.map(|p| Geodetic::new(p.lat.0, p.lon.0, p.alt_m.0));
    r
}

/// Parses `text` (see [`parse`]) and turns every detection into a report; `sensor_id` maps a
/// sensor name to its id (`None` for a sensor the site does not know, which is an error).
pub fn decode(
    text: &str,
    received: Timestamp,
    sensor_id: impl Fn(&str) -> Option<SensorId>,
) -> Result<Vec<Report>, DecodeError> {
    located(text)?
        .iter()
        .map(|l| {
            let id = sensor_id(&l.detection.sensor).ok_or_else(|| DecodeError {
                line: l.line,
                column: 0,
                offset: l.offset,
                path: "sensor".into(),
                reason: format!("unknown sensor {:?}", l.detection.sensor),
            })?;
            Ok(to_report(&l.detection, id, received))
        })
        .collect()
}
