//! Record builders shared by the integration tests.
#![allow(dead_code)]

use picket_core::{
    Actor, AlertEvent, AlertId, AlertState, ClassProbs, Enu, Geodetic, Identity, Measurement,
    Report, RuleKind, SensorId, SensorSet, ThreatLevel, Timestamp, Track, TrackId, TrackStatus,
    Velocity,
};
use picket_store::{AuditEntry, RawFrame, Record};

pub const T0: f64 = 1_764_399_600.0;

pub fn ts(offset_s: f64) -> Timestamp {
    Timestamp::from_secs(T0 + offset_s).unwrap()
}

pub fn frame(i: u64, t: f64) -> RawFrame {
    RawFrame {
        sensor: SensorId((i % 3) as u16),
        received: ts(t),
        format: if i.is_multiple_of(2) {
            "asterix"
        } else {
            "beast"
        }
        .into(),
        bytes: (0..(8 + i % 40)).map(|k| (k as u8) ^ (i as u8)).collect(),
    }
}

pub fn report(i: u64, t: f64) -> Report {
    let mut r = Report::new(
        SensorId(2),
        ts(t),
        Measurement::Polar {
            range_m: 1000.0 + i as f64,
            az_rad: 0.5,
            el_rad: 0.01,
            sigma_range_m: 5.0,
            sigma_az_rad: 0.01,
            sigma_el_rad: 0.02,
        },
    );
    r.received = ts(t + 0.05);
    r.identity = Some(Identity::RemoteId(format!("SN{i:04}")));
    r.velocity = Some(Velocity {
        vx: 1.0,
        vy: -2.0,
        vz: 0.5,
        sigma_mps: 0.3,
    });
    r.class = Some(ClassProbs([0.6, 0.2, 0.1, 0.1]));
    r.pilot = Some(Geodetic::new(51.5, -0.1, 30.0));
    r
}

pub fn track(id: u64, t: f64, status: TrackStatus) -> Track {
    Track {
        id: TrackId(id),
        time: ts(t),
        position: Enu::new(100.0 + 10.0 * t, 50.0 * id as f64, 80.0),
        velocity: Enu::new(10.0, 0.0, 0.0),
        cov: [[1.0, 0.1, 0.0, 0.0, 0.0, 0.0]; 6],
        status,
        class: ClassProbs([0.7, 0.1, 0.1, 0.1]),
        identity: Some(Identity::Icao(0x4840d6)),
        pilot: None,
        sensors: SensorSet(5),
        last_update: ts(t),
        update_count: 7,
    }
}

pub fn alert(alert: u64, track: u64, t: f64, state: AlertState) -> AlertEvent {
    AlertEvent {
        alert: AlertId(alert),
        time: ts(t),
        track: TrackId(track),
        rule: RuleKind::Entry,
        zone: Some("runway <north> & \"apron\"".into()),
        level: ThreatLevel::new(3),
        state,
        actor: if state == AlertState::Acknowledged {
            Actor::Operator("alice".into())
        } else {
            Actor::System
        },
        cause: format!("K{track} inside zone runway"),
    }
}

pub fn audit(i: u64, t: f64) -> AuditEntry {
    AuditEntry {
        time: ts(t),
        actor: "alice".into(),
        action: "alert.acknowledge".into(),
        target: format!("A{i}"),
        detail: "{\"note\":\"seen, \\\"bird\\\"?\"}".into(),
    }
}

/// One of every kind, `n` times, interleaved.
pub fn mixed(n: u64) -> Vec<Record> {
    let mut out = Vec::new();
    for i in 0..n {
        let t = i as f64;
        out.push(Record::Frame(frame(i, t)));
        out.push(Record::Report(report(i, t)));
        out.push(Record::Track(track(i % 3, t, TrackStatus::Confirmed)));
        out.push(Record::Alert(alert(i, i % 3, t, AlertState::Raised)));
        out.push(Record::Audit(audit(i, t)));
    }
    out
}
