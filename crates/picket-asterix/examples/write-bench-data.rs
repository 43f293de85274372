//! Writes the benchmark stream to a file, so other decoders can be timed on the same bytes.
//!
//! `cargo run --release -p picket-asterix --example write-bench-data -- /tmp/asterix-bench.bin`

#[path = "../benches/data.rs"]
mod data;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: write-bench-data FILE")?;
    let (bytes, records) = data::stream(500);
    std::fs::write(&path, &bytes)?;
    println!("{records} records, {} bytes -> {path}", bytes.len());
    Ok(())
}
