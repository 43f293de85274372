//! Reads the real Remote ID captures kept in picket-remoteid's test data (opendroneid
//! wireshark-dissector samples, Apache-2.0; see that folder's README).

use picket_capture::{BlePhy, Capture, Payload, link_type};

fn data(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../picket-remoteid/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn wifi_beacon_pcap_has_21_radiotap_beacons() {
    let file = data("odid_wifi_bcn_sample.pcap");
    let frames: Vec<_> = Capture::new(&file).unwrap().map(Result::unwrap).collect();
    assert_eq!(frames.len(), 21);
    assert_eq!(frames[0].index, 1);
    assert_eq!(frames[0].link_type, link_type::IEEE802_11_RADIOTAP);
    assert!((frames[0].time_s - 1621633931.161999).abs() < 1e-6);
    for f in &frames {
        let Payload::Wifi(w) = f.payload else {
            panic!("frame {}: {:?}", f.index, f.payload)
        };
        assert!(w.is_beacon());
        assert_eq!(w.addr1, [0xff; 6]);
    }
}

#[test]
fn nordic_pcapng_has_274_coded_phy_adverts() {
    let file = data("odid_bt5_lr_sample.pcapng");
    let frames: Vec<_> = Capture::new(&file).unwrap().map(Result::unwrap).collect();
    assert_eq!(frames.len(), 274);
    let mut crc_failed = 0;
    for f in &frames {
        assert_eq!(f.link_type, link_type::NORDIC_BLE);
        let Payload::Ble(b) = f.payload else {
            panic!("frame {}: {:?}", f.index, f.payload)
        };
        assert_eq!(b.access_address, picket_capture::ADVERTISING_ACCESS_ADDRESS);
        assert_eq!(b.phy, Some(BlePhy::LeCoded));
        if b.crc_ok == Some(false) {
            crc_failed += 1;
        }
    }
    assert_eq!(
        crc_failed, 30,
        "MANIFEST: 30 frames carry the CRC-fail flag"
    );
    let Payload::Ble(first) = frames[0].payload else {
        unreachable!()
    };
    assert_eq!(first.pdu_type, 7);
    assert_eq!(
        first.adv_address,
        Some([0xe0, 0x7d, 0xea, 0xeb, 0x2f, 0x1c])
    );
    assert_eq!(&first.data[..6], &[0xe9, 0x16, 0xfa, 0xff, 0x0d, 0x0c]);
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    for name in ["odid_wifi_bcn_sample.pcap", "odid_bt5_lr_sample.pcapng"] {
        let file = data(name);
        for cut in (0..file.len()).step_by(31) {
            if let Ok(capture) = Capture::new(&file[..cut]) {
                for frame in capture {
                    let _ = frame;
                }
            }
        }
    }
}
