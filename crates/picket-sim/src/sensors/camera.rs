//! An EO/IR camera: accurate bearing and elevation of what is inside its field of view and
//! close enough to resolve (range grows with the target's size), with class likelihoods from
//! a confusion model whose accuracy falls to chance at the edge of range.

use super::{Measurement, Scan, Shape, Source, wrap_tau};
use crate::config::CameraConfig;
use crate::kin::{norm, sub};
use crate::motion::gauss;
use crate::streams::SimRng;
use picket_core::{Class, ClassProbs};
use rand::Rng;
use rand::seq::SliceRandom;
use std::f64::consts::{PI, TAU};

/// An EO/IR camera.
#[derive(Debug, Clone)]
pub struct Camera {
    /// Its configuration.
    pub config: CameraConfig,
}

impl Camera {
    /// The camera of `config`.
    pub fn new(config: &CameraConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }

    fn in_view(&self, az_rad: f64, el_rad: f64) -> bool {
        let c = &self.config;
        let off = ((az_rad - c.az_center_deg.to_radians() + PI).rem_euclid(TAU) - PI).abs();
        (c.fov_h_deg >= 360.0 || off <= 0.5 * c.fov_h_deg.to_radians())
            && (c.el_min_deg.to_radians()..=c.el_max_deg.to_radians()).contains(&el_rad)
    }

    /// The confusion matrix at `range_fraction` of the range limit: row = true class,
    /// column = label given.
    pub fn confusion(&self, range_fraction: f64) -> [[f64; 4]; 4] {
        let near_right = self.config.accuracy;
        let near_wrong = (1.0 - near_right) / 3.0;
        let w = range_fraction.clamp(0.0, 1.0);
        let mut m = [[0.0; 4]; 4];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                let near = if i == j { near_right } else { near_wrong };
                *cell = (1.0 - w) * near + w * 0.25;
            }
        }
        m
    }

    /// One frame (see [`super::Model::scan`]).
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
            let d = sub(target.kin.pos, c.position_m);
            let range_m = norm(d);
            let max_range_m = c.range_per_span_m * target.signature.span_m;
            let az_rad = d[0].atan2(d[1]);
            let el_rad = d[2].atan2(d[0].hypot(d[1]));
            if range_m > max_range_m || !self.in_view(az_rad, el_rad) {
                continue;
            }
            let rng = &mut measure[target.index];
            if rng.random::<f64>() >= c.pd {
                continue;
            }
            let truth = target.signature.class.unwrap_or(Class::Other);
            let confusion = self.confusion(range_m / max_range_m);
            let label = draw_label(&confusion[truth.index()], rng);
            // The likelihood of the label given each true class is that label's column.
            let likelihood = ClassProbs([0, 1, 2, 3].map(|i| confusion[i][label]));
            let (sa, se) = (c.sigma_az_deg.to_radians(), c.sigma_el_deg.to_radians());
            out.push(Measurement {
                t_us: scan.t_us,
                sensor: scan.sensor,
                shape: Shape::Bearing {
                    az_rad: wrap_tau(az_rad + sa * gauss(rng)),
                    sigma_az_rad: sa,
                    el_rad: Some((el_rad + se * gauss(rng), se)),
                },
                radial_velocity: None,
                identity: None,
                class: Some(likelihood),
                source: Source::Target(target.index),
            });
        }
        out[start..].shuffle(own);
    }
}

fn draw_label(row: &[f64; 4], rng: &mut SimRng) -> usize {
    let mut u = rng.random::<f64>() * row.iter().sum::<f64>();
    for (j, p) in row.iter().enumerate() {
        if u < *p {
            return j;
        }
        u -= p;
    }
    3
}
