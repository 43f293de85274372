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

/// 0: decode only, 1: decode + validate, 2: zero-copy wire validation.
fn best_rate(msgs: &[Vec<u8>], mode: u8) -> f64 {
    let mut best = 0f64;
    let mut validator = picket_sapient::wire::Validator::new();
    for _ in 0..5 {
        let (mut n, start) = (0u64, Instant::now());
        while start.elapsed().as_secs_f64() < 1.0 {
            for m in msgs {
                if mode == 2 {
                    let errors = validator.check(black_box(m));
                    assert!(errors.expect("valid message").is_empty());
                    continue;
                }
                let msg = decode_v2(black_box(m)).expect("valid message");
                if mode == 1 {
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
    if std::env::args().nth(1).as_deref() == Some("wire") {
        // For profiling the zero-copy path alone.
        println!(
            "zero-copy decode+validate {:.0} msgs/s",
            best_rate(&msgs, 2)
        );
        return;
    }
    println!(
        "picket-sapient: {} msgs, {bytes} B, best of 5: zero-copy decode+validate {:.0} msgs/s, \
         prost decode+validate {:.0} msgs/s, prost decode only {:.0} msgs/s",
        msgs.len(),
        best_rate(&msgs, 2),
        best_rate(&msgs, 1),
        best_rate(&msgs, 0)
    );
}
