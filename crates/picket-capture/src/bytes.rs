//! Bounds-checked little/big-endian reads: every read returns `None` past the end instead of
//! panicking, so the parsers above can turn it into a typed error with an offset.

/// Byte order of a capture section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endian {
    Little,
    Big,
}

impl Endian {
    pub(crate) fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let a: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        })
    }

    pub(crate) fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let a: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        })
    }
}

pub(crate) fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    Endian::Little.u16(b, at)
}

pub(crate) fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Endian::Little.u32(b, at)
}

pub(crate) fn mac(b: &[u8], at: usize) -> Option<[u8; 6]> {
    b.get(at..at.checked_add(6)?)?.try_into().ok()
}
