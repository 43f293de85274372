//! BSI Flex 335 v1.0 where it differs from v2.0: same envelope numbers, no field presence
//! (plain proto3 scalars) and, for example, a single `error_message` (field 2) where v2.0 has a
//! repeated one (field 3, with 2 reserved).

use picket_sapient::json::{self, Version};
use picket_sapient::{decode_v1, decode_v2, encode_v1, v1_0};

fn v1_error() -> v1_0::SapientMessage {
    v1_0::SapientMessage {
        timestamp: Some(prost_types::Timestamp {
            seconds: 1_688_733_857,
            nanos: 27_638_700,
        }),
        node_id: "a8654cdf-4328-47de-81fa-c495589e30c8".into(),
        content: Some(v1_0::sapient_message::Content::Error(v1_0::Error {
            packet: vec![1, 2, 3],
            error_message: "bad packet".into(),
        })),
        ..Default::default()
    }
}

#[test]
fn v1_round_trips_in_binary_and_json() {
    let msg = v1_error();
    let bytes = encode_v1(&msg);
    assert_eq!(decode_v1(&bytes).unwrap(), msg);
    let text = json::bytes_to_json_string(Version::V1_0, &bytes).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["error"]["error_message"], "bad packet");
    assert_eq!(value["error"]["packet"], "AQID");
    assert_eq!(value["timestamp"], "2023-07-07T12:44:17.027638700Z");
    assert_eq!(json::from_json_v1(&text).unwrap(), msg);
}

#[test]
fn v1_error_message_is_invisible_to_v2() {
    // The same bytes read as v2.0: field 2 of Error is reserved there, so the text is skipped
    // as an unknown field and v2.0 validation reports the message list as missing.
    let v2 = decode_v2(&encode_v1(&v1_error())).unwrap();
    let Some(picket_sapient::v2_0::sapient_message::Content::Error(e)) = &v2.content else {
        panic!("{v2:?}")
    };
    assert!(e.error_message.is_empty());
    assert_eq!(e.packet.as_deref(), Some(&[1u8, 2, 3][..]));
    use picket_sapient::Validate;
    let errors = v2.validate();
    assert!(
        errors.iter().any(|r| r.field == "error.error_message"),
        "{errors:?}"
    );
}
