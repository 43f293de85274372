//! SAPIENT `StatusReport` → [`SensorHealth`]: what the operator's sensor panel shows.

use crate::mapping::{MapError, SensorContext, location_to_geodetic};
use crate::v2_0::{
    LocationOrRangeBearing, RangeBearingCone, StatusReport, location_or_range_bearing::FovOneof,
    status_report,
};
use picket_core::Geodetic;
use serde::Serialize;

/// The node's overall state (`StatusReport.system`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemState {
    /// Operating normally.
    Ok,
    /// A potential issue.
    Warning,
    /// An issue: its detections may be missing or wrong.
    Error,
    /// About to disconnect.
    Goodbye,
    /// Not stated (or a value this version does not know).
    Unknown,
}

/// An area a node reports: a polygon of geodetic vertices, or a cone from the node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Area {
    /// Polygon vertices.
    Polygon {
        /// Vertices in order.
        vertices: Vec<Geodetic>,
    },
    /// A cone (sector) from the node, angles in degrees from true north, range in metres.
    Cone {
        /// Centre azimuth, degrees.
        azimuth_deg: f64,
        /// Centre elevation, degrees.
        elevation_deg: f64,
        /// Reach, metres.
        range_m: f64,
        /// Full horizontal width, degrees.
        horizontal_extent_deg: f64,
        /// Full vertical height, degrees.
        vertical_extent_deg: f64,
    },
}

/// One `Status` entry: an environmental or internal condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// `STATUS_TYPE_*` name without the prefix, lower case (`weather`, `internal_fault`).
    pub kind: String,
    /// `information`, `warning`, `error` or `unspecified`.
    pub level: String,
    /// Free text value (`Rain`).
    pub value: Option<String>,
}

/// A sensor's health as its latest `StatusReport` states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorHealth {
    /// Overall state.
    pub system: SystemState,
    /// The mode it runs in.
    pub mode: String,
    /// The task it performs, if any.
    pub active_task_id: Option<String>,
    /// Where it stands (when it reports it and the location converts).
    pub location: Option<Geodetic>,
    /// Battery or supply level 0-100, when reported.
    pub power_level_pct: Option<i32>,
    /// True when the power status is `POWERSTATUS_FAULT`.
    pub power_fault: bool,
    /// What it currently sees.
    pub field_of_view: Option<Area>,
    /// What it can cover.
    pub coverage: Vec<Area>,
    /// What it cannot see.
    pub obscuration: Vec<Area>,
    /// Reported conditions.
    pub conditions: Vec<Condition>,
}

fn enum_name(name: &str, prefix: &str) -> String {
    name.strip_prefix(prefix)
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// Reads a status report; areas that do not convert are left out rather than failing the
/// whole report (a sensor's location matters more than a malformed obscuration polygon).
pub fn sensor_health(s: &StatusReport, ctx: &SensorContext) -> SensorHealth {
    use status_report::System;
    let system = match s.system.map(System::try_from) {
        Some(Ok(System::Ok)) => SystemState::Ok,
        Some(Ok(System::Warning)) => SystemState::Warning,
        Some(Ok(System::Error)) => SystemState::Error,
        Some(Ok(System::Goodbye)) => SystemState::Goodbye,
        _ => SystemState::Unknown,
    };
    let power = s.power.as_ref();
    SensorHealth {
        system,
        mode: s.mode.clone().unwrap_or_default(),
        active_task_id: s.active_task_id.clone(),
        location: s
            .node_location
            .as_ref()
            .and_then(|l| location_to_geodetic(l, ctx).ok())
            .map(|(p, _, _)| p),
        power_level_pct: power.and_then(|p| p.level),
        power_fault: power
            .is_some_and(|p| p.status == status_report::PowerStatus::PowerstatusFault as i32),
        field_of_view: s.field_of_view.as_ref().and_then(|a| area(a, ctx).ok()),
        coverage: s
            .coverage
            .iter()
            .filter_map(|a| area(a, ctx).ok())
            .collect(),
        obscuration: s
            .obscuration
            .iter()
            .filter_map(|a| area(a, ctx).ok())
            .collect(),
        conditions: s.status.iter().map(condition).collect(),
    }
}

fn condition(st: &status_report::Status) -> Condition {
    let kind = st
        .status_type
        .and_then(|v| status_report::StatusType::try_from(v).ok())
        .map_or_else(
            || "unspecified".to_owned(),
            |t| enum_name(t.as_str_name(), "STATUS_TYPE_"),
        );
    let level = st
        .status_level
        .and_then(|v| status_report::StatusLevel::try_from(v).ok())
        .map_or_else(
            || "unspecified".to_owned(),
            |l| enum_name(l.as_str_name(), "STATUS_LEVEL_").replace("_status", ""),
        );
    Condition {
        kind,
        level,
        value: st.status_value.clone(),
    }
}

/// A reported area in geodetic vertices or as a cone.
pub fn area(a: &LocationOrRangeBearing, ctx: &SensorContext) -> Result<Area, MapError> {
    match &a.fov_oneof {
        Some(FovOneof::LocationList(list)) => Ok(Area::Polygon {
            vertices: list
                .locations
                .iter()
                .map(|l| location_to_geodetic(l, ctx).map(|(p, _, _)| p))
                .collect::<Result<_, _>>()?,
        }),
        Some(FovOneof::RangeBearing(cone)) => cone_area(cone),
        None => Err(MapError::Missing { field: "fov_oneof" }),
    }
}

fn cone_area(c: &RangeBearingCone) -> Result<Area, MapError> {
    use crate::v2_0::RangeBearingCoordinateSystem as Cs;
    let raw = c.coordinate_system.unwrap_or(0);
    let (deg_per_unit, m_per_unit) = match Cs::try_from(raw) {
        Ok(Cs::DegreesM) => (1.0, 1.0),
        Ok(Cs::RadiansM) => (1f64.to_degrees(), 1.0),
        Ok(Cs::DegreesKm) => (1.0, 1000.0),
        Ok(Cs::RadiansKm) => (1f64.to_degrees(), 1000.0),
        _ => {
            return Err(MapError::Unsupported {
                field: "range_bearing.coordinate_system",
                value: raw,
            });
        }
    };
    let deg = |v: Option<f64>| v.unwrap_or(0.0) * deg_per_unit;
    Ok(Area::Cone {
        azimuth_deg: deg(c.azimuth),
        elevation_deg: deg(c.elevation),
        range_m: c.range.unwrap_or(0.0) * m_per_unit,
        horizontal_extent_deg: deg(c.horizontal_extent),
        vertical_extent_deg: deg(c.vertical_extent),
    })
}
