//! Integration tests: generate small corpora and check them against fangxian-core's validators
//! and the contract's counting rules.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use fangxian_core::validate::validate;
use fangxian_core::ItemKind;
use fangxian_gen::{generate, Encoding, Format, GenOptions, Gold, Packaging};

fn gen(seed: u64, size: u64, dir: &Path) -> fangxian_gen::GenReport {
    let opts = GenOptions {
        seed,
        size,
        threads: 2,
        ..GenOptions::default()
    };
    generate(&opts, dir).unwrap()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in ["data", "gold"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let e = e.unwrap();
            out.insert(
                format!("{sub}/{}", e.file_name().to_string_lossy()),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    // Every format (SQLite and xlsx included), and a different thread count each time: the
    // workers take files in any order and the gold answers are combined on a pool of that
    // size, which must not change a byte.
    let opts = |seed, threads| GenOptions {
        seed,
        size: 400_000,
        formats: Format::ALL.to_vec(),
        threads,
        ..GenOptions::default()
    };
    generate(&opts(11, 3), a.path()).unwrap();
    generate(&opts(11, 1), b.path()).unwrap();
    generate(&opts(12, 2), c.path()).unwrap();
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert!(fa.len() > 20, "{} files", fa.len());
    assert!(fa.keys().any(|k| k.contains(".xlsx")), "no xlsx file");
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(fb[k] == *v, "{k} differs between runs with the same seed");
    }
    assert_ne!(fa["gold/items.jsonl"], fc["gold/items.jsonl"]);
}

#[test]
fn size_is_met_within_ten_per_cent() {
    // Above ~1 MB: SQLite files cannot be smaller than a few pages, which a tinier budget
    // per file would exceed.
    for size in [1_000_000u64, 3_000_000] {
        let d = tempfile::tempdir().unwrap();
        let r = gen(5, size, d.path());
        #[allow(clippy::cast_precision_loss)]
        let ratio = r.bytes_text as f64 / size as f64;
        assert!((0.97..1.10).contains(&ratio), "size {size}: ratio {ratio}");
        let gold = Gold::read_from(&d.path().join("gold")).unwrap();
        assert_eq!(gold.summary.bytes_scanned, r.bytes_text);
        assert_eq!(gold.summary.records.total, r.records);
    }
}

#[test]
fn refuses_a_used_directory() {
    let d = tempfile::tempdir().unwrap();
    gen(1, 100_000, d.path());
    let err = generate(&GenOptions::default(), d.path()).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}

fn kind(id: &str) -> ItemKind {
    id.parse().unwrap()
}

#[test]
fn gold_values_pass_core_validators_and_decoys_and_invalids_do_not() {
    let d = tempfile::tempdir().unwrap();
    gen(21, 2_000_000, d.path());
    let gold = Gold::read_from(&d.path().join("gold")).unwrap();
    let mut canon = String::new();
    let mut checked: HashMap<String, usize> = HashMap::new();
    for it in &gold.items {
        let k = kind(&it.kind);
        if let Some(v) = validate(k, &it.value, &mut canon) {
            assert!(
                v.is_valid(),
                "{} {} fails {:?}",
                it.kind,
                it.value,
                v.failed
            );
            assert_eq!(v.kind, k, "{} typed {:?}", it.value, v.kind);
            assert_eq!(canon, it.value, "{} is not canonical", it.kind);
            *checked.entry(it.kind.clone()).or_default() += 1;
        }
    }
    // Every checksum-bearing or prefix-checked type is present and was checked.
    for t in [
        "cn_resident_id",
        "cn_residence_permit",
        "cn_mobile",
        "cn_landline",
        "bank_card",
        "cn_uscc",
        "imei",
    ] {
        assert!(checked.get(t).copied().unwrap_or(0) > 0, "no {t} checked");
    }
    assert!(!gold.invalid.is_empty());
    for inv in &gold.invalid {
        let v = validate(kind(&inv.kind), &inv.value, &mut canon)
            .unwrap_or_else(|| panic!("{} {} has no shape", inv.kind, inv.value));
        assert!(!v.is_valid(), "{} {} is valid", inv.kind, inv.value);
        assert_eq!(v.failed.map(|c| c.id()), Some(inv.check.as_str()));
    }
    assert!(!gold.decoys.is_empty());
    let mut whats = std::collections::BTreeSet::new();
    for dcy in &gold.decoys {
        whats.insert(dcy.what.as_str());
        // Version strings are IPv4-shaped on purpose: only their `v` prefix and column say
        // they are not addresses.
        if dcy.what == "version" {
            continue;
        }
        for &k in ItemKind::ALL {
            if k.needs_context() {
                continue;
            }
            let valid = validate(k, &dcy.value, &mut canon).is_some_and(|v| v.is_valid());
            assert!(!valid, "decoy {} ({}) is a valid {k}", dcy.value, dcy.what);
        }
    }
    for w in [
        "order_number",
        "epoch_ms",
        "epoch_s",
        "card_like_serial",
        "waybill_number",
        "product_code",
        "version",
        "unallocated_segment",
    ] {
        assert!(whats.contains(w), "no {w} decoy");
    }
}

#[test]
fn gold_summary_agrees_with_gold_items_and_invalids() {
    let d = tempfile::tempdir().unwrap();
    gen(33, 2_000_000, d.path());
    let gold = Gold::read_from(&d.path().join("gold")).unwrap();
    let s = &gold.summary;
    let mut distinct: HashMap<&str, u64> = HashMap::new();
    let mut valid_occ: HashMap<&str, u64> = HashMap::new();
    for it in &gold.items {
        *distinct.entry(&it.kind).or_default() += 1;
        *valid_occ.entry(&it.kind).or_default() += it.count;
    }
    let mut invalid: HashMap<&str, u64> = HashMap::new();
    for inv in &gold.invalid {
        *invalid.entry(&inv.kind).or_default() += 1;
    }
    for (t, c) in &s.items {
        assert_eq!(
            c.distinct,
            distinct.get(t.as_str()).copied().unwrap_or(0),
            "{t}"
        );
        assert_eq!(
            c.invalid,
            invalid.get(t.as_str()).copied().unwrap_or(0),
            "{t}"
        );
        assert_eq!(
            c.found,
            c.invalid + valid_occ.get(t.as_str()).copied().unwrap_or(0),
            "{t}"
        );
    }
    let r = &s.records;
    assert!(r.with_pi <= r.total && r.invalid <= r.total && r.duplicate < r.with_pi);
    assert!(r.duplicate > 0, "no duplicates generated");
    let tiers: u64 = s.tiers.values().map(|t| t.records).sum();
    let cats: u64 = s.categories.values().map(|c| c.records).sum();
    assert_eq!(tiers, r.with_pi);
    assert_eq!(cats, r.with_pi);
    let cat = |c: &str| s.categories[c].records;
    assert_eq!(
        s.tiers["A"].records,
        cat("trajectory") + cat("communication_content") + cat("credit") + cat("property")
    );
    assert_eq!(
        s.tiers["B"].records,
        cat("accommodation") + cat("communication_record") + cat("health") + cat("transaction")
    );
    assert_eq!(s.tiers["C"].records, cat("other"));
    for t in s.tiers.values() {
        assert!(t.persons <= s.persons.distinct);
    }
    // Persons are keyed by ID first: never more than IDs + mobiles + name/address pairs.
    let upper = distinct.get("cn_resident_id").copied().unwrap_or(0)
        + distinct.get("cn_mobile").copied().unwrap_or(0)
        + distinct.get("address").copied().unwrap_or(0)
            * distinct.get("person_name").copied().unwrap_or(0);
    assert!(s.persons.distinct > 0 && s.persons.distinct <= upper);
    // Every input is listed with its hash, and sizes add up.
    let on_disk: u64 = std::fs::read_dir(d.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(s.inputs.iter().map(|i| i.bytes).sum::<u64>(), on_disk);
    assert!(s.inputs.iter().all(|i| i.sha256.len() == 64));
}

#[test]
fn every_format_encoding_and_container_occurs_and_tags_say_so() {
    let d = tempfile::tempdir().unwrap();
    let opts = GenOptions {
        seed: 8,
        size: 1_500_000,
        formats: Format::ALL.to_vec(),
        threads: 2,
        ..GenOptions::default()
    };
    generate(&opts, d.path()).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("gold/manifest.json")).unwrap(),
    )
    .unwrap();
    let files = manifest["files"].as_array().unwrap();
    let has = |key: &str, v: &str| {
        files.iter().any(|f| match &f[key] {
            serde_json::Value::Array(a) => a.iter().any(|x| x == v),
            x => x == v,
        })
    };
    for f in Format::ALL {
        assert!(has("format", f.id()), "no {f:?} file");
    }
    for e in Encoding::ALL {
        assert!(has("encoding", e.id()), "no {e:?} file");
    }
    for p in Packaging::ALL {
        assert!(has("packaging", p.id()), "no {p:?} file");
    }
    assert!(files
        .iter()
        .any(|f| f["source"].as_str().unwrap().matches("!/").count() == 2));
    let gold = Gold::read_from(&d.path().join("gold")).unwrap();
    let seen: std::collections::BTreeSet<&str> = gold
        .items
        .iter()
        .flat_map(|i| i.seen.iter().map(String::as_str))
        .collect();
    for t in [
        "fullwidth",
        "spaced",
        "hyphenated",
        "plus86",
        "glued",
        "lowercase",
        "legacy15",
        "historical_region",
        "renewal_suffix",
        "embedded_newline",
        "json_number",
        "nested",
        "gbk",
        "utf16",
        "new_energy",
        "compound_surname",
        "xlsx_number",
    ] {
        assert!(seen.contains(t), "no item tagged {t}");
    }
}

/// `persons` sets the pool the records are drawn from: a larger pool gives more distinct
/// persons and values for the same size, and the manifest records the pool.
#[test]
fn a_larger_person_pool_gives_more_distinct_persons() {
    let distinct = |persons: usize| {
        let dir = tempfile::tempdir().unwrap();
        let opts = GenOptions {
            seed: 5,
            size: 600_000,
            formats: vec![Format::Csv],
            categories: vec!["customers".to_owned()],
            compressions: Vec::new(),
            threads: 2,
            persons,
            ..GenOptions::default()
        };
        generate(&opts, dir.path()).unwrap();
        let read = |name: &str| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(dir.path().join("gold").join(name)).unwrap())
                .unwrap()
        };
        let manifest = read("manifest.json");
        let summary = read("summary.json");
        (
            manifest["persons"].as_u64().unwrap(),
            summary["persons"]["distinct"].as_u64().unwrap(),
            summary["records"]["total"].as_u64().unwrap(),
        )
    };
    let (pool, small, records) = distinct(0);
    assert!(pool < 1000, "automatic pool {pool}");
    assert!(
        small <= pool * 2,
        "{small} distinct persons from a pool of {pool}"
    );
    let (big_pool, big, _) = distinct(50_000);
    assert_eq!(big_pool, 50_000);
    // Nearly every record is a new person when the pool is much larger than the records.
    assert!(
        big > small * 3 && big * 10 > records * 6,
        "{big} vs {small} of {records} records"
    );
}
