//! Choosing the framing from the content, for `picket decode` without `--format`.

use crate::avr::AvrReader;
use crate::beast::BeastReader;

/// A Mode S framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Beast binary.
    Beast,
    /// AVR text (`*…;`, `@…;`, `<…;`) or plain hex lines.
    Avr,
}

/// How much of the input is looked at.
const SAMPLE_LEN: usize = 4096;

/// Guesses the framing from the first bytes: text that yields at least one AVR/hex frame is
/// AVR; otherwise a stream that yields at least one Beast frame is Beast. `None` when neither
/// finds a frame.
///
/// ```
/// use picket_modes::detect::{InputFormat, detect_format};
/// assert_eq!(detect_format(b"*8D4840D6202CC371C32CE0576098;\n"), Some(InputFormat::Avr));
/// assert_eq!(detect_format(b"hello"), None);
/// ```
pub fn detect_format(bytes: &[u8]) -> Option<InputFormat> {
    let sample = &bytes[..bytes.len().min(SAMPLE_LEN)];
    let text = sample
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if text && AvrReader::new(sample).any(|r| r.is_ok()) {
        return Some(InputFormat::Avr);
    }
    // A Beast stream cut at the sample's end still frames before the cut.
    BeastReader::new(sample)
        .any(|r| r.is_ok())
        .then_some(InputFormat::Beast)
}
