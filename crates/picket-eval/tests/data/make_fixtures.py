#!/usr/bin/env python3
"""Writes the hand-shaped fixtures of picket-eval's agreement test (see README.md).

  make_fixtures.py perturb IN_TRACKS SCENARIO OUT_TRACKS SEED
      A copy of a Stone Soup track file with what a real tracker gets wrong: noise (some
      pairs pushed past the 100 m cut-off), two ids swapped half-way (id switches), a track
      dropped for a while (missed target, break), a track renamed (new id), false tracks,
      a duplicate track near a target, tentative lines, old-style "estimate" lines, and
      confirmed lines at times without truth.
  make_fixtures.py dense SCENARIO_OUT TRACKS_OUT SEED
      A crowded scenario (30 targets in a 300 m cube, so many track-truth pairs compete
      inside the cut-off) with Cartesian detections, a bearing-only sensor, a zone, and a
      track file that is truth plus 35 m noise with misses, false and tentative tracks.

Only the standard library; deterministic for a given SEED. Times are written exactly as read.
"""
import json
import random
import sys


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def write(path, recs):
    recs = sorted(recs, key=lambda r: r.get("t", float("-inf")))  # stable: keeps order within a t
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def track(t, tid, x, y, z, confirmed=True):
    return {"type": "track", "t": t, "id": tid, "x": x, "y": y, "z": z,
            "vx": 0.0, "vy": 0.0, "vz": 0.0, "confirmed": confirmed}


def perturb(in_tracks, scenario, out_tracks, seed):
    rng = random.Random(seed)
    tracks = read(in_tracks)
    truth = [r for r in read(scenario) if r["type"] == "truth"]
    times = sorted({r["t"] for r in truth})
    xs = [r["x"] for r in truth]
    ys = [r["y"] for r in truth]
    box = (min(xs), max(xs), min(ys), max(ys))
    out = []
    for r in tracks:
        t, tid = r["t"], r["id"]
        if tid == "K4" and 8.0 <= t < 12.0:
            continue                                  # dropped: missed target, break
        r = dict(r)
        for k in ("x", "y", "z"):
            r[k] += rng.gauss(0.0, 12.0)
        if tid == "K3" and t >= 6.0:                  # drifts across the cut-off
            r["x"] += 80.0 + 30.0 * ((t * 7) % 3 - 1)
        if t >= 10.0 and tid in ("K1", "K2"):         # ids swapped: two id switches
            r["id"] = "K2" if tid == "K1" else "K1"
        if tid == "K5" and t >= 14.0:                 # renamed: a new id for the same target
            r["id"] = "K50"
        out.append(r)
        if tid == "K6" and 5.0 <= t <= 9.0:           # a duplicate 20-40 m away: a false track
            out.append(track(t, "D1", r["x"] + rng.uniform(20, 40), r["y"], r["z"]))
        if tid == "K7":                               # tentative lines follow K7
            out.append(track(t, "P7", r["x"] + 30.0, r["y"] - 30.0, r["z"], confirmed=False))
    for t in times:
        if 3.0 <= t <= 15.0:                          # two false tracks in the box
            for fid in ("F1", "F2"):
                out.append(track(t, fid, rng.uniform(box[0], box[1]),
                                 rng.uniform(box[2], box[3]), rng.uniform(0.0, 500.0)))
        if t in (4.0, 5.0):                           # old-style lines, scored as confirmed
            out.append({"type": "estimate", "t": t, "id": "E1",
                        "x": rng.uniform(box[0], box[1]), "y": rng.uniform(box[2], box[3]),
                        "z": 100.0})
    for t in (7.5, 12.25):                            # confirmed lines at times without truth
        out.append(track(t, "K8", 0.0, 0.0, 0.0))
        out.append(track(t, "U1", 1.0, 2.0, 3.0))
    write(out_tracks, out)


def dense(scenario_out, tracks_out, seed):
    rng = random.Random(seed)
    n, steps = 30, 12
    pos = [[rng.uniform(0, 300), rng.uniform(0, 300), rng.uniform(0, 300)] for _ in range(n)]
    vel = [[rng.uniform(-5, 5), rng.uniform(-5, 5), rng.uniform(-1, 1)] for _ in range(n)]
    scn = [{"type": "meta", "version": 1, "seed": seed, "note": "picket-eval dense fixture"},
           {"type": "sensor", "id": "S0", "kind": "generic", "x": 0.0, "y": 0.0, "z": 0.0},
           {"type": "sensor", "id": "rf-1", "kind": "rf", "x": -100.0, "y": -100.0, "z": 2.0},
           {"type": "zone", "id": "Z1", "kind": "protected",
            "circle": {"x": 200.0, "y": 200.0, "r_m": 50.0}, "floor_m": 0, "ceiling_m": 300}]
    trk = []
    for k in range(steps):
        t = 0.5 * k
        for i in range(n):
            p = [round(pos[i][a] + vel[i][a] * t, 3) for a in range(3)]
            scn.append({"type": "truth", "t": t, "id": f"T{i}", "class": "drone",
                        "x": p[0], "y": p[1], "z": p[2],
                        "vx": vel[i][0], "vy": vel[i][1], "vz": vel[i][2]})
            if rng.random() < 0.8:
                sigma = rng.choice([5.0, 10.0])
                scn.append({"type": "detection", "t": t, "sensor": "S0",
                            "x": round(p[0] + rng.gauss(0, sigma), 3),
                            "y": round(p[1] + rng.gauss(0, sigma), 3),
                            "z": round(p[2] + rng.gauss(0, sigma), 3), "sigma": sigma})
            if k >= 2 and (i + k) % 9 != 0:
                trk.append(track(t, f"K{i if t < 4.0 or i % 5 else i + 100}",
                                 p[0] + rng.gauss(0, 35), p[1] + rng.gauss(0, 35),
                                 p[2] + rng.gauss(0, 35)))
        if k % 3 == 0:
            scn.append({"type": "detection", "t": t, "sensor": "rf-1",
                        "az_deg": rng.uniform(0, 360), "sigma_az_deg": 3.0})
        for f in range(k % 4):
            trk.append(track(t, f"F{f}", rng.uniform(0, 450), rng.uniform(0, 450),
                             rng.uniform(0, 450)))
        trk.append(track(t, "P1", rng.uniform(0, 400), 10.0, 10.0, confirmed=False))
    write(scenario_out, scn)
    write(tracks_out, trk)


if __name__ == "__main__":
    mode, a, b, c = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    if mode == "perturb":
        perturb(a, b, c[0], int(c[1]))
    elif mode == "dense":
        dense(a, b, int(c[0]))
    else:
        sys.exit(__doc__)
