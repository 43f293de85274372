//! Guard cost per track update: 1,000 tracks against 10 zones and the default rules.
//!
//! `cargo bench -p picket-guard --bench guard`; criterion prints the time per step of 1,000
//! track updates and the throughput in updates per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picket_core::{Geodetic, Site, Timestamp};
use picket_guard::{Guard, GuardConfig, testing};
use std::hint::black_box;

fn config() -> GuardConfig {
    GuardConfig::load(include_str!("site.toml"), "benches/site.toml").expect("bench config")
}

fn tracks(n: u64) -> Vec<picket_core::Track> {
    // A fixed linear congruential sequence: the same tracks on every run.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|id| {
            let p = [
                next() * 10_000.0 - 5000.0,
                next() * 10_000.0 - 5000.0,
                next() * 200.0,
            ];
            let v = [next() * 30.0 - 15.0, next() * 30.0 - 15.0, 0.0];
            testing::track(id + 1, 0.0, p, v)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let site = Site::new("bench", Geodetic::new(51.47, -0.45, 25.0));
    let config = config();
    let updates = tracks(1000);
    let mut group = c.benchmark_group("guard");
    group.throughput(Throughput::Elements(updates.len() as u64));
    let mut guard = Guard::new(&config, &site).expect("guard");
    // Warm: open the alerts that the steady state keeps open.
    guard.step(Timestamp::ZERO, &updates, &[]);
    group.bench_function("step_1000_tracks_10_zones", |b| {
        b.iter(|| black_box(guard.step(Timestamp::ZERO, black_box(&updates), &[])))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
