//! Offline runs: a scenario file's `zone` and `authorized` records as a guard configuration,
//! the guard run over a tracker's per-step output, and alert events as alert-file records.

use crate::config::section_label;
use crate::config::{AuthorizedConfig, CircleConfig, ConfigError, GuardConfig, ZoneConfig};
use crate::guard::Guard;
use picket_core::{AlertEvent, AlertState, Report, Timestamp, Track, ZoneShape};
use picket_scenario::{AlertRecord, Ident, Scenario, ScenarioError, convert};

/// Inside this range of a site with a radar, a Remote ID broadcast must be confirmed by a
/// non-cooperative track (the `spoof_suspected` rule's `verify_range_m`), metres.
pub const VERIFY_RANGE_WITH_RADAR_M: f64 = 3000.0;

impl GuardConfig {
    /// The configuration a scenario file carries: its zones and authorisations, with the
    /// default rules; when the scenario has a radar, the spoofing rule also checks that
    /// broadcasts within [`VERIFY_RANGE_WITH_RADAR_M`] are confirmed by a non-cooperative
    /// track (a forged position has none; on the spoofing preset, seeds 1-5, with the tracker
    /// keeping one live track per serial, 2 km flagged 65 % of the forged broadcasters and
    /// 3 km 72.5 %). Errors name the scenario file and the record (`zone[0] "Z1"`).
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
        if scenario.sensors.iter().any(|s| s.kind == "radar") {
            config.rule = crate::rules::default_rules();
            for r in config
                .rule
                .iter_mut()
                .filter(|r| r.kind == "spoof_suspected")
            {
                r.verify_range_m = Some(VERIFY_RANGE_WITH_RADAR_M);
            }
        }
        crate::compile::validate(&config)?;
        Ok(config)
    }
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
