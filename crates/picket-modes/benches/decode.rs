//! Throughput of Mode S input on the real dump1090 Beast capture (239 frames, 4,218 bytes),
//! single thread: framing alone, framing + our field decoding, the stateful decoder (CPR,
//! address/parity), the same with rs1090 details (Comm-B), and rs1090's own decode of the
//! same frames for comparison. Run: `cargo bench -p picket-modes --bench decode`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picket_modes::beast::BeastReader;
use picket_modes::{DecoderConfig, ModeSDecoder, RawFrame, avr, fields};
use std::hint::black_box;

const CAPTURE: &[u8] = include_bytes!("../tests/data/sample_dump1090.bin");

fn frames() -> Vec<RawFrame> {
    BeastReader::new(CAPTURE).filter_map(Result::ok).collect()
}

fn bench(c: &mut Criterion) {
    let n = frames().len() as u64;
    let mut g = c.benchmark_group("modes");
    g.throughput(Throughput::Elements(n));
    g.bench_function("beast_framing", |b| {
        b.iter(|| {
            BeastReader::new(black_box(CAPTURE))
                .filter(Result::is_ok)
                .count()
        })
    });
    g.bench_function("beast_framing+fields", |b| {
        b.iter(|| {
            BeastReader::new(black_box(CAPTURE))
                .filter_map(Result::ok)
                .filter(|f| fields::decode_fields(f).icao.is_some())
                .count()
        })
    });
    let mut decoder = ModeSDecoder::new(DecoderConfig {
        reference: Some((43.6294, 1.3678)),
        ..DecoderConfig::default()
    });
    g.bench_function("beast_framing+decoder", |b| {
        b.iter(|| {
            BeastReader::new(black_box(CAPTURE))
                .filter_map(Result::ok)
                .filter(|f| {
                    let t = f.timestamp_12mhz.unwrap_or(0) as f64 / 12e6;
                    decoder.decode(f, t).icao.is_some()
                })
                .count()
        })
    });
    let mut detailed = ModeSDecoder::new(DecoderConfig {
        details: true,
        ..DecoderConfig::default()
    });
    g.bench_function("beast_framing+decoder+rs1090_details", |b| {
        b.iter(|| {
            BeastReader::new(black_box(CAPTURE))
                .filter_map(Result::ok)
                .filter(|f| detailed.decode(f, 0.0).icao.is_some())
                .count()
        })
    });
    let frames = frames();
    g.bench_function("rs1090_message_decode", |b| {
        b.iter(|| {
            frames
                .iter()
                .filter(|f| rs1090::decode::Message::try_from(black_box(f.bytes())).is_ok())
                .count()
        })
    });
    let mut text = String::new();
    for f in &frames {
        avr::write_avr(f, &mut text);
    }
    g.bench_function("avr_framing+fields", |b| {
        b.iter(|| {
            avr::AvrReader::new(black_box(text.as_bytes()))
                .filter_map(Result::ok)
                .filter(|f| fields::decode_fields(f).icao.is_some())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
