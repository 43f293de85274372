//! ASTERIX (EUROCONTROL surveillance data exchange) decoder and encoder for picket.
//!
//! The engine is table-driven: `build.rs` turns the machine-readable category definitions in
//! `specs/` (zoranbosnjak/asterix-specs, BSD-3-Clause) into static tables ([`spec`]), and one
//! FSPEC/UAP engine frames data blocks, records and items (fixed, extended, repetitive,
//! compound, explicit) from them ([`Reader`]). Element values (integers, LSB-scaled quantities,
//! ICAO/ASCII/octal strings, tables, raw bits) are decoded lazily from the record's bytes
//! ([`Value`], [`walk::Visitor`]), so decoding allocates nothing per item.
//!
//! Categories: 010, 021 (0.26, 2.1, 2.7), 034, 048, 062, 065, with the Reserved Expansion
//! Fields of 048 and 062. The edition is chosen per category and per sensor ([`Editions`]);
//! the default is the newest. CAT015 and CAT205 are not supported: no machine-readable
//! definition was available.
//!
//! * [`json::record_json`]: the JSON view used by `picket decode --json`.
//! * [`encode`] and [`json_encode`]: record values (raw tree or JSON view) back to bytes;
//!   [`builders`]: typed CAT048 plots and CAT062 tracks for the simulator and outputs.
//! * [`report::to_report`]: CAT048/062/021/010 records into [`picket_core::Report`]s.
//!
//! Bad input is a [`DecodeError`] with the byte offset and a [`Reason`]; a wrong edition shows
//! up as an FSPEC bit for an undefined item, an unknown extension or a record that overruns
//! its block, never as silently mis-framed records.
//!
//! ```
//! use picket_asterix::{Editions, Reader, Value, json};
//! // CAT048, one record: I048/010 SAC 25 / SIC 201 and I048/040 RHO 10 NM, THETA 90°.
//! let bytes = [0x30, 0x00, 0x0A, 0x90, 0x19, 0xC9, 0x0A, 0x00, 0x40, 0x00];
//! let editions = Editions::newest();
//! let mut reader = Reader::new(&bytes, &editions);
//! let record = reader.next_record()?.expect("one record");
//! let polar = record.item("040").expect("I048/040");
//! assert_eq!(polar.get(&["RHO"]), Some(Value::Quantity(10.0, "NM")));
//! assert_eq!(json::record_json(&record)["items"]["010"]["SIC"], 201);
//! # Ok::<(), picket_asterix::DecodeError>(())
//! ```

pub mod builders;
mod detect;
pub mod encode;
mod error;
mod frame;
pub mod json;
pub mod json_encode;
mod record;
pub mod report;
pub mod spec;
mod value;
pub mod walk;

pub use detect::plausible_editions;
pub use error::{DecodeError, EncodeError, Reason};
pub use frame::{Editions, ItemSpan};
pub use record::{Item, Reader, Record};
pub use report::{Noise, ReportContext, resolve_time_of_day, to_report};
pub use value::{Text, Value, sign_extend};
