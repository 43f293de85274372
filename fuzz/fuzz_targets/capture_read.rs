//! pcap/pcapng reading and link-layer decoding on arbitrary bytes, and the Remote ID finder on
//! top: never a panic, an endless loop or an allocation sized by a length field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_capture::{Capture, Payload};

fuzz_target!(|data: &[u8]| {
    if let Ok(capture) = Capture::new(data) {
        for frame in capture {
            let Ok(frame) = frame else { break };
            let _ = picket_remoteid::capture::remoteid_in_payload(&frame.payload);
            if let Payload::Malformed { error, .. } = frame.payload {
                assert!(error.offset <= frame.raw.data.len());
            }
        }
    }
    let _ = picket_remoteid::capture::remoteid_in_capture(data);
    // Every link type decoder directly on the bytes, as if they were one frame.
    for link_type in [0, 1, 12, 101, 105, 113, 127, 251, 256, 272, 276] {
        let _ = picket_capture::decode_link(link_type, data);
    }
});
