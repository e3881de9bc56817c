//! The worked cases in `examples/cases/`, asserted and snapshotted.

use std::path::PathBuf;

use fangxian_legal::{assess, load_summary, Assessment, CaseFacts, Level, Ruleset, Yuan};

fn case_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/cases")
        .join(name)
}

fn run(name: &str, summaries: &[&str]) -> Assessment {
    let dir = case_dir(name);
    let facts = CaseFacts::load(&dir.join("facts.toml")).unwrap();
    let seized: Vec<_> = summaries
        .iter()
        .map(|s| load_summary(&dir.join(s)).unwrap())
        .collect();
    assess(Ruleset::builtin().unwrap(), &seized, &facts)
}

#[test]
fn traffic_police_insider_gains_make_it_particularly_serious() {
    let a = run("traffic-police", &["summary.json"]);
    assert_eq!(a.level, Level::ParticularlySerious);
    assert!(a.insider_applied);
    // By count alone the default reading is only serious: 9,300/5,000 = 1.86 ≥ 0.5 but < 5.
    assert_eq!(a.units, 1.86);
    // 70,000 yuan is over even the non-insider ×10 standard (50,000), so the base item is cited.
    assert!(a.basis.contains(
        &"Interpretation art. 5(2)(3): illegal gains 70,000 yuan ≥ 10 × 5,000 yuan (not pooled with counts)".to_owned()
    ));
    // The insider route on its own: 30,000 yuan is particularly serious only for an insider
    // (≥ 25,000 = 10 × half of 5,000), serious otherwise.
    let dir = case_dir("traffic-police");
    let mut facts = CaseFacts::load(&dir.join("facts.toml")).unwrap();
    let seized = [load_summary(&dir.join("summary.json")).unwrap()];
    facts.illegal_gains_yuan = Some(Yuan::from_yuan(30_000));
    let b = assess(Ruleset::builtin().unwrap(), &seized, &facts);
    assert_eq!(b.level, Level::ParticularlySerious);
    assert!(b.basis.contains(
        &"Interpretation art. 5(2)(3): illegal gains 30,000 yuan ≥ 10 × half of 5,000 yuan (not pooled with counts) (with Interpretation art. 5(1)(8), insider)".to_owned()
    ));
    facts.insider = Some(false);
    let c = assess(Ruleset::builtin().unwrap(), &seized, &facts);
    assert_eq!(c.level, Level::Serious);
    // Consistent with the 3 years 2 months he received: inside the 3–7 year band, heavier for insiders.
    let p = a.penalty.as_ref().unwrap();
    assert!(p.band_en.starts_with("3 to 7 years"));
    assert!(p.insider_heavier);
    assert_eq!(p.fine_range_yuan, Some([70_000.0, 350_000.0]));
    // Vehicle-owner records as property (conservative) also reach it by count.
    assert_eq!(a.readings["conservative"].as_seized.counts.a, 9_300);
    assert_eq!(
        a.readings["conservative"].as_seized.level,
        Level::ParticularlySerious
    );
    insta::assert_json_snapshot!("traffic_police", a);
}

#[test]
fn airline_itineraries_show_both_readings() {
    let a = run("airline", &["summary.json"]);
    // Default (tier B): 60 < 250, the insider tier-B threshold.
    assert_eq!(a.level, Level::None);
    assert_eq!(a.counts.b, 60);
    // Conservative (tier A): 60 ≥ 25, the insider tier-A threshold.
    let c = &a.readings["conservative"].as_seized;
    assert_eq!(c.level, Level::Serious);
    assert_eq!(c.counts.a, 60);
    assert_eq!(c.basis, ["Interpretation art. 5(1)(3): tier A 60 ≥ 50"]);
    assert_eq!(a.readings["lenient"].as_seized.level, Level::None);
    assert_eq!(a.disputed[0].class, "flight_itinerary");
    let en = a.explanation_en.join("\n");
    assert!(en.contains("Conservative reading: tier A 60/50"), "{en}");
    assert!(en.contains("The readings differ"));
    // Unknown gains of 2,500 yuan would make it serious on the default reading too.
    assert!(a.would_change.iter().any(|w| w.fact == "illegal_gains_yuan"
        && w.value == ">= 2,500"
        && w.level == Level::Serious));
    insta::assert_json_snapshot!("airline", a);
}

#[test]
fn darkweb_reseller_is_particularly_serious_by_count() {
    let a = run("darkweb-reseller", &["summary.json"]);
    assert_eq!(a.level, Level::ParticularlySerious);
    assert_eq!(a.counts.a + a.counts.b + a.counts.c, 18_500_000);
    // 200,000/50 + 1,300,000/500 + 17,000,000/5,000 = 4,000 + 2,600 + 3,400.
    assert_eq!(a.units, 10_000.0);
    assert_eq!(a.screened.level, Level::ParticularlySerious);
    for reading in ["default", "conservative", "lenient"] {
        assert_eq!(
            a.readings[reading].as_seized.level,
            Level::ParticularlySerious
        );
    }
    assert!(a.nearest_threshold.is_none());
    let verdict = a.verdict();
    assert_eq!(verdict[0], "结论：情节特别严重（默认归类，按查获数量）");
    assert_eq!(
        verdict[1],
        "Level: particularly serious (default reading, as seized)"
    );
    assert_eq!(verdict.last().unwrap(), "This informs; it does not judge.");
    insta::assert_json_snapshot!("darkweb_reseller", a);
}

#[test]
fn three_buyers_count_once_each() {
    let a = run("three-buyers", &["seized.summary.json"]);
    assert_eq!(a.counting.seized.c, 2_000);
    assert_eq!(a.counting.delivered.unwrap().c, 6_000);
    assert_eq!(a.counts.c, 6_000);
    assert_eq!(a.level, Level::Serious);
    insta::assert_json_snapshot!("three_buyers", a);
}
