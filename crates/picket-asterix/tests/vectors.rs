//! Hand-assembled records, built field by field from the specifications (not copied from any
//! capture), decoded and checked against the values they were built from, then re-encoded.
//! The values are those of well-known public samples (see the crate's README) so a reader can
//! compare: e.g. the CAT048 plot of DLH65A at 197.68 NM / 340.14° / FL330.

use picket_asterix::encode::{RecordValue, encode_block};
use picket_asterix::spec::{self, Edition};
use picket_asterix::{Editions, Reader, Value, json};

mod common;
use common::{CAT021, CAT048, CAT062};

fn close(v: Option<Value>, want: f64) -> bool {
    v.and_then(|v| v.as_f64())
        .is_some_and(|x| (x - want).abs() < 1e-6)
}

#[test]
fn cat048_hand_vector_decodes_to_its_values() {
    let eds = Editions::newest();
    let mut r = Reader::new(CAT048, &eds);
    let rec = r.next_record().unwrap().unwrap();
    assert_eq!((rec.def.category, rec.offset, rec.len), (48, 3, 27));
    let i010 = rec.item("010").unwrap();
    assert_eq!(i010.get(&["SAC"]), Some(Value::Raw(25)));
    assert_eq!(i010.get(&["SIC"]), Some(Value::Raw(201)));
    assert!(close(rec.item("140").unwrap().get(&[]), 27354.6015625));
    let typ = rec.item("020").unwrap().get(&["TYP"]).unwrap();
    assert_eq!(typ.as_u64(), Some(5));
    assert_eq!(typ.meaning(), Some("Single ModeS Roll-Call"));
    let i040 = rec.item("040").unwrap();
    assert!(close(i040.get(&["RHO"]), 197.68359375));
    assert!(close(i040.get(&["THETA"]), 340.13671875));
    assert!(close(rec.item("090").unwrap().get(&["FL"]), 330.0));
    assert_eq!(
        rec.item("220").unwrap().get(&[]),
        Some(Value::Raw(0x3C660C))
    );
    let Some(Value::Text(cs)) = rec.item("240").unwrap().get(&[]) else {
        panic!("callsign")
    };
    assert_eq!(cs.as_str(), "DLH65A  ");
    let Some(Value::Text(m3a)) = rec.item("070").unwrap().get(&["MODE3A"]) else {
        panic!("mode 3/A")
    };
    assert_eq!(m3a.as_str(), "1000");
    assert_eq!(
        rec.item("161").unwrap().get(&["TRN"]),
        Some(Value::Raw(3563))
    );
    assert!(r.next_record().unwrap().is_none());
}

#[test]
fn cat048_json_view_has_spec_names_and_units() {
    let eds = Editions::newest();
    let mut r = Reader::new(CAT048, &eds);
    let rec = r.next_record().unwrap().unwrap();
    let v = json::record_json(&rec);
    assert_eq!(v["category"], 48);
    assert_eq!(v["edition"], "1.32");
    assert_eq!(
        (v["block"].as_u64(), v["record"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        v["items"]["010"],
        serde_json::json!({"SAC": 25, "SIC": 201})
    );
    assert_eq!(v["items"]["040"]["RHO"], 197.68359375);
    assert_eq!(v["items"]["090"]["FL"], 330.0);
    assert_eq!(v["items"]["240"], "DLH65A  ");
    assert_eq!(v["items"]["070"]["MODE3A"], "1000");
}

#[test]
fn cat048_hand_vector_re_encodes_byte_for_byte() {
    let eds = Editions::newest();
    let mut r = Reader::new(CAT048, &eds);
    let rec = r.next_record().unwrap().unwrap();
    let value = RecordValue::from_record(&rec);
    assert_eq!(encode_block(rec.def, &[value]).unwrap(), CAT048);
}

#[test]
fn cat062_hand_vector_decodes_to_its_values() {
    let eds = Editions::newest();
    let mut r = Reader::new(CAT062, &eds);
    let rec = r.next_record().unwrap().unwrap();
    assert_eq!(rec.def.edition, Edition::new(1, 21));
    assert!(close(rec.item("070").unwrap().get(&[]), 57617.2265625));
    assert_eq!(rec.item("040").unwrap().get(&[]), Some(Value::Raw(5533)));
    let i105 = rec.item("105").unwrap();
    assert!(close(i105.get(&["LAT"]), 6550318.0 * 180.0 / 33554432.0));
    assert!(close(i105.get(&["LON"]), -2267914.0 * 180.0 / 33554432.0));
    assert!(close(rec.item("185").unwrap().get(&["VX"]), 127.25));
    assert!(close(rec.item("185").unwrap().get(&["VY"]), 181.25));
    assert_eq!(
        rec.item("380").unwrap().get(&["ADR"]),
        Some(Value::Raw(0x3C660C))
    );
    assert!(close(rec.item("136").unwrap().get(&[]), 380.0));
    let v = json::record_json(&rec);
    assert_eq!(v["items"]["380"], serde_json::json!({"ADR": 0x3C660C}));
    let value = RecordValue::from_record(&rec);
    assert_eq!(encode_block(rec.def, &[value]).unwrap(), CAT062);
}

#[test]
fn cat021_hand_vector_decodes_in_edition_2_1_and_2_7() {
    for ed in [Edition::new(2, 1), Edition::new(2, 7)] {
        let eds = Editions::newest().with(21, ed).unwrap();
        let mut r = Reader::new(CAT021, &eds);
        let rec = r.next_record().unwrap().unwrap();
        assert_eq!(rec.def.edition, ed);
        assert_eq!(
            rec.item("161").unwrap().get(&["TRNUM"]),
            Some(Value::Raw(1375))
        );
        assert!(close(rec.item("131").unwrap().get(&["LAT"]), 46.8442010880));
        assert!(close(rec.item("131").unwrap().get(&["LON"]), 12.2985291481));
        assert_eq!(
            rec.item("080").unwrap().get(&[]),
            Some(Value::Raw(0x1A4B65))
        );
        assert!(close(rec.item("140").unwrap().get(&[]), 34750.0));
        assert!(close(rec.item("145").unwrap().get(&[]), 350.0));
        assert!(close(rec.item("160").unwrap().get(&["GS"]), 0.125));
        assert!(close(rec.item("160").unwrap().get(&["TA"]), 90.0));
        let v = json::record_json(&rec);
        assert_eq!(v["items"]["170"], "EZS14ZH ");
        let value = RecordValue::from_record(&rec);
        assert_eq!(encode_block(rec.def, &[value]).unwrap(), CAT021);
    }
}

#[test]
fn newest_edition_is_the_default() {
    assert_eq!(spec::lookup(21, None).unwrap().edition, Edition::new(2, 7));
    assert_eq!(spec::lookup(48, None).unwrap().edition, Edition::new(1, 32));
    assert_eq!(
        Editions::default().get(62).unwrap().edition,
        Edition::new(1, 21)
    );
    for cat in [10, 21, 34, 48, 62, 65] {
        assert!(spec::lookup(cat, None).is_some(), "CAT{cat:03}");
    }
    assert!(
        spec::lookup(15, None).is_none(),
        "no CAT015 definition is shipped"
    );
}
