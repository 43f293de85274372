//! Remote ID decoders on arbitrary bytes: single messages, packs, the transport wrappers and the
//! JSON view must never panic, and decode → encode → decode must be stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_remoteid::json::{JsonContext, message_json};
use picket_remoteid::transport::{
    find_in_ble_ad, find_in_beacon_body, find_in_ies, find_in_nan_action,
    scan_for_ble_service_data,
};
use picket_remoteid::{Envelope, Pack, decode_any, decode_message, encode_pack};

fn check(e: &Envelope) {
    let again = decode_message(&e.encode()).expect("re-encoded message decodes");
    assert_eq!(&again, e, "decode/encode/decode is stable");
    let _ = message_json(&JsonContext::default(), e);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = decode_message(data) {
        check(&e);
    }
    if let Ok(pack) = Pack::parse(data) {
        let messages: Vec<Envelope> = pack.iter().collect();
        assert_eq!(messages.len(), pack.len(), "a parsed pack decodes every message");
        messages.iter().for_each(check);
        let encoded = encode_pack(pack.protocol, &messages).expect("a valid pack re-encodes");
        assert_eq!(Pack::parse(&encoded).map(|p| p.len()), Ok(messages.len()));
    }
    let _ = decode_any(data);
    for found in [
        find_in_ble_ad(data).ok().flatten(),
        find_in_beacon_body(data).ok().flatten(),
        find_in_ies(data).ok().flatten(),
        find_in_nan_action(data).ok().flatten(),
        scan_for_ble_service_data(data),
    ]
    .into_iter()
    .flatten()
    {
        let _ = decode_any(found.data);
    }
});
