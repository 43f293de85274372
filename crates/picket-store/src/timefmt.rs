//! Times at the edges: RFC 3339 or Unix seconds in, RFC 3339 out.

use picket_core::Timestamp;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Parses `2026-11-29T07:00:00Z` (any RFC 3339 offset) or Unix seconds (`1795935600`,
/// `1795935600.25`).
pub fn parse_time(s: &str) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        return Timestamp::from_secs(secs).ok_or_else(|| format!("{s:?} is not a finite time"));
    }
    let t = OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| format!("{s:?} is neither RFC 3339 nor Unix seconds: {e}"))?;
    // Whole seconds and the fraction apart: one division of the nanosecond total would round.
    let secs = t.unix_timestamp() as f64 + f64::from(t.nanosecond()) / 1e9;
    Timestamp::from_secs(secs).ok_or_else(|| format!("{s:?} is out of range"))
}

/// Formats a time as RFC 3339 UTC with microseconds; times outside the calendar's range fall
/// back to seconds.
pub fn format_time(t: Timestamp) -> String {
    let nanos = (t.as_secs() * 1e6).round() as i128 * 1000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("{}", t.as_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_round_trips() {
        let a = parse_time("2026-11-29T07:00:00Z").unwrap();
        assert_eq!(a.as_secs(), 1_795_935_600.0);
        assert_eq!(parse_time("1795935600").unwrap(), a);
        assert_eq!(parse_time("2026-11-29T08:00:00+01:00").unwrap(), a);
        assert_eq!(
            parse_time(&format_time(a.plus_s(0.25))).unwrap(),
            a.plus_s(0.25)
        );
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("NaN").is_err());
    }
}
