//! An RF direction finder: a bearing to each drone whose control or video link it hears,
//! within range; silent (autonomous) drones, birds and aircraft give nothing. Other emitters
//! give false bearings.

use super::generic::poisson;
use super::{Measurement, Scan, Shape, Source, wrap_tau};
use crate::config::RfConfig;
use crate::kin::{norm, sub};
use crate::motion::{gauss, uniform};
use crate::streams::SimRng;
use picket_core::Class;
use rand::Rng;
use rand::seq::SliceRandom;
use std::f64::consts::TAU;

/// An RF direction finder.
#[derive(Debug, Clone)]
pub struct DirectionFinder {
    /// Its configuration.
    pub config: RfConfig,
}

impl DirectionFinder {
    /// The sensor of `config`.
    pub fn new(config: &RfConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }

    /// One report cycle (see [`super::Model::scan`]).
    pub fn scan(
        &self,
        scan: Scan<'_>,
        measure: &mut [SimRng],
        own: &mut SimRng,
        out: &mut Vec<Measurement>,
    ) {
        let c = &self.config;
        let sigma_az_rad = c.sigma_az_deg.to_radians();
        let start = out.len();
        for target in scan.targets {
            let s = target.signature;
            if !(s.emitting && s.class == Some(Class::Drone)) {
                continue;
            }
            let d = sub(target.kin.pos, c.position_m);
            if norm(d) > c.max_range_m {
                continue;
            }
            let rng = &mut measure[target.index];
            if rng.random::<f64>() < c.pd {
                let az_rad = wrap_tau(d[0].atan2(d[1]) + sigma_az_rad * gauss(rng));
                out.push(bearing(
                    scan,
                    az_rad,
                    sigma_az_rad,
                    Source::Target(target.index),
                ));
            }
        }
        for _ in 0..poisson(own, c.clutter_rate) {
            let az_rad = uniform(own, [0.0, TAU]);
            out.push(bearing(scan, az_rad, sigma_az_rad, Source::Clutter));
        }
        out[start..].shuffle(own);
    }
}

fn bearing(scan: Scan<'_>, az_rad: f64, sigma_az_rad: f64, source: Source) -> Measurement {
    Measurement {
        t_us: scan.t_us,
        sensor: scan.sensor,
        shape: Shape::Bearing {
            az_rad,
            sigma_az_rad,
            el_rad: None,
        },
        radial_velocity: None,
        identity: None,
        class: None,
        source,
    }
}
