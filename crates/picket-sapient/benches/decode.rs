//! Decoding plus BSI Flex 335 validation throughput on Dstl's example messages (the 21 valid
//! and 45 simulator-default `.bin` files), messages per second.
//!
//! `cargo bench -p picket-sapient --bench decode`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picket_sapient::{Validate, decode_v2};
use std::hint::black_box;
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bins(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            bins(&p, out);
        } else if p.extension().is_some_and(|e| e == "bin") {
            out.push(p);
        }
    }
}

fn messages() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut paths = Vec::new();
    bins(&root.join("valid"), &mut paths);
    bins(&root.join("simulator_defaults"), &mut paths);
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn bench(c: &mut Criterion) {
    let msgs = messages();
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("sapient");
    group.throughput(Throughput::Elements(msgs.len() as u64));
    group.bench_function(
        format!("decode+validate {} msgs {bytes} B", msgs.len()),
        |b| {
            b.iter(|| {
                let mut errors = 0;
                for m in &msgs {
                    let msg = decode_v2(black_box(m)).unwrap();
                    errors += msg.validate().len();
                }
                assert_eq!(errors, 0);
            });
        },
    );
    group.bench_function("zero-copy decode+validate (wire)", |b| {
        b.iter(|| {
            let mut errors = 0;
            for m in &msgs {
                errors += picket_sapient::wire::validate_bytes(black_box(m))
                    .unwrap()
                    .len();
            }
            assert_eq!(errors, 0);
        });
    });
    group.bench_function("decode only", |b| {
        b.iter(|| {
            for m in &msgs {
                black_box(decode_v2(black_box(m)).unwrap());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
