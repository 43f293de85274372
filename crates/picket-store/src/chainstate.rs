//! The writer's view of each table's chain head, and the one function that appends a row.

use crate::StoreError;
use crate::chain::{Hash, Value, genesis, row_hash};
use crate::schema::Table;
use rusqlite::{CachedStatement, Connection, OptionalExtension};

/// Next id and previous hash for every table, in [`Table::index`] order.
#[derive(Debug, Clone)]
pub(crate) struct ChainState {
    next_id: [i64; 6],
    prev: [Hash; 6],
    scratch: Vec<u8>,
}

/// Where a table's chain resumes after retention: the latest checkpoint's `(last_id, last_hash)`.
pub(crate) fn latest_checkpoint(
    conn: &Connection,
    table: Table,
) -> Result<Option<(i64, Hash)>, StoreError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT last_id, last_hash FROM checkpoints WHERE tbl = ?1 ORDER BY last_id DESC LIMIT 1",
            [table.name()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((id, h)) => Some((
            id,
            to_hash(&h).ok_or(StoreError::Corrupt("checkpoint hash"))?,
        )),
        None => None,
    })
}

/// A 32-byte slice as a hash.
pub(crate) fn to_hash(b: &[u8]) -> Option<Hash> {
    b.try_into().ok()
}

impl ChainState {
    /// Reads every table's head from the database.
    pub(crate) fn load(conn: &Connection) -> Result<Self, StoreError> {
        let mut state = ChainState {
            next_id: [1; 6],
            prev: [[0; 32]; 6],
            scratch: Vec::with_capacity(512),
        };
        for t in Table::ALL {
            let last: Option<(i64, Vec<u8>)> = conn
                .query_row(
                    &format!("SELECT id, hash FROM {} ORDER BY id DESC LIMIT 1", t.name()),
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let checkpoint = if t == Table::Checkpoints {
                None
            } else {
                latest_checkpoint(conn, t)?
            };
            let (id, hash) = match (last, checkpoint) {
                (Some((id, h)), _) => (id, to_hash(&h).ok_or(StoreError::Corrupt("row hash"))?),
                (None, Some(cp)) => cp,
                (None, None) => (0, genesis(t.name())),
            };
            state.next_id[t.index()] = id + 1;
            state.prev[t.index()] = hash;
        }
        Ok(state)
    }

    /// Hashes and inserts one row; advances the chain only in memory (the caller restores a
    /// saved copy when the transaction fails).
    pub(crate) fn append(
        &mut self,
        inserts: &mut Inserts<'_>,
        table: Table,
        values: &[Value],
    ) -> Result<i64, StoreError> {
        let i = table.index();
        let id = self.next_id[i];
        let hash = row_hash(
            &self.prev[i],
            table.name(),
            id,
            values.iter().map(Value::as_ref),
            &mut self.scratch,
        );
        let stmt = inserts.get(table)?;
        stmt.raw_bind_parameter(1, id)?;
        for (k, v) in values.iter().enumerate() {
            stmt.raw_bind_parameter(k + 2, v)?;
        }
        stmt.raw_bind_parameter(values.len() + 2, &hash[..])?;
        stmt.raw_execute()?;
        self.next_id[i] = id + 1;
        self.prev[i] = hash;
        Ok(id)
    }
}

/// The insert statements of one transaction, prepared on first use: looking a statement up in
/// the cache for every row costs more than hashing the row.
pub(crate) struct Inserts<'c> {
    conn: &'c Connection,
    stmts: [Option<CachedStatement<'c>>; 6],
}

impl<'c> Inserts<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            stmts: Default::default(),
        }
    }

    fn get(&mut self, table: Table) -> Result<&mut CachedStatement<'c>, StoreError> {
        let slot = &mut self.stmts[table.index()];
        if slot.is_none() {
            *slot = Some(self.conn.prepare_cached(insert_sql(table))?);
        }
        slot.as_mut().ok_or(StoreError::Corrupt("statement cache"))
    }
}

/// Insert statements are built once per table and process (the statement cache keys on them).
fn insert_sql(table: Table) -> &'static str {
    use std::sync::OnceLock;
    static SQL: OnceLock<[String; 6]> = OnceLock::new();
    let all = SQL.get_or_init(|| Table::ALL.map(Table::insert_sql));
    &all[table.index()]
}
