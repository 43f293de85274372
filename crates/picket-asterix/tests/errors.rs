//! Bad input: truncation, leftover bytes, wrong editions, unknown categories. Every case must
//! come back as a typed error with the byte offset, never a panic or a mis-framed record.

mod common;

use common::{CAT021, CAT048, CAT062};
use picket_asterix::spec::Edition;
use picket_asterix::{DecodeError, Editions, Reader, Reason, json};
use proptest::prelude::*;

/// Decodes everything, also building the JSON view; returns the record count or the error.
fn decode_all(data: &[u8], eds: &Editions) -> Result<usize, DecodeError> {
    let mut r = Reader::new(data, eds);
    let mut n = 0;
    while let Some(rec) = r.next_record()? {
        let _ = json::record_json(&rec);
        n += 1;
    }
    Ok(n)
}

fn with_len(block: &[u8], len: usize) -> Vec<u8> {
    let mut b = block[..len.min(block.len())].to_vec();
    b[1..3].copy_from_slice(&(len as u16).to_be_bytes());
    b
}

#[test]
fn block_longer_than_input_is_reported_at_the_len_field() {
    let eds = Editions::newest();
    let cut = &CAT048[..20];
    let err = decode_all(cut, &eds).unwrap_err();
    assert_eq!(err.offset, 1);
    assert_eq!(
        err.reason,
        Reason::BlockOverrun {
            declared: 30,
            available: 20
        }
    );
}

#[test]
fn record_cut_by_the_block_length_is_reported_where_the_item_starts() {
    let eds = Editions::newest();
    // LEN says 20: the block ends inside I048/090 (which starts at offset 19).
    let err = decode_all(&with_len(CAT048, 20), &eds).unwrap_err();
    assert_eq!(err.reason, Reason::RecordOverrun);
    assert_eq!(err.offset, 19);
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let eds = Editions::newest();
    for block in [CAT048, CAT062, CAT021] {
        for len in 1..block.len() {
            assert!(decode_all(&block[..len], &eds).is_err(), "prefix {len}");
            if len >= 3 {
                let err = decode_all(&with_len(block, len), &eds).unwrap_err();
                assert!(err.offset <= len, "{err}");
            }
        }
    }
}

#[test]
fn leftover_bytes_inside_a_block_are_an_error() {
    let eds = Editions::newest();
    let mut b = CAT048.to_vec();
    b.extend_from_slice(&[0x80, 0x19]); // an FSPEC for I048/010 and half of its 2 octets
    let n = b.len() as u16;
    b[1..3].copy_from_slice(&n.to_be_bytes());
    let mut r = Reader::new(&b, &eds);
    assert!(
        r.next_record().unwrap().is_some(),
        "the first record is intact"
    );
    let err = r.next_record().unwrap_err();
    // Reported where I048/010 starts, after the new record's FSPEC.
    assert_eq!((err.offset, err.reason), (31, Reason::RecordOverrun));
    assert!(
        r.next_record().unwrap().is_none(),
        "the reader stops after an error"
    );
}

#[test]
fn leftover_bytes_after_the_last_block_are_an_error() {
    let eds = Editions::newest();
    let mut b = CAT048.to_vec();
    b.extend_from_slice(&[0x30, 0x00]);
    let err = decode_all(&b, &eds).unwrap_err();
    assert_eq!(err.offset, 30);
    assert!(matches!(err.reason, Reason::Truncated { .. }));
}

#[test]
fn wrong_edition_is_reported_not_misframed() {
    // The CAT021 2.1 record read with the 0.26 UAP: FRN 7 becomes I021/090 (1 octet + FX)
    // instead of I021/131, so framing drifts until an FSPEC bit lands on a spare slot or the
    // record overruns the block.
    let eds = Editions::newest().with(21, Edition::new(0, 26)).unwrap();
    let err = decode_all(CAT021, &eds).unwrap_err();
    assert!(
        matches!(
            err.reason,
            Reason::UndefinedItem { .. }
                | Reason::UndefinedSubitem { .. }
                | Reason::RecordOverrun
                | Reason::ExtensionBeyondSpec { .. }
        ),
        "{err}"
    );
    assert!(err.offset < CAT021.len());
    assert_eq!(
        decode_all(
            CAT021,
            &Editions::newest().with(21, Edition::new(2, 1)).unwrap()
        ),
        Ok(1)
    );
}

#[test]
fn fspec_naming_a_spare_uap_slot_is_undefined_item() {
    let eds = Editions::newest();
    // CAT062: FRN 2 is a spare slot in every edition.
    let b = [0x3E, 0x00, 0x06, 0x40, 0x00, 0x00];
    let err = decode_all(&b, &eds).unwrap_err();
    assert_eq!(err.offset, 3);
    assert!(matches!(
        err.reason,
        Reason::UndefinedItem {
            frn: 2,
            category: 62,
            ..
        }
    ));
}

#[test]
fn unknown_category_and_edition() {
    let eds = Editions::newest();
    let err = decode_all(&[99, 0, 5, 0x80, 0], &eds).unwrap_err();
    assert_eq!((err.offset, err.reason), (0, Reason::UnknownCategory(99)));
    let err = Editions::newest()
        .with(48, Edition::new(1, 15))
        .unwrap_err();
    assert!(matches!(
        err.reason,
        Reason::UnknownEdition { category: 48, .. }
    ));
    let err = Editions::newest().with(15, Edition::new(1, 0)).unwrap_err();
    assert_eq!(err.reason, Reason::UnknownCategory(15));
}

#[test]
fn block_length_below_header_and_empty_record() {
    let eds = Editions::newest();
    let err = decode_all(&[48, 0, 2], &eds).unwrap_err();
    assert_eq!((err.offset, err.reason), (1, Reason::BlockTooShort(2)));
    let err = decode_all(&[48, 0, 4, 0x00], &eds).unwrap_err();
    assert_eq!((err.offset, err.reason), (3, Reason::EmptyRecord));
}

#[test]
fn fx_chain_past_the_last_extension_is_an_error() {
    let eds = Editions::newest();
    // I048/020 with FX set in every octet, past the 7 parts edition 1.32 defines.
    let mut b = vec![48, 0, 0, 0x20];
    b.extend_from_slice(&[0x01; 12]);
    let n = b.len() as u16;
    b[1..3].copy_from_slice(&n.to_be_bytes());
    let err = decode_all(&b, &eds).unwrap_err();
    assert!(
        matches!(err.reason, Reason::ExtensionBeyondSpec { item: "020" }),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(cat in prop::sample::select(vec![10u8, 21, 34, 48, 62, 65]),
                                   body in prop::collection::vec(any::<u8>(), 0..80)) {
        let mut b = vec![cat, 0, 0];
        b.extend_from_slice(&body);
        let n = b.len() as u16;
        b[1..3].copy_from_slice(&n.to_be_bytes());
        for eds in picket_asterix::spec::editions(cat) {
            let e = Editions::newest().with(cat, eds.edition).unwrap();
            if let Err(err) = decode_all(&b, &e) {
                prop_assert!(err.offset <= b.len());
            }
        }
    }

    #[test]
    fn mutated_vectors_never_panic(i in 0usize..41, x in any::<u8>()) {
        for v in [CAT048, CAT062, CAT021] {
            let mut b = v.to_vec();
            let i = i % b.len();
            b[i] ^= x;
            let _ = decode_all(&b, &Editions::newest());
        }
    }
}

#[test]
fn edition_detection_rules_out_editions_that_do_not_fit() {
    use picket_asterix::plausible_editions;
    assert_eq!(
        plausible_editions(CAT021, 21),
        vec![Edition::new(2, 1), Edition::new(2, 7)]
    );
    assert_eq!(plausible_editions(CAT048, 48), vec![Edition::new(1, 32)]);
    // Garbage fits no edition.
    assert!(plausible_editions(&[21, 0, 5, 0xFF, 0xFF], 21).is_empty());
}
