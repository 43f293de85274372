//! Prints every record of a raw ASTERIX file as JSON, one object per line.
//!
//! `cargo run -p picket-asterix --example decode-file -- FILE [CAT=EDITION ...]`
//! e.g. `... -- cat021.bin 21=2.1`.

use picket_asterix::{Editions, Reader, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: decode-file FILE [CAT=EDITION ...]")?;
    let mut editions = Editions::newest();
    for a in args {
        let (cat, ed) = a.split_once('=').ok_or("CAT=EDITION")?;
        editions = editions.with(cat.parse()?, ed.parse()?)?;
    }
    let data = std::fs::read(&path)?;
    let mut reader = Reader::new(&data, &editions);
    while let Some(rec) = reader.next_record()? {
        println!("{}", json::record_json(&rec));
    }
    Ok(())
}
