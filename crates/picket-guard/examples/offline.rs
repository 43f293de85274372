//! Runs the guard offline over a scenario file and writes an alert file for `picket eval`,
//! until `picket track --alerts` is wired. Two sources of tracks:
//!
//! ```text
//! # tracks from a track file written by `picket track --cov`
//! cargo run --release -p picket-guard --example offline -- S.jsonl tracks T.jsonl A.jsonl
//! # tracks made from the scenario's truth (a perfect tracker: the guard's own score), with
//! # the truth class at p = 0.9 ("truth-class") or no class information ("truth-uniform");
//! # the tracks are written to T.jsonl so `picket eval` can assign alerts to targets
//! cargo run --release -p picket-guard --example offline -- S.jsonl truth-class T.jsonl A.jsonl
//! picket eval --scenario S.jsonl --tracks T.jsonl --alerts A.jsonl
//! ```
//!
//! A track that disappears from the file is passed to the guard as deleted. Track files carry
//! no sensor sets, so every track counts as seen by every sensor of the site. The reports of
//! each step are the scenario's detections since the previous step that carry an identity.

use picket_core::{AlertState, Enu, SensorSet, Timestamp, Track, TrackId, TrackStatus, ZoneKind};
use picket_guard::{Guard, GuardConfig, alert_records};
use picket_scenario::{Record, Scenario, TrackRecord, convert};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};

fn read(path: &str) -> Scenario {
    let file = File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::read(BufReader::new(file), path).unwrap_or_else(|e| panic!("{e}"))
}

/// Truth as track records: identity as broadcast, 10 m / 2 m/s sigmas.
fn truth_tracks(s: &Scenario, with_class: bool) -> Vec<TrackRecord> {
    let mut ids: BTreeMap<String, u64> = BTreeMap::new();
    let mut cov = vec![0.0; 36];
    for i in 0..3 {
        cov[i * 7] = 100.0;
        cov[(i + 3) * 7] = 4.0;
    }
    s.truth
        .iter()
        .map(|t| {
            let next = ids.len() as u64 + 1;
            let id = *ids.entry(t.id.clone()).or_insert(next);
            let p_class = ["drone", "bird", "aircraft", "other"]
                .iter()
                .map(|c| {
                    let p = match (with_class, t.class.as_deref() == Some(*c)) {
                        (false, _) => 0.25,
                        (true, true) => 0.9,
                        (true, false) => 0.1 / 3.0,
                    };
                    ((*c).to_owned(), p)
                })
                .collect();
            TrackRecord {
                t: t.t,
                id: format!("K{id}"),
                x: t.x,
                y: t.y,
                z: t.z,
                vx: t.vx,
                vy: t.vy,
                vz: t.vz,
                confirmed: true,
                class: None,
                p_class: Some(p_class),
                ident: t.ident.clone(),
                cov: Some(cov.clone()),
            }
        })
        .collect()
}

fn track(r: &TrackRecord, sensors: SensorSet) -> Track {
    let time = Timestamp::from_secs(r.t).expect("finite t");
    let mut cov = [[0.0; 6]; 6];
    match &r.cov {
        Some(c) if c.len() == 36 => (0..36).for_each(|k| cov[k / 6][k % 6] = c[k]),
        _ => (0..3).for_each(|i| {
            cov[i][i] = 100.0;
            cov[i + 3][i + 3] = 4.0;
        }),
    }
    Track {
        id: TrackId(r.id.trim_start_matches('K').parse().expect("track id K<n>")),
        time,
        position: Enu::new(r.x, r.y, r.z),
        velocity: Enu::new(r.vx, r.vy, r.vz),
        cov,
        status: if r.confirmed {
            TrackStatus::Confirmed
        } else {
            TrackStatus::Tentative
        },
        class: r
            .p_class
            .as_ref()
            .map(convert::class_probs)
            .unwrap_or_default(),
        identity: r.ident.as_ref().and_then(convert::identity),
        pilot: None,
        sensors,
        last_update: time,
        update_count: 10,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, scenario_path, mode, tracks_path, alerts_path] = args.as_slice() else {
        panic!("usage: offline S.jsonl tracks|truth-class|truth-uniform T.jsonl A.jsonl");
    };
    let scenario = read(scenario_path);
    let records = match mode.as_str() {
        "tracks" => read(tracks_path).tracks,
        "truth-class" | "truth-uniform" => {
            let records = truth_tracks(&scenario, mode == "truth-class");
            let mut out = BufWriter::new(File::create(tracks_path).expect("track file"));
            for r in &records {
                let line = serde_json::to_string(&Record::Track(r.clone())).expect("json");
                writeln!(out, "{line}").expect("write");
            }
            records
        }
        other => panic!("unknown mode {other}"),
    };
    let (site, reports) = scenario.site_and_reports().expect("scenario site");
    let mut every_sensor = SensorSet::default();
    site.sensors()
        .iter()
        .for_each(|s| every_sensor.insert(s.id));
    let config = GuardConfig::from_scenario(&scenario).expect("scenario zones");
    let mut guard = Guard::new(&config, &site).expect("guard");

    let mut steps: BTreeMap<u64, (f64, Vec<&TrackRecord>)> = BTreeMap::new();
    for r in &records {
        steps
            .entry(r.t.to_bits())
            .or_insert((r.t, Vec::new()))
            .1
            .push(r);
    }
    let mut steps: Vec<_> = steps.into_values().collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut live, mut last) = (BTreeSet::new(), BTreeMap::new());
    let (mut next_report, mut events) = (0, Vec::new());
    let started = std::time::Instant::now();
    let mut updates = 0usize;
    for (t, recs) in steps {
        let time = Timestamp::from_secs(t).expect("finite t");
        let mut step_reports = Vec::new();
        while next_report < reports.len() && reports[next_report].time <= time {
            if reports[next_report].identity.is_some() {
                step_reports.push(reports[next_report].clone());
            }
            next_report += 1;
        }
        let mut tracks: Vec<Track> = recs.iter().map(|r| track(r, every_sensor)).collect();
        let now: BTreeSet<TrackId> = tracks.iter().map(|t| t.id).collect();
        tracks.iter().for_each(|t| {
            last.insert(t.id, t.clone());
        });
        for gone in live.difference(&now) {
            let mut d: Track = last.remove(gone).expect("seen");
            d.status = TrackStatus::Deleted;
            tracks.push(d);
        }
        live = now;
        updates += tracks.len();
        events.extend(guard.step(time, &tracks, &step_reports));
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    let mut out = BufWriter::new(File::create(alerts_path).expect("alert file"));
    for r in alert_records(&events) {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&Record::Alert(r)).expect("json")
        )
        .expect("write");
    }
    let mut raised: BTreeMap<&str, usize> = BTreeMap::new();
    for e in events.iter().filter(|e| e.state == AlertState::Raised) {
        *raised.entry(e.rule.as_str()).or_default() += 1;
    }
    let protected = guard
        .compiled()
        .zones
        .iter()
        .filter(|z| z.zone.kind == ZoneKind::Protected)
        .count();
    eprintln!(
        "{} events ({updates} track updates, {protected} protected zones, {:.2} us per update wall); raised by rule: {raised:?}",
        events.len(),
        elapsed_s * 1e6 / updates.max(1) as f64
    );
}
