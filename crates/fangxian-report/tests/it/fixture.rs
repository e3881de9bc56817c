//! A hand-built summary exercising every section of every output.

use std::collections::BTreeMap;

use fangxian_core::ItemKind;
use fangxian_scan::summary::{
    CategoryCounts, FindingRow, InputInfo, ItemCounts, Method, PersonCounts, Problem, RecordCounts,
    Screening, Summary, TierCounts, SUMMARY_SCHEMA,
};

pub const HOSTILE: &str = "<script>alert(1)</script>.csv";

fn tc(records: u64, persons: u64, screened: u64) -> TierCounts {
    TierCounts {
        records,
        persons,
        screened,
    }
}

fn ic(found: u64, distinct: u64, invalid: u64) -> ItemCounts {
    ItemCounts {
        found,
        distinct,
        invalid,
    }
}

pub fn summary() -> Summary {
    let mut items = BTreeMap::new();
    items.insert("cn_resident_id".to_owned(), ic(123_457, 120_001, 311));
    items.insert("cn_mobile".to_owned(), ic(98_765, 97_000, 42));
    items.insert("bank_card".to_owned(), ic(5_321, 5_300, 7));
    items.insert("gps_point".to_owned(), ic(777, 700, 0));
    items.insert("person_name".to_owned(), ic(120_000, 90_000, 0));

    let mut tiers = BTreeMap::new();
    tiers.insert("A".to_owned(), tc(777, 650, 640));
    tiers.insert("B".to_owned(), tc(4_321, 4_000, 3_999));
    tiers.insert("C".to_owned(), tc(118_902, 115_350, 117_000));

    let mut categories = BTreeMap::new();
    categories.insert(
        "trajectory".to_owned(),
        CategoryCounts {
            records: 777,
            persons: 650,
        },
    );
    categories.insert(
        "accommodation".to_owned(),
        CategoryCounts {
            records: 4_321,
            persons: 4_000,
        },
    );
    categories.insert(
        "other".to_owned(),
        CategoryCounts {
            records: 118_902,
            persons: 115_350,
        },
    );

    let mut classes = BTreeMap::new();
    classes.insert("location_point".to_owned(), tc(777, 650, 640));
    classes.insert("hotel_stay".to_owned(), tc(4_321, 4_000, 3_999));
    classes.insert("identity_basic".to_owned(), tc(118_902, 115_350, 117_000));

    let mut invalid_by_check = BTreeMap::new();
    invalid_by_check.insert(
        "cn_resident_id".to_owned(),
        BTreeMap::from([("checksum".to_owned(), 300), ("date".to_owned(), 11)]),
    );
    invalid_by_check.insert(
        "cn_mobile".to_owned(),
        BTreeMap::from([("prefix".to_owned(), 42)]),
    );
    invalid_by_check.insert(
        "bank_card".to_owned(),
        BTreeMap::from([("checksum".to_owned(), 7)]),
    );

    Summary {
        schema: SUMMARY_SCHEMA.to_owned(),
        inputs: vec![
            InputInfo {
                source: "case-0001/users.csv".to_owned(),
                bytes: 52_428_800,
                sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                    .to_owned(),
            },
            InputInfo {
                source: "case-0001/酒店入住记录.sql.gz".to_owned(),
                bytes: 1_234_567,
                sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
                    .to_owned(),
            },
            InputInfo {
                source: HOSTILE.to_owned(),
                bytes: 99,
                sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                    .to_owned(),
            },
        ],
        bytes_scanned: 60_000_000,
        records: RecordCounts {
            total: 130_001,
            with_pi: 124_000,
            invalid: 360,
            duplicate: 1_234,
        },
        persons: PersonCounts { distinct: 119_999 },
        items,
        tiers,
        categories,
        classes,
        screening: Screening {
            invalid_by_check,
            invalid_samples: vec![
                FindingRow {
                    source: "case-0001/users.csv".to_owned(),
                    record: 17,
                    field: Some("身份证号".to_owned()),
                    kind: ItemKind::ResidentId,
                    value: "110105194912310021".to_owned(),
                    valid: false,
                    confidence: 0.9,
                },
                FindingRow {
                    source: HOSTILE.to_owned(),
                    record: 3,
                    field: Some("<b>phone</b>".to_owned()),
                    kind: ItemKind::Mobile,
                    value: "19912345678".to_owned(),
                    valid: false,
                    confidence: 0.8,
                },
            ],
            duplicate_records: 1_234,
            duplicate_items: BTreeMap::from([
                ("cn_resident_id".to_owned(), 3_456),
                ("cn_mobile".to_owned(), 1_765),
            ]),
            placeholder_records: 55,
            empty_records: 66,
            unidentifiable_records: 88,
        },
        problems: vec![
            Problem {
                source: "case-0001/broken.zip".to_owned(),
                status: "partial".to_owned(),
                offset: Some(1_048_576),
                line: None,
                message: "truncated archive: unexpected end of central directory".to_owned(),
            },
            Problem {
                source: HOSTILE.to_owned(),
                status: "skipped".to_owned(),
                offset: None,
                line: Some(12),
                message: "invalid UTF-8 <img src=x onerror=alert(2)>".to_owned(),
            },
        ],
        partial: false,
        method: Method {
            version: "0.1.0".to_owned(),
            threads: 2,
            started: "2026-11-24T15:00:00Z".to_owned(),
            elapsed_seconds: 12.5,
            person_key: "cn_resident_id, else cn_mobile, else person_name + address".to_owned(),
        },
        assessment: Some(serde_json::json!({
            "schema": "fangxian.assessment/1",
            "level": "particularly_serious",
            "units": 44.198,
            "basis": [
                "法释〔2017〕10号 art. 5 para. 1 (3): 640 tier-A items ≥ 50",
                "art. 5 para. 2 (1): 44.198 units ≥ 10 — particularly serious"
            ],
            "counts": {"A": 640, "B": 3999, "C": 117000},
            "basis_zh": ["第五条第一款第（三）项：行踪轨迹信息640条，达50条"],
            "facts": {"insider": false, "note": "<i>seized 2026-11-01</i>"},
            "explanation": "Counts after the art. 11 screening.\n\nMixed types are added pro rata."
        })),
    }
}
