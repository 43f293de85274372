//! The guard's sections of the site file, as written: `[guard]`, `[[zone]]`, `[[rule]]` (or
//! `[rules.<kind>]` tables, one per kind) and `[[authorized]]`. Each deserializes with unknown fields denied; [`GuardConfig::load`] then
//! validates everything (`compile.rs`) so a bad file is refused with its name, the
//! section (`zone[2] "runway-27"`) and the reason. Other sections of the site file (sensors,
//! storage...) belong to other components and are ignored here.
//!
//! ```toml
//! [guard]
//! stale_track_s = 120
//!
//! [[zone]]
//! id = "hq"
//! kind = "protected"
//! circle = { x = 0.0, y = 0.0, r_m = 300.0 }
//! floor_m = 0.0
//! ceiling_m = 150.0
//!
//! [[rule]]
//! kind = "predicted_entry"
//! zones = ["hq"]
//! horizon_s = 30.0
//! probability = 0.5
//! level = 3
//!
//! [[authorized]]
//! rid = "1596A1234567890"
//! zones = ["hq"]
//! schedule = [{ daily_utc = "08:00-18:00" }]
//! ```

use crate::schedule::WindowConfig;
use picket_core::{AltitudeRef, Class, ZoneKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A configuration the guard refuses: which file, which section, why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ConfigError {
    /// The file name given to the loader.
    pub file: String,
    /// The section, e.g. `zone[2] "runway-27"` (empty for the whole file).
    pub section: String,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.section.is_empty() {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}: {}: {}", self.file, self.section, self.reason)
        }
    }
}

/// Global settings, `[guard]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GuardSettings {
    /// A track not updated for this long is ended as if deleted (its alerts resolve), so the
    /// guard's memory stays bounded when a tracker forgets to publish a deletion.
    pub stale_track_s: f64,
    /// What each sensor covers (`[[guard.coverage]]`). Inside the coverage of a radar (or
    /// another sensor that measures range), a Remote ID broadcast should be seen by that
    /// sensor too: the spoofing rule verifies broadcasts there (see `spoof_suspected`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<CoverageConfig>,
}

impl Default for GuardSettings {
    fn default() -> Self {
        Self {
            stale_track_s: 120.0,
            coverage: Vec::new(),
        }
    }
}

/// `[[guard.coverage]]`: a sensor's nominal coverage, as the site's sensor sections state it:
/// its greatest range and, for a sector, its boresight and field of view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageConfig {
    /// The sensor's name in the site (e.g. `radar-1`).
    pub sensor: String,
    /// Greatest range from the sensor, metres (slant range).
    pub range_m: f64,
    /// Centre of the sector, degrees clockwise from north.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boresight_deg: Option<f64>,
    /// Width of the sector, degrees (360 or none: all round).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fov_deg: Option<f64>,
}

/// A circle footprint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircleConfig {
    /// Centre east, metres.
    pub x: f64,
    /// Centre north, metres.
    pub y: f64,
    /// Radius, metres.
    pub r_m: f64,
}

/// `[[zone]]`: exactly one of `polygon`, `circle`, `geojson`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneConfig {
    /// Unique id.
    pub id: String,
    /// protected, perimeter, warning, corridor or exclusion.
    pub kind: ZoneKind,
    /// Vertices `[x, y]` in the site frame, metres, not repeating the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polygon: Option<Vec<[f64; 2]>>,
    /// A circle in the site frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circle: Option<CircleConfig>,
    /// GeoJSON text of a Polygon (or a Feature with one), longitude/latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geojson: Option<String>,
    /// Lowest altitude covered, metres.
    #[serde(default)]
    pub floor_m: f64,
    /// Highest altitude covered, metres.
    pub ceiling_m: f64,
    /// `above_ground` (default) or `mean_sea_level`.
    #[serde(default)]
    pub altitude: AltitudeRef,
    /// The asset point approach rules measure to; the footprint's centroid when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<[f64; 2]>,
    /// When the zone is active; always when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<WindowConfig>,
}

/// `[[rule]]`: one rule, by `kind`; the other keys are its parameters. Keys that do not apply to
/// the kind are refused (a `loiter_s` on an `entry` rule is a mistake, not a no-op).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// entry, predicted_entry, loiter, approach, no_remote_id, spoof_suspected, unauthorized.
    pub kind: String,
    /// Where it was written (`rules.loiter`), for messages; `rule[i]` when absent.
    #[serde(skip)]
    pub section: Option<String>,
    /// Zones it watches, by id (zone rules; for no_remote_id, where it applies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// Zones it watches, by kind (used when `zones` is empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zone_kinds: Vec<ZoneKind>,
    /// Classes it applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<Class>,
    /// Probability mass on `classes` needed for the rule to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_class_p: Option<f64>,
    /// Threat level it raises, 0–4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// How long the cause must hold before the alert is raised, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_on_s: Option<f64>,
    /// How long the cause must be gone before the alert resolves itself, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_s: Option<f64>,
    /// An alert still open this long after it was raised goes up one level, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after_s: Option<f64>,
    /// entry, loiter, unauthorized: how far outside a zone the track must be for the cause to
    /// end, metres (the hysteresis band against boundary noise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_margin_m: Option<f64>,
    /// loiter: time inside before it fires, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loiter_s: Option<f64>,
    /// predicted_entry: how far ahead to look, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_s: Option<f64>,
    /// predicted_entry: spacing of the sampled horizons, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_s: Option<f64>,
    /// predicted_entry: probability of being inside that raises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// predicted_entry: probability below which the cause ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_probability: Option<f64>,
    /// predicted_entry: a breach predicted sooner than this raises the level by one, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent_s: Option<f64>,
    /// approach: closing speed toward the zone's asset that fires, m/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_mps: Option<f64>,
    /// approach: only within this distance of the asset, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_m: Option<f64>,
    /// spoof_suspected: chi-square gate on the broadcast-vs-track innovation (3 degrees of
    /// freedom; 16.27 is the 99.9 % point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chi2_gate: Option<f64>,
    /// spoof_suspected: fastest plausible drone, m/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_speed_mps: Option<f64>,
    /// spoof_suspected: fastest plausible aircraft (ICAO identities), m/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aircraft_max_speed_mps: Option<f64>,
    /// spoof_suspected: consecutive inconsistent broadcasts that flag an identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strikes: Option<u32>,
    /// spoof_suspected: consecutive consistent broadcasts that clear a flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clean_to_clear: Option<u32>,
    /// spoof_suspected: within this distance of the site origin the non-cooperative sensors
    /// are expected to see every drone, so a broadcast no such track confirms is suspect,
    /// metres (0 = off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_range_m: Option<f64>,
    /// spoof_suspected: consecutive unconfirmed broadcasts that flag an identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_strikes: Option<u32>,
    /// Least share of honest broadcasts a radar track confirms (0 < pfa < pd < 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_pd: Option<f64>,
    /// Share of forged broadcasts a radar track confirms by chance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_pfa: Option<f64>,
    /// spoof_suspected: smallest distance between two tracks bound to one identity that counts
    /// as "two places", metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_separation_m: Option<f64>,
    /// spoof_suspected: disagreement allowed per axis between a broadcast and its track on top
    /// of their stated accuracies, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_m: Option<f64>,
}

/// `[[authorized]]`: an identity allowed to fly, optionally bounded to zones and times.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizedConfig {
    /// A name for people (the operator's, the drone's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Remote ID UAS id (serial number or session id) as broadcast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    /// Remote ID operator id. picket-core's identity carries the UAS id only, so this matches a
    /// track whose broadcast id equals it (see the crate docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<String>,
    /// ICAO 24-bit address, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icao: Option<String>,
    /// Zones it may fly in; anywhere when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// Start of its window, event-time seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_s: Option<f64>,
    /// End of its window, event-time seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_s: Option<f64>,
    /// Recurring windows (any of them, within `from_s`..`to_s` when given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<WindowConfig>,
}

/// The guard's part of a site file, parsed and validated.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GuardConfig {
    /// The file it came from, for messages.
    #[serde(skip)]
    pub file: String,
    /// `[guard]`.
    pub guard: GuardSettings,
    /// `[[zone]]`.
    pub zone: Vec<ZoneConfig>,
    /// `[[rule]]`; the default rule set ([`crate::rules::default_rules`]) when empty.
    pub rule: Vec<RuleConfig>,
    /// `[[authorized]]`.
    pub authorized: Vec<AuthorizedConfig>,
}

impl GuardConfig {
    /// Parses the guard's sections of a site file and validates them. `file_name` only labels
    /// messages. Sections other than `guard`, `zone`, `rule` and `authorized` are ignored.
    pub fn load(text: &str, file_name: &str) -> Result<Self, ConfigError> {
        let config = Self::parse(text, file_name)?;
        crate::compile::validate(&config)?;
        Ok(config)
    }

    /// Parses without the semantic checks of [`Self::load`].
    pub fn parse(text: &str, file_name: &str) -> Result<Self, ConfigError> {
        let error = |section: String, reason: String| ConfigError {
            file: file_name.to_owned(),
            section,
            reason,
        };
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| error(String::new(), e.message().to_owned()))?;
        let mut config = GuardConfig {
            file: file_name.to_owned(),
            ..Default::default()
        };
        if let Some(v) = doc.get("guard") {
            config.guard = GuardSettings::deserialize(v.clone())
                .map_err(|e| error("guard".into(), e.message().to_owned()))?;
        }
        config.zone = sections(&doc, "zone", "id", file_name)?;
        config.rule = sections(&doc, "rule", "kind", file_name)?;
        config.rule.extend(rule_tables(&doc, file_name)?);
        config.authorized = sections(&doc, "authorized", "name", file_name)?;
        Ok(config)
    }
}

/// The `[rules.<kind>]` form: one table per rule kind, the kind given by the table's name.
fn rule_tables(doc: &toml::Table, file: &str) -> Result<Vec<RuleConfig>, ConfigError> {
    let Some(value) = doc.get("rules") else {
        return Ok(Vec::new());
    };
    let error = |section: String, reason: String| ConfigError {
        file: file.to_owned(),
        section,
        reason,
    };
    let tables = value.as_table().ok_or_else(|| {
        error(
            "rules".into(),
            "must be a table of rules: write [rules.<kind>]".into(),
        )
    })?;
    tables
        .iter()
        .map(|(kind, body)| {
            let section = format!("rules.{kind}");
            let mut table = body
                .as_table()
                .cloned()
                .ok_or_else(|| error(section.clone(), "must be a table".into()))?;
            if table.contains_key("kind") {
                return Err(error(
                    section,
                    "the section name gives the kind; remove `kind`".into(),
                ));
            }
            table.insert("kind".into(), toml::Value::String(kind.clone()));
            let mut rule = RuleConfig::deserialize(toml::Value::Table(table))
                .map_err(|e| error(section.clone(), e.message().to_owned()))?;
            rule.section = Some(section);
            Ok(rule)
        })
        .collect()
}

/// The label of array section `name[index]`, with the item's `key` when it has one.
pub fn section_label(name: &str, index: usize, label: Option<&str>) -> String {
    match label {
        Some(l) => format!("{name}[{index}] {l:?}"),
        None => format!("{name}[{index}]"),
    }
}

fn sections<T: serde::de::DeserializeOwned>(
    doc: &toml::Table,
    name: &str,
    label_key: &str,
    file: &str,
) -> Result<Vec<T>, ConfigError> {
    let Some(value) = doc.get(name) else {
        return Ok(Vec::new());
    };
    let error = |section: String, reason: String| ConfigError {
        file: file.to_owned(),
        section,
        reason,
    };
    let items = value.as_array().ok_or_else(|| {
        error(
            name.to_owned(),
            format!("must be an array of tables: write [[{name}]]"),
        )
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let label = item.get(label_key).and_then(toml::Value::as_str);
            T::deserialize(item.clone())
                .map_err(|e| error(section_label(name, i, label), e.message().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_and_names_bad_ones() {
        let text = r#"
            [site]
            id = "ignored: not the guard's section"
            [[zone]]
            id = "hq"
            kind = "protected"
            circle = { x = 0.0, y = 0.0, r_m = 300.0 }
            ceiling_m = 150.0
            [[rule]]
            kind = "entry"
            zones = ["hq"]
        "#;
        let c = GuardConfig::parse(text, "site.toml").unwrap();
        assert_eq!(c.zone.len(), 1);
        assert_eq!(c.rule[0].kind, "entry");

        let bad = text.replace("ceiling_m = 150.0", "ceiling_m = 150.0\ncolour = \"red\"");
        let e = GuardConfig::parse(&bad, "site.toml").unwrap_err();
        assert_eq!(e.section, "zone[0] \"hq\"");
        assert!(e.reason.contains("unknown field `colour`"), "{e}");
        assert!(e.to_string().starts_with("site.toml: zone[0] \"hq\": "));

        let tables = "[rules.loiter]\nloiter_s = 20.0\n[rules.no_remote_id]\nlevel = 3\n";
        let c = GuardConfig::parse(tables, "s.toml").unwrap();
        assert_eq!(c.rule.len(), 2);
        assert_eq!(
            (c.rule[0].kind.as_str(), c.rule[0].loiter_s),
            ("loiter", Some(20.0))
        );
        assert_eq!(c.rule[1].section.as_deref(), Some("rules.no_remote_id"));
        let e = GuardConfig::parse("[rules.loiter]\nkind = \"entry\"\n", "s.toml").unwrap_err();
        assert_eq!(e.section, "rules.loiter");
        let e = GuardConfig::parse("[rules.loiter]\nloiter = 3\n", "s.toml").unwrap_err();
        assert!(e.reason.contains("unknown field `loiter`"), "{e}");

        let e = GuardConfig::parse("zone = 3", "s.toml").unwrap_err();
        assert!(e.reason.contains("[[zone]]"), "{e}");
        let e = GuardConfig::parse("[[zone]\n", "s.toml").unwrap_err();
        assert_eq!(e.section, "");
    }
}
