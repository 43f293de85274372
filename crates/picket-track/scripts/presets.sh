#!/bin/bash
# Multi-sensor preset figures: picket sim -> picket track -> picket eval --json, seeds 1-3.
# Usage: P=target/release/picket crates/picket-track/scripts/presets.sh  (writes into the current folder)
set -euo pipefail
P=${P:-picket}
printf "| preset | seed | targets | mean GOSPA | localisation | missed | false | tracks | breaks | id switches | time to confirm (s) | confirmed/detected | class right (samples) | class right (pairings) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
for pre in site-defense swarm birds; do for seed in 1 2 3; do
  $P sim --preset $pre --seed $seed -q --out s.jsonl
  $P track --scenario s.jsonl --out t.jsonl 2>/dev/null
  $P eval --scenario s.jsonl --tracks t.jsonl --json | python3 -c "
import json,sys; d=json.load(sys.stdin); c=d['classification']
print('| $pre | $seed | %d | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %.1f | %d/%d | %.1f %% (%d) | %.1f %% (%d) |' % (d['targets'], d['mean_gospa'], d['mean_gospa_localisation'], d['mean_gospa_missed'], d['mean_gospa_false'], d['tracks'], d['track_breaks'], d['id_switches'], d['mean_time_to_confirm_s'], d['targets_confirmed'], d['targets_detected'], 100*c['accuracy'], c['samples'], 100*c['majority_accuracy'], c['pairings']))"
done; done
