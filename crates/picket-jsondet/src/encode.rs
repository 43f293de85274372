//! Writing detections: from picket [`Report`]s (for the simulator and outputs) to JSON text.

use crate::wire::{
    Bearing, Classes, Detection, Finite, Ident, Latitude, Likelihood, Local, Longitude, Pilot,
    Polar, Position, Sigma, Time, VelocityEnu,
};
use picket_core::{Class, Identity, Measurement, Report};

/// One detection as a single line of JSON (no trailing newline).
pub fn to_json(d: &Detection) -> String {
    serde_json::to_string(d).expect("detections always serialize")
}

/// Detections as NDJSON, one per line.
pub fn to_lines(ds: &[Detection]) -> String {
    ds.iter().map(|d| to_json(d) + "\n").collect()
}

/// The detection that describes `r`, attributed to the sensor named `sensor`.
///
/// A Cartesian covariance is written as its largest standard deviation (the format carries
/// one isotropic sigma), so only isotropic covariances round-trip exactly.
pub fn from_report(r: &Report, sensor: &str) -> Detection {
    let mut d = Detection {
        sensor: sensor.to_owned(),
        time: Time(r.time.as_secs()),
        position: None,
        local: None,
        polar: None,
        bearing: None,
        vr_mps: r.radial_velocity.map(|(v, _)| Finite(v)),
        sigma_vr_mps: r.radial_velocity.map(|(_, s)| Sigma(s)),
        velocity: r.velocity.map(|v| VelocityEnu {
            east_mps: Finite(v.vx),
            north_mps: Finite(v.vy),
            up_mps: Finite(v.vz),
            sigma_mps: Some(Sigma(v.sigma_mps)),
        }),
        ident: r.identity.as_ref().map(|i| match i {
            Identity::RemoteId(s) => Ident::Rid(s.clone()),
            Identity::Icao(a) => Ident::Icao(format!("{a:06x}")),
            Identity::SensorObject(s) => Ident::Object(s.clone()),
        }),
        class: r.class.map(|c| {
            let l = |class: Class| Some(Likelihood(c.get(class)));
            Classes {
                drone: l(Class::Drone),
                bird: l(Class::Bird),
                aircraft: l(Class::Aircraft),
                other: l(Class::Other),
            }
        }),
        pilot: r.pilot.map(|p| Pilot {
            lat: Latitude(p.lat_deg),
            lon: Longitude(p.lon_deg),
            alt_m: Finite(p.alt_m),
        }),
    };
    match r.measurement {
        Measurement::Geodetic {
            position,
            sigma_h_m,
            sigma_v_m,
        } => {
            d.position = Some(Position {
                lat: Latitude(position.lat_deg),
                lon: Longitude(position.lon_deg),
                alt_m: Finite(position.alt_m),
                sigma_h_m: Some(Sigma(sigma_h_m)),
                sigma_v_m: Some(Sigma(sigma_v_m)),
            });
        }
        Measurement::Position { position, cov_m2 } => {
            let var = cov_m2[0][0].max(cov_m2[1][1]).max(cov_m2[2][2]);
            d.local = Some(Local {
                x_m: Finite(position.x),
                y_m: Finite(position.y),
                z_m: Finite(position.z),
                sigma_m: Some(Sigma(var.sqrt())),
            });
        }
        Measurement::Polar {
            range_m,
            az_rad,
            el_rad,
            sigma_range_m,
            sigma_az_rad,
            sigma_el_rad,
        } => {
            d.polar = Some(Polar {
                range_m: crate::wire::NonNegative(range_m),
                az_deg: Finite(az_rad.to_degrees()),
                el_deg: Finite(el_rad.to_degrees()),
                sigma_range_m: Some(Sigma(sigma_range_m)),
                sigma_az_deg: Some(Sigma(sigma_az_rad.to_degrees())),
                sigma_el_deg: Some(Sigma(sigma_el_rad.to_degrees())),
            });
        }
        Measurement::Bearing {
            az_rad,
            sigma_az_rad,
            el,
        } => {
            d.bearing = Some(Bearing {
                az_deg: Finite(az_rad.to_degrees()),
                el_deg: el.map(|(e, _)| Finite(e.to_degrees())),
                sigma_az_deg: Some(Sigma(sigma_az_rad.to_degrees())),
                sigma_el_deg: el.map(|(_, s)| Sigma(s.to_degrees())),
            });
        }
    }
    d
}
