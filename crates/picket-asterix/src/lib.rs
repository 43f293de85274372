//! ASTERIX decoder and encoder for picket.
#![allow(missing_docs)]
pub mod encode;
pub mod error;
pub mod frame;
pub mod json;
pub mod json_encode;
pub mod record;
pub mod spec;
pub mod value;
pub mod walk;
pub use error::{DecodeError, EncodeError, Reason};
pub use frame::Editions;
pub use record::{Item, Reader, Record};
pub use value::Value;
