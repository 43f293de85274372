//! Geodesy against published reference points and an independent implementation (map_3d),
//! plus property tests for the round trips the issue requires: within 1 mm anywhere on Earth
//! from -500 m to 20 km altitude.

use picket_core::{Ecef, Enu, Geodetic, LocalFrame};
use proptest::prelude::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// GeographicLib's CartConvert documentation example: `echo 33.3 44.4 6000 | CartConvert`
/// prints `3816209.60 3737108.55 3485109.57`; with `-l 33 44 20` it prints
/// `37288.97 33374.29 5783.64` (values printed to 1 cm). The documented up value is 6.6 mm
/// below what both this crate and map_3d compute, so the local check allows 1 cm.
#[test]
fn geographiclib_cartconvert_example() {
    let p = Geodetic::new(33.3, 44.4, 6000.0);
    let e = p.to_ecef();
    assert!(close(e.x_m, 3_816_209.60, 0.006), "{e:?}");
    assert!(close(e.y_m, 3_737_108.55, 0.006), "{e:?}");
    assert!(close(e.z_m, 3_485_109.57, 0.006), "{e:?}");
    let local = LocalFrame::new(Geodetic::new(33.0, 44.0, 20.0)).to_enu(&p);
    assert!(close(local.x, 37_288.97, 0.006), "{local:?}");
    assert!(close(local.y, 33_374.29, 0.006), "{local:?}");
    assert!(close(local.z, 5_783.64, 0.01), "{local:?}");
    let (e, n, u) = map_3d::geodetic2enu(
        33.3f64.to_radians(),
        44.4f64.to_radians(),
        6000.0,
        33.0f64.to_radians(),
        44.0f64.to_radians(),
        20.0,
        map_3d::Ellipsoid::WGS84,
    );
    assert!(
        close(local.x, e, 1e-6) && close(local.y, n, 1e-6) && close(local.z, u, 1e-6),
        "map_3d: {e} {n} {u}"
    );
}

/// Defining points of the ellipsoid: equator/prime meridian, equator at 90°E, north pole.
#[test]
fn ellipsoid_axes() {
    let cases = [
        (Geodetic::new(0.0, 0.0, 0.0), (6_378_137.0, 0.0, 0.0)),
        (Geodetic::new(0.0, 90.0, 0.0), (0.0, 6_378_137.0, 0.0)),
        (Geodetic::new(0.0, 180.0, 1000.0), (-6_379_137.0, 0.0, 0.0)),
        (Geodetic::new(90.0, 0.0, 0.0), (0.0, 0.0, 6_356_752.314_245)),
        (
            Geodetic::new(-90.0, 0.0, -500.0),
            (0.0, 0.0, -6_356_252.314_245),
        ),
    ];
    for (g, (x, y, z)) in cases {
        let e = g.to_ecef();
        assert!(
            close(e.x_m, x, 1e-6) && close(e.y_m, y, 1e-6) && close(e.z_m, z, 1e-6),
            "{g:?} -> {e:?}"
        );
        let back = e.to_geodetic();
        assert!(
            close(back.lat_deg, g.lat_deg, 1e-9) && close(back.alt_m, g.alt_m, 1e-6),
            "{back:?}"
        );
    }
}

fn geodetic() -> impl Strategy<Value = Geodetic> {
    (-90.0f64..=90.0, -180.0f64..180.0, -500.0f64..=20_000.0)
        .prop_map(|(a, b, h)| Geodetic::new(a, b, h))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn geodetic_ecef_round_trip_within_1mm(g in geodetic()) {
        let back = g.to_ecef().to_geodetic();
        // Compare as positions: angle differences at the pole are meaningless.
        let d = distance(&g.to_ecef(), &back.to_ecef());
        prop_assert!(d < 1e-3, "{:?} -> {:?}: {} m", g, back, d);
        prop_assert!((back.alt_m - g.alt_m).abs() < 1e-3);
        if g.lat_deg.abs() < 89.999 {
            prop_assert!((back.lat_deg - g.lat_deg).abs() < 1e-9);
        }
    }

    #[test]
    fn matches_map_3d(g in geodetic()) {
        let e = g.to_ecef();
        let (x, y, z) = map_3d::geodetic2ecef(g.lat_deg.to_radians(), g.lon_deg.to_radians(), g.alt_m, map_3d::Ellipsoid::WGS84);
        let theirs = Ecef { x_m: x, y_m: y, z_m: z };
        prop_assert!(distance(&e, &theirs) < 1e-6);
        let (lat, _lon, h) = map_3d::ecef2geodetic(x, y, z, map_3d::Ellipsoid::WGS84);
        let ours = e.to_geodetic();
        prop_assert!((ours.lat_deg - lat.to_degrees()).abs() < 1e-8, "{:?} vs {}", ours, lat.to_degrees());
        prop_assert!((ours.alt_m - h).abs() < 1e-3);
    }

    #[test]
    fn enu_round_trip_within_1mm(origin in geodetic(), e in -30_000.0f64..30_000.0, n in -30_000.0f64..30_000.0, u in -500.0f64..20_000.0) {
        let origin = Geodetic::new(origin.lat_deg.clamp(-89.9, 89.9), origin.lon_deg, origin.alt_m.min(3000.0));
        let frame = LocalFrame::new(origin);
        let p = Enu::new(e, n, u);
        let g = frame.to_geodetic(&p);
        let back = frame.to_enu(&g);
        prop_assert!(back.distance_m(&p) < 1e-3, "{:?} -> {:?} -> {:?}", p, g, back);
        // And geodetic -> enu -> geodetic.
        let again = frame.to_geodetic(&frame.to_enu(&g));
        prop_assert!(distance(&again.to_ecef(), &g.to_ecef()) < 1e-3);
    }
}

fn distance(a: &Ecef, b: &Ecef) -> f64 {
    ((a.x_m - b.x_m).powi(2) + (a.y_m - b.y_m).powi(2) + (a.z_m - b.z_m).powi(2)).sqrt()
}
