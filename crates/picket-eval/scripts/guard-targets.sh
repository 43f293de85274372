#!/usr/bin/env bash
# Issue 5's targets measured with picket's own tracker and guard, end to end:
#   picket sim --preset P --seed N  ->  picket track --alerts  ->  picket eval --json --alerts
# and one summary table over all runs.
#
# Usage (from anywhere in the repository):
#   crates/picket-eval/scripts/guard-targets.sh [OUT_DIR]
# Environment:
#   PICKET       the binary (default: build target/release/picket with cargo first)
#   SD_SEEDS     site-defense seeds (default 1..20)
#   BIRDS_SEEDS  birds seeds        (default 1..5)
#   SPOOF_SEEDS  spoofing seeds     (default 1..5)
#   SWARM_SEEDS  swarm seeds        (default 1..5)
#   SUMMARY_ONLY=1  only print the table of the eval files already in OUT_DIR
#   KEEP_FILES=1    keep the scenario and track files (about 3 GB for the whole sweep); by
#                default only the alert, eval and log files stay
#   TRACKS=truth-class | truth-uniform
#                the guard alone, for reference: instead of `picket track`, tracks made from the
#                truth (with the true class at p = 0.9, or no class) by picket-guard's `offline`
#                example (OFFLINE: that binary; default: built with cargo), guard run on them
# OUT_DIR (default: a new temporary folder) gets PRESET-SEED.{alerts.jsonl,eval.json,track.log}
# (and .jsonl, .tracks.jsonl with KEEP_FILES=1). Needs jq.
set -euo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
if [[ -z "${PICKET:-}" && -z "${SUMMARY_ONLY:-}" ]]; then
    cargo build --release -q -p picket --manifest-path "$root/Cargo.toml"
    PICKET="$root/target/release/picket"
fi
if [[ -n "${TRACKS:-}" && -z "${OFFLINE:-}" && -z "${SUMMARY_ONLY:-}" ]]; then
    cargo build --release -q -p picket-guard --example offline --manifest-path "$root/Cargo.toml"
    OFFLINE="$root/target/release/examples/offline"
fi
out=${1:-$(mktemp -d -t picket-guard-targets.XXXXXX)}
mkdir -p "$out"
command -v jq >/dev/null || { echo "guard-targets.sh needs jq" >&2; exit 1; }

run() { # preset seed
    local base="$out/$1-$2"
    "$PICKET" sim --quiet --preset "$1" --seed "$2" --out "$base.jsonl"
    if [[ -n "${TRACKS:-}" ]]; then
        "$OFFLINE" "$base.jsonl" "$TRACKS" "$base.tracks.jsonl" "$base.alerts.jsonl" \
            >"$base.track.log" 2>&1
    else
        "$PICKET" track --scenario "$base.jsonl" --out "$base.tracks.jsonl" \
            --alerts "$base.alerts.jsonl" 2>"$base.track.log"
    fi
    "$PICKET" eval --scenario "$base.jsonl" --tracks "$base.tracks.jsonl" \
        --alerts "$base.alerts.jsonl" --json |
        jq -c --arg preset "$1" --argjson seed "$2" '{preset: $preset, seed: $seed} + .' \
            >"$base.eval.json"
    [[ -n "${KEEP_FILES:-}" ]] || rm -f "$base.jsonl" "$base.tracks.jsonl"
}

declare -A seeds=(
    [site-defense]="${SD_SEEDS:-$(seq -s ' ' 1 20)}"
    [birds]="${BIRDS_SEEDS:-$(seq -s ' ' 1 5)}"
    [spoofing]="${SPOOF_SEEDS:-$(seq -s ' ' 1 5)}"
    [swarm]="${SWARM_SEEDS:-$(seq -s ' ' 1 5)}"
)
if [[ -z "${SUMMARY_ONLY:-}" ]]; then
    for preset in site-defense birds spoofing swarm; do
        for seed in ${seeds[$preset]}; do
            run "$preset" "$seed"
        done
    done
fi

echo "tracks: ${TRACKS:-picket track}"
echo "binary: ${PICKET:-$root/target/release/picket} ($("${PICKET:-$root/target/release/picket}" --version)); repository at $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- crates || echo ' with uncommitted changes under crates/')"
echo "files: $out"
echo
cat "$out"/*.eval.json | jq -rs '
  def pct(n; d): if d > 0 then "\(n * 1000 / d | round / 10) %" else "-" end;
  def sum(f): map(f) | add // 0;
  def seeds: map(.seed) | sort | "\(first)-\(last)";
  def by(p): map(select(.preset == p));
  def merged(f): map(f // {} | to_entries) | add // [] | group_by(.key)
    | map("\(.[0].key) \(map(.value) | add)") | join(", ");
  def classes(p): by(p) | . as $r
    | (sum(.classification.samples)) as $n
    | (sum(.classification.correct)) as $k
    | (sum(.classification.pairings)) as $pn
    | (sum(.classification.pairings_correct)) as $pk
    | "| classification, \(p) | \($r | seeds) | >= 95 % | \(pct($k; $n)) (\($k) / \($n) samples) | by track majority \(pct($pk; $pn)) (\($pk) / \($pn)) |";
  ["| target | seeds | goal | measured | also |", "|---|---|---|---|---|",
   (by("site-defense") | . as $r
     | (sum(.alerts.hostile_entries_detected_early)) as $e
     | (sum(.alerts.hostile_entries_detected_early_warned)) as $w
     | (sum(.alerts.hostile_entries)) as $all
     | (sum(.alerts.hostile_entries_warned_in_time)) as $allw
     | "| hostile warned before entry (first detected >= 30 s out), site-defense | \($r | seeds) | >= 99 % | \(pct($w; $e)) (\($w) / \($e)) | all entries \($allw) / \($all); false alerts \(sum(.alerts.false_alerts)) (\(merged(.alerts.false_alerts_by))), on unmatched tracks \(sum(.alerts.alerts_on_unmatched_tracks)) |"),
   (by("birds") | . as $r
     | (sum(.alerts.scenario_hours)) as $h
     | "| false alerts per hour, birds | \($r | seeds) | <= 1 /h | \(sum(.alerts.false_alerts) / $h * 10 | round / 10) /h (\(sum(.alerts.false_alerts)) in \($h * 10 | round / 10) h) | on unmatched tracks \(sum(.alerts.alerts_on_unmatched_tracks) / $h * 10 | round / 10) /h; per seed \(map(.alerts.false_alerts) | map(tostring) | join(", ")); \(merged(.alerts.false_alerts_by)) |"),
   (by("spoofing") | . as $r
     | (sum(.alerts.spoof.spoofed_targets)) as $n
     | (sum(.alerts.spoof.spoofed_flagged)) as $k
     | (sum(.alerts.spoof.spoofed_flagged_with_identity)) as $ki
     | def maxt(f): [.[].alerts.spoof | f // empty] | max // null | if . then (. * 10 | round / 10) else "-" end;
     "| spoofed Remote ID flagged, spoofing | \($r | seeds) | >= 95 %, no honest flagged | \(pct($k; $n)) (\($k) / \($n)) | false spoof flags \(sum(.alerts.spoof.false_spoof_flags)) (\(sum(.alerts.spoof.honest_targets_flagged)) honest targets), on unmatched tracks \(sum(.alerts.spoof.spoof_flags_on_unmatched_tracks)); time to flag max \(maxt(.max_time_to_flag_s)) s |",
       "| spoofed Remote ID flagged, with identity of unpaired tracks | \($r | seeds) | >= 95 %, no honest flagged | \(pct($ki; $n)) (\($ki) / \($n)) | false spoof flags \(sum(.alerts.spoof.false_spoof_flags_with_identity)) (\(sum(.alerts.spoof.honest_targets_flagged_with_identity)) honest targets), unattributed \(sum(.alerts.spoof.spoof_flags_unattributed)); time to flag max \(maxt(.max_time_to_flag_with_identity_s)) s |"),
   classes("site-defense"), classes("swarm"), classes("birds"),
   (map(.truth_coverage) | "| (tracker) truth coverage, all runs | | | min \(min * 1000 | round / 10) %, max \(max * 1000 | round / 10) % | |")
  ] | .[]'
