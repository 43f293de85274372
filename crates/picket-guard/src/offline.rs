//! Offline runs: a scenario file's `zone` and `authorized` records as a guard configuration,
//! the guard run over a tracker's per-step output, and alert events as alert-file records.

use crate::config::section_label;
use crate::config::{
    AuthorizedConfig, CircleConfig, ConfigError, CoverageConfig, GuardConfig, ZoneConfig,
};
use crate::guard::Guard;
use picket_core::{AlertEvent, AlertState, Report, Timestamp, Track, ZoneShape};
use picket_scenario::{AlertRecord, Ident, Scenario, ScenarioError, Shape, convert};

impl GuardConfig {
    /// The configuration a scenario file carries: its zones and authorisations, with the
    /// default rules. Scenario files state no sensor coverage, so each radar's coverage is
    /// taken as the farthest range it reported in the file (its clutter fills its instrumented
    /// range; [`radar_reach_m`]); inside it the spoofing rule verifies broadcasts against radar
    /// tracks (see `crate::verify`). Errors name the scenario file and the record
    /// (`zone[0] "Z1"`).
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, ConfigError> {
        let error = |section: String, reason: String| ConfigError {
            file: scenario.file.clone(),
            section,
            reason,
        };
        let mut config = GuardConfig {
            file: scenario.file.clone(),
            ..Default::default()
        };
        for (i, z) in scenario.zones.iter().enumerate() {
            let zone = convert::zone(z)
                .map_err(|e| error(section_label("zone", i, Some(&z.id)), e.to_string()))?;
            let (polygon, circle) = match zone.shape {
                ZoneShape::Polygon(v) => (Some(v), None),
                ZoneShape::Circle { x, y, r_m } => (None, Some(CircleConfig { x, y, r_m })),
            };
            config.zone.push(ZoneConfig {
                id: zone.id,
                kind: zone.kind,
                polygon,
                circle,
                geojson: None,
                floor_m: zone.floor_m,
                ceiling_m: zone.ceiling_m,
                altitude: zone.altitude_ref,
                asset: None,
                schedule: Vec::new(),
            });
        }
        for a in &scenario.authorized {
            let (rid, icao) = match &a.ident {
                Ident::Rid(s) => (Some(s.clone()), None),
                Ident::Icao(s) => (None, Some(s.clone())),
            };
            config.authorized.push(AuthorizedConfig {
                rid,
                icao,
                zones: a.zones.clone(),
                from_s: a.from,
                to_s: a.to,
                ..Default::default()
            });
        }
        for s in scenario.sensors.iter().filter(|s| s.kind == "radar") {
            if let Some(range_m) = radar_reach_m(scenario, &s.id) {
                config.guard.coverage.push(CoverageConfig {
                    sensor: s.id.clone(),
                    range_m,
                    boresight_deg: None,
                    fov_deg: None,
                });
            }
        }
        crate::compile::validate(&config)?;
        Ok(config)
    }
}

/// The farthest range sensor `id` reported in the scenario (polar detections), metres; `None`
/// when it reported none.
pub fn radar_reach_m(scenario: &Scenario, id: &str) -> Option<f64> {
    scenario
        .detections
        .iter()
        .filter(|d| d.sensor == id)
        .filter_map(|d| match d.shape {
            Shape::Polar { range_m, .. } if range_m.is_finite() => Some(range_m),
            _ => None,
        })
        .max_by(f64::total_cmp)
}

/// One step of a tracker's output: the tracks it published at `time` (including `Deleted`
/// ones) and the reports it processed then (only those with a cooperative identity matter).
#[derive(Debug, Clone, Default)]
pub struct OfflineStep {
    /// Step time.
    pub time: Timestamp,
    /// Track updates.
    pub tracks: Vec<Track>,
    /// The step's reports.
    pub reports: Vec<Report>,
}

/// Why an offline run could not start.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The scenario's sensors or zones are unusable.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Its zones or authorisations are not a valid guard configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Runs the guard over a tracker's output for `scenario`, with the zones and authorisations
/// the scenario carries and the default rules. The site (frame, sensor ids) is the one
/// [`Scenario::site_and_reports`] builds, so sensor ids in the tracks' sensor sets agree with
/// a tracker fed from the same call. Returns every alert event in time order.
pub fn run_offline(
    scenario: &Scenario,
    steps: impl IntoIterator<Item = OfflineStep>,
) -> Result<Vec<AlertEvent>, OfflineError> {
    let config = GuardConfig::from_scenario(scenario)?;
    run_offline_with(&config, scenario, steps)
}

/// As [`run_offline`] with a configuration of your own (e.g. the site file's rules plus the
/// scenario's zones).
pub fn run_offline_with(
    config: &GuardConfig,
    scenario: &Scenario,
    steps: impl IntoIterator<Item = OfflineStep>,
) -> Result<Vec<AlertEvent>, OfflineError> {
    let (site, _) = scenario.site_and_reports()?;
    let mut guard = Guard::new(config, &site)?;
    let mut events = Vec::new();
    for step in steps {
        events.extend(guard.step(step.time, &step.tracks, &step.reports));
    }
    Ok(events)
}

/// An alert event as an alert-file record.
pub fn alert_record(event: &AlertEvent) -> AlertRecord {
    AlertRecord {
        t: event.time.as_secs(),
        id: event.alert.to_string(),
        track: event.track.to_string(),
        rule: event.rule.as_str().to_owned(),
        zone: event.zone.clone(),
        level: event.level.get(),
        state: state_name(event.state).to_owned(),
    }
}

/// Alert events as alert-file records, in order.
pub fn alert_records(events: &[AlertEvent]) -> Vec<AlertRecord> {
    events.iter().map(alert_record).collect()
}

/// The alert file's name for a state.
pub fn state_name(state: AlertState) -> &'static str {
    match state {
        AlertState::Raised => "raised",
        AlertState::Escalated => "escalated",
        AlertState::Acknowledged => "acknowledged",
        AlertState::Resolved => "resolved",
    }
}
