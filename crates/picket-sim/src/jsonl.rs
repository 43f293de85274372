//! Writing a simulation as a scenario file (`formats/scenario.md`): `meta`, `sensor`, `zone`
//! and `authorized` lines, then truth and detections in time order.

use crate::config::{RoleConfig, SensorConfig, ZoneConfig};
use crate::population::Target;
use crate::sensors::{Measurement, Shape};
use crate::{Event, Simulation, TruthState, us_to_seconds};
use picket_core::{Class, Identity};
use picket_scenario::{
    Authorized, Detection, FORMAT_VERSION, Ident, Meta, Origin, Record, Role, SensorRecord, Truth,
    WriteError, Writer, ZoneFootprint, ZoneRecord,
};
use std::collections::BTreeMap;
use std::io::Write;

/// Why writing a scenario failed.
#[derive(Debug, thiserror::Error)]
pub enum SimWriteError {
    /// The writer refused a record or the output failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Rounds to `decimals` places: millimetres and micro-degrees are far below any sensor's noise
/// and keep files small, as the harness's generator does.
fn round(value: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (value * k).round() / k
}

/// Degrees in [0, 360) rounded to 6 places (rounding can reach 360, which wraps to 0).
fn azimuth_deg(az_rad: f64) -> f64 {
    let a = round(az_rad.to_degrees().rem_euclid(360.0), 6);
    if a >= 360.0 { a - 360.0 } else { a }
}

/// Writes the whole run of `sim` into `out`, calling `progress` with the fraction done after
/// each tick.
pub fn write_jsonl<W: Write>(
    sim: &mut Simulation,
    out: W,
    mut progress: impl FnMut(f64),
) -> Result<W, SimWriteError> {
    let mut writer = Writer::new(out);
    for record in header(sim) {
        writer.write(&record)?;
    }
    let mut events = Vec::new();
    while sim.next_frame(&mut events) {
        for event in &events {
            let record = match event {
                Event::Truth(truth) => truth_record(truth, &sim.targets()[truth.target]),
                Event::Measurement(m) => detection_record(m, &sim.sensors()[m.sensor].id),
            };
            writer.write(&record)?;
        }
        progress(sim.progress());
    }
    Ok(writer.finish()?)
}

/// The lines before the first truth: meta, sensors, zones, authorizations.
pub fn header(sim: &Simulation) -> Vec<Record> {
    let config = sim.config();
    let mut records = vec![Record::Meta(Meta {
        version: FORMAT_VERSION,
        origin: config.origin.map(|o| Origin {
            lat: o.lat,
            lon: o.lon,
            alt_m: o.alt_m,
        }),
        seed: Some(sim.seed()),
        note: config.note.clone(),
    })];
    if config.write_sensors {
        for slot in sim.sensors() {
            let (kind, p) = sensor_kind(&slot.config);
            records.push(Record::Sensor(SensorRecord {
                id: slot.id.clone(),
                kind: kind.into(),
                x: p[0],
                y: p[1],
                z: p[2],
            }));
        }
    }
    for (id, zone) in &config.zones {
        records.push(Record::Zone(zone_record(id, zone)));
    }
    for (identity, zones) in sim.authorized() {
        let ident = ident(identity);
        records.push(Record::Authorized(Authorized {
            ident,
            zones: zones.clone(),
            from: None,
            to: None,
        }));
    }
    records
}

fn sensor_kind(config: &SensorConfig) -> (&'static str, [f64; 3]) {
    match config {
        SensorConfig::Generic(c) => ("generic", c.position_m),
        SensorConfig::Radar(c) => ("radar", c.position_m),
        SensorConfig::Rf(c) => ("rf", c.position_m),
        SensorConfig::Remoteid(c) => ("remoteid", c.position_m),
        SensorConfig::Adsb(c) => ("adsb", c.position_m),
        SensorConfig::Camera(c) => ("camera", c.position_m),
    }
}

fn zone_record(id: &str, zone: &ZoneConfig) -> ZoneRecord {
    let footprint = match (&zone.polygon, zone.circle) {
        (Some(polygon), _) => ZoneFootprint::Polygon(polygon.clone()),
        (None, Some([x, y, r_m])) => ZoneFootprint::Circle { x, y, r_m },
        // Validation guarantees one of the two; an empty polygon would be refused on write.
        (None, None) => ZoneFootprint::Polygon(Vec::new()),
    };
    ZoneRecord {
        id: id.to_owned(),
        kind: zone.kind.clone(),
        footprint,
        floor_m: zone.floor_m,
        ceiling_m: zone.ceiling_m,
    }
}

fn ident(identity: &Identity) -> Ident {
    match identity {
        Identity::Icao(address) => Ident::Icao(format!("{address:06X}")),
        Identity::RemoteId(serial) | Identity::SensorObject(serial) => Ident::Rid(serial.clone()),
    }
}

fn truth_record(truth: &TruthState, target: &Target) -> Record {
    let [x, y, z] = truth.kin.pos.map(|v| round(v, 3));
    let [vx, vy, vz] = truth.kin.vel.map(|v| round(v, 3));
    let role = target.role.map(|r| match r {
        RoleConfig::Hostile => Role::Hostile,
        RoleConfig::Authorized => Role::Authorized,
        RoleConfig::Neutral => Role::Neutral,
    });
    let signature = &target.signature;
    Record::Truth(Truth {
        t: us_to_seconds(truth.t_us),
        id: target.id.clone(),
        class: signature.class.map(|c| c.as_str().to_owned()),
        x,
        y,
        z,
        vx,
        vy,
        vz,
        role,
        ident: signature.identity.as_ref().map(ident),
        spoofed: signature.spoof_offset_m.is_some(),
    })
}

/// The file form of a measurement.
pub fn detection_record(m: &Measurement, sensor: &str) -> Record {
    let shape = match m.shape {
        Shape::Cartesian { pos_m, sigma_m } => {
            let [x, y, z] = pos_m.map(|v| round(v, 3));
            picket_scenario::Shape::Cartesian {
                x,
                y,
                z,
                sigma: sigma_m,
            }
        }
        Shape::Polar {
            range_m,
            az_rad,
            el_rad,
            sigma_range_m,
            sigma_az_rad,
            sigma_el_rad,
        } => picket_scenario::Shape::Polar {
            range_m: round(range_m, 3),
            az_deg: azimuth_deg(az_rad),
            el_deg: round(el_rad.to_degrees(), 6),
            sigma_range_m,
            sigma_az_deg: round(sigma_az_rad.to_degrees(), 9),
            sigma_el_deg: round(sigma_el_rad.to_degrees(), 9),
        },
        Shape::Bearing {
            az_rad,
            sigma_az_rad,
            el_rad,
        } => picket_scenario::Shape::Bearing {
            az_deg: azimuth_deg(az_rad),
            sigma_az_deg: round(sigma_az_rad.to_degrees(), 9),
            el_deg: el_rad.map(|(el, _)| round(el.to_degrees(), 6)),
            sigma_el_deg: el_rad.map(|(_, s)| round(s.to_degrees(), 9)),
        },
    };
    let class = m.class.map(|probs| {
        Class::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), round(probs.get(*c), 4)))
            .collect::<BTreeMap<_, _>>()
    });
    Record::Detection(Detection {
        t: us_to_seconds(m.t_us),
        sensor: sensor.to_owned(),
        shape,
        vr_mps: m.radial_velocity.map(|(v, _)| round(v, 3)),
        sigma_vr_mps: m.radial_velocity.map(|(_, s)| s),
        ident: m.identity.as_ref().map(ident),
        class,
    })
}
