//! pcapng files (draft-ietf-opsawg-pcapng).
//!
//! ```text
//! every block:  type (4) | total length (4) | body ... | total length (4), 4-byte aligned
//! SHB  0x0a0d0d0a  byte-order magic 1a2b3c4d (4) | major (2) | minor (2) | section length (8) | options
//! IDB  0x00000001  link type (2) | reserved (2) | snaplen (4) | options (if_tsresol = code 9)
//! EPB  0x00000006  interface (4) | ts high (4) | ts low (4) | captured len (4) | original len (4) | data
//! SPB  0x00000003  original len (4) | data (interface 0, no timestamp)
//! PB   0x00000002  interface (2) | drops (2) | ts high (4) | ts low (4) | captured (4) | original (4) | data
//! ```
//! Other blocks (name resolution, statistics, custom...) are skipped.

use crate::bytes::Endian;
use crate::error::{CaptureError, Reason};
use crate::{MAX_INTERFACES, RawPacket};

pub(crate) const SHB: u32 = 0x0a0d_0d0a;
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
const OPT_IF_TSRESOL: u16 = 9;

#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u32,
    ticks_per_s: u64,
}

/// Reader state for a pcapng file.
#[derive(Debug, Clone)]
pub(crate) struct PcapngReader {
    endian: Endian,
    interfaces: Vec<Interface>,
    pos: usize,
}

impl PcapngReader {
    pub(crate) fn new(data: &[u8]) -> Result<Self, CaptureError> {
        let mut reader = Self {
            endian: Endian::Little,
            interfaces: Vec::new(),
            pos: 0,
        };
        reader.section_header(data, 0)?;
        Ok(reader)
    }

    /// Reads a section header's byte order and forgets the previous section's interfaces.
    fn section_header(&mut self, data: &[u8], at: usize) -> Result<(), CaptureError> {
        let bom = Endian::Little
            .u32(data, at + 8)
            .ok_or_else(|| CaptureError::truncated(at, 12, data.len().saturating_sub(at)))?;
        self.endian = if bom == BYTE_ORDER_MAGIC {
            Endian::Little
        } else if bom.swap_bytes() == BYTE_ORDER_MAGIC {
            Endian::Big
        } else {
            return Err(CaptureError::at(at + 8, Reason::BadByteOrder(bom)));
        };
        self.interfaces.clear();
        Ok(())
    }

    /// The next packet, `Ok(None)` at a clean end of file.
    pub(crate) fn next<'a>(
        &mut self,
        data: &'a [u8],
    ) -> Result<Option<RawPacket<'a>>, CaptureError> {
        loop {
            let at = self.pos;
            if at >= data.len() {
                return Ok(None);
            }
            let left = data.len() - at;
            let block_type = self
                .endian
                .u32(data, at)
                .ok_or_else(|| CaptureError::truncated(at, 8, left))?;
            if block_type == SHB {
                // The byte order may change here, so read it before the length.
                self.section_header(data, at)?;
            }
            let len = self
                .endian
                .u32(data, at + 4)
                .ok_or_else(|| CaptureError::truncated(at, 8, left))?;
            if len < 12 || len % 4 != 0 || len as usize > left {
                return Err(CaptureError::at(at + 4, Reason::BadBlockLength(len)));
            }
            let block = &data[at..at + len as usize];
            let trailing = self.endian.u32(block, block.len() - 4).unwrap_or(0);
            if trailing != len {
                return Err(CaptureError::at(
                    at + block.len() - 4,
                    Reason::BlockLengthMismatch {
                        leading: len,
                        trailing,
                    },
                ));
            }
            // Every iteration moves forward by at least 12 bytes, so the loop ends.
            self.pos = at + len as usize;
            let body = &block[8..block.len() - 4];
            match block_type {
                IDB => self.interface(body, at + 8)?,
                EPB | PB | SPB => return self.packet(block_type, body, at + 8).map(Some),
                _ => {}
            }
        }
    }

    fn interface(&mut self, body: &[u8], at: usize) -> Result<(), CaptureError> {
        if self.interfaces.len() >= MAX_INTERFACES {
            return Err(CaptureError::at(
                at,
                Reason::TooManyInterfaces(MAX_INTERFACES),
            ));
        }
        let link_type = self
            .endian
            .u16(body, 0)
            .ok_or_else(|| CaptureError::truncated(at, 8, body.len()))?;
        let ticks_per_s = self.tsresol(body.get(8..).unwrap_or(&[]));
        self.interfaces.push(Interface {
            link_type: u32::from(link_type),
            ticks_per_s,
        });
        Ok(())
    }

    /// Timestamp ticks per second from the `if_tsresol` option; microseconds by default.
    fn tsresol(&self, mut options: &[u8]) -> u64 {
        while let (Some(code), Some(len)) =
            (self.endian.u16(options, 0), self.endian.u16(options, 2))
        {
            if code == 0 {
                break;
            }
            let value = options.get(4..4 + len as usize);
            if code == OPT_IF_TSRESOL
                && let Some(&[r]) = value
            {
                // Resolutions finer than u64 can count are clamped (no real capture has them).
                let exp = u32::from(r & 0x7f);
                return if r & 0x80 == 0 {
                    10u64.checked_pow(exp).unwrap_or(10u64.pow(19))
                } else {
                    2u64.checked_pow(exp).unwrap_or(1 << 63)
                };
            }
            let padded = (len as usize).div_ceil(4) * 4;
            options = options.get(4 + padded..).unwrap_or(&[]);
        }
        1_000_000
    }

    fn packet<'a>(
        &self,
        kind: u32,
        body: &'a [u8],
        at: usize,
    ) -> Result<RawPacket<'a>, CaptureError> {
        let e = self.endian;
        let short = || CaptureError::truncated(at, 20, body.len());
        let (iface, ts, caplen, orig, data_at) = match kind {
            SPB => {
                let orig = e.u32(body, 0).ok_or_else(short)?;
                let caplen = orig.min(body.len().saturating_sub(4) as u32);
                (0, None, caplen, orig, 4)
            }
            PB => {
                let iface = u32::from(e.u16(body, 0).ok_or_else(short)?);
                let (hi, lo) = (
                    e.u32(body, 4).ok_or_else(short)?,
                    e.u32(body, 8).ok_or_else(short)?,
                );
                let caplen = e.u32(body, 12).ok_or_else(short)?;
                (
                    iface,
                    Some((hi, lo)),
                    caplen,
                    e.u32(body, 16).ok_or_else(short)?,
                    20,
                )
            }
            _ => {
                let iface = e.u32(body, 0).ok_or_else(short)?;
                let (hi, lo) = (
                    e.u32(body, 4).ok_or_else(short)?,
                    e.u32(body, 8).ok_or_else(short)?,
                );
                let caplen = e.u32(body, 12).ok_or_else(short)?;
                (
                    iface,
                    Some((hi, lo)),
                    caplen,
                    e.u32(body, 16).ok_or_else(short)?,
                    20,
                )
            }
        };
        let interface = self
            .interfaces
            .get(iface as usize)
            .ok_or_else(|| CaptureError::at(at, Reason::UnknownInterface(iface)))?;
        let data = body
            .get(data_at..data_at + caplen as usize)
            .ok_or_else(|| CaptureError::at(at + data_at - 8, Reason::BadPacketLength(caplen)))?;
        // Whole seconds and the fraction apart, so nanosecond stamps keep their precision.
        let time_s = ts.map_or(0.0, |(hi, lo)| {
            let ticks = (u64::from(hi) << 32) | u64::from(lo);
            let per_s = interface.ticks_per_s;
            (ticks / per_s) as f64 + (ticks % per_s) as f64 / per_s as f64
        });
        Ok(RawPacket {
            time_s,
            link_type: interface.link_type,
            original_len: orig,
            data,
            file_offset: at + data_at,
        })
    }
}
