//! Scaffolding shared by picket-server's integration tests and its load example (which
//! includes this file by path): site-file sections, a Remote ID Location near the site,
//! the time of day ASTERIX carries, and waiting with a timeout.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use picket_formats::picket_remoteid::{Envelope, Location, Message};
use std::time::{Duration, Instant};

/// The test sites' origin (latitude, longitude in degrees).
pub const ORIGIN: (f64, f64) = (51.47, -0.45);
/// Metres per degree of latitude (near enough for positions a few km from the origin).
pub const M_PER_DEG_LAT: f64 = 111_320.0;

/// `[site]`: `id` at [`ORIGIN`], the reorder window, then `extra` lines.
pub fn site_section(id: &str, reorder_window_s: f64, extra: &str) -> String {
    format!(
        "[site]\nid = \"{id}\"\norigin = {{ lat_deg = {}, lon_deg = {}, alt_m = 0.0 }}\nreorder_window_s = {reorder_window_s:?}\n{extra}\n\n",
        ORIGIN.0, ORIGIN.1
    )
}

/// A `[[sensor]]` listening on loopback (port 0) over `protocol` (`udp`, `tcp`), then `extra`
/// lines.
pub fn sensor_section(name: &str, kind: &str, format: &str, protocol: &str, extra: &str) -> String {
    format!(
        "[[sensor]]\nname = \"{name}\"\nkind = \"{kind}\"\nformat = \"{format}\"\nlisten = {{ protocol = \"{protocol}\", bind = \"127.0.0.1:0\" }}\n{extra}\n\n"
    )
}

/// `[storage]` at `path`; `durability` as written (none: the default, power loss).
pub fn storage_section(path: &std::path::Path, durability: Option<&str>) -> String {
    let durability = durability.map_or(String::new(), |d| format!("durability = \"{d}\"\n"));
    format!(
        "[storage]\npath = {:?}\n{durability}\n",
        path.display().to_string()
    )
}

/// A protected zone `hq` of radius `r_m` around the origin up to `ceiling_m`, and an entry
/// rule of level 4.
pub fn protected_zone(r_m: f64, ceiling_m: f64) -> String {
    format!(
        "[[zone]]\nid = \"hq\"\nkind = \"protected\"\ncircle = {{ x = 0.0, y = 0.0, r_m = {r_m:?} }}\nceiling_m = {ceiling_m:?}\n\n[[rule]]\nkind = \"entry\"\nlevel = 4\n"
    )
}

/// Latitude and longitude `east_m`, `north_m` metres from the origin.
pub fn geodetic(east_m: f64, north_m: f64) -> (f64, f64) {
    (
        ORIGIN.0 + north_m / M_PER_DEG_LAT,
        ORIGIN.1 + east_m / (M_PER_DEG_LAT * ORIGIN.0.to_radians().cos()),
    )
}

/// A Remote ID Location message at `east_m` metres east of the origin, 60 m up, flying east
/// at 10 m/s.
pub fn rid_location(east_m: f64) -> Vec<u8> {
    let (latitude, longitude) = geodetic(east_m, 0.0);
    let loc = Location {
        status: 2,
        direction: 90.0,
        speed_horizontal: 10.0,
        latitude,
        longitude,
        altitude_geo: 60.0,
        altitude_baro: 60.0,
        height: 60.0,
        horiz_accuracy: 10,
        vert_accuracy: 4,
        speed_accuracy: 3,
        ..Location::default()
    };
    Envelope::new(Message::Location(loc)).encode().to_vec()
}

/// The time of day now, seconds (what ASTERIX plots carry).
pub fn time_of_day_s() -> f64 {
    picket_server::now().as_secs().rem_euclid(86_400.0)
}

/// Polls `ok` until it holds; panics after 20 s (so a broken build fails instead of hanging;
/// no test asserts on timing).
pub fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
