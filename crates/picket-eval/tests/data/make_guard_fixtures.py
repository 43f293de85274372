#!/usr/bin/env python3
"""Writes the small classification and spoof fixtures of tests/guard_scores.rs (see README.md).

  make_guard_fixtures.py

Every line is spelled out below (no randomness); the expected figures are worked out by hand
in tests/guard_scores.rs. Static targets far apart (> 100 m), so GOSPA pairs each track with
the target it sits next to; track offsets are 5 m (paired) or 150 m (beyond the cut-off).
"""
import json


def write(path, recs):
    recs = sorted(recs, key=lambda r: r.get("t", float("-inf")))  # stable within a t
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def truth(t, tid, pos, **extra):
    x, y, z = pos
    return dict(type="truth", t=t, id=tid, x=x, y=y, z=z, vx=0, vy=0, vz=0, **extra)


def track(t, kid, pos, dx=5.0, confirmed=True, **extra):
    x, y, z = pos
    return dict(type="track", t=t, id=kid, x=x + dx, y=y, z=z, vx=0, vy=0, vz=0,
                confirmed=confirmed, **extra)


def classes():
    D1, B1, A1, X1 = (0, 0, 50), (1000, 0, 50), (0, 1000, 500), (1000, 1000, 50)
    scen, trk = [], []
    for t in (0.0, 1.0, 2.0, 3.0):
        scen += [truth(t, "D1", D1, **{"class": "drone"}), truth(t, "B1", B1, **{"class": "bird"}),
                 truth(t, "A1", A1, **{"class": "aircraft"}), truth(t, "X1", X1)]
        trk.append(track(t, "KA", A1, **{"class": "drone"}))
        trk.append(track(t, "KX", X1, **{"class": "drone"}))
    # KD on D1: labels bird (argmax), drone (class field), drone (p_class wins over class),
    # bird (tie: alphabetically first).
    trk.append(track(0.0, "KD", D1, p_class={"drone": 0.4, "bird": 0.6}))
    trk.append(track(1.0, "KD", D1, **{"class": "drone"}))
    trk.append(track(2.0, "KD", D1, p_class={"drone": 0.7, "bird": 0.3}, **{"class": "bird"}))
    trk.append(track(3.0, "KD", D1, p_class={"bird": 0.5, "drone": 0.5}))
    # KB on B1: no class, then bird twice; at t = 3 it is 150 m off (unpaired) and KB2 takes over.
    trk.append(track(0.0, "KB", B1))
    trk.append(track(1.0, "KB", B1, **{"class": "bird"}))
    trk.append(track(2.0, "KB", B1, **{"class": "bird"}))
    trk.append(track(3.0, "KB", B1, dx=150.0, **{"class": "bird"}))
    trk.append(track(3.0, "KB2", B1, dx=-5.0, **{"class": "bird"}))
    # A second, farther track on A1 (unpaired) and a tentative one on B1: neither is scored.
    trk.append(track(2.0, "KA2", A1, dx=20.0, **{"class": "aircraft"}))
    trk.append(track(3.0, "KA2", A1, dx=20.0, **{"class": "aircraft"}))
    trk.append(track(3.0, "KT", B1, dx=1.0, confirmed=False, **{"class": "drone"}))
    write("class_scenario.jsonl", scen)
    write("class_tracks.jsonl", trk)


def spoof():
    S1, S2, S3 = (0, 0, 50), (1000, 0, 50), (2000, 0, 50)
    H1, A1, C1 = (0, 1000, 50), (1000, 1000, 50), (2000, 1000, 50)
    scen = [dict(type="authorized", rid="AUTH")]
    trk = []
    for k in range(11):
        t = float(k)
        drone = {"class": "drone"}
        scen += [
            truth(t, "S1", S1, role="hostile", ident={"rid": "S1"}, spoofed=True, **drone),
            truth(t, "S2", S2, role="hostile", ident={"rid": "S2"}, spoofed=True, **drone),
            truth(t, "H1", H1, role="neutral", ident={"rid": "H1"}, **drone),
            truth(t, "A1", A1, role="authorized", ident={"rid": "AUTH"}, **drone),
            # A hostile copier of the whitelisted serial (not marked spoofed).
            truth(t, "C1", C1, role="hostile", ident={"rid": "AUTH"}, **drone),
        ]
        if t >= 2.0:  # S3 appears at t = 2; only its later lines say spoofed.
            scen.append(truth(t, "S3", S3, role="hostile", ident={"rid": "S3"},
                              spoofed=t >= 4.0, **drone))
        for kid, pos in (("KS1", S1), ("KS2", S2), ("KH1", H1), ("KA1", A1), ("KC1", C1)):
            trk.append(track(t, kid, pos))
        if t >= 2.0:
            trk.append(track(t, "KS3", S3))
        # Broadcast-only tracks far from every target (GOSPA leaves them unpaired), carrying
        # S2's identity (a forged position), the cloned AUTH, and honest H1's.
        trk.append(track(t, "KF", (1000, 5000, 50), ident={"rid": "S2"}))
        trk.append(track(t, "KG", (5000, 5000, 50), ident={"rid": "AUTH"}))
        trk.append(track(t, "KH", (-5000, 0, 50), ident={"rid": "H1"}))
    scen = [dict((k, v) for k, v in r.items() if k != "spoofed" or v) for r in scen]
    write("spoof_scenario.jsonl", scen)
    write("spoof_tracks.jsonl", trk)
    alerts = [
        (3.0, "KS1", "spoof_suspected", "raised"),     # S1 flagged, 3 s after its first truth
        (4.0, "KS1", "spoof_suspected", "escalated"),  # not a raise
        (5.0, "KH1", "spoof_suspected", "raised"),     # false flag on honest H1
        (6.0, "KH1", "spoof_suspected", "raised"),     # second false flag, same target
        (7.0, "KZ", "spoof_suspected", "raised"),      # no such track: unmatched
        (7.5, "KF", "spoof_suspected", "raised"),      # unpaired, S2's identity: S2 by identity
        (7.6, "KG", "spoof_suspected", "raised"),      # unpaired, shared AUTH: unattributed
        (7.7, "KH", "spoof_suspected", "raised"),      # unpaired, H1's identity: false by identity
        (8.0, "KS2", "entry", "raised"),               # not a spoof flag: S2 stays unflagged
        (8.5, "KA1", "entry", "raised"),               # authorized drone, no bounds: false alert
        (8.5, "KC1", "entry", "raised"),               # hostile copier of AUTH: not false
        (9.0, "KS3", "spoof_suspected", "raised"),     # S3 flagged 7 s after its first truth
    ]
    write("spoof_alerts.jsonl", [
        dict(type="alert", t=t, id=f"A{i}", track=k, rule=r, level=3, state=s)
        for i, (t, k, r, s) in enumerate(alerts)])


classes()
spoof()
