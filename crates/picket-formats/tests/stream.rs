//! A stream fed in chunks of any size decodes to exactly what the whole input decodes to
//! (records, JSON, offsets, errors), for every streamable format.

mod common;

use common::*;
use picket_formats::{Decoded, Format, Options, StreamDecoder, decode};
use proptest::prelude::*;

/// Errors compared by format, offset, frame and reason (their message text counts offsets
/// from the chunk).
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

fn whole(format: Format, bytes: &[u8]) -> Vec<Decoded> {
    normalised(decode(format, bytes, &Options::default()).collect())
}

fn chunked(format: Format, bytes: &[u8], sizes: &[usize]) -> Vec<Decoded> {
    let mut stream = StreamDecoder::new(format, &Options::default()).unwrap();
    let mut out = Vec::new();
    let mut pos = 0;
    for size in sizes.iter().cycle() {
        if pos >= bytes.len() {
            break;
        }
        let end = (pos + size).min(bytes.len());
        out.extend(stream.push(&bytes[pos..end]));
        pos = end;
    }
    out.extend(stream.finish());
    assert_eq!(stream.pending(), 0);
    normalised(out)
}

fn inputs() -> Vec<(Format, Vec<u8>)> {
    let beast = read(BEAST);
    let avr: String = decode(Format::Beast, &beast, &Options::default())
        .map(|r| format!("*{};\n", r.unwrap().json["hex"].as_str().unwrap()))
        .collect();
    let messages: Vec<Vec<u8>> = sapient_valid_messages()
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let mut rid = Vec::new();
    for v in jsonl(RID_VECTORS) {
        rid.extend(hex::decode(v["message_hex"].as_str().unwrap()).unwrap());
    }
    let mut asterix = cat048_blocks(5);
    asterix.extend(cat062_block());
    // Each with damage in the middle and a cut end, so errors are compared too.
    let mut beast_bad = beast.clone();
    beast_bad.splice(100..100, *b"junk");
    vec![
        (Format::Beast, beast),
        (Format::Beast, beast_bad[..beast_bad.len() - 3].to_vec()),
        (Format::Avr, avr.into_bytes()),
        (Format::Sapient, sapient_stream(&messages)),
        (Format::RemoteId, rid),
        (Format::Asterix, asterix.clone()),
        (Format::Asterix, asterix[..asterix.len() - 2].to_vec()),
        (Format::JsonDetections, read(JSONDET_EXAMPLES)),
    ]
}

#[test]
fn fixed_chunk_sizes() {
    for (format, bytes) in inputs() {
        let expected = whole(format, &bytes);
        assert!(!expected.is_empty());
        for size in [1, 2, 7, 16, 100, 4096, bytes.len()] {
            assert_eq!(
                chunked(format, &bytes, &[size]),
                expected,
                "{format} in chunks of {size}"
            );
        }
    }
}

/// Found by fuzzing: a frame start with an unknown type byte cut between the two, and runs
/// of 0x1A cut between the halves of a pair.
#[test]
fn unknown_beast_type_at_a_chunk_end() {
    let cases: [&[u8]; 4] = [
        &[0x1A, 0x01, 0x07, 0x1A, b'9', 0x1A],
        // Escaped pairs outside a frame are garbage, however the chunks cut them.
        &[0x1A; 6],
        &[
            0x1A, 0x1A, 0x1A, b'2', 0, 0, 0, 0, 0, 1, 9, 0x20, 0x00, 0x0C, 0xA8, 0xF7, 0x0A,
        ],
        // A frame cut by a lone 0x1A (bad escape) that starts an unknown type.
        &[0x0E, 0x1A, 0x33, 0x41, 0x1A, 0x21, 0x7F],
    ];
    for bytes in cases {
        let expected = whole(Format::Beast, bytes);
        for size in 1..=bytes.len() {
            let got = chunked(Format::Beast, bytes, &[size]);
            assert_eq!(got, expected, "{bytes:02x?} in chunks of {size}");
        }
    }
}

#[test]
fn captures_are_not_streamed() {
    assert!(StreamDecoder::new(Format::Capture, &Options::default()).is_none());
}

#[test]
fn a_line_that_never_ends_is_bounded() {
    let mut stream = StreamDecoder::new(Format::Avr, &Options::default()).unwrap();
    let chunk = vec![b'A'; 64 * 1024];
    let mut errors = 0;
    for _ in 0..20 {
        errors += stream.push(&chunk).iter().filter(|d| d.is_err()).count();
        assert!(stream.pending() <= picket_formats::MAX_PENDING);
    }
    assert!(errors >= 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn random_chunk_sizes(which in 0usize..8, sizes in proptest::collection::vec(1usize..300, 1..20)) {
        let (format, bytes) = inputs().swap_remove(which);
        prop_assert_eq!(chunked(format, &bytes, &sizes), whole(format, &bytes));
    }
}
