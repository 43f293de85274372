//! Builders for the messages picket sends as a SAPIENT fusion node to a higher C2:
//! `Registration`, `RegistrationAck`, `DetectionReport` and `Alert`. Every builder's output
//! passes [`crate::Validate`] when its inputs are well-formed ids (the tests check it).
//!
//! Ids and times are inputs: the library has no clock and no random source. [`ulid`]
//! formats a ULID from a millisecond time and 80 random bits the caller supplies.

use crate::v2_0::{
    self, Alert, DetectionReport, EnuVelocity, Location, LocationCoordinateSystem, LocationDatum,
    Registration, RegistrationAck, SapientMessage, alert, detection_report, registration,
    sapient_message::Content,
};
use picket_core::{ClassProbs, Geodetic, Timestamp, Velocity};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A ULID string from a Unix time in milliseconds (48 bits) and 80 random bits.
pub fn ulid(time_ms: u64, random: u128) -> String {
    let value = (u128::from(time_ms & 0xFFFF_FFFF_FFFF) << 80) | (random & ((1u128 << 80) - 1));
    (0..26)
        .rev()
        .map(|i| char::from(CROCKFORD[((value >> (i * 5)) & 31) as usize]))
        .collect()
}

/// A protobuf timestamp from picket's event time (seconds since the Unix epoch).
pub fn timestamp(t: Timestamp) -> prost_types::Timestamp {
    let secs = t.as_secs();
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round().min(999_999_999.0);
    prost_types::Timestamp {
        seconds: whole as i64,
        nanos: nanos as i32,
    }
}

/// The sending node and, optionally, the node addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// UUID of the sending node (picket).
    pub node_id: String,
    /// UUID of the destination node, when addressed.
    pub destination_id: Option<String>,
}

impl Envelope {
    /// Wraps `content` in a `SapientMessage` sent at `time`.
    pub fn message(&self, time: Timestamp, content: Content) -> SapientMessage {
        SapientMessage {
            timestamp: Some(timestamp(time)),
            node_id: Some(self.node_id.clone()),
            destination_id: self.destination_id.clone(),
            content: Some(content),
            additional_information: None,
        }
    }
}

/// A geodetic position as a SAPIENT location (lat/lon degrees, WGS84 ellipsoid heights) with
/// its 1-sigma errors: horizontal in degrees as the coordinate system asks, vertical in metres.
pub fn location(p: &Geodetic, sigma_h_m: f64, sigma_v_m: f64) -> Location {
    let lat_err_deg = sigma_h_m / 111_320.0;
    let lon_err_deg = lat_err_deg / p.lat_deg.to_radians().cos().max(1e-6);
    Location {
        x: Some(p.lon_deg),
        y: Some(p.lat_deg),
        z: Some(p.alt_m),
        x_error: Some(lon_err_deg),
        y_error: Some(lat_err_deg),
        z_error: Some(sigma_v_m),
        coordinate_system: Some(LocationCoordinateSystem::LatLngDegM as i32),
        datum: Some(LocationDatum::Wgs84E as i32),
        utm_zone: None,
    }
}

/// What picket reports about one fused object.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// ULID of this report.
    pub report_id: String,
    /// ULID of the object (stable across reports of the same track).
    pub object_id: String,
    /// Where it is.
    pub position: Geodetic,
    /// Horizontal 1-sigma, metres.
    pub sigma_h_m: f64,
    /// Vertical 1-sigma, metres.
    pub sigma_v_m: f64,
    /// Its velocity (east/north/up, m/s), when known.
    pub velocity: Option<Velocity>,
    /// Class probabilities, when known.
    pub class: Option<ClassProbs>,
    /// Confidence that the object exists, 0..=1.
    pub confidence: Option<f32>,
}

/// A `DetectionReport` for `d`.
pub fn detection_report(d: &Detection) -> DetectionReport {
    DetectionReport {
        report_id: Some(d.report_id.clone()),
        object_id: Some(d.object_id.clone()),
        location_oneof: Some(detection_report::LocationOneof::Location(location(
            &d.position,
            d.sigma_h_m,
            d.sigma_v_m,
        ))),
        detection_confidence: d.confidence,
        classification: d
            .class
            .map(|c| crate::classes::classifications(&c, 0.01))
            .unwrap_or_default(),
        velocity_oneof: d.velocity.map(|v| {
            detection_report::VelocityOneof::EnuVelocity(EnuVelocity {
                east_rate: Some(v.vx),
                north_rate: Some(v.vy),
                up_rate: Some(v.vz),
                east_rate_error: Some(v.sigma_mps),
                north_rate_error: Some(v.sigma_mps),
                up_rate_error: Some(v.sigma_mps),
            })
        }),
        ..Default::default()
    }
}

/// What picket raises to a higher C2.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSpec {
    /// ULID of the alert.
    pub alert_id: String,
    /// Information, warning, critical...
    pub alert_type: alert::AlertType,
    /// Active, clear...
    pub status: alert::AlertStatus,
    /// Human-readable text.
    pub description: String,
    /// Where the cause is, with horizontal and vertical sigmas in metres.
    pub position: Option<(Geodetic, f64, f64)>,
    /// Priority.
    pub priority: alert::DiscretePriority,
    /// Confidence that it is not a false alarm, 0..=1.
    pub confidence: Option<f32>,
    /// Detections behind it: (node UUID, object ULID).
    pub associated: Vec<(String, String)>,
}

/// An `Alert` for `a`.
pub fn alert(a: &AlertSpec) -> Alert {
    Alert {
        alert_id: Some(a.alert_id.clone()),
        alert_type: Some(a.alert_type as i32),
        status: Some(a.status as i32),
        description: Some(a.description.clone()),
        location_oneof: a
            .position
            .map(|(p, h, v)| alert::LocationOneof::Location(location(&p, h, v))),
        priority: Some(a.priority as i32),
        confidence: a.confidence,
        associated_detection: a
            .associated
            .iter()
            .map(|(node, object)| v2_0::AssociatedDetection {
                node_id: Some(node.clone()),
                object_id: Some(object.clone()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// A `RegistrationAck`.
pub fn registration_ack(accepted: bool, reasons: Vec<String>) -> RegistrationAck {
    RegistrationAck {
        acceptance: Some(accepted),
        ack_response_reason: reasons,
    }
}

/// Who picket is when it registers with a higher node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeIdentity {
    /// Display name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// Manufacturer (configuration data).
    pub manufacturer: String,
    /// Model (configuration data).
    pub model: String,
    /// Software version.
    pub software_version: String,
    /// Seconds between status reports.
    pub status_interval_s: f32,
}

fn seconds(value: f32) -> registration::Duration {
    registration::Duration {
        units: Some(registration::TimeUnits::Seconds as i32),
        value: Some(value),
    }
}

fn lat_lon_type() -> registration::LocationType {
    use registration::location_type::{CoordinatesOneof, DatumOneof};
    registration::LocationType {
        zone: None,
        coordinates_oneof: Some(CoordinatesOneof::LocationUnits(
            LocationCoordinateSystem::LatLngDegM as i32,
        )),
        datum_oneof: Some(DatumOneof::LocationDatum(LocationDatum::Wgs84E as i32)),
    }
}

/// A fusion node's `Registration`: lat/lon detections with ENU velocities in m/s, one
/// permanent mode, no tasking beyond an area of interest.
pub fn fusion_registration(node: &NodeIdentity) -> Registration {
    use registration as r;
    let mode = r::ModeDefinition {
        mode_name: Some("Default".into()),
        mode_type: Some(r::ModeType::Permanent as i32),
        settle_time: Some(seconds(0.0)),
        detection_definition: vec![r::DetectionDefinition {
            location_type: Some(lat_lon_type()),
            velocity_type: Some(r::VelocityType {
                zone: None,
                velocity_units_oneof: Some(r::velocity_type::VelocityUnitsOneof::EnuVelocityUnits(
                    v2_0::EnuVelocityUnits {
                        east_north_rate_units: Some(v2_0::SpeedUnits::Ms as i32),
                        up_rate_units: Some(v2_0::SpeedUnits::Ms as i32),
                    },
                )),
                datum_oneof: Some(r::velocity_type::DatumOneof::LocationDatum(
                    LocationDatum::Wgs84E as i32,
                )),
            }),
            ..Default::default()
        }],
        task: Some(r::TaskDefinition {
            concurrent_tasks: Some(0),
            region_definition: Some(r::RegionDefinition {
                region_type: vec![r::RegionType::AreaOfInterest as i32],
                region_area: vec![lat_lon_type()],
                ..Default::default()
            }),
            command: Vec::new(),
        }),
        ..Default::default()
    };
    Registration {
        node_definition: vec![r::NodeDefinition {
            node_type: Some(r::NodeType::FusionNode as i32),
            node_sub_type: Vec::new(),
        }],
        icd_version: Some(crate::rules::ICD_VERSION_V2_0.to_owned()),
        name: Some(node.name.clone()),
        short_name: Some(node.short_name.clone()),
        capabilities: vec![r::Capability {
            category: Some("Fusion".into()),
            r#type: Some("Counter-UAS track fusion".into()),
            value: None,
            units: None,
        }],
        status_definition: Some(r::StatusDefinition {
            status_interval: Some(seconds(node.status_interval_s)),
            location_definition: Some(lat_lon_type()),
            ..Default::default()
        }),
        mode_definition: vec![mode],
        config_data: vec![r::ConfigurationData {
            manufacturer: node.manufacturer.clone(),
            model: node.model.clone(),
            software_version: Some(node.software_version.clone()),
            ..Default::default()
        }],
        ..Default::default()
    }
}
