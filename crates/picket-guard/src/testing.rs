//! Small builders for tests, examples and benchmarks: tracks as a tracker would publish them.

use picket_core::{
    ClassProbs, Enu, Measurement, Report, SensorId, SensorSet, Timestamp, Track, TrackId,
    TrackStatus,
};

/// A confirmed track at `t_s`, probably a drone (0.8), with 5 m and 1 m/s standard deviations,
/// seen by sensor 0.
pub fn track(id: u64, t_s: f64, position: [f64; 3], velocity: [f64; 3]) -> Track {
    let mut cov = [[0.0; 6]; 6];
    for i in 0..3 {
        cov[i][i] = 25.0;
        cov[i + 3][i + 3] = 1.0;
    }
    let mut sensors = SensorSet::default();
    sensors.insert(SensorId(0));
    let time = Timestamp::from_secs(t_s).unwrap_or(Timestamp::ZERO);
    Track {
        id: TrackId(id),
        time,
        position: Enu::new(position[0], position[1], position[2]),
        velocity: Enu::new(velocity[0], velocity[1], velocity[2]),
        cov,
        status: TrackStatus::Confirmed,
        class: ClassProbs([0.8, 0.1, 0.05, 0.05]),
        identity: None,
        pilot: None,
        sensors,
        last_update: time,
        update_count: 10,
    }
}

/// A Cartesian report from `sensor` at `t_s` with isotropic `sigma_m`.
pub fn report(sensor: u16, t_s: f64, position: [f64; 3], sigma_m: f64) -> Report {
    let time = Timestamp::from_secs(t_s).unwrap_or(Timestamp::ZERO);
    Report::new(
        SensorId(sensor),
        time,
        Measurement::cartesian(Enu::new(position[0], position[1], position[2]), sigma_m),
    )
}
