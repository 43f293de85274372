//! The single writer thread: batching, acknowledgements, decimation and the overload policy.
//!
//! Callers hold a cloneable [`StoreWriter`]. Records go through one bounded channel to one
//! thread that owns the only write connection; it hashes and inserts a batch inside one
//! transaction and commits when the batch reaches `max_batch` records or its oldest record has
//! waited `max_latency`. A record is *acknowledged* only after its batch committed.
//!
//! **Overload policy.** When the channel is full, [`StoreWriter::append`] sheds raw frames (and
//! counts them in [`WriterStats::shed_frames`]); every other record (reports, track states,
//! alert events, audit rows) blocks the caller until there is room: alerts and the audit log
//! are never dropped.

use crate::StoreError;
use crate::chainstate::{ChainState, Inserts};
use crate::record::{Record, Row, TrackKey};
use crate::retention::{self, RetentionConfig, RetentionReport};
use crate::schema;
use picket_core::{Geodetic, Timestamp, TrackStatus};
use rusqlite::Connection;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How hard a commit is made durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: the WAL is fsynced at every commit, so an acknowledged record
    /// survives a power cut or OS crash, not only a killed process. The default: batching pays
    /// one fsync per batch, not per record.
    #[default]
    PowerLoss,
    /// `synchronous=NORMAL`: committed data is in the WAL (the OS page cache) and survives a
    /// killed process, but the last commits may be lost on power loss.
    ProcessCrash,
}

/// Writer settings.
#[derive(Debug, Clone)]
pub struct WriterConfig {
    /// Commit durability.
    pub durability: Durability,
    /// Records per transaction at most.
    pub max_batch: usize,
    /// How long the oldest record of a batch may wait for its commit.
    pub max_latency: Duration,
    /// Capacity of the channel to the writer thread, in records.
    pub channel_capacity: usize,
    /// Keep at most one state per track per this many seconds unless its status, class or
    /// identity changed (0 keeps every state).
    pub track_min_interval_s: f64,
    /// Retention limits; `retention.interval` also runs it automatically on the writer thread.
    pub retention: RetentionConfig,
    /// The site's origin, recorded so exports can draw tracks on a map.
    pub site_origin: Option<Geodetic>,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            durability: Durability::PowerLoss,
            max_batch: 8192,
            max_latency: Duration::from_millis(10),
            channel_capacity: 65_536,
            track_min_interval_s: 1.0,
            retention: RetentionConfig::default(),
            site_origin: None,
        }
    }
}

/// Counters kept by the writer (read with [`StoreWriter::stats`]).
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Rows committed.
    pub committed_rows: AtomicU64,
    /// Transactions committed.
    pub batches: AtomicU64,
    /// Raw frames shed because the channel was full.
    pub shed_frames: AtomicU64,
    /// Track states not stored because of decimation.
    pub decimated_tracks: AtomicU64,
    /// Batches whose transaction failed (their records were not acknowledged).
    pub failed_batches: AtomicU64,
}

/// Whether an append was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// On its way to the writer thread.
    Queued,
    /// A raw frame dropped under backpressure (counted).
    Shed,
}

/// The outcome of an acknowledged append.
pub type AckResult = Result<Option<i64>, StoreError>;

/// Resolves once the record's batch committed: `Ok(Some(id))` with its row id, `Ok(None)` for a
/// track state the decimation skipped, or the commit error.
#[derive(Debug)]
pub struct Receipt(Receiver<AckResult>);

impl Receipt {
    /// Blocks until the outcome is known.
    pub fn wait(self) -> AckResult {
        self.0.recv().unwrap_or(Err(StoreError::Closed))
    }

    /// The outcome if already known.
    pub fn try_wait(&self) -> Option<AckResult> {
        match self.0.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(StoreError::Closed)),
        }
    }
}

enum Msg {
    Append(Row, Option<SyncSender<AckResult>>),
    AppendMany(Vec<Row>),
    Flush(SyncSender<Result<(), StoreError>>),
    Retain(Timestamp, SyncSender<Result<RetentionReport, StoreError>>),
    Shutdown(SyncSender<Result<(), StoreError>>),
}

/// A cloneable handle to the store's writer thread.
#[derive(Clone)]
pub struct StoreWriter {
    tx: SyncSender<Msg>,
    stats: Arc<WriterStats>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl StoreWriter {
    /// Opens (or creates) the store at `path` and starts its writer thread.
    pub fn open(path: &Path, config: WriterConfig) -> Result<Self, StoreError> {
        let lock = lock_writer(path)?;
        let conn = Connection::open(path)?;
        let sync = match config.durability {
            Durability::PowerLoss => "FULL",
            Durability::ProcessCrash => "NORMAL",
        };
        schema::configure_writer(&conn, sync)?;
        schema::create(&conn)?;
        // The WAL is copied into the database by a checkpointer thread instead of by the writer
        // at commit time, which keeps that IO off the write path.
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        let checkpointer = Checkpointer::start(path)?;
        if let Some(origin) = config.site_origin {
            let json =
                serde_json::to_string(&origin).map_err(|e| StoreError::Encode(e.to_string()))?;
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('site_origin', ?1)",
                [json],
            )?;
        }
        let chain = ChainState::load(&conn)?;
        let (tx, rx) = mpsc::sync_channel(config.channel_capacity.max(1));
        let stats = Arc::new(WriterStats::default());
        let mut worker = Worker {
            _lock: lock,
            conn,
            chain,
            config,
            stats: stats.clone(),
            decimator: HashMap::new(),
            last_retention: Instant::now(),
            checkpointer: Some(checkpointer),
        };
        let thread = std::thread::Builder::new()
            .name("picket-store-writer".into())
            .spawn(move || worker.run(rx))
            .map_err(|e| StoreError::Config(format!("cannot start the writer thread: {e}")))?;
        Ok(Self {
            tx,
            stats,
            thread: Arc::new(Mutex::new(Some(thread))),
        })
    }

    /// Queues a record without waiting for its commit. Raw frames are shed when the queue is
    /// full; other records wait for room.
    pub fn append(&self, record: Record) -> Result<Enqueued, StoreError> {
        let shed_able = matches!(record, Record::Frame(_));
        let msg = Msg::Append(Row::from_record(record)?, None);
        if shed_able {
            return match self.tx.try_send(msg) {
                Ok(()) => Ok(Enqueued::Queued),
                Err(TrySendError::Full(_)) => {
                    self.stats.shed_frames.fetch_add(1, Ordering::Relaxed);
                    Ok(Enqueued::Shed)
                }
                Err(TrySendError::Disconnected(_)) => Err(StoreError::Closed),
            };
        }
        self.tx.send(msg).map_err(|_| StoreError::Closed)?;
        Ok(Enqueued::Queued)
    }

    /// Queues several records as one message (one datagram's frames, one tracker step's
    /// states): cheaper per record than [`StoreWriter::append`]. A group of raw frames only is
    /// shed whole under backpressure (each frame counted); a group holding anything else waits
    /// for room. The channel's capacity counts groups, so keep groups small (tens to hundreds).
    pub fn append_batch(&self, records: Vec<Record>) -> Result<Enqueued, StoreError> {
        let n = records.len() as u64;
        let shed_able = records.iter().all(|r| matches!(r, Record::Frame(_)));
        let rows = records
            .into_iter()
            .map(Row::from_record)
            .collect::<Result<Vec<_>, _>>()?;
        let msg = Msg::AppendMany(rows);
        if shed_able {
            return match self.tx.try_send(msg) {
                Ok(()) => Ok(Enqueued::Queued),
                Err(TrySendError::Full(_)) => {
                    self.stats.shed_frames.fetch_add(n, Ordering::Relaxed);
                    Ok(Enqueued::Shed)
                }
                Err(TrySendError::Disconnected(_)) => Err(StoreError::Closed),
            };
        }
        self.tx.send(msg).map_err(|_| StoreError::Closed)?;
        Ok(Enqueued::Queued)
    }

    /// Queues a record, waiting for room even for raw frames (file import, benchmarks).
    pub fn append_blocking(&self, record: Record) -> Result<(), StoreError> {
        let msg = Msg::Append(Row::from_record(record)?, None);
        self.tx.send(msg).map_err(|_| StoreError::Closed)
    }

    /// Queues a record (waiting for room, never shed) and returns a receipt that resolves once
    /// its batch committed.
    pub fn append_acked(&self, record: Record) -> Result<Receipt, StoreError> {
        let (ack_tx, ack_rx) = mpsc::sync_channel(1);
        let msg = Msg::Append(Row::from_record(record)?, Some(ack_tx));
        self.tx.send(msg).map_err(|_| StoreError::Closed)?;
        Ok(Receipt(ack_rx))
    }

    /// Returns once everything queued before this call (from this handle) is committed.
    pub fn flush(&self) -> Result<(), StoreError> {
        let (ack_tx, ack_rx) = mpsc::sync_channel(1);
        self.tx
            .send(Msg::Flush(ack_tx))
            .map_err(|_| StoreError::Closed)?;
        ack_rx.recv().map_err(|_| StoreError::Closed)?
    }

    /// Runs retention now, with `now` as the current time for the age limits.
    pub fn run_retention(&self, now: Timestamp) -> Result<RetentionReport, StoreError> {
        let (ack_tx, ack_rx) = mpsc::sync_channel(1);
        self.tx
            .send(Msg::Retain(now, ack_tx))
            .map_err(|_| StoreError::Closed)?;
        ack_rx.recv().map_err(|_| StoreError::Closed)?
    }

    /// Commits what is queued, stops the writer thread and waits for it.
    pub fn close(&self) -> Result<(), StoreError> {
        let (ack_tx, ack_rx) = mpsc::sync_channel(1);
        let sent = self.tx.send(Msg::Shutdown(ack_tx));
        let result = if sent.is_ok() {
            ack_rx.recv().unwrap_or(Err(StoreError::Closed))
        } else {
            Ok(())
        };
        let handle = self.thread.lock().ok().and_then(|mut h| h.take());
        if let Some(h) = handle {
            // A panicking writer thread already failed every pending receipt.
            let _ = h.join();
        }
        result
    }

    /// The writer's counters.
    pub fn stats(&self) -> &WriterStats {
        &self.stats
    }
}

/// A thread with its own connection that runs a PASSIVE checkpoint every 100 ms: it never
/// blocks the writer, and SQLite restarts the WAL from its beginning after a complete one.
struct Checkpointer {
    stop: SyncSender<()>,
    thread: JoinHandle<()>,
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

impl Checkpointer {
    fn start(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let (stop, rx) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("picket-store-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(CHECKPOINT_EVERY) {
                    // A failed checkpoint leaves the WAL longer; the next one catches up.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .map_err(|e| StoreError::Config(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self { stop, thread })
    }

    fn stop(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

/// Only one writer may own a store's chains: a second would reuse row ids. An advisory lock on
/// `<db>.writer-lock` refuses a second `StoreWriter` (in this or another process) up front.
fn lock_writer(path: &Path) -> Result<File, StoreError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".writer-lock");
    let lock_path = std::path::PathBuf::from(name);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| StoreError::Io {
            path: lock_path.display().to_string(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Config(format!(
            "{} is already open for writing (lock {})",
            path.display(),
            lock_path.display()
        ))),
        Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Io {
            path: lock_path.display().to_string(),
            source,
        }),
    }
}

struct Worker {
    /// Held for the thread's life: the OS releases it when the process dies, even by SIGKILL.
    _lock: File,
    conn: Connection,
    chain: ChainState,
    config: WriterConfig,
    stats: Arc<WriterStats>,
    decimator: HashMap<u64, TrackKey>,
    last_retention: Instant,
    checkpointer: Option<Checkpointer>,
}

/// Decimation memory is bounded: past this many live tracks it starts over, which can only
/// keep more states than needed, never fewer.
const MAX_DECIMATOR_TRACKS: usize = 100_000;

/// What a batch collected besides rows: control messages to answer after its commit.
enum Control {
    None,
    Flush(SyncSender<Result<(), StoreError>>),
    Retain(Timestamp, SyncSender<Result<RetentionReport, StoreError>>),
    Shutdown(SyncSender<Result<(), StoreError>>),
    Disconnected,
}

impl Worker {
    fn run(&mut self, rx: Receiver<Msg>) {
        self.serve(rx);
        // Stop the checkpointer first so the writer's connection is the last one and SQLite
        // folds the WAL into the database when it closes.
        if let Some(c) = self.checkpointer.take() {
            c.stop();
        }
    }

    fn serve(&mut self, rx: Receiver<Msg>) {
        let idle = self
            .config
            .retention
            .interval
            .unwrap_or(Duration::from_secs(3600));
        loop {
            let first = match rx.recv_timeout(idle) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    self.maybe_auto_retention();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let mut batch = Vec::new();
            let control = self.collect(first, &rx, &mut batch);
            let outcome = self.commit(&batch);
            self.answer(batch, outcome);
            match control {
                Control::None => {}
                Control::Flush(ack) => {
                    let _ = ack.send(Ok(()));
                }
                Control::Retain(now, ack) => {
                    let _ = ack.send(retention::run(
                        &mut self.conn,
                        &mut self.chain,
                        &self.config.retention,
                        now,
                    ));
                }
                Control::Shutdown(ack) => {
                    let _ = ack.send(Ok(()));
                    return;
                }
                Control::Disconnected => return,
            }
            self.maybe_auto_retention();
        }
    }

    /// Gathers one batch: until `max_batch` rows, the deadline, or a control message.
    fn collect(
        &mut self,
        first: Msg,
        rx: &Receiver<Msg>,
        batch: &mut Vec<(Row, Option<SyncSender<AckResult>>)>,
    ) -> Control {
        let deadline = Instant::now() + self.config.max_latency;
        let mut next = Some(first);
        loop {
            let msg = match next.take() {
                Some(m) => m,
                None => {
                    if batch.len() >= self.config.max_batch {
                        return Control::None;
                    }
                    // Drain without a syscall while records are waiting; only then sleep.
                    match rx.try_recv() {
                        Ok(m) => m,
                        Err(mpsc::TryRecvError::Disconnected) => return Control::Disconnected,
                        Err(mpsc::TryRecvError::Empty) => {
                            let left = deadline.saturating_duration_since(Instant::now());
                            match rx.recv_timeout(left) {
                                Ok(m) => m,
                                Err(RecvTimeoutError::Timeout) => return Control::None,
                                Err(RecvTimeoutError::Disconnected) => {
                                    return Control::Disconnected;
                                }
                            }
                        }
                    }
                }
            };
            match msg {
                Msg::Append(row, ack) => {
                    if self.keep(&row) {
                        batch.push((row, ack));
                    } else {
                        self.stats.decimated_tracks.fetch_add(1, Ordering::Relaxed);
                        if let Some(ack) = ack {
                            let _ = ack.send(Ok(None));
                        }
                    }
                }
                Msg::AppendMany(rows) => {
                    for row in rows {
                        if self.keep(&row) {
                            batch.push((row, None));
                        } else {
                            self.stats.decimated_tracks.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                Msg::Flush(ack) => return Control::Flush(ack),
                Msg::Retain(now, ack) => return Control::Retain(now, ack),
                Msg::Shutdown(ack) => return Control::Shutdown(ack),
            }
        }
    }

    /// Track decimation: keep the first state of a track, then one per interval, and every
    /// change of status, class or identity (and always the deletion).
    fn keep(&mut self, row: &Row) -> bool {
        let Some(key) = &row.track_key else {
            return true;
        };
        let keep = match self.decimator.get(&key.track) {
            None => true,
            Some(last) => {
                key.time_s - last.time_s >= self.config.track_min_interval_s
                    || key.status != last.status
                    || key.class != last.class
                    || key.identity != last.identity
            }
        };
        if key.status == TrackStatus::Deleted {
            self.decimator.remove(&key.track);
        } else if keep {
            if self.decimator.len() >= MAX_DECIMATOR_TRACKS {
                self.decimator.clear();
            }
            self.decimator.insert(key.track, key.clone());
        }
        keep
    }

    /// Inserts the batch in one transaction; on failure the chain heads are restored.
    fn commit(
        &mut self,
        batch: &[(Row, Option<SyncSender<AckResult>>)],
    ) -> Result<Vec<i64>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let saved = self.chain.clone();
        let result = (|| {
            let tx = self.conn.unchecked_transaction()?;
            let mut ids = Vec::with_capacity(batch.len());
            {
                let mut inserts = Inserts::new(&tx);
                for (row, _) in batch {
                    ids.push(self.chain.append(&mut inserts, row.table, &row.values)?);
                }
            }
            tx.commit()?;
            Ok(ids)
        })();
        match &result {
            Ok(ids) => {
                self.stats
                    .committed_rows
                    .fetch_add(ids.len() as u64, Ordering::Relaxed);
                self.stats.batches.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                self.chain = saved;
                self.stats.failed_batches.fetch_add(1, Ordering::Relaxed);
            }
        }
        result
    }

    fn answer(
        &self,
        batch: Vec<(Row, Option<SyncSender<AckResult>>)>,
        outcome: Result<Vec<i64>, StoreError>,
    ) {
        match outcome {
            Ok(ids) => {
                for ((_, ack), id) in batch.into_iter().zip(ids) {
                    if let Some(ack) = ack {
                        let _ = ack.send(Ok(Some(id)));
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for (_, ack) in batch {
                    if let Some(ack) = ack {
                        let _ = ack.send(Err(StoreError::Batch(msg.clone())));
                    }
                }
            }
        }
    }

    /// Periodic retention on the writer thread, on the system clock (the store is IO).
    fn maybe_auto_retention(&mut self) {
        let Some(every) = self.config.retention.interval else {
            return;
        };
        if self.last_retention.elapsed() < every {
            return;
        }
        self.last_retention = Instant::now();
        let now_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        if let Some(now) = Timestamp::from_secs(now_s) {
            // Failures leave the data in place; the next run tries again.
            let _ = retention::run(&mut self.conn, &mut self.chain, &self.config.retention, now);
        }
    }
}
