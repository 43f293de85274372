//! Zero-copy validation: BSI Flex 335 rules checked while walking the protobuf wire bytes,
//! without building the message.
//!
//! Every value is decoded as prost would decode it (key and wire type, varints, lengths, UTF-8
//! of strings, nesting limit), so [`validate_bytes`] accepts exactly the bytes [`decode_v2`]
//! accepts and reports the same rule violations as [`Validate::validate`] on the decoded
//! message (possibly in another order). It allocates only for violations, which makes it
//! several times faster than decoding: a gateway can check traffic at line rate and decode
//! only the detections and status reports it maps.
//!
//! Protobuf merges a singular message field or oneof that occurs twice; such non-canonical
//! input is rare, and for it the walk falls back to decoding and validating the message.
//!
//! [`decode_v2`]: crate::decode_v2
//! [`Validate::validate`]: crate::Validate::validate

use crate::DecodeError;
use crate::rules::{check_icd_version, check_lat_lon, check_unit_interval};
use crate::validate::{
    Ctx, Rule, RuleViolation, Validate, check_enum, check_finite, check_timestamp_parts,
    check_ulid, check_uuid,
};

/// prost's default recursion limit.
const MAX_DEPTH: u32 = 100;

const VARINT: u8 = 0;
const I64: u8 = 1;
const LEN: u8 = 2;
const START_GROUP: u8 = 3;
const END_GROUP: u8 = 4;
const I32: u8 = 5;

/// Why a walk stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// Not decodable protobuf.
    Malformed(&'static str),
    /// Valid but merged by decoders (repeated singular message or oneof): decode instead.
    NonCanonical,
}

/// Checks a serialized v2.0 `SapientMessage` against the BSI Flex 335 rules without decoding
/// it into structs. Same result as `decode_v2(bytes)?.validate()`, up to error order.
pub fn validate_bytes(bytes: &[u8]) -> Result<Vec<RuleViolation>, DecodeError> {
    let mut ctx = Ctx::default();
    match wire_sapient_message(bytes, &mut ctx, 0) {
        Ok(()) => Ok(ctx.into_errors()),
        Err(Wire::NonCanonical) => Ok(crate::decode_v2(bytes)?.validate()),
        Err(Wire::Malformed(reason)) => Err(DecodeError::Protobuf {
            len: bytes.len(),
            reason: format!("failed to decode Protobuf message: {reason}"),
        }),
    }
}

#[inline]
fn read_varint(buf: &mut &[u8]) -> Result<u64, Wire> {
    // Keys, lengths and small enums are one byte: the common case first.
    if let Some((&b, rest)) = buf.split_first()
        && b < 0x80
    {
        *buf = rest;
        return Ok(u64::from(b));
    }
    read_varint_slow(buf)
}

/// A reusable zero-copy validator: keeps its buffers between messages, so checking a
/// conforming message allocates nothing at all.
#[derive(Debug, Default)]
pub struct Validator {
    ctx: Ctx,
}

impl Validator {
    /// A validator with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks one serialized v2.0 `SapientMessage`, like [`validate_bytes`].
    pub fn check(&mut self, bytes: &[u8]) -> Result<&[RuleViolation], DecodeError> {
        self.ctx.reset();
        match wire_sapient_message(bytes, &mut self.ctx, 0) {
            Ok(()) => Ok(self.ctx.errors()),
            Err(_) => {
                let errors = validate_bytes(bytes)?;
                self.ctx.reset();
                self.ctx.extend(errors);
                Ok(self.ctx.errors())
            }
        }
    }
}

fn read_varint_slow(buf: &mut &[u8]) -> Result<u64, Wire> {
    let mut value = 0u64;
    for i in 0..10 {
        let Some((&b, rest)) = buf.split_first() else {
            return Err(Wire::Malformed("buffer underflow"));
        };
        *buf = rest;
        if i == 9 && b > 1 {
            return Err(Wire::Malformed("invalid varint"));
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Ok(value);
        }
    }
    Err(Wire::Malformed("invalid varint"))
}

pub(crate) fn read_key(buf: &mut &[u8]) -> Result<(u32, u8), Wire> {
    let key = read_varint(buf)?;
    let key = u32::try_from(key).map_err(|_| Wire::Malformed("invalid key value"))?;
    let wt = (key & 7) as u8;
    if wt > I32 {
        return Err(Wire::Malformed("invalid wire type value"));
    }
    let number = key >> 3;
    if number == 0 {
        return Err(Wire::Malformed("invalid tag value: 0"));
    }
    Ok((number, wt))
}

fn expect(wt: u8, want: u8) -> Result<(), Wire> {
    if wt == want {
        Ok(())
    } else {
        Err(Wire::Malformed("invalid wire type"))
    }
}

fn take<'a>(buf: &mut &'a [u8], n: usize) -> Result<&'a [u8], Wire> {
    if buf.len() < n {
        return Err(Wire::Malformed("buffer underflow"));
    }
    let (head, rest) = buf.split_at(n);
    *buf = rest;
    Ok(head)
}

pub(crate) fn read_len<'a>(buf: &mut &'a [u8], wt: u8) -> Result<&'a [u8], Wire> {
    expect(wt, LEN)?;
    let len = read_varint(buf)?;
    let len = usize::try_from(len).map_err(|_| Wire::Malformed("buffer underflow"))?;
    take(buf, len)
}

pub(crate) fn read_str<'a>(buf: &mut &'a [u8], wt: u8) -> Result<&'a str, Wire> {
    std::str::from_utf8(read_len(buf, wt)?)
        .map_err(|_| Wire::Malformed("invalid string value: data is not UTF-8 encoded"))
}

pub(crate) fn read_f64(buf: &mut &[u8], wt: u8) -> Result<f64, Wire> {
    expect(wt, I64)?;
    let b = take(buf, 8)?;
    Ok(f64::from_le_bytes(
        b.try_into()
            .map_err(|_| Wire::Malformed("buffer underflow"))?,
    ))
}

pub(crate) fn read_f32(buf: &mut &[u8], wt: u8) -> Result<f32, Wire> {
    expect(wt, I32)?;
    let b = take(buf, 4)?;
    Ok(f32::from_le_bytes(
        b.try_into()
            .map_err(|_| Wire::Malformed("buffer underflow"))?,
    ))
}

pub(crate) fn read_varint_field(buf: &mut &[u8], wt: u8) -> Result<u64, Wire> {
    expect(wt, VARINT)?;
    read_varint(buf)
}

/// A repeated varint field, packed (one LEN record) or not (one VARINT per occurrence), as
/// protobuf parsers must accept both.
pub(crate) fn for_each_varint(buf: &mut &[u8], wt: u8, mut f: impl FnMut(u64)) -> Result<(), Wire> {
    if wt == LEN {
        let mut packed = read_len(buf, wt)?;
        while !packed.is_empty() {
            f(read_varint(&mut packed)?);
        }
        Ok(())
    } else {
        f(read_varint_field(buf, wt)?);
        Ok(())
    }
}

/// Skips an unknown field, groups included (bounded by the nesting limit).
pub(crate) fn skip_field(buf: &mut &[u8], number: u32, wt: u8, depth: u32) -> Result<(), Wire> {
    match wt {
        VARINT => read_varint(buf).map(drop),
        I64 => take(buf, 8).map(drop),
        I32 => take(buf, 4).map(drop),
        LEN => read_len(buf, wt).map(drop),
        START_GROUP => {
            if depth >= MAX_DEPTH {
                return Err(Wire::Malformed("recursion limit reached"));
            }
            loop {
                let (n, w) = read_key(buf)?;
                if w == END_GROUP {
                    return if n == number {
                        Ok(())
                    } else {
                        Err(Wire::Malformed("unexpected end group tag"))
                    };
                }
                skip_field(buf, n, w, depth + 1)?;
            }
        }
        _ => Err(Wire::Malformed("unexpected end group tag")),
    }
}

/// A message of a type outside the schema (none in v2.0 besides Timestamp): structure only.
#[allow(dead_code)]
pub(crate) fn skip_message(mut buf: &[u8], depth: u32) -> Result<(), Wire> {
    while !buf.is_empty() {
        let (n, w) = read_key(&mut buf)?;
        skip_field(&mut buf, n, w, depth)?;
    }
    Ok(())
}

/// `google.protobuf.Timestamp`: seconds (1, int64) and nanos (2, int32).
pub(crate) fn wire_timestamp(mut buf: &[u8], ctx: &mut Ctx) -> Result<(), Wire> {
    let (mut seconds, mut nanos) = (0i64, 0i32);
    while !buf.is_empty() {
        match read_key(&mut buf)? {
            (1, wt) => seconds = read_varint_field(&mut buf, wt)? as i64,
            (2, wt) => nanos = read_varint_field(&mut buf, wt)? as i32,
            (n, wt) => skip_field(&mut buf, n, wt, 0)?,
        }
    }
    check_timestamp_parts(ctx, seconds, nanos);
    Ok(())
}

include!(concat!(env!("OUT_DIR"), "/v2_0/wire.rs"));
