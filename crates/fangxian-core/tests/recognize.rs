//! Recognizer tests: the data-driven corpus `testdata/recognizers.toml`, column profiling and
//! typed fields, and property tests (no panics, spans on char boundaries, items found the same
//! in any surrounding text).

use std::collections::BTreeSet;

use fangxian_core::recognize::{
    ColumnKind, Context, HeaderHint, Recognizer, RecognizerBuilder, Scratch,
};
use fangxian_core::validate::Check;
use fangxian_core::ItemKind;
use proptest::prelude::*;

#[derive(serde::Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    text: String,
    expect: Vec<Expect>,
    why: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    valid: bool,
    at: Option<String>,
}

/// Every finding of `text` as (type, value, valid, covered text, confidence).
fn find(r: &Recognizer, text: &str) -> Vec<(String, String, bool, String, f32)> {
    let mut scratch = Scratch::new();
    let mut out = Vec::new();
    r.find_in_text_with(text, &mut scratch, &mut |f| {
        out.push((
            f.kind.id().to_owned(),
            f.value.to_owned(),
            f.valid,
            text[f.span.clone()].to_owned(),
            f.confidence,
        ))
    });
    out
}

#[test]
fn corpus() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/recognizers.toml"
    );
    let corpus: Corpus = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(corpus.case.len() >= 50);
    let r = Recognizer::new();
    let mut failures = Vec::new();
    for case in &corpus.case {
        let got = find(&r, &case.text);
        let got_set: BTreeSet<_> = got
            .iter()
            .map(|(k, v, ok, _, _)| (k.clone(), v.clone(), *ok))
            .collect();
        let want: BTreeSet<_> = case
            .expect
            .iter()
            .map(|e| (e.kind.clone(), e.value.clone(), e.valid))
            .collect();
        if got_set != want || got.len() != want.len() {
            failures.push(format!(
                "{:?} ({}):\n   want {want:?}\n    got {got:?}",
                case.text, case.why
            ));
            continue;
        }
        for e in &case.expect {
            let Some(at) = &e.at else { continue };
            let hit = got
                .iter()
                .find(|g| g.0 == e.kind && g.1 == e.value)
                .unwrap();
            if &hit.3 != at {
                failures.push(format!(
                    "{:?} ({}): {} covers {:?}, want {at:?}",
                    case.text, case.why, e.kind, hit.3
                ));
            }
        }
        for g in &got {
            assert!((0.0..=1.0).contains(&g.4), "{g:?}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn evidence_names_the_keyword_and_the_failed_check() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let mut ev = Vec::new();
    r.find_in_text_with("身份证 110101199003077593", &mut s, &mut |f| {
        ev.push((f.evidence.failed, f.evidence.context, f.confidence))
    });
    assert_eq!(
        ev,
        [(Some(Check::Checksum), Context::Keyword("身份证"), 0.6)]
    );
    ev.clear();
    r.find_in_text_with(
        "身份证 11010519491231002X 与 11010519491231002X",
        &mut s,
        &mut |f| ev.push((f.evidence.failed, f.evidence.context, f.confidence)),
    );
    // The first has its keyword within the window; both are checksum-valid.
    assert_eq!(ev[0], (None, Context::Keyword("身份证"), 0.99));
    assert_eq!(ev.len(), 2);
}

#[test]
fn context_window_is_configurable() {
    let text = "身份证号码是这个：请核对下面的信息然后再提交给我们的工作人员谢谢配合一下啦 110105491231002";
    assert!(find(&Recognizer::new(), text).is_empty());
    let wide = RecognizerBuilder::new().window(60).build();
    assert_eq!(find(&wide, text).len(), 1);
}

#[test]
fn labelled_columns_report_untrue_values() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let col = r.profile_column(
        Some("sfzh"),
        &["11010519491231002X", "110101199003077593", ""],
    );
    assert_eq!(col.kind, ColumnKind::Item(ItemKind::ResidentId));
    assert_eq!(col.hint, HeaderHint::Item(ItemKind::ResidentId));
    assert_eq!(col.sampled, 2);
    assert!((col.valid_ratio - 0.5).abs() < 1e-6);
    let mut got = Vec::new();
    for v in [
        " 110101199003077593 ",
        "not an id",
        "",
        "11010519491231002X",
    ] {
        r.find_in_field_with(&col, v, &mut s, &mut |f| {
            got.push((
                f.value.to_owned(),
                f.valid,
                f.span.clone(),
                f.confidence,
                f.evidence.context,
            ))
        });
    }
    assert_eq!(
        got,
        [
            (
                "110101199003077593".to_owned(),
                false,
                1..19,
                0.9,
                Context::Header("sfzh")
            ),
            (
                "11010519491231002X".to_owned(),
                true,
                0..18,
                0.99,
                Context::Header("sfzh")
            ),
        ]
    );
}

#[test]
fn phone_columns_hold_landlines_and_several_numbers() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let col = r.profile_column(Some("联系电话"), &["13812345678", "010-88886666"]);
    assert_eq!(col.kind, ColumnKind::Item(ItemKind::Mobile));
    assert_eq!(col.secondary, Some(ItemKind::Landline));
    let mut got = Vec::new();
    for v in ["010-88886666", "13812345678;13987654321", "15412345678"] {
        r.find_in_field_with(&col, v, &mut s, &mut |f| {
            got.push((f.kind, f.value.to_owned(), f.valid))
        });
    }
    assert_eq!(
        got,
        [
            (ItemKind::Landline, "010-88886666".to_owned(), true),
            (ItemKind::Mobile, "13812345678".to_owned(), true),
            (ItemKind::Mobile, "13987654321".to_owned(), true),
            (ItemKind::Mobile, "15412345678".to_owned(), false),
        ]
    );
}

#[test]
fn context_only_types_are_found_in_labelled_columns() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    for (header, value, kind, canon) in [
        ("xm", "欧阳 修", ItemKind::PersonName, "欧阳修"),
        ("hzhm", "e 1234 5678", ItemKind::Passport, "E12345678"),
        ("证件号码", "EA1234567", ItemKind::Passport, "EA1234567"),
        ("qq", "10001", ItemKind::Qq, "10001"),
        (
            "$.user.wx",
            "wxid_abc-123",
            ItemKind::WechatId,
            "wxid_abc-123",
        ),
        (
            "dz",
            "浙江省杭州市西湖区文三路478号",
            ItemKind::Address,
            "浙江省杭州市西湖区文三路478号",
        ),
        (
            "经纬度",
            "39.9042, 116.4074",
            ItemKind::GpsPoint,
            "39.904200,116.407400",
        ),
    ] {
        let col = r.profile_column(Some(header), &[value]);
        let mut got = Vec::new();
        r.find_in_field_with(&col, value, &mut s, &mut |f| {
            got.push((f.kind, f.value.to_owned(), f.valid, f.confidence))
        });
        assert_eq!(got, [(kind, canon.to_owned(), true, 0.95)], "{header}");
    }
}

#[test]
fn wrong_shapes_in_typed_columns_are_not_reported() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let col = r.profile_column(Some("手机"), &["13812345678"]);
    let mut n = 0;
    for v in ["无", "N/A", "张三", "2024-01-01", "user@example.com"] {
        r.find_in_field_with(&col, v, &mut s, &mut |_| n += 1);
    }
    assert_eq!(n, 0);
}

#[test]
fn values_decide_when_the_header_says_nothing() {
    let r = Recognizer::new();
    let ids = [
        "11010519491231002X",
        "440305199003071236",
        "530102198002290012",
        "110101199003077598",
    ];
    let col = r.profile_column(Some("col_7"), &ids);
    assert_eq!(col.kind, ColumnKind::Item(ItemKind::ResidentId));
    assert_eq!(col.term, None);
    // An `id` header means a row id — unless the values are ID numbers.
    assert_eq!(
        r.profile_column(Some("id"), &ids).kind,
        ColumnKind::Item(ItemKind::ResidentId)
    );
    assert_eq!(
        r.profile_column(Some("id"), &["1", "2", "3"]).kind,
        ColumnKind::NotPi
    );
    assert_eq!(
        r.profile_column(Some("订单号"), &["202401150001", "202401150002"])
            .kind,
        ColumnKind::NotPi
    );
    assert_eq!(
        r.profile_column(None, &["A-1", "B-2"]).kind,
        ColumnKind::NotPi
    );
    assert_eq!(
        r.profile_column(None, &["客户说明天再打电话过来，号码是13812345678"])
            .kind,
        ColumnKind::FreeText
    );
    assert_eq!(
        r.profile_column(Some("备注"), &[]).kind,
        ColumnKind::FreeText
    );
    // Below 80 %: not typed by values.
    let mixed = ["11010519491231002X", "x1", "x2", "x3"];
    assert_ne!(
        r.profile_column(None, &mixed).kind,
        ColumnKind::Item(ItemKind::ResidentId)
    );
}

#[test]
fn not_pi_columns_report_nothing() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let col = r.profile_column(Some("order_id"), &["13812345678x", "A1"]);
    assert_eq!(col.kind, ColumnKind::NotPi);
    let mut n = 0;
    r.find_in_field_with(&col, "13812345678", &mut s, &mut |_| n += 1);
    assert_eq!(n, 0);
}

#[test]
fn gps_from_two_columns() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let lat = r.profile_column(Some("wd"), &["39.9042"]);
    let lon = r.profile_column(Some("jd"), &["116.4074"]);
    let name = r.profile_column(Some("xm"), &["张三"]);
    let mut got = Vec::new();
    // Latitude and longitude columns report nothing on their own.
    r.find_in_field_with(&lat, "39.9042", &mut s, &mut |f| {
        got.push(f.value.to_owned())
    });
    assert!(got.is_empty());
    r.find_gps_in_fields_with(
        &[(&name, "张三"), (&lon, "116.4074"), (&lat, " 39.9042")],
        &mut s,
        &mut |f| {
            got.push(format!(
                "{} {} {:?} {:?}",
                f.kind, f.value, f.span, f.evidence.context
            ))
        },
    );
    assert_eq!(got, ["gps_point 39.904200,116.407400 1..8 Header(\"wd\")"]);
    got.clear();
    r.find_gps_in_fields_with(&[(&lat, "39.9")], &mut s, &mut |f| {
        got.push(f.value.to_owned())
    });
    assert!(got.is_empty());
}

#[test]
fn huge_and_hostile_inputs() {
    let r = Recognizer::new();
    let mut s = Scratch::new();
    let mut n = 0;
    for text in [
        "9".repeat(100_000),
        "1 ".repeat(50_000),
        "@".repeat(10_000),
        "a@".repeat(10_000) + "b.cn",
        "1.".repeat(50_000),
        "京A".repeat(10_000),
        "姓名".repeat(10_000),
        "地址：".repeat(10_000),
        "１".repeat(30_000),
    ] {
        r.find_in_text_with(&text, &mut s, &mut |f| {
            n += 1;
            assert_eq!((f.kind, f.value), (ItemKind::Email, "a@b.cn"));
        });
    }
    // Only the last `a@b.cn` of `a@a@…a@b.cn` is an e-mail; the rest hold nothing.
    assert_eq!(n, 1);
}

/// Items with their canonical values, for the context-insertion property.
const ITEMS: &[(&str, &str, &str)] = &[
    ("11010519491231002X", "cn_resident_id", "11010519491231002X"),
    ("440305199003071236", "cn_resident_id", "440305199003071236"),
    ("13812345678", "cn_mobile", "13812345678"),
    ("+86 138-1234-5678", "cn_mobile", "13812345678"),
    ("6228480012345671", "bank_card", "6228480012345671"),
    ("91110000600037341L", "cn_uscc", "91110000600037341L"),
    ("Zhang.San@Example.COM", "email", "Zhang.San@example.com"),
    ("010-88886666", "cn_landline", "010-88886666"),
];

fn context_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '的', '是', '我', '在', '号', '码', '北', '京', '。', '，', '：', '（', '）', '、'
        ]),
        prop::sample::select(vec![
            ' ', ',', ';', ':', '(', ')', '/', '!', '?', '\n', '\t', '|', '"'
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_spans_are_char_boundaries(text in "\\PC{0,200}") {
        let r = Recognizer::new();
        let mut s = Scratch::new();
        r.find_in_text_with(&text, &mut s, &mut |f| {
            assert!(f.span.start < f.span.end && f.span.end <= text.len());
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            assert!((0.0..=1.0).contains(&f.confidence));
        });
    }

    #[test]
    fn digit_soup_never_panics(text in "[0-9０-９ +\\-.,xX@a-z京A·：]{0,120}") {
        let r = Recognizer::new();
        let mut s = Scratch::new();
        r.find_in_text_with(&text, &mut s, &mut |f| {
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        });
    }

    #[test]
    fn items_survive_any_punctuated_context(
        idx in 0..ITEMS.len(),
        before in prop::collection::vec(context_char(), 0..20),
        after in prop::collection::vec(context_char(), 0..20),
    ) {
        let (raw, kind, canon) = ITEMS[idx];
        let before: String = before.into_iter().collect();
        let after: String = after.into_iter().collect();
        let text = format!("{before}{raw}{after}");
        let r = Recognizer::new();
        let got = find(&r, &text);
        prop_assert!(
            got.iter().any(|g| g.0 == kind && g.1 == canon && g.2 && g.3 == raw),
            "{:?} in {:?}: {:?}", raw, text, got
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fields_and_profiles_never_panic(
        header in "\\PC{0,12}",
        samples in prop::collection::vec("\\PC{0,30}", 0..6),
        value in "\\PC{0,60}",
    ) {
        let r = Recognizer::new();
        let mut s = Scratch::new();
        let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
        let _ = r.classify_header(&header);
        let _ = r.table_class(&[header.as_str()]);
        for h in [Some(header.as_str()), Some("sfzh"), Some("手机"), Some("xm"), Some("dz"), Some("wd"), None] {
            let col = r.profile_column(h, &refs);
            prop_assert!((0.0..=1.0).contains(&col.valid_ratio));
            r.find_in_field_with(&col, &value, &mut s, &mut |f| {
                assert!(value.is_char_boundary(f.span.start) && value.is_char_boundary(f.span.end));
                assert!(f.span.end <= value.len());
            });
        }
    }

    #[test]
    fn typed_column_values_keep_their_canonical_form(
        idx in 0..ITEMS.len(),
        pad_l in "[ \\t]{0,3}",
        pad_r in "[ \\t]{0,3}",
    ) {
        let (raw, kind, canon) = ITEMS[idx];
        let r = Recognizer::new();
        let mut s = Scratch::new();
        let kind: ItemKind = kind.parse().unwrap();
        let col = r.profile_column(Some(kind.id()), &[raw]);
        let value = format!("{pad_l}{raw}{pad_r}");
        let mut got = Vec::new();
        r.find_in_field_with(&col, &value, &mut s, &mut |f| {
            got.push((f.kind, f.value.to_owned(), f.valid, value[f.span.clone()].to_owned()))
        });
        prop_assert_eq!(got, vec![(kind, canon.to_owned(), true, raw.to_owned())]);
    }
}
