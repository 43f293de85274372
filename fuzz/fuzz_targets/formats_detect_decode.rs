//! Fuzzes the front door: format detection, then decoding with the detected format and with
//! a format picked by the first byte (so every decoder sees every kind of input, pcap walks and
//! TCP reassembly included). Checks that nothing panics, that the walk ends with at most one
//! item per input byte, that every offset lies inside the input, and that the stream decoder
//! fed in chunks (size from the selector) gives what the whole input gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_formats::{Decoded, Format, Options, StreamDecoder, decode, detect};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let options = Options {
        // rs1090's Comm-B inference is slow on long inputs; the fast path is what streams.
        modes_details: bytes.len() < 64,
        reference: (selector & 1 == 1).then_some((43.6, 1.37)),
        max_tcp_buffer: 4096,
        ..Options::default()
    };
    let forced = Format::ALL[usize::from(selector) % Format::ALL.len()];
    let detected = detect(bytes);
    for format in detected.into_iter().chain(std::iter::once(forced)) {
        let mut n = 0usize;
        for item in decode(format, bytes, &options) {
            n += 1;
            let offset = match &item {
                Ok(r) => {
                    assert!(!r.summary.is_empty());
                    r.offset
                }
                Err(e) => e.offset,
            };
            assert!(offset <= bytes.len(), "{format}: offset {offset} of {}", bytes.len());
        }
        assert!(n <= bytes.len() + 1, "{format}: {n} items from {} bytes", bytes.len());
    }
    // SAPIENT files may be one bare message and JSON files one multi-line message: whole-file
    // forms a stream never has. The other formats must agree exactly.
    let streamable = !matches!(forced, Format::Sapient | Format::JsonDetections);
    if let Some(mut stream) = StreamDecoder::new(forced, &options).filter(|_| streamable) {
        let chunk = usize::from(selector >> 3) + 1;
        let mut streamed: Vec<Decoded> = Vec::new();
        for piece in bytes.chunks(chunk) {
            streamed.extend(stream.push(piece));
        }
        streamed.extend(stream.finish());
        let whole: Vec<Decoded> = decode(forced, bytes, &options).collect();
        assert_eq!(normalised(streamed), normalised(whole), "{forced} in chunks of {chunk}");
    }
});

/// Error messages count offsets from the chunk; compare the rest.
fn normalised(items: Vec<Decoded>) -> Vec<Decoded> {
    items
        .into_iter()
        .map(|d| {
            d.map_err(|mut e| {
                e.message.clear();
                e
            })
        })
        .collect()
}
