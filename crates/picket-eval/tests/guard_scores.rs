//! Classification and spoof scoring on the small fixtures of `tests/data/make_guard_fixtures.py`,
//! against figures worked out by hand from those files.

use picket_eval::{Params, evaluate, score_alerts};
use picket_scenario::Scenario;
use std::collections::BTreeMap;
use std::path::Path;

fn read(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let file = std::fs::File::open(&path).unwrap();
    Scenario::read(std::io::BufReader::new(file), name).unwrap()
}

fn row(cells: &[(&str, usize)]) -> BTreeMap<String, usize> {
    cells.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

#[test]
fn classification_on_confirmed_tracks() {
    let scenario = read("class_scenario.jsonl");
    let tracks = read("class_tracks.jsonl");
    let c = evaluate(&scenario, &tracks, &Params::default())
        .unwrap()
        .classification;
    // Scored samples (paired confirmed tracks whose target has a class):
    //   KD–D1 at t = 0..3: labels bird (argmax 0.6), drone (class field), drone (p_class over
    //     class), bird (0.5/0.5 tie: alphabetically first)         → 4 samples, 2 right
    //   KB–B1 at t = 0..2: unknown, bird, bird                       → 3 samples, 2 right
    //   KB2–B1 at t = 3 (KB is 150 m off then): bird                → 1 sample, 1 right
    //   KA–A1 at t = 0..3: drone for an aircraft                     → 4 samples, 0 right
    // Not scored: KX (its target X1 has no class), KA2 (unpaired: KA is nearer), KB at t = 3
    // (beyond the cut-off), KT (tentative).
    assert_eq!((c.samples, c.correct), (12, 5));
    assert_eq!(c.accuracy, Some(5.0 / 12.0));
    let expected = BTreeMap::from([
        ("aircraft".to_owned(), row(&[("drone", 4)])),
        ("bird".to_owned(), row(&[("bird", 3), ("unknown", 1)])),
        ("drone".to_owned(), row(&[("bird", 2), ("drone", 2)])),
    ]);
    assert_eq!(c.confusion, expected);
    // Pairings: KD–D1 (2 drone vs 2 bird: a tie, wrong), KB–B1 (bird 2 > unknown 1: right),
    // KB2–B1 (right), KA–A1 (wrong).
    assert_eq!((c.pairings, c.pairings_correct), (4, 2));
    assert_eq!(c.majority_accuracy, Some(0.5));
    let table = c.to_string();
    assert!(table.contains("5 of 12 samples right (41.7 %)"), "{table}");
    // Columns bird, drone, unknown.
    let aircraft_row = format!("  {:<14}{:>10}{:>10}{:>10}", "aircraft", 0, 4, 0);
    assert!(table.contains(&aircraft_row), "{table}");
}

#[test]
fn no_classed_truth_means_no_accuracy() {
    let scenario = read("class_scenario.jsonl");
    let mut tracks = read("class_tracks.jsonl");
    // Keep only KX, the track on the unclassed target.
    tracks.tracks.retain(|t| t.id == "KX");
    let c = evaluate(&scenario, &tracks, &Params::default())
        .unwrap()
        .classification;
    assert_eq!((c.samples, c.pairings), (0, 0));
    assert_eq!((c.accuracy, c.majority_accuracy), (None, None));
}

#[test]
fn spoof_flags_and_copiers() {
    let scenario = read("spoof_scenario.jsonl");
    let tracks = read("spoof_tracks.jsonl");
    let alerts = read("spoof_alerts.jsonl");
    let a = score_alerts(&scenario, &tracks, &alerts, &Params::default()).unwrap();
    let s = &a.spoof;
    // Spoofed: S1, S2 and S3 (S3 only from t = 4, but any line marks the target).
    // Raised spoof_suspected: t = 3 KS1, 5 KH1, 6 KH1, 7 KZ (no such track), 7.5 KF, 7.6 KG,
    // 7.7 KH (the last three unpaired: broadcast-only tracks far from every target), 9 KS3.
    assert_eq!(s.spoofed_targets, 3);
    assert_eq!(s.spoofed_flagged, 2);
    assert_eq!(s.flag_rate, Some(2.0 / 3.0));
    // S1: 3 − 0; S3: 9 − 2 (its first truth line).
    assert_eq!(s.mean_time_to_flag_s, Some(5.0));
    assert_eq!(s.max_time_to_flag_s, Some(7.0));
    assert_eq!(s.spoof_flags, 8);
    assert_eq!((s.false_spoof_flags, s.honest_targets_flagged), (2, 1));
    assert_eq!(s.spoof_flags_on_unmatched_tracks, 4);
    let s2 = s.targets.iter().find(|t| t.target == "S2").unwrap();
    assert_eq!((s2.first_flag_t, s2.time_to_flag_s), (None, None));
    // With identity: KF carries S2's serial (only S2 broadcasts it), so S2 is flagged at 7.5;
    // KH carries honest H1's: one more false flag, still one honest target; KG's AUTH is
    // broadcast by A1 and C1 and KZ has no line: both unattributed.
    assert_eq!(s2.first_flag_with_identity_t, Some(7.5));
    assert_eq!(s.spoofed_flagged_with_identity, 3);
    assert_eq!(s.flag_rate_with_identity, Some(1.0));
    assert_eq!(s.max_time_to_flag_with_identity_s, Some(7.5));
    assert_eq!(
        (
            s.false_spoof_flags_with_identity,
            s.honest_targets_flagged_with_identity
        ),
        (3, 1)
    );
    assert_eq!(s.spoof_flags_unattributed, 2);
    assert!(a.to_string().contains("S2 never flagged"));
    // False alerts: only the entry alert on A1 (authorized, no bounds). C1 broadcasts the
    // whitelisted serial but is hostile: an alert on it is right, not false. Spoof flags on
    // the honest H1 are false spoof flags, not false alerts (H1 is a neutral drone).
    assert_eq!(a.false_alerts, 1);
    assert_eq!(a.false_alerts_by.get("authorized entry"), Some(&1));
    assert_eq!(a.alerts_raised, 11);
    assert_eq!(a.alerts_on_unmatched_tracks, 4);
}
