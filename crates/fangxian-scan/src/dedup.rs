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
//! uses one for item values and the person keys among them, one for record signatures).
//!
//! # Shards, budget and spills
//!
//! Hashes are split by their top byte into [`SHARDS`] shards, each behind its own lock, so
//! worker threads insert concurrently and rarely wait on one another. Each shard may use
//! 1/[`SHARDS`] of the memory budget; before one of its tables would grow past that, the whole
//! shard is appended to its spill file and cleared (keeping its allocation). Counting reads one
//! shard at a time — its spill file plus what is still in memory — sorts by hash, ORs the masks
//! of equal hashes and counts bits, so memory at the end is one shard's share of the data.

use std::fs::{File, OpenOptions};
use std::hash::Hasher;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use siphasher::sip128::{Hasher128, SipHasher13};

/// Number of shards (by the hash's top byte).
pub const SHARDS: usize = 256;

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

    /// Hashes one value of type `kind` (a small number, such as an item type index): the
    /// kind shares the length prefix's word, so it costs nothing, and equal strings of two
    /// types hash apart. Never equal to a [`KeyedHasher::hash_parts`] hash of the same bytes.
    pub fn hash_kind(&self, kind: u32, value: &[u8]) -> u128 {
        sip13_128(self.k0, self.k1, kind_word(kind, value.len()), value)
    }

    /// Hashes many values at once: `out[i]` becomes `self.hash_kind(values[i].0,
    /// values[i].1)`, bit for bit, but two at a time side by side (`sip13_128_x2`), which
    /// the CPU overlaps.
    ///
    /// # Panics
    /// When `out` is not as long as `values` (a programming error).
    pub fn hash_kinds(&self, values: &[(u32, &[u8])], out: &mut [u128]) {
        fn word((kind, value): (u32, &[u8])) -> (u64, &[u8]) {
            (kind_word(kind, value.len()), value)
        }
        assert_eq!(values.len(), out.len(), "one output per value");
        let (k0, k1) = (self.k0, self.k1);
        let mut pairs = values.chunks_exact(2);
        let mut outs = out.chunks_exact_mut(2);
        for (pair, out) in (&mut pairs).zip(&mut outs) {
            out.copy_from_slice(&sip13_128_x2(k0, k1, word(pair[0]), word(pair[1])));
        }
        if let ([value], [out]) = (pairs.remainder(), outs.into_remainder()) {
            let (first, rest) = word(*value);
            *out = sip13_128(k0, k1, first, rest);
        }
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

/// The first word [`KeyedHasher::hash_kind`] hashes before a value of type `kind` and `len`
/// bytes.
fn kind_word(kind: u32, len: usize) -> u64 {
    // Bit 63 set: no length prefix of `hash_parts` (lengths are < 2^63) looks like this.
    // Values come from batch arenas with 32-bit offsets, so the length fits its 32 bits.
    let len = u64::from(u32::try_from(len).unwrap_or(u32::MAX));
    1 << 63 | u64::from(kind) << 32 | len
}

/// SipHash's last message word after an 8-byte first word and `rest`: the bytes of `rest`
/// after its last full word, and the total length's low byte in the top byte (the padding).
///
/// Built from whole-word loads rather than by copying the tail into a zeroed `[u8; 8]`: that
/// copy was a `memcpy` call followed by an 8-byte load of bytes just stored one by one, which
/// the CPU cannot forward from its store buffer (a stall of ~20 cycles per hash).
#[allow(clippy::cast_possible_truncation)]
fn last_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let t = n % 8;
    let tail = if let Some(last8) = rest.len().checked_sub(8).map(|at| &rest[at..]) {
        // The last 8 bytes end with the tail: shift the bytes before it out.
        let word = u64::from_le_bytes(last8.try_into().unwrap_or_default());
        word.checked_shr(64 - 8 * t as u32).unwrap_or(0)
    } else {
        let mut word = 0u64;
        let mut at = 0;
        if n >= 4 {
            word = u64::from(u32::from_le_bytes(rest[..4].try_into().unwrap_or_default()));
            at = 4;
        }
        if n - at >= 2 {
            let two = u16::from_le_bytes(rest[at..at + 2].try_into().unwrap_or_default());
            word |= u64::from(two) << (8 * at);
            at += 2;
        }
        if n > at {
            word |= u64::from(rest[at]) << (8 * at);
        }
        word
    };
    tail | u64::from((8 + n) as u8) << 56
}

/// SipHash-1-3 with 128-bit output of the bytes `first.to_le_bytes()` followed by `rest`:
/// exactly what `siphasher`'s `SipHasher13` gives for `write_u64(first); write(rest)`.
///
/// Written by hand because it runs for every item of a scan: `siphasher`'s streaming hasher
/// carries a tail buffer through each `write` call and took ~400 instructions per short
/// value; one call over one slice needs less than half of that. A test checks it against
/// `siphasher` for every length up to 80 bytes.
fn sip13_128(k0: u64, k1: u64, first: u64, rest: &[u8]) -> u128 {
    let mut v = sip_init(k0, k1);
    sip_compress(&mut v, first);
    let mut words = rest.chunks_exact(8);
    for word in &mut words {
        sip_compress(&mut v, word_at(word));
    }
    sip_compress(&mut v, last_word(rest));
    sip_finish(v)
}

/// Two [`sip13_128`] hashes computed side by side, each exactly as alone.
///
/// One SipHash is a single chain of dependent additions, rotations and XORs, which keeps
/// two or three of the core's ALUs busy; two independent chains in one loop let the CPU
/// overlap them, so two short values take little more than the time of one. (Eight
/// general-purpose registers hold both states; three or more states would spill.)
fn sip13_128_x2(k0: u64, k1: u64, a: (u64, &[u8]), b: (u64, &[u8])) -> [u128; 2] {
    let (mut va, mut vb) = (sip_init(k0, k1), sip_init(k0, k1));
    sip_compress(&mut va, a.0);
    sip_compress(&mut vb, b.0);
    let (mut wa, mut wb) = (a.1.chunks_exact(8), b.1.chunks_exact(8));
    // The words both values have, in lockstep; then the rest of the longer one alone.
    // (Not `zip`: it would take one word too many from `wa` when `wb` runs out first.)
    for (x, y) in (&mut wa).take(wb.len()).zip(&mut wb) {
        sip_compress(&mut va, word_at(x));
        sip_compress(&mut vb, word_at(y));
    }
    for x in &mut wa {
        sip_compress(&mut va, word_at(x));
    }
    for y in &mut wb {
        sip_compress(&mut vb, word_at(y));
    }
    sip_compress(&mut va, last_word(a.1));
    sip_compress(&mut vb, last_word(b.1));
    let (ha, hb) = sip_finish_x2(va, vb);
    [ha, hb]
}

/// An 8-byte little-endian word (`bytes` has 8).
#[inline(always)]
fn word_at(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or_default())
}

#[inline(always)]
fn sip_init(k0: u64, k1: u64) -> [u64; 4] {
    [
        k0 ^ 0x736f_6d65_7073_6575,
        // 0xee: the 128-bit output variant.
        k1 ^ 0x646f_7261_6e64_6f6d ^ 0xee,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ]
}

#[inline(always)]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

/// One message word, with SipHash-1-3's one round.
#[inline(always)]
fn sip_compress(v: &mut [u64; 4], m: u64) {
    v[3] ^= m;
    sip_round(v);
    v[0] ^= m;
}

/// SipHash-1-3's finalization (three rounds per 64-bit half) to the 128-bit output.
#[inline(always)]
fn sip_finish(mut v: [u64; 4]) -> u128 {
    v[2] ^= 0xee;
    sip_round(&mut v);
    sip_round(&mut v);
    sip_round(&mut v);
    let h1 = v[0] ^ v[1] ^ v[2] ^ v[3];
    v[1] ^= 0xdd;
    sip_round(&mut v);
    sip_round(&mut v);
    sip_round(&mut v);
    let h2 = v[0] ^ v[1] ^ v[2] ^ v[3];
    u128::from(h2) << 64 | u128::from(h1)
}

/// [`sip_finish`] of two states, interleaved round by round.
#[inline(always)]
fn sip_finish_x2(mut a: [u64; 4], mut b: [u64; 4]) -> (u128, u128) {
    a[2] ^= 0xee;
    b[2] ^= 0xee;
    for _ in 0..3 {
        sip_round(&mut a);
        sip_round(&mut b);
    }
    let (a1, b1) = (a[0] ^ a[1] ^ a[2] ^ a[3], b[0] ^ b[1] ^ b[2] ^ b[3]);
    a[1] ^= 0xdd;
    b[1] ^= 0xdd;
    for _ in 0..3 {
        sip_round(&mut a);
        sip_round(&mut b);
    }
    let (a2, b2) = (a[0] ^ a[1] ^ a[2] ^ a[3], b[0] ^ b[1] ^ b[2] ^ b[3]);
    (
        u128::from(a2) << 64 | u128::from(a1),
        u128::from(b2) << 64 | u128::from(b1),
    )
}

/// One slot of a [`FlagTable`]: a 128-bit hash as two words, and its flags (0 = empty).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    lo: u64,
    hi: u64,
    flags: u64,
}

impl Slot {
    #[allow(clippy::cast_possible_truncation)]
    fn new(hash: u128, flags: u64) -> Slot {
        Slot {
            lo: hash as u64,
            hi: (hash >> 64) as u64,
            flags,
        }
    }

    fn hash(self) -> u128 {
        u128::from(self.hi) << 64 | u128::from(self.lo)
    }
}

/// An open-addressing hash table of 128-bit hashes and their flags, with linear probing.
///
/// Written by hand rather than using `std`'s `HashMap` because inserting is a cache miss per
/// value on large sets, and only a table whose slot positions are known can have them fetched
/// ahead ([`FlagTable::touch`]) so that many misses overlap; a `HashMap` would also pad each
/// 128-bit key with its flags to 32 bytes. The keys are already uniform keyed hashes, so the
/// low word is the slot index and no hashing is needed.
#[derive(Default)]
struct FlagTable {
    slots: Vec<Slot>,
    len: usize,
}

impl FlagTable {
    /// Most slots in use before the table must grow: 3/4 keeps linear probes short.
    fn limit(&self) -> usize {
        self.slots.len() / 4 * 3
    }

    /// How many more new hashes fit before the table must grow.
    fn room(&self) -> usize {
        self.limit().saturating_sub(self.len)
    }

    /// Bytes of slots held (the table's allocation).
    fn bytes(&self) -> u64 {
        (self.slots.len() * SLOT_BYTES) as u64
    }

    /// Bytes the table would hold after growing once.
    fn grown_bytes(&self) -> u64 {
        (self.slots.len() * 2).max(MIN_SLOTS) as u64 * SLOT_BYTES as u64
    }

    #[allow(clippy::cast_possible_truncation)]
    fn index(&self, lo: u64) -> usize {
        lo as usize & self.slots.len().wrapping_sub(1)
    }

    /// Asks the CPU to fetch the slot where the hash with low word `lo` starts probing, so
    /// that a later insert finds it in cache; does not wait for it.
    #[inline]
    fn touch(&self, lo: u64) {
        if let Some(slot) = self.slots.get(self.index(lo)) {
            // A slot can straddle two cache lines; the flags (read first) may be in the second.
            prefetch(slot);
            prefetch(&slot.flags);
        }
    }

    /// ORs `flags` into the entry of `hash`, adding it if new; grows the table first when
    /// it has no room.
    #[cfg(test)]
    fn insert(&mut self, hash: u128, flags: u64) {
        if self.room() == 0 {
            self.grow();
        }
        self.insert_with_room(Slot::new(hash, flags));
    }

    /// ORs the flags of `e` into its hash's entry, adding it if new; the table has room.
    #[inline]
    fn insert_with_room(&mut self, e: Slot) {
        let Slot { lo, hi, flags } = e;
        let mask = self.slots.len() - 1;
        let mut i = self.index(lo);
        loop {
            let slot = &mut self.slots[i];
            if slot.flags == 0 {
                *slot = Slot { lo, hi, flags };
                self.len += 1;
                return;
            }
            if slot.lo == lo && slot.hi == hi {
                slot.flags |= flags;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let slots = std::mem::take(&mut self.slots);
        // Not a zeroed allocation (as `vec![[0u64; 3]; n]` would be): measured, it made
        // 50% more page faults (fresh pages for every table grown) and no faster.
        self.slots = vec![Slot::default(); (slots.len() * 2).max(MIN_SLOTS)];
        self.len = 0;
        for slot in slots.into_iter().filter(|s| s.flags != 0) {
            self.insert_with_room(slot);
        }
    }

    /// The entries, in slot order.
    fn entries(&self) -> impl Iterator<Item = Slot> + '_ {
        self.slots.iter().copied().filter(|s| s.flags != 0)
    }

    /// Forgets every entry, keeping the allocation.
    fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.len = 0;
    }
}

/// The queued entries of shard `index`, with their namespaces, in insertion order.
fn shard_entries(pending: &Pending, index: usize) -> impl Iterator<Item = (usize, &Slot)> {
    (0..pending.lists.len() / SHARDS)
        .flat_map(move |n| pending.list(n, index).iter().map(move |e| (n, e)))
}

/// Requests the slots of the first [`TOUCH_AHEAD`] entries queued for `shard` (number `index`).
fn touch_first(shard: &Shard, pending: &Pending, index: usize) {
    for (n, e) in shard_entries(pending, index).take(TOUCH_AHEAD) {
        shard.tables[n].touch(e.lo);
    }
}

/// Starts loading the cache line of `value` without waiting for it.
///
/// Written with the intrinsic because a plain load would stall: a load must complete before
/// it retires, a prefetch need not, so the inserts go on while the slots ahead arrive.
#[inline]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: a prefetch is a hint: it never faults, writes nothing and its result is never
    // read; the address comes from a live reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            std::ptr::from_ref(value).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    std::hint::black_box(value);
}

/// Bytes of one [`Slot`].
const SLOT_BYTES: usize = std::mem::size_of::<Slot>();

/// Slots of a table's first allocation.
const MIN_SLOTS: usize = 16;

/// How many values ahead of the insert their slots are loaded.
const TOUCH_AHEAD: usize = 32;

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
    /// The temporary directory for spill files could not be created.
    #[error("cannot create a spill directory in {path}: {source}")]
    SpillDir {
        /// The directory it was to be created in.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// Hashes waiting to be inserted, grouped by shard so that each shard is locked once per
/// [`DistinctSets::insert`], and by namespace within a shard so that each list goes into one
/// table (and needs no namespace tag: entries are the tables' own 24-byte slots). One per
/// worker thread; reused between batches.
#[derive(Debug)]
pub struct Pending {
    /// The list of namespace `n`, shard `s` is at `n * SHARDS + s`; grown on a namespace's
    /// first push.
    lists: Vec<Vec<Slot>>,
    len: usize,
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
            lists: Vec::new(),
            len: 0,
        }
    }

    /// Queues `hash` for `namespace` with the count bits `flags`.
    ///
    /// # Panics
    /// When `namespace` is 256 or more (a programming error).
    #[inline(always)]
    pub fn push(&mut self, namespace: usize, hash: u128, flags: u64) {
        // Inlined, with the rare growth out of line: the scan pushes ~10 hashes per record.
        let list = namespace
            .saturating_mul(SHARDS)
            .saturating_add(shard_of(hash));
        if list >= self.lists.len() {
            self.add_namespace(namespace);
        }
        self.lists[list].push(Slot::new(hash, flags));
        self.len += 1;
    }

    #[cold]
    #[inline(never)]
    fn add_namespace(&mut self, namespace: usize) {
        assert!(namespace < 256, "fewer than 256 namespaces");
        self.lists.resize_with((namespace + 1) * SHARDS, Vec::new);
    }

    /// The queued entries of `namespace` in `shard`.
    fn list(&self, namespace: usize, shard: usize) -> &[Slot] {
        self.lists
            .get(namespace * SHARDS + shard)
            .map_or(&[], Vec::as_slice)
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
    /// Inserting is a cache (and TLB) miss per entry on large tables, so every slot is
    /// requested `TOUCH_AHEAD` entries before its insert, and the first entries of the next
    /// shard while this one's are inserted: many misses are under way at once instead of being
    /// paid one at a time. (A shard gets only ~64 entries of a 16 Ki flush, so prefetching only
    /// within a shard would leave its first entries waiting.) The next shard's lock is only
    /// tried, never waited for while holding another, so threads cannot deadlock.
    ///
    /// # Errors
    /// When spilling to disk fails.
    ///
    /// # Panics
    /// When a hash was queued for a namespace these sets do not have (a programming error).
    pub fn insert(&self, pending: &mut Pending) -> Result<(), DedupError> {
        let namespaces = pending.lists.len() / SHARDS;
        assert!(
            namespaces <= self.namespaces,
            "a hash was queued for namespace {} of {}",
            namespaces - 1,
            self.namespaces
        );
        let pending_ref = &*pending;
        let mut order =
            (0..SHARDS).filter(|&s| (0..namespaces).any(|n| !pending_ref.list(n, s).is_empty()));
        let mut current = order
            .next()
            .map(|index| (index, self.lock_and_touch(index, pending_ref)));
        while let Some((index, mut shard)) = current {
            let next = order.next();
            let next_shard = next.and_then(|i| {
                let guard = match self.shards[i].try_lock() {
                    Ok(guard) => guard,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(TryLockError::WouldBlock) => return None,
                };
                touch_first(&guard, pending_ref, i);
                Some(guard)
            });
            self.insert_shard(index, &mut shard, pending_ref)?;
            drop(shard);
            current = next.map(|i| {
                (
                    i,
                    next_shard.unwrap_or_else(|| self.lock_and_touch(i, pending_ref)),
                )
            });
        }
        for list in &mut pending.lists {
            list.clear();
        }
        pending.len = 0;
        Ok(())
    }

    /// Locks shard `index` and requests the slots of its first queued entries.
    fn lock_and_touch(&self, index: usize, pending: &Pending) -> MutexGuard<'_, Shard> {
        let shard = self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        touch_first(&shard, pending, index);
        shard
    }

    /// Inserts the queued entries of shard `index`, whose first [`TOUCH_AHEAD`] were touched.
    fn insert_shard(
        &self,
        index: usize,
        shard: &mut Shard,
        pending: &Pending,
    ) -> Result<(), DedupError> {
        let mut ahead = shard_entries(pending, index).skip(TOUCH_AHEAD);
        for namespace in 0..pending.lists.len() / SHARDS {
            let mut rest = pending.list(namespace, index);
            while !rest.is_empty() {
                let room = self.make_room(index, shard, namespace)?;
                let (now, later) = rest.split_at(room.min(rest.len()));
                for &e in now {
                    if let Some((n, a)) = ahead.next() {
                        shard.tables[n].touch(a.lo);
                    }
                    shard.tables[namespace].insert_with_room(e);
                }
                rest = later;
            }
        }
        Ok(())
    }

    /// Makes room in `namespace`'s table of shard `index` and returns it: how many entries
    /// may be inserted before the table is full (at least 1).
    ///
    /// Called once per list (and again each time the list filled the table), not once per
    /// entry, so the entry loop is nothing but probing. The table grows or the shard spills
    /// exactly when inserting one entry at a time would: only a full table grows, while the
    /// shard stays within its budget; past it, the full shard is spilled. A table always gets
    /// its first allocation, however small the budget.
    fn make_room(
        &self,
        index: usize,
        shard: &mut Shard,
        namespace: usize,
    ) -> Result<usize, DedupError> {
        loop {
            let room = shard.tables[namespace].room();
            if room > 0 {
                return Ok(room);
            }
            if self.grown_bytes(shard, namespace) <= self.shard_budget
                || shard.tables.iter().all(|t| t.len == 0)
            {
                shard.tables[namespace].grow();
            } else {
                self.spill(index, shard)?;
            }
        }
    }

    /// The shard's table bytes if `namespace`'s table doubled now.
    fn grown_bytes(&self, shard: &Shard, namespace: usize) -> u64 {
        shard
            .tables
            .iter()
            .enumerate()
            .map(|(n, t)| {
                if n == namespace {
                    t.grown_bytes()
                } else {
                    t.bytes()
                }
            })
            .sum()
    }

    /// Appends every table of shard `index` to its spill file and clears them.
    fn spill(&self, index: usize, shard: &mut Shard) -> Result<(), DedupError> {
        if shard.tables.iter().all(|t| t.len == 0) {
            return Ok(());
        }
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
            if table.len == 0 {
                continue;
            }
            let entries = table.len as u64;
            for slot in table.entries() {
                out.write_all(&slot.hash().to_le_bytes())
                    .map_err(io_error)?;
                out.write_all(&slot.flags.to_le_bytes()).map_err(io_error)?;
            }
            table.clear();
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
                .map_err(|source| DedupError::SpillDir {
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
                for slot in table.entries() {
                    add_bits(counts, slot.flags);
                }
                continue;
            };
            buf.clear();
            buf.extend(table.entries().map(|slot| (slot.hash(), slot.flags)));
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
        let sets = DistinctSets::new(2, 64 * (SHARDS * SLOT_BYTES) as u64, None);
        let mut oracle: std::collections::HashMap<u64, u64> = Default::default();
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

    /// The hand-written SipHash is `siphasher`'s, for every tail length and several keys.
    #[test]
    fn sip13_matches_siphasher() {
        let data: Vec<u8> = (0..80u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        for (k0, k1) in [(0, 0), (1, 2), (u64::MAX, 0x0123_4567_89ab_cdef)] {
            for len in 0..=data.len() {
                for first in [0u64, 1 << 63 | 7 << 32 | len as u64, u64::MAX] {
                    let mut h = SipHasher13::new_with_keys(k0, k1);
                    h.write_u64(first);
                    h.write(&data[..len]);
                    assert_eq!(
                        sip13_128(k0, k1, first, &data[..len]),
                        h.finish128().as_u128(),
                        "len {len}"
                    );
                }
            }
        }
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Two hashes side by side are each the hash alone, for every pair of lengths 0..=64
    /// (every tail length, and either value the longer), with random keys and first words.
    #[test]
    fn pairs_equal_single_hashes() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let data: Vec<u8> = (0..200).map(|_| xorshift(&mut state) as u8).collect();
        for la in 0..=64usize {
            for lb in 0..=64usize {
                let (k0, k1) = (xorshift(&mut state), xorshift(&mut state));
                let a = (xorshift(&mut state), &data[la % 7..la % 7 + la]);
                let b = (xorshift(&mut state), &data[100 + lb % 5..100 + lb % 5 + lb]);
                assert_eq!(
                    sip13_128_x2(k0, k1, a, b),
                    [sip13_128(k0, k1, a.0, a.1), sip13_128(k0, k1, b.0, b.1)],
                    "lengths {la}, {lb}"
                );
            }
        }
    }

    /// `hash_kinds` gives `hash_kind` of each value, for odd and even counts.
    #[test]
    fn hash_kinds_equals_hash_kind() {
        let mut state = 0x0123_4567_u64;
        let data: Vec<u8> = (0..300).map(|_| xorshift(&mut state) as u8).collect();
        let h = KeyedHasher::with_key(xorshift(&mut state), xorshift(&mut state));
        for n in 0..=9 {
            let values: Vec<(u32, &[u8])> = (0..n)
                .map(|_| {
                    let len = (xorshift(&mut state) % 100) as usize;
                    let start = (xorshift(&mut state) % 200) as usize;
                    (
                        (xorshift(&mut state) % 40) as u32,
                        &data[start..start + len],
                    )
                })
                .collect();
            let mut out = vec![0u128; n];
            h.hash_kinds(&values, &mut out);
            let expected: Vec<u128> = values.iter().map(|&(k, v)| h.hash_kind(k, v)).collect();
            assert_eq!(out, expected, "n {n}");
        }
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

    /// One shard's list far longer than its table may hold under the budget: it is inserted
    /// in chunks, spilling in between, and still counted exactly; so is a budget too small
    /// for even a first table.
    #[test]
    fn long_lists_fill_spill_and_refill() {
        let h = KeyedHasher::with_key(11, 12);
        // Hashes of one shard (the top byte is the shard), 5,000 values each inserted 4 times.
        let one_shard = |v: u64| h.hash_parts(&[&v.to_le_bytes()]) & (u128::MAX >> 8);
        for budget in [1, 100 * (SHARDS * SLOT_BYTES) as u64] {
            let sets = DistinctSets::new(2, budget, None);
            let mut pending = Pending::new();
            for round in 0..4u64 {
                for v in 0..5_000u64 {
                    pending.push(usize::from(v % 7 == 0), one_shard(v), 1 << round);
                }
            }
            assert_eq!(pending.len(), 20_000);
            sets.insert(&mut pending).unwrap();
            assert!(pending.is_empty());
            assert!(
                sets.spills() > 10,
                "budget {budget}: {} spills",
                sets.spills()
            );
            let counts = sets.count(2).unwrap();
            let in_ns1 = (0..5_000u64).filter(|v| v % 7 == 0).count() as u64;
            assert_eq!(counts[0][..4], [5_000 - in_ns1; 4], "budget {budget}");
            assert_eq!(counts[1][..4], [in_ns1; 4], "budget {budget}");
            assert_eq!(counts[0][4], 0);
        }
    }

    /// Entries queued for several shards and namespaces in one call all arrive, and a second
    /// call with the reused buffer adds to them.
    #[test]
    fn pending_is_reused_across_inserts() {
        let h = KeyedHasher::with_key(13, 14);
        let sets = DistinctSets::new(3, 1 << 24, None);
        let mut pending = Pending::new();
        for pass in 0..2u64 {
            for v in 0..3_000u64 {
                pending.push(
                    (v % 3) as usize,
                    h.hash_kind(1, &v.to_le_bytes()),
                    1 << pass,
                );
            }
            sets.insert(&mut pending).unwrap();
            assert_eq!(pending.len(), 0);
        }
        let counts = sets.count(1).unwrap();
        for (ns, counts) in counts.iter().enumerate() {
            assert_eq!(counts[..2], [1_000, 1_000], "namespace {ns}");
        }
    }

    #[test]
    #[should_panic(expected = "namespace")]
    fn unknown_namespace_is_a_programming_error() {
        let sets = DistinctSets::new(1, 1 << 20, None);
        let mut pending = Pending::new();
        pending.push(1, 42, 1);
        let _ = sets.insert(&mut pending);
    }

    #[test]
    fn table_grows_and_keeps_every_entry() {
        let h = KeyedHasher::with_key(9, 10);
        let mut t = FlagTable::default();
        for i in 0..10_000u64 {
            t.insert(h.hash_parts(&[&i.to_le_bytes()]), 1 << (i % 3));
            // Again, with another flag: ORed, not added.
            t.insert(h.hash_parts(&[&i.to_le_bytes()]), 1 << 5);
        }
        assert_eq!(t.len, 10_000);
        assert_eq!(t.entries().count(), 10_000);
        assert!(t
            .entries()
            .all(|s| s.flags & 1 << 5 != 0 && s.flags.count_ones() == 2));
        assert!(t.len <= t.limit() && t.slots.len().is_power_of_two());
        t.clear();
        assert_eq!((t.len, t.entries().count()), (0, 0));
    }
}
