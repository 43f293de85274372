//! BSI Flex 335 v2.0 validation: the rules a conformant message must obey beyond being
//! decodable protobuf.
//!
//! Most rules come from the schema itself: Dstl's `.proto` files mark fields with
//! `(field_options) = {is_mandatory, is_ulid, is_uuid}`, and `build.rs` turns those marks into
//! one `Validate` impl per message (so a new schema release brings its rules along). The rules
//! the schema cannot express (confidence ranges, the ICD version string, latitude/longitude
//! ranges) live in [`crate::rules`]. Both were checked against Dstl's test harness
//! (BSI-Flex-335-v2-Test-Harness, `SapientServices/Data/Validation`) and its negative tests.
//!
//! Validation never allocates for a valid message: the field path is a stack of static names
//! and indices, rendered to a string only when a rule is broken.

use serde::Serialize;
use std::fmt;

/// A BSI Flex 335 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A mandatory field, oneof or list is absent, empty, or an enum left `UNSPECIFIED`.
    Mandatory,
    /// A field marked `is_ulid` is not a 26-character Crockford base32 ULID.
    UlidFormat,
    /// A field marked `is_uuid` is not a UUID.
    UuidFormat,
    /// An enum field holds a number that the schema does not define.
    EnumValue,
    /// A confidence, ranking or probability outside 0..=1.
    ConfidenceRange,
    /// A latitude outside ±90° (or ±π/2 rad) or a longitude outside ±180° (±π rad).
    LatLonRange,
    /// A timestamp outside 0001-01-01..9999-12-31 or with nanoseconds outside 0..1e9.
    TimestampRange,
    /// A number is NaN or infinite.
    Finite,
    /// Registration `icd_version` is not `BSI Flex 335 v2.0`.
    IcdVersion,
}

impl Rule {
    /// The rule's name as it appears in JSON (`mandatory`, `ulid_format`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Rule::Mandatory => "mandatory",
            Rule::UlidFormat => "ulid_format",
            Rule::UuidFormat => "uuid_format",
            Rule::EnumValue => "enum_value",
            Rule::ConfidenceRange => "confidence_range",
            Rule::LatLonRange => "lat_lon_range",
            Rule::TimestampRange => "timestamp_range",
            Rule::Finite => "finite",
            Rule::IcdVersion => "icd_version",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken rule: which rule, and the proto field path where (`detection_report.location.x`,
/// `registration.mode_definition[0].mode_type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{rule} violated at {field}")]
pub struct RuleViolation {
    /// The rule broken.
    pub rule: Rule,
    /// Proto field path, with list indices in brackets.
    pub field: String,
}

#[derive(Debug, Clone, Copy)]
enum Segment {
    Field(&'static str),
    Index(&'static str, usize),
}

/// The validation walk's state: the current field path and the violations found so far.
#[derive(Debug, Default)]
pub struct Ctx {
    path: Vec<Segment>,
    errors: Vec<RuleViolation>,
}

impl Ctx {
    pub(crate) fn into_errors(self) -> Vec<RuleViolation> {
        self.errors
    }

    /// Empties the context for the next message, keeping its buffers.
    pub(crate) fn reset(&mut self) {
        self.path.clear();
        self.errors.clear();
    }

    pub(crate) fn extend(&mut self, errors: Vec<RuleViolation>) {
        self.errors.extend(errors);
    }

    pub(crate) fn errors(&self) -> &[RuleViolation] {
        &self.errors
    }

    pub(crate) fn enter(&mut self, field: &'static str) {
        self.path.push(Segment::Field(field));
    }

    pub(crate) fn enter_index(&mut self, field: &'static str, index: usize) {
        self.path.push(Segment::Index(field, index));
    }

    pub(crate) fn leave(&mut self) {
        self.path.pop();
    }

    /// Records a violation of `rule` at the current path, extended by `field` (empty for the
    /// current value itself).
    pub(crate) fn error(&mut self, rule: Rule, field: &str) {
        let mut path = String::new();
        for seg in &self.path {
            if !path.is_empty() {
                path.push('.');
            }
            match seg {
                Segment::Field(name) => path.push_str(name),
                Segment::Index(name, i) => {
                    path.push_str(name);
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        if !field.is_empty() {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
        }
        self.errors.push(RuleViolation { rule, field: path });
    }
}

/// A message type that can be checked against the BSI Flex 335 rules.
pub trait Validate {
    /// Appends every violation in `self` to `ctx`.
    fn validate_into(&self, ctx: &mut Ctx);

    /// Every rule violation in the message, in field order; empty when it conforms.
    fn validate(&self) -> Vec<RuleViolation> {
        let mut ctx = Ctx::default();
        self.validate_into(&mut ctx);
        ctx.errors
    }
}

/// A ULID: 26 Crockford base32 characters (case-insensitive, no I/L/O/U), the first at most
/// `7` so that the value fits 128 bits.
pub fn is_ulid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 26
        && matches!(b[0], b'0'..=b'7')
        && b.iter().all(|&c| {
            let c = c.to_ascii_uppercase();
            c.is_ascii_digit()
                || (c.is_ascii_uppercase() && !matches!(c, b'I' | b'L' | b'O' | b'U'))
        })
}

/// A UUID in any of the textual forms .NET's `Guid.TryParse` (the reference harness) accepts
/// for plain UUIDs: `8-4-4-4-12` hex digits, optionally in braces or parentheses, or 32 bare
/// hex digits.
pub fn is_uuid(s: &str) -> bool {
    let inner = match s.as_bytes() {
        [b'{', .., b'}'] | [b'(', .., b')'] => &s[1..s.len() - 1],
        _ => s,
    };
    let b = inner.as_bytes();
    match b.len() {
        32 => b.iter().all(u8::is_ascii_hexdigit),
        36 => {
            b[8] == b'-'
                && b[13] == b'-'
                && b[18] == b'-'
                && b[23] == b'-'
                && [&b[..8], &b[9..13], &b[14..18], &b[19..23], &b[24..]]
                    .iter()
                    .all(|group| group.iter().all(u8::is_ascii_hexdigit))
        }
        _ => false,
    }
}

pub(crate) fn check_ulid(ctx: &mut Ctx, s: &str) {
    // An empty optional id is "absent"; `Mandatory` reports it where it is required.
    if !s.is_empty() && !is_ulid(s) {
        ctx.error(Rule::UlidFormat, "");
    }
}

pub(crate) fn check_uuid(ctx: &mut Ctx, s: &str) {
    if !s.is_empty() && !is_uuid(s) {
        ctx.error(Rule::UuidFormat, "");
    }
}

pub(crate) fn check_enum(ctx: &mut Ctx, defined: bool) {
    if !defined {
        ctx.error(Rule::EnumValue, "");
    }
}

pub(crate) fn check_finite(ctx: &mut Ctx, v: f64) {
    if !v.is_finite() {
        ctx.error(Rule::Finite, "");
    }
}

/// proto3's Timestamp range: 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999999999Z.
const MIN_TIMESTAMP_S: i64 = -62_135_596_800;
const MAX_TIMESTAMP_S: i64 = 253_402_300_799;

pub(crate) fn check_timestamp(ctx: &mut Ctx, t: &prost_types::Timestamp) {
    check_timestamp_parts(ctx, t.seconds, t.nanos);
}

pub(crate) fn check_timestamp_parts(ctx: &mut Ctx, seconds: i64, nanos: i32) {
    if !(MIN_TIMESTAMP_S..=MAX_TIMESTAMP_S).contains(&seconds)
        || !(0..1_000_000_000).contains(&nanos)
    {
        ctx.error(Rule::TimestampRange, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulid_and_uuid_formats() {
        assert!(is_ulid("01GGYFBAXGDG7AGAHRZ6XSNY12"));
        assert!(is_ulid("01ggyfbaxgdg7agahrz6xsny12"));
        assert!(!is_ulid("81GGYFBAXGDG7AGAHRZ6XSNY12"), "overflows 128 bits");
        assert!(!is_ulid("01GGYFBAXGDG7AGAHRZ6XSNYI2"), "I is not Crockford");
        assert!(!is_ulid("01GGYFBAXGDG7AGAHRZ6XSNY1"));
        assert!(is_uuid("a8654cdf-4328-47de-81fa-c495589e30c8"));
        assert!(is_uuid("{a8654cdf-4328-47de-81fa-c495589e30c8}"));
        assert!(is_uuid("a8654cdf432847de81fac495589e30c8"));
        assert!(!is_uuid("a8654cdf-4328-47de-81fa-c495589e30cg"));
        assert!(!is_uuid("a8654cdf-4328-47de81fa-c495589e30c81"));
        assert!(!is_uuid("01GGYFBAXGDG7AGAHRZ6XSNY12"));
    }
}
