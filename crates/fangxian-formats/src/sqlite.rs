//! SQLite database files: every table, read in rowid order in pages so no statement is
//! held across batches (a `Statement` borrows its `Connection`).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::batch::{BatchWriter, Table};
use crate::container::Spill;
use crate::reader::{Common, RecordSource};
use crate::Error;

/// Rows fetched per query.
const PAGE: i64 = 2000;

struct TableCursor {
    table: Arc<Table>,
    quoted: String,
    /// Last rowid read (`None`: WITHOUT ROWID table, paged by OFFSET instead).
    last_rowid: Option<i64>,
    offset: i64,
}

pub(crate) struct SqliteReader {
    conn: Connection,
    c: Common,
    tables: Vec<TableCursor>,
    at: usize,
    scratch: String,
    /// Keeps a spilled copy alive while it is read.
    _spill: Option<Spill>,
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The statement's column names, or `None` when one is not valid UTF-8: rusqlite 0.32 panics
/// on such a name (`Statement::column_names` has no error path), and a corrupt or hostile
/// schema can hold one. The rows are still read, by position.
fn column_names(stmt: &rusqlite::Statement<'_>) -> Option<Vec<String>> {
    crate::contained::contain(|| {
        stmt.column_names()
            .into_iter()
            .map(str::to_string)
            .collect()
    })
    .ok()
}

impl SqliteReader {
    pub(crate) fn open(path: &Path, c: Common, spill: Option<Spill>) -> Result<Self, Error> {
        let malformed = |e: rusqlite::Error| Error::Malformed {
            source_name: c.source.to_string(),
            format: "sqlite",
            offset: 0,
            message: e.to_string(),
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(malformed)?;
        let names: Vec<String> = {
            let mut stmt = conn
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
                )
                .map_err(malformed)?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(malformed)?;
            rows.filter_map(Result::ok).collect()
        };
        let mut tables = Vec::new();
        for name in names {
            let quoted = quote(&name);
            let header = match conn.prepare(&format!("SELECT * FROM {quoted} LIMIT 0")) {
                Ok(stmt) => column_names(&stmt),
                Err(e) => {
                    c.diag
                        .warn(None, None, format!("table {name}: {e}; skipped"));
                    continue;
                }
            };
            if header.is_none() {
                c.diag.warn(
                    None,
                    None,
                    format!(
                        "table {name}: a column name is not valid UTF-8 (corrupt schema); \
                         read without column names"
                    ),
                );
            }
            let has_rowid = conn
                .prepare(&format!("SELECT rowid FROM {quoted} LIMIT 0"))
                .is_ok();
            tables.push(TableCursor {
                table: Arc::new(Table::new(name, header)),
                quoted,
                last_rowid: has_rowid.then_some(i64::MIN),
                offset: 0,
            });
        }
        Ok(SqliteReader {
            conn,
            c,
            tables,
            at: 0,
            scratch: String::new(),
            _spill: spill,
        })
    }

    /// Reads one page of the current table; returns rows read.
    fn page(&mut self, w: &mut BatchWriter<'_>) -> rusqlite::Result<usize> {
        let cur = &mut self.tables[self.at];
        let sql = match cur.last_rowid {
            Some(_) => format!(
                "SELECT rowid, * FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT {PAGE}",
                cur.quoted
            ),
            None => format!("SELECT 0, * FROM {} LIMIT {PAGE} OFFSET ?1", cur.quoted),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let arg = cur.last_rowid.unwrap_or(cur.offset);
        let mut rows = stmt.query([arg])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            n += 1;
            if let Some(last) = cur.last_rowid.as_mut() {
                *last = row.get(0)?;
            }
            cur.offset += 1;
            self.c.index += 1;
            // Per row: skipping an over-long row (`w.abort`) drops the table from the batch
            // when no kept record uses it yet, so an index taken before the loop could dangle.
            let t = w.table(&cur.table);
            w.begin(self.c.index, t);
            let ncols = row.as_ref().column_count();
            let mut too_long = false;
            for col in 1..ncols {
                if col > self.c.max_fields {
                    break;
                }
                let vs = w.bytes();
                match row.get_ref(col)? {
                    ValueRef::Null => {}
                    ValueRef::Integer(i) => {
                        self.scratch.clear();
                        let _ = write!(self.scratch, "{i}");
                        w.push_bytes(self.scratch.as_bytes());
                    }
                    ValueRef::Real(f) => {
                        self.scratch.clear();
                        let _ = write!(self.scratch, "{f}");
                        w.push_bytes(self.scratch.as_bytes());
                    }
                    ValueRef::Text(b) | ValueRef::Blob(b) => {
                        if w.record_bytes() + b.len() > self.c.max_record {
                            too_long = true;
                        } else {
                            match std::str::from_utf8(b) {
                                Ok(s) => w.push_bytes(s.as_bytes()),
                                Err(_) => w.push_bytes(String::from_utf8_lossy(b).as_bytes()),
                            }
                        }
                    }
                }
                w.field_col(Some((col - 1) as u32), vs, w.bytes());
            }
            if too_long {
                w.abort();
                self.c.diag.warn(
                    None,
                    None,
                    format!(
                        "SQLite row {} of table {} is longer than the record limit of {} bytes; \
                         skipped (raise Limits::max_record_len)",
                        self.c.index,
                        cur.table.name(),
                        self.c.max_record
                    ),
                );
            } else {
                w.end();
            }
        }
        Ok(n)
    }
}

impl RecordSource for SqliteReader {
    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error> {
        while self.at < self.tables.len() {
            if self.c.full(w) {
                return Ok(true);
            }
            match self.page(w) {
                Ok(n) if n as i64 == PAGE => {}
                Ok(_) => self.at += 1,
                Err(e) => {
                    w.abort();
                    let name = self.tables[self.at].table.name().to_string();
                    self.c.diag.warn(
                        None,
                        None,
                        format!("table {name}: {e}; rest of the table skipped"),
                    );
                    self.at += 1;
                }
            }
        }
        Ok(false)
    }
}
