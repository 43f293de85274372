//! Walking the hash chains: does every row still hash to what was stored when it was written?

use crate::StoreError;
use crate::chain::{Hash, genesis, row_hash};
use crate::chainstate::{latest_checkpoint, to_hash};
use crate::schema::{Table, trigger_names};
use rusqlite::Connection;
use std::fmt;

/// Why a row fails verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The row's contents (or its predecessor) no longer hash to the stored hash: edited.
    HashMismatch {
        /// The stored hash, hex.
        stored: String,
        /// The hash recomputed from the row, hex.
        computed: String,
    },
    /// Row ids jump: rows were deleted (or inserted) outside retention.
    Gap {
        /// The id the chain expected next.
        expected_id: i64,
    },
    /// The stored hash is not 32 bytes.
    BadHash,
}

/// The first problem found in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The table.
    pub table: Table,
    /// The row id.
    pub id: i64,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.table.name();
        match &self.kind {
            ProblemKind::HashMismatch { stored, computed } => write!(
                f,
                "{t} row {}: contents do not match the chain (stored hash {stored}, recomputed {computed})",
                self.id
            ),
            ProblemKind::Gap { expected_id } => write!(
                f,
                "{t} row {}: expected row {expected_id} next (rows missing or inserted)",
                self.id
            ),
            ProblemKind::BadHash => write!(f, "{t} row {}: stored hash is not 32 bytes", self.id),
        }
    }
}

/// One table's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableStatus {
    /// The table.
    pub table: Table,
    /// Rows present.
    pub rows: u64,
    /// Lowest and highest row id present.
    pub id_range: Option<(i64, i64)>,
    /// The checkpoint the chain resumes after (the last id retention deleted), if any.
    pub resumes_after: Option<i64>,
    /// The hash of the last row (or where the chain starts when empty): anchor it elsewhere to
    /// detect a wholesale rewrite or truncation of the tail.
    pub head: Hash,
}

impl TableStatus {
    /// The head hash in lowercase hex.
    pub fn head_hex(&self) -> String {
        hex::encode(self.head)
    }
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Every table, in [`Table::ALL`] order.
    pub tables: Vec<TableStatus>,
    /// The first problem in each broken table, in [`Table::ALL`] order.
    pub problems: Vec<Problem>,
    /// Append-only triggers that are missing (someone dropped them).
    pub missing_triggers: Vec<String>,
}

impl VerifyReport {
    /// True when every chain verifies and every trigger is in place.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty() && self.missing_triggers.is_empty()
    }

    /// The first problem found, if any.
    pub fn first_problem(&self) -> Option<&Problem> {
        self.problems.first()
    }

    /// Rows in `table`.
    pub fn rows(&self, table: Table) -> u64 {
        self.tables
            .iter()
            .find(|s| s.table == table)
            .map_or(0, |s| s.rows)
    }
}

/// Walks every chain of the store open on `conn`.
pub fn verify(conn: &Connection) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport {
        tables: Vec::new(),
        problems: Vec::new(),
        missing_triggers: Vec::new(),
    };
    for t in Table::ALL {
        let (status, problem) = verify_table(conn, t)?;
        report.tables.push(status);
        report.problems.extend(problem);
    }
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")?;
    let present: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    report.missing_triggers = trigger_names()
        .into_iter()
        .filter(|n| !present.contains(n))
        .collect();
    Ok(report)
}

fn verify_table(
    conn: &Connection,
    table: Table,
) -> Result<(TableStatus, Option<Problem>), StoreError> {
    let checkpoint = if table == Table::Checkpoints {
        None
    } else {
        latest_checkpoint(conn, table)?
    };
    let (mut expected, mut prev) = match checkpoint {
        Some((id, h)) => (id + 1, h),
        None => (1, genesis(table.name())),
    };
    let mut status = TableStatus {
        table,
        rows: 0,
        id_range: None,
        resumes_after: checkpoint.map(|c| c.0),
        head: prev,
    };
    let mut problem = None;
    let mut stmt = conn.prepare(&format!("{} ORDER BY id", table.select_sql()))?;
    let mut rows = stmt.query([])?;
    let mut scratch = Vec::with_capacity(512);
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        status.rows += 1;
        status.id_range = Some(status.id_range.map_or((id, id), |(lo, _)| (lo, id)));
        if problem.is_some() {
            continue;
        }
        let kind = if id == expected {
            match check_row(row, table, id, &prev, &mut scratch)? {
                Ok(hash) => {
                    prev = hash;
                    status.head = hash;
                    expected = id + 1;
                    continue;
                }
                Err(kind) => kind,
            }
        } else {
            ProblemKind::Gap {
                expected_id: expected,
            }
        };
        problem = Some(Problem { table, id, kind });
    }
    Ok((status, problem))
}

/// Recomputes one row's hash from its stored columns: `Ok(hash)` when it matches the stored one.
fn check_row(
    row: &rusqlite::Row<'_>,
    table: Table,
    id: i64,
    prev: &Hash,
    scratch: &mut Vec<u8>,
) -> Result<Result<Hash, ProblemKind>, StoreError> {
    let n = table.columns().len();
    let values = (1..=n)
        .map(|i| row.get_ref(i))
        .collect::<Result<Vec<_>, _>>()?;
    let computed = row_hash(prev, table.name(), id, values.into_iter(), scratch);
    let stored = row
        .get_ref(n + 1)?
        .as_blob_or_null()
        .ok()
        .flatten()
        .and_then(to_hash);
    Ok(match stored {
        None => Err(ProblemKind::BadHash),
        Some(h) if h == computed => Ok(h),
        Some(h) => Err(ProblemKind::HashMismatch {
            stored: hex::encode(h),
            computed: hex::encode(computed),
        }),
    })
}
