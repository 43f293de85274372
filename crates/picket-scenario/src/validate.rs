//! Value checks shared by the reader and the writer: every number finite, every sigma
//! positive, every enumerated string one the format defines.

use crate::record::*;

/// What is wrong with a record's values.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// NaN or infinite.
    #[error("`{0}` is not a finite number")]
    NonFinite(&'static str),
    /// A noise figure that is zero or negative.
    #[error("`{key}` must be positive, got {value}")]
    NotPositive {
        /// The key.
        key: &'static str,
        /// The value found.
        value: f64,
    },
    /// A string outside the format's vocabulary.
    #[error("`{key}` is {value:?}; expected one of {expected}")]
    Unknown {
        /// The key.
        key: &'static str,
        /// The value found.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// Anything else, said in words.
    #[error("{0}")]
    Other(String),
}

fn finite(key: &'static str, v: f64) -> Result<(), ValueError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ValueError::NonFinite(key))
    }
}

fn positive(key: &'static str, v: f64) -> Result<(), ValueError> {
    finite(key, v)?;
    if v > 0.0 {
        Ok(())
    } else {
        Err(ValueError::NotPositive { key, value: v })
    }
}

fn one_of(
    key: &'static str,
    value: &str,
    allowed: &[&str],
    expected: &'static str,
) -> Result<(), ValueError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ValueError::Unknown {
            key,
            value: value.to_owned(),
            expected,
        })
    }
}

const CLASSES: &[&str] = &["drone", "bird", "aircraft", "other"];
const CLASSES_TEXT: &str = "drone, bird, aircraft, other";

fn class_map(
    key: &'static str,
    map: &std::collections::BTreeMap<String, f64>,
) -> Result<(), ValueError> {
    for (name, p) in map {
        one_of(key, name, CLASSES, CLASSES_TEXT)?;
        finite(key, *p)?;
        if *p < 0.0 {
            return Err(ValueError::NotPositive { key, value: *p });
        }
    }
    Ok(())
}

impl Record {
    /// Checks the record's values; the reader calls it on every line and the writer before
    /// writing, so no file picket writes can fail to read back.
    pub fn validate(&self) -> Result<(), ValueError> {
        match self {
            Record::Meta(m) => {
                if let Some(o) = m.origin {
                    finite("origin.lat", o.lat)?;
                    finite("origin.lon", o.lon)?;
                    finite("origin.alt_m", o.alt_m)?;
                    if o.lat.abs() > 90.0 || o.lon.abs() > 180.0 {
                        return Err(ValueError::Other(format!(
                            "origin {}, {} is not a latitude/longitude",
                            o.lat, o.lon
                        )));
                    }
                }
                Ok(())
            }
            Record::Sensor(s) => {
                one_of(
                    "kind",
                    &s.kind,
                    &[
                        "radar", "rf", "remoteid", "adsb", "camera", "acoustic", "generic",
                    ],
                    "radar, rf, remoteid, adsb, camera, acoustic, generic",
                )?;
                [("x", s.x), ("y", s.y), ("z", s.z)]
                    .into_iter()
                    .try_for_each(|(k, v)| finite(k, v))
            }
            Record::Truth(t) => {
                if let Some(c) = &t.class {
                    one_of("class", c, CLASSES, CLASSES_TEXT)?;
                }
                [
                    ("t", t.t),
                    ("x", t.x),
                    ("y", t.y),
                    ("z", t.z),
                    ("vx", t.vx),
                    ("vy", t.vy),
                    ("vz", t.vz),
                ]
                .into_iter()
                .try_for_each(|(k, v)| finite(k, v))
            }
            Record::Detection(d) => validate_detection(d),
            Record::Zone(z) => validate_zone(z),
            Record::Authorized(a) => {
                a.from.map_or(Ok(()), |v| finite("from", v))?;
                a.to.map_or(Ok(()), |v| finite("to", v))?;
                if let (Some(from), Some(to)) = (a.from, a.to)
                    && from > to
                {
                    return Err(ValueError::Other(format!(
                        "`from` {from} is after `to` {to}"
                    )));
                }
                Ok(())
            }
            Record::Track(k) => {
                [
                    ("t", k.t),
                    ("x", k.x),
                    ("y", k.y),
                    ("z", k.z),
                    ("vx", k.vx),
                    ("vy", k.vy),
                    ("vz", k.vz),
                ]
                .into_iter()
                .try_for_each(|(key, v)| finite(key, v))?;
                if let Some(c) = &k.class {
                    one_of("class", c, CLASSES, CLASSES_TEXT)?;
                }
                if let Some(p) = &k.p_class {
                    class_map("p_class", p)?;
                }
                if let Some(cov) = &k.cov {
                    if cov.len() != 36 {
                        return Err(ValueError::Other(format!(
                            "`cov` has {} values; 36 (6x6) expected",
                            cov.len()
                        )));
                    }
                    cov.iter().try_for_each(|v| finite("cov", *v))?;
                }
                Ok(())
            }
            Record::Alert(a) => {
                finite("t", a.t)?;
                one_of(
                    "state",
                    &a.state,
                    &["raised", "escalated", "acknowledged", "resolved"],
                    "raised, escalated, acknowledged, resolved",
                )?;
                if a.level > 4 {
                    return Err(ValueError::Other(format!(
                        "`level` is {}; 0 to 4 expected",
                        a.level
                    )));
                }
                Ok(())
            }
        }
    }
}

fn validate_detection(d: &Detection) -> Result<(), ValueError> {
    finite("t", d.t)?;
    match d.shape {
        Shape::Cartesian { x, y, z, sigma } => {
            finite("x", x)?;
            finite("y", y)?;
            finite("z", z)?;
            positive("sigma", sigma)?;
        }
        Shape::Polar {
            range_m,
            az_deg,
            el_deg,
            sigma_range_m,
            sigma_az_deg,
            sigma_el_deg,
        } => {
            finite("range_m", range_m)?;
            if range_m < 0.0 {
                return Err(ValueError::Other(format!(
                    "`range_m` is negative ({range_m})"
                )));
            }
            finite("az_deg", az_deg)?;
            finite("el_deg", el_deg)?;
            positive("sigma_range_m", sigma_range_m)?;
            positive("sigma_az_deg", sigma_az_deg)?;
            positive("sigma_el_deg", sigma_el_deg)?;
        }
        Shape::Bearing {
            az_deg,
            sigma_az_deg,
            el_deg,
            sigma_el_deg,
        } => {
            finite("az_deg", az_deg)?;
            positive("sigma_az_deg", sigma_az_deg)?;
            match (el_deg, sigma_el_deg) {
                (Some(el), Some(s)) => {
                    finite("el_deg", el)?;
                    positive("sigma_el_deg", s)?;
                }
                (None, None) => {}
                _ => {
                    return Err(ValueError::Other(
                        "`el_deg` and `sigma_el_deg` go together".into(),
                    ));
                }
            }
        }
    }
    match (d.vr_mps, d.sigma_vr_mps) {
        (Some(v), Some(s)) => {
            finite("vr_mps", v)?;
            positive("sigma_vr_mps", s)?;
        }
        (None, None) => {}
        _ => {
            return Err(ValueError::Other(
                "`vr_mps` and `sigma_vr_mps` go together".into(),
            ));
        }
    }
    if let Some(c) = &d.class {
        class_map("class", c)?;
    }
    Ok(())
}

fn validate_zone(z: &ZoneRecord) -> Result<(), ValueError> {
    one_of(
        "kind",
        &z.kind,
        &["protected", "perimeter", "warning", "corridor", "exclusion"],
        "protected, perimeter, warning, corridor, exclusion",
    )?;
    let zone = crate::convert::zone(z)?;
    zone.validate()
        .map_err(|e| ValueError::Other(format!("zone {}: {e}", z.id)))
}
