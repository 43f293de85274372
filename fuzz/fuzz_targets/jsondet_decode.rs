//! picket JSON detections: any input must parse or fail with a typed error, never panic;
//! whatever parses converts to valid reports and re-encodes to text that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_core::{SensorId, Timestamp};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(detections) = picket_jsondet::parse(text) else {
        return;
    };
    for d in &detections {
        let report = picket_jsondet::to_report(d, SensorId(0), Timestamp::ZERO);
        assert!(report.validate().is_ok(), "{d:?} -> {report:?}");
    }
    let again = picket_jsondet::parse(&picket_jsondet::to_lines(&detections)).unwrap();
    assert_eq!(again, detections);
});
