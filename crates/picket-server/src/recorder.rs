//! Between the site thread and the store: the recorder thread that appends the site
//! thread's record batches, and the track decimation applied before anything is copied.

use crate::ServerError;
use picket_core::{Class, Identity, Track, TrackId, TrackStatus};
use picket_store::{Record, StoreWriter};
use std::thread::JoinHandle;

/// Batches the recorder may hold before the site thread waits for it.
const RECORDER_BATCHES: usize = 4096;

/// The recorder thread: takes the site thread's record batches (one per processed frame,
/// tick or command) and appends them to the store, so that serializing rows and waiting for
/// the store's channel happen off the site thread. Its channel is bounded; a full channel
/// makes the site thread wait (records are never dropped here, alerts included).
pub(crate) fn recorder(
    site: &str,
    store: StoreWriter,
) -> Result<(std::sync::mpsc::SyncSender<Vec<Record>>, JoinHandle<()>), ServerError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Record>>(RECORDER_BATCHES);
    let thread = std::thread::Builder::new()
        .name(format!("picket-rec-{site}"))
        .spawn(move || {
            for batch in rx {
                // A group of raw frames only may be shed by the store under backpressure;
                // every frame the core processed must be on record, so those wait one by one.
                let result = if batch.iter().all(|r| matches!(r, Record::Frame(_))) {
                    batch.into_iter().try_for_each(|r| store.append_blocking(r))
                } else {
                    store.append_batch(batch).map(|_| ())
                };
                if let Err(e) = result {
                    tracing::error!("store append failed: {e}");
                }
            }
        })
        .map_err(|e| ServerError::Io(format!("cannot start the recorder thread: {e}")))?;
    Ok((tx, thread))
}

/// Track decimation: the first state of a track, then one per interval, and every change of
/// status, class or identity. With the store's interval it is the store's own rule, applied
/// on the site thread before anything is copied or serialized (the store applies it again and
/// keeps every state let through); with a shorter interval it paces the live updates.
pub(crate) struct Decimator {
    interval_s: f64,
    last: std::collections::HashMap<TrackId, (f64, TrackStatus, Class, Option<Identity>)>,
}

impl Decimator {
    pub(crate) fn new(interval_s: f64) -> Self {
        Self {
            interval_s,
            last: std::collections::HashMap::new(),
        }
    }

    pub(crate) fn keep(&mut self, t: &Track) -> bool {
        let (time_s, class) = (t.time.as_secs(), t.class.best().0);
        let keep = self.last.get(&t.id).is_none_or(|last| {
            time_s - last.0 >= self.interval_s
                || t.status != last.1
                || class != last.2
                || t.identity.as_ref() != last.3.as_ref()
        });
        if keep {
            // The store's bound: past it every track starts afresh (more states, never fewer).
            if self.last.len() >= 100_000 {
                self.last.clear();
            }
            self.last
                .insert(t.id, (time_s, t.status, class, t.identity.clone()));
        }
        keep
    }

    pub(crate) fn forget(&mut self, id: TrackId) {
        self.last.remove(&id);
    }
}
