//! Property tests: encode → decode gives the same value, for messages and for framing.

use picket_core::{ClassProbs, Geodetic, Timestamp, Velocity};
use picket_sapient::builders::{self, Detection, Envelope};
use picket_sapient::framing::{Deframer, encode_frame, split_frames};
use picket_sapient::v2_0::sapient_message::Content;
use picket_sapient::{Validate, decode_v2, encode_v2, json};
use proptest::prelude::*;

fn detection() -> impl Strategy<Value = (Detection, f64)> {
    (
        (any::<u64>(), any::<u128>(), any::<u128>()),
        (-89.9f64..89.9, -180.0f64..180.0, -100.0f64..10_000.0),
        (0.1f64..1000.0, 0.1f64..1000.0),
        proptest::option::of((-80.0f64..80.0, -80.0f64..80.0, -20.0f64..20.0, 0.1f64..10.0)),
        proptest::option::of(proptest::array::uniform4(0.0f64..1.0)),
        proptest::option::of(0.0f32..=1.0),
        0.0f64..4.0e9,
    )
        .prop_map(
            |((t, r1, r2), (lat, lon, alt), (h, v), vel, class, confidence, time)| {
                let d = Detection {
                    report_id: builders::ulid(t, r1),
                    object_id: builders::ulid(t / 2, r2),
                    position: Geodetic::new(lat, lon, alt),
                    sigma_h_m: h,
                    sigma_v_m: v,
                    velocity: vel.map(|(vx, vy, vz, s)| Velocity {
                        vx,
                        vy,
                        vz,
                        sigma_mps: s,
                    }),
                    class: class.map(|c| ClassProbs(c).normalized()),
                    confidence,
                };
                (d, time)
            },
        )
}

fn envelope() -> Envelope {
    Envelope {
        node_id: "6f582b41-6c88-481c-bb0f-6021a1739f57".into(),
        destination_id: None,
    }
}

proptest! {
    #[test]
    fn detection_messages_round_trip((d, t) in detection()) {
        let msg = envelope().message(
            Timestamp::from_secs(t).unwrap(),
            Content::DetectionReport(builders::detection_report(&d)),
        );
        prop_assert_eq!(msg.validate(), vec![]);
        let bytes = encode_v2(&msg);
        prop_assert_eq!(picket_sapient::wire::validate_bytes(&bytes).unwrap(), vec![]);
        let back = decode_v2(&bytes).unwrap();
        prop_assert_eq!(&back, &msg);
        // Through canonical JSON and back as well.
        let text = json::bytes_to_json_string(json::Version::V2_0, &bytes).unwrap();
        prop_assert_eq!(json::from_json_v2(&text).unwrap(), msg);
    }

    #[test]
    fn frames_survive_any_split(
        payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8),
        cuts in proptest::collection::vec(any::<usize>(), 0..10),
    ) {
        let stream: Vec<u8> = payloads.iter().flat_map(|p| encode_frame(p)).collect();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (stream.len() + 1)).collect();
        cuts.push(0);
        cuts.push(stream.len());
        cuts.sort_unstable();
        let mut d = Deframer::new(300);
        let mut got = Vec::new();
        for w in cuts.windows(2) {
            got.extend(d.push_frames(&stream[w[0]..w[1]]).unwrap().into_iter().map(|f| f.payload));
        }
        prop_assert!(d.finish().is_ok());
        prop_assert_eq!(&got, &payloads);
        let whole: Vec<Vec<u8>> = split_frames(&stream, 300).unwrap().into_iter().map(|(_, p)| p.to_vec()).collect();
        prop_assert_eq!(whole, payloads);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let wire = picket_sapient::wire::validate_bytes(&bytes);
        if let Ok(msg) = decode_v2(&bytes) {
            let mut a: Vec<_> = msg.validate().into_iter().map(|e| (e.rule.name(), e.field)).collect();
            let mut b: Vec<_> = wire.expect("wire accepts what prost accepts").into_iter().map(|e| (e.rule.name(), e.field)).collect();
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
            let _ = json::check_bytes(&bytes);
        } else {
            prop_assert!(wire.is_err(), "wire accepts what prost rejects");
        }
        let mut d = Deframer::new(64);
        let _ = d.push_frames(&bytes);
    }
}

fn golden() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    let mut stack = vec![
        root.join("valid"),
        root.join("simulator_defaults"),
        root.join("invalid"),
    ];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "bin") {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Mutated real messages: the zero-copy validator accepts exactly what prost accepts and
    /// reports the same violations.
    #[test]
    fn wire_and_struct_validators_agree_on_mutations(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let all = golden();
        let mut bytes = all[pick.index(all.len())].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.truncate(i),
                _ => bytes.insert(i, byte),
            }
        }
        let wire = picket_sapient::wire::validate_bytes(&bytes);
        match decode_v2(&bytes) {
            Ok(msg) => {
                let mut a: Vec<_> = msg.validate().into_iter().map(|e| (e.rule.name(), e.field)).collect();
                let mut b: Vec<_> = wire.expect("wire accepts what prost accepts").into_iter().map(|e| (e.rule.name(), e.field)).collect();
                a.sort();
                b.sort();
                prop_assert_eq!(a, b);
            }
            Err(_) => prop_assert!(wire.is_err(), "wire accepts what prost rejects"),
        }
    }
}
