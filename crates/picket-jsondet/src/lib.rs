//! picket's JSON detection format, for sensors that speak none of the standards.
//!
//! The specification is `FORMAT.md` beside this crate (repeated here in short). One
//! detection is one JSON object; a message is one object or an array of them; a stream is
//! newline-delimited messages:
//!
//! * `sensor` (string) and `time` (RFC 3339 text or Unix seconds) are required;
//! * exactly one location: `position` {`lat`, `lon`, `alt_m`, `sigma_h_m`?, `sigma_v_m`?},
//!   `local` {`x_m`, `y_m`, `z_m`, `sigma_m`?} in the site's east-north-up frame, `polar`
//!   {`range_m`, `az_deg`, `el_deg`, `sigma_range_m`?, `sigma_az_deg`?, `sigma_el_deg`?}, or
//!   `bearing` {`az_deg`, `el_deg`?, `sigma_az_deg`?, `sigma_el_deg`?};
//! * optional `vr_mps` (+ `sigma_vr_mps`), `velocity` {`east_mps`, `north_mps`, `up_mps`,
//!   `sigma_mps`?}, `ident` ({`rid`}, {`icao`: 6 hex digits} or {`object`}), `class`
//!   likelihoods over `drone`/`bird`/`aircraft`/`other`, and `pilot` {`lat`, `lon`, `alt_m`}.
//!
//! Decoding is strict: unknown fields, non-finite numbers, non-positive sigmas, out-of-range
//! coordinates and likelihoods, and zero or several location forms are errors that give the
//! line, column, field path and reason.
//!
//! ```
//! use picket_core::{Identity, Measurement, SensorId, Timestamp};
//! let text = r#"{"sensor":"rf-1","time":"2026-11-29T07:00:00.5Z",
//!                "bearing":{"az_deg":90,"sigma_az_deg":2},"ident":{"rid":"1596A123"}}"#;
//! let reports = picket_jsondet::decode(text, Timestamp::ZERO, |name| {
//!     (name == "rf-1").then_some(SensorId(4))
//! })
//! .unwrap();
//! assert_eq!(reports[0].sensor, SensorId(4));
//! assert_eq!(reports[0].time.as_secs(), 1_795_935_600.5);
//! assert!(matches!(reports[0].measurement, Measurement::Bearing { .. }));
//! assert_eq!(reports[0].identity, Some(Identity::RemoteId("1596A123".into())));
//!
//! let err = picket_jsondet::parse(r#"{"sensor":"rf-1","time":1,"bearing":{"az_deg":1,"sigma_az_deg":-1}}"#)
//!     .unwrap_err();
//! assert_eq!(err.path, "bearing.sigma_az_deg");
//! ```

mod decode;
mod encode;
pub mod wire;

pub use decode::{DecodeError, decode, defaults, parse, parse_lines, parse_message, to_report};
pub use encode::{from_report, to_json, to_lines};
pub use wire::Detection;
