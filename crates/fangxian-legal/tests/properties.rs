//! Properties that must hold for any counts: exactness against a reference computation and
//! monotonicity (more items, more gains or insider status never lower the level).

use fangxian_legal::{assess, Act, CaseFacts, Level, Ruleset, SummaryInput, Yuan};
use proptest::prelude::*;

fn summary(a: u64, b: u64, c: u64) -> SummaryInput {
    serde_json::from_value(serde_json::json!({
        "schema": "fangxian.summary/1",
        "tiers": {
            "A": {"records": a, "persons": a},
            "B": {"records": b, "persons": b},
            "C": {"records": c, "persons": c},
        }
    }))
    .unwrap()
}

fn facts(insider: bool, gains_fen: Option<u64>) -> CaseFacts {
    let mut f = CaseFacts::new(Act::Sold);
    f.insider = Some(insider);
    f.illegal_gains_yuan = gains_fen.map(|fen| Yuan { fen });
    f
}

/// The level by the Interpretation's numbers, computed independently in 1/10,000ths of a unit
/// (each item of tier A is 200/10,000, B 20/10,000, C 2/10,000; the serious line is 10,000).
fn reference(a: u64, b: u64, c: u64, insider: bool, gains_fen: Option<u64>) -> Level {
    let units = u128::from(a) * 200 + u128::from(b) * 20 + u128::from(c) * 2;
    let gains = u128::from(gains_fen.unwrap_or(0));
    let (serious, gains_serious) = if insider {
        (5_000u128, 250_000u128)
    } else {
        (10_000, 500_000)
    };
    if units >= serious * 10 || gains >= gains_serious * 10 {
        Level::ParticularlySerious
    } else if units >= serious || gains >= gains_serious {
        Level::Serious
    } else {
        Level::None
    }
}

proptest! {
    #[test]
    fn matches_the_reference(
        a in 0u64..1_200, b in 0u64..12_000, c in 0u64..120_000,
        insider in any::<bool>(), gains in proptest::option::of(0u64..6_000_000),
    ) {
        let rules = Ruleset::builtin().unwrap();
        let got = assess(rules, &[summary(a, b, c)], &facts(insider, gains));
        prop_assert_eq!(got.level, reference(a, b, c, insider, gains));
    }

    #[test]
    fn more_never_lowers_the_level(
        a in 0u64..600, b in 0u64..6_000, c in 0u64..60_000,
        da in 0u64..100, db in 0u64..1_000, dc in 0u64..10_000,
        gains in 0u64..6_000_000, dg in 0u64..1_000_000,
    ) {
        let rules = Ruleset::builtin().unwrap();
        let base = assess(rules, &[summary(a, b, c)], &facts(false, Some(gains))).level;
        let more = assess(rules, &[summary(a + da, b + db, c + dc)], &facts(false, Some(gains + dg))).level;
        let inside = assess(rules, &[summary(a, b, c)], &facts(true, Some(gains))).level;
        prop_assert!(more >= base);
        prop_assert!(inside >= base);
    }
}

proptest! {
    /// Hostile facts files give an error with a line number or a value, never a panic.
    #[test]
    fn any_facts_text_parses_or_errors(text in "\\PC{0,200}") {
        if let Err(e) = CaseFacts::from_toml_str(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// Facts built from fragments of the real grammar.
    #[test]
    fn facts_fragments_parse_or_error(
        act in prop_oneof!["\"sold\"", "\"obtained\"", "\"bought_for_lawful_business\"", "1", "\"x\""],
        insider in prop_oneof!["true", "false", "\"unknown\"", "\"maybe\"", "3"],
        gains in prop_oneof!["70000", "4999.99", "-1", "1e400", "\"unknown\"", "nan", "inf"],
    ) {
        let text = format!("act = {act}\ninsider = {insider}\nillegal_gains_yuan = {gains}\n");
        match CaseFacts::from_toml_str(&text) {
            Ok(f) => {
                let rules = Ruleset::builtin().unwrap();
                let a = assess(rules, &[summary(1, 2, 3)], &f);
                prop_assert!(!a.explanation_en.is_empty());
            }
            Err(e) => prop_assert!(e.to_string().contains("line"), "{}", e),
        }
    }

    /// Arbitrary JSON where a summary is expected: an error or an assessment, never a panic.
    #[test]
    fn any_summary_json_is_handled(
        a in any::<u64>(), b in any::<u64>(), extra in "\\PC{0,20}",
        schema in prop_oneof!["fangxian.summary/1", "fangxian.findings/1", ""],
    ) {
        let v = serde_json::json!({
            "schema": schema,
            "tiers": {"A": {"records": a, "persons": b}, extra.clone(): {"records": b}},
            "classes": {extra: {"records": a}, "flight_itinerary": {"records": b, "screened": a}},
            "items": {"cn_mobile": {"found": a}},
        });
        let rules = Ruleset::builtin().unwrap();
        let _ = fangxian_legal::assess_summary(rules, &v, &CaseFacts::new(Act::Sold));
    }
}
