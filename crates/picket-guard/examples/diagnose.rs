//! Why did the guard alert? Runs picket's own tracker (default IMM configuration, the same
//! grouping as `picket track`) and the guard over a scenario file, and prints every raised
//! alert with its cause, the track's state and the nearest truth target at that time:
//!
//! ```text
//! cargo run --release -p picket-guard --example diagnose -- S.jsonl [RULE ...]
//! ```
//!
//! With rule names (`entry`, `spoof_suspected`, ...), only those alerts are printed. A
//! diagnostic for BENCHMARKS.md's guard section, not part of the library. Environment:
//! `RULES=r.toml` runs that file's `[[rule]]`s instead of the defaults (to compare rule
//! settings on one tracker run); `ALERTS=a.jsonl` writes the alert file for `picket eval`
//! (with the track file `picket track` writes for the same scenario); `TRACE=SERIAL` prints
//! the broadcasts and bound tracks of that identity; `SUPPORT=1` prints, per Remote ID
//! broadcast, whether a radar track confirms it; `TRACKS_OUT=t.jsonl` writes the confirmed
//! tracks as `picket track` does (to score a tracker change without rebuilding `picket`).

use picket_core::{AlertState, Report, Timestamp, Track, TrackId};
use picket_guard::{Guard, GuardConfig};
use picket_scenario::{Scenario, Truth};
use picket_track::TrackerConfig;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;

fn read(path: &str) -> Scenario {
    let file = File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::read(BufReader::new(file), path).unwrap_or_else(|e| panic!("{e}"))
}

fn nearest<'a>(truth: &'a [Truth], t: f64, track: &Track) -> Option<(&'a Truth, f64)> {
    truth
        .iter()
        .filter(|r| (r.t - t).abs() <= 0.5)
        .map(|r| {
            let d = (r.x - track.position.x)
                .hypot(r.y - track.position.y)
                .hypot(r.z - track.position.z);
            (r, d)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: diagnose S.jsonl [RULE ...]");
    let only: Vec<&str> = args[2..].iter().map(String::as_str).collect();
    let scenario = read(path);
    let (site, reports) = scenario.site_and_reports().expect("scenario site");
    let mut config = GuardConfig::from_scenario(&scenario).expect("scenario zones");
    if let Ok(rules) = std::env::var("RULES") {
        let text = std::fs::read_to_string(&rules).expect("rules file");
        config.rule = GuardConfig::load(&text, &rules).expect("rules").rule;
    }
    let mut all_events = Vec::new();
    let mut track_out = std::env::var("TRACKS_OUT").ok().map(|path| {
        picket_scenario::Writer::new(std::io::BufWriter::new(
            File::create(&path).expect("track file"),
        ))
    });
    let mut guard = Guard::new(&config, &site).expect("guard");
    let mut tracker = TrackerConfig::default().build(&site);
    let groups = scenario.groups(&reports);
    let mut first_seen: BTreeMap<TrackId, f64> = BTreeMap::new();
    let mut cooperative = Vec::new();
    let trace = std::env::var("TRACE").ok();
    let support = std::env::var("SUPPORT").is_ok();
    for (k, (t, group)) in groups.iter().enumerate() {
        let time = Timestamp::from_secs(*t).expect("finite t");
        tracker.step(time, group);
        guard.end_tracks(time, tracker.deleted());
        cooperative.extend(
            group
                .iter()
                .filter(|r| r.identity.as_ref().is_some_and(|i| i.is_cooperative()))
                .cloned(),
        );
        if groups
            .get(k + 1)
            .is_some_and(|n| n.0.to_bits() == t.to_bits())
        {
            continue;
        }
        let mut tracks: Vec<Track> = tracker.tracks_at(time).collect();
        tracks.sort_unstable_by_key(|t| t.id);
        for tr in tracks.iter().filter(|t| t.status.is_confirmed()) {
            first_seen.entry(tr.id).or_insert(*t);
        }
        if let Some(serial) = &trace {
            for r in cooperative.iter().filter(|r| {
                r.identity
                    .as_ref()
                    .is_some_and(|i| format!("{i:?}").contains(serial.as_str()))
            }) {
                println!("  t={t:.1} broadcast {:?}", r.measurement);
            }
            for tr in tracks.iter().filter(|x| {
                x.identity
                    .as_ref()
                    .is_some_and(|i| format!("{i:?}").contains(serial.as_str()))
            }) {
                let truth = nearest(&scenario.truth, *t, tr)
                    .map_or("-".to_owned(), |(r, d)| format!("{} at {d:.0} m", r.id));
                println!(
                    "  t={t:.1} bound {} {:?} ({:.0}, {:.0}, {:.0}) sensors {:#x} last_update {:.1} | {truth}",
                    tr.id,
                    tr.status,
                    tr.position.x,
                    tr.position.y,
                    tr.position.z,
                    tr.sensors.0,
                    tr.last_update.as_secs()
                );
            }
        }
        if support {
            print_support(&scenario, &site, *t, &tracks, &cooperative);
        }
        let events = guard.step(time, &tracks, &cooperative);
        cooperative.clear();
        all_events.extend(events.iter().cloned());
        if let Some(w) = track_out.as_mut() {
            for tr in tracks.iter().filter(|t| t.status.is_confirmed()) {
                let r = picket_scenario::convert::track_record(*t, tr, false);
                w.write(&picket_scenario::Record::Track(r)).expect("write");
            }
        }
        for e in events.iter().filter(|e| e.state == AlertState::Raised) {
            let rule = e.rule.as_str();
            if !only.is_empty() && !only.contains(&rule) {
                continue;
            }
            let Some(tr) = tracks.iter().find(|x| x.id == e.track) else {
                continue;
            };
            let age = first_seen.get(&tr.id).map_or(0.0, |f| t - f);
            let truth = nearest(&scenario.truth, *t, tr).map_or("-".to_owned(), |(r, d)| {
                format!(
                    "{} {:?} {:?} {:?}{} at {d:.0} m",
                    r.id,
                    r.class.as_deref().unwrap_or("-"),
                    r.role,
                    r.ident,
                    if r.spoofed { " SPOOFED" } else { "" }
                )
            });
            println!(
                "t={t:.1} {} {rule} {} | {} | track age {age:.1} s, {} updates, r {:.0} m, p {:?}, id {:?}, sensors {:#x} | nearest truth {truth}",
                e.track,
                e.zone.as_deref().unwrap_or("-"),
                e.cause,
                tr.update_count,
                tr.position.x.hypot(tr.position.y),
                tr.class.0.map(|p| (p * 100.0).round() / 100.0),
                tr.identity,
                tr.sensors.0,
            );
        }
    }
    if let Some(w) = track_out {
        w.finish().expect("flush");
    }
    if let Ok(path) = std::env::var("ALERTS") {
        let mut w = picket_scenario::Writer::new(std::io::BufWriter::new(
            File::create(&path).expect("alert file"),
        ));
        for r in picket_guard::alert_records(&all_events) {
            w.write(&picket_scenario::Record::Alert(r)).expect("write");
        }
        w.finish().expect("flush");
    }
}

/// One line per Remote ID broadcast: range, whether its sender is spoofed, and whether a
/// confirmed track with a radar behind it lies within the χ² gate (floor 10 m), updated how
/// long ago.
fn print_support(
    s: &Scenario,
    site: &picket_core::Site,
    t: f64,
    tracks: &[Track],
    reports: &[Report],
) {
    use picket_core::{Identity, Measurement, SensorKind};
    let radar: u64 = site
        .sensors()
        .iter()
        .filter(|x| x.kind == SensorKind::Radar)
        .map(|x| 1u64 << x.id.0)
        .sum();
    for r in reports {
        let Some(Identity::RemoteId(serial)) = &r.identity else {
            continue;
        };
        let Measurement::Position { position: p, .. } = r.measurement else {
            continue;
        };
        let spoofed = s.truth.iter().any(|x| {
            x.spoofed && matches!(&x.ident, Some(picket_scenario::Ident::Rid(v)) if v == serial)
        });
        let mut best: Option<(f64, f64, bool)> = None;
        for tr in tracks
            .iter()
            .filter(|x| x.status.is_confirmed() && x.sensors.0 & radar != 0)
        {
            let dt = r.time.since_s(tr.time);
            let c = &tr.cov;
            let d = [
                p.x - tr.position.x - tr.velocity.x * dt,
                p.y - tr.position.y - tr.velocity.y * dt,
                p.z - tr.position.z - tr.velocity.z * dt,
            ];
            let m = nalgebra::Matrix3::from_fn(|i, j| {
                c[i][j]
                    + dt * (c[i][j + 3] + c[i + 3][j])
                    + dt * dt * c[i + 3][j + 3]
                    + if i == j { 9.0 + 100.0 } else { 0.0 }
            });
            let nu = nalgebra::Vector3::from(d);
            let Some(ch) = m.cholesky() else { continue };
            let d2 = nu.dot(&ch.solve(&nu));
            if d2 <= 16.27 {
                let age = t - tr
                    .last_update
                    .since_s(picket_core::Timestamp::from_secs(0.0).unwrap());
                let bound = tr.identity == r.identity;
                if best.is_none_or(|b| age < b.1) {
                    best = Some((d2, age, bound));
                }
            }
        }
        println!(
            "SUP t={t:.1} {serial} spoofed={spoofed} r={:.0} supported={} age={:.1} bound={}",
            p.x.hypot(p.y),
            best.is_some(),
            best.map_or(-1.0, |b| b.1),
            best.is_some_and(|b| b.2)
        );
    }
}
