//! Resource limits: every input is hostile until read.

/// Resource limits applied to every input. `Limits::default()` suits a workstation; every
/// field can be changed directly or with the builder-style setters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most bytes all decompression layers of one top-level input may produce together
    /// (default 1 TiB). Hitting it stops that input with a warning.
    pub max_total_bytes: u64,
    /// Most output bytes per compressed byte of one stream or archive member (default 1000).
    /// Real data compresses ≤ ~200×; zip bombs reach 10⁶×.
    pub max_ratio: u64,
    /// The ratio is only enforced once a stream has produced this many bytes (default
    /// 16 MiB), so tiny, highly compressible files never trip it.
    pub ratio_grace_bytes: u64,
    /// Most nested containers (compression layers + archives) around a source (default 8).
    pub max_depth: u32,
    /// Longest record or line in bytes (default 64 MiB). Longer text lines are split into
    /// several records; longer SQL rows are skipped; a longer CSV record is skipped up to the
    /// end of its first line (it is usually an unterminated quote) and reading resumes there;
    /// JSON records are split at field boundaries. Each case gives one warning. Clamped to
    /// 1 GiB.
    pub max_record_len: usize,
    /// Deepest JSON nesting (default 512). Deeper values are skipped with a warning.
    pub max_json_depth: usize,
    /// Most fields per record (default 100,000); the rest are dropped with a warning.
    pub max_fields: usize,
    /// Largest archive member, stdin stream or nested archive copied to a temporary file
    /// or memory when a reader needs random access (SQLite, zip, xlsx; default 4 GiB).
    pub max_spill_bytes: u64,
    /// Target size of one [`crate::RecordBatch`] in bytes (default 2 MiB).
    pub batch_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 1 << 40,
            max_ratio: 1000,
            ratio_grace_bytes: 16 << 20,
            max_depth: 8,
            max_record_len: 64 << 20,
            max_json_depth: 512,
            max_fields: 100_000,
            max_spill_bytes: 4 << 30,
            batch_bytes: 2 << 20,
        }
    }
}

macro_rules! setter {
    ($name:ident, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl Limits {
    /// The default limits (same as `Limits::default()`).
    pub fn new() -> Self {
        Self::default()
    }
    setter!(max_total_bytes, u64, "Sets [`Limits::max_total_bytes`].");
    setter!(max_ratio, u64, "Sets [`Limits::max_ratio`].");
    setter!(
        ratio_grace_bytes,
        u64,
        "Sets [`Limits::ratio_grace_bytes`]."
    );
    setter!(max_depth, u32, "Sets [`Limits::max_depth`].");
    setter!(max_record_len, usize, "Sets [`Limits::max_record_len`].");
    setter!(max_json_depth, usize, "Sets [`Limits::max_json_depth`].");
    setter!(max_fields, usize, "Sets [`Limits::max_fields`].");
    setter!(max_spill_bytes, u64, "Sets [`Limits::max_spill_bytes`].");
    setter!(batch_bytes, usize, "Sets [`Limits::batch_bytes`].");

    /// The record limit as actually enforced: at least 16 bytes, at most 1 GiB, so that
    /// batch offsets fit in `u32`.
    pub(crate) fn record_len(&self) -> usize {
        self.max_record_len.clamp(16, 1 << 30)
    }

    /// The batch target as enforced: 4 KiB ..= 256 MiB.
    pub(crate) fn batch_target(&self) -> usize {
        self.batch_bytes.clamp(4 << 10, 256 << 20)
    }
}
