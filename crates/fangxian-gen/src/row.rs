//! One generated record: its cells (text, as written) and the facts behind them (items, decoys).
//!
//! Everything lives in a few reusable buffers so that generating a row allocates nothing once the
//! buffers have grown (STYLE: no allocation per item).

use fangxian_core::validate::Check;
use fangxian_core::ItemKind;

use crate::tags::Tags;

/// How a cell is written in typed formats (JSON, SQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CellType {
    /// A string.
    Text,
    /// A number (unquoted in JSON and SQL).
    Number,
    /// Missing: empty in CSV, `null` in JSON, `NULL` / `\N` in SQL.
    Null,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Cell {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) ty: CellType,
}

/// One item placed in a row, with its canonical value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemRec {
    pub(crate) kind: ItemKind,
    pub(crate) canon: (usize, usize),
    /// `None` when every check passes; else the check the value was built to fail.
    pub(crate) failed: Option<Check>,
    pub(crate) tags: Tags,
    /// The column index the item sits in.
    pub(crate) col: usize,
    /// The person slot of the value (`values::slot`), or `slot::NONE`.
    pub(crate) slot: u32,
}

/// A value that must not be reported valid.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DecoyRec {
    pub(crate) value: (usize, usize),
    /// The type it imitates.
    pub(crate) imitates: ItemKind,
    /// What it really is (`order_number`, `epoch_ms` …).
    pub(crate) what: &'static str,
    pub(crate) col: usize,
}

/// A row under construction.
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub(crate) text: String,
    pub(crate) cells: Vec<Cell>,
    pub(crate) canon: String,
    pub(crate) items: Vec<ItemRec>,
    pub(crate) decoys: Vec<DecoyRec>,
    open: Option<usize>,
}

impl Row {
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.canon.clear();
        self.items.clear();
        self.decoys.clear();
        self.open = None;
    }

    /// The index the next cell will get.
    pub(crate) fn col(&self) -> usize {
        self.cells.len()
    }

    /// Starts a cell; write its text into `self.text`, then call [`Row::end`].
    pub(crate) fn begin(&mut self) {
        self.open = Some(self.text.len());
    }

    pub(crate) fn end(&mut self, ty: CellType) {
        let start = self.open.take().unwrap_or(self.text.len());
        self.cells.push(Cell {
            start,
            end: self.text.len(),
            ty,
        });
    }

    /// A whole cell of plain text.
    pub(crate) fn text_cell(&mut self, s: &str) {
        self.begin();
        self.text.push_str(s);
        self.end(CellType::Text);
    }

    pub(crate) fn null_cell(&mut self) {
        self.begin();
        self.end(CellType::Null);
    }

    pub(crate) fn cell(&self, i: usize) -> (&str, CellType) {
        let c = self.cells[i];
        (&self.text[c.start..c.end], c.ty)
    }

    /// Records an item in column `col` (the cell being written or already written).
    pub(crate) fn item(
        &mut self,
        kind: ItemKind,
        canon: &str,
        failed: Option<Check>,
        tags: Tags,
        col: usize,
    ) {
        let start = self.canon.len();
        self.canon.push_str(canon);
        self.items.push(ItemRec {
            kind,
            canon: (start, self.canon.len()),
            failed,
            tags,
            col,
            slot: crate::values::slot::NONE,
        });
    }

    /// Records a valid item that is a person's own field, in the person's `slot`.
    pub(crate) fn person_item(
        &mut self,
        kind: ItemKind,
        canon: &str,
        tags: Tags,
        col: usize,
        slot: u32,
    ) {
        self.item(kind, canon, None, tags, col);
        if let Some(it) = self.items.last_mut() {
            it.slot = slot;
        }
    }

    pub(crate) fn decoy(
        &mut self,
        value: &str,
        imitates: ItemKind,
        what: &'static str,
        col: usize,
    ) {
        let start = self.canon.len();
        self.canon.push_str(value);
        self.decoys.push(DecoyRec {
            value: (start, self.canon.len()),
            imitates,
            what,
            col,
        });
    }

    pub(crate) fn canon_of(&self, range: (usize, usize)) -> &str {
        &self.canon[range.0..range.1]
    }
}
