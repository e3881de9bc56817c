//! Exact distinct counting with keyed 128-bit hashes, sharded across threads and spilled to
//! disk beyond a memory budget.
//!
//! Legal thresholds are exact (法释〔2017〕10号 art. 5: 50 / 500 / 5,000 items), so distinct counts
//! must be exact too: no HyperLogLog. Values are reduced to keyed SipHash-1-3 128-bit hashes
//! (a random key per scan, so nothing that reaches the disk can be reversed to the value by
//! hashing candidate values). With 2⁶⁴·2⁶⁴ possible hashes, the chance that two of 10⁹ distinct
//! values collide is about 10¹⁸ / 2¹²⁹ ≈ 1.5·10⁻²¹ — far below any evidentiary concern.
//!
//! # Flags instead of many sets
//!
//! A summary needs many distinct counts over the same values: persons overall, per tier, per
//! category, per content class… Rather than one set per count (one insert per count), each
//! hash is stored once with a 64-bit mask of the counts it belongs to; inserting it again ORs
//! the mask. At the end, the number of distinct hashes with bit *b* set is exactly the distinct
//! count *b*. A [`DistinctSets`] holds a few independent *namespaces* of such hashes (the scan
//! uses one for item values and one for person keys and record signatures).
//!
//! # Shards, budget and spills
//!
//! Hashes are split by their top byte into [`SHARDS`] shards, each behind its own lock, so
//! worker threads insert concurrently and rarely wait on one another. Each shard may use
//! 1/[`SHARDS`] of the memory budget; before one of its tables would grow past that, the whole
//! shard is appended to its spill file and cleared (keeping its allocation). Counting reads one
//! shard at a time — its spill file plus what is still in memory — sorts by hash, ORs the masks
//! of equal hashes and counts bits, so memory at the end is one shard's share of the data.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use siphasher::sip128::{Hasher128, SipHasher13};

/// Number of shards (by the hash's top byte).
pub const SHARDS: usize = 256;

/// Bytes one hash-table bucket costs: 16 B of hash, 8 B of flags and 1 control byte.
const BUCKET_BYTES: u64 = 25;

/// Bytes one entry takes in a spill file: the hash (16, little-endian) then the flags (8).
const RECORD_BYTES: usize = 24;

/// A keyed 128-bit hash function for values; one key per scan.
#[derive(Clone, Copy, Debug)]
pub struct KeyedHasher {
    k0: u64,
    k1: u64,
}

impl KeyedHasher {
    /// A hasher with a fresh random key.
    pub fn random() -> KeyedHasher {
        use std::hash::BuildHasher;
        // RandomState is seeded from the OS's randomness once per process and then varied per
        // instance; two instances give 128 bits of key without another dependency.
        let a = std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64);
        let b = std::collections::hash_map::RandomState::new().hash_one(0xfa_u64);
        KeyedHasher { k0: a, k1: b }
    }

    /// A hasher with a fixed key (tests, reproducible runs).
    pub fn with_key(k0: u64, k1: u64) -> KeyedHasher {
        KeyedHasher { k0, k1 }
    }

    /// Hashes a sequence of byte strings, each length-prefixed so that `("ab","c")` and
    /// `("a","bc")` differ.
    pub fn hash_parts(&self, parts: &[&[u8]]) -> u128 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        for part in parts {
            h.write_u64(part.len() as u64);
            h.write(part);
        }
        h.finish128().as_u128()
    }
}

/// A 128-bit hash as a hash-table key: two words (24-byte buckets with the flags, where a
/// `u128` key would be padded to 32) hashed by its low word, which is already uniform.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    lo: u64,
    hi: u64,
}

impl Key {
    #[allow(clippy::cast_possible_truncation)]
    fn new(hash: u128) -> Key {
        Key {
            lo: hash as u64,
            hi: (hash >> 64) as u64,
        }
    }

    fn value(self) -> u128 {
        u128::from(self.hi) << 64 | u128::from(self.lo)
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.lo);
    }
}

/// Hasher for keys that are already uniformly distributed hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for other key types, which this module never uses; fold to stay correct.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}

type FlagTable = HashMap<Key, u64, BuildHasherDefault<IdentityHasher>>;

/// Errors of the distinct counter.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// A spill file could not be written or read.
    #[error("spill file {path}: {source}")]
    Spill {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// Hashes waiting to be inserted, grouped by shard so that each shard is locked once per
/// [`DistinctSets::insert`]. One per worker thread; reused between batches.
#[derive(Debug)]
pub struct Pending {
    by_shard: Vec<Vec<Entry>>,
    len: usize,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    namespace: u8,
    flags: u64,
    hash: u128,
}

impl Default for Pending {
    fn default() -> Self {
        Pending::new()
    }
}

impl Pending {
    /// An empty buffer.
    pub fn new() -> Pending {
        Pending {
            by_shard: vec![Vec::new(); SHARDS],
            len: 0,
        }
    }

    /// Queues `hash` for `namespace` with the count bits `flags`.
    ///
    /// # Panics
    /// When `namespace` is 256 or more (a programming error).
    pub fn push(&mut self, namespace: usize, hash: u128, flags: u64) {
        let namespace = u8::try_from(namespace).expect("fewer than 256 namespaces");
        self.by_shard[shard_of(hash)].push(Entry {
            namespace,
            flags,
            hash,
        });
        self.len += 1;
    }

    /// Number of queued hashes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn shard_of(hash: u128) -> usize {
    (hash >> 120) as usize
}

/// One namespace's part of a spill file.
struct Block {
    namespace: u8,
    offset: u64,
    entries: u64,
}

struct Shard {
    tables: Vec<FlagTable>,
    /// Parts of this shard's spill file, in the order written.
    blocks: Vec<Block>,
    /// Bytes written to the spill file so far.
    spilled_bytes: u64,
}

/// Exact distinct counts over keyed hashes with per-count flags, under one memory budget,
/// shared by many threads. See the module docs.
pub struct DistinctSets {
    shards: Vec<Mutex<Shard>>,
    namespaces: usize,
    shard_budget: u64,
    spill_dir: Mutex<Option<tempfile::TempDir>>,
    spill_parent: Option<PathBuf>,
    spills: AtomicU64,
}

/// Per namespace, per flag bit: the number of distinct hashes with that bit set.
pub type FlagCounts = Vec<[u64; 64]>;

impl DistinctSets {
    /// Sets of `namespaces` independent namespaces that keep at most `budget_bytes` of hashes
    /// in memory and spill into a temporary directory under `spill_parent` (the system temp
    /// dir when `None`).
    pub fn new(namespaces: usize, budget_bytes: u64, spill_parent: Option<PathBuf>) -> Self {
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    tables: (0..namespaces).map(|_| FlagTable::default()).collect(),
                    blocks: Vec::new(),
                    spilled_bytes: 0,
                })
            })
            .collect();
        DistinctSets {
            shards,
            namespaces,
            shard_budget: budget_bytes / SHARDS as u64,
            spill_dir: Mutex::new(None),
            spill_parent,
            spills: AtomicU64::new(0),
        }
    }

    /// Inserts every queued hash, leaving `pending` empty (its allocations are kept).
    ///
    /// # Errors
    /// When spilling to disk fails.
    pub fn insert(&self, pending: &mut Pending) -> Result<(), DedupError> {
        for (index, entries) in pending.by_shard.iter_mut().enumerate() {
            if entries.is_empty() {
                continue;
            }
            let mut shard = self.shards[index]
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for e in entries.drain(..) {
                let key = Key::new(e.hash);
                let namespace = usize::from(e.namespace);
                let table = &shard.tables[namespace];
                // Growth points are rare; only there is the budget checked (and the key looked
                // up twice).
                if table.len() == table.capacity()
                    && !table.contains_key(&key)
                    && self.grown_bytes(&shard, namespace) > self.shard_budget
                    && table.capacity() > 0
                {
                    self.spill(index, &mut shard)?;
                }
                *shard.tables[namespace].entry(key).or_insert(0) |= e.flags;
            }
        }
        pending.len = 0;
        Ok(())
    }

    /// The shard's table bytes if `namespace`'s table doubled now.
    fn grown_bytes(&self, shard: &Shard, namespace: usize) -> u64 {
        shard
            .tables
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let buckets = buckets_for(t.capacity());
                if n == namespace {
                    (buckets * 2).max(4) * BUCKET_BYTES
                } else {
                    buckets * BUCKET_BYTES
                }
            })
            .sum()
    }

    /// Appends every table of shard `index` to its spill file and clears them.
    fn spill(&self, index: usize, shard: &mut Shard) -> Result<(), DedupError> {
        let path = self.spill_path(index)?;
        let io_error = |source| DedupError::Spill {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_error)?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        for namespace in 0..self.namespaces {
            let table = &mut shard.tables[namespace];
            if table.is_empty() {
                continue;
            }
            let entries = table.len() as u64;
            for (key, flags) in table.drain() {
                out.write_all(&key.value().to_le_bytes())
                    .map_err(io_error)?;
                out.write_all(&flags.to_le_bytes()).map_err(io_error)?;
            }
            shard.blocks.push(Block {
                namespace: u8::try_from(namespace).unwrap_or(u8::MAX),
                offset: shard.spilled_bytes,
                entries,
            });
            shard.spilled_bytes += entries * RECORD_BYTES as u64;
        }
        out.flush().map_err(io_error)?;
        self.spills.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn spill_path(&self, index: usize) -> Result<PathBuf, DedupError> {
        let mut dir = self
            .spill_dir
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if dir.is_none() {
            let parent = self.spill_parent.clone().unwrap_or_else(std::env::temp_dir);
            let created = tempfile::Builder::new()
                .prefix("fangxian-dedup-")
                .tempdir_in(&parent)
                .map_err(|source| DedupError::Spill {
                    path: parent,
                    source,
                })?;
            *dir = Some(created);
        }
        let dir = dir
            .as_ref()
            .map(|d| d.path().to_owned())
            .unwrap_or_default();
        Ok(dir.join(format!("shard{index:03}.bin")))
    }

    /// How many times a shard was written to disk so far.
    pub fn spills(&self) -> u64 {
        self.spills.load(Ordering::Relaxed)
    }

    /// Counts, exactly, the distinct hashes with each flag bit set, per namespace, using up to
    /// `threads` threads (one shard each at a time).
    ///
    /// # Errors
    /// When a spill file cannot be read back.
    pub fn count(&self, threads: usize) -> Result<FlagCounts, DedupError> {
        let next = AtomicUsize::new(0);
        let worker = || -> Result<FlagCounts, DedupError> {
            let mut counts = vec![[0u64; 64]; self.namespaces];
            let mut buf: Vec<(u128, u64)> = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(shard) = self.shards.get(index) else {
                    return Ok(counts);
                };
                let shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
                self.count_shard(index, &shard, &mut buf, &mut counts)?;
            }
        };
        let results: Vec<Result<FlagCounts, DedupError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (1..threads.max(1)).map(|_| scope.spawn(worker)).collect();
            let mut results = vec![worker()];
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
            );
            results
        });
        let mut total = vec![[0u64; 64]; self.namespaces];
        for counts in results {
            for (t, c) in total.iter_mut().zip(counts?) {
                for (a, b) in t.iter_mut().zip(c) {
                    *a += b;
                }
            }
        }
        Ok(total)
    }

    fn count_shard(
        &self,
        index: usize,
        shard: &Shard,
        buf: &mut Vec<(u128, u64)>,
        counts: &mut FlagCounts,
    ) -> Result<(), DedupError> {
        let path = if shard.blocks.is_empty() {
            None
        } else {
            Some(self.spill_path(index)?)
        };
        for (namespace, table) in shard.tables.iter().enumerate() {
            let counts = &mut counts[namespace];
            let blocks: Vec<&Block> = shard
                .blocks
                .iter()
                .filter(|b| usize::from(b.namespace) == namespace)
                .collect();
            let Some(path) = path.as_ref().filter(|_| !blocks.is_empty()) else {
                // Never spilled: the table is the set.
                for &flags in table.values() {
                    add_bits(counts, flags);
                }
                continue;
            };
            buf.clear();
            buf.extend(table.iter().map(|(k, &f)| (k.value(), f)));
            read_blocks(path, &blocks, buf).map_err(|source| DedupError::Spill {
                path: path.clone(),
                source,
            })?;
            buf.sort_unstable_by_key(|&(hash, _)| hash);
            let mut i = 0;
            while i < buf.len() {
                let (hash, mut flags) = buf[i];
                i += 1;
                while i < buf.len() && buf[i].0 == hash {
                    flags |= buf[i].1;
                    i += 1;
                }
                add_bits(counts, flags);
            }
        }
        Ok(())
    }
}

/// Buckets of a hashbrown table with this capacity (it keeps at most 7/8 of its buckets full
/// and rounds buckets up to a power of two).
fn buckets_for(capacity: usize) -> u64 {
    if capacity == 0 {
        0
    } else if capacity < 8 {
        (capacity as u64 + 1).next_power_of_two()
    } else {
        (capacity as u64 * 8 / 7).next_power_of_two()
    }
}

fn add_bits(counts: &mut [u64; 64], mut flags: u64) {
    while flags != 0 {
        counts[flags.trailing_zeros() as usize] += 1;
        flags &= flags - 1;
    }
}

fn read_blocks(path: &PathBuf, blocks: &[&Block], out: &mut Vec<(u128, u64)>) -> io::Result<()> {
    let mut file = File::open(path)?;
    let mut record = [0u8; RECORD_BYTES];
    for block in blocks {
        file.seek(SeekFrom::Start(block.offset))?;
        let mut reader = BufReader::with_capacity(
            1 << 16,
            (&mut file).take(block.entries * RECORD_BYTES as u64),
        );
        out.reserve(usize::try_from(block.entries).unwrap_or(0));
        for _ in 0..block.entries {
            reader.read_exact(&mut record)?;
            let (hash, flags) = record.split_at(16);
            let hash = u128::from_le_bytes(hash.try_into().unwrap_or([0; 16]));
            let flags = u64::from_le_bytes(flags.try_into().unwrap_or([0; 8]));
            out.push((hash, flags));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert_all(sets: &DistinctSets, items: impl IntoIterator<Item = (usize, u128, u64)>) {
        let mut pending = Pending::new();
        for (namespace, hash, flags) in items {
            pending.push(namespace, hash, flags);
            if pending.len() >= 1000 {
                sets.insert(&mut pending).unwrap();
                assert!(pending.is_empty());
            }
        }
        sets.insert(&mut pending).unwrap();
    }

    #[test]
    fn counts_exactly_in_memory() {
        let h = KeyedHasher::with_key(1, 2);
        let sets = DistinctSets::new(2, 1 << 30, None);
        insert_all(
            &sets,
            (0..10_000u32).flat_map(|i| {
                [
                    (0, h.hash_parts(&[&(i % 777).to_le_bytes()]), 1),
                    (0, h.hash_parts(&[&i.to_le_bytes()]), 2),
                    // The same hash in another namespace is another value.
                    (1, h.hash_parts(&[&(i % 5).to_le_bytes()]), 1 << 63),
                ]
            }),
        );
        let counts = sets.count(2).unwrap();
        // 777 values carry bit 0; 10,000 carry bit 1 (the first 777 carry both).
        assert_eq!(counts[0][0], 777);
        assert_eq!(counts[0][1], 10_000);
        assert_eq!(counts[1][63], 5);
        assert_eq!(counts[1][0], 0);
        assert_eq!(sets.spills(), 0);
    }

    #[test]
    fn counts_exactly_across_spills() {
        let h = KeyedHasher::with_key(3, 4);
        // A budget of a few buckets per shard forces many spills for 300,000 inserts.
        let sets = DistinctSets::new(2, 64 * SHARDS as u64 * BUCKET_BYTES, None);
        let mut oracle: HashMap<u64, u64> = HashMap::new();
        let mut state = 0x1234_5678_u64;
        let mut items = Vec::new();
        for i in 0..300_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = state % 50_000; // many repeats, also across spill runs
            let bit = 1u64 << (state % 3 + 10);
            *oracle.entry(v).or_insert(0) |= bit;
            items.push((0, h.hash_parts(&[&v.to_le_bytes()]), bit));
            items.push((1, h.hash_parts(&[&(i % 3).to_le_bytes()]), 1));
        }
        insert_all(&sets, items);
        assert!(
            sets.spills() > 100,
            "expected spills, got {}",
            sets.spills()
        );
        let counts = sets.count(3).unwrap();
        assert_eq!(counts, sets.count(1).unwrap(), "threads change nothing");
        for (bit, &count) in counts[0].iter().enumerate() {
            let expected = oracle.values().filter(|&&f| f & (1 << bit) != 0).count();
            assert_eq!(count, expected as u64, "bit {bit}");
        }
        assert_eq!(counts[1][0], 3);
    }

    #[test]
    fn threads_insert_concurrently() {
        let h = KeyedHasher::with_key(7, 8);
        let sets = DistinctSets::new(1, 1 << 20, None);
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                let sets = &sets;
                scope.spawn(move || {
                    // Overlapping ranges: 0..50,000 in all, most values from two threads.
                    let range = t * 10_000..t * 10_000 + 20_000;
                    insert_all(
                        sets,
                        range.map(|v| (0, h.hash_parts(&[&v.to_le_bytes()]), 1)),
                    );
                });
            }
        });
        assert_eq!(sets.count(2).unwrap()[0][0], 50_000);
    }

    #[test]
    fn parts_are_length_prefixed_and_keyed() {
        let h = KeyedHasher::with_key(5, 6);
        assert_ne!(h.hash_parts(&[b"ab", b"c"]), h.hash_parts(&[b"a", b"bc"]));
        assert_ne!(
            h.hash_parts(&[b"x"]),
            KeyedHasher::with_key(5, 7).hash_parts(&[b"x"])
        );
    }

    #[test]
    fn bucket_estimate_matches_growth() {
        assert_eq!(buckets_for(0), 0);
        assert_eq!(buckets_for(3), 4);
        assert_eq!(buckets_for(7), 8);
        assert_eq!(buckets_for(14), 16);
        assert_eq!(buckets_for(28), 32);
        let mut t = FlagTable::default();
        for i in 0..1000u64 {
            t.insert(Key { lo: i, hi: 0 }, 0);
        }
        // hashbrown's capacity for n buckets is 7/8 of n.
        assert_eq!(buckets_for(t.capacity()) * 7 / 8, t.capacity() as u64);
    }
}
