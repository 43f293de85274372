//! Data block, record and item framing: CAT/LEN, FSPEC, and the length of every variation.
//!
//! Framing walks the definition once per item to find where it ends; it never allocates per
//! item (spans go into a `Vec` reused across records) and never trusts a length field beyond
//! the bytes actually present.

use crate::error::{DecodeError, Reason};
use crate::spec::{self, CategoryDef, Counter, Edition, Field, Variation};

/// Checks that `n` bytes are available at `pos`.
#[inline]
pub(crate) fn need(
    data: &[u8],
    pos: usize,
    n: usize,
    what: &'static str,
) -> Result<(), DecodeError> {
    let available = data.len().saturating_sub(pos);
    if n <= available {
        Ok(())
    } else {
        Err(DecodeError::at(
            pos,
            Reason::Truncated {
                what,
                needed: n,
                available,
            },
        ))
    }
}

/// Size in octets of a fixed variation.
#[inline]
pub(crate) fn fixed_bytes(var: &Variation) -> Option<usize> {
    match var {
        Variation::Element { bits, .. } | Variation::Group { bits, .. } => {
            Some(usize::from(*bits).div_ceil(8))
        }
        _ => None,
    }
}

/// Reads an FX-chained FSPEC of at most `max_bytes` octets at `pos`; returns its length.
#[inline]
fn fx_fspec_len(
    data: &[u8],
    pos: usize,
    max_bytes: usize,
    too_long: impl FnOnce() -> Reason,
) -> Result<usize, DecodeError> {
    let mut n = 0;
    loop {
        need(data, pos + n, 1, "FSPEC")?;
        let b = data[pos + n];
        n += 1;
        if b & 1 == 0 {
            return Ok(n);
        }
        if n >= max_bytes {
            return Err(DecodeError::at(pos + n, too_long()));
        }
    }
}

/// Calls `f(slot)` (0-based) for every bit set in an FSPEC (FX bits skipped when `fx`).
#[inline]
pub(crate) fn for_each_fspec_bit<E>(
    fspec: &[u8],
    fx: bool,
    mut f: impl FnMut(usize) -> Result<(), E>,
) -> Result<(), E> {
    let per_byte = if fx { 7 } else { 8 };
    for (i, &b) in fspec.iter().enumerate() {
        let mut bits = if fx { b & 0xFE } else { b };
        while bits != 0 {
            let lead = bits.leading_zeros() as usize;
            f(i * per_byte + lead)?;
            bits &= !(0x80 >> lead);
        }
    }
    Ok(())
}

/// Length in octets of `var` starting at `pos`.
pub(crate) fn var_len(
    var: &'static Variation,
    item: &'static str,
    data: &[u8],
    pos: usize,
) -> Result<usize, DecodeError> {
    match var {
        Variation::Element { .. } | Variation::Group { .. } => {
            let n = fixed_bytes(var).unwrap_or(0);
            need(data, pos, n, item)?;
            Ok(n)
        }
        Variation::Extended { parts } => {
            let mut len = 0;
            for part in *parts {
                let n = part.bytes();
                need(data, pos + len, n, item)?;
                len += n;
                if !part.fx || data[pos + len - 1] & 1 == 0 {
                    return Ok(len);
                }
            }
            Err(DecodeError::at(
                pos + len - 1,
                Reason::ExtensionBeyondSpec { item },
            ))
        }
        Variation::Repetitive { counter, var } => repetitive_len(*counter, var, item, data, pos),
        Variation::Explicit { .. } => {
            need(data, pos, 1, item)?;
            let n = usize::from(data[pos]);
            if n == 0 {
                return Err(DecodeError::at(pos, Reason::ZeroExplicitLength { item }));
            }
            need(data, pos, n, item)?;
            Ok(n)
        }
        Variation::Compound {
            fspec_bytes,
            fields,
        } => compound_len(*fspec_bytes, fields, item, data, pos),
    }
}

fn repetitive_len(
    counter: Counter,
    var: &'static Variation,
    item: &'static str,
    data: &[u8],
    pos: usize,
) -> Result<usize, DecodeError> {
    match counter {
        Counter::Bytes(k) => {
            let k = usize::from(k);
            need(data, pos, k, item)?;
            let count = data[pos..pos + k]
                .iter()
                .fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b));
            let mut len = k;
            if let Some(size) = fixed_bytes(var) {
                // Checked in u64: a hostile count cannot overflow or allocate.
                let total = count.saturating_mul(size as u64);
                let total = usize::try_from(total).unwrap_or(usize::MAX);
                need(data, pos + len, total, item)?;
                return Ok(len + total);
            }
            for _ in 0..count {
                len += var_len(var, item, data, pos + len)?;
            }
            Ok(len)
        }
        Counter::Fx => {
            let size = fixed_bytes(var).unwrap_or(1).max(1);
            let mut len = 0;
            loop {
                need(data, pos + len, size, item)?;
                len += size;
                if data[pos + len - 1] & 1 == 0 {
                    return Ok(len);
                }
            }
        }
    }
}

fn compound_len(
    fspec_bytes: Option<u8>,
    fields: &'static [Option<Field>],
    item: &'static str,
    data: &[u8],
    pos: usize,
) -> Result<usize, DecodeError> {
    let (flen, fx) = match fspec_bytes {
        Some(n) => {
            need(data, pos, usize::from(n), item)?;
            (usize::from(n), false)
        }
        None => {
            let max = fields.len().div_ceil(7).max(1);
            let n = fx_fspec_len(data, pos, max, || Reason::UndefinedSubitem {
                item,
                slot: max * 7 + 1,
            })?;
            (n, true)
        }
    };
    let mut len = flen;
    for_each_fspec_bit(&data[pos..pos + flen], fx, |slot| {
        match fields.get(slot) {
            Some(Some(f)) => len += var_len(&f.var, item, data, pos + len)?,
            _ => {
                return Err(DecodeError::at(
                    pos,
                    Reason::UndefinedSubitem {
                        item,
                        slot: slot + 1,
                    },
                ));
            }
        }
        Ok(())
    })?;
    Ok(len)
}

/// Where one item sits in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemSpan {
    /// Index into the category's `items`.
    pub item: u16,
    /// Field reference number (1-based).
    pub frn: u16,
    /// Byte offset of the item in the input.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

/// Frames one record at `pos` (which must lie before `end`); pushes its items into `spans`
/// and returns the record length.
pub(crate) fn frame_record(
    def: &'static CategoryDef,
    data: &[u8],
    pos: usize,
    end: usize,
    spans: &mut Vec<ItemSpan>,
) -> Result<usize, DecodeError> {
    spans.clear();
    let block = data.get(..end).unwrap_or(data);
    let max = def.uap.len().div_ceil(7);
    let flen = fx_fspec_len(block, pos, max, || Reason::FspecTooLong {
        category: def.category,
        edition: def.edition,
    })
    .map_err(overrun)?;
    let mut len = flen;
    for_each_fspec_bit(&block[pos..pos + flen], true, |slot| {
        let frn = slot + 1;
        let idx = def.uap.get(slot).copied().flatten().ok_or_else(|| {
            DecodeError::at(
                pos,
                Reason::UndefinedItem {
                    category: def.category,
                    edition: def.edition,
                    frn,
                },
            )
        })?;
        let field = &def.items[usize::from(idx)];
        // Most items are fixed-size: size them inline, and call the general walker only for
        // extended, repetitive, explicit and compound ones.
        let n = match fixed_bytes(&field.var) {
            Some(n) => {
                need(block, pos + len, n, field.name).map_err(overrun)?;
                n
            }
            None => var_len(&field.var, field.name, block, pos + len).map_err(overrun)?,
        };
        spans.push(ItemSpan {
            item: idx,
            frn: frn as u16,
            start: pos + len,
            len: n,
        });
        len += n;
        Ok(())
    })?;
    if spans.is_empty() {
        return Err(DecodeError::at(pos, Reason::EmptyRecord));
    }
    Ok(len)
}

/// Inside a block, running out of bytes means the record overruns the block's LEN.
fn overrun(mut e: DecodeError) -> DecodeError {
    if let Reason::Truncated { .. } = e.reason {
        e.reason = Reason::RecordOverrun;
    }
    e
}

/// Which edition to use for each category: the newest built-in edition unless set otherwise.
/// Configure one per sensor.
#[derive(Debug, Clone)]
pub struct Editions {
    chosen: Vec<(u8, &'static CategoryDef)>,
}

impl Default for Editions {
    fn default() -> Self {
        Self::newest()
    }
}

impl Editions {
    /// The newest edition of every built-in category.
    pub fn newest() -> Self {
        let mut chosen: Vec<(u8, &'static CategoryDef)> = Vec::new();
        for c in spec::CATEGORIES {
            match chosen.iter_mut().find(|(n, _)| *n == c.category) {
                Some(slot) if slot.1.edition < c.edition => slot.1 = c,
                Some(_) => {}
                None => chosen.push((c.category, c)),
            }
        }
        Self { chosen }
    }

    /// Selects `edition` for `category`.
    pub fn with(mut self, category: u8, edition: Edition) -> Result<Self, DecodeError> {
        let def = spec::lookup(category, Some(edition)).ok_or(DecodeError::at(
            0,
            if spec::lookup(category, None).is_some() {
                Reason::UnknownEdition { category, edition }
            } else {
                Reason::UnknownCategory(category)
            },
        ))?;
        self.chosen.retain(|(n, _)| *n != category);
        self.chosen.push((category, def));
        Ok(self)
    }

    /// The definition used for `category`.
    pub fn get(&self, category: u8) -> Option<&'static CategoryDef> {
        self.chosen
            .iter()
            .find(|(n, _)| *n == category)
            .map(|(_, d)| *d)
    }
}
