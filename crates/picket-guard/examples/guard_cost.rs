//! CPU cost of the guard per track update, for `perf stat` or `time` on a busy machine where
//! criterion's wall-clock figures are inflated by other processes:
//!
//! ```text
//! cargo build --release -p picket-guard --example guard_cost
//! perf stat -e task-clock target/release/examples/guard_cost 2000
//! ```
//!
//! Runs N steps (default 1000) of the 1,000-track, 10-zone site of `benches/guard.rs` and
//! prints the events per step; divide task-clock by N × 1000 for the cost per update.

use picket_core::{Geodetic, Site, Timestamp};
use picket_guard::{Guard, GuardConfig, testing};
use std::hint::black_box;

fn main() {
    let steps: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let site = Site::new("cost", Geodetic::new(51.47, -0.45, 25.0));
    let text = include_str!("../benches/site.toml");
    let config = GuardConfig::load(text, "site.toml").expect("config");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut tracks: Vec<_> = (0..1000)
        .map(|id| {
            let p = [
                next() * 10_000.0 - 5000.0,
                next() * 10_000.0 - 5000.0,
                next() * 200.0,
            ];
            let v = [next() * 30.0 - 15.0, next() * 30.0 - 15.0, 0.0];
            testing::track(id + 1, 0.0, p, v)
        })
        .collect();
    let mut guard = Guard::new(&config, &site).expect("guard");
    let mut events = 0usize;
    let start = std::time::Instant::now();
    for k in 0..steps {
        let time = Timestamp::from_secs(f64::from(k)).expect("finite");
        for t in &mut tracks {
            t.time = time;
            t.position.x += t.velocity.x;
            t.position.y += t.velocity.y;
        }
        events += black_box(guard.step(time, &tracks, &[])).len();
    }
    let wall_s = start.elapsed().as_secs_f64();
    println!(
        "{steps} steps x {} tracks: {events} events, wall {:.3} us per track update",
        tracks.len(),
        wall_s * 1e6 / (f64::from(steps) * tracks.len() as f64)
    );
}
