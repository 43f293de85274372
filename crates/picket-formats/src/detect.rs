//! Choosing the format from the content when none is given.
//!
//! Formats are tried from the most to the least self-identifying, each with a test strict
//! enough that the others' real samples fail it:
//!
//! | order | format | test |
//! |---|---|---|
//! | 1 | pcap/pcapng | magic number |
//! | 2 | ASTERIX | data blocks of built-in categories chained end to end over the whole input (the last may be cut short after two whole ones) |
//! | 3 | Beast | `0x1A` then `'1'`/`'2'`/`'3'`, and the first frames follow each other with the sizes their types give |
//! | 4 | SAPIENT stream | 4-byte little-endian lengths chained over the whole input, the first payloads decoding as messages with content |
//! | 5 | AVR / hex text | ASCII text whose lines are (almost all) `*…;`, `@…;`, `<…;` or hex frames |
//! | 6 | JSON detections | UTF-8 text starting with `{` or `[` |
//! | 7 | Remote ID | 25-byte messages (defined type, protocol version ≤ 2) and packs chained over the whole input, the first decoding |
//! | 8 | SAPIENT message | the whole input is one message with content |

use crate::{Format, asterix, remoteid, sapient};
use picket_capture::Capture;
use picket_modes::FrameError;
use picket_modes::avr::AvrReader;
use picket_modes::beast::{BeastReader, ESC};

/// How much of a text input is looked at.
const TEXT_SAMPLE: usize = 64 * 1024;
/// How many Beast frames must follow each other cleanly.
const BEAST_FRAMES: usize = 16;

/// A content test.
type Test = fn(&[u8]) -> bool;

/// The format of `bytes`, or `None` when no test passes (empty input, garbage).
///
/// ```
/// use picket_formats::{Format, detect};
/// assert_eq!(detect(b"*8D4840D6202CC371C32CE0576098;\n"), Some(Format::Avr));
/// assert_eq!(detect(b"{\"sensor\":\"rf-1\"}"), Some(Format::JsonDetections));
/// assert_eq!(detect(b"hello, world"), None);
/// ```
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.is_empty() {
        return None;
    }
    let tests: [(Format, Test); 8] = [
        (Format::Capture, Capture::is_capture),
        (Format::Asterix, is_asterix),
        (Format::Beast, is_beast),
        (Format::Sapient, sapient::is_stream),
        (Format::Avr, is_avr),
        (Format::JsonDetections, is_json),
        (Format::RemoteId, is_remote_id),
        (Format::Sapient, sapient::is_message),
    ];
    tests.iter().find(|(_, test)| test(bytes)).map(|(f, _)| *f)
}

fn is_asterix(data: &[u8]) -> bool {
    let mut pos = 0;
    let mut whole = 0;
    while pos < data.len() {
        if !asterix::known_category(data[pos]) {
            return false;
        }
        match asterix::block_len(data, pos) {
            Ok(len) if len > 3 => {
                pos += len;
                whole += 1;
            }
            // A file cut short: its last block overruns, after at least two whole ones.
            Err(e) if e.reason == "truncated" && whole >= 2 => return true,
            _ => return false,
        }
    }
    whole > 0
}

fn is_beast(data: &[u8]) -> bool {
    if data.first() != Some(&ESC) || !matches!(data.get(1), Some(b'1'..=b'3')) {
        return false;
    }
    let mut ok = 0;
    for item in BeastReader::new(data).take(BEAST_FRAMES) {
        match item {
            Ok(_) => ok += 1,
            // The end of the input may cut the last frame.
            Err(FrameError::Truncated { .. }) => break,
            Err(_) => return false,
        }
    }
    ok > 0
}

/// The first `TEXT_SAMPLE` bytes, cut after the last complete line when cut at all.
fn text_sample(data: &[u8]) -> &[u8] {
    if data.len() <= TEXT_SAMPLE {
        return data;
    }
    let sample = &data[..TEXT_SAMPLE];
    match sample.iter().rposition(|&b| b == b'\n') {
        Some(i) => &sample[..=i],
        None => sample,
    }
}

fn is_avr(data: &[u8]) -> bool {
    let sample = text_sample(data);
    if !sample
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        return false;
    }
    let mut reader = AvrReader::new(sample);
    if !matches!(reader.next(), Some(Ok(_))) {
        return false;
    }
    let (mut ok, mut bad) = (1usize, 0usize);
    for item in reader {
        match item {
            Ok(_) => ok += 1,
            Err(_) => bad += 1,
        }
    }
    // A few damaged lines are tolerated (and reported when decoding).
    bad * 10 <= ok
}

fn is_json(data: &[u8]) -> bool {
    let sample = text_sample(data);
    let text = match std::str::from_utf8(sample) {
        Ok(t) => t,
        // A sample cut inside a multi-byte character is still text.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&sample[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

fn is_remote_id(data: &[u8]) -> bool {
    // Zero-filled input would pass as empty Basic ID messages: demand some content.
    if data.iter().filter(|&&b| b != 0).count() < data.len() / 25 + 2 {
        return false;
    }
    let mut pos = 0;
    while pos < data.len() {
        match remoteid::unit_len(data, pos) {
            Some(len) => pos += len,
            None => return false,
        }
    }
    pos == data.len() && picket_remoteid::decode_any(data).is_ok()
}
