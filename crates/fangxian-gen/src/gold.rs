//! Gold answers: what a correct scan of the corpus reports, computed from what was generated with
//! the contract's rules (`shared/contracts/scan-output.md` §1–§3), and the files that hold them.
//!
//! `gold/items.jsonl` — distinct valid (type, value) pairs with their tags;
//! `gold/invalid.jsonl` — values that fail a check, placed in labelled columns (occurrences);
//! `gold/decoys.jsonl` — values that must never be reported valid;
//! `gold/summary.json` — the expected summary object (contract §3).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use fangxian_core::{Category, ItemKind, Tier};
use serde::{Deserialize, Serialize};

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

/// Keys here are already 128-bit hashes; hashing them again with SipHash cost a fifth of the
/// generator's time (perf, 50 MB corpus), so the table hash is the key's folded bits.
#[derive(Debug, Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only u128 keys reach this hasher; fold anything else FNV-style to stay correct.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u128(&mut self, x: u128) {
        #[allow(clippy::cast_possible_truncation)]
        let lo = x as u64;
        self.0 = lo ^ (x >> 64) as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type Fast = BuildHasherDefault<IdHasher>;

/// A value in a ledger's text arena: its start in the upper 40 bits, its length in the lower 24.
/// One `String` per type instead of a `Box<str>` per distinct value: a million small allocations
/// (and their frees at the end) were a tenth of the run; and the packed 8 bytes keep a table
/// entry at 48 bytes instead of 64, so more of the tables stay in cache.
#[derive(Clone, Copy, Debug)]
struct Slice(u64);

/// Appends `s` to `arena` and returns where it is.
fn stash(arena: &mut String, s: &str) -> Slice {
    let start = arena.len() as u64;
    // Values are cells of one generated row (far below 16 MiB), and an arena would exhaust
    // memory long before 2^40 bytes.
    let mut end = s.len().min(0xFF_FFFF);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let s = &s[..end];
    arena.push_str(s);
    Slice(start << 24 | s.len() as u64)
}

fn unstash(arena: &str, s: Slice) -> &str {
    #[allow(clippy::cast_possible_truncation)]
    let (start, len) = ((s.0 >> 24) as usize, (s.0 & 0xFF_FFFF) as usize);
    arena.get(start..start + len).unwrap_or_default()
}

#[derive(Debug, Default)]
struct KindLedger {
    found: u64,
    invalid: u64,
    distinct: HashMap<u128, (Slice, ItemState), Fast>,
    text: String,
}

#[derive(Clone, Copy, Debug)]
struct DecoyState {
    imitates: ItemKind,
    what: &'static str,
    count: u64,
    all: Tags,
}

/// A person slot: the hash of its value (beside its counts, so that booking it is one cache
/// line), occurrences, tags of every and of any occurrence.
#[derive(Clone, Copy, Debug)]
struct Slot {
    hash: u128,
    count: u64,
    all: u64,
    any: u64,
}

/// The groups an identity key was seen in: tiers in bits 0–2, categories in bits 3–11.
type GroupBits = u16;

/// Accumulates the gold answers as rows are written. One per worker; combined at the end by
/// [`Ledger::write_gold`].
#[derive(Debug)]
pub(crate) struct Ledger {
    records: Records,
    /// Signatures (valid item sets) of the records with PI; duplicates are those records minus
    /// the distinct signatures. Appended, and sorted and de-duplicated whenever the list has
    /// doubled since the last time (so it stays within twice the distinct ones, however many
    /// records repeat): a set insert per record missed the cache every time.
    signatures: Vec<u128>,
    /// Length of `signatures` after its last de-duplication.
    signatures_compacted: usize,
    /// Identity keys and the groups they occur in: one table lookup per key, not three.
    persons: HashMap<u128, GroupBits, Fast>,
    tier_records: [u64; 3],
    category_records: [u64; 9],
    /// Indexed by position in [`ItemKind::ALL`].
    kinds: Vec<KindLedger>,
    /// Per person slot (`values::slot`): occurrences, tags of every and of any occurrence. A
    /// row is mostly one person's values, which sit side by side here; as hash-table entries
    /// each was a cache miss of its own, the largest cost of the generator (perf).
    slots: Vec<Slot>,
    invalid: Vec<GoldInvalid>,
    decoys: HashMap<u128, (Slice, DecoyState), Fast>,
    decoy_text: String,
    pub(crate) inputs: Vec<Input>,
    pub(crate) bytes_scanned: u64,
    scratch: Vec<u128>,
    keys: Vec<u128>,
    /// The row's item hashes, then its decoy hashes.
    hashes: Vec<u128>,
}

impl Ledger {
    /// A ledger for a pool whose person slots' values hash to `slot_hashes` (persons ×
    /// `slot::FIELDS`, from [`slot_hashes`]).
    pub(crate) fn new(slot_hashes: &[u128]) -> Ledger {
        Ledger {
            slots: slot_hashes
                .iter()
                .map(|&hash| Slot {
                    hash,
                    count: 0,
                    all: 0,
                    any: 0,
                })
                .collect(),
            records: Records::default(),
            signatures: Vec::new(),
            signatures_compacted: 0,
            persons: HashMap::default(),
            tier_records: [0; 3],
            category_records: [0; 9],
            kinds: ItemKind::ALL
                .iter()
                .map(|_| KindLedger::default())
                .collect(),
            invalid: Vec::new(),
            decoys: HashMap::default(),
            decoy_text: String::new(),
            inputs: Vec::new(),
            bytes_scanned: 0,
            scratch: Vec::new(),
            keys: Vec::new(),
            hashes: Vec::new(),
        }
    }
}

/// The finaliser of SplitMix64: full avalanche of a 64-bit lane.
fn avalanche(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Two multiply-rotate lanes over 8-byte words.
#[derive(Clone, Copy)]
struct Lanes(u64, u64);

impl Lanes {
    fn new(seed: u64) -> Lanes {
        Lanes(
            0x243F_6A88_85A3_08D3 ^ seed,
            0x1319_8A2E_0370_7344 ^ seed.rotate_left(32),
        )
    }
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(27);
        self.1 = (self.1 ^ w.rotate_left(32))
            .wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
            .rotate_left(31);
    }
    fn bytes(&mut self, b: &[u8]) {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w));
        }
    }
    fn finish(self) -> u128 {
        (u128::from(avalanche(self.0 ^ self.1.rotate_left(17))) << 64)
            | u128::from(avalanche(self.1 ^ self.0))
    }
}

/// A 128-bit hash of a (type, value) pair, standing in for the value in distinct sets.
///
/// Exact counts need no collision in practice: with two independent 64-bit lanes the chance of
/// one among 10^8 values is about 10^-23. It replaced SipHash-1-3 (128-bit), which cost a fifth
/// of the generator's CPU time; the hashes never leave the process, so no key is needed.
fn hash_item(kind: &str, value: &str) -> u128 {
    // The lengths go in first, so that no two (kind, value) splits give the same words.
    let mut l = Lanes::new(((kind.len() as u64) << 32) ^ value.len() as u64);
    l.bytes(kind.as_bytes());
    l.bytes(value.as_bytes());
    l.finish()
}

/// The hash of a record's set of valid items (sorted hashes).
fn hash_set(items: &[u128]) -> u128 {
    let mut l = Lanes::new(items.len() as u64);
    for &x in items {
        #[allow(clippy::cast_possible_truncation)]
        l.word(x as u64);
        l.word((x >> 64) as u64);
    }
    l.finish()
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

/// `hash_item` of every person slot's value (`values::slot`), 0 where the person has none.
pub(crate) fn slot_hashes(people: &[crate::values::Person]) -> Vec<u128> {
    let fields = crate::values::slot::FIELDS;
    people
        .iter()
        .flat_map(|p| {
            (0..fields).map(move |f| {
                p.slot_value(f)
                    .map_or(0, |(kind, v)| hash_item(kind.id(), v))
            })
        })
        .collect()
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

/// Lines of gold output are formatted in chunks of this many entries, in parallel.
const FORMAT_CHUNK: usize = 1 << 13;

/// Writes `rows` formatted by `f` to a new file: batches of chunks are formatted in parallel
/// into reused buffers, then written in order. Formatting everything first held the whole gold
/// (as large as the corpus) in fresh memory, and zeroing those pages showed in the profile.
///
/// `parts` are (context, rows) pairs written one after the other; `f` gets both.
fn write_lines<C: Sync, T: Sync>(
    path: &std::path::Path,
    parts: impl IntoIterator<Item = (C, impl AsRef<[T]>)>,
    f: impl Fn(&mut String, &C, &T) + Sync,
) -> Result<(), crate::Error> {
    use rayon::prelude::*;
    use std::io::Write;
    let io = |e| crate::Error::io(path, e);
    let mut file = std::fs::File::create(path).map_err(io)?;
    let mut bufs: Vec<String> = Vec::new();
    bufs.resize_with(rayon::current_num_threads().max(1) * 2, String::new);
    let per_batch = FORMAT_CHUNK * bufs.len();
    for (cx, part) in parts {
        let cx = &cx;
        for batch in part.as_ref().chunks(per_batch) {
            batch
                .par_chunks(FORMAT_CHUNK)
                .zip(bufs.par_iter_mut())
                .for_each(|(chunk, buf)| {
                    buf.clear();
                    for r in chunk {
                        f(buf, cx, r);
                    }
                });
            for buf in bufs.iter().take(batch.len().div_ceil(FORMAT_CHUNK)) {
                file.write_all(buf.as_bytes()).map_err(io)?;
            }
        }
    }
    file.flush().map_err(io)
}

/// Counts per type, and every distinct valid value as its decoy hash.
type ItemsDone = (Vec<(ItemKind, ItemCounts)>, Vec<u128>);

/// The first 8 bytes of `s`, big-endian, zero-padded: ordering by (key, s) is ordering by `s`,
/// and most comparisons of the gold sorts end at the key instead of a `memcmp` on values spread
/// over the arenas (a fifth of writing the gold, perf).
fn prefix_key(s: &str) -> u64 {
    let mut w = [0u8; 8];
    let n = s.len().min(8);
    w[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(w)
}

/// One type's distinct values, sorted, combined from every worker's ledger.
fn kind_items<'a>(
    parts: &[&'a KindLedger],
    mut all: Vec<(&'a str, ItemState)>,
    counts: &mut ItemCounts,
) -> Vec<(&'a str, ItemState)> {
    use rayon::prelude::*;
    for k in parts {
        counts.found += k.found;
        counts.invalid += k.invalid;
        all.extend(
            k.distinct
                .values()
                .map(|(s, st)| (unstash(&k.text, *s), *st)),
        );
    }
    // Sort, then combine the copies of a value that several workers saw: a sort we need anyway
    // for byte-stable output replaces merging the hash tables.
    let mut keyed: Vec<(u64, &str, ItemState)> = all
        .into_iter()
        .map(|(v, st)| (prefix_key(v), v, st))
        .collect();
    keyed.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let all = keyed.into_iter().map(|(_, v, st)| (v, st));
    let mut items: Vec<(&str, ItemState)> = Vec::with_capacity(all.len());
    for (v, st) in all {
        match items.last_mut() {
            Some((last, s)) if *last == v => s.merge(st),
            _ => items.push((v, st)),
        }
    }
    counts.distinct = items.len() as u64;
    items
}

impl Ledger {
    /// Books one written record.
    pub(crate) fn add(&mut self, row: &Row, cx: &RowContext<'_>) {
        use std::collections::hash_map::Entry;
        self.records.total += 1;
        let mut any_valid = false;
        let mut any_invalid = false;
        let mut has_gps = false;
        self.scratch.clear();
        self.keys.clear();
        let mut first_name: Option<&str> = None;
        let mut first_addr: Option<&str> = None;
        let mut mobiles_start = None;
        // Hash and look up every value of the row before booking any: the lookups are
        // independent, so the processor overlaps their cache misses, and the booking below finds
        // the table slots in cache. A cache miss per lookup was half of this function (perf).
        self.hashes.clear();
        let mut seen = false;
        for it in &row.items {
            let slot_hash = self.slots.get(it.slot as usize).map(|s| s.hash);
            let h = match slot_hash {
                Some(h) if it.failed.is_none() => {
                    debug_assert_eq!(h, hash_item(it.kind.id(), row.canon_of(it.canon)));
                    h
                }
                _ => hash_item(it.kind.id(), row.canon_of(it.canon)),
            };
            self.hashes.push(h);
            if it.failed.is_none() && slot_hash.is_none() {
                seen ^= self.kinds[it.kind.index()].distinct.contains_key(&h);
            }
        }
        for d in &row.decoys {
            let h = hash_item("decoy", row.canon_of(d.value));
            self.hashes.push(h);
            seen ^= self.decoys.contains_key(&h);
        }
        std::hint::black_box(seen);
        for (it, &h) in row.items.iter().zip(&self.hashes) {
            let value = row.canon_of(it.canon);
            let tags =
                it.tags | cx.file_tags | cx.col_tags.get(it.col).copied().unwrap_or_default();
            let k = &mut self.kinds[it.kind.index()];
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
            if let Some(s) = self.slots.get_mut(it.slot as usize) {
                s.all = if s.count == 0 { tags.0 } else { s.all & tags.0 };
                s.any |= tags.0;
                s.count += 1;
            } else {
                match k.distinct.entry(h) {
                    Entry::Occupied(mut e) => e.get_mut().1.merge(st),
                    Entry::Vacant(e) => {
                        e.insert((stash(&mut k.text, value), st));
                    }
                }
            }
            self.scratch.push(h);
            // An identity key is the item's own hash: the type is part of it, so an ID and a
            // mobile never share a key.
            match it.kind {
                ItemKind::ResidentId => self.keys.push(h),
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
        for (d, &h) in row.decoys.iter().zip(&self.hashes[row.items.len()..]) {
            let value = row.canon_of(d.value);
            let tags = cx.file_tags | cx.col_tags.get(d.col).copied().unwrap_or_default();
            match self.decoys.entry(h) {
                Entry::Occupied(mut e) => {
                    let s = &mut e.get_mut().1;
                    s.count += 1;
                    s.all = s.all & tags;
                }
                Entry::Vacant(e) => {
                    e.insert((
                        stash(&mut self.decoy_text, value),
                        DecoyState {
                            imitates: d.imitates,
                            what: d.what,
                            count: 1,
                            all: tags,
                        },
                    ));
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
                    let key = hash_item(it.kind.id(), row.canon_of(it.canon));
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
        self.signatures.push(hash_set(&self.scratch));
        if self.signatures.len() >= (1 << 20).max(2 * self.signatures_compacted) {
            self.signatures.sort_unstable();
            self.signatures.dedup();
            self.signatures_compacted = self.signatures.len();
        }

        let category = if has_gps {
            cx.category.most_serious(Category::Trajectory)
        } else {
            cx.category
        };
        let t = tier_index(category.tier());
        let c = category_index(category);
        self.tier_records[t] += 1;
        self.category_records[c] += 1;
        let bits: GroupBits = (1 << t) | (1 << (3 + c));
        for &k in &self.keys {
            *self.persons.entry(k).or_insert(0) |= bits;
        }
    }

    /// Combines the workers' ledgers and writes the gold answers into `dir`, sorted for
    /// byte-stable output; returns the summary.
    ///
    /// Runs on the current rayon pool: per type, the values of every ledger are sorted and
    /// combined (no hash-table merge), and the lines are formatted in parallel chunks. Done
    /// serially, merging and writing took two fifths of a 300 MB run (perf, 2 cores).
    pub(crate) fn write_gold(
        mut ledgers: Vec<Ledger>,
        people: &[crate::values::Person],
        dir: &std::path::Path,
    ) -> Result<GoldSummary, crate::Error> {
        use rayon::prelude::*;
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        let mut summary = GoldSummary {
            schema: SUMMARY_SCHEMA.to_owned(),
            ..GoldSummary::default()
        };
        let mut tier_records = [0u64; 3];
        let mut category_records = [0u64; 9];
        let mut invalid = Vec::new();
        let mut persons_parts = Vec::new();
        let mut signature_parts = Vec::new();
        for l in &mut ledgers {
            summary.bytes_scanned += l.bytes_scanned;
            summary.records.total += l.records.total;
            summary.records.with_pi += l.records.with_pi;
            summary.records.invalid += l.records.invalid;
            for (a, b) in tier_records.iter_mut().zip(l.tier_records) {
                *a += b;
            }
            for (a, b) in category_records.iter_mut().zip(l.category_records) {
                *a += b;
            }
            invalid.append(&mut l.invalid);
            summary.inputs.append(&mut l.inputs);
            persons_parts.push(std::mem::take(&mut l.persons));
            signature_parts.push(std::mem::take(&mut l.signatures));
        }
        let ledgers = &ledgers;

        // Identity keys: the union of every ledger's, with the groups OR-ed.
        let persons_job = move || {
            persons_parts.sort_by_key(|m| std::cmp::Reverse(m.len()));
            let mut parts = persons_parts.into_iter();
            let mut base = parts.next().unwrap_or_default();
            for m in parts {
                for (k, b) in m {
                    *base.entry(k).or_insert(0) |= b;
                }
            }
            let mut tiers = [0u64; 3];
            let mut cats = [0u64; 9];
            for &bits in base.values() {
                for (i, t) in tiers.iter_mut().enumerate() {
                    *t += u64::from(bits >> i & 1);
                }
                for (i, c) in cats.iter_mut().enumerate() {
                    *c += u64::from(bits >> (3 + i) & 1);
                }
            }
            (base.len() as u64, tiers, cats)
        };
        // Duplicates: records with PI beyond the first of each distinct signature.
        let signatures_job = move || {
            let mut all: Vec<u128> = signature_parts.concat();
            drop(signature_parts);
            all.par_sort_unstable();
            all.dedup();
            all.len() as u64
        };
        let invalid_path = dir.join("invalid.jsonl");
        let invalid_job = move || {
            invalid.par_sort_by(|a, b| {
                (&a.source, a.record, &a.field).cmp(&(&b.source, b.record, &b.field))
            });
            write_lines(&invalid_path, [((), &invalid)], |s, (), r| {
                // Serialising plain strings and numbers cannot fail.
                if let Ok(j) = serde_json::to_string(r) {
                    s.push_str(&j);
                }
                s.push('\n');
            })
        };
        // Decoys: every ledger's, sorted by value and combined; the kept imitated type is the
        // least, so the answer does not depend on which worker wrote which file.
        let decoys_job = || {
            let mut all: Vec<(&str, DecoyState)> = Vec::new();
            for l in ledgers {
                all.extend(
                    l.decoys
                        .values()
                        .map(|(s, d)| (unstash(&l.decoy_text, *s), *d)),
                );
            }
            all.par_sort_unstable_by(|a, b| {
                (prefix_key(a.0), a.0, a.1.imitates, a.1.what).cmp(&(
                    prefix_key(b.0),
                    b.0,
                    b.1.imitates,
                    b.1.what,
                ))
            });
            let mut out: Vec<(&str, DecoyState)> = Vec::with_capacity(all.len());
            for (v, d) in all {
                match out.last_mut() {
                    Some((last, m)) if *last == v => {
                        m.count += d.count;
                        m.all = m.all & d.all;
                    }
                    _ => out.push((v, d)),
                }
            }
            out
        };
        let mut kinds: Vec<ItemKind> = ItemKind::ALL.to_vec();
        kinds.sort_by_key(|k| k.id());
        // Items, one type after another in id order (each sorted and formatted in parallel),
        // streamed to items.jsonl; returns the counts per type and the values as decoy hashes.
        let items_path = dir.join("items.jsonl");
        let items_job = || -> Result<ItemsDone, crate::Error> {
            let mut counts = Vec::new();
            let mut as_decoy: Vec<u128> = Vec::new();
            let mut sorted = Vec::new();
            // The person slots' values, by type; copies of a value (from several workers or
            // persons) are combined with the hash-booked ones by the sort in `kind_items`.
            let mut from_slots: Vec<Vec<(&str, ItemState)>> = vec![Vec::new(); kinds.len()];
            let fields = crate::values::slot::FIELDS as usize;
            for l in ledgers {
                for (i, s) in l.slots.iter().enumerate() {
                    if s.count == 0 {
                        continue;
                    }
                    #[allow(clippy::cast_possible_truncation)]
                    let field = (i % fields) as u32;
                    let value = people.get(i / fields).and_then(|p| p.slot_value(field));
                    if let Some((kind, v)) = value {
                        from_slots[kind.index()].push((
                            v,
                            ItemState {
                                count: s.count,
                                all: Tags(s.all),
                                any: Tags(s.any),
                            },
                        ));
                    }
                }
            }
            for &kind in &kinds {
                let i = kind.index();
                let parts: Vec<&KindLedger> = ledgers.iter().map(|l| &l.kinds[i]).collect();
                let mut c = ItemCounts::default();
                let items = kind_items(&parts, std::mem::take(&mut from_slots[i]), &mut c);
                as_decoy.par_extend(items.par_iter().map(|(v, _)| hash_item("decoy", v)));
                counts.push((kind, c));
                sorted.push((kind.id(), items));
            }
            write_lines(&items_path, sorted, |line, id, (v, st)| {
                line.push_str("{\"type\":\"");
                line.push_str(id);
                line.push_str("\",\"value\":");
                crate::writers::json_str(line, v);
                line.push_str(",\"count\":");
                crate::values::push_num(line, st.count, 0);
                line.push_str(",\"tags\":");
                push_names(line, st.all);
                line.push_str(",\"seen\":");
                push_names(line, st.any);
                line.push_str("}\n");
            })?;
            Ok((counts, as_decoy))
        };
        let (((persons, duplicates_base), invalid_written), (decoys, items_done)) = rayon::join(
            || rayon::join(|| rayon::join(persons_job, signatures_job), invalid_job),
            || rayon::join(decoys_job, items_job),
        );
        invalid_written?;
        let (kind_counts, mut valid_as_decoy) = items_done?;
        let (distinct, tier_persons, cat_persons) = persons;
        summary.persons.distinct = distinct;
        summary.records.duplicate = summary.records.with_pi.saturating_sub(duplicates_base);
        for t in Tier::ALL {
            let i = tier_index(t);
            summary.tiers.insert(
                t.id().to_owned(),
                GroupCounts {
                    records: tier_records[i],
                    persons: tier_persons[i],
                },
            );
        }
        for c in Category::ALL {
            let i = category_index(c);
            summary.categories.insert(
                c.id().to_owned(),
                GroupCounts {
                    records: category_records[i],
                    persons: cat_persons[i],
                },
            );
        }
        for (kind, c) in kind_counts {
            if c.found > 0 {
                summary.items.insert(kind.id().to_owned(), c);
            }
        }
        valid_as_decoy.par_sort_unstable();
        // A decoy that happens to equal a real item elsewhere is no decoy.
        let decoys: Vec<&(&str, DecoyState)> = decoys
            .par_iter()
            .filter(|(v, _)| {
                valid_as_decoy
                    .binary_search(&hash_item("decoy", v))
                    .is_err()
            })
            .collect();
        write_lines(
            &dir.join("decoys.jsonl"),
            [((), &decoys)],
            |line, (), (v, d)| {
                line.push_str("{\"value\":");
                crate::writers::json_str(line, v);
                line.push_str(",\"imitates\":\"");
                line.push_str(d.imitates.id());
                line.push_str("\",\"what\":\"");
                line.push_str(d.what);
                line.push_str("\",\"count\":");
                crate::values::push_num(line, d.count, 0);
                line.push_str(",\"tags\":");
                push_names(line, d.all);
                line.push_str("}\n");
            },
        )?;

        summary.inputs.sort_by(|a, b| a.source.cmp(&b.source));
        let path = dir.join("summary.json");
        let mut text =
            serde_json::to_string_pretty(&summary).map_err(|e| crate::Error::json(&path, e))?;
        text.push('\n');
        std::fs::write(&path, text).map_err(|e| crate::Error::io(&path, e))?;
        Ok(summary)
    }
}

/// Tag names by bit, for [`push_names`].
const NAME_BY_BIT: [&str; 64] = {
    let mut t = [""; 64];
    let mut i = 0;
    while i < Tags::NAMED.len() {
        t[Tags::NAMED[i].0 .0.trailing_zeros() as usize] = Tags::NAMED[i].1;
        i += 1;
    }
    t
};

/// Appends the names of `t` as a JSON array, in bit order (which is [`Tags::NAMED`]'s order).
/// Visiting only the set bits instead of every known tag: two arrays per gold line showed in
/// the profile.
fn push_names(out: &mut String, t: Tags) {
    out.push('[');
    let mut first = true;
    let mut bits = t.0;
    while bits != 0 {
        let n = NAME_BY_BIT[bits.trailing_zeros() as usize];
        bits &= bits - 1;
        if n.is_empty() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push('"');
        out.push_str(n);
        out.push('"');
    }
    out.push(']');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_keys_order_like_the_strings() {
        let mut v = vec![
            "",
            "a",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "b",
            "张",
            "1380",
            "138",
        ];
        let mut by_key = v.clone();
        by_key.sort_by_key(|s| (prefix_key(s), *s));
        v.sort_unstable();
        assert_eq!(by_key, v);
    }

    #[test]
    fn tag_names_come_in_named_order() {
        let mut all = Tags::EMPTY;
        let mut want = Vec::new();
        for (t, n) in Tags::NAMED {
            all |= *t;
            want.push(format!("\"{n}\""));
        }
        let mut s = String::new();
        push_names(&mut s, all);
        assert_eq!(s, format!("[{}]", want.join(",")));
        s.clear();
        push_names(&mut s, Tags::EMPTY);
        assert_eq!(s, "[]");
    }

    #[test]
    fn item_hashes_separate_type_from_value_and_do_not_collide() {
        assert_ne!(hash_item("ab", "c"), hash_item("a", "bc"));
        assert_ne!(hash_item("qq", "12345"), hash_item("cn_mobile", "12345"));
        assert_eq!(hash_item("qq", "12345"), hash_item("qq", "12345"));
        let mut seen = std::collections::HashSet::<u128, Fast>::default();
        for i in 0..200_000u64 {
            assert!(seen.insert(hash_item("cn_mobile", &format!("138{i:08}"))));
        }
        assert_ne!(hash_set(&[1, 2]), hash_set(&[2, 1]));
        assert_ne!(hash_set(&[]), hash_set(&[0]));
    }
}
