//! Fuzzes the front door: format detection, then decoding with the detected format and with
//! a format picked by the first byte (so every decoder sees every kind of input, pcap walks and
//! TCP reassembly included). Checks that nothing panics, that the walk ends with at most one
//! item per input byte, and that every offset lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_formats::{Format, Options, decode, detect};

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
});
