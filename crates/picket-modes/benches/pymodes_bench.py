"""pyModeS 3.6.1 on the same 239 frames as benches/decode.rs, single thread, CPU time.

    python3 -m venv /tmp/pymodes && /tmp/pymodes/bin/pip install pyModeS==3.6.1
    /tmp/pymodes/bin/python crates/picket-modes/benches/pymodes_bench.py
"""
import json
import pathlib
import time

import pyModeS

DATA = pathlib.Path(__file__).parent.parent / "tests/data/sample_dump1090.frames.expected.jsonl"
frames = [json.loads(line)["hex"] for line in DATA.open()]


def rate(fn, reps=40):
    start = time.process_time()
    for _ in range(reps):
        fn()
    return len(frames) * reps / (time.process_time() - start)


def pipe():
    decoder = pyModeS.PipeDecoder()
    for i, h in enumerate(frames):
        decoder.decode(h, timestamp=float(i))


per_frame = rate(lambda: [pyModeS.decode(h) for h in frames])
piped = rate(pipe)
print(f"pyModeS {pyModeS.__version__}: decode(hex) {per_frame:,.0f} frames/s, "
      f"PipeDecoder {piped:,.0f} frames/s (CPU time)")
