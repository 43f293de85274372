//! Conversion between file records (degrees, strings) and picket's vocabulary (SI, enums).

use crate::record::*;
use crate::validate::ValueError;
use picket_core::{
    AltitudeRef, Class, ClassProbs, Enu, Identity, Measurement, Report, SensorId, Timestamp, Track,
    Zone, ZoneKind, ZoneShape,
};
use std::collections::BTreeMap;

/// A zone record as a [`Zone`] (not yet validated).
pub fn zone(z: &ZoneRecord) -> Result<Zone, ValueError> {
    let kind = match z.kind.as_str() {
        "protected" => ZoneKind::Protected,
        "perimeter" => ZoneKind::Perimeter,
        "warning" => ZoneKind::Warning,
        "corridor" => ZoneKind::Corridor,
        "exclusion" => ZoneKind::Exclusion,
        other => {
            return Err(ValueError::Unknown {
                key: "kind",
                value: other.into(),
                expected: "protected, perimeter, warning, corridor, exclusion",
            });
        }
    };
    let shape = match &z.footprint {
        ZoneFootprint::Polygon(v) => ZoneShape::Polygon(v.clone()),
        ZoneFootprint::Circle { x, y, r_m } => ZoneShape::Circle {
            x: *x,
            y: *y,
            r_m: *r_m,
        },
    };
    Ok(Zone {
        id: z.id.clone(),
        kind,
        shape,
        floor_m: z.floor_m,
        ceiling_m: z.ceiling_m,
        altitude_ref: AltitudeRef::AboveGround,
    })
}

/// A zone as a file record.
pub fn zone_record(z: &Zone) -> ZoneRecord {
    let footprint = match &z.shape {
        ZoneShape::Polygon(v) => ZoneFootprint::Polygon(v.clone()),
        ZoneShape::Circle { x, y, r_m } => ZoneFootprint::Circle {
            x: *x,
            y: *y,
            r_m: *r_m,
        },
    };
    ZoneRecord {
        id: z.id.clone(),
        kind: z.kind.to_string(),
        footprint,
        floor_m: z.floor_m,
        ceiling_m: z.ceiling_m,
    }
}

/// A file identity as a core [`Identity`]; `None` for an ICAO address that is not 24-bit hex.
pub fn identity(i: &Ident) -> Option<Identity> {
    match i {
        Ident::Rid(s) => Some(Identity::RemoteId(s.clone())),
        Ident::Icao(s) => u32::from_str_radix(s, 16)
            .ok()
            .filter(|v| *v <= 0xFF_FFFF)
            .map(Identity::Icao),
    }
}

/// A core identity as a file identity (sensor-local object ids have no file form).
pub fn ident(i: &Identity) -> Option<Ident> {
    match i {
        Identity::RemoteId(s) => Some(Ident::Rid(s.clone())),
        Identity::Icao(v) => Some(Ident::Icao(format!("{v:06X}"))),
        Identity::SensorObject(_) => None,
    }
}

/// Class likelihoods from a file map; absent classes get 0.
pub fn class_probs(map: &BTreeMap<String, f64>) -> ClassProbs {
    let mut p = ClassProbs([0.0; 4]);
    for (name, v) in map {
        if let Ok(c) = name.parse::<Class>() {
            p.set(c, *v);
        }
    }
    p
}

/// Class probabilities as a file map.
pub fn class_map(p: &ClassProbs) -> BTreeMap<String, f64> {
    Class::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), p.get(*c)))
        .collect()
}

/// A detection as a [`Report`] from `sensor`; angles become radians.
pub fn report(d: &Detection, sensor: SensorId) -> Report {
    let measurement = match d.shape {
        Shape::Cartesian { x, y, z, sigma } => Measurement::cartesian(Enu::new(x, y, z), sigma),
        Shape::Polar {
            range_m,
            az_deg,
            el_deg,
            sigma_range_m,
            sigma_az_deg,
            sigma_el_deg,
        } => Measurement::Polar {
            range_m,
            az_rad: az_deg.to_radians(),
            el_rad: el_deg.to_radians(),
            sigma_range_m,
            sigma_az_rad: sigma_az_deg.to_radians(),
            sigma_el_rad: sigma_el_deg.to_radians(),
        },
        Shape::Bearing {
            az_deg,
            sigma_az_deg,
            el_deg,
            sigma_el_deg,
        } => Measurement::Bearing {
            az_rad: az_deg.to_radians(),
            sigma_az_rad: sigma_az_deg.to_radians(),
            el: el_deg
                .zip(sigma_el_deg)
                .map(|(e, s)| (e.to_radians(), s.to_radians())),
        },
    };
    // The reader guarantees a finite t.
    let time = Timestamp::from_secs(d.t).unwrap_or(Timestamp::ZERO);
    let mut r = Report::new(sensor, time, measurement);
    r.radial_velocity = d.vr_mps.zip(d.sigma_vr_mps);
    r.identity = d.ident.as_ref().and_then(identity);
    r.class = d.class.as_ref().map(class_probs);
    r
}

/// A track as a file record at time `t` (pass the detection time exactly, so scorers can match
/// it bit for bit). `id` is the track's display id.
pub fn track_record(t: f64, track: &Track, with_cov: bool) -> TrackRecord {
    let (best, _) = track.class.best();
    TrackRecord {
        t,
        id: track.id.to_string(),
        x: track.position.x,
        y: track.position.y,
        z: track.position.z,
        vx: track.velocity.x,
        vy: track.velocity.y,
        vz: track.velocity.z,
        confirmed: track.status.is_confirmed(),
        class: Some(best.as_str().to_owned()),
        p_class: Some(class_map(&track.class)),
        ident: track.identity.as_ref().and_then(ident),
        cov: with_cov.then(|| track.cov.iter().flatten().copied().collect()),
    }
}
