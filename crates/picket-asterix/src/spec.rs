//! Category definitions as static tables, generated at build time from the asterix-specs
//! `.ast` files in `specs/` (see `build.rs`), and edition selection.
//!
//! The tables mirror the specification's structure: an item has a [`Variation`] (element,
//! group, extended, repetitive, explicit, compound) whose leaves are elements with a
//! [`Content`] (raw, table, integer, LSB-scaled quantity, string, BDS).

use std::fmt;
use std::str::FromStr;

/// A specification edition, `major.minor` ("1.32").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edition {
    /// Major number.
    pub major: u8,
    /// Minor number.
    pub minor: u8,
}

impl Edition {
    /// `major.minor`.
    pub const fn new(major: u8, minor: u8) -> Self {
        Self { major, minor }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// An edition string that is not `major.minor`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("edition must be major.minor, got {0:?}")]
pub struct BadEdition(pub String);

impl FromStr for Edition {
    type Err = BadEdition;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadEdition(s.to_string());
        let (a, b) = s.split_once('.').ok_or_else(bad)?;
        Ok(Self::new(
            a.parse().map_err(|_| bad())?,
            b.parse().map_err(|_| bad())?,
        ))
    }
}

/// One edition of one category.
#[derive(Debug)]
pub struct CategoryDef {
    /// Category number (48 for CAT048).
    pub category: u8,
    /// Edition of the specification.
    pub edition: Edition,
    /// Title ("Monoradar Target Reports").
    pub title: &'static str,
    /// Publication date of the edition.
    pub date: &'static str,
    /// Every item the edition defines.
    pub items: &'static [Field],
    /// The User Application Profile: FRN 1.. maps to an index into `items`, `None` is a spare
    /// slot whose FSPEC bit must stay 0.
    pub uap: &'static [Option<u16>],
    /// Definition of the Reserved Expansion Field (item `RE`), when published.
    pub expansion: Option<&'static ExpansionDef>,
}

impl CategoryDef {
    /// The item for field reference number `frn` (1-based), if the UAP defines it.
    pub fn item_at(&self, frn: usize) -> Option<&'static Field> {
        let slot = (*self.uap.get(frn.checked_sub(1)?)?)?;
        self.items.get(usize::from(slot))
    }

    /// The item named `name` ("040") and its FRN.
    pub fn item(&self, name: &str) -> Option<(usize, &'static Field)> {
        self.uap.iter().enumerate().find_map(|(i, slot)| {
            let f = self.items.get(usize::from((*slot)?))?;
            (f.name == name).then_some((i + 1, f))
        })
    }
}

/// The Reserved Expansion Field layout of a category.
#[derive(Debug)]
pub struct ExpansionDef {
    /// Category number.
    pub category: u8,
    /// Edition of the REF document.
    pub edition: Edition,
    /// The expansion's structure: a compound (with a fixed-size FSPEC in current editions).
    pub var: Variation,
}

/// A named part of an item (or the item itself, named by its number).
#[derive(Debug)]
pub struct Field {
    /// Name as in the specification ("SAC", "040"); empty for spare bits.
    pub name: &'static str,
    /// Title as in the specification.
    pub title: &'static str,
    /// Structure.
    pub var: Variation,
}

/// The structure of an item or sub-item.
#[derive(Debug)]
pub enum Variation {
    /// A single value of `bits` bits.
    Element {
        /// Size in bits (1..=64).
        bits: u16,
        /// How to read it.
        content: Content,
    },
    /// Fixed-size sequence of fields.
    Group {
        /// Total size in bits.
        bits: u16,
        /// The fields, most significant first.
        fields: &'static [Field],
    },
    /// Octet groups chained by FX bits (the LSB of each part's last octet).
    Extended {
        /// The parts; the first is always present.
        parts: &'static [Part],
    },
    /// A repeated variation, with a counter or FX-terminated.
    Repetitive {
        /// How repetitions are counted.
        counter: Counter,
        /// What repeats.
        var: &'static Variation,
    },
    /// Length-prefixed bytes (the length octet counts itself).
    Explicit {
        /// Which kind of explicit item.
        kind: ExplicitKind,
    },
    /// Sub-items selected by their own FSPEC.
    Compound {
        /// Fixed FSPEC size in octets, or `None` for FX-extended.
        fspec_bytes: Option<u8>,
        /// Sub-items in FSPEC order; `None` is an unused slot.
        fields: &'static [Option<Field>],
    },
}

/// One part of an extended item.
#[derive(Debug)]
pub struct Part {
    /// Data bits of the part, without the FX bit.
    pub bits: u16,
    /// Whether the part ends with an FX bit.
    pub fx: bool,
    /// Fields of the part.
    pub fields: &'static [Field],
}

impl Part {
    /// Octets the part occupies (data plus FX).
    pub const fn bytes(&self) -> usize {
        (self.bits as usize + self.fx as usize) / 8
    }
}

/// How a repetitive item counts its repetitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// A big-endian count of this many octets precedes the repetitions.
    Bytes(u8),
    /// Each repetition ends with an FX bit; 0 ends the list.
    Fx,
}

/// The kinds of explicit (length-prefixed) items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplicitKind {
    /// Opaque bytes.
    Plain,
    /// The Reserved Expansion Field (`RE`).
    ReservedExpansion,
    /// The Special Purpose field (`SP`).
    SpecialPurpose,
}

/// How an element's bits are read.
#[derive(Debug)]
pub enum Content {
    /// Unsigned raw bits (identifiers, addresses, flags without a table).
    Raw,
    /// Spare bits (expected 0, ignored on decode).
    Spare,
    /// An enumeration with meanings.
    Table(&'static [(u64, &'static str)]),
    /// Unsigned integer.
    Unsigned,
    /// Two's-complement integer.
    Signed,
    /// An integer times `lsb`, in `unit`.
    Quantity {
        /// Two's complement when true.
        signed: bool,
        /// Value of the least significant bit.
        lsb: f64,
        /// Unit as written in the specification ("NM", "°", "s", "FL").
        unit: &'static str,
    },
    /// Characters.
    Text(TextKind),
    /// A Mode S Comm-B register; `Some(n)` when the register number is implied.
    Bds(Option<u8>),
    /// Content that depends on another field's value (`path` from the item down).
    Case {
        /// Item and field names of the selector ("380", "IAS", "IM").
        path: &'static [&'static str],
        /// Selector value and content.
        cases: &'static [(u64, Content)],
        /// Content for any other selector value.
        default: &'static Content,
    },
}

/// Character encodings of string elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// ICAO 6-bit characters (callsigns).
    Icao,
    /// 8-bit ASCII.
    Ascii,
    /// 3-bit octal digits (Mode 1/2/3/A codes).
    Octal,
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// Every edition of `category`, oldest first.
pub fn editions(category: u8) -> impl Iterator<Item = &'static CategoryDef> {
    CATEGORIES
        .iter()
        .copied()
        .filter(move |c| c.category == category)
}

/// The definition of `category` in `edition`, or the newest edition when `edition` is `None`.
pub fn lookup(category: u8, edition: Option<Edition>) -> Option<&'static CategoryDef> {
    match edition {
        Some(e) => editions(category).find(|c| c.edition == e),
        None => editions(category).last(),
    }
}
