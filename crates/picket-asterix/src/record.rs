//! Iterating data blocks and records: [`Reader`] hands out one [`Record`] at a time, reusing
//! its item-span buffer, so decoding a stream allocates nothing per record or item.

use crate::error::{DecodeError, Reason};
use crate::frame::{self, Editions, ItemSpan, need};
use crate::spec::{CategoryDef, Field};
use crate::walk::{self, Visitor};

/// A streaming decoder over a buffer of concatenated ASTERIX data blocks.
///
/// After the first error it yields nothing more: framing cannot be trusted past a bad byte.
#[derive(Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    editions: &'a Editions,
    pos: usize,
    block_end: usize,
    block: usize,
    record: usize,
    def: Option<&'static CategoryDef>,
    spans: Vec<ItemSpan>,
    failed: bool,
}

impl<'a> Reader<'a> {
    /// A reader over `data` using the editions in `editions`.
    pub fn new(data: &'a [u8], editions: &'a Editions) -> Self {
        Self {
            data,
            editions,
            pos: 0,
            block_end: 0,
            block: 0,
            record: 0,
            def: None,
            spans: Vec::with_capacity(32),
            failed: false,
        }
    }

    /// The next record, `Ok(None)` at the end of the input (or after an error).
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, DecodeError> {
        if self.failed {
            return Ok(None);
        }
        match self.advance() {
            Ok(Some((def, start, len))) => Ok(Some(Record {
                def,
                data: self.data,
                offset: start,
                len,
                block: self.block - 1,
                index: self.record - 1,
                spans: &self.spans,
            })),
            Ok(None) => Ok(None),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    fn advance(&mut self) -> Result<Option<(&'static CategoryDef, usize, usize)>, DecodeError> {
        if self.pos >= self.block_end {
            if self.pos >= self.data.len() {
                return Ok(None);
            }
            self.open_block()?;
        }
        let def = self
            .def
            .ok_or(DecodeError::at(self.pos, Reason::EmptyRecord))?;
        let start = self.pos;
        let len = frame::frame_record(def, self.data, start, self.block_end, &mut self.spans)?;
        self.pos += len;
        self.record += 1;
        Ok(Some((def, start, len)))
    }

    fn open_block(&mut self) -> Result<(), DecodeError> {
        let pos = self.pos;
        need(self.data, pos, 3, "data block header")?;
        let cat = self.data[pos];
        let declared = u16::from_be_bytes([self.data[pos + 1], self.data[pos + 2]]);
        if declared < 3 {
            return Err(DecodeError::at(pos + 1, Reason::BlockTooShort(declared)));
        }
        let available = self.data.len() - pos;
        if usize::from(declared) > available {
            return Err(DecodeError::at(
                pos + 1,
                Reason::BlockOverrun {
                    declared,
                    available,
                },
            ));
        }
        if declared == 3 {
            // A block with no record is legal but carries nothing.
            return Err(DecodeError::at(pos, Reason::EmptyRecord));
        }
        self.def = Some(
            self.editions
                .get(cat)
                .ok_or(DecodeError::at(pos, Reason::UnknownCategory(cat)))?,
        );
        self.block_end = pos + usize::from(declared);
        self.pos = pos + 3;
        self.block += 1;
        self.record = 0;
        Ok(())
    }
}

/// One decoded record: a view into the input with the position of each item.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The category edition it was decoded with.
    pub def: &'static CategoryDef,
    data: &'a [u8],
    /// Byte offset of the record (its FSPEC) in the input.
    pub offset: usize,
    /// Length of the record in bytes.
    pub len: usize,
    /// Index of its data block in the input (0-based).
    pub block: usize,
    /// Index of the record in its data block (0-based).
    pub index: usize,
    spans: &'a [ItemSpan],
}

impl<'a> Record<'a> {
    /// The record's bytes (FSPEC and items).
    pub fn bytes(&self) -> &'a [u8] {
        &self.data[self.offset..self.offset + self.len]
    }

    /// The items present, in FSPEC order.
    pub fn items(&self) -> impl Iterator<Item = Item<'a>> + 'a {
        let def = self.def;
        let data = self.data;
        self.spans.iter().map(move |s| Item {
            def: &def.items[usize::from(s.item)],
            frn: usize::from(s.frn),
            offset: s.start,
            bytes: &data[s.start..s.start + s.len],
            input: data,
        })
    }

    /// The item named `name` ("040"), if present.
    pub fn item(&self, name: &str) -> Option<Item<'a>> {
        self.items().find(|i| i.def.name == name)
    }

    /// Visits every element of every item (see [`Visitor`]).
    pub fn visit(&self, v: &mut impl Visitor) {
        for item in self.items() {
            item.visit(v);
        }
    }
}

/// One item of a record.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// Its definition (name "040", title, structure).
    pub def: &'static Field,
    /// Field reference number.
    pub frn: usize,
    /// Byte offset in the input.
    pub offset: usize,
    /// The item's bytes.
    pub bytes: &'a [u8],
    /// The whole input, so element reads can load 16 octets at a time.
    input: &'a [u8],
}

impl Item<'_> {
    /// Visits the item's structure and elements.
    pub fn visit(&self, v: &mut impl Visitor) {
        walk::walk_at(&self.def.var, self.def.name, self.input, self.offset, v);
    }

    /// The value of the element at `path` below the item (e.g. `["RHO"]` in I048/040,
    /// `["IAS", "IAS"]` in I062/380); the first repetition when inside a repetitive part.
    pub fn get(&self, path: &[&str]) -> Option<crate::Value> {
        let mut finder = walk::Finder::new(path);
        self.visit(&mut finder);
        finder.found
    }
}
