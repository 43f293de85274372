//! One walker over an item's bytes, driven by its definition, reporting structure and element
//! values to a [`Visitor`]. The JSON view, the value tree used by the encoder, path lookups and
//! the flat benchmark collector are all visitors, so they agree on every layout rule.
//!
//! The walker runs on items already framed by the [`crate::Reader`], so lengths are known to fit;
//! it still reads through bounds-checked accessors and treats missing bytes as zeros.

use crate::frame::{fixed_bytes, for_each_fspec_bit};
use crate::spec::{Content, Counter, Field, Variation};
use crate::value::Value;

/// Receives an item's structure in order.
pub trait Visitor {
    /// An element (leaf): `content` is already resolved for `case` contents.
    fn leaf(&mut self, name: &'static str, content: &'static Content, bits: u16, raw: u64);
    /// Start of a group, extended, repetitive or compound structure named `name`
    /// (the item number for the item itself, "" for a repetition).
    fn open(&mut self, _name: &'static str, _var: &'static Variation) {}
    /// End of the structure opened last.
    fn close(&mut self) {}
    /// The payload of an explicit item (without its length octet).
    fn explicit(&mut self, _name: &'static str, _bytes: &[u8]) {}
    /// The next compound sub-item is in slot `slot` (0-based).
    fn subitem(&mut self, _slot: usize) {}
}

/// Reads `n` (1..=64) bits starting `bit` bits into `data`, most significant first.
#[inline]
pub(crate) fn read_bits(data: &[u8], bit: usize, n: u16) -> u64 {
    let n = usize::from(n);
    let first = bit / 8;
    // Fast path: one unaligned 16-octet load covers any field of up to 64 bits.
    if let Some(Ok(word)) = data.get(first..first + 16).map(<[u8; 16]>::try_from)
        && n > 0
    {
        return ((u128::from_be_bytes(word) << (bit % 8)) >> (128 - n)) as u64;
    }
    let last = (bit + n).div_ceil(8);
    let mut acc: u128 = 0;
    for i in first..last {
        acc = (acc << 8) | u128::from(data.get(i).copied().unwrap_or(0));
    }
    let shift = (last - first) * 8 - (bit % 8) - n;
    let mask = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    (acc >> shift) as u64 & mask
}

/// Walks `var` over `data` (the bytes of the item or sub-item, starting at its first octet).
pub fn walk(var: &'static Variation, name: &'static str, data: &[u8], v: &mut impl Visitor) {
    walk_at(var, name, data, 0, v);
}

/// Walks `var` at byte `pos`; returns the bytes it occupies. `data` may extend past the
/// structure (the whole input), so element reads can take the 16-octet fast path.
pub(crate) fn walk_at(
    var: &'static Variation,
    name: &'static str,
    data: &[u8],
    pos: usize,
    v: &mut impl Visitor,
) -> usize {
    match var {
        Variation::Element { bits, content } => {
            let raw = read_bits(data, pos * 8, *bits);
            v.leaf(name, content, *bits, raw);
            usize::from(*bits).div_ceil(8)
        }
        Variation::Group { bits, fields } => {
            v.open(name, var);
            walk_fields(fields, data, pos * 8, v);
            v.close();
            usize::from(*bits).div_ceil(8)
        }
        Variation::Extended { parts } => {
            v.open(name, var);
            let mut len = 0;
            for part in *parts {
                walk_fields(part.fields, data, (pos + len) * 8, v);
                len += part.bytes();
                let fx = data.get(pos + len - 1).is_some_and(|b| b & 1 == 1);
                if !part.fx || !fx {
                    break;
                }
            }
            v.close();
            len
        }
        Variation::Repetitive {
            counter,
            var: inner,
        } => {
            v.open(name, var);
            let len = walk_repetitions(*counter, inner, data, pos, v);
            v.close();
            len
        }
        Variation::Explicit { .. } => {
            let n = usize::from(data.get(pos).copied().unwrap_or(1)).max(1);
            v.explicit(name, data.get(pos + 1..pos + n).unwrap_or(&[]));
            n
        }
        Variation::Compound {
            fspec_bytes,
            fields,
        } => {
            v.open(name, var);
            let len = walk_compound(*fspec_bytes, fields, data, pos, v);
            v.close();
            len
        }
    }
}

fn walk_repetitions(
    counter: Counter,
    inner: &'static Variation,
    data: &[u8],
    pos: usize,
    v: &mut impl Visitor,
) -> usize {
    match counter {
        Counter::Bytes(k) => {
            let k = usize::from(k);
            let count = read_bits(data, pos * 8, (k * 8) as u16);
            let mut len = k;
            for _ in 0..count {
                if pos + len >= data.len() {
                    break; // framing guarantees this does not happen; never loop on bad input
                }
                len += walk_at(inner, "", data, pos + len, v);
            }
            len
        }
        Counter::Fx => {
            let size = fixed_bytes(inner).unwrap_or(1).max(1);
            let mut len = 0;
            loop {
                if let Variation::Element { bits, content } = inner {
                    v.leaf("", content, *bits, read_bits(data, (pos + len) * 8, *bits));
                } else if let Variation::Group { fields, .. } = inner {
                    v.open("", inner);
                    walk_fields(fields, data, (pos + len) * 8, v);
                    v.close();
                }
                len += size;
                if data.get(pos + len - 1).is_none_or(|b| b & 1 == 0) {
                    return len;
                }
            }
        }
    }
}

fn walk_compound(
    fspec_bytes: Option<u8>,
    fields: &'static [Option<Field>],
    data: &[u8],
    pos: usize,
    v: &mut impl Visitor,
) -> usize {
    let (flen, fx) = match fspec_bytes {
        Some(n) => (usize::from(n), false),
        None => {
            let mut n = 0;
            while data.get(pos + n).is_some_and(|b| b & 1 == 1) {
                n += 1;
            }
            (n + 1, true)
        }
    };
    let fspec = data.get(pos..pos + flen).unwrap_or(&[]);
    let mut len = flen;
    let _ = for_each_fspec_bit::<()>(fspec, fx, |slot| {
        if let Some(Some(f)) = fields.get(slot) {
            v.subitem(slot);
            len += walk_at(&f.var, f.name, data, pos + len, v);
        }
        Ok(())
    });
    len
}

/// Walks fixed-size fields starting at bit `bit`.
fn walk_fields(fields: &'static [Field], data: &[u8], mut bit: usize, v: &mut impl Visitor) {
    for f in fields {
        match &f.var {
            Variation::Element { bits, content } => {
                let content = match content {
                    Content::Case { .. } => resolve(content, fields, data, bit, f),
                    _ => content,
                };
                v.leaf(f.name, content, *bits, read_bits(data, bit, *bits));
                bit += usize::from(*bits);
            }
            Variation::Group {
                bits,
                fields: inner,
            } => {
                v.open(f.name, &f.var);
                walk_fields(inner, data, bit, v);
                v.close();
                bit += usize::from(*bits);
            }
            // Variable structures only occur at octet boundaries (checked by the generator).
            other => {
                let n = walk_at(other, f.name, data, bit / 8, v);
                bit += n * 8;
            }
        }
    }
}

/// Picks the content of a `case` element from the sibling field its path names. The
/// selector always sits in the same group in the published specifications.
#[cold]
fn resolve(
    content: &'static Content,
    fields: &'static [Field],
    data: &[u8],
    bit_of_field: usize,
    field: &'static Field,
) -> &'static Content {
    let Content::Case {
        path,
        cases,
        default,
    } = content
    else {
        return content;
    };
    let Some(selector) = path.last() else {
        return default;
    };
    // Bit offset of the group start: walk back from this field.
    let mut start = bit_of_field;
    for f in fields.iter().take_while(|f| !std::ptr::eq(*f, field)) {
        start -= field_bits(f);
    }
    let mut bit = start;
    for f in fields {
        if f.name == *selector
            && let Variation::Element { bits, .. } = f.var
        {
            let sel = read_bits(data, bit, bits);
            return cases.iter().find(|c| c.0 == sel).map_or(*default, |c| &c.1);
        }
        bit += field_bits(f);
    }
    default
}

fn field_bits(f: &Field) -> usize {
    match f.var {
        Variation::Element { bits, .. } | Variation::Group { bits, .. } => usize::from(bits),
        _ => 0,
    }
}

/// Finds the first element at a path below the item.
pub(crate) struct Finder<'p> {
    path: &'p [&'p str],
    stack: Vec<&'static str>,
    pub found: Option<Value>,
}

impl<'p> Finder<'p> {
    pub fn new(path: &'p [&'p str]) -> Self {
        Self {
            path,
            stack: Vec::with_capacity(4),
            found: None,
        }
    }

    fn matches(&self, leaf: &str) -> bool {
        // The item itself is the first open structure; paths start below it. An item that is
        // a single element is found with an empty path.
        let Some((_, below)) = self.stack.split_first() else {
            return self.path.is_empty();
        };
        let mut inner = below.iter().filter(|s| !s.is_empty());
        let mut path = self.path.iter();
        loop {
            match (inner.next(), path.next()) {
                (Some(a), Some(b)) if a == b => {}
                (None, Some(b)) => return *b == leaf && path.next().is_none(),
                _ => return false,
            }
        }
    }
}

impl Visitor for Finder<'_> {
    fn leaf(&mut self, name: &'static str, content: &'static Content, bits: u16, raw: u64) {
        if self.found.is_none() && self.matches(name) {
            self.found = Some(Value::new(content, bits, raw));
        }
    }
    fn open(&mut self, name: &'static str, _var: &'static Variation) {
        self.stack.push(name);
    }
    fn close(&mut self) {
        self.stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::read_bits;

    #[test]
    fn reads_bit_fields_across_octets() {
        let d = [0b1010_1100, 0b0101_0011, 0xFF];
        assert_eq!(read_bits(&d, 0, 3), 0b101);
        assert_eq!(read_bits(&d, 4, 8), 0b1100_0101);
        assert_eq!(read_bits(&d, 6, 10), 0b00_0101_0011);
        assert_eq!(read_bits(&d, 0, 24), 0xAC53FF);
        // Missing bytes read as zeros instead of panicking.
        assert_eq!(read_bits(&d, 16, 16), 0xFF00);
        let all = [0xFFu8; 9];
        assert_eq!(read_bits(&all, 3, 64), u64::MAX);
    }
}
