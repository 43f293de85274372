//! Remote ID decoding throughput (messages per second), single thread, on the messages of the
//! real captures in tests/data. Run: `cargo bench -p picket-remoteid --bench decode`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picket_remoteid::capture::remoteid_in_capture;
use picket_remoteid::{Pack, decode_message};
use std::hint::black_box;

const WIFI: &[u8] = include_bytes!("../tests/data/odid_wifi_bcn_sample.pcap");
const BT5: &[u8] = include_bytes!("../tests/data/odid_bt5_lr_sample.pcapng");

fn bench(c: &mut Criterion) {
    let found = remoteid_in_capture(WIFI).expect("capture");
    // Every 25-byte message of every beacon pack: Basic ID, Location, Self-ID, System, Operator ID.
    let messages: Vec<&[u8]> = found
        .frames
        .iter()
        .flat_map(|f| Pack::parse(f.payload).expect("pack").raw_messages())
        .collect();
    let packs: Vec<&[u8]> = found.frames.iter().map(|f| f.payload).collect();

    let mut group = c.benchmark_group("remoteid");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("decode_message", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(decode_message(black_box(m)).ok());
            }
        })
    });
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("decode_pack", |b| {
        b.iter(|| {
            for p in &packs {
                for m in Pack::parse(black_box(p)).expect("pack").iter() {
                    black_box(m);
                }
            }
        })
    });
    let bt5_messages: usize = remoteid_in_capture(BT5)
        .expect("capture")
        .frames
        .iter()
        .map(|f| f.messages.as_ref().map_or(0, Vec::len))
        .sum();
    group.throughput(Throughput::Elements(bt5_messages as u64));
    group.bench_function("bt5_capture_scan", |b| {
        b.iter(|| black_box(remoteid_in_capture(black_box(BT5)).map(|c| c.frames.len())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
