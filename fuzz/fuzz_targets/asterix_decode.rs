//! Fuzzes the ASTERIX decoder: framing, every element value, the JSON view and re-encoding
//! of whatever decodes. The first input byte picks the edition set, the rest is the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_asterix::encode::{RecordValue, encode_block};
use picket_asterix::{Editions, Reader, json, spec};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    // Pick one edition per category from the selector, so older editions are fuzzed too.
    let mut eds = Editions::newest();
    for cat in [10u8, 21, 34, 48, 62, 65] {
        let all: Vec<_> = spec::editions(cat).collect();
        if let Some(def) = all.get(usize::from(selector) % all.len().max(1)) {
            eds = eds.with(cat, def.edition).expect("built-in edition");
        }
    }
    let mut reader = Reader::new(bytes, &eds);
    while let Ok(Some(rec)) = reader.next_record() {
        assert!(rec.offset + rec.len <= bytes.len());
        let _ = json::record_json(&rec);
        // Whatever decodes must encode to bytes that decode to the same values (the bytes
        // themselves may differ: a sender may pad an FSPEC with empty FX octets).
        let value = RecordValue::from_record(&rec);
        let block = encode_block(rec.def, std::slice::from_ref(&value)).expect("re-encodes");
        let again = Editions::newest()
            .with(rec.def.category, rec.def.edition)
            .expect("built-in edition");
        let mut r2 = Reader::new(&block, &again);
        let rec2 = r2.next_record().expect("re-decodes").expect("one record");
        assert_eq!(RecordValue::from_record(&rec2), value);
    }
});
