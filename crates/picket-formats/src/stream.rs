//! Incremental decoding of a live feed (a socket, a pipe): push bytes as they arrive, take out
//! the records of every unit they complete. A unit cut by the end of a chunk waits for the
//! next; what a walk remembers (Mode S CPR pairs, Remote ID identity, ASTERIX block count, JSON
//! line number) carries over. Offsets count from the start of the stream.
//!
//! Error messages are the decoders' own: an offset inside the message text counts from the
//! chunk decoded, the error's `offset` field from the start of the stream.
//!
//! Captures are not streamed: a pcap/pcapng file is decoded whole with [`crate::decode`].

use crate::asterix::{self, AsterixRecords};
use crate::jsondet::JsonRecords;
use crate::modes::{ModeSRecords, ModeState};
use crate::remoteid::{self as rid, RemoteIdRecords};
use crate::sapient::{self, SapientRecords};
use crate::{Decoded, Format, Options};
use picket_modes::FrameError;
use picket_modes::beast::BeastReader;
use picket_remoteid::RemoteIdAssembler;

/// Most bytes held for one incomplete unit; beyond it they are decoded (and reported) as they
/// are. Above SAPIENT's largest message (1 MiB) and its prefix.
pub const MAX_PENDING: usize = (1 << 20) + 1024;

enum State {
    ModeS(Option<ModeState>),
    Asterix(usize),
    RemoteId(RemoteIdAssembler),
    Sapient,
    Json(usize),
}

/// A decoder fed chunk by chunk.
///
/// ```
/// use picket_formats::{Format, Options, StreamDecoder};
/// let frame = [0x1A, b'2', 0, 0, 0, 0, 0, 1, 9, 0x20, 0x00, 0x0C, 0xA8, 0xF7, 0x0A, 0xA7];
/// let mut stream = StreamDecoder::new(Format::Beast, &Options::default()).unwrap();
/// assert!(stream.push(&frame[..10]).is_empty()); // cut inside the frame: wait
/// let records = stream.push(&frame[10..]);
/// assert_eq!(records.len(), 1);
/// assert!(stream.finish().is_empty());
/// ```
pub struct StreamDecoder {
    format: Format,
    options: Options,
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: usize,
    state: State,
}

impl StreamDecoder {
    /// A stream of `format`; `None` for captures, which are decoded whole.
    pub fn new(format: Format, options: &Options) -> Option<Self> {
        let state = match format {
            Format::Beast | Format::Avr => State::ModeS(Some(ModeState::new(options))),
            Format::Asterix => State::Asterix(0),
            Format::RemoteId => State::RemoteId(RemoteIdAssembler::default()),
            Format::Sapient => State::Sapient,
            Format::JsonDetections => State::Json(1),
            Format::Capture => return None,
        };
        Some(Self {
            format,
            options: options.clone(),
            buf: Vec::new(),
            base: 0,
            state,
        })
    }

    /// Takes the next bytes; returns the records and errors of every unit now complete.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Decoded> {
        self.buf.extend_from_slice(chunk);
        let mut cut = complete_len(self.format, &self.buf);
        if cut == 0 && self.buf.len() > MAX_PENDING {
            cut = self.buf.len();
        }
        self.decode(cut)
    }

    /// The end of the stream: decodes what is left, reporting an incomplete last unit.
    pub fn finish(&mut self) -> Vec<Decoded> {
        self.decode(self.buf.len())
    }

    /// Bytes held for an incomplete unit.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    fn decode(&mut self, cut: usize) -> Vec<Decoded> {
        if cut == 0 {
            return Vec::new();
        }
        let data = &self.buf[..cut];
        let options = self.options.clone();
        let mut out: Vec<Decoded> = match &mut self.state {
            State::ModeS(state) => {
                let Some(s) = state.take() else {
                    return Vec::new();
                };
                let mut it = ModeSRecords::resume(self.format, data, options, s);
                let out = it.by_ref().collect();
                *state = Some(it.state);
                out
            }
            State::Asterix(block) => {
                let mut it = AsterixRecords::new(data, options);
                it.block = *block;
                let out = it.by_ref().collect();
                *block = it.block;
                out
            }
            State::RemoteId(assembler) => {
                let mut it = RemoteIdRecords::new(data, options);
                it.assembler = std::mem::take(assembler);
                let out = it.by_ref().collect();
                *assembler = it.assembler;
                out
            }
            State::Sapient => SapientRecords::stream(data, options).collect(),
            State::Json(line) => {
                let mut it = JsonRecords::lines(data, options, *line);
                let out = it.by_ref().collect();
                *line = it.line;
                out
            }
        };
        for item in &mut out {
            self.shift(item);
        }
        self.buf.drain(..cut);
        self.base += cut;
        out
    }

    /// Moves offsets from the chunk's to the stream's.
    fn shift(&self, item: &mut Decoded) {
        match item {
            Ok(r) => {
                r.offset += self.base;
                if r.json.get("offset").is_some() {
                    r.json["offset"] = r.offset.into();
                }
            }
            Err(e) => e.offset += self.base,
        }
    }
}

/// How many leading bytes of `buf` form complete units.
fn complete_len(format: Format, buf: &[u8]) -> usize {
    match format {
        Format::Beast => {
            // Cut only where everything before was decided by bytes before the cut: after a
            // frame, or after garbage whose closing 0x1A is surely a frame start (the byte
            // after it is known and is not a second 0x1A). A bad escape or an unknown type
            // byte is decided by the byte after the reader's position, so never cut there.
            let mut reader = BeastReader::new(buf);
            let mut cut = 0;
            while let Some(item) = reader.next() {
                match item {
                    Ok(_) => cut = reader.position(),
                    Err(FrameError::Garbage { offset, len }) => {
                        if offset + len + 1 >= buf.len() {
                            return cut;
                        }
                        cut = reader.position();
                    }
                    Err(FrameError::Truncated { .. }) => return cut,
                    Err(_) => {}
                }
            }
            cut
        }
        Format::Avr | Format::JsonDetections => {
            buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        }
        Format::Asterix => chained(buf, |b, pos| asterix::block_len(b, pos).ok()),
        Format::Sapient => chained(buf, sapient::frame_len),
        Format::RemoteId => chained(buf, |b, pos| {
            rid::walk_len(b, pos).filter(|len| pos + len <= b.len())
        }),
        Format::Capture => buf.len(),
    }
}

/// The end of the last whole unit, walking units whose length `len_at` gives.
fn chained(buf: &[u8], len_at: impl Fn(&[u8], usize) -> Option<usize>) -> usize {
    let mut pos = 0;
    while let Some(len) = len_at(buf, pos) {
        if len == 0 {
            break;
        }
        pos += len;
    }
    pos
}
