//! Fixed-work throughput run for measuring CPU time on a busy machine:
//! `perf stat -e task-clock target/release/examples/throughput MODE REPS`, frames/s =
//! 239 × REPS / task-clock. MODE: `framing`, `fields`, `decoder`, `details`, `rs1090`.

use picket_modes::beast::BeastReader;
use picket_modes::{DecoderConfig, ModeSDecoder, fields};
use std::hint::black_box;

const CAPTURE: &[u8] = include_bytes!("../tests/data/sample_dump1090.bin");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("decoder", String::as_str);
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let mut decoder = ModeSDecoder::new(DecoderConfig {
        reference: Some((43.6294, 1.3678)),
        details: mode == "details",
        ..DecoderConfig::default()
    });
    let start = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..reps {
        for frame in BeastReader::new(black_box(CAPTURE)).flatten() {
            let ok = match mode {
                "framing" => true,
                "fields" => fields::decode_fields(&frame).icao.is_some(),
                "rs1090" => rs1090::decode::Message::try_from(frame.bytes()).is_ok(),
                _ => {
                    let t = frame.timestamp_12mhz.unwrap_or(0) as f64 / 12e6;
                    decoder.decode(&frame, t).icao.is_some()
                }
            };
            n += usize::from(black_box(ok));
        }
    }
    let wall_s = start.elapsed().as_secs_f64();
    println!(
        "{mode}: {n} frames, wall {wall_s:.3} s, {:.0} frames/s (wall)",
        n as f64 / wall_s
    );
}
