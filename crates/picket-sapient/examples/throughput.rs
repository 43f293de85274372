//! Quick side-by-side throughput, measured exactly like `benches/python_protobuf.py` (best of
//! five one-second windows over the same 66 messages), so both can run back to back on a
//! shared machine. `cargo run --release -p picket-sapient --example throughput`
//! (criterion's `benches/decode.rs` is the careful measurement).

use picket_sapient::{Validate, decode_v2};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bins(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("test data") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            bins(&p, out);
        } else if p.extension().is_some_and(|e| e == "bin") {
            out.push(p);
        }
    }
}

fn best_rate(msgs: &[Vec<u8>], validate: bool) -> f64 {
    let mut best = 0f64;
    for _ in 0..5 {
        let (mut n, start) = (0u64, Instant::now());
        while start.elapsed().as_secs_f64() < 1.0 {
            for m in msgs {
                let msg = decode_v2(black_box(m)).expect("valid message");
                if validate {
                    assert!(msg.validate().is_empty());
                }
                black_box(msg);
            }
            n += msgs.len() as u64;
        }
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut paths = Vec::new();
    bins(&root.join("valid"), &mut paths);
    bins(&root.join("simulator_defaults"), &mut paths);
    paths.sort();
    let msgs: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    println!(
        "picket-sapient: {} msgs, {bytes} B, best of 5: decode+validate {:.0} msgs/s, decode only {:.0} msgs/s",
        msgs.len(),
        best_rate(&msgs, true),
        best_rate(&msgs, false)
    );
}
