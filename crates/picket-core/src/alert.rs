//! Alerts and their life cycle events.

use crate::{AlertId, Timestamp, TrackId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The rule that raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The track is inside the zone.
    Entry,
    /// The track is predicted to enter the zone within the rule's horizon.
    PredictedEntry,
    /// The track has stayed in the zone longer than allowed.
    Loiter,
    /// The track closes on an asset faster than allowed.
    Approach,
    /// A drone that broadcasts no Remote ID.
    NoRemoteId,
    /// The Remote ID broadcast disagrees with what the other sensors see.
    SpoofSuspected,
    /// An authorised identity outside its allowed zones or time window.
    Unauthorized,
}

impl RuleKind {
    /// The snake_case name used in files and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleKind::Entry => "entry",
            RuleKind::PredictedEntry => "predicted_entry",
            RuleKind::Loiter => "loiter",
            RuleKind::Approach => "approach",
            RuleKind::NoRemoteId => "no_remote_id",
            RuleKind::SpoofSuspected => "spoof_suspected",
            RuleKind::Unauthorized => "unauthorized",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An alert's state after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Newly raised.
    Raised,
    /// Its threat level rose.
    Escalated,
    /// An operator has seen it.
    Acknowledged,
    /// Over: the cause ended, or an operator closed it.
    Resolved,
}

/// Threat level 0 (none) to 4 (critical).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ThreatLevel(u8);

impl ThreatLevel {
    /// The highest level.
    pub const MAX: ThreatLevel = ThreatLevel(4);

    /// A level, clamped to 0..=4.
    pub fn new(level: u8) -> Self {
        Self(level.min(4))
    }

    /// The level as a number.
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// Who caused a transition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// picket itself (a rule fired or ended).
    System,
    /// A named operator.
    Operator(String),
}

/// One transition of one alert: the unit of the evidence trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// The alert.
    pub alert: AlertId,
    /// When it happened (event time).
    pub time: Timestamp,
    /// The track the alert is about.
    pub track: TrackId,
    /// The rule that raised it.
    pub rule: RuleKind,
    /// The zone the rule evaluated, when it is a zone rule.
    pub zone: Option<String>,
    /// Threat level after the event.
    pub level: ThreatLevel,
    /// State after the event.
    pub state: AlertState,
    /// Who caused it.
    pub actor: Actor,
    /// Why, in words an operator reads.
    pub cause: String,
}
