//! Prints validator verdicts on generated candidates for the oracle check (`scripts/oracle.sh`).
//!
//! Usage: `oracle_dump [N] [SEED]` — N candidates per type (default 100000), a third each
//! random-valid, random-invalid and mutated-valid, for `cn_resident_id`, `cn_uscc`, `cn_mobile`,
//! `cn_landline`, `bank_card` and `imei`; one in four (not landlines) written with spaces or
//! hyphens inside, mobiles also with a country prefix. One line per candidate on stdout:
//!
//! ```text
//! type <TAB> raw <TAB> fangxian_valid <TAB> canonical <TAB> failed_check
//! ```
//!
//! `fangxian_valid` is `1`, `0`, or `-` when the validator says the text is not of the type;
//! `failed_check` is the id of the failed check (or empty). `scripts/oracle/check.py` compares the
//! lines with python-stdnum and phonenumbers.

use std::io::{self, BufWriter, Write};

use fangxian_core::validate::{self, gb11643, gb11714, luhn, phone, regions, uscc};
use fangxian_core::ItemKind;

/// SplitMix64: a tiny, seedable generator, so runs are reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64)).unwrap_or(0)
    }
    fn digit(&mut self) -> u8 {
        b'0' + u8::try_from(self.below(10)).unwrap_or(0)
    }
    fn digits(&mut self, out: &mut Vec<u8>, n: usize) {
        for _ in 0..n {
            let d = self.digit();
            out.push(d);
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One random edit of a valid candidate: change one character, swap two adjacent ones, or
/// replace the last (check) character.
fn mutate(rng: &mut Rng, s: &mut [u8], alphabet: &[u8]) {
    let n = s.len();
    match rng.below(3) {
        0 => {
            let i = rng.below(n);
            s[i] = *rng.pick(alphabet);
        }
        1 => {
            let i = rng.below(n - 1);
            s.swap(i, i + 1);
        }
        _ => s[n - 1] = *rng.pick(alphabet),
    }
}

/// One candidate in four is written the way people write numbers: up to three spaces or
/// hyphens inside, and for mobiles a country prefix. The oracles normalise such input
/// themselves, so this checks fangxian's canonical values against theirs.
fn disguise(rng: &mut Rng, raw: Vec<u8>, country_prefix: bool) -> Vec<u8> {
    if rng.below(4) != 0 || raw.len() < 2 {
        return raw;
    }
    let mut out = Vec::with_capacity(raw.len() + 8);
    if country_prefix && rng.below(2) == 0 {
        const PREFIXES: [&[u8]; 5] = [b"+86 ", b"+86-", b"0086 ", b"86 ", b"86"];
        let prefix: &[u8] = PREFIXES[rng.below(PREFIXES.len())];
        out.extend_from_slice(prefix);
    }
    let cuts: [usize; 3] = [
        1 + rng.below(raw.len() - 1),
        1 + rng.below(raw.len() - 1),
        1 + rng.below(raw.len() - 1),
    ];
    let seps = 1 + rng.below(3);
    for (i, &b) in raw.iter().enumerate() {
        if cuts[..seps].contains(&i) {
            out.push(*rng.pick(b" -"));
        }
        out.push(b);
    }
    out
}

fn resident_id(rng: &mut Rng, codes: &[u32], class: usize) -> Vec<u8> {
    let mut id = Vec::with_capacity(18);
    if class == 1 {
        // Random invalid: any 17 digits, any check character.
        rng.digits(&mut id, 17);
        id.push(*rng.pick(b"0123456789X"));
        return id;
    }
    let code = *rng.pick(codes);
    // Years 1890-2035 so that pre-1900 and future dates occur; days up to 31 so that
    // impossible dates occur.
    let year = 1890 + rng.below(146);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(31);
    id.extend_from_slice(format!("{code:06}{year:04}{month:02}{day:02}").as_bytes());
    rng.digits(&mut id, 3);
    id.push(gb11643::check_char(&id));
    if class == 2 {
        mutate(rng, &mut id, b"0123456789");
    }
    id
}

fn uscc_code(rng: &mut Rng, class: usize) -> Vec<u8> {
    let mut c = Vec::with_capacity(18);
    // Positions 1-2 are digits as a rule; one in ten gets a letter (GB 32100 allows e.g. N2).
    let head: &[u8] = if rng.below(10) == 0 {
        uscc::ALPHABET
    } else {
        b"0123456789"
    };
    c.push(*rng.pick(head));
    c.push(*rng.pick(head));
    rng.digits(&mut c, 6);
    for _ in 0..8 {
        c.push(*rng.pick(uscc::ALPHABET));
    }
    if class == 1 {
        c.push(*rng.pick(uscc::ALPHABET));
        c.push(*rng.pick(uscc::ALPHABET));
        return c;
    }
    c.push(gb11714::check_char(&c[8..16]).unwrap_or(b'0'));
    c.push(uscc::check_char(&c).unwrap_or(b'0'));
    if class == 2 {
        mutate(rng, &mut c, uscc::ALPHABET);
    }
    c
}

fn mobile(rng: &mut Rng, class: usize) -> Vec<u8> {
    let mut m = Vec::with_capacity(11);
    match class {
        0 => {
            m.extend_from_slice(rng.pick(phone::mobile_segments()).as_bytes());
            let n = 11 - m.len();
            rng.digits(&mut m, n);
        }
        1 => {
            m.push(b'1');
            rng.digits(&mut m, 10);
        }
        _ => {
            // Every 3- to 5-digit prefix equally often, to probe segment boundaries.
            m.push(b'1');
            rng.digits(&mut m, 10);
            let i = 1 + rng.below(4);
            m[i] = rng.digit();
        }
    }
    m
}

fn landline(rng: &mut Rng, class: usize) -> Vec<u8> {
    let mut n = Vec::with_capacity(12);
    n.push(b'0');
    if class == 1 {
        // Any 2- or 3-digit code after the trunk 0 (2 digits when it starts with 1 or 2).
        let first = b'1' + u8::try_from(rng.below(9)).unwrap_or(0);
        n.push(first);
        let more = if first <= b'2' { 1 } else { 2 };
        rng.digits(&mut n, more);
    } else {
        n.extend_from_slice(rng.pick(phone::area_codes()).code.as_bytes());
    }
    // Local number: 7 or 8 digits, first digit 2-9.
    let len = 7 + rng.below(2);
    n.push(b'2' + u8::try_from(rng.below(8)).unwrap_or(0));
    rng.digits(&mut n, len - 1);
    if class == 2 {
        let i = 1 + rng.below(n.len() - 1);
        n[i] = rng.digit();
    }
    n
}

fn luhn_number(rng: &mut Rng, len: usize, class: usize, prefix: &[u8]) -> Vec<u8> {
    let mut n = Vec::with_capacity(len);
    n.extend_from_slice(prefix);
    let fill = len - 1 - n.len();
    rng.digits(&mut n, fill);
    if class == 1 {
        n.push(rng.digit());
        return n;
    }
    n.push(luhn::check_digit(&n));
    if class == 2 {
        mutate(rng, &mut n, b"0123456789");
    }
    n
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2260);
    let mut rng = Rng(seed);
    let codes: Vec<u32> = regions::iter().map(|r| r.code).collect();
    let out = io::stdout();
    let mut out = BufWriter::new(out.lock());
    let mut canon = String::new();
    let mut emit = |out: &mut BufWriter<_>, kind: ItemKind, raw: &[u8]| -> io::Result<()> {
        let raw = String::from_utf8_lossy(raw);
        let v = validate::validate(kind, &raw, &mut canon);
        let (valid, failed) = match v {
            None => ("-", ""),
            Some(v) => (
                if v.is_valid() { "1" } else { "0" },
                v.failed.map_or("", |c| c.id()),
            ),
        };
        let canon: &str = if v.is_some() { &canon } else { "" };
        writeln!(out, "{}\t{raw}\t{valid}\t{canon}\t{failed}", kind.id())
    };
    for i in 0..n {
        let raw = resident_id(&mut rng, &codes, i % 3);
        let raw = disguise(&mut rng, raw, false);
        emit(&mut out, ItemKind::ResidentId, &raw)?;
    }
    for i in 0..n {
        let raw = uscc_code(&mut rng, i % 3);
        let raw = disguise(&mut rng, raw, false);
        emit(&mut out, ItemKind::Uscc, &raw)?;
    }
    for i in 0..n {
        let raw = mobile(&mut rng, i % 3);
        let raw = disguise(&mut rng, raw, true);
        emit(&mut out, ItemKind::Mobile, &raw)?;
    }
    for i in 0..n {
        let raw = landline(&mut rng, i % 3);
        emit(&mut out, ItemKind::Landline, &raw)?;
    }
    for i in 0..n {
        let len = 13 + rng.below(7);
        let prefix: &[u8] = if rng.below(2) == 0 { b"62" } else { b"" };
        let raw = luhn_number(&mut rng, len, i % 3, prefix);
        let raw = disguise(&mut rng, raw, false);
        emit(&mut out, ItemKind::BankCard, &raw)?;
    }
    for i in 0..n {
        let raw = luhn_number(&mut rng, 15, i % 3, b"");
        let raw = disguise(&mut rng, raw, false);
        emit(&mut out, ItemKind::Imei, &raw)?;
    }
    out.flush()
}
