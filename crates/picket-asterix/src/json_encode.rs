//! Encoding from the JSON view (the shape [`crate::json::record_json`] produces), so a
//! simulator or an output can write `{"010":{"SAC":1,"SIC":2},"040":{"RHO":12.5,...}}` in the
//! specification's names and units. Quantities are rounded to the nearest LSB; fields left out
//! of a group are 0; unknown names are errors.
//!
//! ```
//! use picket_asterix::{json_encode, spec};
//! let def = spec::lookup(48, None).unwrap();
//! let items = serde_json::json!({"010": {"SAC": 25, "SIC": 201}, "040": {"RHO": 10.0, "THETA": 90.0}});
//! let block = json_encode::encode_block_json(def, &[items]).unwrap();
//! assert_eq!(block[0], 48);
//! ```

use crate::encode::{Node, RecordValue, encode_record, encode_var, finish_block};
use crate::error::EncodeError;
use crate::spec::{CategoryDef, Content, Counter, Field, Variation};
use crate::value::encode_text;
use serde_json::{Map, Value as Json};

fn shape(path: &str, reason: impl Into<String>) -> EncodeError {
    EncodeError::Shape {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// The record value for a JSON `items` object.
pub fn record_from_json(
    def: &'static CategoryDef,
    items: &Json,
) -> Result<RecordValue, EncodeError> {
    let obj = items
        .as_object()
        .ok_or_else(|| shape("items", "expected an object"))?;
    let mut out = Vec::with_capacity(obj.len());
    for (name, v) in obj {
        let (frn, f) = def
            .item(name)
            .ok_or_else(|| EncodeError::UnknownItem(name.clone()))?;
        let node = if name == "RE"
            && v.is_object()
            && let Some(e) = def.expansion
        {
            // A decoded Reserved Expansion Field: encode it with the REF definition.
            let inner = node_from_json(&e.var, v, "RE", None)?;
            let mut bytes = Vec::new();
            encode_var(&e.var, &inner, &mut bytes, "RE")?;
            Node::Bytes(bytes)
        } else {
            node_from_json(&f.var, v, f.name, None)?
        };
        out.push((frn, node));
    }
    out.sort_by_key(|(frn, _)| *frn);
    Ok(RecordValue { items: out })
}

/// One record's bytes from a JSON `items` object.
pub fn encode_record_json(def: &'static CategoryDef, items: &Json) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode_record(def, &record_from_json(def, items)?, &mut out)?;
    Ok(out)
}

/// A data block from JSON `items` objects, one per record.
pub fn encode_block_json(
    def: &'static CategoryDef,
    records: &[Json],
) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![def.category, 0, 0];
    for r in records {
        encode_record(def, &record_from_json(def, r)?, &mut out)?;
    }
    finish_block(out)
}

/// Raw bits for a JSON leaf. `siblings` resolves `case` contents inside a group.
fn leaf_raw(
    content: &'static Content,
    bits: u16,
    v: &Json,
    path: &str,
    siblings: Option<&Map<String, Json>>,
) -> Result<u64, EncodeError> {
    let range = |value: String| EncodeError::OutOfRange {
        path: path.to_string(),
        value,
        bits,
    };
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let unsigned = |v: &Json| -> Result<u64, EncodeError> {
        let n = v
            .as_u64()
            .ok_or_else(|| shape(path, "expected an unsigned integer"))?;
        if n & !mask != 0 {
            return Err(range(n.to_string()));
        }
        Ok(n)
    };
    let signed = |n: i64| -> Result<u64, EncodeError> {
        let half = 1i128 << (bits - 1);
        if i128::from(n) < -half || i128::from(n) >= half {
            return Err(range(n.to_string()));
        }
        Ok(n as u64 & mask)
    };
    match content {
        Content::Raw | Content::Table(_) | Content::Unsigned | Content::Spare => unsigned(v),
        Content::Signed => signed(
            v.as_i64()
                .ok_or_else(|| shape(path, "expected an integer"))?,
        ),
        Content::Quantity { signed: s, lsb, .. } => {
            let x = v.as_f64().ok_or_else(|| shape(path, "expected a number"))?;
            let n = (x / lsb).round();
            if !n.is_finite() || n.abs() > 9.0e18 {
                return Err(range(x.to_string()));
            }
            if *s {
                signed(n as i64)
            } else if n < 0.0 || (n as u64) & !mask != 0 {
                Err(range(x.to_string()))
            } else {
                Ok(n as u64)
            }
        }
        Content::Text(kind) => {
            let s = v.as_str().ok_or_else(|| shape(path, "expected a string"))?;
            encode_text(*kind, bits, s).ok_or_else(|| range(format!("{s:?}")))
        }
        Content::Bds(_) => {
            let s = v
                .as_str()
                .ok_or_else(|| shape(path, "expected a hex string"))?;
            let n = u64::from_str_radix(s, 16).map_err(|_| shape(path, "bad hex"))?;
            if n & !mask != 0 {
                return Err(range(s.to_string()));
            }
            Ok(n)
        }
        Content::Case {
            path: sel,
            cases,
            default,
        } => {
            let selector = sel.last().and_then(|name| siblings?.get(*name)?.as_u64());
            let c = selector
                .and_then(|s| cases.iter().find(|c| c.0 == s))
                .map_or(*default, |c| &c.1);
            leaf_raw(c, bits, v, path, None)
        }
    }
}

fn fields_from_json(
    fields: &'static [Field],
    obj: &Map<String, Json>,
    path: &str,
) -> Result<Vec<Node>, EncodeError> {
    fields
        .iter()
        .map(|f| {
            let p = format!("{path}/{}", f.name);
            match (&f.var, obj.get(f.name)) {
                (_, None)
                | (
                    Variation::Element {
                        content: Content::Spare,
                        ..
                    },
                    _,
                ) => Ok(zero(&f.var)),
                (var, Some(v)) => node_from_json(var, v, &p, Some(obj)),
            }
        })
        .collect()
}

/// A zero value for a fixed variation.
fn zero(var: &'static Variation) -> Node {
    match var {
        Variation::Group { fields, .. } => {
            Node::Fields(fields.iter().map(|f| zero(&f.var)).collect())
        }
        _ => Node::Leaf(0),
    }
}

fn check_known(
    fields: &[&'static Field],
    obj: &Map<String, Json>,
    path: &str,
) -> Result<(), EncodeError> {
    match obj
        .keys()
        .find(|k| !fields.iter().any(|f| f.name == k.as_str()))
    {
        Some(k) => Err(shape(path, format!("unknown field {k:?}"))),
        None => Ok(()),
    }
}

/// The [`Node`] for JSON value `v` of a variation.
pub fn node_from_json(
    var: &'static Variation,
    v: &Json,
    path: &str,
    siblings: Option<&Map<String, Json>>,
) -> Result<Node, EncodeError> {
    let object = || {
        v.as_object()
            .ok_or_else(|| shape(path, "expected an object"))
    };
    match var {
        Variation::Element { bits, content } => {
            leaf_raw(content, *bits, v, path, siblings).map(Node::Leaf)
        }
        Variation::Group { fields, .. } => {
            let obj = object()?;
            check_known(&fields.iter().collect::<Vec<_>>(), obj, path)?;
            fields_from_json(fields, obj, path).map(Node::Fields)
        }
        Variation::Extended { parts } => {
            let obj = object()?;
            let all: Vec<&'static Field> = parts.iter().flat_map(|p| p.fields.iter()).collect();
            check_known(&all, obj, path)?;
            // As many parts as it takes to hold the last field given (at least one).
            let needed = parts
                .iter()
                .rposition(|p| {
                    p.fields
                        .iter()
                        .any(|f| !f.name.is_empty() && obj.contains_key(f.name))
                })
                .map_or(1, |i| i + 1);
            let mut out = Vec::new();
            for p in &parts[..needed] {
                out.extend(fields_from_json(p.fields, obj, path)?);
            }
            Ok(Node::Fields(out))
        }
        Variation::Repetitive {
            counter,
            var: inner,
        } => {
            let arr = v
                .as_array()
                .ok_or_else(|| shape(path, "expected an array"))?;
            if *counter == Counter::Fx && arr.is_empty() {
                return Err(shape(path, "an FX repetition needs at least one element"));
            }
            arr.iter()
                .map(|e| node_from_json(inner, e, path, None))
                .collect::<Result<_, _>>()
                .map(Node::List)
        }
        Variation::Explicit { .. } => {
            let s = v
                .as_str()
                .ok_or_else(|| shape(path, "expected a hex string"))?;
            if s.len() % 2 != 0 {
                return Err(shape(path, "odd-length hex"));
            }
            (0..s.len())
                .step_by(2)
                .map(|i| {
                    s.get(i..i + 2)
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .ok_or_else(|| shape(path, "bad hex"))
                })
                .collect::<Result<_, _>>()
                .map(Node::Bytes)
        }
        Variation::Compound { fields, .. } => {
            let obj = object()?;
            let mut subs = Vec::new();
            for (name, sv) in obj {
                let slot = fields
                    .iter()
                    .position(|f| f.as_ref().is_some_and(|f| f.name == name))
                    .ok_or_else(|| shape(path, format!("unknown sub-item {name:?}")))?;
                if let Some(Some(f)) = fields.get(slot) {
                    subs.push((
                        slot,
                        node_from_json(&f.var, sv, &format!("{path}/{name}"), None)?,
                    ));
                }
            }
            subs.sort_by_key(|(s, _)| *s);
            Ok(Node::Compound(subs))
        }
    }
}
