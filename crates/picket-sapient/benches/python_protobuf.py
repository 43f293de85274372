"""Reference: the Python `protobuf` library's parse rate on the same messages as
benches/decode.rs (single thread). Usage:

    python benches/python_protobuf.py DESCRIPTOR_SET tests/data

DESCRIPTOR_SET is the v2.0 FileDescriptorSet build.rs writes (OUT_DIR/v2_0/descriptor.bin).
"""
import pathlib
import sys
import time

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.internal import api_implementation


def main():
    fds = descriptor_pb2.FileDescriptorSet.FromString(pathlib.Path(sys.argv[1]).read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    cls = message_factory.GetMessageClass(
        pool.FindMessageTypeByName("sapient_msg.bsi_flex_335_v2_0.SapientMessage"))
    root = pathlib.Path(sys.argv[2])
    msgs = [p.read_bytes() for d in ("valid", "simulator_defaults")
            for p in sorted((root / d).rglob("*.bin"))]
    best = 0.0
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < 1.0:
            for m in msgs:
                cls.FromString(m)
            n += len(msgs)
        best = max(best, n / (time.perf_counter() - start))
    print(f"python protobuf {api_implementation.Type()}: {len(msgs)} msgs, "
          f"{sum(map(len, msgs))} B, best of 5: {best:,.0f} msgs/s")


main()
