//! Side by side with the opendroneid-core-c reference decoder (through the `opendroneid`
//! crate's safe wrapper), on the same messages of the Wi-Fi beacon capture, single thread.
//!
//! `apt-get install libclang-dev` then
//! `cargo bench -p picket-remoteid --features c-reference --bench vs_c`.
//!
//! The wrapper adds a 25-byte copy and the C `odid_init*Data` per message, and two `Vec`s per
//! pack (`UasData`); picket's numbers include building its own owned values.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use opendroneid::Message as _;
use picket_remoteid::capture::remoteid_in_capture;
use picket_remoteid::{Pack, decode_message};
use std::hint::black_box;

const WIFI: &[u8] = include_bytes!("../tests/data/odid_wifi_bcn_sample.pcap");

/// The C decoder for one message, chosen by type as `decodeOpenDroneID` does.
fn c_decode(m: &[u8]) -> bool {
    match m[0] >> 4 {
        0 => opendroneid::BasicId::decode(m).is_ok(),
        1 => opendroneid::Location::decode(m).is_ok(),
        2 => opendroneid::Auth::decode(m).is_ok(),
        3 => opendroneid::SelfId::decode(m).is_ok(),
        4 => opendroneid::System::decode(m).is_ok(),
        5 => opendroneid::OperatorId::decode(m).is_ok(),
        _ => false,
    }
}

fn bench(c: &mut Criterion) {
    let found = remoteid_in_capture(WIFI).expect("capture");
    let messages: Vec<&[u8]> = found
        .frames
        .iter()
        .flat_map(|f| Pack::parse(f.payload).expect("pack").raw_messages())
        .collect();
    let packs: Vec<&[u8]> = found.frames.iter().map(|f| f.payload).collect();
    assert!(messages.iter().all(|m| c_decode(m)));

    let mut group = c.benchmark_group("remoteid_vs_c");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("picket/message", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(decode_message(black_box(m)).ok());
            }
        })
    });
    group.bench_function("opendroneid_c/message", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(c_decode(black_box(m)));
            }
        })
    });
    group.bench_function("picket/pack", |b| {
        b.iter(|| {
            for p in &packs {
                for m in Pack::parse(black_box(p)).expect("pack").iter() {
                    black_box(m);
                }
            }
        })
    });
    group.bench_function("opendroneid_c/pack", |b| {
        b.iter(|| {
            for p in &packs {
                black_box(opendroneid::UasData::decode(black_box(*p)).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
