//! Classic libpcap files.
//!
//! ```text
//! file header (24 bytes)            record header (16 bytes), then incl_len bytes of data
//!  0  magic a1b2c3d4 (µs) | a1b23c4d (ns), in the writer's byte order
//!  4  version major (2), minor (2)    0  ts_sec
//!  8  thiszone (4), sigfigs (4)       4  ts_usec (or ns)
//! 16  snaplen                         8  incl_len
//! 20  link type (low 16 bits; the     12  orig_len
//!     upper bits carry FCS info)
//! ```

use crate::RawPacket;
use crate::bytes::Endian;
use crate::error::{CaptureError, Reason};

pub(crate) const MAGIC_US: u32 = 0xa1b2_c3d4;
pub(crate) const MAGIC_NS: u32 = 0xa1b2_3c4d;

/// Reader state for a classic pcap file.
#[derive(Debug, Clone)]
pub(crate) struct PcapReader {
    endian: Endian,
    tick_s: f64,
    link_type: u32,
    pos: usize,
}

impl PcapReader {
    /// Parses the 24-byte file header; `magic_le` is the first word read little-endian.
    pub(crate) fn new(data: &[u8], magic_le: u32) -> Result<Self, CaptureError> {
        let (endian, tick_s) = match magic_le {
            MAGIC_US => (Endian::Little, 1e-6),
            MAGIC_NS => (Endian::Little, 1e-9),
            m if m.swap_bytes() == MAGIC_US => (Endian::Big, 1e-6),
            m if m.swap_bytes() == MAGIC_NS => (Endian::Big, 1e-9),
            m => return Err(CaptureError::at(0, Reason::UnknownMagic(m))),
        };
        let link_type = endian
            .u32(data, 20)
            .ok_or_else(|| CaptureError::truncated(0, 24, data.len()))?;
        Ok(Self {
            endian,
            tick_s,
            link_type: link_type & 0xffff,
            pos: 24,
        })
    }

    /// The next record, `Ok(None)` at a clean end of file.
    pub(crate) fn next<'a>(
        &mut self,
        data: &'a [u8],
    ) -> Result<Option<RawPacket<'a>>, CaptureError> {
        let at = self.pos;
        if at >= data.len() {
            return Ok(None);
        }
        let left = data.len() - at;
        let e = self.endian;
        let (Some(sec), Some(frac), Some(incl), Some(orig)) = (
            e.u32(data, at),
            e.u32(data, at + 4),
            e.u32(data, at + 8),
            e.u32(data, at + 12),
        ) else {
            return Err(CaptureError::truncated(at, 16, left));
        };
        let start = at + 16;
        let end = start
            .checked_add(incl as usize)
            .filter(|&end| end <= data.len())
            .ok_or_else(|| CaptureError::at(at + 8, Reason::BadPacketLength(incl)))?;
        self.pos = end;
        Ok(Some(RawPacket {
            time_s: f64::from(sec) + f64::from(frac) * self.tick_s,
            link_type: self.link_type,
            original_len: orig,
            data: &data[start..end],
            file_offset: start,
        }))
    }
}
