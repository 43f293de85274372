//! picket's guard: the site's zones, rules, identification and alert life cycle, as a pure,
//! deterministic state machine (no IO, no clock, no random numbers).
//!
//! ```text
//! tracks (picket-track) + cooperative reports ──> Guard::step(time, tracks, reports) ──> AlertEvents
//! operator ──> Guard::acknowledge / Guard::resolve ──> AlertEvent
//! site file ──> GuardConfig::load ──> Guard::new / Guard::reload
//! ```
//!
//! - **Zones** ([`GuardZone`]): `picket_core::Zone` polygons and circles with floor and ceiling
//!   above ground or above mean sea level (the site origin's height is the offset), GeoJSON
//!   polygon input, an optional schedule (daily UTC windows, absolute windows).
//! - **Rules** (`[[rule]]`, per zone and class, with their thresholds and levels): `entry`,
//!   `predicted_entry` (probability of being inside within a horizon, from state *and*
//!   covariance: see [`predict`]), `loiter`, `approach`, `no_remote_id`, `spoof_suspected`
//!   (see [`spoof`]) and `unauthorized`. Without `[[rule]]` sections, [`rules::default_rules`].
//! - **Whitelist** (`[[authorized]]`): Remote ID serial, operator id or ICAO, optionally bounded
//!   to zones and time windows. In bounds: no zone alert; out of bounds: `unauthorized`. An
//!   aircraft with an ICAO identity inside a `corridor` zone, and any cooperative identity
//!   inside an `exclusion` zone, raise no zone alerts either. A spoof-suspected identity loses
//!   every exemption: a forger can copy a whitelisted serial.
//! - **Threat** ([`Guard::threats`]): a level 0–4 per track with the rules that fired, the
//!   predicted time to breach, the distance to the nearest protected zone, class and identity.
//! - **Alert life cycle** ([`lifecycle`]): one alert per (track, rule, zone); raised after the
//!   cause has held `min_on_s` without a break, resolved by the system after it has been over
//!   for `hold_s` (with a hysteresis band in between so noise at a boundary does not flap),
//!   acknowledged or resolved by a named operator, escalated when the track's threat rises (or
//!   an alert stays open `escalate_after_s`). Deleted (or stale) tracks resolve their alerts.
//!   Every transition is a `picket_core::AlertEvent` with time, actor and cause in words.
//!
//! ```
//! use picket_core::{Geodetic, Site, Timestamp};
//! use picket_guard::{Guard, GuardConfig};
//! let config = GuardConfig::load(r#"
//!     [[zone]]
//!     id = "hq"
//!     kind = "protected"
//!     circle = { x = 0.0, y = 0.0, r_m = 300.0 }
//!     ceiling_m = 150.0
//!     [[rule]]
//!     kind = "entry"
//!     level = 4
//! "#, "site.toml").unwrap();
//! let site = Site::new("demo", Geodetic::new(51.47, -0.45, 25.0));
//! let mut guard = Guard::new(&config, &site).unwrap();
//! let mut drone = picket_guard::testing::track(17, 0.0, [100.0, 0.0, 50.0], [0.0; 3]);
//! let events = guard.step(Timestamp::ZERO, &[drone.clone()], &[]);
//! assert_eq!(events.len(), 1);
//! assert_eq!(events[0].rule.as_str(), "entry");
//! assert_eq!(events[0].zone.as_deref(), Some("hq"));
//! assert_eq!(events[0].level.get(), 4);
//! let ack = guard.acknowledge(events[0].alert, "alice", Timestamp::from_secs(3.0).unwrap());
//! assert!(ack.is_ok());
//! // Deleting the track resolves its alert.
//! drone.status = picket_core::TrackStatus::Deleted;
//! let events = guard.step(Timestamp::from_secs(5.0).unwrap(), &[drone], &[]);
//! assert_eq!(events[0].state, picket_core::AlertState::Resolved);
//! ```
//!
//! ## Offline runs (`picket track --alerts A`)
//!
//! ```text
//! let scenario = Scenario::read(...)?;
//! let steps = /* per step: OfflineStep { time, tracks: tracker.tracks() + Deleted ones, reports } */;
//! let events = picket_guard::run_offline(&scenario, steps)?;      // zones + authorized from the file
//! for r in picket_guard::alert_records(&events) { writer.write(&Record::Alert(r))?; }
//! ```
//! [`run_offline`] builds the site with `Scenario::site_and_reports` (so sensor ids agree with
//! a tracker fed from the same call); [`run_offline_with`] takes a configuration of your own.
//! A live pipeline holds a [`Guard`] and calls [`Guard::step`] after each tracker step, and
//! [`Guard::end_tracks`] with the tracker's deleted ids when it reports them separately.
//!
//! `examples/offline.rs` runs the guard over a track file (or over tracks made from a
//! scenario's truth) and writes an alert file for `picket eval`; `BENCHMARKS.md` has the
//! figures (0.87 µs of CPU per track update with 10 zones and the default rules).
//!
//! ## Assumptions about the tracker (identity binding, spoofing)
//!
//! - A track's `identity` is the cooperative identity (Remote ID UAS id, ICAO) of reports the
//!   tracker associated with it; one identity is normally bound to one live track. Two live
//!   tracks bound to the same identity in incompatible places is evidence of spoofing.
//! - The tracker still gates identity-carrying reports kinematically or fuses them with their
//!   stated accuracy, so a forged position cannot silently drag a radar track away. The
//!   innovation test compares each broadcast with its bound track *only when a
//!   non-cooperative sensor (radar, RF, camera, acoustic: from the site's sensor kinds)
//!   contributed to that track*: a track built from broadcasts alone cannot contradict them.
//!   When the tracker instead starts a separate broadcast-only track for a forged position,
//!   only broadcast verification can catch it: inside the coverage of a radar
//!   (`[[guard.coverage]]`, or `verify_range_m`), broadcasts that no track with a radar behind
//!   it confirms build up evidence until the identity is suspected ([`verify`]). Bearings
//!   (RF, camera) confirm no position.
//! - When a flagged identity has several holders (live tracks bound to it now or within the
//!   last 30 s), one is presumed genuine (the only one inside the identity's whitelist bounds
//!   with a radar behind it when exactly one is, else the one bound first) and the others are
//!   the suspects: a forger copying an authorized serial is flagged, its owner is not.
//! - A track that lost a whitelisted identity to a track within `min_separation_m` of it (one
//!   drone tracked twice) keeps that authorization while the new holder is in bounds.
//! - `Track::sensors` sensor ids index the same `Site` the guard was built with.
//! - `picket_core::Identity` carries the Remote ID UAS id only; an `operator_id` whitelist
//!   entry therefore matches a track whose broadcast id equals it, until the Operator ID
//!   message reaches the track.
//! - MSL zone altitudes take the site origin's height as its height above mean sea level.
//!
//! Time is the tracker's event time; daily windows are UTC days of it (scenario time 0 reads
//! as midnight). Only confirmed or coasting tracks are evaluated; tentative ones are kept.

mod broadcasts;
mod commands;
mod compile;
pub mod config;
mod evaluate;
mod geojson;
mod guard;
pub mod lifecycle;
mod offline;
pub mod predict;
pub mod rules;
pub mod schedule;
pub mod spoof;
pub mod testing;
mod threat;
pub mod verify;
mod zones;

pub use compile::{Authorization, Compiled, identity_label, parse_icao};
pub use config::{ConfigError, GuardConfig};
pub use evaluate::Exemption;
pub use geojson::polygon_from_geojson;
pub use guard::{CommandError, Guard, ReloadError};
pub use offline::{
    OfflineError, OfflineStep, alert_record, alert_records, radar_reach_m, run_offline,
    run_offline_with, state_name,
};
pub use threat::{Assessment, Threat};
pub use zones::GuardZone;
