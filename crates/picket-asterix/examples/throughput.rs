//! Decoding throughput on the benchmark stream, reporting wall-clock and CPU time (the CPU
//! figure stays meaningful on a loaded, shared machine; Linux only, from /proc/self/stat).
//!
//! `cargo run --release -p picket-asterix --example throughput [-- ITERATIONS]`

#[path = "../benches/data.rs"]
mod data;

use picket_asterix::spec::{Content, Edition};
use picket_asterix::walk::Visitor;
use picket_asterix::{Editions, Reader, Value};
use std::hint::black_box;
use std::time::Instant;

struct AllValues(f64);

impl Visitor for AllValues {
    fn leaf(&mut self, _: &'static str, content: &'static Content, bits: u16, raw: u64) {
        self.0 += match Value::new(content, bits, raw) {
            Value::Text(t) => t.as_str().len() as f64,
            v => v.as_f64().unwrap_or(0.0),
        };
    }
}

/// User + system CPU seconds of this process.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime, in clock ticks of 1/100 s) are the 12th and 13th
    // after the command name.
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let (bytes, records) = data::stream(500);
    let eds = Editions::newest()
        .with(21, Edition::new(2, 1))
        .expect("CAT021 2.1");
    for (name, full) in [("frame only", false), ("every element decoded", true)] {
        let (w0, c0) = (Instant::now(), cpu_s());
        let mut n = 0usize;
        let mut acc = AllValues(0.0);
        for _ in 0..iterations {
            let mut r = Reader::new(black_box(&bytes), &eds);
            while let Ok(Some(rec)) = r.next_record() {
                if full {
                    rec.visit(&mut acc);
                }
                n += 1;
            }
        }
        black_box(acc.0);
        let (wall, cpu) = (w0.elapsed().as_secs_f64(), cpu_s() - c0);
        assert_eq!(n, records * iterations);
        println!(
            "{name}: {n} records, {:.0} records/s wall, {:.0} records/s CPU, {:.1} MB/s CPU",
            n as f64 / wall,
            n as f64 / cpu,
            (bytes.len() * iterations) as f64 / cpu / 1e6
        );
    }
}
