//! The core's release rules, driven directly (no sockets, no clock): a `frame_is_scan`
//! sensor's datagram steps as soon as the reorder watermark passes its slot's start, while
//! another sensor's waits for its slot to complete; both give the same tracks once released.

use picket_core::Timestamp;
use picket_formats::picket_asterix::{builders::Plot048, spec};
use picket_server::config::SiteConfig;
use picket_server::core::{Core, Output, StartRecord};

/// One radar sensor, `frame_is_scan` as given, 2 ms slots and a 1 ms reorder window.
fn core(frame_is_scan: bool) -> Core {
    let text = format!(
        r#"
[site]
id = "core"
origin = {{ lat_deg = 51.47, lon_deg = -0.45, alt_m = 0.0 }}
reorder_window_s = 0.001
step_quantum_s = 0.002

[[sensor]]
name = "radar"
kind = "radar"
format = "asterix"
frame_is_scan = {frame_is_scan}
listen = {{ protocol = "udp", bind = "127.0.0.1:0" }}

[storage]
path = "unused.db"
"#
    );
    let config = SiteConfig::parse(&text, "core.toml").expect("valid");
    let start = StartRecord {
        config_toml: text,
        alert_offset: 0,
        restored: Vec::new(),
    };
    Core::new(&config, &start).expect("core")
}

/// A scan of three plots at `tod_s` (time of day), one data block.
fn scan(tod_s: f64) -> Vec<u8> {
    let records: Vec<_> = (0..3)
        .map(|i| {
            let mut p = Plot048::new(0, 1, tod_s);
            p.range_nm = 1.0 + f64::from(i);
            p.azimuth_deg = 30.0 * f64::from(i);
            p.flight_level = Some(5.0);
            p.items()
        })
        .collect();
    let def = spec::lookup(48, None).unwrap();
    picket_formats::picket_asterix::json_encode::encode_block_json(def, &records).unwrap()
}

/// A time of day (whole 1/128 s, as ASTERIX carries it) early in its 2 ms slot, and a receive
/// time when the reorder watermark has passed it but not the slot's end.
fn times(core: &Core) -> (f64, Timestamp) {
    let day_s = 20_000.0 * 86_400.0;
    for k in 0..128 {
        let tod_s = 3_600.0 + f64::from(k) / 128.0;
        let t = Timestamp::from_secs(day_s + tod_s).unwrap();
        let slot = core.slot(t);
        if t.since_s(slot) < 0.0005 {
            return (tod_s, slot.plus_s(0.0025));
        }
    }
    unreachable!("some 1/128 s tick falls early in a 2 ms slot");
}

#[test]
fn a_whole_scan_steps_without_waiting_for_its_slot() {
    let (mut scans, mut slotted) = (core(true), core(false));
    let (tod_s, received) = times(&scans);
    let bytes = scan(tod_s);
    let (mut a, mut b) = (Output::default(), Output::default());
    scans.frame(picket_core::SensorId(0), received, &bytes, &mut a);
    slotted.frame(picket_core::SensorId(0), received, &bytes, &mut b);
    assert_eq!(a.reports.len(), 3);
    assert_eq!(a.steps.len(), 1, "the whole scan steps at once");
    assert!(b.steps.is_empty(), "a slotted sensor waits for its slot");
    assert_eq!(
        slotted.due_at(),
        Some(slotted.slot(a.steps[0].time).plus_s(0.003))
    );
    // Once the slot is complete, the slotted core takes the same step.
    let later = received.plus_s(0.002);
    assert!(slotted.tick_due(later));
    slotted.tick(later, &mut b);
    assert_eq!(b.steps, a.steps);
    // A second frame of the scan sensor in the same slot steps on its own, at the same time.
    a.clear();
    scans.frame(
        picket_core::SensorId(0),
        received.plus_s(0.0001),
        &bytes,
        &mut a,
    );
    assert_eq!(a.steps.len(), 1);
    assert_eq!(scans.too_late(), 0);
}

/// The sensors' stated coverage reaches the guard (where a radar should see a Remote ID
/// broadcaster), unless the guard's own `[[guard.coverage]]` already names the sensor.
#[test]
fn sensor_coverage_reaches_the_guard() {
    let text = r#"
[site]
id = "coverage"
origin = { lat_deg = 51.47, lon_deg = -0.45, alt_m = 0.0 }

[[sensor]]
name = "radar-1"
kind = "radar"
format = "asterix"
listen = { protocol = "udp", bind = "127.0.0.1:0" }
coverage = { range_m = 4000.0, boresight_deg = 90.0, fov_deg = 120.0 }

[[sensor]]
name = "radar-2"
kind = "radar"
format = "asterix"
listen = { protocol = "udp", bind = "127.0.0.1:0" }
coverage = { range_m = 9000.0 }

[[sensor]]
name = "rid"
kind = "remoteid"
format = "remoteid"
listen = { protocol = "udp", bind = "127.0.0.1:0" }

[[guard.coverage]]
sensor = "radar-2"
range_m = 2500.0

[storage]
path = "unused.db"
"#;
    let config = SiteConfig::parse(text, "coverage.toml").expect("valid");
    let mut coverage: Vec<(String, f64, Option<f64>)> = config
        .guard
        .guard
        .coverage
        .iter()
        .map(|c| (c.sensor.clone(), c.range_m, c.fov_deg))
        .collect();
    coverage.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        coverage,
        vec![
            ("radar-1".to_owned(), 4000.0, Some(120.0)),
            ("radar-2".to_owned(), 2500.0, None),
        ]
    );
}
