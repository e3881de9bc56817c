//! [`RecordBatch`]: many records in one flat arena, filled by a reader and sent to workers.
//!
//! A batch owns its data (it is `Send`), holds records of exactly one source, and is reused:
//! filling it again keeps its allocations, so the steady state allocates nothing per record
//! or field.

use std::sync::Arc;

/// One table inside a source: a CSV file, an SQL table, a spreadsheet sheet, a SQLite table,
/// a JSON document. Profile columns once per (source, table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    name: String,
    header: Option<Vec<String>>,
}

impl Table {
    /// A table with a name (may be empty for single-table sources) and maybe a header.
    pub fn new(name: impl Into<String>, header: Option<Vec<String>>) -> Self {
        Table {
            name: name.into(),
            header,
        }
    }

    /// The table name: the SQL or SQLite table name, the sheet name, or `""` for sources that
    /// are one table (CSV, JSON, text).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column names when known (CSV header row, SQL column list, `CREATE TABLE`,
    /// SQLite schema, spreadsheet header row). `None` for JSON and text.
    pub fn header(&self) -> Option<&[String]> {
        self.header.as_deref()
    }
}

#[derive(Debug, Clone, Copy)]
enum Name {
    None,
    Column(u32),
    Text(u32, u32),
}

#[derive(Debug, Clone, Copy)]
struct FieldSlot {
    name: Name,
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Copy)]
struct RecordSlot {
    index: u64,
    table: u32,
    fields: (u32, u32),
}

/// A reusable batch of records from one source. See the crate docs for the loop that fills it.
#[derive(Debug, Default)]
pub struct RecordBatch {
    text: String,
    fields: Vec<FieldSlot>,
    records: Vec<RecordSlot>,
    tables: Vec<Arc<Table>>,
    source: Arc<str>,
    first_offset: u64,
}

impl RecordBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the batch holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The source all records came from (contract form, e.g. `dump.zip!/users.csv`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Bytes of text held (field values and JSON paths).
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    /// Byte offset, in the source's decoded stream, where this batch's data started (an
    /// approximation for progress and messages).
    pub fn start_offset(&self) -> u64 {
        self.first_offset
    }

    /// The tables of this batch's records, indexed by [`Record::table_index`]; each has at least
    /// one record.
    pub fn tables(&self) -> &[Arc<Table>] {
        &self.tables
    }

    /// The records, in source order.
    pub fn records(&self) -> Records<'_> {
        Records {
            batch: self,
            next: 0,
        }
    }

    /// Forgets all records, keeping allocations.
    pub fn clear(&mut self) {
        self.text.clear();
        self.fields.clear();
        self.records.clear();
        self.tables.clear();
    }
}

/// Iterator over a batch's records.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    batch: &'a RecordBatch,
    next: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;
    // Inlined into the scan's worker loop (another crate): returned through memory, the
    // record and field structs cost a store-forwarding stall per field.
    #[inline]
    fn next(&mut self) -> Option<Record<'a>> {
        let slot = self.batch.records.get(self.next)?;
        self.next += 1;
        Some(Record {
            batch: self.batch,
            slot,
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.batch.records.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Records<'_> {}

/// One record: a table row, a JSON object, an SQL row or a text line.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    batch: &'a RecordBatch,
    slot: &'a RecordSlot,
}

impl<'a> Record<'a> {
    /// 1-based index of the record inside its source (header rows are not records).
    pub fn index(&self) -> u64 {
        self.slot.index
    }

    /// The table the record belongs to.
    #[inline]
    pub fn table(&self) -> &'a Table {
        &self.batch.tables[self.slot.table as usize]
    }

    /// The index of the record's table in [`RecordBatch::tables`].
    pub fn table_index(&self) -> usize {
        self.slot.table as usize
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        (self.slot.fields.1 - self.slot.fields.0) as usize
    }

    /// True when the record has no field (e.g. `{}`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The fields, in source order.
    #[inline]
    pub fn fields(&self) -> Fields<'a> {
        Fields {
            batch: self.batch,
            table: self.table(),
            slots: &self.batch.fields[self.slot.fields.0 as usize..self.slot.fields.1 as usize],
        }
    }
}

/// Iterator over a record's fields.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    batch: &'a RecordBatch,
    table: &'a Table,
    slots: &'a [FieldSlot],
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;
    #[inline]
    fn next(&mut self) -> Option<Field<'a>> {
        let (slot, rest) = self.slots.split_first()?;
        self.slots = rest;
        let text = &self.batch.text;
        let value = text
            .get(slot.start as usize..slot.end as usize)
            .unwrap_or("");
        let (name, column) = match slot.name {
            Name::None => (None, None),
            Name::Column(c) => (
                self.table
                    .header
                    .as_ref()
                    .and_then(|h| h.get(c as usize))
                    .map(String::as_str),
                Some(c),
            ),
            Name::Text(s, e) => (text.get(s as usize..e as usize), None),
        };
        Some(Field {
            name,
            column,
            value,
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.slots.len(), Some(self.slots.len()))
    }
}

impl ExactSizeIterator for Fields<'_> {}

/// One field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// Column name (tabular formats, when the table has a header), JSON path (`$.user.phone`,
    /// `$.items[0].phone`), or `None` (free text, headerless columns).
    pub name: Option<&'a str>,
    /// 0-based column position for tabular formats (CSV, SQL, SQLite, spreadsheets), `None`
    /// for JSON and text.
    pub column: Option<u32>,
    /// The value as UTF-8 text. SQL `NULL` and empty cells are `""`.
    pub value: &'a str,
}

/// What a reader uses to append records to a batch. Keeps the arena as bytes while filling
/// (csv-core writes into it directly) and turns it back into a `String` at the end.
pub(crate) struct BatchWriter<'b> {
    batch: &'b mut RecordBatch,
    buf: Vec<u8>,
    used: usize,
    rec_field_start: usize,
    rec_byte_start: usize,
    rec_index: u64,
    rec_table: u32,
    in_record: bool,
}

impl<'b> BatchWriter<'b> {
    pub(crate) fn new(batch: &'b mut RecordBatch, source: &Arc<str>, offset: u64) -> Self {
        batch.clear();
        if !Arc::ptr_eq(&batch.source, source) {
            batch.source = source.clone();
        }
        batch.first_offset = offset;
        let mut buf = std::mem::take(&mut batch.text).into_bytes();
        // Keep the whole capacity initialised so readers can write into spare space.
        let cap = buf.capacity();
        buf.resize(cap, 0);
        BatchWriter {
            batch,
            buf,
            used: 0,
            rec_field_start: 0,
            rec_byte_start: 0,
            rec_index: 0,
            rec_table: 0,
            in_record: false,
        }
    }

    /// Bytes used so far.
    pub(crate) fn bytes(&self) -> usize {
        self.used
    }

    pub(crate) fn records(&self) -> usize {
        self.batch.records.len()
    }

    /// Bytes used by the open record.
    pub(crate) fn record_bytes(&self) -> usize {
        self.used - self.rec_byte_start
    }

    /// Fields in the open record.
    pub(crate) fn record_fields(&self) -> usize {
        self.batch.fields.len() - self.rec_field_start
    }

    /// Registers a table for the following records (deduplicated against the last one).
    pub(crate) fn table(&mut self, table: &Arc<Table>) -> u32 {
        if let Some((i, last)) = self.batch.tables.iter().enumerate().next_back() {
            if Arc::ptr_eq(last, table) {
                return i as u32;
            }
        }
        self.batch.tables.push(table.clone());
        (self.batch.tables.len() - 1) as u32
    }

    pub(crate) fn begin(&mut self, index: u64, table: u32) {
        self.rec_field_start = self.batch.fields.len();
        self.rec_byte_start = self.used;
        self.rec_index = index;
        self.rec_table = table;
        self.in_record = true;
    }

    pub(crate) fn end(&mut self) {
        if !self.in_record {
            return;
        }
        self.batch.records.push(RecordSlot {
            index: self.rec_index,
            table: self.rec_table,
            fields: (self.rec_field_start as u32, self.batch.fields.len() as u32),
        });
        self.in_record = false;
    }

    /// Drops the open record and its bytes, and its table when no kept record uses it (a CSV
    /// reader registers its table before it knows the first row is the header), so that every
    /// table of a batch has records.
    pub(crate) fn abort(&mut self) {
        if !self.in_record {
            return;
        }
        self.batch.fields.truncate(self.rec_field_start);
        self.used = self.rec_byte_start;
        self.in_record = false;
        let last_table = self.batch.tables.len().checked_sub(1);
        let last_record_table = self.batch.records.last().map(|r| r.table);
        if last_table == Some(self.rec_table as usize) && last_record_table != Some(self.rec_table)
        {
            self.batch.tables.pop();
        }
    }

    /// Ensures `min` spare bytes and returns all spare space.
    pub(crate) fn spare(&mut self, min: usize) -> &mut [u8] {
        if self.buf.len() - self.used < min {
            let want = (self.used + min).max(self.buf.len() * 2).max(4096);
            self.buf.resize(want, 0);
        }
        &mut self.buf[self.used..]
    }

    pub(crate) fn advance(&mut self, n: usize) {
        self.used += n;
    }

    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) {
        self.spare(bytes.len())[..bytes.len()].copy_from_slice(bytes);
        self.used += bytes.len();
    }

    /// Truncates the arena back to `pos` (used to drop a value being written).
    pub(crate) fn truncate(&mut self, pos: usize) {
        if pos < self.used {
            self.used = pos;
        }
    }

    /// The bytes written since `start`.
    pub(crate) fn since(&self, start: usize) -> &[u8] {
        &self.buf[start..self.used]
    }

    /// Adds a field whose value is arena bytes `start..end`, named by column.
    pub(crate) fn field_col(&mut self, column: Option<u32>, start: usize, end: usize) {
        let name = match column {
            Some(c) => Name::Column(c),
            None => Name::None,
        };
        self.batch.fields.push(FieldSlot {
            name,
            start: start as u32,
            end: end as u32,
        });
    }

    /// Adds a field whose name is arena bytes `name` and value arena bytes `start..end`.
    pub(crate) fn field_named(&mut self, name: (usize, usize), start: usize, end: usize) {
        self.batch.fields.push(FieldSlot {
            name: Name::Text(name.0 as u32, name.1 as u32),
            start: start as u32,
            end: end as u32,
        });
    }

    /// Finishes the batch: the arena becomes the batch's `String` again.
    pub(crate) fn finish(mut self) {
        self.abort_if_open();
        self.buf.truncate(self.used);
        let buf = std::mem::take(&mut self.buf);
        // Readers only split at ASCII bytes or char boundaries, so this check is a bug guard:
        // it runs on every batch, hence the SIMD validator.
        self.batch.text = match simdutf8::basic::from_utf8(&buf) {
            // SAFETY: simdutf8 has just checked that `buf` is valid UTF-8. (`String::from_utf8`
            // would check it a second time with the slower scalar validator.)
            #[allow(unsafe_code)]
            Ok(_) => unsafe { String::from_utf8_unchecked(buf) },
            Err(_) => {
                // Replace each invalid byte in place so offsets stay valid.
                let mut bytes = buf;
                let mut at = 0;
                while let Err(err) = std::str::from_utf8(&bytes[at..]) {
                    let bad = at + err.valid_up_to();
                    let len = err.error_len().unwrap_or(bytes.len() - bad);
                    for b in &mut bytes[bad..bad + len] {
                        *b = b'?';
                    }
                    at = bad + len;
                }
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
    }

    fn abort_if_open(&mut self) {
        self.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aborted_record_takes_its_unused_table_along() {
        let source: Arc<str> = "s".into();
        let before_header = Arc::new(Table::new("", None));
        let with_header = Arc::new(Table::new("", Some(vec!["a".into()])));
        let mut batch = RecordBatch::new();
        let mut w = BatchWriter::new(&mut batch, &source, 0);
        // The header row: registered under the header-less table, then aborted.
        let t = w.table(&before_header);
        w.begin(1, t);
        w.abort();
        for i in 0..2 {
            let t = w.table(&with_header);
            w.begin(i + 1, t);
            // A row dropped mid-way keeps the table the kept rows use.
            if i == 1 {
                w.abort();
                continue;
            }
            let start = w.bytes();
            w.push_bytes(b"x");
            w.field_col(Some(0), start, w.bytes());
            w.end();
        }
        w.finish();
        assert_eq!(batch.tables().len(), 1);
        let r = batch.records().next().unwrap();
        assert_eq!(
            (r.table_index(), r.table().header().map(<[String]>::len)),
            (0, Some(1))
        );
    }

    #[test]
    fn batches_are_send_and_reuse_their_allocations() {
        fn assert_send<T: Send + 'static>() {}
        assert_send::<RecordBatch>();
        let source: Arc<str> = "s".into();
        let table = Arc::new(Table::new("t", Some(vec!["a".into()])));
        let mut batch = RecordBatch::new();
        let mut cap = 0;
        for round in 0..3 {
            let mut w = BatchWriter::new(&mut batch, &source, 0);
            let t = w.table(&table);
            for i in 0..100 {
                w.begin(i + 1, t);
                let start = w.bytes();
                w.push_bytes(format!("value{round}-{i}").as_bytes());
                w.field_col(Some(0), start, w.bytes());
                w.end();
            }
            w.finish();
            assert_eq!(batch.len(), 100);
            let r = batch.records().nth(99).unwrap();
            let f = r.fields().next().unwrap();
            assert_eq!(
                (f.name, f.value),
                (Some("a"), format!("value{round}-99").as_str())
            );
            if round == 0 {
                cap = batch.text.capacity();
            } else {
                assert_eq!(batch.text.capacity(), cap, "the arena is reused");
            }
        }
    }
}
