//! Counting: from the items of each record to the contract's summary counts.
//!
//! Workers count each record into a [`BatchTally`] (plain counters) and queue its keyed hashes,
//! flagged with the distinct counts they belong to ([`NS_ITEMS`], [`NS_KEYS`], [`key_bits`]),
//! for the shared [`crate::dedup::DistinctSets`]; one thread merges the counters into a
//! [`Tally`], which turns them and the distinct sets' bit counts into the summary. Every rule
//! here is the contract's (§3): read it beside this file.

use fangxian_core::validate::Check;
use fangxian_core::{Category, ContentClass, ItemKind, Tier};

use crate::dedup::{FlagCounts, KeyedHasher, Pending};
use crate::summary::{
    CategoryCounts, FindingRow, ItemCounts, PersonCounts, RecordCounts, Screening, Summary,
    TierCounts, SUMMARY_SCHEMA,
};

/// How many invalid findings per type are kept as exhibits.
const INVALID_SAMPLES_PER_TYPE: usize = 5;

/// One item found in a record, as the tally sees it.
#[derive(Clone, Copy, Debug)]
pub struct RecordItem<'a> {
    /// The item type.
    pub kind: ItemKind,
    /// Canonical value.
    pub value: &'a str,
    /// Passed every check.
    pub valid: bool,
    /// The failed check, for invalid items.
    pub failed: Option<Check>,
    /// The column name or JSON path the item was found in (`None` for free text).
    pub field: Option<&'a str>,
    /// The recognizer's confidence.
    pub confidence: f32,
    /// The validator flagged the value as a placeholder or published sample
    /// ([`fangxian_core::validate::Signals::PLACEHOLDER`]).
    pub placeholder: bool,
}

/// The namespace of item values in the scan's [`crate::dedup::DistinctSets`]: flag bit = item type index.
/// Person keys live here too, with the bits from [`key_bits::PERSON`] on: a resident ID or
/// mobile that is a person key is the same hash as the item, so one entry (one cache miss)
/// serves both counts, where a second namespace held a second copy of every person.
pub const NS_ITEMS: usize = 0;
/// The namespace of record signatures: flags per [`key_bits`].
pub const NS_KEYS: usize = 1;
/// Namespaces the scan's [`crate::dedup::DistinctSets`] must have.
pub const NAMESPACES: usize = 2;

/// Flag bits of person keys (in [`NS_ITEMS`], after the item-type bits) and of record
/// signatures (in [`NS_KEYS`]): which distinct counts each belongs to (see [`crate::dedup`]).
pub mod key_bits {
    use fangxian_core::{Category, ContentClass, ItemKind, Tier};

    /// A person key (contract §3 `persons.distinct`), in [`super::NS_ITEMS`] after the item
    /// type bits.
    pub const PERSON: usize = ItemKind::ALL.len();
    /// First of 3 bits: a person key seen in a record of tier A, B, C.
    pub const PERSON_TIER: usize = PERSON + 1;
    /// First of 9 bits: a person key seen in a record of each category.
    pub const PERSON_CATEGORY: usize = PERSON_TIER + Tier::ALL.len();
    /// First of the bits per content class of person keys.
    pub const PERSON_CLASS: usize = PERSON_CATEGORY + Category::ALL.len();
    /// Bits used in [`super::NS_ITEMS`] (item types, then person keys).
    pub const ITEMS_USED: usize = PERSON_CLASS + ContentClass::ALL.len();
    const _: () = assert!(
        ITEMS_USED <= 64,
        "item and person flags must fit in 64 bits"
    );
    /// A record signature (its set of valid items), for duplicate records, in
    /// [`super::NS_KEYS`].
    pub const SIGNATURE: usize = 0;
    /// First of 3 bits: a signature seen in a record of tier A, B, C.
    pub const SIGNATURE_TIER: usize = SIGNATURE + 1;
    /// First of the bits per content class of signatures.
    pub const SIGNATURE_CLASS: usize = SIGNATURE_TIER + Tier::ALL.len();
    /// Bits used in [`super::NS_KEYS`].
    pub const USED: usize = SIGNATURE_CLASS + ContentClass::ALL.len();
    const _: () = assert!(USED <= 64, "signature flags must fit in 64 bits");
}

const _: () = assert!(ItemKind::ALL.len() <= 64, "item flags must fit in 64 bits");

/// The flag with bit `n` set.
fn bit(n: usize) -> u64 {
    1 << n
}

fn tier_index(tier: Tier) -> usize {
    match tier {
        Tier::A => 0,
        Tier::B => 1,
        Tier::C => 2,
    }
}

fn category_index(category: Category) -> usize {
    Category::ALL
        .iter()
        .position(|&c| c == category)
        .unwrap_or(0)
}

/// The counts of one batch of records, merged later into a [`Tally`].
#[derive(Debug, Default)]
pub struct BatchTally {
    records: RecordCounts,
    signature_records: u64,
    item_found: Vec<u64>,
    item_invalid: Vec<u64>,
    item_valid: Vec<u64>,
    invalid_by_check: std::collections::HashMap<(usize, Check), u64>,
    invalid_samples: Vec<FindingRow>,
    tier_records: [u64; 3],
    category_records: [u64; 9],
    class_records: Vec<u64>,
    placeholder: u64,
    empty: u64,
    unidentifiable: u64,
    /// The hash of each item of the current record (0 for invalid ones).
    item_hashes: Vec<u128>,
    /// The flags of each item of the current record in [`NS_ITEMS`].
    item_flags: Vec<u64>,
    /// Reused by [`set_sum`].
    scratch: Vec<u128>,
}

impl BatchTally {
    /// An empty batch tally.
    pub fn new() -> BatchTally {
        BatchTally {
            item_found: vec![0; ItemKind::ALL.len()],
            item_invalid: vec![0; ItemKind::ALL.len()],
            item_valid: vec![0; ItemKind::ALL.len()],
            class_records: vec![0; ContentClass::ALL.len()],
            ..BatchTally::default()
        }
    }

    /// Counts one record, queueing its hashes for the distinct sets in `pending`.
    ///
    /// `items` are the record's findings; `table_class` the class its table's headers imply;
    /// `empty` is true when every field of the record is empty; `source`, `record` and the
    /// fields of `items` are only used for the invalid exhibits.
    #[allow(clippy::too_many_arguments)]
    pub fn add_record(
        &mut self,
        hasher: &KeyedHasher,
        pending: &mut Pending,
        items: &[RecordItem<'_>],
        table_class: Option<ContentClass>,
        empty: bool,
        source: &str,
        record: u64,
    ) {
        self.records.total += 1;
        if empty {
            self.empty += 1;
        }
        let mut any_valid = false;
        let mut any_invalid = false;
        let mut placeholder = false;
        for item in items {
            let k = item.kind.index();
            self.item_found[k] += 1;
            if item.valid {
                any_valid = true;
                self.item_valid[k] += 1;
                placeholder |= item.placeholder;
            } else {
                any_invalid = true;
                self.item_invalid[k] += 1;
                if let Some(check) = item.failed {
                    *self.invalid_by_check.entry((k, check)).or_insert(0) += 1;
                }
                if self
                    .invalid_samples
                    .iter()
                    .filter(|s| s.kind == item.kind)
                    .count()
                    < INVALID_SAMPLES_PER_TYPE
                {
                    self.invalid_samples.push(FindingRow {
                        source: source.to_owned(),
                        record,
                        field: item.field.map(str::to_owned),
                        kind: item.kind,
                        value: item.value.to_owned(),
                        valid: false,
                        confidence: item.confidence,
                    });
                }
            }
        }
        if any_invalid {
            self.records.invalid += 1;
        }
        if placeholder {
            self.placeholder += 1;
        }
        if !any_valid {
            return;
        }
        self.records.with_pi += 1;

        let class = record_class(items, table_class);
        let category = class.default_category();
        let tier = category.tier();
        let (t, c, cl) = (tier_index(tier), category_index(category), class.index());
        self.tier_records[t] += 1;
        self.category_records[c] += 1;
        self.class_records[cl] += 1;

        // Each item's flags in NS_ITEMS: its type, and the person bits if it is a person key.
        let person_flags = bit(key_bits::PERSON)
            | bit(key_bits::PERSON_TIER + t)
            | bit(key_bits::PERSON_CATEGORY + c)
            | bit(key_bits::PERSON_CLASS + cl);
        self.item_flags.clear();
        self.item_flags
            .extend(items.iter().map(|item| bit(item.kind.index())));
        let mut identified = false;
        for_each_identity_key(items, |key| {
            identified = true;
            match key {
                // The item's own hash: it is keyed by type, so it cannot meet another type's
                // value or a name+address key.
                IdentityKey::Item(i) => self.item_flags[i] |= person_flags,
                IdentityKey::NameAddress(name, address) => {
                    let hash =
                        hasher.hash_parts(&[b"name+address", name.as_bytes(), address.as_bytes()]);
                    pending.push(NS_ITEMS, hash, person_flags);
                }
            }
        });
        if !identified {
            self.unidentifiable += 1;
        }

        // Valid items are hashed HASH_BATCH at a time (`hash_kinds`), not one by one.
        self.item_hashes.clear();
        self.item_hashes.resize(items.len(), 0);
        let mut batch = [(0u32, &[][..]); HASH_BATCH];
        let mut batch_items = [0usize; HASH_BATCH];
        let mut queued = 0;
        for (i, item) in items.iter().enumerate().filter(|(_, item)| item.valid) {
            batch[queued] = (kind_code(item.kind.index()), item.value.as_bytes());
            batch_items[queued] = i;
            queued += 1;
            if queued == HASH_BATCH {
                self.hash_items(hasher, pending, &batch, &batch_items);
                queued = 0;
            }
        }
        self.hash_items(hasher, pending, &batch[..queued], &batch_items[..queued]);

        let signature = hasher.hash_kind(
            SIGNATURE_CODE,
            &set_sum(&self.item_hashes, &mut self.scratch).to_le_bytes(),
        );
        self.signature_records += 1;
        pending.push(
            NS_KEYS,
            signature,
            bit(key_bits::SIGNATURE)
                | bit(key_bits::SIGNATURE_TIER + t)
                | bit(key_bits::SIGNATURE_CLASS + cl),
        );
    }

    /// Hashes the valid items `batch` (type code and value) at the indices `batch_items` of
    /// the record, records each hash in `item_hashes` and queues it for the distinct sets
    /// with its `item_flags`.
    fn hash_items(
        &mut self,
        hasher: &KeyedHasher,
        pending: &mut Pending,
        batch: &[(u32, &[u8])],
        batch_items: &[usize],
    ) {
        let mut hashes = [0u128; HASH_BATCH];
        let hashes = &mut hashes[..batch.len()];
        hasher.hash_kinds(batch, hashes);
        for (&i, &hash) in batch_items.iter().zip(hashes.iter()) {
            self.item_hashes[i] = hash;
            pending.push(NS_ITEMS, hash, self.item_flags[i]);
        }
    }
}

/// Most valid items of a record hashed together ([`KeyedHasher::hash_kinds`]).
const HASH_BATCH: usize = 16;

/// The code record signatures are hashed under: no item type's ([`kind_code`] is an index).
const SIGNATURE_CODE: u32 = u32::MAX;

/// The code an item type's values are hashed under ([`KeyedHasher::hash_kind`]).
fn kind_code(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// An order-independent digest of the set of non-zero `hashes` (a record's valid items, each
/// hashed with its type), for the record's signature: the wrapping sum of the distinct ones.
///
/// The hashes are keyed PRF outputs, so two different sets have equal sums only by a 2^-128
/// chance; summing avoids sorting and re-hashing every item's bytes. Duplicates are dropped
/// first because the signature is of the *set* of items. `scratch` is reused between calls.
fn set_sum(hashes: &[u128], scratch: &mut Vec<u128>) -> u128 {
    scratch.clear();
    scratch.extend(hashes.iter().copied().filter(|&h| h != 0));
    if scratch.len() <= 16 {
        // A few items: a quadratic check is cheaper than sorting.
        let mut sum = 0u128;
        for (i, &h) in scratch.iter().enumerate() {
            if !scratch[..i].contains(&h) {
                sum = sum.wrapping_add(h);
            }
        }
        return sum;
    }
    scratch.sort_unstable();
    scratch.dedup();
    scratch.iter().fold(0u128, |sum, &h| sum.wrapping_add(h))
}

/// A person's identity key in a record ([`for_each_identity_key`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityKey<'a> {
    /// The valid resident ID or mobile at this index of the record's items.
    Item(usize),
    /// A valid name and address (canonical values), when the record has neither.
    NameAddress(&'a str, &'a str),
}

/// Calls `f` with each identity key of a record (contract §3): every valid resident ID; if
/// none, every valid mobile; if none, the first valid name with the first valid address.
pub fn for_each_identity_key<'a>(items: &[RecordItem<'a>], mut f: impl FnMut(IdentityKey<'a>)) {
    for kind in [ItemKind::ResidentId, ItemKind::Mobile] {
        let mut found = false;
        for (i, _) in items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.valid && it.kind == kind)
        {
            f(IdentityKey::Item(i));
            found = true;
        }
        if found {
            return;
        }
    }
    let name = items
        .iter()
        .find(|i| i.valid && i.kind == ItemKind::PersonName);
    let address = items
        .iter()
        .find(|i| i.valid && i.kind == ItemKind::Address);
    if let (Some(name), Some(address)) = (name, address) {
        f(IdentityKey::NameAddress(name.value, address.value));
    }
}

/// The content class that sets a record's tier: the table's class, or a more serious class
/// implied by the record's own valid items (a coordinate is a location; a bare card number is
/// `bank_card_bare`). Ties keep the table's class.
pub fn record_class(items: &[RecordItem<'_>], table_class: Option<ContentClass>) -> ContentClass {
    let mut class = table_class.unwrap_or(ContentClass::IdentityBasic);
    let more_serious = |candidate: ContentClass, current: ContentClass| {
        candidate.default_category().tier() < current.default_category().tier()
    };
    for item in items.iter().filter(|i| i.valid) {
        let implied = match item.kind {
            ItemKind::GpsPoint => ContentClass::LocationPoint,
            ItemKind::BankCard if class == ContentClass::IdentityBasic => {
                ContentClass::BankCardBare
            }
            _ => continue,
        };
        if more_serious(implied, class) || class == ContentClass::IdentityBasic {
            class = implied;
        }
    }
    class
}

/// The merged counts of a whole scan; the distinct counts come from the scan's
/// [`crate::dedup::DistinctSets`] at the end.
#[derive(Debug, Default)]
pub struct Tally {
    total: BatchTally,
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Tally {
        Tally {
            total: BatchTally::new(),
        }
    }

    /// Merges one batch's counters (its hashes went to the distinct sets already).
    pub fn merge(&mut self, batch: &BatchTally) {
        let t = &mut self.total;
        t.records.total += batch.records.total;
        t.records.with_pi += batch.records.with_pi;
        t.records.invalid += batch.records.invalid;
        t.signature_records += batch.signature_records;
        for (a, b) in t.item_found.iter_mut().zip(&batch.item_found) {
            *a += b;
        }
        for (a, b) in t.item_invalid.iter_mut().zip(&batch.item_invalid) {
            *a += b;
        }
        for (a, b) in t.item_valid.iter_mut().zip(&batch.item_valid) {
            *a += b;
        }
        for (key, n) in &batch.invalid_by_check {
            *t.invalid_by_check.entry(*key).or_insert(0) += n;
        }
        for sample in &batch.invalid_samples {
            if t.invalid_samples
                .iter()
                .filter(|s| s.kind == sample.kind)
                .count()
                < INVALID_SAMPLES_PER_TYPE
            {
                t.invalid_samples.push(sample.clone());
            }
        }
        for (a, b) in t.tier_records.iter_mut().zip(&batch.tier_records) {
            *a += b;
        }
        for (a, b) in t.category_records.iter_mut().zip(&batch.category_records) {
            *a += b;
        }
        for (a, b) in t.class_records.iter_mut().zip(&batch.class_records) {
            *a += b;
        }
        t.placeholder += batch.placeholder;
        t.empty += batch.empty;
        t.unidentifiable += batch.unidentifiable;
    }

    /// Computes the summary's counts from the counters and the distinct sets' `counts`
    /// (namespaces [`NS_ITEMS`] and [`NS_KEYS`]); inputs, problems and method are filled in by
    /// the caller.
    pub fn summarize(&self, counts: &FlagCounts) -> Summary {
        let t = &self.total;
        let items = counts.get(NS_ITEMS).copied().unwrap_or([0; 64]);
        let keys = counts.get(NS_KEYS).copied().unwrap_or([0; 64]);
        let signatures = keys[key_bits::SIGNATURE];
        let duplicate = t.signature_records - signatures;
        let mut summary = Summary {
            schema: SUMMARY_SCHEMA.to_owned(),
            records: RecordCounts {
                duplicate,
                ..t.records
            },
            persons: PersonCounts {
                distinct: items[key_bits::PERSON],
            },
            ..Summary::default()
        };
        for (k, &kind) in ItemKind::ALL.iter().enumerate() {
            if t.item_found[k] == 0 {
                continue;
            }
            let distinct = items[k];
            summary.items.insert(
                kind.id().to_owned(),
                ItemCounts {
                    found: t.item_found[k],
                    distinct,
                    invalid: t.item_invalid[k],
                },
            );
            if t.item_valid[k] > distinct {
                summary
                    .screening
                    .duplicate_items
                    .insert(kind.id().to_owned(), t.item_valid[k] - distinct);
            }
        }
        for tier in Tier::ALL {
            let i = tier_index(tier);
            summary.tiers.insert(
                tier.id().to_owned(),
                TierCounts {
                    records: t.tier_records[i],
                    persons: items[key_bits::PERSON_TIER + i],
                    screened: keys[key_bits::SIGNATURE_TIER + i],
                },
            );
        }
        for (i, category) in Category::ALL.into_iter().enumerate() {
            summary.categories.insert(
                category.id().to_owned(),
                CategoryCounts {
                    records: t.category_records[i],
                    persons: items[key_bits::PERSON_CATEGORY + i],
                },
            );
        }
        for (i, &class) in ContentClass::ALL.iter().enumerate() {
            if t.class_records[i] == 0 {
                continue;
            }
            summary.classes.insert(
                class.id().to_owned(),
                TierCounts {
                    records: t.class_records[i],
                    persons: items[key_bits::PERSON_CLASS + i],
                    screened: keys[key_bits::SIGNATURE_CLASS + i],
                },
            );
        }
        let mut screening = Screening {
            duplicate_records: duplicate,
            placeholder_records: t.placeholder,
            empty_records: t.empty,
            unidentifiable_records: t.unidentifiable,
            invalid_samples: t.invalid_samples.clone(),
            duplicate_items: std::mem::take(&mut summary.screening.duplicate_items),
            ..Screening::default()
        };
        for (&(k, check), &n) in &t.invalid_by_check {
            screening
                .invalid_by_check
                .entry(ItemKind::ALL[k].id().to_owned())
                .or_default()
                .insert(check.id().to_owned(), n);
        }
        summary.screening = screening;
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fangxian_core::validate::placeholder::is_placeholder;

    fn item(kind: ItemKind, value: &str, valid: bool) -> RecordItem<'_> {
        RecordItem {
            kind,
            value,
            valid,
            failed: (!valid).then_some(Check::Checksum),
            field: None,
            confidence: 0.9,
            placeholder: valid && is_placeholder(kind, value),
        }
    }

    fn tally_of(records: &[(Vec<RecordItem<'_>>, Option<ContentClass>)]) -> Summary {
        let hasher = KeyedHasher::with_key(9, 9);
        let sets = crate::dedup::DistinctSets::new(NAMESPACES, 1 << 20, None);
        let mut pending = Pending::new();
        let mut tally = Tally::new();
        let mut batch = BatchTally::new();
        for (n, (items, class)) in records.iter().enumerate() {
            batch.add_record(
                &hasher,
                &mut pending,
                items,
                *class,
                items.is_empty(),
                "t.csv",
                n as u64 + 1,
            );
        }
        tally.merge(&batch);
        sets.insert(&mut pending).unwrap();
        tally.summarize(&sets.count(1).unwrap())
    }

    #[test]
    fn counts_follow_the_contract() {
        let id1 = "11010519491231002X";
        let s = tally_of(&[
            // A hotel stay with an ID and a mobile: one person (the ID), tier B.
            (
                vec![
                    item(ItemKind::ResidentId, id1, true),
                    item(ItemKind::Mobile, "13812345678", true),
                ],
                Some(ContentClass::HotelStay),
            ),
            // The same items again in the same table: a duplicate record.
            (
                vec![
                    item(ItemKind::Mobile, "13812345678", true),
                    item(ItemKind::ResidentId, id1, true),
                ],
                Some(ContentClass::HotelStay),
            ),
            // Mobile only, plus an invalid ID: identified by the mobile; counted invalid.
            (
                vec![
                    item(ItemKind::Mobile, "13912345678", true),
                    item(ItemKind::ResidentId, "110105194912310021", false),
                ],
                None,
            ),
            // Nothing at all.
            (vec![], None),
            // A GPS point makes the record tier A even in an identity table.
            (
                vec![
                    item(ItemKind::GpsPoint, "39.900000,116.400000", true),
                    item(ItemKind::Mobile, "13912345678", true),
                ],
                None,
            ),
        ]);
        assert_eq!(
            s.records,
            RecordCounts {
                total: 5,
                with_pi: 4,
                invalid: 1,
                duplicate: 1
            }
        );
        assert_eq!(s.persons.distinct, 2);
        assert_eq!(
            s.items["cn_resident_id"],
            ItemCounts {
                found: 3,
                distinct: 1,
                invalid: 1
            }
        );
        assert_eq!(
            s.items["cn_mobile"],
            ItemCounts {
                found: 4,
                distinct: 2,
                invalid: 0
            }
        );
        assert_eq!(
            s.tiers["A"],
            TierCounts {
                records: 1,
                persons: 1,
                screened: 1
            }
        );
        assert_eq!(
            s.tiers["B"],
            TierCounts {
                records: 2,
                persons: 1,
                screened: 1
            }
        );
        assert_eq!(
            s.tiers["C"],
            TierCounts {
                records: 1,
                persons: 1,
                screened: 1
            }
        );
        assert_eq!(s.categories["accommodation"].records, 2);
        assert_eq!(s.categories["trajectory"].records, 1);
        assert_eq!(s.classes["location_point"].records, 1);
        assert_eq!(s.screening.empty_records, 1);
        assert_eq!(
            s.screening.invalid_by_check["cn_resident_id"]["checksum"],
            1
        );
        assert_eq!(s.screening.duplicate_items["cn_mobile"], 2);
    }

    #[test]
    fn identity_key_falls_back_to_name_and_address() {
        let s = tally_of(&[
            (
                vec![
                    item(ItemKind::PersonName, "张三", true),
                    item(ItemKind::Address, "北京市朝阳区建国路1号", true),
                ],
                None,
            ),
            (vec![item(ItemKind::PersonName, "张三", true)], None),
            (vec![item(ItemKind::Email, "a@b.cn", true)], None),
        ]);
        assert_eq!(s.persons.distinct, 1);
        assert_eq!(s.screening.unidentifiable_records, 2);
    }

    /// The signature digest is of the set of items: order and repeats do not change it,
    /// another set does, on both the short (quadratic) and the long (sorting) path.
    #[test]
    fn set_sum_is_a_set_digest() {
        let h = KeyedHasher::with_key(1, 2);
        let mut scratch = Vec::new();
        for n in [1usize, 5, 16, 17, 40] {
            let hashes: Vec<u128> = (0..n)
                .map(|i| h.hash_kind(3, i.to_string().as_bytes()))
                .collect();
            let sum = set_sum(&hashes, &mut scratch);
            let mut shuffled: Vec<u128> = hashes.iter().rev().copied().collect();
            shuffled.extend_from_slice(&hashes[..n / 2 + 1]);
            shuffled.push(0); // an invalid item
            assert_eq!(set_sum(&shuffled, &mut scratch), sum, "n = {n}");
            assert_ne!(set_sum(&hashes[1..], &mut scratch), sum, "n = {n}");
            let other_kind: Vec<u128> = (0..n)
                .map(|i| h.hash_kind(4, i.to_string().as_bytes()))
                .collect();
            assert_ne!(set_sum(&other_kind, &mut scratch), sum, "n = {n}");
        }
    }

    #[test]
    fn key_bit_ranges_do_not_overlap() {
        use key_bits::*;
        // Per namespace: the bit ranges sharing its 64 flag bits.
        let namespaces = [
            (
                ITEMS_USED,
                vec![
                    (0, ItemKind::ALL.len()),
                    (PERSON, 1),
                    (PERSON_TIER, Tier::ALL.len()),
                    (PERSON_CATEGORY, Category::ALL.len()),
                    (PERSON_CLASS, ContentClass::ALL.len()),
                ],
            ),
            (
                USED,
                vec![
                    (SIGNATURE, 1),
                    (SIGNATURE_TIER, Tier::ALL.len()),
                    (SIGNATURE_CLASS, ContentClass::ALL.len()),
                ],
            ),
        ];
        for (bits_used, ranges) in namespaces {
            let mut used = 0u64;
            for (first, n) in ranges {
                for b in first..first + n {
                    assert_eq!(used & bit(b), 0, "bit {b} used twice");
                    used |= bit(b);
                }
            }
            assert_eq!(used.count_ones() as usize, bits_used);
        }
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder(ItemKind::Mobile, "13800000000"));
        assert!(is_placeholder(ItemKind::Mobile, "13888888888"));
        assert!(!is_placeholder(ItemKind::Mobile, "13812345670"));
        assert!(!is_placeholder(ItemKind::Email, "aaaaaaa@b.cn"));
        assert!(is_placeholder(ItemKind::ResidentId, "11010519491231002X"));
    }

    #[test]
    fn bare_bank_card_class() {
        let items = [item(ItemKind::BankCard, "6222020200000000000", true)];
        assert_eq!(record_class(&items, None), ContentClass::BankCardBare);
        assert_eq!(
            record_class(&items, Some(ContentClass::HotelStay)),
            ContentClass::HotelStay
        );
    }
}
