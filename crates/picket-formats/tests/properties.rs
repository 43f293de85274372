//! Any bytes, any format: no panic, and the walk ends with at most one item per input byte
//! (plus one), so no decoder loops or invents records.

mod common;

use picket_formats::{Format, Options, decode, detect};
use proptest::prelude::*;

fn check(bytes: &[u8]) {
    let detected = detect(bytes);
    for format in Format::ALL {
        let n = decode(format, bytes, &Options::default()).count();
        assert!(
            n <= bytes.len() + 1,
            "{format}: {n} items from {} bytes",
            bytes.len()
        );
    }
    if let Some(format) = detected {
        assert!(decode(format, bytes, &Options::default()).next().is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(&bytes);
    }

    #[test]
    fn mutated_samples(which in 0usize..3, at in any::<prop::sample::Index>(), value: u8, cut in any::<prop::sample::Index>()) {
        let mut bytes = match which {
            0 => common::read(common::BEAST),
            1 => common::read(common::WIFI_PCAP),
            _ => common::cat048_blocks(3),
        };
        let i = at.index(bytes.len());
        bytes[i] = value;
        let end = cut.index(bytes.len() + 1);
        check(&bytes[..end]);
    }
}
