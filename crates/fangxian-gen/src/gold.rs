//! Gold answers: what a correct scan of the corpus reports, computed from what was generated with
//! the contract's rules (`shared/contracts/scan-output.md` §1–§3), and the files that hold them.
//!
//! `gold/items.jsonl` — distinct valid (type, value) pairs with their tags;
//! `gold/invalid.jsonl` — values that fail a check, placed in labelled columns (occurrences);
//! `gold/decoys.jsonl` — values that must never be reported valid;
//! `gold/summary.json` — the expected summary object (contract §3).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hasher;

use fangxian_core::{Category, ItemKind, Tier};
use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::row::Row;
use crate::tags::Tags;

/// The schema id of the summary object (contract §3).
pub const SUMMARY_SCHEMA: &str = "fangxian.summary/1";

/// One line of `gold/items.jsonl`: a distinct valid item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldItem {
    /// The contract's type id.
    #[serde(rename = "type")]
    pub kind: String,
    /// The canonical value.
    pub value: String,
    /// Occurrences in the corpus.
    pub count: u64,
    /// Tags every occurrence carries (recall per tag is computed over these).
    pub tags: Vec<String>,
    /// Tags any occurrence carries.
    pub seen: Vec<String>,
}

/// One line of `gold/invalid.jsonl`: a value in a labelled column that fails a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldInvalid {
    /// The contract's `source`.
    pub source: String,
    /// The contract's 1-based `record`.
    pub record: u64,
    /// The column name or JSON path.
    pub field: String,
    /// The type id.
    #[serde(rename = "type")]
    pub kind: String,
    /// The canonical value.
    pub value: String,
    /// The check it was built to fail (`checksum`, `prefix` …).
    pub check: String,
}

/// One line of `gold/decoys.jsonl`: a value that looks like an item but is not one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldDecoy {
    /// The value as written (ASCII).
    pub value: String,
    /// The type it imitates.
    pub imitates: String,
    /// What it really is (`order_number`, `epoch_ms`, `version` …).
    pub what: String,
    /// Occurrences.
    pub count: u64,
    /// Tags every occurrence carries.
    pub tags: Vec<String>,
}

/// One input of the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Path relative to the scanned directory.
    pub source: String,
    /// Stored size.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the stored bytes.
    pub sha256: String,
}

/// Contract `records`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Records {
    /// Every record.
    pub total: u64,
    /// Records with at least one valid item.
    pub with_pi: u64,
    /// Records with at least one invalid item.
    pub invalid: u64,
    /// Records with PI whose valid item set equals an earlier record's.
    pub duplicate: u64,
}

/// Contract `persons`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persons {
    /// Distinct identity keys.
    pub distinct: u64,
}

/// Contract `items.<type>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCounts {
    /// Occurrences, valid or not.
    pub found: u64,
    /// Distinct valid values.
    pub distinct: u64,
    /// Occurrences that fail a check.
    pub invalid: u64,
}

/// Contract `tiers.<tier>` and `categories.<category>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounts {
    /// Records with PI in the group, duplicates included.
    pub records: u64,
    /// Distinct identity keys among them.
    pub persons: u64,
}

/// The expected summary (contract §3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldSummary {
    /// [`SUMMARY_SCHEMA`].
    pub schema: String,
    /// Every file in the corpus directory.
    pub inputs: Vec<Input>,
    /// Bytes after decompression (encoded text of every data file and member).
    pub bytes_scanned: u64,
    /// Record counts.
    pub records: Records,
    /// Person counts.
    pub persons: Persons,
    /// Per type id (types that occur).
    pub items: BTreeMap<String, ItemCounts>,
    /// Per tier id, all three present.
    pub tiers: BTreeMap<String, GroupCounts>,
    /// Per category id, all nine present.
    pub categories: BTreeMap<String, GroupCounts>,
}

#[derive(Clone, Copy, Debug)]
struct ItemState {
    count: u64,
    all: Tags,
    any: Tags,
}

impl ItemState {
    fn merge(&mut self, other: ItemState) {
        self.count += other.count;
        self.all = self.all & other.all;
        self.any |= other.any;
    }
}

#[derive(Debug, Default)]
struct KindLedger {
    found: u64,
    invalid: u64,
    distinct: HashMap<Box<str>, ItemState>,
}

#[derive(Debug, Default)]
struct Group {
    records: u64,
    persons: HashSet<u128>,
}

#[derive(Debug)]
struct DecoyState {
    imitates: ItemKind,
    what: &'static str,
    count: u64,
    all: Tags,
}

/// Accumulates the gold answers as rows are written. One per worker; merged at the end.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    records: Records,
    signatures: HashMap<u128, u64>,
    persons: HashSet<u128>,
    tiers: [Group; 3],
    categories: [Group; 9],
    kinds: BTreeMap<ItemKind, KindLedger>,
    invalid: Vec<GoldInvalid>,
    decoys: HashMap<Box<str>, DecoyState>,
    pub(crate) inputs: Vec<Input>,
    pub(crate) bytes_scanned: u64,
    scratch: Vec<u128>,
    keys: Vec<u128>,
}

// A fixed key: the hashes never leave the process, they only stand in for the values.
fn hash_item(kind: &str, value: &str) -> u128 {
    let mut h = SipHasher13::new_with_keys(0x6661_6e67_7869_616e, 0x676f_6c64_2d76_3031);
    h.write(kind.as_bytes());
    h.write_u8(0xff);
    h.write(value.as_bytes());
    h.finish128().as_u128()
}

fn tier_index(t: Tier) -> usize {
    match t {
        Tier::A => 0,
        Tier::B => 1,
        Tier::C => 2,
    }
}

fn category_index(c: Category) -> usize {
    Category::ALL.iter().position(|&x| x == c).unwrap_or(8)
}

/// Where a row sits and what its file says about it.
pub(crate) struct RowContext<'a> {
    pub(crate) source: &'a str,
    pub(crate) record: u64,
    /// Field name per column (header, or JSON path).
    pub(crate) fields: &'a [String],
    /// Tags per column added by the format (nested JSON, embedded newline …), OR-ed with
    /// `file_tags`.
    pub(crate) col_tags: &'a [Tags],
    pub(crate) file_tags: Tags,
    /// The category the dataset's headers give every row.
    pub(crate) category: Category,
}

impl Ledger {
    /// Books one written record.
    pub(crate) fn add(&mut self, row: &Row, cx: &RowContext<'_>) {
        self.records.total += 1;
        let mut any_valid = false;
        let mut any_invalid = false;
        let mut has_gps = false;
        self.scratch.clear();
        self.keys.clear();
        let mut first_name: Option<&str> = None;
        let mut first_addr: Option<&str> = None;
        let mut mobiles_start = None;
        for it in &row.items {
            let value = row.canon_of(it.canon);
            let tags =
                it.tags | cx.file_tags | cx.col_tags.get(it.col).copied().unwrap_or_default();
            let k = self.kinds.entry(it.kind).or_default();
            k.found += 1;
            if let Some(check) = it.failed {
                k.invalid += 1;
                any_invalid = true;
                self.invalid.push(GoldInvalid {
                    source: cx.source.to_owned(),
                    record: cx.record,
                    field: cx.fields.get(it.col).cloned().unwrap_or_default(),
                    kind: it.kind.id().to_owned(),
                    value: value.to_owned(),
                    check: check.id().to_owned(),
                });
                continue;
            }
            any_valid = true;
            let st = ItemState {
                count: 1,
                all: tags,
                any: tags,
            };
            match k.distinct.get_mut(value) {
                Some(s) => s.merge(st),
                None => {
                    k.distinct.insert(value.into(), st);
                }
            }
            self.scratch.push(hash_item(it.kind.id(), value));
            match it.kind {
                ItemKind::ResidentId => self.keys.push(hash_item("key:id", value)),
                ItemKind::Mobile => {
                    mobiles_start.get_or_insert(());
                }
                ItemKind::PersonName => {
                    first_name.get_or_insert(value);
                }
                ItemKind::Address => {
                    first_addr.get_or_insert(value);
                }
                ItemKind::GpsPoint => has_gps = true,
                _ => {}
            }
        }
        for d in &row.decoys {
            let value = row.canon_of(d.value);
            let tags = cx.file_tags | cx.col_tags.get(d.col).copied().unwrap_or_default();
            match self.decoys.get_mut(value) {
                Some(s) => {
                    s.count += 1;
                    s.all = s.all & tags;
                }
                None => {
                    self.decoys.insert(
                        value.into(),
                        DecoyState {
                            imitates: d.imitates,
                            what: d.what,
                            count: 1,
                            all: tags,
                        },
                    );
                }
            }
        }
        if any_invalid {
            self.records.invalid += 1;
        }
        if !any_valid {
            return;
        }
        self.records.with_pi += 1;
        // Identity keys (contract §3): valid resident IDs; else valid mobiles; else the first
        // name + address pair.
        if self.keys.is_empty() && mobiles_start.is_some() {
            for it in &row.items {
                if it.kind == ItemKind::Mobile && it.failed.is_none() {
                    let key = hash_item("key:mobile", row.canon_of(it.canon));
                    self.keys.push(key);
                }
            }
        }
        if self.keys.is_empty() {
            if let (Some(n), Some(a)) = (first_name, first_addr) {
                let mut pair = String::with_capacity(n.len() + a.len() + 1);
                pair.push_str(n);
                pair.push('\u{1f}');
                pair.push_str(a);
                self.keys.push(hash_item("key:name_address", &pair));
            }
        }
        // Duplicate: the same set of valid (type, value) items as another record.
        self.scratch.sort_unstable();
        self.scratch.dedup();
        let mut h = SipHasher13::new_with_keys(1, 2);
        for x in &self.scratch {
            h.write(&x.to_le_bytes());
        }
        let sig = h.finish128().as_u128();
        let seen = self.signatures.entry(sig).or_insert(0);
        if *seen > 0 {
            self.records.duplicate += 1;
        }
        *seen += 1;

        let category = if has_gps {
            cx.category.most_serious(Category::Trajectory)
        } else {
            cx.category
        };
        let t = &mut self.tiers[tier_index(category.tier())];
        let c = &mut self.categories[category_index(category)];
        t.records += 1;
        c.records += 1;
        for &k in &self.keys {
            self.persons.insert(k);
            t.persons.insert(k);
            c.persons.insert(k);
        }
    }

    /// Folds another worker's ledger into this one.
    pub(crate) fn merge(&mut self, other: Ledger) {
        self.records.total += other.records.total;
        self.records.with_pi += other.records.with_pi;
        self.records.invalid += other.records.invalid;
        // Duplicates are recounted from the merged signatures: a record's first copy may be in
        // either ledger.
        self.records.duplicate = 0;
        for (sig, n) in other.signatures {
            *self.signatures.entry(sig).or_insert(0) += n;
        }
        self.records.duplicate = self.signatures.values().map(|n| n.saturating_sub(1)).sum();
        self.persons.extend(other.persons);
        for (a, b) in self.tiers.iter_mut().zip(other.tiers) {
            a.records += b.records;
            a.persons.extend(b.persons);
        }
        for (a, b) in self.categories.iter_mut().zip(other.categories) {
            a.records += b.records;
            a.persons.extend(b.persons);
        }
        for (kind, k) in other.kinds {
            let mine = self.kinds.entry(kind).or_default();
            mine.found += k.found;
            mine.invalid += k.invalid;
            for (v, s) in k.distinct {
                match mine.distinct.get_mut(&v) {
                    Some(m) => m.merge(s),
                    None => {
                        mine.distinct.insert(v, s);
                    }
                }
            }
        }
        self.invalid.extend(other.invalid);
        for (v, d) in other.decoys {
            match self.decoys.get_mut(&v) {
                Some(m) => {
                    m.count += d.count;
                    m.all = m.all & d.all;
                }
                None => {
                    self.decoys.insert(v, d);
                }
            }
        }
        self.inputs.extend(other.inputs);
        self.bytes_scanned += other.bytes_scanned;
    }

    /// The gold answers, sorted for byte-stable output.
    pub(crate) fn finish(mut self) -> Gold {
        let mut items = Vec::new();
        let mut summary = GoldSummary {
            schema: SUMMARY_SCHEMA.to_owned(),
            bytes_scanned: self.bytes_scanned,
            records: self.records,
            persons: Persons {
                distinct: self.persons.len() as u64,
            },
            ..GoldSummary::default()
        };
        let mut valid_values: HashSet<&str> = HashSet::new();
        for (kind, k) in &self.kinds {
            summary.items.insert(
                kind.id().to_owned(),
                ItemCounts {
                    found: k.found,
                    distinct: k.distinct.len() as u64,
                    invalid: k.invalid,
                },
            );
            for (v, s) in &k.distinct {
                valid_values.insert(v);
                items.push(GoldItem {
                    kind: kind.id().to_owned(),
                    value: v.to_string(),
                    count: s.count,
                    tags: to_names(s.all),
                    seen: to_names(s.any),
                });
            }
        }
        items.sort_by(|a, b| (&a.kind, &a.value).cmp(&(&b.kind, &b.value)));
        for t in Tier::ALL {
            let g = &self.tiers[tier_index(t)];
            summary.tiers.insert(
                t.id().to_owned(),
                GroupCounts {
                    records: g.records,
                    persons: g.persons.len() as u64,
                },
            );
        }
        for c in Category::ALL {
            let g = &self.categories[category_index(c)];
            summary.categories.insert(
                c.id().to_owned(),
                GroupCounts {
                    records: g.records,
                    persons: g.persons.len() as u64,
                },
            );
        }
        // A decoy that happens to equal a real item elsewhere is no decoy.
        let mut decoys: Vec<GoldDecoy> = self
            .decoys
            .iter()
            .filter(|(v, _)| !valid_values.contains(&***v))
            .map(|(v, d)| GoldDecoy {
                value: v.to_string(),
                imitates: d.imitates.id().to_owned(),
                what: d.what.to_owned(),
                count: d.count,
                tags: to_names(d.all),
            })
            .collect();
        decoys.sort_by(|a, b| a.value.cmp(&b.value));
        self.invalid
            .sort_by(|a, b| (&a.source, a.record, &a.field).cmp(&(&b.source, b.record, &b.field)));
        self.inputs.sort_by(|a, b| a.source.cmp(&b.source));
        summary.inputs = std::mem::take(&mut self.inputs);
        Gold {
            items,
            invalid: std::mem::take(&mut self.invalid),
            decoys,
            summary,
        }
    }
}

// Tags are recorded with every bit the writer knows; `Tags::ALL` as an intersection seed never
// reaches here because every state starts from a real occurrence.
fn to_names(t: Tags) -> Vec<String> {
    t.names().into_iter().map(str::to_owned).collect()
}

/// All gold answers of a corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gold {
    /// Distinct valid items.
    pub items: Vec<GoldItem>,
    /// Invalid values in labelled columns.
    pub invalid: Vec<GoldInvalid>,
    /// Values that must not be reported valid.
    pub decoys: Vec<GoldDecoy>,
    /// The expected summary.
    pub summary: GoldSummary,
}

impl Gold {
    /// Writes `items.jsonl`, `invalid.jsonl`, `decoys.jsonl` and `summary.json` into `dir`.
    pub fn write_to(&self, dir: &std::path::Path) -> Result<(), crate::Error> {
        use std::io::Write;
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        fn jsonl<T: Serialize>(path: &std::path::Path, rows: &[T]) -> Result<(), crate::Error> {
            let f = std::fs::File::create(path).map_err(|e| crate::Error::io(path, e))?;
            let mut w = std::io::BufWriter::new(f);
            for r in rows {
                serde_json::to_writer(&mut w, r).map_err(|e| crate::Error::json(path, e))?;
                w.write_all(b"\n").map_err(|e| crate::Error::io(path, e))?;
            }
            w.flush().map_err(|e| crate::Error::io(path, e))
        }
        jsonl(&dir.join("items.jsonl"), &self.items)?;
        jsonl(&dir.join("invalid.jsonl"), &self.invalid)?;
        jsonl(&dir.join("decoys.jsonl"), &self.decoys)?;
        let p = dir.join("summary.json");
        let mut s =
            serde_json::to_string_pretty(&self.summary).map_err(|e| crate::Error::json(&p, e))?;
        s.push('\n');
        std::fs::write(&p, s).map_err(|e| crate::Error::io(&p, e))
    }

    /// Reads the four gold files from `dir`.
    pub fn read_from(dir: &std::path::Path) -> Result<Gold, crate::Error> {
        fn jsonl<T: for<'de> Deserialize<'de>>(
            path: &std::path::Path,
        ) -> Result<Vec<T>, crate::Error> {
            let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).map_err(|e| crate::Error::json(path, e)))
                .collect()
        }
        let p = dir.join("summary.json");
        let text = std::fs::read_to_string(&p).map_err(|e| crate::Error::io(&p, e))?;
        Ok(Gold {
            items: jsonl(&dir.join("items.jsonl"))?,
            invalid: jsonl(&dir.join("invalid.jsonl"))?,
            decoys: jsonl(&dir.join("decoys.jsonl"))?,
            summary: serde_json::from_str(&text).map_err(|e| crate::Error::json(&p, e))?,
        })
    }
}
