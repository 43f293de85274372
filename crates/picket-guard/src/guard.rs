//! [`Guard`]: the state machine. `step(time, tracks, reports) -> events`, operator commands,
//! configuration reloads and the threat picture.

use crate::compile::{Compiled, compile};
use crate::config::{ConfigError, GuardConfig};
use crate::evaluate::{Context, Exemption, Facts};
use crate::lifecycle::{self, Cause, NO_ZONE, OpenAlert, Outcome, Slot, Timing, Verdict};
use crate::predict::UnitGaussian;
use crate::rules::{Rule, RuleParams, SpoofParams};
use crate::spoof::{Broadcast, Sensing, SpoofMonitor, TrackView};
use crate::threat::Assessment;
use crate::verify::{self, Coverage};
use picket_core::{
    Actor, AlertEvent, AlertId, AlertState, Class, Enu, IdCounter, Identity, LocalFrame, Report,
    RuleKind, SensorKind, SensorSet, Site, ThreatLevel, Timestamp, Track, TrackId, TrackStatus,
    ZoneKind,
};
use std::collections::{BTreeMap, HashMap};

/// A command the guard refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    /// No open alert has this id (never raised, or already resolved).
    #[error("no open alert {0}")]
    UnknownAlert(AlertId),
    /// The operator's name is empty.
    #[error("an operator name is required")]
    NoOperator,
    /// Acknowledged already, and not escalated since.
    #[error("alert {alert} was already acknowledged by {by}")]
    AlreadyAcknowledged {
        /// The alert.
        alert: AlertId,
        /// Who acknowledged it.
        by: String,
    },
}

/// A reload the guard refused; the previous configuration stays in force.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("configuration refused, the last good one stays in force: {0}")]
pub struct ReloadError(#[source] pub ConfigError);

/// What the guard keeps per track.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) track: Track,
    pub(crate) slots: Vec<Slot>,
    pub(crate) assessment: Assessment,
    /// The identity the track held before it lost it (a tracker keeping one live track per
    /// identity takes it away when another track takes the serial).
    pub(crate) former_identity: Option<Identity>,
    /// This step: the whitelist entry whose exemption the track keeps as a duplicate of the
    /// authorized track it lost its identity to (see `Guard::inherited_authorization`).
    pub(crate) inherited: Option<usize>,
}

/// The guard of one site. See the crate docs for an example.
#[derive(Debug, Clone)]
pub struct Guard {
    pub(crate) compiled: Compiled,
    pub(crate) frame: LocalFrame,
    pub(crate) sensors: Vec<(SensorKind, Enu)>,
    /// Sensor names by id, to resolve `[[guard.coverage]]` on reloads.
    pub(crate) sensor_names: Vec<String>,
    noncoop: SensorSet,
    pub(crate) ranging: SensorSet,
    pub(crate) coverage: Vec<Coverage>,
    pub(crate) gauss: UnitGaussian,
    pub(crate) tracks: BTreeMap<TrackId, Entry>,
    pub(crate) bound: HashMap<Identity, Vec<TrackId>>,
    /// Tracks that held each identity lately, with when they last did.
    pub(crate) holders: HashMap<Identity, Vec<(TrackId, Timestamp)>>,
    pub(crate) alerts: BTreeMap<AlertId, (TrackId, u16, u16)>,
    pub(crate) whitelist: HashMap<Identity, usize>,
    ids: IdCounter,
    pub(crate) spoof: SpoofMonitor,
    rejected_tracks: u64,
}

struct View<'a> {
    tracks: &'a BTreeMap<TrackId, Entry>,
    bound: &'a HashMap<Identity, Vec<TrackId>>,
}

impl TrackView for View<'_> {
    fn bound_to(&self, identity: &Identity) -> impl Iterator<Item = &Track> {
        self.bound
            .get(identity)
            .into_iter()
            .flatten()
            .filter_map(|id| self.tracks.get(id).map(|e| &e.track))
    }
    fn all(&self) -> impl Iterator<Item = &Track> {
        self.tracks.values().map(|e| &e.track)
    }
}

fn timing(rule: &Rule) -> Timing {
    let min_on_s = match rule.params {
        RuleParams::Loiter { loiter_s, .. } => rule.min_on_s.max(loiter_s),
        _ => rule.min_on_s,
    };
    Timing {
        min_on_s,
        hold_s: rule.hold_s,
        escalate_after_s: rule.escalate_after_s,
    }
}

fn track_is_finite(t: &Track) -> bool {
    t.position.to_array().iter().all(|v| v.is_finite())
        && t.velocity.to_array().iter().all(|v| v.is_finite())
        && t.cov.iter().flatten().all(|v| v.is_finite())
        && t.class.0.iter().all(|v| v.is_finite())
}

impl Guard {
    /// A guard for `site` (its frame anchors GeoJSON zones and MSL altitudes; its sensor kinds
    /// tell cooperative from non-cooperative evidence) running `config`.
    pub fn new(config: &GuardConfig, site: &Site) -> Result<Self, ConfigError> {
        let compiled = compile(config, Some(site.frame()))?;
        let sensors: Vec<(SensorKind, Enu)> = site
            .sensors()
            .iter()
            .map(|s| (s.kind, s.position))
            .collect();
        let mut noncoop = SensorSet::default();
        for s in site.sensors() {
            if !matches!(s.kind, SensorKind::RemoteId | SensorKind::Adsb) {
                noncoop.insert(s.id);
            }
        }
        let sensor_names: Vec<String> = site.sensors().iter().map(|s| s.name.clone()).collect();
        let coverage = verify::resolve(
            &config.file,
            &compiled.settings.coverage,
            &sensor_names,
            &sensors,
        )?;
        let mut guard = Self {
            whitelist: HashMap::new(),
            compiled,
            frame: *site.frame(),
            ranging: verify::ranging(&sensors),
            sensors,
            sensor_names,
            noncoop,
            coverage,
            gauss: UnitGaussian::default(),
            tracks: BTreeMap::new(),
            bound: HashMap::new(),
            holders: HashMap::new(),
            alerts: BTreeMap::new(),
            ids: IdCounter::starting_at(1),
            spoof: SpoofMonitor::default(),
            rejected_tracks: 0,
        };
        guard.index_whitelist();
        Ok(guard)
    }

    pub(crate) fn index_whitelist(&mut self) {
        self.whitelist.clear();
        for (i, a) in self.compiled.whitelist.iter().enumerate() {
            for id in &a.identities {
                self.whitelist.entry(id.clone()).or_insert(i);
            }
        }
    }

    /// The configuration in force.
    pub fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// Track updates refused because a number was not finite.
    pub fn rejected_tracks(&self) -> u64 {
        self.rejected_tracks
    }

    /// Open alerts, by id: the track, the rule and the zone they are about.
    pub fn open_alerts(&self) -> impl Iterator<Item = (AlertId, TrackId, RuleKind, Option<&str>)> {
        self.alerts.iter().map(|(id, &(track, rule, zone))| {
            (
                *id,
                track,
                self.compiled.rules[usize::from(rule)].kind,
                self.zone_id(zone),
            )
        })
    }

    pub(crate) fn zone_id(&self, zone: u16) -> Option<&str> {
        (zone != NO_ZONE).then(|| self.compiled.zones[usize::from(zone)].id())
    }

    /// One step: `tracks` are the tracker's updates at `time` (a `Deleted` status ends a
    /// track; tracks not listed keep their last state), `reports` the step's reports, of which
    /// those carrying a Remote ID or ICAO identity feed the spoofing checks. Returns the alert
    /// events of the step, in a deterministic order.
    pub fn step(
        &mut self,
        time: Timestamp,
        tracks: &[Track],
        reports: &[Report],
    ) -> Vec<AlertEvent> {
        let mut events = Vec::new();
        let mut updated = Vec::with_capacity(tracks.len());
        for t in tracks {
            if t.status == TrackStatus::Deleted {
                self.end_track(t.id, time, "deleted by the tracker", &mut events);
            } else if track_is_finite(t) {
                self.upsert(t);
                if let Some(identity) = &t.identity {
                    self.note_holder(identity, t.id, time);
                }
                updated.push(t.id);
            } else {
                self.rejected_tracks += 1;
            }
        }
        if let Some(params) = self.spoof_params() {
            let broadcasts: Vec<Broadcast> =
                reports.iter().filter_map(|r| self.broadcast(r)).collect();
            if !broadcasts.is_empty() {
                let view = View {
                    tracks: &self.tracks,
                    bound: &self.bound,
                };
                let sensing = Sensing {
                    noncoop: self.noncoop,
                    ranging: self.ranging,
                    coverage: &self.coverage,
                };
                self.spoof.observe(&broadcasts, &view, &params, &sensing);
                self.choose_trusted(time);
            }
        }
        self.find_twins();
        for id in &updated {
            let inherited = self.inherited_authorization(*id);
            if let Some(entry) = self.tracks.get_mut(id) {
                entry.inherited = inherited;
            }
        }
        // Evaluation never reads other tracks: lend the map out instead of moving entries.
        let mut entries = std::mem::take(&mut self.tracks);
        for id in updated {
            if let Some(entry) = entries.get_mut(&id)
                && entry.track.status.is_confirmed()
            {
                self.evaluate_entry(entry, time, &mut events);
            }
        }
        self.tracks = entries;
        self.end_stale(time, &mut events);
        self.forget_holders(time);
        self.spoof
            .forget_older_than(time, self.compiled.settings.stale_track_s);
        events
    }

    /// Ends tracks the tracker deleted by id (as its `deleted()` list gives them).
    pub fn end_tracks(&mut self, time: Timestamp, ids: &[TrackId]) -> Vec<AlertEvent> {
        let mut events = Vec::new();
        for id in ids {
            self.end_track(*id, time, "deleted by the tracker", &mut events);
        }
        events
    }

    fn spoof_params(&self) -> Option<SpoofParams> {
        self.compiled.rules.iter().find_map(|r| match r.params {
            RuleParams::SpoofSuspected(p) => Some(p),
            _ => None,
        })
    }

    fn upsert(&mut self, t: &Track) {
        let old_identity = match self.tracks.get_mut(&t.id) {
            Some(entry) => {
                let old = entry.track.identity.clone();
                entry.track = t.clone();
                if old == t.identity {
                    return;
                }
                if old.is_some() {
                    entry.former_identity.clone_from(&old);
                }
                old
            }
            None => {
                self.tracks.insert(
                    t.id,
                    Entry {
                        track: t.clone(),
                        slots: Vec::new(),
                        assessment: Assessment::default(),
                        former_identity: None,
                        inherited: None,
                    },
                );
                None
            }
        };
        if let Some(old) = old_identity {
            self.unbind(&old, t.id);
        }
        if let Some(new) = &t.identity {
            self.bound.entry(new.clone()).or_default().push(t.id);
        }
    }

    fn unbind(&mut self, identity: &Identity, id: TrackId) {
        if let Some(ids) = self.bound.get_mut(identity) {
            ids.retain(|x| *x != id);
            if ids.is_empty() {
                self.bound.remove(identity);
            }
        }
    }

    fn end_track(&mut self, id: TrackId, time: Timestamp, why: &str, events: &mut Vec<AlertEvent>) {
        let Some(entry) = self.tracks.remove(&id) else {
            return;
        };
        if let Some(identity) = &entry.track.identity {
            self.unbind(identity, id);
        }
        self.spoof.untrust(id);
        let mut slots = entry.slots;
        slots.sort_by_key(|s| s.alert.as_ref().map(|a| a.id));
        for slot in slots {
            if let Some(alert) = slot.alert {
                self.alerts.remove(&alert.id);
                let cause = format!("track {id} {why}; alert closed");
                events.push(self.event(
                    &alert,
                    time,
                    id,
                    (slot.rule, slot.zone),
                    AlertState::Resolved,
                    Actor::System,
                    cause,
                ));
            }
        }
    }

    fn end_stale(&mut self, time: Timestamp, events: &mut Vec<AlertEvent>) {
        let ttl_s = self.compiled.settings.stale_track_s;
        let stale: Vec<TrackId> = self
            .tracks
            .iter()
            .filter(|(_, e)| time.since_s(e.track.time) > ttl_s)
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            let why = format!("not updated for more than {ttl_s:.0} s");
            self.end_track(id, time, &why, events);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn event(
        &self,
        alert: &OpenAlert,
        time: Timestamp,
        track: TrackId,
        key: (u16, u16),
        state: AlertState,
        actor: Actor,
        cause: String,
    ) -> AlertEvent {
        AlertEvent {
            alert: alert.id,
            time,
            track,
            rule: self.compiled.rules[usize::from(key.0)].kind,
            zone: self.zone_id(key.1).map(str::to_owned),
            level: alert.level,
            state,
            actor,
            cause,
        }
    }

    fn evaluate_entry(&mut self, entry: &mut Entry, time: Timestamp, events: &mut Vec<AlertEvent>) {
        let ctx = Context {
            compiled: &self.compiled,
            gauss: &self.gauss,
            spoof: &self.spoof,
            whitelist: &self.whitelist,
            time,
        };
        let mut facts = ctx.facts(&entry.track);
        if facts.exemption.is_none() {
            facts.exemption = entry.inherited.map(Exemption::Authorized);
        }
        let floor = entry.assessment.level;
        let mut breach_s: Option<f64> = None;
        let mut outcomes: Vec<((u16, u16), Outcome)> = Vec::new();
        for (ri, rule) in self.compiled.rules.iter().enumerate() {
            let ri = ri as u16;
            let mut run = |zone: u16, verdict: Verdict, entry: &mut Entry, ids: &mut IdCounter| {
                let o = lifecycle::advance(
                    &mut entry.slots,
                    (ri, zone),
                    verdict,
                    time,
                    timing(rule),
                    floor,
                    ids,
                );
                if o != Outcome::Quiet {
                    outcomes.push(((ri, zone), o));
                }
            };
            match rule.kind {
                RuleKind::NoRemoteId => run(
                    NO_ZONE,
                    ctx.no_remote_id(rule, &entry.track, &facts),
                    entry,
                    &mut self.ids,
                ),
                RuleKind::SpoofSuspected => {
                    run(NO_ZONE, ctx.spoof(rule, &entry.track), entry, &mut self.ids)
                }
                RuleKind::Unauthorized => {
                    run(NO_ZONE, facts.unauthorized.clone(), entry, &mut self.ids)
                }
                _ => {
                    for &zi in &rule.zones {
                        let verdict = ctx.zone_rule(rule, zi, &entry.track, &facts);
                        if self.compiled.zones[zi].zone.kind == ZoneKind::Protected {
                            let tau = match &verdict {
                                Verdict::Fire(_, Cause::Inside) => Some(0.0),
                                Verdict::Fire(_, Cause::Predicted { tau_s, .. }) => Some(*tau_s),
                                _ => None,
                            };
                            breach_s = match (breach_s, tau) {
                                (Some(a), Some(b)) => Some(a.min(b)),
                                (a, b) => a.or(b),
                            };
                        }
                        run(zi as u16, verdict, entry, &mut self.ids);
                    }
                }
            }
        }
        lift_new_alerts(entry, &mut outcomes);
        for (key, outcome) in outcomes {
            self.emit(entry, key, outcome, time, events);
        }
        self.assess(entry, &facts, breach_s, time, events);
    }

    fn emit(
        &mut self,
        entry: &Entry,
        key: (u16, u16),
        outcome: Outcome,
        time: Timestamp,
        events: &mut Vec<AlertEvent>,
    ) {
        let track = &entry.track;
        let zone_owned = self.zone_id(key.1).map(str::to_owned);
        let zone = zone_owned.as_deref();
        let (alert, state, cause) = match outcome {
            Outcome::Quiet => return,
            Outcome::Raised(a) => {
                self.alerts.insert(a.id, (track.id, key.0, key.1));
                let cause = lifecycle::describe(&a.cause, track, zone);
                (a, AlertState::Raised, cause)
            }
            Outcome::Escalated(a) => {
                let cause = format!(
                    "level {}: {}",
                    a.level.get(),
                    lifecycle::describe(&a.cause, track, zone)
                );
                (a, AlertState::Escalated, cause)
            }
            Outcome::Resolved(a, over_s) => {
                self.alerts.remove(&a.id);
                let cause = format!(
                    "cause over for {over_s:.0} s: no longer true that {}",
                    lifecycle::describe(&a.cause, track, zone)
                );
                (a, AlertState::Resolved, cause)
            }
        };
        events.push(self.event(&alert, time, track.id, key, state, Actor::System, cause));
    }

    /// Recomputes the track's threat and escalates its open alerts that are below it.
    fn assess(
        &mut self,
        entry: &mut Entry,
        facts: &Facts,
        breach_s: Option<f64>,
        time: Timestamp,
        events: &mut Vec<AlertEvent>,
    ) {
        let track = &entry.track;
        let open_max = entry
            .slots
            .iter()
            .filter_map(|s| s.alert.as_ref().map(|a| a.level))
            .max();
        let drone_like = track.class.get(Class::Drone) >= 0.5 && facts.exemption.is_none();
        let level = open_max.unwrap_or(ThreatLevel::new(u8::from(drone_like)));
        if entry
            .slots
            .iter()
            .any(|s| s.alert.as_ref().is_some_and(|a| a.level < level))
        {
            let mut slots: Vec<&mut Slot> = entry
                .slots
                .iter_mut()
                .filter(|s| s.alert.is_some())
                .collect();
            slots.sort_by_key(|s| s.alert.as_ref().map(|a| a.id));
            for slot in slots {
                let key = (slot.rule, slot.zone);
                let Some(alert) = slot.alert.as_mut().filter(|a| a.level < level) else {
                    continue;
                };
                alert.level = level;
                alert.acknowledged_by = None;
                let cause = format!(
                    "threat on {} rose to level {}: {}",
                    track.id,
                    level.get(),
                    lifecycle::describe(&alert.cause, track, self.zone_id(key.1))
                );
                let alert = alert.clone();
                events.push(self.event(
                    &alert,
                    time,
                    track.id,
                    key,
                    AlertState::Escalated,
                    Actor::System,
                    cause,
                ));
            }
        }
        let nearest_protected = self.compiled.nearest_protected(track);
        entry.assessment = Assessment {
            time,
            level,
            time_to_breach_s: breach_s,
            nearest_protected,
            authorization: facts.authorization,
            exemption: facts.exemption,
            spoof_suspected: facts.spoofed,
        };
    }
}

/// Alerts raised or escalated this step start at the track's new threat level, so they are
/// not escalated again in the same step by [`Guard::assess`].
fn lift_new_alerts(entry: &mut Entry, outcomes: &mut [((u16, u16), Outcome)]) {
    let Some(max) = entry
        .slots
        .iter()
        .filter_map(|s| s.alert.as_ref().map(|a| a.level))
        .max()
    else {
        return;
    };
    for (key, outcome) in outcomes.iter_mut() {
        if let Outcome::Raised(a) | Outcome::Escalated(a) = outcome
            && a.level < max
        {
            a.level = max;
            let slot = entry.slots.iter_mut().find(|s| (s.rule, s.zone) == *key);
            if let Some(open) = slot.and_then(|s| s.alert.as_mut()) {
                open.level = max;
            }
        }
    }
}
