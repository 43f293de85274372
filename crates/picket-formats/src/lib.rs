//! One front door to every sensor-format decoder picket has: `picket decode` uses it now, the
//! server's ingest later.
//!
//! * [`Format`] names the formats; [`detect`] chooses one from the content (pcap/pcapng magic,
//!   chained ASTERIX data blocks, Beast escapes, AVR/hex text, SAPIENT length-prefixed
//!   streams, JSON detections, Remote ID messages and packs).
//! * [`decode`] walks the bytes and yields one [`DecodedRecord`] per record (its JSON view,
//!   a one-line summary, and the [`picket_core::Report`]s it converts into) or a
//!   [`FormatError`] with the byte offset (and capture frame). A bad record never stops the
//!   walk where the format lets the decoder find the next record.
//! * Captures (pcap/pcapng) are walked with `picket-capture`: UDP and TCP payloads are decoded
//!   as ASTERIX or SAPIENT by content (TCP streams reassembled per connection, bounded), Wi-Fi
//!   and Bluetooth frames as Remote ID.
//!
//! * [`StreamDecoder`] does the same for a live feed, chunk by chunk (all formats but
//!   captures), carrying what the walk remembers from one chunk to the next.
//!
//! No IO and no clock: the caller reads the bytes and says what time it is ([`Options`]).
//!
//! ```
//! use picket_formats::{Format, Options, decode, detect};
//! // One Beast frame: a DF 4 altitude reply.
//! let bytes = [0x1A, b'2', 0, 0, 0, 0, 0, 1, 9, 0x20, 0x00, 0x0C, 0xA8, 0xF7, 0x0A, 0xA7];
//! assert_eq!(detect(&bytes), Some(Format::Beast));
//! let records: Vec<_> = decode(Format::Beast, &bytes, &Options::default()).collect();
//! let record = records[0].as_ref().unwrap();
//! assert_eq!(record.json["df"], 4);
//! assert_eq!(record.json["altitude_ft"], 25000);
//! assert!(record.summary.starts_with("DF4"));
//! ```

mod asterix;
mod capture;
mod detect;
mod error;
mod jsondet;
mod modes;
mod remoteid;
mod sapient;
mod stream;
mod tcp;

pub use detect::detect;
pub use error::FormatError;
pub use stream::{MAX_PENDING, StreamDecoder};
/// The format crates behind the front door, for callers that need their types (encoders,
/// editions, message structs) without depending on each.
pub use {
    picket_asterix, picket_capture, picket_jsondet, picket_modes, picket_remoteid, picket_sapient,
};

use picket_core::{Report, SensorId, Timestamp};
use std::fmt;
use std::str::FromStr;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// ASTERIX data blocks (`.ast`, `.raw`, `.bin` dumps of UDP payloads).
    Asterix,
    /// Mode S Beast binary (dump1090 port 30005).
    Beast,
    /// Mode S AVR text (`*…;`, `@…;`, `<…;`) or plain hex lines.
    Avr,
    /// Remote ID: 25-byte messages and message packs back to back.
    RemoteId,
    /// SAPIENT: a stream of 4-byte little-endian length-prefixed `SapientMessage`s, or one
    /// bare message.
    Sapient,
    /// picket's JSON detections (one message, or one per line).
    JsonDetections,
    /// A pcap or pcapng capture.
    Capture,
}

impl Format {
    /// Every format, in the order [`detect`] tries them.
    pub const ALL: [Format; 7] = [
        Format::Capture,
        Format::Asterix,
        Format::Beast,
        Format::Sapient,
        Format::RemoteId,
        Format::Avr,
        Format::JsonDetections,
    ];

    /// The name used on the command line and in summaries.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Asterix => "asterix",
            Format::Beast => "beast",
            Format::Avr => "avr",
            Format::RemoteId => "remoteid",
            Format::Sapient => "sapient",
            Format::JsonDetections => "jsondet",
            Format::Capture => "pcap",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::name`] or its aliases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown format {0:?} (expected asterix, beast, avr, hex, remoteid, sapient, jsondet, json, pcap or pcapng)"
)]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "asterix" | "ast" => Format::Asterix,
            "beast" => Format::Beast,
            "avr" | "hex" => Format::Avr,
            "remoteid" | "rid" | "odid" => Format::RemoteId,
            "sapient" => Format::Sapient,
            "jsondet" | "json" => Format::JsonDetections,
            "pcap" | "pcapng" | "capture" => Format::Capture,
            _ => return Err(UnknownFormat(s.to_string())),
        })
    }
}

/// What the decoders need to know that the bytes do not say.
#[derive(Debug, Clone)]
pub struct Options {
    /// Receiver position (latitude, longitude in degrees) for local CPR decoding of Mode S
    /// positions.
    pub reference: Option<(f64, f64)>,
    /// ASTERIX edition per category (default: the newest built in).
    pub editions: picket_asterix::Editions,
    /// The sensor id stamped on reports.
    pub sensor: SensorId,
    /// Receive time of the input when it has none of its own (raw files); captures use each
    /// frame's capture time. ASTERIX times of day are placed on the day nearest to it.
    pub received: Timestamp,
    /// Ask rs1090 for Comm-B registers and status messages as well (slower).
    pub modes_details: bool,
    /// Most bytes held per TCP connection while waiting for missing segments or the rest of a
    /// message.
    pub max_tcp_buffer: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            reference: None,
            editions: picket_asterix::Editions::newest(),
            sensor: SensorId(0),
            received: Timestamp::ZERO,
            modes_details: true,
            max_tcp_buffer: 1 << 20,
        }
    }
}

impl Options {
    /// Selects an ASTERIX edition from `CAT=ED` text (`048=1.15`, `cat021=2.1`).
    pub fn set_edition(&mut self, text: &str) -> Result<(), String> {
        let (cat, ed) = text
            .split_once('=')
            .ok_or_else(|| format!("edition {text:?} is not CAT=ED (e.g. 048=1.15)"))?;
        let digits = cat
            .trim()
            .trim_start_matches(['c', 'C', 'a', 'A', 't', 'T']);
        let category: u8 = digits
            .parse()
            .map_err(|_| format!("category {cat:?} is not a number from 0 to 255"))?;
        let edition: picket_asterix::spec::Edition =
            ed.trim().parse().map_err(|e| format!("{e}"))?;
        self.editions = self
            .editions
            .clone()
            .with(category, edition)
            .map_err(|e| e.reason.to_string())?;
        Ok(())
    }
}

/// One decoded record.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedRecord {
    /// The record's own format (inside a capture: asterix, sapient or remoteid).
    pub format: Format,
    /// Byte offset of the record in the input (for captures: in the file).
    pub offset: usize,
    /// Capture frame number (1-based), for records found in a capture.
    pub frame: Option<u64>,
    /// The record's JSON view, as the format's crate defines it.
    pub json: serde_json::Value,
    /// A short one-line human summary for tables.
    pub summary: String,
    /// The reports the record converts into (none for service and status messages).
    pub reports: Vec<Report>,
}

/// One item of a decode: a record or why some bytes could not be decoded.
pub type Decoded = Result<DecodedRecord, FormatError>;

/// Decodes `bytes` as `format`, lazily: each call to `next` does a bounded amount of work
/// (one frame, one data block, one message), so large inputs stream.
pub fn decode<'a>(
    format: Format,
    bytes: &'a [u8],
    options: &Options,
) -> Box<dyn Iterator<Item = Decoded> + 'a> {
    let options = options.clone();
    match format {
        Format::Asterix => Box::new(asterix::AsterixRecords::new(bytes, options)),
        Format::Beast | Format::Avr => Box::new(modes::ModeSRecords::new(format, bytes, options)),
        Format::RemoteId => Box::new(remoteid::RemoteIdRecords::new(bytes, options)),
        Format::Sapient => Box::new(sapient::SapientRecords::new(bytes, options)),
        Format::JsonDetections => Box::new(jsondet::JsonRecords::new(bytes, options)),
        Format::Capture => Box::new(capture::CaptureRecords::new(bytes, options)),
    }
}
