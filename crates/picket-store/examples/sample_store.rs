//! Writes a small evidence store to try `picket verify` and `picket export` on:
//! two drones crossing a site for a minute, their raw frames, an alert's life and an audit row.
//!
//! `cargo run -p picket-store --example sample_store -- /tmp/site.db`

use picket_core::{
    Actor, AlertEvent, AlertId, AlertState, ClassProbs, Enu, Geodetic, Identity, RuleKind,
    SensorId, SensorSet, ThreatLevel, Timestamp, Track, TrackId, TrackStatus,
};
use picket_store::{AuditEntry, RawFrame, Record, StoreWriter, WriterConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: sample_store FILE.db")?;
    let config = WriterConfig {
        site_origin: Some(Geodetic::new(51.4700, -0.4543, 25.0)),
        ..WriterConfig::default()
    };
    let w = StoreWriter::open(path.as_ref(), config)?;
    let t0 = 1_795_935_600.0; // 2026-11-29T07:00:00Z
    let at = |s: f64| Timestamp::from_secs(t0 + s).ok_or("time");
    for step in 0..600u32 {
        let s = f64::from(step) * 0.1;
        for (id, vx) in [(1u64, 12.0), (2, -8.0)] {
            let position = Enu::new(-300.0 + vx * s, 40.0 * id as f64, 60.0);
            w.append_blocking(Record::Frame(RawFrame {
                sensor: SensorId(id as u16),
                received: at(s + 0.02)?,
                format: "json".into(),
                bytes: format!(
                    "{{\"id\":{id},\"x\":{:.1},\"y\":{:.1}}}",
                    position.x, position.y
                )
                .into_bytes(),
            }))?;
            w.append_blocking(Record::Track(Track {
                id: TrackId(id),
                time: at(s)?,
                position,
                velocity: Enu::new(vx, 0.0, 0.0),
                cov: [[0.0; 6]; 6],
                status: if s < 1.0 {
                    TrackStatus::Tentative
                } else {
                    TrackStatus::Confirmed
                },
                class: ClassProbs([0.8, 0.1, 0.05, 0.05]),
                identity: (id == 1).then(|| Identity::RemoteId("1596F3A7C2".into())),
                pilot: None,
                sensors: SensorSet(1 << id),
                last_update: at(s)?,
                update_count: step,
            }))?;
        }
    }
    let event = |t: f64, state, actor| -> Result<Record, &str> {
        Ok(Record::Alert(AlertEvent {
            alert: AlertId(1),
            time: at(t)?,
            track: TrackId(2),
            rule: RuleKind::NoRemoteId,
            zone: None,
            level: ThreatLevel::new(2),
            state,
            actor,
            cause: "drone broadcasting no Remote ID".into(),
        }))
    };
    w.append_blocking(event(5.0, AlertState::Raised, Actor::System)?)?;
    w.append_blocking(event(
        9.0,
        AlertState::Acknowledged,
        Actor::Operator("alice".into()),
    )?)?;
    w.append_blocking(Record::Audit(AuditEntry {
        time: at(9.0)?,
        actor: "alice".into(),
        action: "alert.acknowledge".into(),
        target: "A1".into(),
        detail: String::new(),
    }))?;
    w.close()?;
    println!("wrote {path}");
    Ok(())
}
