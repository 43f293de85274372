//! Criterion benchmarks of the tracker's hot paths: one predict + update (single model and
//! IMM), gating of a whole scan, and a full `step()` at 100, 1,000 and 10,000 targets with 10
//! clutter reports per scan. Targets are spread at the density of the Stone Soup `n1000` file
//! (1,000 in 10 km × 10 km), so the per-detection cost should stay flat as N grows.
//!
//! Run: `cargo bench -p picket-track --bench tracker`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use picket_core::{Enu, Geodetic, Measurement, Report, SensorKind, Site, Timestamp};
use picket_track::{
    Detection, Gaussian, GridGater, Hypothesiser, Imm, KalmanUpdater, MeasurementModel, Predictor,
    StateCovariance, StateVector, TrackerConfig, Updater, Vector3, model_of,
};
use std::hint::black_box;

/// SplitMix64 with a Box–Muller normal: deterministic inputs.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
}

/// `scans` 1 Hz scans of `n` straight-flying targets (Pd 0.9, σ 10 m) plus 10 clutter each.
fn scenario(n: usize, scans: usize) -> (Site, Vec<(Timestamp, Vec<Report>)>) {
    let mut site = Site::new("bench", Geodetic::new(51.0, 0.0, 0.0));
    let sensor = site.add_sensor("S0", SensorKind::Generic, Enu::default());
    let side_m = 10_000.0 * (n as f64 / 1000.0).sqrt();
    let mut rng = Rng(n as u64);
    let targets: Vec<[f64; 6]> = (0..n)
        .map(|_| {
            let heading = rng.uniform() * std::f64::consts::TAU;
            let speed = 5.0 + 35.0 * rng.uniform();
            [
                rng.uniform() * side_m,
                rng.uniform() * side_m,
                rng.uniform() * 500.0,
                speed * heading.cos(),
                speed * heading.sin(),
                0.0,
            ]
        })
        .collect();
    let out = (0..scans)
        .map(|k| {
            let t = Timestamp::from_secs(k as f64).unwrap();
            let mut reports = Vec::new();
            let mut push = |p: [f64; 3], rng: &mut Rng| {
                let at = Enu::new(
                    p[0] + 10.0 * rng.normal(),
                    p[1] + 10.0 * rng.normal(),
                    p[2] + 10.0 * rng.normal(),
                );
                reports.push(Report::new(sensor, t, Measurement::cartesian(at, 10.0)));
            };
            for s in &targets {
                if rng.uniform() < 0.9 {
                    let dt = k as f64;
                    push([s[0] + s[3] * dt, s[1] + s[4] * dt, s[2]], &mut rng);
                }
            }
            for _ in 0..10 {
                let p = [
                    rng.uniform() * side_m,
                    rng.uniform() * side_m,
                    rng.uniform() * 500.0,
                ];
                push(p, &mut rng);
            }
            (t, reports)
        })
        .collect();
    (site, out)
}

fn prior() -> Gaussian {
    let mut cov = StateCovariance::identity() * 50.0;
    for i in 3..6 {
        cov[(i, i)] = 4.0;
    }
    Gaussian::new(
        StateVector::from([100.0, 200.0, 50.0, 10.0, -5.0, 0.5]),
        cov,
    )
}

fn measurement() -> MeasurementModel {
    MeasurementModel::Cartesian {
        z: Vector3::new(112.0, 194.0, 51.0),
        noise: picket_track::Matrix3::identity() * 100.0,
    }
}

fn predict_update(c: &mut Criterion) {
    let cv = picket_track::ConstantVelocity::new(5.0);
    let imm = Imm::cv_and_turns(0.1, 4.0, 0.5, 0.05);
    let m = measurement();
    c.bench_function("predict_update/cv", |b| {
        b.iter(|| {
            let mut g = prior();
            cv.predict(&mut g, black_box(1.0));
            KalmanUpdater.update(&mut g, black_box(&m));
            g
        })
    });
    let start = imm.initiate(prior());
    c.bench_function("predict_update/imm3", |b| {
        b.iter(|| {
            let mut belief = start.clone();
            imm.predict(&mut belief, black_box(1.0));
            KalmanUpdater.update(&mut belief, black_box(&m));
            belief
        })
    });
}

fn gating(c: &mut Criterion) {
    for n in [100, 1000, 10_000] {
        let (site, scans) = scenario(n, 2);
        let sensor = site.sensors()[0].position;
        let tracks: Vec<Gaussian> = scans[0]
            .1
            .iter()
            .filter_map(|r| model_of(r, &sensor).ok()?.cartesian())
            .map(|(p, r)| {
                let mut g = prior();
                g.mean.fixed_rows_mut::<3>(0).copy_from(&p);
                g.cov.fixed_view_mut::<3, 3>(0, 0).copy_from(&r);
                g
            })
            .collect();
        let detections: Vec<Detection> = scans[1]
            .1
            .iter()
            .enumerate()
            .filter_map(|(k, r)| {
                model_of(r, &sensor)
                    .ok()
                    .map(|m| Detection::new(m, k as u32))
            })
            .collect();
        let mut gater = GridGater::new(200.0);
        let mut out = Vec::new();
        c.bench_function(&format!("gating/{n}"), |b| {
            b.iter(|| {
                gater.hypothesise(&tracks, &detections, &mut out);
                out.len()
            })
        });
    }
}

fn full_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group.sample_size(20);
    for n in [100, 1000, 10_000] {
        let (site, scans) = scenario(n, 12);
        for (name, cv) in [("imm", false), ("cv", true)] {
            // Warm up through 10 scans so the tracks are confirmed, then time scan 11.
            let config = TrackerConfig::default();
            let (t, reports) = &scans[11];
            if cv {
                let mut tracker = config.build_cv(&site);
                for (t, r) in &scans[..11] {
                    tracker.step(*t, r);
                }
                group.bench_function(format!("{name}/{n}"), |b| {
                    b.iter_batched(
                        || tracker.clone(),
                        |mut tr| {
                            tr.step(*t, reports);
                            tr
                        },
                        BatchSize::LargeInput,
                    )
                });
            } else {
                let mut tracker = config.build(&site);
                for (t, r) in &scans[..11] {
                    tracker.step(*t, r);
                }
                group.bench_function(format!("{name}/{n}"), |b| {
                    b.iter_batched(
                        || tracker.clone(),
                        |mut tr| {
                            tr.step(*t, reports);
                            tr
                        },
                        BatchSize::LargeInput,
                    )
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, predict_update, gating, full_step);
criterion_main!(benches);
