//! Checks a [`SimConfig`] before running it, naming the offending key.

use crate::config::*;

/// Most targets one run may create: bounds memory (each target holds a stream per sensor).
pub const MAX_TARGETS: usize = 1_000_000;
/// Longest run, seconds (a day).
pub const MAX_DURATION_S: f64 = 86_400.0;

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        path: path.into(),
        reason: reason.into(),
    }
}

fn positive(path: &str, v: f64) -> Result<(), ConfigError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(invalid(path, format!("must be a positive number, got {v}")))
    }
}

fn non_negative(path: &str, v: f64) -> Result<(), ConfigError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(invalid(path, format!("must be ≥ 0, got {v}")))
    }
}

fn probability(path: &str, v: f64) -> Result<(), ConfigError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(invalid(path, format!("must be in [0, 1], got {v}")))
    }
}

fn range(path: &str, r: Range) -> Result<(), ConfigError> {
    if r.iter().all(|v| v.is_finite()) && r[0] <= r[1] {
        Ok(())
    } else {
        Err(invalid(
            path,
            format!("must be [min, max] with min ≤ max, got {r:?}"),
        ))
    }
}

fn finite(path: &str, values: &[f64]) -> Result<(), ConfigError> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(invalid(path, "must be finite numbers"))
    }
}

/// Every check; the first failure is returned.
pub fn check(c: &SimConfig) -> Result<(), ConfigError> {
    positive("duration_s", c.duration_s)?;
    if c.duration_s > MAX_DURATION_S {
        return Err(invalid("duration_s", format!("at most {MAX_DURATION_S} s")));
    }
    positive("tick_s", c.tick_s)?;
    if c.tick_s < 1e-3 {
        return Err(invalid("tick_s", "at least 0.001 s"));
    }
    positive("truth.period_s", c.truth.period_s)?;
    non_negative("truth.offset_s", c.truth.offset_s)?;
    for id in &c.truth.at_scans_of {
        match c.sensors.get(id) {
            Some(SensorConfig::Remoteid(_) | SensorConfig::Adsb(_)) => {
                return Err(invalid(
                    "truth.at_scans_of",
                    format!("{id:?} is a receiver and has no scans"),
                ));
            }
            Some(_) => {}
            None => return Err(invalid("truth.at_scans_of", format!("no sensor {id:?}"))),
        }
    }
    if let Some(g) = &c.primary_group
        && !c.groups.contains_key(g)
    {
        return Err(invalid("primary_group", format!("no group {g:?}")));
    }
    for (id, s) in &c.sensors {
        check_sensor(&format!("sensors.{id}"), s)?;
    }
    let mut total = 0usize;
    for (name, g) in &c.groups {
        let path = format!("groups.{name}");
        total = total.saturating_add(check_group(&path, g, c)?);
    }
    if total > MAX_TARGETS {
        return Err(invalid(
            "groups",
            format!("{total} targets; at most {MAX_TARGETS}"),
        ));
    }
    for (id, z) in &c.zones {
        let path = format!("zones.{id}");
        if z.polygon.is_some() == z.circle.is_some() {
            return Err(invalid(path, "needs exactly one of `polygon` and `circle`"));
        }
        finite(&path, &[z.floor_m, z.ceiling_m])?;
    }
    Ok(())
}

fn schedule(path: &str, period_s: f64, offset_s: f64) -> Result<(), ConfigError> {
    positive(&format!("{path}.period_s"), period_s)?;
    non_negative(&format!("{path}.offset_s"), offset_s)
}

fn check_sensor(path: &str, s: &SensorConfig) -> Result<(), ConfigError> {
    let p = |key: &str| format!("{path}.{key}");
    match s {
        SensorConfig::Generic(g) => {
            schedule(path, g.period_s, g.offset_s)?;
            probability(&p("pd"), g.pd)?;
            positive(&p("sigma_m"), g.sigma_m)?;
            non_negative(&p("clutter_rate"), g.clutter_rate)?;
            finite(&p("position_m"), &g.position_m)?;
            for i in 0..3 {
                range(
                    &p("clutter_min_m/clutter_max_m"),
                    [g.clutter_min_m[i], g.clutter_max_m[i]],
                )?;
            }
        }
        SensorConfig::Radar(r) => {
            schedule(path, r.period_s, r.offset_s)?;
            finite(&p("position_m"), &r.position_m)?;
            range(
                &p("min_range_m/max_range_m"),
                [r.min_range_m, r.max_range_m],
            )?;
            positive(&p("max_range_m"), r.max_range_m)?;
            range(&p("el_min_deg/el_max_deg"), [r.el_min_deg, r.el_max_deg])?;
            for (key, v) in [
                ("sigma_range_m", r.sigma_range_m),
                ("sigma_az_deg", r.sigma_az_deg),
                ("sigma_el_deg", r.sigma_el_deg),
            ] {
                positive(&p(key), v)?;
            }
            non_negative(&p("sigma_vr_mps"), r.sigma_vr_mps)?;
            probability(&p("pd"), r.pd)?;
            if r.pd_model == PdModel::Swerling1 {
                if !(r.pfa > 0.0 && r.pfa < r.pd && r.pd < 1.0) {
                    return Err(invalid(p("pfa"), "swerling1 needs 0 < pfa < pd < 1"));
                }
                positive(&p("pd_ref_range_m"), r.pd_ref_range_m)?;
                positive(&p("pd_ref_rcs_m2"), r.pd_ref_rcs_m2)?;
            }
            non_negative(&p("clutter_rate"), r.clutter_rate)?;
            non_negative(&p("clutter_sigma_vr_mps"), r.clutter_sigma_vr_mps)?;
            non_negative(&p("range_resolution_m"), r.range_resolution_m)?;
            non_negative(&p("az_resolution_deg"), r.az_resolution_deg)?;
        }
        SensorConfig::Rf(r) => {
            schedule(path, r.period_s, r.offset_s)?;
            finite(&p("position_m"), &r.position_m)?;
            non_negative(&p("max_range_m"), r.max_range_m)?;
            probability(&p("pd"), r.pd)?;
            positive(&p("sigma_az_deg"), r.sigma_az_deg)?;
            non_negative(&p("clutter_rate"), r.clutter_rate)?;
        }
        SensorConfig::Remoteid(r) | SensorConfig::Adsb(r) => {
            finite(&p("position_m"), &r.position_m)?;
            non_negative(&p("max_range_m"), r.max_range_m)?;
            probability(&p("p_receive"), r.p_receive)?;
            positive(&p("sigma_m"), r.sigma_m)?;
        }
        SensorConfig::Camera(c) => {
            schedule(path, c.period_s, c.offset_s)?;
            finite(&p("position_m"), &c.position_m)?;
            range(&p("el_min_deg/el_max_deg"), [c.el_min_deg, c.el_max_deg])?;
            positive(&p("fov_h_deg"), c.fov_h_deg)?;
            non_negative(&p("range_per_span_m"), c.range_per_span_m)?;
            probability(&p("pd"), c.pd)?;
            probability(&p("accuracy"), c.accuracy)?;
            positive(&p("sigma_az_deg"), c.sigma_az_deg)?;
            positive(&p("sigma_el_deg"), c.sigma_el_deg)?;
        }
    }
    Ok(())
}

/// Checks a group and returns how many targets it makes.
fn check_group(path: &str, g: &GroupConfig, c: &SimConfig) -> Result<usize, ConfigError> {
    let p = |key: &str| format!("{path}.{key}");
    let zones = |list: &[String]| {
        list.iter()
            .find(|z| !c.zones.contains_key(*z))
            .map_or(Ok(()), |z| {
                Err(invalid(p("authorized_zones"), format!("no zone {z:?}")))
            })
    };
    match g {
        GroupConfig::Cruise(g) => {
            range(&p("speed_mps"), g.speed_mps)?;
            positive(&p("speed_mps"), g.speed_mps[1])?;
            range(&p("turn_deg_s"), g.turn_deg_s)?;
            range(&p("turn_s"), g.turn_s)?;
            for i in 0..3 {
                range(&p("box_min_m/box_max_m"), [g.box_min_m[i], g.box_max_m[i]])?;
            }
            if let Some(class) = &g.class {
                class
                    .parse::<picket_core::Class>()
                    .map_err(|e| invalid(p("class"), e.to_string()))?;
            }
            Ok(g.count)
        }
        GroupConfig::Drones(d) => {
            for (key, r) in [
                ("range_m", d.range_m),
                ("spawn_s", d.spawn_s),
                ("alt_m", d.alt_m),
                ("speed_mps", d.speed_mps),
                ("rcs_m2", d.rcs_m2),
                ("spoof_offset_m", d.spoof_offset_m),
            ] {
                range(&p(key), r)?;
            }
            positive(&p("speed_mps"), d.speed_mps[0])?;
            positive(&p("rcs_m2"), d.rcs_m2[0])?;
            probability(&p("emitting_fraction"), d.emitting_fraction)?;
            probability(&p("spoofed_fraction"), d.spoofed_fraction)?;
            if d.remote_id {
                positive(&p("rid_period_s"), d.rid_period_s)?;
            }
            zones(&d.authorized_zones)?;
            if let Some(other) = &d.clone_serials_of {
                match c.groups.get(other) {
                    Some(GroupConfig::Drones(o)) if o.remote_id && o.count > 0 => {}
                    _ => {
                        let reason =
                            format!("{other:?} is not a group of drones broadcasting Remote ID");
                        return Err(invalid(p("clone_serials_of"), reason));
                    }
                }
            }
            Ok(d.count)
        }
        GroupConfig::Swarm(s) => {
            for (key, r) in [
                ("range_m", s.range_m),
                ("spawn_s", s.spawn_s),
                ("alt_m", s.alt_m),
                ("speed_mps", s.speed_mps),
                ("split_after_s", s.split_after_s),
                ("rcs_m2", s.rcs_m2),
            ] {
                range(&p(key), r)?;
            }
            positive(&p("speed_mps"), s.speed_mps[0])?;
            positive(&p("rcs_m2"), s.rcs_m2[0])?;
            if s.destinations_m.is_empty() {
                return Err(invalid(
                    p("destinations_m"),
                    "needs at least one destination",
                ));
            }
            Ok(s.count)
        }
        GroupConfig::Birds(b) => {
            for (key, r) in [
                ("alt_m", b.alt_m),
                ("speed_mps", b.speed_mps),
                ("rcs_m2", b.rcs_m2),
            ] {
                range(&p(key), r)?;
            }
            positive(&p("rcs_m2"), b.rcs_m2[0])?;
            positive(&p("radius_m"), b.radius_m)?;
            if b.flock_size[0] > b.flock_size[1] || b.flock_size[1] > MAX_TARGETS {
                return Err(invalid(
                    p("flock_size"),
                    "must be [min, max] with min ≤ max",
                ));
            }
            non_negative(&p("split_mean_s"), b.split_mean_s)?;
            Ok(b.flocks
                .saturating_mul(b.flock_size[1])
                .saturating_add(b.singles))
        }
        GroupConfig::Aircraft(a) => {
            for (key, r) in [
                ("spawn_s", a.spawn_s),
                ("alt_m", a.alt_m),
                ("climb_mps", a.climb_mps),
                ("speed_mps", a.speed_mps),
                ("rcs_m2", a.rcs_m2),
            ] {
                range(&p(key), r)?;
            }
            positive(&p("speed_mps"), a.speed_mps[0])?;
            positive(&p("rcs_m2"), a.rcs_m2[0])?;
            non_negative(&p("adsb_period_s"), a.adsb_period_s)?;
            zones(&a.authorized_zones)?;
            Ok(a.count)
        }
    }
}
