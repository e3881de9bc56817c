//! Table-driven tests of every rule and boundary of 法释〔2017〕10号 arts. 5, 6 and 11.

use fangxian_legal::{
    assess, assess_summary, Act, CaseFacts, Level, Recipient, Ruleset, SummaryInput, Yuan,
};

fn rules() -> &'static Ruleset {
    Ruleset::builtin().unwrap()
}

/// A summary with these tier counts (persons = records, no screening, no classes).
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

fn sold() -> CaseFacts {
    let mut f = CaseFacts::new(Act::Sold);
    // Known-absent facts, so only the rule under test can fire.
    f.insider = Some(false);
    f.prior_criminal_record = Some(false);
    f.prior_admin_penalty_within_2y = Some(false);
    f.knew_recipient_crimes = Some(false);
    f.track_info_used_in_crime = Some(false);
    f.harm_death_or_serious_injury = Some(false);
    f.harm_major_loss_or_egregious_impact = Some(false);
    f
}

fn insider() -> CaseFacts {
    let mut f = sold();
    f.insider = Some(true);
    f
}

fn level(counts: (u64, u64, u64), facts: &CaseFacts) -> Level {
    assess(rules(), &[summary(counts.0, counts.1, counts.2)], facts).level
}

use Level::{None as N, ParticularlySerious as P, Serious as S};

#[test]
fn per_tier_boundaries() {
    let cases = [
        // tier A: 50 / 500
        ((49, 0, 0), N),
        ((50, 0, 0), S),
        ((499, 0, 0), S),
        ((500, 0, 0), P),
        // tier B: 500 / 5,000
        ((0, 499, 0), N),
        ((0, 500, 0), S),
        ((0, 4_999, 0), S),
        ((0, 5_000, 0), P),
        // tier C: 5,000 / 50,000
        ((0, 0, 4_999), N),
        ((0, 0, 5_000), S),
        ((0, 0, 49_999), S),
        ((0, 0, 50_000), P),
    ];
    for (counts, want) in cases {
        assert_eq!(level(counts, &sold()), want, "{counts:?}");
    }
}

#[test]
fn per_tier_basis_cites_the_item() {
    let a = assess(rules(), &[summary(50, 0, 0)], &sold());
    assert_eq!(a.basis, ["Interpretation art. 5(1)(3): tier A 50 ≥ 50"]);
    let a = assess(rules(), &[summary(0, 500, 0)], &sold());
    assert_eq!(a.basis, ["Interpretation art. 5(1)(4): tier B 500 ≥ 500"]);
    let a = assess(rules(), &[summary(0, 0, 50_000)], &sold());
    assert_eq!(
        a.basis,
        [
            "Interpretation art. 5(1)(5): tier C 50,000 ≥ 5,000",
            "Interpretation art. 5(2)(3): tier C 50,000 ≥ 10 × 5,000"
        ]
    );
}

#[test]
fn insider_boundaries_are_half_and_five_times() {
    let cases = [
        ((24, 0, 0), N),
        ((25, 0, 0), S),
        ((249, 0, 0), S),
        ((250, 0, 0), P),
        ((0, 249, 0), N),
        ((0, 250, 0), S),
        ((0, 2_499, 0), S),
        ((0, 2_500, 0), P),
        ((0, 0, 2_499), N),
        ((0, 0, 2_500), S),
        ((0, 0, 24_999), S),
        ((0, 0, 25_000), P),
    ];
    for (counts, want) in cases {
        assert_eq!(level(counts, &insider()), want, "insider {counts:?}");
    }
    let a = assess(rules(), &[summary(25, 0, 0)], &insider());
    assert!(a.insider_applied);
    assert_eq!(
        a.basis,
        ["Interpretation art. 5(1)(8): tier A 25 ≥ half of 50 (insider)"]
    );
    let a = assess(rules(), &[summary(250, 0, 0)], &insider());
    assert!(a
        .basis
        .iter()
        .any(|b| b.starts_with("Interpretation art. 5(2)(3): tier A 250 ≥ 10 × half of 50")));
}

#[test]
fn insider_halving_needs_selling_or_providing() {
    let mut f = insider();
    f.act = Act::Obtained;
    let a = assess(rules(), &[summary(25, 0, 0)], &f);
    assert_eq!(a.level, N);
    assert!(!a.insider_applied);
    for act in [Act::Provided, Act::Published] {
        f.act = act;
        assert_eq!(level((25, 0, 0), &f), S, "{act:?}");
    }
}

#[test]
fn pro_rata_mixes_cross_one_and_ten_exactly() {
    let cases = [
        // 30/50 + 200/500 + 1,000/5,000 = 0.6 + 0.4 + 0.2 = 1.2
        ((30, 200, 1_000), S),
        // 49/50 + 10/500 = 0.98 + 0.02 = 1 exactly: floating point gets this wrong either way.
        ((49, 10, 0), S),
        ((49, 9, 9), N),       // 0.9998
        ((0, 499, 10), S),     // 0.998 + 0.002 = 1
        ((0, 499, 9), N),      // 0.9998
        ((10, 100, 3_000), S), // 0.2 + 0.2 + 0.6 = 1
        ((10, 100, 2_999), N),
        // ×10: 6 + 4 + 2 = 12
        ((300, 2_000, 10_000), P),
        ((499, 10, 0), P),         // 9.98 + 0.02 = 10
        ((499, 9, 9), S),          // 9.9998
        ((100, 1_000, 30_000), P), // 2 + 2 + 6 = 10
        ((100, 1_000, 29_999), S),
    ];
    for (counts, want) in cases {
        assert_eq!(level(counts, &sold()), want, "{counts:?}");
    }
    let insider_cases = [
        ((24, 10, 0), S),       // 0.48 + 0.02 = 0.5
        ((24, 9, 9), N),        // 0.4998
        ((249, 10, 0), P),      // 4.98 + 0.02 = 5
        ((249, 9, 9), S),       // 4.9998
        ((50, 500, 15_000), P), // 1 + 1 + 3 = 5
    ];
    for (counts, want) in insider_cases {
        assert_eq!(level(counts, &insider()), want, "insider {counts:?}");
    }
    let a = assess(rules(), &[summary(30, 200, 1_000)], &sold());
    assert_eq!(a.units, 1.2);
    assert_eq!(
        a.basis,
        ["Interpretation art. 5(1)(6): pro rata tier A 30/50 + tier B 200/500 + tier C 1,000/5,000 = 1.2 ≥ 1"]
    );
    let a = assess(rules(), &[summary(49, 10, 0)], &sold());
    assert_eq!(a.units, 1.0);
}

#[test]
fn gains_alone() {
    let gains = |yuan_fen: u64, facts: &CaseFacts| {
        let mut f = facts.clone();
        f.illegal_gains_yuan = Some(Yuan { fen: yuan_fen });
        level((0, 0, 0), &f)
    };
    // Amounts in fen: 4,999.99 / 5,000 / 49,999.99 / 50,000 yuan.
    let cases = [(499_999, N), (500_000, S), (4_999_999, S), (5_000_000, P)];
    for (fen, want) in cases {
        assert_eq!(gains(fen, &sold()), want, "{fen} fen");
    }
    // 2,499.99 / 2,500 / 24,999.99 / 25,000 yuan.
    let insider_cases = [(249_999, N), (250_000, S), (2_499_999, S), (2_500_000, P)];
    for (fen, want) in insider_cases {
        assert_eq!(gains(fen, &insider()), want, "insider {fen} fen");
    }
}

#[test]
fn gains_are_not_pooled_with_counts() {
    // 0.6 of the count standard and 0.6 of the gains standard: neither reaches, and they do not add.
    let mut f = sold();
    f.illegal_gains_yuan = Some(Yuan::from_yuan(3_000));
    let a = assess(rules(), &[summary(30, 0, 0)], &f);
    assert_eq!(a.level, N);
    assert!(a.basis.is_empty());
    // Both reached: both cited, separately.
    f.illegal_gains_yuan = Some(Yuan::from_yuan(6_000));
    let a = assess(rules(), &[summary(60, 0, 0)], &f);
    assert_eq!(a.level, S);
    assert_eq!(a.basis.len(), 2);
    assert!(a.basis[1].contains("illegal gains 6,000 yuan ≥ 5,000 yuan (not pooled with counts)"));
}

#[test]
fn article_6_lawful_business_purchase() {
    let mut f = sold();
    f.act = Act::BoughtForLawfulBusiness;
    f.resold = Some(false);
    // A million tier-C records bought for business: the count alone is not serious.
    assert_eq!(level((0, 0, 1_000_000), &f), N);
    f.lawful_business_profit_yuan = Some(Yuan { fen: 4_999_999 });
    assert_eq!(level((0, 0, 1_000_000), &f), N);
    f.lawful_business_profit_yuan = Some(Yuan::from_yuan(50_000));
    let a = assess(rules(), &[summary(0, 0, 1_000_000)], &f);
    assert_eq!(a.level, S);
    assert!(a.basis[0].starts_with("Interpretation art. 6 para. 1 item (1)"));
    // No "particularly serious" under art. 6, however large the profit.
    f.lawful_business_profit_yuan = Some(Yuan::from_yuan(5_000_000));
    assert_eq!(level((0, 0, 1_000_000), &f), S);
    // The art. 5(9) record.
    f.lawful_business_profit_yuan = None;
    f.prior_admin_penalty_within_2y = Some(true);
    assert_eq!(level((0, 0, 10), &f), S);
    f.prior_admin_penalty_within_2y = Some(false);
    // Resold: art. 5 in full.
    f.resold = Some(true);
    let a = assess(rules(), &[summary(0, 0, 1_000_000)], &f);
    assert_eq!(a.level, P);
    assert_eq!(a.act, Act::Sold);
    // Tier A or B present: art. 6 does not cover it; art. 5 applies as obtaining (art. 4).
    f.resold = Some(false);
    let a = assess(rules(), &[summary(60, 0, 0)], &f);
    assert_eq!(a.level, S);
    assert_eq!(a.act, Act::Obtained);
    // Resale unknown: the explanation says it would change the outcome.
    f.resold = None;
    let a = assess(rules(), &[summary(0, 0, 1_000_000)], &f);
    assert_eq!(a.level, N);
    let w = a.would_change.iter().find(|w| w.fact == "resold").unwrap();
    assert_eq!(w.level, P);
    let w = a
        .would_change
        .iter()
        .find(|w| w.fact == "lawful_business_profit_yuan")
        .unwrap();
    assert_eq!(w.level, S);
    assert!(a
        .nearest_threshold
        .as_ref()
        .unwrap()
        .money_short_yuan
        .is_none());
}

fn recipient(name: &str, s: SummaryInput) -> Recipient {
    Recipient {
        name: name.into(),
        summaries: Vec::new(),
        loaded: vec![s],
    }
}

#[test]
fn article_11_same_data_to_three_recipients_counts_three_times() {
    let mut f = sold();
    // 2,000 tier-C records: 0.4 of the standard if counted once.
    assert_eq!(level((0, 0, 2_000), &f), N);
    f.recipients = ["buyer 1", "buyer 2", "buyer 3"]
        .into_iter()
        .map(|n| recipient(n, summary(0, 0, 2_000)))
        .collect();
    let a = assess(rules(), &[summary(0, 0, 2_000)], &f);
    assert_eq!(a.counts.c, 6_000);
    assert_eq!(a.level, S);
    assert_eq!(a.counting.delivered.unwrap().c, 6_000);
    assert_eq!(a.counting.recipients.len(), 3);
    assert!(a
        .explanation_en
        .iter()
        .any(|l| l.contains("art. 11 para. 2") && l.contains("once per recipient")));
    // Obtained, then sold to one buyer: counted once, not twice (art. 11 para. 1).
    f.recipients.truncate(1);
    let a = assess(rules(), &[summary(0, 0, 2_000)], &f);
    assert_eq!(a.counts.c, 2_000);
    assert_eq!(a.level, N);
    // Seized more than was delivered: the seized count stands.
    let a = assess(rules(), &[summary(0, 0, 5_000)], &f);
    assert_eq!(a.counts.c, 5_000);
    // Recipients without seized data.
    f.recipients = vec![recipient("x", summary(0, 0, 5_000))];
    assert_eq!(assess(rules(), &[], &f).level, S);
}

#[test]
fn unknown_facts_stay_unknown_and_are_named() {
    let f = CaseFacts::new(Act::Sold); // everything unknown
    let a = assess(rules(), &[summary(30, 0, 0)], &f);
    assert_eq!(a.level, N);
    let by_fact = |fact: &str| {
        a.would_change
            .iter()
            .find(|w| w.fact == fact)
            .map(|w| w.level)
    };
    assert_eq!(by_fact("insider"), Some(S)); // 30 ≥ 25
    assert_eq!(by_fact("knew_recipient_crimes"), Some(S));
    assert_eq!(by_fact("track_info_used_in_crime"), Some(S));
    assert_eq!(by_fact("prior_criminal_record"), Some(S));
    assert_eq!(by_fact("harm_death_or_serious_injury"), Some(P));
    assert_eq!(by_fact("harm_major_loss_or_egregious_impact"), Some(P));
    let gains: Vec<_> = a
        .would_change
        .iter()
        .filter(|w| w.fact == "illegal_gains_yuan")
        .map(|w| (w.value.as_str(), w.level))
        .collect();
    assert_eq!(gains, [(">= 5,000", S), (">= 50,000", P)]);
    assert!(a
        .explanation_en
        .iter()
        .any(|l| l.contains("If the actor is an insider") && l.contains("would be serious")));
    assert!(a
        .explanation_en
        .iter()
        .any(|l| l.contains("Insider: unknown; assessed as not an insider")));
    // Known facts produce no "what if".
    let a = assess(rules(), &[summary(30, 0, 0)], &sold());
    assert!(a
        .would_change
        .iter()
        .all(|w| w.fact == "illegal_gains_yuan"));
}

#[test]
fn qualitative_circumstances() {
    let with = |set: fn(&mut CaseFacts), act: Act| {
        let mut f = sold();
        f.act = act;
        set(&mut f);
        level((0, 0, 1), &f)
    };
    assert_eq!(
        with(|f| f.track_info_used_in_crime = Some(true), Act::Sold),
        S
    );
    assert_eq!(
        with(|f| f.track_info_used_in_crime = Some(true), Act::Obtained),
        N
    );
    assert_eq!(
        with(|f| f.knew_recipient_crimes = Some(true), Act::Provided),
        S
    );
    assert_eq!(
        with(|f| f.prior_criminal_record = Some(true), Act::Obtained),
        S
    );
    assert_eq!(
        with(|f| f.prior_admin_penalty_within_2y = Some(true), Act::Sold),
        S
    );
    assert_eq!(
        with(|f| f.harm_death_or_serious_injury = Some(true), Act::Sold),
        P
    );
    assert_eq!(
        with(
            |f| f.harm_major_loss_or_egregious_impact = Some(true),
            Act::Obtained
        ),
        P
    );
}

#[test]
fn disputed_readings_move_class_counts() {
    let s: SummaryInput = serde_json::from_value(serde_json::json!({
        "schema": "fangxian.summary/1",
        "tiers": {"B": {"records": 60, "persons": 60, "screened": 60}},
        "classes": {"flight_itinerary": {"records": 60, "persons": 60, "screened": 60}}
    }))
    .unwrap();
    let a = assess(rules(), std::slice::from_ref(&s), &insider());
    assert_eq!(a.level, N);
    assert_eq!(a.readings["default"].as_seized.counts.b, 60);
    assert_eq!(a.readings["conservative"].as_seized.counts.a, 60);
    assert_eq!(a.readings["conservative"].as_seized.counts.b, 0);
    assert_eq!(a.readings["conservative"].as_seized.level, S);
    assert_eq!(a.readings["lenient"].as_seized.level, N);
    assert_eq!(a.disputed.len(), 1);
    assert_eq!(a.disputed[0].class, "flight_itinerary");
    assert!(a
        .explanation_en
        .iter()
        .any(|l| l.contains("The readings differ")));
    // A class that is down-tiered by the lenient reading.
    let s: SummaryInput = serde_json::from_value(serde_json::json!({
        "schema": "fangxian.summary/1",
        "tiers": {"A": {"records": 50, "persons": 50}},
        "classes": {"location_point": {"records": 50, "persons": 50}}
    }))
    .unwrap();
    let a = assess(rules(), &[s], &sold());
    assert_eq!(a.level, S);
    assert_eq!(a.readings["lenient"].as_seized.counts.c, 50);
    assert_eq!(a.readings["lenient"].as_seized.level, N);
    // Without classes all readings equal the default, with a warning.
    let a = assess(rules(), &[summary(60, 0, 0)], &sold());
    assert_eq!(a.readings["conservative"].as_seized.counts, a.counts);
    assert!(a.warnings.iter().any(|w| w.contains("no per-class counts")));
}

#[test]
fn screened_count_is_shown_beside_the_as_seized_verdict() {
    let s: SummaryInput = serde_json::from_value(serde_json::json!({
        "schema": "fangxian.summary/1",
        "records": {"total": 6_500, "with_pi": 6_000, "invalid": 800, "duplicate": 1_200},
        "tiers": {"C": {"records": 6_000, "persons": 5_500, "screened": 4_000}}
    }))
    .unwrap();
    let a = assess(rules(), std::slice::from_ref(&s), &sold());
    assert_eq!(a.level, S);
    assert_eq!(a.counts.c, 6_000);
    assert_eq!(a.screened.counts.c, 4_000);
    assert_eq!(a.screened.level, N);
    assert_eq!(a.counting.screened_source, "screened");
    assert!(a
        .explanation_en
        .iter()
        .any(|l| l.contains("Exclusion needs evidence")
            && l.contains("800 invalid and 1,200 duplicate records")));
    // Without `screened`, distinct persons stand in.
    let mut s = s;
    s.tiers.get_mut("C").unwrap().screened = None;
    let a = assess(rules(), &[s], &sold());
    assert_eq!(a.screened.counts.c, 5_500);
    assert_eq!(a.screened.level, S);
    assert_eq!(a.counting.screened_source, "persons");
}

#[test]
fn nearest_threshold_and_shortfall() {
    let a = assess(rules(), &[summary(30, 0, 0)], &sold());
    let n = a.nearest_threshold.unwrap();
    assert_eq!(n.target, S);
    assert_eq!(n.units_short, Some(0.4));
    let m = n.more_items.unwrap();
    assert_eq!((m.a, m.b, m.c), (20, 200, 2_000));
    assert_eq!(n.money_needed_yuan, 5_000.0);
    // Insider, serious by count, gains known: how far from particularly serious.
    let mut f = insider();
    f.illegal_gains_yuan = Some(Yuan::from_yuan(20_000));
    let a = assess(rules(), &[summary(0, 0, 9_300)], &f);
    assert_eq!(a.level, S);
    let n = a.nearest_threshold.unwrap();
    assert_eq!(n.target, P);
    assert_eq!(n.units, Some(1.86));
    assert_eq!(n.units_needed, Some(5.0));
    assert_eq!(n.more_items.unwrap().c, 15_700);
    assert_eq!(n.money_needed_yuan, 25_000.0);
    assert_eq!(n.money_short_yuan, Some(5_000.0));
    // Particularly serious: nothing above it.
    let a = assess(rules(), &[summary(500, 0, 0)], &sold());
    assert!(a.nearest_threshold.is_none());
}

#[test]
fn pipl_flags_sit_beside_the_tiers() {
    let mut s = summary(0, 0, 10);
    let without = assess(rules(), std::slice::from_ref(&s), &sold());
    s = serde_json::from_value(serde_json::json!({
        "schema": "fangxian.summary/1",
        "tiers": {"C": {"records": 10, "persons": 10}},
        "items": {"cn_resident_id": {"found": 10, "distinct": 10, "invalid": 0},
                  "not_a_type": {"found": 3}}
    }))
    .unwrap();
    let with = assess(rules(), &[s], &sold());
    assert_eq!(with.level, without.level);
    assert_eq!(with.units, without.units);
    assert_eq!(with.pipl.len(), 1);
    let json = serde_json::to_value(&with.pipl[0]).unwrap();
    assert_eq!(json["type"], "cn_resident_id");
    assert_eq!(
        json["profiles"]["GB/T 35273-2020"]["sensitivity"],
        "sensitive"
    );
    assert_eq!(
        json["profiles"]["GB/T 45574-2025"]["sensitivity"],
        "not_sensitive"
    );
}

#[test]
fn contract_shape_and_bad_input() {
    let facts = sold();
    let v = serde_json::json!({
        "schema": "fangxian.summary/1",
        "tiers": {"A": {"records": 50, "persons": 50}}
    });
    let a = assess_summary(rules(), &v, &facts).unwrap();
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["schema"], "fangxian.assessment/1");
    assert_eq!(json["level"], "serious");
    assert_eq!(json["units"], 1.0);
    assert_eq!(json["counts"], serde_json::json!({"A": 50, "B": 0, "C": 0}));
    assert!(json["basis"][0].as_str().unwrap().contains("art. 5(1)(3)"));
    let bad = serde_json::json!({"schema": "fangxian.findings/1"});
    let err = assess_summary(rules(), &bad, &facts).unwrap_err();
    assert!(err.to_string().contains("fangxian.summary/1"), "{err}");
    assert!(assess_summary(rules(), &serde_json::json!([1, 2]), &facts).is_err());
    // Absurd counts saturate instead of overflowing.
    let huge = serde_json::json!({
        "schema": "fangxian.summary/1",
        "tiers": {"A": {"records": u64::MAX, "persons": u64::MAX}}
    });
    let mut f = sold();
    f.recipients = vec![
        recipient("a", summary(u64::MAX, 0, 0)),
        recipient("b", summary(u64::MAX, 0, 0)),
    ];
    let a = assess_summary(rules(), &huge, &f).unwrap();
    assert_eq!(a.level, P);
    assert_eq!(a.counts.a, u64::MAX);
}

#[test]
fn explanation_walks_the_arithmetic_and_disclaims() {
    let a = assess(rules(), &[summary(30, 200, 1_000)], &sold());
    let en = a.explanation_en.join("\n");
    assert!(
        en.contains(
            "tier A 30/50 + tier B 200/500 + tier C 1,000/5,000 = 1.2; serious at ≥ 1: reached"
        ),
        "{en}"
    );
    assert!(en.contains("particularly serious at ≥ 10: not reached"));
    assert!(en.contains("This informs; it does not judge."));
    let zh = a.explanation_zh.join("\n");
    assert!(
        zh.contains("A类30/50 + B类200/500 + C类1,000/5,000 = 1.2"),
        "{zh}"
    );
    assert!(zh.contains("情节严重"));
    assert!(zh.contains("不构成法律意见"));
    assert_eq!(a.explanation_zh.len(), a.explanation_en.len());
}

#[test]
fn known_facts_the_level_rests_on_are_listed() {
    // Serious only because of the insider standard: contesting insider status lowers it.
    let a = assess(rules(), &[summary(30, 0, 0)], &insider());
    assert_eq!(a.level, S);
    assert_eq!(a.depends_on.len(), 1);
    assert_eq!(a.depends_on[0].fact, "insider");
    assert_eq!(a.depends_on[0].level, N);
    assert!(a.depends_on[0]
        .en
        .contains("If insider status were not proven"));
    // Particularly serious by count alone: nothing to contest.
    let mut f = insider();
    f.illegal_gains_yuan = Some(Yuan::from_yuan(60_000));
    let a = assess(rules(), &[summary(600, 0, 0)], &f);
    assert_eq!(a.level, P);
    assert!(a.depends_on.is_empty());
    // Gains carry it: without them it falls to serious by count.
    let a = assess(rules(), &[summary(60, 0, 0)], &f);
    assert_eq!(a.level, P);
    assert_eq!(a.depends_on.len(), 1);
    assert_eq!(a.depends_on[0].fact, "illegal_gains_yuan");
    assert_eq!(a.depends_on[0].level, S);
}
