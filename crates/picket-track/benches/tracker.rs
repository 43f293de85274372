//! Criterion benchmarks of the tracker's hot paths (filled in below).
fn main() {}
