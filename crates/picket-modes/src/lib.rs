//! Mode S / ADS-B input for picket: receiver framing, decoding, CPR positions, encoders, and
//! the conversion into [`picket_core::Report`]s.
//!
//! * Framing, hand-written: [`beast`] (Beast binary, `0x1A` escapes, 12 MHz counter, signal)
//!   and [`avr`] (`*…;`, `@…;`, `<…;` text and plain hex lines). Both resynchronise after bad
//!   bytes and report every problem as a [`FrameError`] with its byte offset.
//! * Decoding: [`fields`] reads what picket needs straight from the bits (fast path);
//!   [`details`] asks the rs1090 crate for the rest (Comm-B registers, status messages).
//!   rs1090's inverted vertical-rate-source bit is corrected.
//! * [`ModeSDecoder`] keeps a bounded per-aircraft state for global CPR (even/odd pairs),
//!   local CPR (previous position or a receiver reference) and address/parity checks. Time is
//!   passed in by the caller.
//! * [`report`] turns decoded positions into [`picket_core::Report`]s; [`encode`] builds DF 17
//!   frames (identification, airborne position, velocity) for the simulator.
//!
//! No IO, no clock, no async. Every input is untrusted: nothing here panics on any bytes.
//!
//! ```
//! use picket_modes::{ModeSDecoder, beast::{BeastReader, write_beast}, encode};
//! // A simulated aircraft, framed as a Beast stream, then decoded again.
//! let frames = encode::airborne_position_pair(0x406B90, 52.2658, 3.9389, 38_000).unwrap();
//! let mut wire = Vec::new();
//! for f in &frames {
//!     write_beast(f, &mut wire);
//! }
//! let mut decoder = ModeSDecoder::default();
//! let decoded: Vec<_> = BeastReader::new(&wire)
//!     .map(|f| decoder.decode(&f.unwrap(), 0.0))
//!     .collect();
//! let last = &decoded[1];
//! assert_eq!(last.icao.unwrap().to_string(), "406b90");
//! assert_eq!(last.altitude_ft, Some(38_000));
//! assert!((last.lat.unwrap() - 52.2658).abs() < 1e-4);
//! ```

pub mod avr;
pub mod beast;
pub mod cpr;
mod decoded;
mod decoder;
pub mod details;
pub mod detect;
pub mod encode;
mod error;
pub mod fields;
mod frame;
pub mod report;
mod values;

pub use decoded::{AltitudeSource, Cpr, Decoded, PositionMethod};
pub use decoder::{AircraftState, DecoderConfig, ModeSDecoder};
pub use error::FrameError;
pub use frame::{FrameKind, RawFrame, hex_upper};
pub use values::{Callsign, Category, Icao, Squawk};
