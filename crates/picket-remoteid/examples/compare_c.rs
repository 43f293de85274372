//! Per-message-type decode time, picket against the opendroneid-core-c reference decoder
//! (through the `opendroneid` crate), interleaved in 2000 short rounds of 2000 calls and taking
//! each side's fastest round, so that a busy shared machine (preemption, other builds) does not
//! favour whichever runs first.
//!
//! `apt-get install libclang-dev` then
//! `cargo run --release -p picket-remoteid --features c-reference --example compare_c`.

use opendroneid::Message as _;
use picket_remoteid::capture::remoteid_in_capture;
use picket_remoteid::{Envelope, Pack, decode_message};
use std::hint::black_box;
use std::time::Instant;

const WIFI: &[u8] = include_bytes!("../tests/data/odid_wifi_bcn_sample.pcap");
const ROUNDS: usize = 2000;
const CALLS_PER_ROUND: u32 = 2_000;

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

/// Nanoseconds per call of `f`.
fn time_ns(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..CALLS_PER_ROUND {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(CALLS_PER_ROUND)
}

/// Minimum over interleaved rounds of (picket, C) nanoseconds per call.
fn compare(mut ours: impl FnMut(), mut c: impl FnMut()) -> (f64, f64) {
    (0..ROUNDS).fold((f64::MAX, f64::MAX), |(o, r), _| {
        (o.min(time_ns(&mut ours)), r.min(time_ns(&mut c)))
    })
}

fn main() {
    let found = remoteid_in_capture(WIFI).expect("capture");
    let pack_bytes = found.frames[0].payload;
    let pack = Pack::parse(pack_bytes).expect("pack");
    let (mut total_ours, mut total_c) = (0.0, 0.0);
    for m in pack.raw_messages() {
        let (ours, c) = compare(
            || {
                black_box(decode_message(black_box(m)).ok());
            },
            || {
                black_box(c_decode(black_box(m)));
            },
        );
        total_ours += ours;
        total_c += c;
        println!(
            "type {:x}: picket {ours:6.1} ns  C {c:6.1} ns  ratio {:.2}",
            m[0] >> 4,
            ours / c
        );
    }
    println!(
        "5 messages: picket {:.1} M msg/s, C {:.1} M msg/s, ratio {:.2}",
        5e3 / total_ours,
        5e3 / total_c,
        total_ours / total_c
    );
    let (ours, c) = compare(
        || {
            // Every message decoded into an owned value and handed over, no collecting Vec.
            for m in Pack::parse(black_box(pack_bytes)).expect("pack").iter() {
                black_box(m);
            }
        },
        || {
            black_box(opendroneid::UasData::decode(black_box(pack_bytes)).ok());
        },
    );
    println!(
        "5-message pack: picket {ours:.1} ns  C {c:.1} ns  ratio {:.2}",
        ours / c
    );
    let (parse_ns, vec_ns) = compare(
        || {
            black_box(Pack::parse(black_box(pack_bytes)).map(|p| p.len()).ok());
        },
        || {
            let decoded: Vec<Envelope> = Pack::parse(black_box(pack_bytes))
                .expect("pack")
                .decode_all();
            black_box(decoded);
        },
    );
    println!(
        "  picket Pack::parse alone {parse_ns:.1} ns; with decode_all into a Vec {vec_ns:.1} ns"
    );
}
