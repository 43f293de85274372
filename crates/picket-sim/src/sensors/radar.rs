//! A scanning 3-D radar: range, azimuth, elevation and radial velocity with Gaussian noise,
//! coverage limits, a detection probability that falls with range and target size
//! (Swerling I), unresolved targets merging into one plot, and Poisson clutter per scan.

use super::generic::poisson;
use super::{Measurement, Scan, Shape, Source, wrap_tau};
use crate::config::{PdModel, RadarConfig};
use crate::kin::{dot, sub};
use crate::motion::{gauss, uniform};
use crate::streams::SimRng;
use picket_core::{Enu, enu_to_polar};
use rand::Rng;
use rand::seq::SliceRandom;
use std::f64::consts::{PI, TAU};

/// A radar.
#[derive(Debug, Clone)]
pub struct Radar {
    /// Its configuration.
    pub config: RadarConfig,
    /// SNR of the reference target at the reference range (Swerling I calibration).
    snr_ref: f64,
}

/// A target's true polar position seen by the radar, before noise.
#[derive(Debug, Clone, Copy)]
struct Plot {
    range_m: f64,
    az_rad: f64,
    el_rad: f64,
    vr_mps: f64,
    index: usize,
}

impl Radar {
    /// The radar of `config`.
    pub fn new(config: &RadarConfig) -> Self {
        // Pd = Pfa^(1/(1+SNR)) solved for the SNR that gives `pd` on the reference target.
        let snr_ref = (config.pfa.ln() / config.pd.ln() - 1.0).max(0.0);
        Self {
            config: config.clone(),
            snr_ref,
        }
    }

    /// Detection probability of a target of `rcs_m2` at `range_m` (inside coverage).
    pub fn pd(&self, range_m: f64, rcs_m2: f64) -> f64 {
        let c = &self.config;
        match c.pd_model {
            PdModel::Constant => c.pd,
            PdModel::Swerling1 => {
                let snr = self.snr_ref
                    * (rcs_m2 / c.pd_ref_rcs_m2)
                    * (c.pd_ref_range_m / range_m).powi(4);
                c.pfa.powf(1.0 / (1.0 + snr))
            }
        }
    }

    fn covers(&self, range_m: f64, el_rad: f64) -> bool {
        let c = &self.config;
        (c.min_range_m..=c.max_range_m).contains(&range_m)
            && (c.el_min_deg.to_radians()..=c.el_max_deg.to_radians()).contains(&el_rad)
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
        let site = Enu::new(c.position_m[0], c.position_m[1], c.position_m[2]);
        let mut plots = Vec::new();
        for target in scan.targets {
            let p = target.kin.pos;
            let (range_m, az_rad, el_rad) = enu_to_polar(&site, &Enu::new(p[0], p[1], p[2]));
            if !self.covers(range_m, el_rad) {
                continue;
            }
            let pd = self.pd(range_m, target.signature.rcs_m2);
            if measure[target.index].random::<f64>() < pd {
                let los = sub(p, c.position_m);
                let vr_mps = dot(target.kin.vel, los) / range_m.max(1e-9);
                plots.push(Plot {
                    range_m,
                    az_rad,
                    el_rad,
                    vr_mps,
                    index: target.index,
                });
            }
        }
        let start = out.len();
        for plot in self.merge_unresolved(plots) {
            let rng = &mut measure[plot.index];
            out.push(self.measured(scan, plot, rng, Source::Target(plot.index)));
        }
        for _ in 0..poisson(own, c.clutter_rate) {
            let plot = Plot {
                range_m: uniform(own, [c.min_range_m, c.max_range_m]),
                az_rad: uniform(own, [0.0, TAU]),
                el_rad: uniform(own, [c.el_min_deg, c.el_max_deg]).to_radians(),
                vr_mps: c.clutter_sigma_vr_mps * gauss(own),
                index: usize::MAX,
            };
            // Clutter positions are already random: no measurement noise on top.
            out.push(self.plot_measurement(scan, plot, Source::Clutter));
        }
        out[start..].shuffle(own);
    }

    /// A target plot with measurement noise.
    fn measured(
        &self,
        scan: Scan<'_>,
        plot: Plot,
        rng: &mut SimRng,
        source: Source,
    ) -> Measurement {
        let c = &self.config;
        let noisy = Plot {
            range_m: (plot.range_m + c.sigma_range_m * gauss(rng)).max(0.0),
            az_rad: plot.az_rad + c.sigma_az_deg.to_radians() * gauss(rng),
            el_rad: plot.el_rad + c.sigma_el_deg.to_radians() * gauss(rng),
            vr_mps: plot.vr_mps + c.sigma_vr_mps * gauss(rng),
            index: plot.index,
        };
        self.plot_measurement(scan, noisy, source)
    }

    fn plot_measurement(&self, scan: Scan<'_>, plot: Plot, source: Source) -> Measurement {
        let c = &self.config;
        Measurement {
            t_us: scan.t_us,
            sensor: scan.sensor,
            shape: Shape::Polar {
                range_m: plot.range_m,
                az_rad: wrap_tau(plot.az_rad),
                el_rad: plot.el_rad,
                sigma_range_m: c.sigma_range_m,
                sigma_az_rad: c.sigma_az_deg.to_radians(),
                sigma_el_rad: c.sigma_el_deg.to_radians(),
            },
            radial_velocity: (c.sigma_vr_mps > 0.0).then_some((plot.vr_mps, c.sigma_vr_mps)),
            identity: None,
            class: None,
            source,
        }
    }

    /// Plots closer than one resolution cell (range and azimuth) become one plot at their
    /// mean, attributed to the first: a real radar cannot split them, which is what makes
    /// swarms and flocks hard.
    fn merge_unresolved(&self, mut plots: Vec<Plot>) -> Vec<Plot> {
        let c = &self.config;
        if c.range_resolution_m <= 0.0 || plots.len() < 2 {
            return plots;
        }
        plots.sort_by(|a, b| a.range_m.total_cmp(&b.range_m).then(a.index.cmp(&b.index)));
        let az_res = c.az_resolution_deg.to_radians();
        let mut merged: Vec<(Plot, usize)> = Vec::with_capacity(plots.len());
        for plot in plots {
            let cell = merged
                .iter_mut()
                .rev()
                .take_while(|(m, _)| plot.range_m - m.range_m < c.range_resolution_m)
                .find(|(m, _)| ((plot.az_rad - m.az_rad + PI).rem_euclid(TAU) - PI).abs() < az_res);
            match cell {
                Some((m, n)) => {
                    // Running mean; the azimuth difference is small, so no wrap issue.
                    let k = *n as f64;
                    let d_az = (plot.az_rad - m.az_rad + PI).rem_euclid(TAU) - PI;
                    m.range_m = (m.range_m * k + plot.range_m) / (k + 1.0);
                    m.az_rad += d_az / (k + 1.0);
                    m.el_rad = (m.el_rad * k + plot.el_rad) / (k + 1.0);
                    m.vr_mps = (m.vr_mps * k + plot.vr_mps) / (k + 1.0);
                    *n += 1;
                }
                None => merged.push((plot, 1)),
            }
        }
        merged.into_iter().map(|(p, _)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn targets_in_one_resolution_cell_make_one_plot() {
        let mut config = presets::site_radar();
        config.pd_model = PdModel::Constant;
        config.pd = 1.0;
        config.clutter_rate = 0.0;
        let radar = Radar::new(&config);
        let signature = crate::sensors::Signature {
            rcs_m2: 0.01,
            ..Default::default()
        };
        let at = |index: usize, pos: [f64; 3]| crate::sensors::Seen {
            index,
            kin: crate::kin::Kinematics { pos, vel: [0.0; 3] },
            signature: &signature,
        };
        // Two drones 5 m apart at 2 km merge; a third 200 m further out stays apart.
        let targets = [
            at(0, [0.0, 2000.0, 50.0]),
            at(1, [5.0, 2003.0, 50.0]),
            at(2, [0.0, 2200.0, 50.0]),
        ];
        let mut measure: Vec<SimRng> = (0..3)
            .map(|i| crate::streams::stream(1, crate::streams::Purpose::Measure, 0, i))
            .collect();
        let mut own = crate::streams::stream(1, crate::streams::Purpose::Sensor, 0, 0);
        let mut out = Vec::new();
        let scan = Scan {
            t_us: 0,
            sensor: 0,
            targets: &targets,
        };
        radar.scan(scan, &mut measure, &mut own, &mut out);
        let mut sources: Vec<Source> = out.iter().map(|m| m.source).collect();
        sources.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(sources, vec![Source::Target(0), Source::Target(2)]);
    }

    #[test]
    fn swerling_pd_is_calibrated_and_falls_with_range_and_size() {
        let config = presets::site_radar();
        let radar = Radar::new(&config);
        let at_ref = radar.pd(config.pd_ref_range_m, config.pd_ref_rcs_m2);
        assert!((at_ref - config.pd).abs() < 1e-12, "{at_ref}");
        assert!(radar.pd(2.0 * config.pd_ref_range_m, config.pd_ref_rcs_m2) < at_ref);
        assert!(radar.pd(config.pd_ref_range_m, 0.1 * config.pd_ref_rcs_m2) < at_ref);
        assert!(radar.pd(0.5 * config.pd_ref_range_m, config.pd_ref_rcs_m2) > at_ref);
    }
}
