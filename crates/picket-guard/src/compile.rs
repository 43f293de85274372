//! Validation and compilation of a [`GuardConfig`] into what the guard runs ([`Compiled`]).
//! Every refusal names the file, the section and the reason.

use crate::config::{AuthorizedConfig, ConfigError, GuardConfig, RuleConfig, ZoneConfig};
use crate::config::{GuardSettings, section_label};
use crate::geojson::polygon_from_geojson;
use crate::rules::{self, Rule, RuleParams, SpoofParams};
use crate::schedule::{self, Schedule, Window};
use crate::zones::GuardZone;
use picket_core::{
    Geodetic, Identity, LocalFrame, RuleKind, ThreatLevel, Track, Zone, ZoneKind, ZoneShape,
};

/// A whitelist entry, ready to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorization {
    /// A label for messages (its name, else its first identity).
    pub label: String,
    /// Identities that match it.
    pub identities: Vec<Identity>,
    /// Zones it may fly in (indices); anywhere when empty.
    pub zones: Vec<usize>,
    /// Its absolute window (`from_s`..`to_s`), when bounded.
    pub window: Option<Window>,
    /// Its recurring windows.
    pub schedule: Schedule,
}

impl Authorization {
    /// True when the authorisation holds at `t` (inside its window and schedule).
    pub fn is_in_time(&self, t: picket_core::Timestamp) -> bool {
        self.window.is_none_or(|w| w.contains(t)) && self.schedule.is_active(t)
    }
}

/// A validated configuration in the form the guard evaluates.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    /// Global settings.
    pub settings: GuardSettings,
    /// Zones, in file order.
    pub zones: Vec<GuardZone>,
    /// Rules, in file order (or the defaults).
    pub rules: Vec<Rule>,
    /// The whitelist.
    pub whitelist: Vec<Authorization>,
}

impl Compiled {
    /// The nearest protected zone and the horizontal distance to it; the exact distance is
    /// only computed for zones whose cheap lower bound could beat the best so far.
    pub fn nearest_protected(&self, track: &Track) -> Option<(u16, f64)> {
        let (x, y) = (track.position.x, track.position.y);
        let mut best: Option<(u16, f64)> = None;
        for (i, z) in self.zones.iter().enumerate() {
            if z.zone.kind != ZoneKind::Protected
                || best.is_some_and(|(_, d)| z.distance_lower_bound_m(x, y) >= d)
            {
                continue;
            }
            let d = z.distance_xy_m(x, y);
            if best.is_none_or(|(_, b)| d < b) {
                best = Some((i as u16, d));
            }
        }
        best
    }
}

/// Validates without a site frame: GeoJSON rings are checked in a frame at their own first
/// vertex (shape validity does not depend on where a site-sized frame is anchored).
pub fn validate(config: &GuardConfig) -> Result<(), ConfigError> {
    compile(config, None).map(|_| ())
}

/// Compiles `config` for the site whose frame is `frame` (`None`: see [`validate`]).
pub fn compile(config: &GuardConfig, frame: Option<&LocalFrame>) -> Result<Compiled, ConfigError> {
    let error = |section: String, reason: String| ConfigError {
        file: config.file.clone(),
        section,
        reason,
    };
    let s = &config.guard;
    if !(s.stale_track_s.is_finite() && s.stale_track_s > 0.0) {
        return Err(error(
            "guard".into(),
            format!("stale_track_s must be positive, got {}", s.stale_track_s),
        ));
    }
    for (i, c) in s.coverage.iter().enumerate() {
        crate::verify::check(c)
            .map_err(|e| error(section_label("guard.coverage", i, Some(&c.sensor)), e))?;
    }
    // Slots index zones and rules with u16 (u16::MAX means "no zone").
    if config.zone.len() >= usize::from(u16::MAX) || config.rule.len() >= usize::from(u16::MAX) {
        return Err(error(
            String::new(),
            format!("at most {} zones and {} rules", u16::MAX - 1, u16::MAX - 1),
        ));
    }
    let origin_alt_m = frame.map_or(0.0, |f| f.origin().alt_m);
    let mut zones: Vec<GuardZone> = Vec::with_capacity(config.zone.len());
    for (i, z) in config.zone.iter().enumerate() {
        let section = section_label("zone", i, Some(&z.id));
        if zones.iter().any(|g| g.id() == z.id) {
            return Err(error(section, format!("duplicate zone id {:?}", z.id)));
        }
        zones.push(zone(z, frame, origin_alt_m).map_err(|e| error(section, e))?);
    }
    let ids: Vec<&str> = zones.iter().map(GuardZone::id).collect();
    let defaults;
    let rule_configs = if config.rule.is_empty() {
        defaults = rules::default_rules();
        &defaults
    } else {
        &config.rule
    };
    let mut rules = Vec::with_capacity(rule_configs.len());
    for (i, r) in rule_configs.iter().enumerate() {
        let section = r
            .section
            .clone()
            .unwrap_or_else(|| section_label("rule", i, Some(&r.kind)));
        rules.push(rule(r, &zones).map_err(|e| error(section, e))?);
    }
    let mut whitelist = Vec::with_capacity(config.authorized.len());
    for (i, a) in config.authorized.iter().enumerate() {
        let section = section_label("authorized", i, a.name.as_deref());
        whitelist.push(authorization(a, &ids).map_err(|e| error(section, e))?);
    }
    Ok(Compiled {
        settings: s.clone(),
        zones,
        rules,
        whitelist,
    })
}

fn zone(
    z: &ZoneConfig,
    frame: Option<&LocalFrame>,
    origin_alt_m: f64,
) -> Result<GuardZone, String> {
    if z.id.is_empty() {
        return Err("zone id is empty".into());
    }
    let shape = match (&z.polygon, &z.circle, &z.geojson) {
        (Some(v), None, None) => ZoneShape::Polygon(v.clone()),
        (None, Some(c), None) => ZoneShape::Circle {
            x: c.x,
            y: c.y,
            r_m: c.r_m,
        },
        (None, None, Some(text)) => ZoneShape::Polygon(geojson_ring(text, frame)?),
        _ => return Err("give exactly one of `polygon`, `circle` or `geojson`".into()),
    };
    let schedule = schedule::build_schedule(&z.schedule)?;
    if let Some(a) = z.asset
        && !(a[0].is_finite() && a[1].is_finite())
    {
        return Err("asset is not a finite point".into());
    }
    let zone = Zone {
        id: z.id.clone(),
        kind: z.kind,
        shape,
        floor_m: z.floor_m,
        ceiling_m: z.ceiling_m,
        altitude_ref: z.altitude,
    };
    GuardZone::new(zone, schedule, z.asset, origin_alt_m).map_err(|e| e.to_string())
}

fn geojson_ring(text: &str, frame: Option<&LocalFrame>) -> Result<Vec<[f64; 2]>, String> {
    if let Some(f) = frame {
        return polygon_from_geojson(text, f);
    }
    // Anchor a throw-away frame on the ring itself: parse once at the equator to find the
    // first vertex, then convert in a frame there.
    let probe = polygon_from_geojson(text, &LocalFrame::new(Geodetic::new(0.0, 0.0, 0.0)))?;
    let first = probe.first().copied().unwrap_or([0.0, 0.0]);
    let at = LocalFrame::new(Geodetic::new(0.0, 0.0, 0.0))
        .to_geodetic(&picket_core::Enu::new(first[0], first[1], 0.0));
    polygon_from_geojson(
        text,
        &LocalFrame::new(Geodetic::new(at.lat_deg, at.lon_deg, 0.0)),
    )
}

fn positive(name: &str, v: f64) -> Result<f64, String> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!("{name} must be a positive number, got {v}"))
    }
}

fn non_negative(name: &str, v: f64) -> Result<f64, String> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("{name} must be zero or more, got {v}"))
    }
}

fn probability(name: &str, v: f64) -> Result<f64, String> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{name} must be a probability in [0, 1], got {v}"))
    }
}

fn rule(r: &RuleConfig, zones: &[GuardZone]) -> Result<Rule, String> {
    let kind = rules::rule_kind(&r.kind).ok_or_else(|| {
        format!(
            "unknown rule {:?}; expected one of {}",
            r.kind,
            rules::RULE_NAMES
        )
    })?;
    let allowed = rules::allowed_keys(kind);
    if let Some(k) = rules::set_keys(r)
        .into_iter()
        .find(|k| !allowed.contains(k))
    {
        return Err(format!("`{k}` does not apply to rule `{}`", r.kind));
    }
    let zone_indices = rule_zones(kind, r, zones)?;
    let (classes, min_p, min_on_s, hold_s) = rules::class_and_timing_defaults(kind);
    let class_list = if r.classes.is_empty() {
        classes
    } else {
        &r.classes
    };
    let mut mask = [false; 4];
    class_list.iter().for_each(|c| mask[c.index()] = true);
    let level = r.level.unwrap_or(2);
    if level > 4 {
        return Err(format!("level must be 0 to 4, got {level}"));
    }
    Ok(Rule {
        kind,
        zones: zone_indices,
        classes: mask,
        min_class_p: probability("min_class_p", r.min_class_p.unwrap_or(min_p))?,
        level: ThreatLevel::new(level),
        min_on_s: non_negative("min_on_s", r.min_on_s.unwrap_or(min_on_s))?,
        hold_s: non_negative("hold_s", r.hold_s.unwrap_or(hold_s))?,
        escalate_after_s: r
            .escalate_after_s
            .map(|v| positive("escalate_after_s", v))
            .transpose()?,
        params: params(kind, r)?,
    })
}

fn rule_zones(kind: RuleKind, r: &RuleConfig, zones: &[GuardZone]) -> Result<Vec<usize>, String> {
    let zoned = matches!(
        kind,
        RuleKind::Entry
            | RuleKind::Loiter
            | RuleKind::PredictedEntry
            | RuleKind::Approach
            | RuleKind::NoRemoteId
    );
    let names_zones = !r.zones.is_empty() || !r.zone_kinds.is_empty();
    if !zoned && names_zones {
        return Err(format!("rule `{}` takes no zones", r.kind));
    }
    if !r.zones.is_empty() {
        return r
            .zones
            .iter()
            .map(|id| {
                zones
                    .iter()
                    .position(|z| z.id() == id)
                    .ok_or_else(|| format!("unknown zone {id:?}"))
            })
            .collect();
    }
    let kinds = if r.zone_kinds.is_empty() {
        rules::default_zone_kinds(kind)
    } else {
        &r.zone_kinds
    };
    Ok((0..zones.len())
        .filter(|&i| kinds.contains(&zones[i].zone.kind))
        .collect())
}

fn params(kind: RuleKind, r: &RuleConfig) -> Result<RuleParams, String> {
    let margin = || non_negative("exit_margin_m", r.exit_margin_m.unwrap_or(10.0));
    Ok(match kind {
        RuleKind::Entry => RuleParams::Entry {
            exit_margin_m: margin()?,
        },
        RuleKind::Loiter => RuleParams::Loiter {
            loiter_s: positive("loiter_s", r.loiter_s.unwrap_or(60.0))?,
            exit_margin_m: margin()?,
        },
        RuleKind::PredictedEntry => {
            let p = probability("probability", r.probability.unwrap_or(0.5))?;
            let exit_p = probability("exit_probability", r.exit_probability.unwrap_or(p * 0.4))?;
            if exit_p > p {
                return Err(format!(
                    "exit_probability {exit_p} is above probability {p}; the band would flap"
                ));
            }
            let horizon_s = positive("horizon_s", r.horizon_s.unwrap_or(30.0))?;
            let step_s = positive("step_s", r.step_s.unwrap_or(1.0))?;
            if horizon_s / step_s > 600.0 {
                return Err(format!(
                    "horizon_s / step_s is {:.0}; at most 600 sampled horizons",
                    horizon_s / step_s
                ));
            }
            RuleParams::PredictedEntry {
                horizon_s,
                step_s,
                probability: p,
                exit_probability: exit_p,
                urgent_s: non_negative("urgent_s", r.urgent_s.unwrap_or(horizon_s / 3.0))?,
            }
        }
        RuleKind::Approach => RuleParams::Approach {
            closing_mps: positive("closing_mps", r.closing_mps.unwrap_or(5.0))?,
            range_m: positive("range_m", r.range_m.unwrap_or(1000.0))?,
        },
        RuleKind::NoRemoteId => RuleParams::NoRemoteId,
        RuleKind::SpoofSuspected => RuleParams::SpoofSuspected(spoof_params(r)?),
        RuleKind::Unauthorized => RuleParams::Unauthorized {
            exit_margin_m: margin()?,
        },
    })
}

fn spoof_params(r: &RuleConfig) -> Result<SpoofParams, String> {
    let d = SpoofParams::default();
    let count = |name: &str, v: Option<u32>, default: u32| match v.unwrap_or(default) {
        0 => Err(format!("{name} must be at least 1")),
        n => Ok(n),
    };
    let (verify_pd, verify_pfa) = (
        r.verify_pd.unwrap_or(d.verify_pd),
        r.verify_pfa.unwrap_or(d.verify_pfa),
    );
    if !(verify_pfa > 0.0 && verify_pfa < verify_pd && verify_pd < 1.0) {
        return Err(format!(
            "verify_pfa and verify_pd must satisfy 0 < verify_pfa < verify_pd < 1, got {verify_pfa} and {verify_pd}"
        ));
    }
    Ok(SpoofParams {
        chi2_gate: positive("chi2_gate", r.chi2_gate.unwrap_or(d.chi2_gate))?,
        max_speed_mps: positive("max_speed_mps", r.max_speed_mps.unwrap_or(d.max_speed_mps))?,
        aircraft_max_speed_mps: positive(
            "aircraft_max_speed_mps",
            r.aircraft_max_speed_mps.unwrap_or(d.aircraft_max_speed_mps),
        )?,
        strikes: count("strikes", r.strikes, d.strikes)?,
        clean_to_clear: count("clean_to_clear", r.clean_to_clear, d.clean_to_clear)?,
        verify_range_m: non_negative(
            "verify_range_m",
            r.verify_range_m.unwrap_or(d.verify_range_m),
        )?,
        verify_strikes: count("verify_strikes", r.verify_strikes, d.verify_strikes)?,
        verify_pd,
        verify_pfa,
        min_separation_m: non_negative(
            "min_separation_m",
            r.min_separation_m.unwrap_or(d.min_separation_m),
        )?,
        floor_m: non_negative("floor_m", r.floor_m.unwrap_or(d.floor_m))?,
    })
}

fn authorization(a: &AuthorizedConfig, zone_ids: &[&str]) -> Result<Authorization, String> {
    let mut identities = Vec::new();
    if let Some(rid) = &a.rid {
        identities.push(Identity::RemoteId(non_empty("rid", rid)?));
    }
    if let Some(op) = &a.operator_id {
        identities.push(Identity::RemoteId(non_empty("operator_id", op)?));
    }
    if let Some(icao) = &a.icao {
        identities.push(Identity::Icao(parse_icao(icao)?));
    }
    let Some(first) = identities.first() else {
        return Err("whitelist entry has no identity: give `rid`, `operator_id` or `icao`".into());
    };
    let label = a.name.clone().unwrap_or_else(|| identity_label(first));
    let zones = a
        .zones
        .iter()
        .map(|id| {
            zone_ids
                .iter()
                .position(|z| z == id)
                .ok_or_else(|| format!("unknown zone {id:?}"))
        })
        .collect::<Result<_, _>>()?;
    let window = match (a.from_s, a.to_s) {
        (None, None) => None,
        (from, to) => Some(schedule::absolute(from, to)?),
    };
    Ok(Authorization {
        label,
        identities,
        zones,
        window,
        schedule: schedule::build_schedule(&a.schedule)?,
    })
}

fn non_empty(name: &str, s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err(format!("`{name}` is empty"))
    } else {
        Ok(s.to_owned())
    }
}

/// A 24-bit ICAO address from 6 hex digits.
pub fn parse_icao(s: &str) -> Result<u32, String> {
    match u32::from_str_radix(s, 16) {
        Ok(v) if s.len() == 6 => Ok(v),
        _ => Err(format!("icao {s:?} is not 6 hex digits")),
    }
}

/// How an identity is shown to operators: `RID 1596A...`, `ICAO 4840D6`.
pub fn identity_label(i: &Identity) -> String {
    match i {
        Identity::RemoteId(s) => format!("RID {s}"),
        Identity::Icao(v) => format!("ICAO {v:06X}"),
        Identity::SensorObject(s) => format!("object {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<GuardConfig, ConfigError> {
        GuardConfig::load(text, "site.toml")
    }

    const ZONE: &str = "[[zone]]\nid = \"hq\"\nkind = \"protected\"\ncircle = { x = 0.0, y = 0.0, r_m = 300.0 }\nceiling_m = 150.0\n";

    #[test]
    fn defaults_compile() {
        let c = load(ZONE).unwrap();
        let compiled = compile(&c, None).unwrap();
        assert_eq!(compiled.rules.len(), rules::default_rules().len());
        assert_eq!(
            compiled.rules[0].zones,
            vec![0],
            "entry watches the protected zone"
        );
    }

    #[test]
    fn refusals_name_section_and_reason() {
        let cases = [
            (
                "[[rule]]\nkind = \"entrance\"\n",
                "rule[0] \"entrance\"",
                "unknown rule",
            ),
            (
                "[[rule]]\nkind = \"entry\"\nloiter_s = 3.0\n",
                "rule[0] \"entry\"",
                "`loiter_s` does not apply",
            ),
            (
                "[[rule]]\nkind = \"entry\"\nzones = [\"nope\"]\n",
                "rule[0] \"entry\"",
                "unknown zone \"nope\"",
            ),
            (
                "[[authorized]]\nzones = [\"hq\"]\n",
                "authorized[0]",
                "no identity",
            ),
            (
                "[[authorized]]\nicao = \"XYZ\"\n",
                "authorized[0]",
                "6 hex digits",
            ),
            (
                "[[rule]]\nkind = \"predicted_entry\"\nprobability = 0.3\nexit_probability = 0.6\n",
                "rule[0] \"predicted_entry\"",
                "flap",
            ),
            ("[guard]\nstale_track_s = 0\n", "guard", "positive"),
        ];
        for (extra, section, reason) in cases {
            let e = load(&format!("{ZONE}{extra}")).unwrap_err();
            assert_eq!(e.section, section, "{extra}");
            assert!(e.reason.contains(reason), "{extra}: {e}");
        }
        let dup = load(&format!("{ZONE}{ZONE}")).unwrap_err();
        assert_eq!(dup.section, "zone[1] \"hq\"");
    }

    #[test]
    fn geojson_zone_validates_without_a_frame() {
        let text = r#"
            [[zone]]
            id = "bow"
            kind = "protected"
            ceiling_m = 100.0
            geojson = '{"type":"Polygon","coordinates":[[[44.0,36.0],[44.01,36.01],[44.01,36.0],[44.0,36.01],[44.0,36.0]]]}'
        "#;
        let e = load(text).unwrap_err();
        assert!(e.reason.contains("intersect"), "{e}");
        let ok = text.replace("[44.01,36.01],[44.01,36.0]", "[44.01,36.0],[44.01,36.01]");
        assert!(load(&ok).is_ok());
    }
}
