//! A writer of JSON Lines records that refuses to write what the reader would reject.

use crate::record::Record;
use crate::validate::ValueError;
use std::io::Write;

/// Why a record could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The record's values are invalid (e.g. a NaN would become `null`).
    #[error("refusing to write an invalid record: {0}")]
    Invalid(#[from] ValueError),
    /// Serialisation or IO failed.
    #[error("write failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes one record per line.
pub struct Writer<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// A writer into `out` (wrap files in a `BufWriter`).
    pub fn new(out: W) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(256),
        }
    }

    /// Validates and writes `record` followed by a newline.
    pub fn write(&mut self, record: &Record) -> Result<(), WriteError> {
        record.validate()?;
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, record).map_err(std::io::Error::from)?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    /// Flushes and returns the inner writer.
    pub fn finish(mut self) -> Result<W, WriteError> {
        self.out.flush()?;
        Ok(self.out)
    }
}
