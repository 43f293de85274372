//! The hash chain: the canonical byte encoding of a row and how rows are linked.
//!
//! # Canonical encoding, version 1
//!
//! A row is hashed over the values *as SQLite stores them*, so `verify` can re-derive every hash
//! from the database alone, independent of how Rust types were serialised when the row was
//! written. For a row with id `id` in table `name` and stored columns `c1..cn` (in the table's
//! declared order, [`crate::Table::columns`], excluding `id` and `hash`):
//!
//! ```text
//! canonical = 0x01                          encoding version
//!             u8 len(name) ‖ name           table name, ASCII (a row cannot move tables)
//!             i64 BE id                     row id
//!             u32 BE n                      column count
//!             n × value                     each column:
//!               0x00                          NULL
//!               0x01 ‖ i64 BE                 INTEGER
//!               0x02 ‖ f64 bits BE            REAL (non-finite values are stored as NULL)
//!               0x03 ‖ u32 BE len ‖ UTF-8     TEXT
//!               0x04 ‖ u32 BE len ‖ bytes     BLOB
//! hash      = SHA-256(prev_hash ‖ canonical)
//! ```
//!
//! `prev_hash` is the hash of the previous row of the same table (by id), or for the first row
//! the table's [`genesis`] hash, or after retention the `last_hash` of the table's latest
//! checkpoint. One chain per table (rather than one across tables) so retention can drop the
//! oldest raw frames by size while alerts and the audit log are kept for years, and each chain
//! still verifies end to end.

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use sha2::{Digest, Sha256};

/// The canonical encoding's version, the first byte of every encoded row.
pub const ENCODING_VERSION: u8 = 1;

/// A 32-byte SHA-256 hash.
pub type Hash = [u8; 32];

/// One stored column value, as SQLite types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit integer.
    Int(i64),
    /// A finite double.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Raw bytes.
    Blob(Vec<u8>),
}

impl Value {
    /// A REAL value; NaN and infinities become NULL because that is what SQLite stores for them,
    /// and the hash must match what a later reader sees.
    pub fn real(v: f64) -> Self {
        if v.is_finite() {
            Value::Real(v)
        } else {
            Value::Null
        }
    }

    /// The value as SQLite returns it.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(self.as_ref()))
    }
}

/// The hash a table's chain starts from: `SHA-256("picket-store chain v1 " ‖ table name)`.
pub fn genesis(table: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(b"picket-store chain v1 ");
    h.update(table.as_bytes());
    h.finalize().into()
}

/// Appends a row's canonical encoding to `out` (see the module docs).
pub fn encode_row<'a>(
    out: &mut Vec<u8>,
    table: &str,
    id: i64,
    values: impl ExactSizeIterator<Item = ValueRef<'a>>,
) {
    out.push(ENCODING_VERSION);
    // Table names are short ASCII constants; the cast cannot truncate.
    out.push(table.len() as u8);
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&(values.len() as u32).to_be_bytes());
    for v in values {
        encode_value(out, v);
    }
}

fn encode_value(out: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => out.push(0),
        ValueRef::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&i.to_be_bytes());
        }
        ValueRef::Real(r) => {
            out.push(2);
            out.extend_from_slice(&r.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) => {
            out.push(3);
            out.extend_from_slice(&(t.len() as u32).to_be_bytes());
            out.extend_from_slice(t);
        }
        ValueRef::Blob(b) => {
            out.push(4);
            out.extend_from_slice(&(b.len() as u32).to_be_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// `SHA-256(prev ‖ canonical)`; `scratch` is reused between rows to avoid allocating.
pub fn row_hash<'a>(
    prev: &Hash,
    table: &str,
    id: i64,
    values: impl ExactSizeIterator<Item = ValueRef<'a>>,
    scratch: &mut Vec<u8>,
) -> Hash {
    scratch.clear();
    encode_row(scratch, table, id, values);
    let mut h = Sha256::new();
    h.update(prev);
    h.update(&scratch[..]);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_exact() {
        let mut out = Vec::new();
        let vals = [
            Value::Null,
            Value::Int(-2),
            Value::Real(1.5),
            Value::Text("ab".into()),
            Value::Blob(vec![9]),
        ];
        encode_row(&mut out, "t", 7, vals.iter().map(Value::as_ref));
        let mut want = vec![1, 1, b't', 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 5, 0];
        want.extend_from_slice(&[1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
        want.push(2);
        want.extend_from_slice(&1.5f64.to_bits().to_be_bytes());
        want.extend_from_slice(&[3, 0, 0, 0, 2, b'a', b'b', 4, 0, 0, 0, 1, 9]);
        assert_eq!(out, want);
    }

    #[test]
    fn hash_depends_on_prev_table_id_and_values() {
        let mut s = Vec::new();
        let v = [Value::Int(1)];
        let g = genesis("a");
        let base = row_hash(&g, "a", 1, v.iter().map(Value::as_ref), &mut s);
        assert_ne!(
            base,
            row_hash(&genesis("b"), "a", 1, v.iter().map(Value::as_ref), &mut s)
        );
        assert_ne!(
            base,
            row_hash(&g, "b", 1, v.iter().map(Value::as_ref), &mut s)
        );
        assert_ne!(
            base,
            row_hash(&g, "a", 2, v.iter().map(Value::as_ref), &mut s)
        );
        let w = [Value::Int(2)];
        assert_ne!(
            base,
            row_hash(&g, "a", 1, w.iter().map(Value::as_ref), &mut s)
        );
        assert_eq!(
            base,
            row_hash(&g, "a", 1, v.iter().map(Value::as_ref), &mut s)
        );
        assert_eq!(Value::real(f64::NAN), Value::Null);
    }
}
