//! SAPIENT: any bytes through the TCP de-framer, the protobuf decoder, both BSI Flex 335
//! validators (which must agree), the canonical JSON view and the report/health mapping must
//! not panic, loop or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_core::{SensorId, Timestamp};
use picket_sapient::v2_0::sapient_message::Content;
use picket_sapient::{Deframer, SensorContext, Validate, decode_v1, decode_v2, json, reports};

fn sorted(v: Vec<picket_sapient::RuleViolation>) -> Vec<(&'static str, String)> {
    let mut v: Vec<_> = v.into_iter().map(|e| (e.rule.name(), e.field)).collect();
    v.sort();
    v
}

fn one_message(bytes: &[u8]) {
    let _ = decode_v1(bytes);
    let wire = picket_sapient::wire::validate_bytes(bytes);
    let Ok(msg) = decode_v2(bytes) else {
        assert!(
            wire.is_err(),
            "zero-copy validator accepted what prost rejects"
        );
        return;
    };
    let errors = msg.validate();
    assert_eq!(
        sorted(wire.expect("prost accepted it")),
        sorted(errors.clone())
    );
    let _ = json::check_bytes(bytes);
    let ctx = SensorContext::new(SensorId(0), Timestamp::ZERO);
    let _ = reports(&msg, &ctx);
    if let Some(Content::StatusReport(s)) = &msg.content {
        let _ = picket_sapient::sensor_health(s, &ctx);
    }
}

fuzz_target!(|data: &[u8]| {
    one_message(data);
    let mut deframer = Deframer::new(4096);
    // Feed in two pieces so the incremental path is exercised too.
    let (a, b) = data.split_at(data.len() / 2);
    for part in [a, b] {
        deframer.push(part);
        while let Ok(Some(frame)) = deframer.next_frame() {
            one_message(&frame.payload);
        }
    }
    let _ = deframer.finish();
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = json::from_json_v2(text);
    }
});
