//! The cost of a small step: one Remote ID position (a narrow step: only the tracks it can
//! reach are predicted) against one position from a scanning sensor (a wide step: every track
//! is predicted, gated and compared for duplicates), on pictures of 100, 1,000 and 10,000
//! confirmed tracks at the density of the Stone Soup `n1000` file.
//!
//! Run: `cargo bench -p picket-track --bench narrow`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use picket_core::{Enu, Geodetic, Identity, Measurement, Report, SensorKind, Site, Timestamp};
use picket_track::TrackerConfig;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn at(t: f64) -> Timestamp {
    Timestamp::from_secs(t).unwrap()
}

fn small_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("small step");
    group.sample_size(30);
    for n in [100, 1000, 10_000] {
        let mut site = Site::new("bench", Geodetic::new(51.0, 0.0, 0.0));
        let scanner = site.add_sensor("S0", SensorKind::Generic, Enu::default());
        let rid = site.add_sensor("R0", SensorKind::RemoteId, Enu::default());
        let side_m = 10_000.0 * (n as f64 / 1000.0).sqrt();
        let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
        let targets: Vec<[f64; 4]> = (0..n)
            .map(|_| {
                let heading = rng.random_range(0.0..std::f64::consts::TAU);
                let speed = rng.random_range(5.0..40.0);
                let (s, c) = heading.sin_cos();
                let x = rng.random_range(0.0..side_m);
                [x, rng.random_range(0.0..side_m), speed * c, speed * s]
            })
            .collect();
        let position = |k: usize, t: f64| {
            let p = targets[k];
            Enu::new(p[0] + p[2] * t, p[1] + p[3] * t, 100.0)
        };
        let mut tracker = TrackerConfig::default().build(&site);
        for scan in 0..6 {
            let t = scan as f64;
            let reports: Vec<Report> = (0..n)
                .map(|k| Report::new(scanner, at(t), Measurement::cartesian(position(k, t), 10.0)))
                .collect();
            tracker.step(at(t), &reports);
        }
        let t = 5.3;
        let mut broadcast = Report::new(rid, at(t), Measurement::cartesian(position(0, t), 5.0));
        broadcast.identity = Some(Identity::RemoteId("BENCH-0".into()));
        let plot = Report::new(scanner, at(t), Measurement::cartesian(position(0, t), 10.0));
        for (name, report) in [("remote id (narrow)", broadcast), ("scanner (wide)", plot)] {
            group.bench_function(format!("{name}/{n}"), |b| {
                b.iter_batched(
                    || tracker.clone(),
                    |mut tr| {
                        tr.step(at(t), std::slice::from_ref(&report));
                        tr
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, small_steps);
criterion_main!(benches);
