//! The narrow steps' bound never skips a track that gates, and narrow steps leave the tracks
//! they skip alone.

use crate::TrackerConfig;
use crate::gate::gate_threshold;
use crate::motion::{Belief, Predictor};
use crate::update::distance;
use picket_core::{
    Enu, Geodetic, Identity, Measurement, Report, SensorId, SensorKind, Site, Timestamp,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn at(t: f64) -> Timestamp {
    Timestamp::from_secs(t).unwrap()
}

/// Targets flying straight or turning in a 3 km box.
struct Target {
    position: Enu,
    velocity: Enu,
    turn_rad_s: f64,
}

impl Target {
    fn random(rng: &mut ChaCha8Rng) -> Self {
        let mut r = |lo: f64, hi: f64| rng.random_range(lo..hi);
        Self {
            position: Enu::new(r(-1500.0, 1500.0), r(-1500.0, 1500.0), r(20.0, 300.0)),
            velocity: Enu::new(r(-40.0, 40.0), r(-40.0, 40.0), r(-3.0, 3.0)),
            turn_rad_s: if r(0.0, 1.0) < 0.3 { r(-0.3, 0.3) } else { 0.0 },
        }
    }

    fn advance(&mut self, dt_s: f64) {
        let (s, c) = (self.turn_rad_s * dt_s).sin_cos();
        let v = self.velocity;
        self.velocity = Enu::new(c * v.x - s * v.y, s * v.x + c * v.y, v.z);
        self.position = Enu::new(
            self.position.x + dt_s * self.velocity.x,
            self.position.y + dt_s * self.velocity.y,
            self.position.z + dt_s * self.velocity.z,
        );
    }
}

fn site() -> (Site, SensorId, SensorId) {
    let mut site = Site::new("narrow", Geodetic::new(51.0, 0.0, 0.0));
    let scanner = site.add_sensor("scan", SensorKind::Generic, Enu::default());
    let rid = site.add_sensor("rid", SensorKind::RemoteId, Enu::default());
    (site, scanner, rid)
}

fn noisy(rng: &mut ChaCha8Rng, p: Enu, sigma_m: f64) -> Enu {
    let mut n = || sigma_m * (rng.random::<f64>() - 0.5) * 3.4;
    Enu::new(p.x + n(), p.y + n(), p.z + n())
}

/// Steps of a run: a scan a second (Pd 0.8), and between scans Remote ID messages from a few
/// targets, some far off their target (a gate's edge, or none at all).
fn steps(seed: u64, targets: usize, seconds: usize) -> Vec<(Timestamp, Vec<Report>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (_, scanner, rid) = site();
    let mut world: Vec<Target> = (0..targets).map(|_| Target::random(&mut rng)).collect();
    let mut out = Vec::new();
    let tick_s = 0.1;
    for tick in 0..seconds * 10 {
        let t = at(1.0 + tick as f64 * tick_s);
        for target in &mut world {
            target.advance(tick_s);
        }
        let mut reports = Vec::new();
        if tick % 10 == 0 {
            for target in &world {
                if rng.random::<f64>() < 0.8 {
                    let seen = noisy(&mut rng, target.position, 10.0);
                    reports.push(Report::new(scanner, t, Measurement::cartesian(seen, 10.0)));
                }
            }
        } else {
            for _ in 0..rng.random_range(0..4) {
                let k = rng.random_range(0..targets);
                let sigma_m = rng.random_range(2.0..40.0);
                let off_m = [0.0, 30.0, 100.0, 400.0][rng.random_range(0..4)];
                let shifted = noisy(&mut rng, world[k].position, off_m);
                let seen = noisy(&mut rng, shifted, sigma_m);
                let mut report = Report::new(rid, t, Measurement::cartesian(seen, sigma_m));
                report.identity = Some(Identity::RemoteId(format!("RID-{k}")));
                reports.push(report);
            }
        }
        out.push((t, reports));
    }
    out
}

#[test]
fn the_bound_keeps_every_track_that_gates() {
    for seed in 1..=6 {
        let (site, _, _) = site();
        let mut tracker = TrackerConfig::default().build(&site);
        let (mut narrow_steps, mut gated, mut near, mut skipped) = (0, 0, 0, 0);
        for (time, reports) in steps(seed, 60, 12) {
            let mut probe = tracker.clone();
            probe.scanned.clear();
            probe.note_scanned(reports.iter().map(|r| r.sensor));
            probe.load(&reports);
            if probe.is_narrow(time) {
                narrow_steps += 1;
                probe.find_near(time);
                for (k, (belief, &since)) in probe.beliefs.iter().zip(&probe.times).enumerate() {
                    let mut b = belief.clone();
                    probe.roles.predictor.predict(&mut b, time.since_s(since));
                    let gates = probe.detections.iter().any(|d| {
                        distance(b.estimate(), &d.model)
                            .is_some_and(|x| x.squared < gate_threshold(x.dimension))
                    });
                    let kept = probe.near.contains(&(k as u32));
                    assert!(
                        !gates || kept,
                        "seed {seed}: track {k} gates but was skipped"
                    );
                    gated += usize::from(gates);
                    near += usize::from(kept);
                    skipped += usize::from(!kept);
                }
            }
            tracker.step(time, &reports);
        }
        eprintln!(
            "seed {seed}: {narrow_steps} narrow steps, {gated} gated, {near} kept, {skipped} skipped"
        );
        assert!(
            narrow_steps > 50 && gated > 20,
            "seed {seed}: too few checks"
        );
        assert!(
            skipped > 10 * near,
            "seed {seed}: the bound skips too little"
        );
    }
}

#[test]
fn a_narrow_step_leaves_the_tracks_it_skips_at_their_time() {
    let (site, _, _) = site();
    let mut tracker = TrackerConfig::default().build(&site);
    let all = steps(7, 40, 6);
    let mut checked = 0;
    for (time, reports) in &all {
        let before: Vec<_> = tracker.tracks().collect();
        tracker.step(*time, reports);
        let wide = tracker.last_wide == Some(*time);
        let after: Vec<_> = tracker.tracks().collect();
        if wide || reports.is_empty() {
            assert!(wide || after == before, "an empty step changed the tracks");
            assert!(!wide || after.iter().all(|t| t.time == *time));
            continue;
        }
        for track in &after {
            let Some(old) = before.iter().find(|b| b.id == track.id) else {
                continue;
            };
            if old.time == track.time {
                // Its bookkeeping may change (an identity taken by another track), not its
                // estimate.
                let kinematics = |t: &picket_core::Track| (t.position, t.velocity, t.cov);
                assert_eq!(kinematics(old), kinematics(track), "a skipped track moved");
                checked += 1;
            } else {
                assert_eq!(track.time, *time);
            }
        }
        // The whole picture at one time, for displays and files, without changing the tracks.
        let snapshot: Vec<_> = tracker.tracks_at(*time).collect();
        assert!(snapshot.iter().all(|t| t.time == *time));
        assert_eq!(tracker.tracks().collect::<Vec<_>>(), after);
    }
    assert!(checked > 1000, "only {checked} skipped tracks seen");
}
