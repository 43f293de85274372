//! Guard cost per track update: 1,000 tracks against 10 zones and the default rules.
//!
//! `cargo bench -p picket-guard --bench guard`; criterion prints the time per step of 1,000
//! track updates and the throughput in updates per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picket_core::{Geodetic, Site, Timestamp};
use picket_guard::{Guard, GuardConfig, testing};
use std::fmt::Write;
use std::hint::black_box;

/// Ten zones: three protected circles, three protected polygons, two warning rings' worth of
/// polygons, a perimeter and a corridor.
fn config() -> GuardConfig {
    let mut text = String::new();
    for i in 0..3 {
        let x = -2000.0 + 2000.0 * f64::from(i);
        let _ = writeln!(
            text,
            "[[zone]]\nid = \"asset-{i}\"\nkind = \"protected\"\ncircle = {{ x = {x}, y = 0.0, r_m = 250.0 }}\nceiling_m = 150.0\n"
        );
    }
    for i in 0..3 {
        let y = -2500.0 + 2500.0 * f64::from(i);
        let _ = writeln!(
            text,
            "[[zone]]\nid = \"yard-{i}\"\nkind = \"protected\"\npolygon = [[-300.0, {a}], [300.0, {a}], [400.0, {b}], [0.0, {c}], [-400.0, {b}]]\nceiling_m = 120.0\n",
            a = y - 200.0,
            b = y + 100.0,
            c = y + 300.0
        );
    }
    for i in 0..2 {
        let x = -3000.0 + 6000.0 * f64::from(i);
        let _ = writeln!(
            text,
            "[[zone]]\nid = \"warn-{i}\"\nkind = \"warning\"\npolygon = [[{x0}, -3000.0], [{x1}, -3000.0], [{x1}, 3000.0], [{x0}, 3000.0]]\nceiling_m = 300.0\n",
            x0 = x - 800.0,
            x1 = x + 800.0
        );
    }
    text.push_str("[[zone]]\nid = \"fence\"\nkind = \"perimeter\"\npolygon = [[-4000.0, -4000.0], [4000.0, -4000.0], [4000.0, 4000.0], [-4000.0, 4000.0]]\nceiling_m = 500.0\n\n");
    text.push_str("[[zone]]\nid = \"approach-27\"\nkind = \"corridor\"\npolygon = [[4000.0, -300.0], [12000.0, -600.0], [12000.0, 600.0], [4000.0, 300.0]]\nceiling_m = 1500.0\n");
    GuardConfig::load(&text, "bench.toml").expect("bench config")
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
