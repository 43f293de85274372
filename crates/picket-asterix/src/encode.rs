//! Encoding: a record's values as a [`Node`] tree (raw bits, mirroring the definition) written
//! back to bytes, and data blocks around records. [`node_tree`] reads a decoded item into the
//! same tree, so `decode → node_tree → encode` reproduces the input bytes exactly (spare bits
//! included). The JSON view can be encoded too (see [`crate::json_encode`]).

use crate::error::EncodeError;
use crate::record::{Item, Record};
use crate::spec::{CategoryDef, Content, Counter, Field, Variation};
use crate::walk::Visitor;

/// The values of an item or sub-item, shaped like its [`Variation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element's raw bits (spare bits included).
    Leaf(u64),
    /// The fields of a group, or of the present parts of an extended item, in order.
    Fields(Vec<Node>),
    /// Repetitions.
    List(Vec<Node>),
    /// An explicit item's payload (without the length octet).
    Bytes(Vec<u8>),
    /// Present compound sub-items: (0-based slot, value), in slot order.
    Compound(Vec<(usize, Node)>),
}

/// A record's items: (FRN, value), in FRN order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordValue {
    /// Present items.
    pub items: Vec<(usize, Node)>,
}

impl RecordValue {
    /// The value tree of a decoded record.
    pub fn from_record(record: &Record<'_>) -> Self {
        Self {
            items: record.items().map(|i| (i.frn, node_tree(&i))).collect(),
        }
    }
}

/// Reads a decoded item into a [`Node`] tree.
pub fn node_tree(item: &Item<'_>) -> Node {
    let mut b = NodeBuilder::default();
    item.visit(&mut b);
    b.root.unwrap_or(Node::Fields(Vec::new()))
}

#[derive(Default)]
struct NodeBuilder {
    stack: Vec<(Node, usize)>,
    root: Option<Node>,
}

impl NodeBuilder {
    fn put(&mut self, n: Node) {
        match self.stack.last_mut() {
            Some((Node::Fields(v) | Node::List(v), _)) => v.push(n),
            Some((Node::Compound(v), slot)) => v.push((*slot, n)),
            _ => self.root = Some(n),
        }
    }
}

impl Visitor for NodeBuilder {
    fn leaf(&mut self, _: &'static str, _: &'static Content, _: u16, raw: u64) {
        self.put(Node::Leaf(raw));
    }
    fn open(&mut self, _: &'static str, var: &'static Variation) {
        let n = match var {
            Variation::Repetitive { .. } => Node::List(Vec::new()),
            Variation::Compound { .. } => Node::Compound(Vec::new()),
            _ => Node::Fields(Vec::new()),
        };
        self.stack.push((n, 0));
    }
    fn close(&mut self) {
        if let Some((n, _)) = self.stack.pop() {
            self.put(n);
        }
    }
    fn explicit(&mut self, _: &'static str, bytes: &[u8]) {
        self.put(Node::Bytes(bytes.to_vec()));
    }
    fn subitem(&mut self, slot: usize) {
        if let Some(top) = self.stack.last_mut() {
            top.1 = slot;
        }
    }
}

fn shape(path: &str, reason: impl Into<String>) -> EncodeError {
    EncodeError::Shape {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn check_fits(path: &str, raw: u64, bits: u16) -> Result<(), EncodeError> {
    if bits >= 64 || raw >> bits == 0 {
        Ok(())
    } else {
        Err(EncodeError::OutOfRange {
            path: path.to_string(),
            value: raw.to_string(),
            bits,
        })
    }
}

/// Writes `n` bits of `raw` at bit offset `bit` of `buf` (which is zeroed there).
fn write_bits(buf: &mut [u8], bit: usize, n: u16, raw: u64) {
    for i in 0..usize::from(n) {
        if (raw >> (usize::from(n) - 1 - i)) & 1 == 1 {
            let b = bit + i;
            if let Some(byte) = buf.get_mut(b / 8) {
                *byte |= 0x80 >> (b % 8);
            }
        }
    }
}

/// Writes fixed fields into `buf` from bit `bit`; returns the bits written.
fn write_fields(
    fields: &'static [Field],
    nodes: &[Node],
    buf: &mut [u8],
    mut bit: usize,
    path: &str,
) -> Result<usize, EncodeError> {
    if fields.len() != nodes.len() {
        return Err(shape(
            path,
            format!("expected {} fields, got {}", fields.len(), nodes.len()),
        ));
    }
    let start = bit;
    for (f, n) in fields.iter().zip(nodes) {
        match (&f.var, n) {
            (Variation::Element { bits, .. }, Node::Leaf(raw)) => {
                if *bits < 64 && *raw >> *bits != 0 {
                    check_fits(&format!("{path}/{}", f.name), *raw, *bits)?;
                }
                write_bits(buf, bit, *bits, *raw);
                bit += usize::from(*bits);
            }
            (Variation::Group { fields: inner, .. }, Node::Fields(ns)) => {
                bit += write_fields(inner, ns, buf, bit, &format!("{path}/{}", f.name))?;
            }
            _ => {
                return Err(shape(
                    &format!("{path}/{}", f.name),
                    "unexpected value shape",
                ));
            }
        }
    }
    Ok(bit - start)
}

/// Appends `var`'s encoding of `node` to `out`.
pub fn encode_var(
    var: &'static Variation,
    node: &Node,
    out: &mut Vec<u8>,
    path: &str,
) -> Result<(), EncodeError> {
    match (var, node) {
        (Variation::Element { bits, .. }, Node::Leaf(raw)) => {
            check_fits(path, *raw, *bits)?;
            let n = usize::from(*bits).div_ceil(8);
            let at = out.len();
            out.resize(at + n, 0);
            write_bits(&mut out[at..], n * 8 - usize::from(*bits), *bits, *raw);
            Ok(())
        }
        (Variation::Group { bits, fields }, Node::Fields(ns)) => {
            let at = out.len();
            out.resize(at + usize::from(*bits).div_ceil(8), 0);
            write_fields(fields, ns, &mut out[at..], 0, path).map(|_| ())
        }
        (Variation::Extended { parts }, Node::Fields(ns)) => encode_extended(parts, ns, out, path),
        (Variation::Repetitive { counter, var }, Node::List(ns)) => {
            encode_repetitive(*counter, var, ns, out, path)
        }
        (Variation::Explicit { .. }, Node::Bytes(b)) => {
            let len = u8::try_from(b.len() + 1).map_err(|_| EncodeError::OutOfRange {
                path: path.to_string(),
                value: format!("{} bytes", b.len()),
                bits: 8,
            })?;
            out.push(len);
            out.extend_from_slice(b);
            Ok(())
        }
        (
            Variation::Compound {
                fspec_bytes,
                fields,
            },
            Node::Compound(subs),
        ) => encode_compound(*fspec_bytes, fields, subs, out, path),
        _ => Err(shape(path, "value does not match the item structure")),
    }
}

fn encode_extended(
    parts: &'static [crate::spec::Part],
    ns: &[Node],
    out: &mut Vec<u8>,
    path: &str,
) -> Result<(), EncodeError> {
    let mut used = 0;
    for (i, part) in parts.iter().enumerate() {
        let k = part.fields.len();
        let chunk = ns
            .get(used..used + k)
            .ok_or_else(|| shape(path, "fields do not end on an extension boundary"))?;
        let at = out.len();
        out.resize(at + part.bytes(), 0);
        write_fields(part.fields, chunk, &mut out[at..], 0, path)?;
        used += k;
        let more = used < ns.len();
        if more {
            if !part.fx || i + 1 == parts.len() {
                return Err(shape(path, "more fields than the item defines"));
            }
            if let Some(last) = out.last_mut() {
                *last |= 1;
            }
        } else {
            return Ok(());
        }
    }
    Err(shape(path, "empty extended item"))
}

fn encode_repetitive(
    counter: Counter,
    var: &'static Variation,
    ns: &[Node],
    out: &mut Vec<u8>,
    path: &str,
) -> Result<(), EncodeError> {
    match counter {
        Counter::Bytes(k) => {
            let bits = u16::from(k) * 8;
            check_fits(path, ns.len() as u64, bits)?;
            let at = out.len();
            out.resize(at + usize::from(k), 0);
            write_bits(&mut out[at..], 0, bits, ns.len() as u64);
            for n in ns {
                encode_var(var, n, out, path)?;
            }
            Ok(())
        }
        Counter::Fx => {
            if ns.is_empty() {
                return Err(shape(path, "an FX repetition needs at least one element"));
            }
            for (i, n) in ns.iter().enumerate() {
                let at = out.len();
                match (var, n) {
                    (Variation::Element { bits, .. }, Node::Leaf(raw)) => {
                        check_fits(path, *raw, *bits)?;
                        out.resize(at + (usize::from(*bits) + 1) / 8, 0);
                        write_bits(&mut out[at..], 0, *bits, *raw);
                    }
                    (Variation::Group { bits, fields }, Node::Fields(fs)) => {
                        out.resize(at + (usize::from(*bits) + 1) / 8, 0);
                        write_fields(fields, fs, &mut out[at..], 0, path)?;
                    }
                    _ => return Err(shape(path, "unexpected repetition shape")),
                }
                if i + 1 < ns.len()
                    && let Some(last) = out.last_mut()
                {
                    *last |= 1;
                }
            }
            Ok(())
        }
    }
}

/// Writes an FSPEC for the given 0-based slots (`fx`: 7 slots per octet plus FX).
fn write_fspec(
    slots: impl Iterator<Item = usize> + Clone,
    fixed: Option<usize>,
    out: &mut Vec<u8>,
) {
    let per = if fixed.is_some() { 8 } else { 7 };
    let max = slots.clone().max().unwrap_or(0);
    let n = fixed.unwrap_or(max / per + 1);
    let at = out.len();
    out.resize(at + n, 0);
    for s in slots {
        if let Some(b) = out.get_mut(at + s / per) {
            *b |= 0x80 >> (s % per);
        }
    }
    if fixed.is_none() {
        for b in &mut out[at..at + n - 1] {
            *b |= 1;
        }
    }
}

fn encode_compound(
    fspec_bytes: Option<u8>,
    fields: &'static [Option<Field>],
    subs: &[(usize, Node)],
    out: &mut Vec<u8>,
    path: &str,
) -> Result<(), EncodeError> {
    if subs.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(shape(
            path,
            "compound sub-items must be in ascending slot order",
        ));
    }
    for (slot, _) in subs {
        if !matches!(fields.get(*slot), Some(Some(_))) {
            return Err(shape(path, format!("no sub-item in slot {}", slot + 1)));
        }
    }
    let fixed = fspec_bytes.map(usize::from);
    if let Some(n) = fixed
        && subs.iter().any(|(s, _)| *s >= n * 8)
    {
        return Err(shape(path, "sub-item beyond the fixed FSPEC"));
    }
    write_fspec(subs.iter().map(|(s, _)| *s), fixed, out);
    for (slot, node) in subs {
        if let Some(Some(f)) = fields.get(*slot) {
            encode_var(&f.var, node, out, &format!("{path}/{}", f.name))?;
        }
    }
    Ok(())
}

/// Appends one record (FSPEC and items) to `out`.
pub fn encode_record(
    def: &'static CategoryDef,
    record: &RecordValue,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let items = &record.items;
    if items.is_empty() || items.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(shape(
            "record",
            "items must be non-empty and in ascending FRN order",
        ));
    }
    let mut defs = Vec::with_capacity(items.len());
    for (frn, _) in items {
        defs.push(
            def.item_at(*frn)
                .ok_or_else(|| EncodeError::UnknownItem(format!("FRN {frn}")))?,
        );
    }
    write_fspec(items.iter().map(|(frn, _)| frn - 1), None, out);
    for ((_, node), f) in items.iter().zip(defs) {
        encode_var(&f.var, node, out, f.name)?;
    }
    Ok(())
}

/// A data block holding `records`.
pub fn encode_block(
    def: &'static CategoryDef,
    records: &[RecordValue],
) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![def.category, 0, 0];
    for r in records {
        encode_record(def, r, &mut out)?;
    }
    finish_block(out)
}

/// Fills in the LEN field of a block built in `out` (header included).
pub(crate) fn finish_block(mut out: Vec<u8>) -> Result<Vec<u8>, EncodeError> {
    let len = u16::try_from(out.len()).map_err(|_| EncodeError::BlockTooLong(out.len()))?;
    out[1..3].copy_from_slice(&len.to_be_bytes());
    Ok(out)
}
