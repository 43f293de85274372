//! SAPIENT `DetectionReport` → picket [`Report`].
//!
//! * `location` (x-y-z form): lat/lon in degrees or radians becomes a
//!   [`Measurement::Geodetic`]; UTM is converted to lat/lon first (zone from the location's
//!   `utm_zone`, else the zone the sensor registered). SAPIENT puts longitude in `x` and
//!   latitude in `y`. Errors are taken in the coordinates' own units (degrees are turned into
//!   metres on the ellipsoid), missing errors get the context's defaults.
//! * `range_bearing` form: with a range it is a [`Measurement::Polar`], without one a
//!   [`Measurement::Bearing`]. Azimuths are turned to true north: magnetic with the context's
//!   declination, platform-relative with the platform heading; grid north is taken as true
//!   (convergence is under 2° inside a UTM zone's usable area and the sensor's noise is larger).
//! * `classification` → [`picket_core::ClassProbs`] (see [`crate::classes`]); `object_id` →
//!   [`Identity::SensorObject`]; `enu_velocity` → [`Velocity`] in the registered speed units.
//! * Heights on the geoid (`LOCATION_DATUM_WGS84_G`) are raised to the ellipsoid by the
//!   context's geoid separation (EGM96 N at the site; up to ±100 m worldwide, ~50 m in the UK).
//! * The message timestamp is the event time: BSI Flex 335 v2.0 has no separate detection
//!   time.

use crate::utm::{self, UtmZone};
use crate::v2_0::{
    self, DetectionReport, Location, LocationCoordinateSystem, RangeBearing,
    RangeBearingCoordinateSystem, RangeBearingDatum, SapientMessage, SpeedUnits,
    detection_report::LocationOneof, sapient_message::Content,
};
use picket_core::{Geodetic, Identity, Measurement, Report, SensorId, Timestamp, Velocity};

/// Metres per degree of latitude (mean), for errors given in degrees.
const M_PER_DEG: f64 = 111_320.0;

/// Noise figures used where a sensor reports none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultSigmas {
    /// Position, each axis, metres.
    pub position_m: f64,
    /// Range, metres.
    pub range_m: f64,
    /// Azimuth, degrees.
    pub azimuth_deg: f64,
    /// Elevation, degrees.
    pub elevation_deg: f64,
    /// Velocity, each axis, m/s.
    pub velocity_mps: f64,
}

impl Default for DefaultSigmas {
    fn default() -> Self {
        Self {
            position_m: 10.0,
            range_m: 10.0,
            azimuth_deg: 1.0,
            elevation_deg: 2.0,
            velocity_mps: 5.0,
        }
    }
}

/// What the mapping needs to know about the sensor beyond the message itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorContext {
    /// picket's id for the sensor.
    pub sensor: SensorId,
    /// When picket received the message.
    pub received: Timestamp,
    /// The UTM zone the sensor registered (Registration `location_type.zone`), used when a UTM
    /// location carries none.
    pub utm_zone: Option<String>,
    /// Units of `enu_velocity` (Registration `velocity_type.enu_velocity_units`); m/s when
    /// unspecified.
    pub velocity_units: SpeedUnits,
    /// Magnetic declination at the sensor, degrees east, for magnetic-north bearings.
    pub magnetic_declination_deg: f64,
    /// The platform's heading, degrees from true north, for platform-relative bearings.
    pub platform_heading_deg: Option<f64>,
    /// Geoid height above the WGS84 ellipsoid at the site (N), metres, for locations whose
    /// datum is the geoid.
    pub geoid_separation_m: f64,
    /// Noise figures for values reported without an error.
    pub defaults: DefaultSigmas,
}

impl SensorContext {
    /// A context with no registration details and default noise figures.
    pub fn new(sensor: SensorId, received: Timestamp) -> Self {
        Self {
            sensor,
            received,
            utm_zone: None,
            velocity_units: SpeedUnits::Ms,
            magnetic_declination_deg: 0.0,
            platform_heading_deg: None,
            geoid_separation_m: 0.0,
            defaults: DefaultSigmas::default(),
        }
    }
}

/// Why a detection cannot become a report.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MapError {
    /// A field the mapping needs is absent.
    #[error("{field} is missing")]
    Missing {
        /// Proto field path.
        field: &'static str,
    },
    /// An enum value picket cannot interpret (unspecified or unknown).
    #[error("{field} has unsupported value {value}")]
    Unsupported {
        /// Proto field path.
        field: &'static str,
        /// The raw enum number.
        value: i32,
    },
    /// A UTM location without a usable zone.
    #[error("UTM location without a valid zone (got {0:?})")]
    BadUtmZone(Option<String>),
    /// A coordinate out of its range (e.g. a UTM easting outside 100..900 km).
    #[error("{field} = {value} is out of range")]
    OutOfRange {
        /// Proto field path.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// The resulting report fails picket's own checks (non-finite value, bad sigma...).
    #[error("unusable report: {0}")]
    Report(#[from] picket_core::ReportError),
}

fn timestamp(t: Option<&prost_types::Timestamp>) -> Result<Timestamp, MapError> {
    let t = t.ok_or(MapError::Missing { field: "timestamp" })?;
    let secs = t.seconds as f64 + f64::from(t.nanos) * 1e-9;
    Timestamp::from_secs(secs).ok_or(MapError::Missing { field: "timestamp" })
}

/// The reports in a message: one for a `DetectionReport`, none for other content.
pub fn reports(msg: &SapientMessage, ctx: &SensorContext) -> Result<Vec<Report>, MapError> {
    match &msg.content {
        Some(Content::DetectionReport(d)) => {
            Ok(vec![detection_report(d, msg.timestamp.as_ref(), ctx)?])
        }
        _ => Ok(Vec::new()),
    }
}

/// One `DetectionReport` (with its message's timestamp) as a [`Report`].
pub fn detection_report(
    d: &DetectionReport,
    time: Option<&prost_types::Timestamp>,
    ctx: &SensorContext,
) -> Result<Report, MapError> {
    let measurement = match &d.location_oneof {
        Some(LocationOneof::Location(l)) => location(l, ctx)?,
        Some(LocationOneof::RangeBearing(rb)) => range_bearing(rb, ctx)?,
        None => {
            return Err(MapError::Missing {
                field: "detection_report.location_oneof",
            });
        }
    };
    let mut report = Report::new(ctx.sensor, timestamp(time)?, measurement);
    report.received = ctx.received;
    report.identity = d
        .object_id
        .as_ref()
        .filter(|id| !id.is_empty())
        .map(|id| Identity::SensorObject(id.clone()));
    report.class = crate::classes::class_probs(&d.classification);
    if let Some(v2_0::detection_report::VelocityOneof::EnuVelocity(v)) = &d.velocity_oneof {
        report.velocity = Some(velocity(v, ctx));
    }
    report.validate()?;
    Ok(report)
}

fn velocity(v: &v2_0::EnuVelocity, ctx: &SensorContext) -> Velocity {
    let scale = if ctx.velocity_units == SpeedUnits::Kph {
        1.0 / 3.6
    } else {
        1.0
    };
    let errors = [v.east_rate_error, v.north_rate_error, v.up_rate_error];
    let sigma = errors
        .into_iter()
        .flatten()
        .filter(|e| *e > 0.0)
        .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))))
        .map_or(ctx.defaults.velocity_mps, |e| e * scale);
    Velocity {
        vx: v.east_rate.unwrap_or(0.0) * scale,
        vy: v.north_rate.unwrap_or(0.0) * scale,
        vz: v.up_rate.unwrap_or(0.0) * scale,
        sigma_mps: sigma,
    }
}

fn positive_or(v: Option<f64>, default: f64) -> f64 {
    v.filter(|e| *e > 0.0).unwrap_or(default)
}

/// A SAPIENT `Location` as a geodetic position with horizontal and vertical sigmas (metres).
pub fn location_to_geodetic(
    l: &Location,
    ctx: &SensorContext,
) -> Result<(Geodetic, f64, f64), MapError> {
    let x = l.x.ok_or(MapError::Missing {
        field: "location.x",
    })?;
    let y = l.y.ok_or(MapError::Missing {
        field: "location.y",
    })?;
    let geoid = l.datum == Some(crate::v2_0::LocationDatum::Wgs84G as i32);
    let z = l.z.unwrap_or(0.0) + if geoid { ctx.geoid_separation_m } else { 0.0 };
    let d = ctx.defaults.position_m;
    let sigma_v = positive_or(l.z_error, d);
    let cs = l.coordinate_system.unwrap_or(0);
    let (position, sigma_h) = match LocationCoordinateSystem::try_from(cs) {
        Ok(LocationCoordinateSystem::LatLngDegM) => {
            let sigma = degrees_sigma_m(l.x_error, l.y_error, y, 1.0);
            (Geodetic::new(y, x, z), sigma.unwrap_or(d))
        }
        Ok(LocationCoordinateSystem::LatLngRadM) => {
            let sigma = degrees_sigma_m(l.x_error, l.y_error, y.to_degrees(), 1f64.to_degrees());
            (
                Geodetic::new(y.to_degrees(), x.to_degrees(), z),
                sigma.unwrap_or(d),
            )
        }
        Ok(LocationCoordinateSystem::UtmM) => {
            let zone_text = l.utm_zone.clone().or_else(|| ctx.utm_zone.clone());
            let zone = zone_text
                .as_deref()
                .and_then(UtmZone::parse)
                .ok_or(MapError::BadUtmZone(zone_text.clone()))?;
            if !(100_000.0..=900_000.0).contains(&x) {
                return Err(MapError::OutOfRange {
                    field: "location.x",
                    value: x,
                });
            }
            if !(0.0..=10_000_000.0).contains(&y) {
                return Err(MapError::OutOfRange {
                    field: "location.y",
                    value: y,
                });
            }
            let sigma = positive_or(l.x_error, d).max(positive_or(l.y_error, d));
            (utm::to_geodetic(zone, x, y, z), sigma)
        }
        _ => {
            return Err(MapError::Unsupported {
                field: "location.coordinate_system",
                value: cs,
            });
        }
    };
    Ok((position, sigma_h, sigma_v))
}

/// The larger of the x (longitude) and y (latitude) errors, given in `unit_deg` degrees per
/// unit, in metres at latitude `lat_deg`.
fn degrees_sigma_m(
    x_err: Option<f64>,
    y_err: Option<f64>,
    lat_deg: f64,
    unit_deg: f64,
) -> Option<f64> {
    let lon = x_err
        .filter(|e| *e > 0.0)
        .map(|e| e * unit_deg * M_PER_DEG * lat_deg.to_radians().cos());
    let lat = y_err.filter(|e| *e > 0.0).map(|e| e * unit_deg * M_PER_DEG);
    match (lon, lat) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn location(l: &Location, ctx: &SensorContext) -> Result<Measurement, MapError> {
    let (position, sigma_h_m, sigma_v_m) = location_to_geodetic(l, ctx)?;
    if !position.is_valid() {
        return Err(MapError::OutOfRange {
            field: "location.y",
            value: position.lat_deg,
        });
    }
    Ok(Measurement::Geodetic {
        position,
        sigma_h_m,
        sigma_v_m,
    })
}

/// Angle and distance units of a range-bearing coordinate system: (radians per unit,
/// metres per unit).
fn rb_units(cs: Option<i32>) -> Result<(f64, f64), MapError> {
    use RangeBearingCoordinateSystem as Cs;
    let raw = cs.unwrap_or(0);
    match Cs::try_from(raw) {
        Ok(Cs::DegreesM) => Ok((1f64.to_radians(), 1.0)),
        Ok(Cs::RadiansM) => Ok((1.0, 1.0)),
        Ok(Cs::DegreesKm) => Ok((1f64.to_radians(), 1000.0)),
        Ok(Cs::RadiansKm) => Ok((1.0, 1000.0)),
        _ => Err(MapError::Unsupported {
            field: "range_bearing.coordinate_system",
            value: raw,
        }),
    }
}

/// Offset (radians) that turns an azimuth in `datum` into one from true north.
fn north_offset_rad(datum: Option<i32>, ctx: &SensorContext) -> Result<f64, MapError> {
    let raw = datum.unwrap_or(0);
    match RangeBearingDatum::try_from(raw) {
        Ok(RangeBearingDatum::True | RangeBearingDatum::Grid) => Ok(0.0),
        Ok(RangeBearingDatum::Magnetic) => Ok(ctx.magnetic_declination_deg.to_radians()),
        Ok(RangeBearingDatum::Platform) => {
            ctx.platform_heading_deg
                .map(f64::to_radians)
                .ok_or(MapError::Missing {
                    field: "platform heading (context) for RANGE_BEARING_DATUM_PLATFORM",
                })
        }
        _ => Err(MapError::Unsupported {
            field: "range_bearing.datum",
            value: raw,
        }),
    }
}

fn range_bearing(rb: &RangeBearing, ctx: &SensorContext) -> Result<Measurement, MapError> {
    let (rad_per_unit, m_per_unit) = rb_units(rb.coordinate_system)?;
    let az = rb.azimuth.ok_or(MapError::Missing {
        field: "range_bearing.azimuth",
    })? * rad_per_unit
        + north_offset_rad(rb.datum, ctx)?;
    let az_rad = az.rem_euclid(std::f64::consts::TAU);
    let defaults = ctx.defaults;
    let sigma_az_rad = rb
        .azimuth_error
        .filter(|e| *e > 0.0)
        .map_or(defaults.azimuth_deg.to_radians(), |e| e * rad_per_unit);
    let sigma_el_rad = rb
        .elevation_error
        .filter(|e| *e > 0.0)
        .map_or(defaults.elevation_deg.to_radians(), |e| e * rad_per_unit);
    let el_rad = rb.elevation.map(|e| e * rad_per_unit);
    Ok(match rb.range {
        Some(range) => Measurement::Polar {
            range_m: range * m_per_unit,
            az_rad,
            // A range without an elevation: assume the horizon, with the default noise.
            el_rad: el_rad.unwrap_or(0.0),
            sigma_range_m: rb
                .range_error
                .filter(|e| *e > 0.0)
                .map_or(defaults.range_m, |e| e * m_per_unit),
            sigma_az_rad,
            sigma_el_rad,
        },
        None => Measurement::Bearing {
            az_rad,
            sigma_az_rad,
            el: el_rad.map(|e| (e, sigma_el_rad)),
        },
    })
}
