//! Prints one JSON object per frame of a Beast or AVR file, the way `picket decode --json`
//! does: `cargo run -p picket-modes --example decode_file -- FILE [REF_LAT REF_LON]`.

use picket_modes::detect::{InputFormat, detect_format};
use picket_modes::{DecoderConfig, FrameError, ModeSDecoder, RawFrame, avr, beast};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: decode_file FILE [REF_LAT REF_LON]")?;
    let bytes = std::fs::read(path)?;
    let reference = match (args.get(2), args.get(3)) {
        (Some(lat), Some(lon)) => Some((lat.parse()?, lon.parse()?)),
        _ => None,
    };
    let mut decoder = ModeSDecoder::new(DecoderConfig {
        reference,
        details: true,
        ..DecoderConfig::default()
    });
    let frames: Box<dyn Iterator<Item = Result<RawFrame, FrameError>>> = match detect_format(&bytes)
    {
        Some(InputFormat::Beast) => Box::new(beast::BeastReader::new(&bytes)),
        Some(InputFormat::Avr) => Box::new(avr::AvrReader::new(&bytes)),
        None => return Err("neither Beast nor AVR".into()),
    };
    for frame in frames {
        match frame {
            Ok(f) => {
                let t = f.timestamp_12mhz.unwrap_or(0) as f64 / 12e6;
                println!("{}", decoder.decode(&f, t).to_json());
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    Ok(())
}
