//! Encode → decode gives the same detection, and report → detection → report the same report.

use picket_core::{
    ClassProbs, Enu, Geodetic, Identity, Measurement, Report, SensorId, Timestamp, Velocity,
};
use picket_jsondet::{from_report, parse, to_json, to_lines, to_report};
use proptest::prelude::*;

fn measurement() -> impl Strategy<Value = Measurement> {
    let sigma = 0.001f64..100.0;
    prop_oneof![
        (
            -90.0f64..=90.0,
            -180.0f64..=180.0,
            -500.0f64..20_000.0,
            sigma.clone(),
            sigma.clone()
        )
            .prop_map(|(lat, lon, alt, h, v)| Measurement::Geodetic {
                position: Geodetic::new(lat, lon, alt),
                sigma_h_m: h,
                sigma_v_m: v,
            }),
        (-1e5f64..1e5, -1e5f64..1e5, -1e3f64..1e4, sigma.clone())
            .prop_map(|(x, y, z, s)| Measurement::cartesian(Enu::new(x, y, z), s)),
        (
            0.0f64..50_000.0,
            0.0f64..std::f64::consts::TAU,
            -1.5f64..1.5,
            sigma.clone(),
            0.0001f64..0.5,
            0.0001f64..0.5
        )
            .prop_map(|(r, a, e, sr, sa, se)| Measurement::Polar {
                range_m: r,
                az_rad: a,
                el_rad: e,
                sigma_range_m: sr,
                sigma_az_rad: sa,
                sigma_el_rad: se,
            }),
        (
            0.0f64..std::f64::consts::TAU,
            0.0001f64..0.5,
            proptest::option::of((-1.5f64..1.5, 0.0001f64..0.5))
        )
            .prop_map(|(a, s, el)| Measurement::Bearing {
                az_rad: a,
                sigma_az_rad: s,
                el
            }),
    ]
}

fn report() -> impl Strategy<Value = Report> {
    (
        measurement(),
        -1e9f64..4e9,
        proptest::option::of((-100.0f64..100.0, 0.01f64..10.0)),
        proptest::option::of((
            -100.0f64..100.0,
            -100.0f64..100.0,
            -20.0f64..20.0,
            0.01f64..10.0,
        )),
        proptest::option::of(prop_oneof![
            "[A-Z0-9]{1,20}".prop_map(Identity::RemoteId),
            (0u32..0x100_0000).prop_map(Identity::Icao),
            "[a-z0-9-]{1,12}".prop_map(Identity::SensorObject),
        ]),
        proptest::option::of(proptest::array::uniform4(0.0f64..=1.0)),
        proptest::option::of((-90.0f64..=90.0, -180.0f64..=180.0, -100.0f64..3000.0)),
    )
        .prop_map(|(m, t, vr, vel, ident, class, pilot)| {
            let mut r = Report::new(SensorId(7), Timestamp::from_secs(t).unwrap(), m);
            r.received = Timestamp::from_secs(t + 0.5).unwrap();
            r.radial_velocity = vr;
            r.velocity = vel.map(|(vx, vy, vz, s)| Velocity {
                vx,
                vy,
                vz,
                sigma_mps: s,
            });
            r.identity = ident;
            r.class = class.map(ClassProbs);
            r.pilot = pilot.map(|(a, b, c)| Geodetic::new(a, b, c));
            r
        })
}

proptest! {
    #[test]
    fn report_round_trips_through_json(r in report()) {
        let d = from_report(&r, "sensor-7");
        let text = to_json(&d);
        let back = parse(&text).unwrap();
        prop_assert_eq!(&back, &vec![d.clone()]);
        let mut r2 = to_report(&back[0], SensorId(7), r.received);
        // Angles go through degrees in the file: equal to within float rounding.
        match (&mut r2.measurement, &r.measurement) {
            (Measurement::Polar { az_rad, el_rad, sigma_az_rad, sigma_el_rad, .. },
             Measurement::Polar { az_rad: a, el_rad: e, sigma_az_rad: sa, sigma_el_rad: se, .. }) => {
                for (x, y) in [(az_rad, a), (el_rad, e), (sigma_az_rad, sa), (sigma_el_rad, se)] {
                    prop_assert!((*x - *y).abs() < 1e-12);
                    *x = *y;
                }
            }
            (Measurement::Bearing { az_rad, sigma_az_rad, el },
             Measurement::Bearing { az_rad: a, sigma_az_rad: sa, el: e }) => {
                prop_assert!((*az_rad - *a).abs() < 1e-12 && (*sigma_az_rad - *sa).abs() < 1e-12);
                (*az_rad, *sigma_az_rad) = (*a, *sa);
                if let (Some((x, sx)), Some((y, sy))) = (el.as_mut(), e) {
                    prop_assert!((*x - *y).abs() < 1e-12 && (*sx - *sy).abs() < 1e-12);
                    (*x, *sx) = (*y, *sy);
                }
            }
            _ => {}
        }
        prop_assert_eq!(r2, r);
    }

    #[test]
    fn streams_round_trip(rs in proptest::collection::vec(report(), 0..6)) {
        let ds: Vec<_> = rs.iter().map(|r| from_report(r, "s")).collect();
        prop_assert_eq!(parse(&to_lines(&ds)).unwrap(), ds);
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,200}") {
        let _ = parse(&s);
    }
}
