//! Time windows: when a zone is active, when an authorisation holds.
//!
//! Event time is seconds since the Unix epoch ([`Timestamp`]), so a daily UTC window is a range
//! of `t mod 86 400`. Scenario files count from 0, which then reads as midnight UTC.

use picket_core::Timestamp;
use serde::{Deserialize, Serialize};

const DAY_S: f64 = 86_400.0;

/// One window of time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// Every day from `start_s` to `end_s` seconds after midnight UTC; when `end_s < start_s`
    /// the window runs over midnight.
    Daily {
        /// Start, seconds of the UTC day.
        start_s: f64,
        /// End, seconds of the UTC day.
        end_s: f64,
    },
    /// Once, from `from_s` to `to_s` (event time, seconds); an open end is infinite.
    Absolute {
        /// Start, seconds.
        from_s: f64,
        /// End, seconds.
        to_s: f64,
    },
}

impl Window {
    /// True when `t` falls inside the window (start inclusive, end exclusive).
    pub fn contains(&self, t: Timestamp) -> bool {
        let t = t.as_secs();
        match *self {
            Window::Daily { start_s, end_s } => {
                let s = t.rem_euclid(DAY_S);
                if start_s <= end_s {
                    s >= start_s && s < end_s
                } else {
                    s >= start_s || s < end_s
                }
            }
            Window::Absolute { from_s, to_s } => t >= from_s && t < to_s,
        }
    }
}

/// A set of windows; empty means always.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    /// The windows; the schedule is active when any of them is.
    pub windows: Vec<Window>,
}

impl Schedule {
    /// Always active.
    pub fn always() -> Self {
        Self::default()
    }

    /// True when the schedule is active at `t`.
    pub fn is_active(&self, t: Timestamp) -> bool {
        self.windows.is_empty() || self.windows.iter().any(|w| w.contains(t))
    }
}

/// A window as written in the site file: `{ daily_utc = "22:00-06:00" }` or
/// `{ from_s = 1700000000, to_s = 1700003600 }` (either end may be left out).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// A daily range `"HH:MM-HH:MM"` (or with seconds, `HH:MM:SS`), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_utc: Option<String>,
    /// Start of an absolute window, event-time seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_s: Option<f64>,
    /// End of an absolute window, event-time seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_s: Option<f64>,
}

impl WindowConfig {
    /// The window, or why it is not one.
    pub fn build(&self) -> Result<Window, String> {
        match (&self.daily_utc, self.from_s, self.to_s) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err("a window is either `daily_utc` or `from_s`/`to_s`, not both".into())
            }
            (Some(text), None, None) => parse_daily(text),
            (None, None, None) => Err("a window needs `daily_utc` or `from_s`/`to_s`".into()),
            (None, from, to) => absolute(from, to),
        }
    }
}

/// An absolute window from optional ends.
pub fn absolute(from_s: Option<f64>, to_s: Option<f64>) -> Result<Window, String> {
    let from_s = from_s.unwrap_or(f64::NEG_INFINITY);
    let to_s = to_s.unwrap_or(f64::INFINITY);
    if from_s.is_nan() || to_s.is_nan() || from_s == f64::INFINITY || to_s == f64::NEG_INFINITY {
        return Err("window ends must be finite numbers".into());
    }
    if from_s >= to_s {
        return Err(format!(
            "window starts at {from_s} s, not before its end {to_s} s"
        ));
    }
    Ok(Window::Absolute { from_s, to_s })
}

fn parse_daily(text: &str) -> Result<Window, String> {
    let bad = || format!("daily_utc {text:?} is not \"HH:MM-HH:MM\"");
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let start_s = parse_clock(a.trim()).ok_or_else(bad)?;
    let end_s = parse_clock(b.trim()).ok_or_else(bad)?;
    if start_s == end_s {
        return Err(format!("daily_utc {text:?} is empty (start equals end)"));
    }
    Ok(Window::Daily { start_s, end_s })
}

/// `HH:MM` or `HH:MM:SS` as seconds of the day; `24:00` is the end of the day.
fn parse_clock(s: &str) -> Option<f64> {
    let mut parts = s.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let sec: u32 = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() || m > 59 || sec > 59 || h > 24 || (h == 24 && (m, sec) != (0, 0)) {
        return None;
    }
    Some(f64::from(h * 3600 + m * 60 + sec))
}

/// Builds a schedule from its configured windows, naming the first bad one.
pub fn build_schedule(windows: &[WindowConfig]) -> Result<Schedule, String> {
    let windows = windows
        .iter()
        .enumerate()
        .map(|(i, w)| w.build().map_err(|e| format!("schedule[{i}]: {e}")))
        .collect::<Result<_, _>>()?;
    Ok(Schedule { windows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: f64) -> Timestamp {
        Timestamp::from_secs(s).unwrap()
    }

    #[test]
    fn daily_window_wraps_midnight() {
        let w = WindowConfig {
            daily_utc: Some("22:00-06:00".into()),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert!(w.contains(t(23.0 * 3600.0)));
        assert!(w.contains(t(DAY_S * 3.0 + 3600.0)), "any day, 01:00");
        assert!(!w.contains(t(12.0 * 3600.0)));
        assert!(!w.contains(t(6.0 * 3600.0)), "end is exclusive");
    }

    #[test]
    fn absolute_and_open_ends() {
        let w = absolute(Some(10.0), None).unwrap();
        assert!(!w.contains(t(9.9)) && w.contains(t(1e12)));
        assert!(absolute(Some(5.0), Some(5.0)).is_err());
        let s = Schedule::always();
        assert!(s.is_active(t(0.0)));
    }

    #[test]
    fn rejects_bad_text() {
        for text in ["8-18", "08:00", "25:00-26:00", "08:60-09:00", "08:00-08:00"] {
            let w = WindowConfig {
                daily_utc: Some(text.into()),
                ..Default::default()
            };
            assert!(w.build().is_err(), "{text}");
        }
        let both = WindowConfig {
            daily_utc: Some("08:00-09:00".into()),
            from_s: Some(1.0),
            to_s: None,
        };
        assert!(both.build().unwrap_err().contains("not both"));
        let err = build_schedule(&[WindowConfig::default()]).unwrap_err();
        assert!(err.starts_with("schedule[0]"), "{err}");
    }
}
