//! [`RawFrame`]: one Mode A/C or Mode S reply as it came off a receiver, before decoding.

use std::fmt;

/// The longest Mode S reply, in bytes (112 bits).
pub const LONG_LEN: usize = 14;
/// A short Mode S reply, in bytes (56 bits).
pub const SHORT_LEN: usize = 7;
/// A Mode A/C reply as receivers forward it, in bytes.
pub const MODE_AC_LEN: usize = 2;

/// What kind of reply a frame holds; decides its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// A Mode A/C reply (2 bytes: the 12 code bits as the receiver packs them).
    ModeAc,
    /// A short Mode S reply (56 bits: DF 0, 4, 5, 11).
    ModeSShort,
    /// A long Mode S reply (112 bits: DF 16, 17, 18, 19, 20, 21, 24).
    ModeSLong,
}

impl FrameKind {
    /// The payload length in bytes.
    pub const fn payload_len(self) -> usize {
        match self {
            FrameKind::ModeAc => MODE_AC_LEN,
            FrameKind::ModeSShort => SHORT_LEN,
            FrameKind::ModeSLong => LONG_LEN,
        }
    }

    /// The Beast type byte: `'1'`, `'2'` or `'3'`.
    pub const fn beast_type(self) -> u8 {
        match self {
            FrameKind::ModeAc => b'1',
            FrameKind::ModeSShort => b'2',
            FrameKind::ModeSLong => b'3',
        }
    }

    /// The kind whose payload has `len` bytes.
    pub const fn from_len(len: usize) -> Option<Self> {
        match len {
            MODE_AC_LEN => Some(FrameKind::ModeAc),
            SHORT_LEN => Some(FrameKind::ModeSShort),
            LONG_LEN => Some(FrameKind::ModeSLong),
            _ => None,
        }
    }

    /// The kind a Mode S downlink format implies (DF 16 and above are long).
    pub const fn from_df(df: u8) -> Self {
        if df & 0x10 != 0 {
            FrameKind::ModeSLong
        } else {
            FrameKind::ModeSShort
        }
    }

    /// Short name used in JSON: `"mode_ac"`, `"short"`, `"long"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FrameKind::ModeAc => "mode_ac",
            FrameKind::ModeSShort => "short",
            FrameKind::ModeSLong => "long",
        }
    }
}

/// One reply with the receiver's metadata. Stored inline (no allocation per frame).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RawFrame {
    /// Byte offset of the frame's first byte (Beast `0x1A`, AVR line start) in the input.
    pub offset: usize,
    /// Short, long or Mode A/C.
    pub kind: FrameKind,
    /// The receiver's 12 MHz counter (48 bits, the Beast/MLAT timestamp), when given.
    pub timestamp_12mhz: Option<u64>,
    /// The receiver's signal level byte, when given.
    pub signal: Option<u8>,
    data: [u8; LONG_LEN],
}

impl RawFrame {
    /// A frame from its payload; `None` unless `bytes` is 2, 7 or 14 bytes long.
    pub fn new(offset: usize, bytes: &[u8]) -> Option<Self> {
        let kind = FrameKind::from_len(bytes.len())?;
        let mut data = [0u8; LONG_LEN];
        data[..bytes.len()].copy_from_slice(bytes);
        Some(Self {
            offset,
            kind,
            timestamp_12mhz: None,
            signal: None,
            data,
        })
    }

    /// The same frame with receiver metadata attached.
    pub fn with_meta(mut self, timestamp_12mhz: Option<u64>, signal: Option<u8>) -> Self {
        self.timestamp_12mhz = timestamp_12mhz;
        self.signal = signal;
        self
    }

    /// The payload (2, 7 or 14 bytes).
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.kind.payload_len()]
    }

    /// The payload as upper-case hex, as dump1090 and pyModeS print it.
    pub fn hex(&self) -> String {
        hex_upper(self.bytes())
    }
}

impl fmt::Debug for RawFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawFrame")
            .field("offset", &self.offset)
            .field("kind", &self.kind)
            .field("timestamp_12mhz", &self.timestamp_12mhz)
            .field("signal", &self.signal)
            .field("hex", &self.hex())
            .finish()
    }
}

/// Upper-case hex of `bytes`.
pub fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0F)] as char);
    }
    s
}
