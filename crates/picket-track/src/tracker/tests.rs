//! The tracker's own checks: bad input and out-of-sequence steps.

use crate::TrackerConfig;
use picket_core::{Enu, Geodetic, Measurement, Report, SensorId, SensorKind, Site, Timestamp};

fn at(t: f64) -> Timestamp {
    Timestamp::from_secs(t).unwrap()
}

#[test]
fn out_of_sequence_and_bad_reports_are_counted_not_used() {
    let mut site = Site::new("t", Geodetic::new(0.0, 0.0, 0.0));
    let s = site.add_sensor("S0", SensorKind::Generic, Enu::default());
    let mut tracker = TrackerConfig::default().build(&site);
    let good = |t| {
        Report::new(
            s,
            at(t),
            Measurement::cartesian(Enu::new(1.0, 2.0, 3.0), 5.0),
        )
    };
    let nan = Report::new(
        s,
        at(1.0),
        Measurement::cartesian(Enu::new(f64::NAN, 2.0, 3.0), 5.0),
    );
    let stranger = Report::new(
        SensorId(9),
        at(1.0),
        Measurement::cartesian(Enu::default(), 5.0),
    );
    let rejects = tracker.step(at(1.0), &[good(1.0), nan, stranger]).to_vec();
    assert_eq!(rejects.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(tracker.len(), 1);
    tracker.step(at(0.5), &[good(0.5)]);
    let c = tracker.counters();
    assert_eq!((c.reports, c.rejected, c.out_of_sequence), (4, 2, 1));
    assert_eq!(tracker.len(), 1);
    assert_eq!(tracker.time(), Some(at(1.0)));
}
