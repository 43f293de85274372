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
        if let Ok(msg) = decode_v2(&bytes) {
            let _ = msg.validate();
            let _ = json::check_bytes(&bytes);
        }
        let mut d = Deframer::new(64);
        let _ = d.push_frames(&bytes);
    }
}
