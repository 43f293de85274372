//! The Stone Soup harness's Cartesian sensor: each target detected with probability Pd,
//! isotropic Gaussian position noise, Poisson clutter uniform in a box, shuffled.

use super::{Measurement, Scan, Shape, Source};
use crate::config::GenericConfig;
use crate::motion::{gauss, uniform};
use crate::streams::SimRng;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Poisson};

/// A Cartesian sensor.
#[derive(Debug, Clone)]
pub struct Generic {
    /// Its configuration.
    pub config: GenericConfig,
}

impl Generic {
    /// The sensor of `config`.
    pub fn new(config: &GenericConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }

    /// One scan (see [`super::Model::scan`]).
    pub fn scan(
        &self,
        scan: Scan<'_>,
        measure: &mut [SimRng],
        own: &mut SimRng,
        out: &mut Vec<Measurement>,
    ) {
        let c = &self.config;
        let start = out.len();
        for target in scan.targets {
            let rng = &mut measure[target.index];
            let detected = rng.random::<f64>() < c.pd;
            let noise = [gauss(rng), gauss(rng), gauss(rng)];
            if detected {
                let pos_m = [0, 1, 2].map(|i| target.kin.pos[i] + c.sigma_m * noise[i]);
                out.push(cartesian(
                    scan,
                    pos_m,
                    c.sigma_m,
                    Source::Target(target.index),
                ));
            }
        }
        for _ in 0..poisson(own, c.clutter_rate) {
            let pos_m = [0, 1, 2].map(|i| uniform(own, [c.clutter_min_m[i], c.clutter_max_m[i]]));
            out.push(cartesian(scan, pos_m, c.sigma_m, Source::Clutter));
        }
        // Shuffled so the order of a scan's detections says nothing about their origin.
        out[start..].shuffle(own);
    }
}

fn cartesian(scan: Scan<'_>, pos_m: [f64; 3], sigma_m: f64, source: Source) -> Measurement {
    Measurement {
        t_us: scan.t_us,
        sensor: scan.sensor,
        shape: Shape::Cartesian { pos_m, sigma_m },
        radial_velocity: None,
        identity: None,
        class: None,
        source,
    }
}

/// A Poisson draw with mean `rate` (0 when the rate is not positive).
pub fn poisson(rng: &mut SimRng, rate: f64) -> u64 {
    match Poisson::new(rate) {
        // The sample is a non-negative whole number held in an f64.
        Ok(p) => p.sample(rng) as u64,
        Err(_) => 0,
    }
}
