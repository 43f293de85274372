//! Operator commands and configuration reloads on a running [`Guard`].

use crate::compile::compile;
use crate::config::GuardConfig;
use crate::evaluate::Exemption;
use crate::guard::{CommandError, Guard, ReloadError};
use crate::lifecycle::{NO_ZONE, Slot};
use crate::rules::Rule;
use picket_core::{Actor, AlertEvent, AlertId, AlertState, Timestamp, TrackId};

impl Guard {
    /// An operator acknowledges an open alert.
    pub fn acknowledge(
        &mut self,
        alert: AlertId,
        operator: &str,
        time: Timestamp,
    ) -> Result<AlertEvent, CommandError> {
        let operator = operator.trim();
        if operator.is_empty() {
            return Err(CommandError::NoOperator);
        }
        let &(track, rule, zone) = self
            .alerts
            .get(&alert)
            .ok_or(CommandError::UnknownAlert(alert))?;
        let slot = self
            .slot_mut(track, (rule, zone))
            .ok_or(CommandError::UnknownAlert(alert))?;
        let open = slot
            .alert
            .as_mut()
            .ok_or(CommandError::UnknownAlert(alert))?;
        if let Some(by) = &open.acknowledged_by {
            return Err(CommandError::AlreadyAcknowledged {
                alert,
                by: by.clone(),
            });
        }
        open.acknowledged_by = Some(operator.to_owned());
        let open = open.clone();
        let cause = format!("acknowledged by {operator}");
        Ok(self.event(
            &open,
            time,
            track,
            (rule, zone),
            AlertState::Acknowledged,
            Actor::Operator(operator.to_owned()),
            cause,
        ))
    }

    /// An operator resolves an open alert. If its cause still holds, the same alert is not
    /// raised again until the cause has ended.
    pub fn resolve(
        &mut self,
        alert: AlertId,
        operator: &str,
        time: Timestamp,
    ) -> Result<AlertEvent, CommandError> {
        let operator = operator.trim();
        if operator.is_empty() {
            return Err(CommandError::NoOperator);
        }
        let &(track, rule, zone) = self
            .alerts
            .get(&alert)
            .ok_or(CommandError::UnknownAlert(alert))?;
        let slot = self
            .slot_mut(track, (rule, zone))
            .ok_or(CommandError::UnknownAlert(alert))?;
        let open = slot.alert.take().ok_or(CommandError::UnknownAlert(alert))?;
        slot.suppressed = true;
        self.alerts.remove(&alert);
        let cause = format!("resolved by {operator}");
        Ok(self.event(
            &open,
            time,
            track,
            (rule, zone),
            AlertState::Resolved,
            Actor::Operator(operator.to_owned()),
            cause,
        ))
    }

    fn slot_mut(&mut self, track: TrackId, key: (u16, u16)) -> Option<&mut Slot> {
        self.tracks
            .get_mut(&track)?
            .slots
            .iter_mut()
            .find(|s| (s.rule, s.zone) == key)
    }

    /// Swaps in a new configuration. When it does not compile for this site, nothing changes
    /// and the error says so. Open alerts whose rule (matched by kind and order among rules of
    /// that kind) or zone (by id) is gone are resolved; the others carry over.
    pub fn reload(
        &mut self,
        config: &GuardConfig,
        time: Timestamp,
    ) -> Result<Vec<AlertEvent>, ReloadError> {
        let compiled = compile(config, Some(&self.frame)).map_err(ReloadError)?;
        let coverage = crate::verify::resolve(
            &config.file,
            &compiled.settings.coverage,
            &self.sensor_names,
            &self.sensors,
        )
        .map_err(ReloadError)?;
        let rule_map = remap_rules(&self.compiled.rules, &compiled.rules);
        let zone_map: Vec<Option<u16>> = self
            .compiled
            .zones
            .iter()
            .map(|z| {
                compiled
                    .zones
                    .iter()
                    .position(|n| n.id() == z.id())
                    .map(|i| i as u16)
            })
            .collect();
        let mut events = Vec::new();
        let ids: Vec<TrackId> = self.tracks.keys().copied().collect();
        for id in ids {
            let mut entry = self.tracks.remove(&id).expect("listed");
            let mut kept = Vec::with_capacity(entry.slots.len());
            for mut slot in std::mem::take(&mut entry.slots) {
                let zone = if slot.zone == NO_ZONE {
                    Some(NO_ZONE)
                } else {
                    zone_map[usize::from(slot.zone)]
                };
                match (rule_map[usize::from(slot.rule)], zone) {
                    (Some(r), Some(z)) => {
                        if let Some(a) = &slot.alert {
                            self.alerts.insert(a.id, (id, r, z));
                        }
                        (slot.rule, slot.zone) = (r, z);
                        kept.push(slot);
                    }
                    _ => {
                        if let Some(a) = slot.alert.take() {
                            self.alerts.remove(&a.id);
                            let cause =
                                "its rule or zone was removed by a configuration reload".to_owned();
                            events.push(self.event(
                                &a,
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
            }
            entry.slots = kept;
            self.tracks.insert(id, entry);
        }
        self.compiled = compiled;
        self.coverage = coverage;
        self.index_whitelist();
        Ok(events)
    }
}

/// Old rule index → new rule index, matching by kind and order among rules of that kind.
fn remap_rules(old: &[Rule], new: &[Rule]) -> Vec<Option<u16>> {
    old.iter()
        .enumerate()
        .map(|(i, r)| {
            let nth = old[..i].iter().filter(|o| o.kind == r.kind).count();
            new.iter()
                .enumerate()
                .filter(|(_, n)| n.kind == r.kind)
                .nth(nth)
                .map(|(j, _)| j as u16)
        })
        .collect()
}

impl Exemption {
    /// Words for the exemption.
    pub fn describe(&self, guard: &Guard) -> String {
        let c = &guard.compiled;
        match *self {
            Exemption::Authorized(a) => format!("authorized as {}", c.whitelist[a].label),
            Exemption::Corridor(z) => format!("aircraft in corridor {}", c.zones[z].id()),
            Exemption::Exclusion(z) => {
                format!("known traffic in exclusion zone {}", c.zones[z].id())
            }
        }
    }
}
