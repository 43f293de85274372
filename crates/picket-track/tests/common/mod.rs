//! A tiny deterministic scenario generator and GOSPA scorer for the tracker's tests.
//!
//! Targets fly like the Stone Soup harness's (`shared/bench`): nearly constant velocity with
//! coordinated turns now and then, detected with probability `pd`, plus uniform clutter. The
//! random numbers come from SplitMix64 so a seed replays a run exactly.

#![allow(dead_code)]

use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use picket_core::{Enu, Geodetic, Measurement, Report, SensorId, SensorKind, Site, Timestamp};

/// SplitMix64 with a Box–Muller normal.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    pub fn poisson(&mut self, mean: f64) -> usize {
        let limit = (-mean).exp();
        let mut k = 0;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }
}

/// Scenario parameters.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub seed: u64,
    pub targets: usize,
    pub scans: usize,
    pub box_m: f64,
    pub pd: f64,
    pub clutter: f64,
    pub sigma_m: f64,
    /// Polar radar at the origin instead of a Cartesian sensor.
    pub radar: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            seed: 1,
            targets: 10,
            scans: 30,
            box_m: 5_000.0,
            pd: 0.9,
            clutter: 5.0,
            sigma_m: 10.0,
            radar: false,
        }
    }
}

/// One scan: its time, the truth positions and the reports.
pub struct Scan {
    pub time: Timestamp,
    pub truth: Vec<[f64; 3]>,
    pub reports: Vec<Report>,
}

pub struct Scenario {
    pub site: Site,
    pub scans: Vec<Scan>,
}

struct Target {
    p: [f64; 3],
    v: [f64; 3],
    turn_rad_s: f64,
    turn_left_s: f64,
}

fn measure(rng: &mut Rng, p: &Params, sensor: SensorId, time: Timestamp, at: [f64; 3]) -> Report {
    let m = if p.radar {
        let (range, az, el) =
            picket_core::enu_to_polar(&Enu::new(0.0, 0.0, 10.0), &Enu::new(at[0], at[1], at[2]));
        let (sr, sa, se) = (5.0, 0.5f64.to_radians(), 0.8f64.to_radians());
        Measurement::Polar {
            range_m: range + sr * rng.normal(),
            az_rad: (az + sa * rng.normal()).rem_euclid(std::f64::consts::TAU),
            el_rad: el + se * rng.normal(),
            sigma_range_m: sr,
            sigma_az_rad: sa,
            sigma_el_rad: se,
        }
    } else {
        let n = [rng.normal(), rng.normal(), rng.normal()];
        Measurement::cartesian(
            Enu::new(
                at[0] + p.sigma_m * n[0],
                at[1] + p.sigma_m * n[1],
                at[2] + p.sigma_m * n[2],
            ),
            p.sigma_m,
        )
    };
    Report::new(sensor, time, m)
}

/// Generates a scenario: 1 Hz scans, all targets alive throughout.
pub fn generate(p: &Params) -> Scenario {
    let mut rng = Rng::new(p.seed);
    let mut site = Site::new("test", Geodetic::new(51.0, 0.0, 0.0));
    let (kind, at) = if p.radar {
        (SensorKind::Radar, Enu::new(0.0, 0.0, 10.0))
    } else {
        (SensorKind::Generic, Enu::default())
    };
    let sensor = site.add_sensor("S0", kind, at);
    let half = p.box_m / 2.0;
    let mut targets: Vec<Target> = (0..p.targets)
        .map(|_| {
            let speed = rng.range(5.0, 40.0);
            let heading = rng.range(0.0, std::f64::consts::TAU);
            Target {
                p: [
                    rng.range(-half, half),
                    rng.range(-half, half),
                    rng.range(50.0, 500.0),
                ],
                v: [
                    speed * heading.cos(),
                    speed * heading.sin(),
                    rng.range(-3.0, 3.0),
                ],
                turn_rad_s: 0.0,
                turn_left_s: 0.0,
            }
        })
        .collect();
    let mut scans = Vec::with_capacity(p.scans);
    for k in 0..p.scans {
        let time = Timestamp::from_secs(k as f64).unwrap();
        if k > 0 {
            for t in &mut targets {
                step_target(&mut rng, t);
            }
        }
        let truth: Vec<[f64; 3]> = targets.iter().map(|t| t.p).collect();
        let mut reports = Vec::new();
        for at in &truth {
            if rng.uniform() < p.pd {
                reports.push(measure(&mut rng, p, sensor, time, *at));
            }
        }
        for _ in 0..rng.poisson(p.clutter) {
            let at = [
                rng.range(-half, half),
                rng.range(-half, half),
                rng.range(0.0, 500.0),
            ];
            reports.push(measure(&mut rng, p, sensor, time, at));
        }
        scans.push(Scan {
            time,
            truth,
            reports,
        });
    }
    Scenario { site, scans }
}

fn step_target(rng: &mut Rng, t: &mut Target) {
    if t.turn_left_s <= 0.0 && rng.uniform() < 1.0 / 30.0 {
        let sign = if rng.uniform() < 0.5 { -1.0 } else { 1.0 };
        t.turn_rad_s = sign * rng.range(2.0, 6.0).to_radians();
        t.turn_left_s = rng.range(5.0, 20.0);
    }
    let w = if t.turn_left_s > 0.0 {
        t.turn_rad_s
    } else {
        0.0
    };
    t.turn_left_s -= 1.0;
    let (s, c) = w.sin_cos();
    let (vx, vy) = (t.v[0] * c - t.v[1] * s, t.v[0] * s + t.v[1] * c);
    t.v[0] = vx + 0.3 * rng.normal();
    t.v[1] = vy + 0.3 * rng.normal();
    t.v[2] = (t.v[2] + 0.1 * rng.normal()).clamp(-3.0, 3.0);
    for i in 0..3 {
        t.p[i] += t.v[i];
    }
    if t.p[2] < 0.0 || t.p[2] > 500.0 {
        t.v[2] = -t.v[2];
        t.p[2] = t.p[2].clamp(0.0, 500.0);
    }
}

/// GOSPA (c, p = 1, α = 2) of `estimates` against `truth`.
pub fn gospa(estimates: &[[f64; 3]], truth: &[[f64; 3]], c: f64) -> f64 {
    let (small, large) = if estimates.len() <= truth.len() {
        (estimates, truth)
    } else {
        (truth, estimates)
    };
    if small.is_empty() {
        return c / 2.0 * large.len() as f64;
    }
    let dist = |a: &[f64; 3], b: &[f64; 3]| {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2))
            .sqrt()
            .min(c)
    };
    let weights = Matrix::from_fn(small.len(), large.len(), |(i, j)| {
        (dist(&small[i], &large[j]) * 1e6) as i64
    });
    let (_, cols) = kuhn_munkres_min(&weights);
    let mut total = 0.0;
    let mut paired = 0;
    for (i, &j) in cols.iter().enumerate() {
        let d = dist(&small[i], &large[j]);
        if d < c {
            total += d;
            paired += 1;
        }
    }
    total + c / 2.0 * (small.len() + large.len() - 2 * paired) as f64
}
