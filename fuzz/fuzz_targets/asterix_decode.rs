//! Fuzzes the ASTERIX decoder: framing, every element value, the JSON view and re-encoding
//! of whatever decodes. The first input byte picks the edition set, the rest is the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_asterix::encode::{RecordValue, encode_block};
use picket_asterix::{Editions, Reader, json, spec};
use std::sync::OnceLock;

/// Edition sets indexed by `selector % 6`: a category with `n` editions uses edition
/// `selector % n`; the built-in categories have 1 or 3 editions, which divide 6.
fn edition_sets() -> &'static [Editions] {
    static SETS: OnceLock<Vec<Editions>> = OnceLock::new();
    SETS.get_or_init(|| {
        (0..6)
            .map(|k| {
                let mut eds = Editions::newest();
                for cat in [10u8, 21, 34, 48, 62, 65] {
                    let all: Vec<_> = spec::editions(cat).collect();
                    if let Some(def) = all.get(k % all.len().max(1)) {
                        eds = eds.with(cat, def.edition).expect("built-in edition");
                    }
                }
                eds
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    // The selector picks an edition per category, so older editions are fuzzed too.
    let eds = &edition_sets()[usize::from(selector) % 6];
    let mut reader = Reader::new(bytes, eds);
    while let Ok(Some(rec)) = reader.next_record() {
        assert!(rec.offset + rec.len <= bytes.len());
        let _ = json::record_json(&rec);
        // Whatever decodes must encode to bytes that decode to the same values (the bytes
        // themselves may differ: a sender may pad an FSPEC with empty FX octets).
        let value = RecordValue::from_record(&rec);
        let block = encode_block(rec.def, std::slice::from_ref(&value)).expect("re-encodes");
        let mut r2 = Reader::new(&block, eds);
        let rec2 = r2.next_record().expect("re-decodes").expect("one record");
        assert_eq!(RecordValue::from_record(&rec2), value);
    }
});
