//! The simulator's configuration: everything a run does, as one serde value.
//!
//! Presets ([`crate::presets`]) are plain [`SimConfig`] values. A TOML file overlays a preset
//! (or stands alone), and `key.path=value` overrides go on top, all on the TOML tree before it
//! is deserialised once with unknown fields denied, so a typo is an error, not a silent default.

pub use toml;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A `[min, max]` range, drawn uniformly unless said otherwise.
pub type Range = [f64; 2];

/// A whole simulation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// Scenario length, seconds; events have `0 <= t < duration_s`.
    pub duration_s: f64,
    /// Motion integration step, seconds (states between steps are extrapolated).
    pub tick_s: f64,
    /// Geodetic origin written in the `meta` line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<OriginConfig>,
    /// Free text for the `meta` line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Write `sensor` lines (the Cartesian box generator has none).
    pub write_sensors: bool,
    /// When truth lines are written.
    pub truth: TruthConfig,
    /// The group `--targets` resizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_group: Option<String>,
    /// Sensors by id.
    #[serde(default)]
    pub sensors: BTreeMap<String, SensorConfig>,
    /// Target groups by name (the name keys each target's random stream).
    #[serde(default)]
    pub groups: BTreeMap<String, GroupConfig>,
    /// Zones of the site, by id.
    #[serde(default)]
    pub zones: BTreeMap<String, ZoneConfig>,
}

/// Geodetic origin of the local frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginConfig {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Height above the ellipsoid, metres.
    pub alt_m: f64,
}

/// Truth times: every `period_s` from `offset_s`, or at every scan of the listed sensors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TruthConfig {
    /// Seconds between truth lines.
    pub period_s: f64,
    /// Time of the first truth lines, seconds.
    pub offset_s: f64,
    /// When not empty, truth is written at these sensors' scan times instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_scans_of: Vec<String>,
}

/// How a radar's detection probability is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PdModel {
    /// `pd` everywhere inside coverage.
    Constant,
    /// Swerling I fluctuating target: Pd = Pfa^(1/(1+SNR)), SNR ∝ RCS / R⁴, calibrated so a
    /// target of `pd_ref_rcs_m2` at `pd_ref_range_m` is seen with probability `pd`.
    Swerling1,
}

/// One sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SensorConfig {
    /// A Cartesian sensor (the Stone Soup harness's box generator).
    Generic(GenericConfig),
    /// A scanning 3-D radar reporting range, azimuth, elevation and radial velocity.
    Radar(RadarConfig),
    /// An RF direction finder: bearings to emitting drones.
    Rf(RfConfig),
    /// A Remote ID receiver: the drones' own broadcast positions and serials.
    Remoteid(ReceiverConfig),
    /// An ADS-B receiver: aircraft positions and ICAO addresses.
    Adsb(ReceiverConfig),
    /// An EO/IR camera: accurate bearing and elevation with class likelihoods.
    Camera(CameraConfig),
}

/// A Cartesian sensor with isotropic noise and uniform clutter in a box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericConfig {
    /// Position, metres.
    pub position_m: [f64; 3],
    /// Scan period, seconds.
    pub period_s: f64,
    /// Time of the first scan, seconds.
    pub offset_s: f64,
    /// Detection probability per target per scan.
    pub pd: f64,
    /// 1-sigma noise per axis, metres.
    pub sigma_m: f64,
    /// Mean clutter detections per scan (Poisson).
    pub clutter_rate: f64,
    /// Clutter box lower corner, metres.
    pub clutter_min_m: [f64; 3],
    /// Clutter box upper corner, metres.
    pub clutter_max_m: [f64; 3],
}

/// A scanning radar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadarConfig {
    /// Position, metres.
    pub position_m: [f64; 3],
    /// Scan period, seconds (plots are stamped with the scan time).
    pub period_s: f64,
    /// Time of the first scan, seconds.
    pub offset_s: f64,
    /// Coverage: minimum range, metres.
    pub min_range_m: f64,
    /// Coverage: maximum range, metres.
    pub max_range_m: f64,
    /// Coverage: lowest elevation, degrees.
    pub el_min_deg: f64,
    /// Coverage: highest elevation, degrees.
    pub el_max_deg: f64,
    /// Range noise, metres.
    pub sigma_range_m: f64,
    /// Azimuth noise, degrees.
    pub sigma_az_deg: f64,
    /// Elevation noise, degrees.
    pub sigma_el_deg: f64,
    /// Radial velocity noise, m/s; 0 writes no radial velocity.
    pub sigma_vr_mps: f64,
    /// Detection probability (constant, or of the reference target at the reference range).
    pub pd: f64,
    /// How Pd depends on range and size.
    pub pd_model: PdModel,
    /// Reference range for `swerling1`, metres.
    pub pd_ref_range_m: f64,
    /// Reference radar cross-section for `swerling1`, m².
    pub pd_ref_rcs_m2: f64,
    /// False alarm probability per cell for `swerling1`.
    pub pfa: f64,
    /// Mean clutter plots per scan (Poisson), uniform in range, azimuth and elevation.
    pub clutter_rate: f64,
    /// Radial velocity spread of clutter plots, m/s.
    pub clutter_sigma_vr_mps: f64,
    /// Targets closer than this in range (and `az_resolution_deg` in azimuth) merge into one
    /// plot; 0 resolves everything.
    pub range_resolution_m: f64,
    /// Azimuth resolution, degrees.
    pub az_resolution_deg: f64,
}

/// An RF direction finder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfConfig {
    /// Position, metres.
    pub position_m: [f64; 3],
    /// Seconds between bearing reports.
    pub period_s: f64,
    /// Time of the first report, seconds.
    pub offset_s: f64,
    /// Detection range of a drone's control link, metres.
    pub max_range_m: f64,
    /// Probability of a bearing per emitting drone per report inside range.
    pub pd: f64,
    /// Bearing noise, degrees.
    pub sigma_az_deg: f64,
    /// Mean false bearings per report (other emitters), Poisson, uniform in azimuth.
    pub clutter_rate: f64,
}

/// A receiver of broadcasts (Remote ID or ADS-B).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiverConfig {
    /// Position, metres.
    pub position_m: [f64; 3],
    /// Reception range, metres.
    pub max_range_m: f64,
    /// Probability of receiving a message near the receiver; it falls to 0 at `max_range_m`.
    pub p_receive: f64,
    /// 1-sigma position error of the broadcast position (GNSS), metres per axis.
    pub sigma_m: f64,
}

/// An EO/IR camera.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraConfig {
    /// Position, metres.
    pub position_m: [f64; 3],
    /// Seconds between frames that report.
    pub period_s: f64,
    /// Time of the first report, seconds.
    pub offset_s: f64,
    /// Centre of the horizontal field of view, degrees from north.
    pub az_center_deg: f64,
    /// Horizontal field of view, degrees (360 for a panoramic sensor).
    pub fov_h_deg: f64,
    /// Lowest elevation seen, degrees.
    pub el_min_deg: f64,
    /// Highest elevation seen, degrees.
    pub el_max_deg: f64,
    /// Range at which a target 1 m across is still detected; scales with the target's span.
    pub range_per_span_m: f64,
    /// Detection probability inside the field of view and range.
    pub pd: f64,
    /// Bearing noise, degrees.
    pub sigma_az_deg: f64,
    /// Elevation noise, degrees.
    pub sigma_el_deg: f64,
    /// Probability of the right label close in; it falls to chance at the range limit.
    pub accuracy: f64,
}

/// A group of targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroupConfig {
    /// The Stone Soup harness's targets: constant speed with turns in a box.
    Cruise(CruiseGroup),
    /// Small drones flying a mission.
    Drones(DroneGroup),
    /// Drones flying together, splitting toward different destinations.
    Swarm(SwarmGroup),
    /// Birds: single and in flocks that split.
    Birds(BirdGroup),
    /// Manned aircraft on a straight path.
    Aircraft(AircraftGroup),
}

/// The harness's Cartesian targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CruiseGroup {
    /// Number of targets.
    pub count: usize,
    /// Truth class written, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Start box lower corner, metres (its z is the reflecting floor).
    pub box_min_m: [f64; 3],
    /// Start box upper corner, metres (its z is the reflecting ceiling).
    pub box_max_m: [f64; 3],
    /// Horizontal speed, m/s.
    pub speed_mps: Range,
    /// Initial vertical speed is uniform in ±this, m/s.
    pub vz_start_mps: f64,
    /// Vertical speed limit, m/s.
    pub vz_max_mps: f64,
    /// Turns started per second per target.
    pub turn_rate_per_s: f64,
    /// Turn rate, degrees per second.
    pub turn_deg_s: Range,
    /// Turn duration, seconds.
    pub turn_s: Range,
    /// Horizontal white acceleration, m/s² per √Hz.
    pub sigma_acc_h: f64,
    /// Vertical white acceleration, m/s² per √Hz.
    pub sigma_acc_v: f64,
}

/// Role of a group's targets, as written in truth lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleConfig {
    /// Not allowed to fly here.
    Hostile,
    /// Whitelisted.
    Authorized,
    /// Neither.
    Neutral,
}

/// What a drone does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mission {
    /// Fly in via a dog-leg with an altitude change to a destination, hover over it, dash off.
    Approach,
    /// Wander between random waypoints in a disc around `center_m`.
    Loiter,
    /// Circle `center_m`.
    Orbit,
    /// Hold a point near `center_m`.
    Hover,
    /// Cross the area in a fast straight line.
    Dash,
    /// Each drone draws one of the above.
    Mixed,
}

/// Small drones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroneGroup {
    /// Number of drones.
    pub count: usize,
    /// Role written in truth lines.
    pub role: RoleConfig,
    /// What they do.
    pub mission: Mission,
    /// Where loiter, orbit and hover missions happen, metres.
    pub center_m: [f64; 3],
    /// Spawn distance from `center_m` (approach, dash) or radius of the working disc, metres.
    pub range_m: Range,
    /// Spawn times, seconds.
    pub spawn_s: Range,
    /// Altitude, metres.
    pub alt_m: Range,
    /// Cruise speed, m/s (capped at 30).
    pub speed_mps: Range,
    /// Approach destinations; each drone picks one.
    #[serde(default)]
    pub destinations_m: Vec<[f64; 3]>,
    /// Radar cross-section, m².
    pub rcs_m2: Range,
    /// Size across, metres (camera range).
    pub span_m: f64,
    /// Fraction with an RF control link the direction finder hears.
    pub emitting_fraction: f64,
    /// Broadcast Remote ID.
    pub remote_id: bool,
    /// Seconds between Remote ID location messages.
    pub rid_period_s: f64,
    /// Fraction whose broadcast position is forged (needs `remote_id`).
    pub spoofed_fraction: f64,
    /// Offset of a forged position from the truth, metres.
    pub spoof_offset_m: Range,
    /// Zones authorized drones may use (written in `authorized` lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorized_zones: Vec<String>,
    /// Broadcast the serials of this other drone group's drones instead of their own (forged
    /// identity; needs `remote_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clone_serials_of: Option<String>,
}

/// A drone swarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwarmGroup {
    /// Number of drones.
    pub count: usize,
    /// Role written in truth lines.
    pub role: RoleConfig,
    /// Spawn distance from the first destination, metres.
    pub range_m: Range,
    /// Spawn time, seconds.
    pub spawn_s: Range,
    /// Altitude, metres.
    pub alt_m: Range,
    /// Speed, m/s.
    pub speed_mps: Range,
    /// Typical distance between neighbours, metres.
    pub spacing_m: f64,
    /// Destinations; the swarm splits toward them.
    pub destinations_m: Vec<[f64; 3]>,
    /// When the swarm splits, seconds after spawn.
    pub split_after_s: Range,
    /// Radar cross-section, m².
    pub rcs_m2: Range,
    /// Size across, metres.
    pub span_m: f64,
    /// Fraction with an RF link.
    pub emitting_fraction: f64,
}

/// Birds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BirdGroup {
    /// Number of flocks.
    pub flocks: usize,
    /// Birds per flock.
    pub flock_size: [usize; 2],
    /// Number of single birds.
    pub singles: usize,
    /// Centre of the area they keep to, metres.
    pub center_m: [f64; 3],
    /// Radius of that area, metres.
    pub radius_m: f64,
    /// Altitude, metres.
    pub alt_m: Range,
    /// Mean speed, m/s.
    pub speed_mps: Range,
    /// Mean time before a flock splits, seconds.
    pub split_mean_s: f64,
    /// Radar cross-section, m².
    pub rcs_m2: Range,
    /// Size across, metres.
    pub span_m: f64,
}

/// Manned aircraft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AircraftGroup {
    /// Number of aircraft.
    pub count: usize,
    /// Spawn times, seconds.
    pub spawn_s: Range,
    /// Start of the path (x, y) and its end, metres.
    pub path_m: [[f64; 2]; 2],
    /// Cross-track spread of the paths, metres.
    pub lateral_m: f64,
    /// Altitude at the start, metres.
    pub alt_m: Range,
    /// Climb (positive) or descent (negative) rate, m/s.
    pub climb_mps: Range,
    /// Ground speed, m/s.
    pub speed_mps: Range,
    /// Radar cross-section, m².
    pub rcs_m2: Range,
    /// Size across, metres.
    pub span_m: f64,
    /// Seconds between ADS-B position messages (0: no ADS-B).
    pub adsb_period_s: f64,
    /// Zones the aircraft are authorized in (written as `authorized` ICAO lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorized_zones: Vec<String>,
}

/// A zone, written as a `zone` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneConfig {
    /// protected, perimeter, warning, corridor or exclusion.
    pub kind: String,
    /// Polygon vertices, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polygon: Option<Vec<[f64; 2]>>,
    /// Circle centre and radius `[x, y, r]`, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circle: Option<[f64; 3]>,
    /// Floor, metres.
    pub floor_m: f64,
    /// Ceiling, metres.
    pub ceiling_m: f64,
}

/// A configuration that cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The TOML text or tree does not describe a [`SimConfig`].
    #[error("invalid configuration: {0}")]
    Parse(String),
    /// A `key=value` override that cannot be applied.
    #[error("cannot apply override {key:?}: {reason}")]
    Override {
        /// The key path.
        key: String,
        /// Why.
        reason: String,
    },
    /// A value out of its range, named by its path.
    #[error("{path}: {reason}")]
    Invalid {
        /// Where, e.g. `sensors.radar-1.pd`.
        path: String,
        /// Why.
        reason: String,
    },
}

impl SimConfig {
    /// The configuration as a TOML tree (to overlay files and overrides on).
    pub fn to_toml(&self) -> Result<toml::Value, ConfigError> {
        toml::Value::try_from(self).map_err(|e| ConfigError::Parse(e.to_string()))
    }

    /// The configuration as TOML text (what `picket sim --print-config` shows).
    pub fn to_toml_string(&self) -> Result<String, ConfigError> {
        toml::to_string_pretty(self).map_err(|e| ConfigError::Parse(e.to_string()))
    }

    /// A configuration from a TOML tree, unknown keys denied.
    pub fn from_toml(value: toml::Value) -> Result<Self, ConfigError> {
        value
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Parse(e.message().to_owned()))
    }
}

/// Parses TOML text into a tree (syntax errors name the line).
pub fn parse_toml(text: &str) -> Result<toml::Value, ConfigError> {
    text.parse::<toml::Table>()
        .map(toml::Value::Table)
        .map_err(|e| ConfigError::Parse(e.to_string()))
}

/// Lays `overlay` over `base`: tables merge key by key, anything else replaces.
pub fn merge(base: &mut toml::Value, overlay: toml::Value) {
    match (base, overlay) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (key, value) in o {
                match b.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        b.insert(key, value);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// A value written on the command line: TOML when it parses as TOML (`0.9`, `[1, 2]`,
/// `true`, `"x"`), otherwise the bare text as a string.
pub fn parse_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// Sets `path` (dot-separated keys, e.g. `sensors.radar-1.pd`) to `value`, creating tables on
/// the way. Whether the key means anything is decided when the tree is deserialised.
pub fn set_path(root: &mut toml::Value, path: &str, value: toml::Value) -> Result<(), ConfigError> {
    let keys: Vec<&str> = path.split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(ConfigError::Override {
            key: path.into(),
            reason: "empty key in the path".into(),
        });
    }
    let mut node = root;
    for key in &keys[..keys.len() - 1] {
        let toml::Value::Table(table) = node else {
            return Err(ConfigError::Override {
                key: path.into(),
                reason: format!("{key:?} is inside a value that is not a table"),
            });
        };
        node = table
            .entry(key.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    }
    let toml::Value::Table(table) = node else {
        return Err(ConfigError::Override {
            key: path.into(),
            reason: "the parent is not a table".into(),
        });
    };
    table.insert(keys[keys.len() - 1].to_owned(), value);
    Ok(())
}

/// Sets `key` in every table under `section` (e.g. every sensor) that already has it;
/// returns how many were set. For `--pd`, `--clutter-rate` and `--sigma`.
pub fn set_everywhere(
    root: &mut toml::Value,
    section: &str,
    key: &str,
    value: &toml::Value,
) -> usize {
    let Some(toml::Value::Table(items)) = root.get_mut(section) else {
        return 0;
    };
    let mut count = 0;
    for (_, item) in items.iter_mut() {
        if let Some(slot) = item.get_mut(key) {
            *slot = value.clone();
            count += 1;
        }
    }
    count
}
