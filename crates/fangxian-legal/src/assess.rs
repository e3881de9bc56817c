//! The assessment: counts and facts in, level, basis and explanation out.

use std::collections::BTreeMap;

use fangxian_core::{ContentClass, ItemKind, PiplFlag, PiplProfile, Tier};
use serde::{Deserialize, Serialize};

use crate::facts::{Act, CaseFacts, Yuan};
use crate::ratio::{fmt_int, fmt_ratio, fmt_yuan, to_f64, Factor};
use crate::summary::{CountPair, SummaryInput};
use crate::{Error, Ruleset};

/// The schema id of the assessment JSON (contract §4).
pub const SCHEMA: &str = "fangxian.assessment/1";

/// The level of the circumstances under Criminal Law art. 253-1.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Neither threshold reached: not 情节严重 on what the tool can see.
    #[default]
    None,
    /// 情节严重 (art. 5 para. 1).
    Serious,
    /// 情节特别严重 (art. 5 para. 2).
    ParticularlySerious,
}

impl Level {
    /// The contract id: `none`, `serious`, `particularly_serious`.
    pub fn id(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Serious => "serious",
            Level::ParticularlySerious => "particularly_serious",
        }
    }

    /// The statute's words.
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::None => "未达情节严重",
            Level::Serious => "情节严重",
            Level::ParticularlySerious => "情节特别严重",
        }
    }

    /// English.
    pub fn name_en(self) -> &'static str {
        match self {
            Level::None => "below serious",
            Level::Serious => "serious",
            Level::ParticularlySerious => "particularly serious",
        }
    }
}

/// Item counts per tier, serialised as `{"A": n, "B": n, "C": n}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierCounts {
    /// Tier A (50-class).
    #[serde(rename = "A")]
    pub a: u64,
    /// Tier B (500-class).
    #[serde(rename = "B")]
    pub b: u64,
    /// Tier C (5,000-class).
    #[serde(rename = "C")]
    pub c: u64,
}

impl TierCounts {
    /// The count of one tier.
    pub fn get(&self, tier: Tier) -> u64 {
        match tier {
            Tier::A => self.a,
            Tier::B => self.b,
            Tier::C => self.c,
        }
    }

    /// Sets the count of one tier.
    pub fn set(&mut self, tier: Tier, n: u64) {
        match tier {
            Tier::A => self.a = n,
            Tier::B => self.b = n,
            Tier::C => self.c = n,
        }
    }

    /// Adds another set of counts (saturating).
    pub fn add(&mut self, other: &TierCounts) {
        for t in Tier::ALL {
            self.set(t, self.get(t).saturating_add(other.get(t)));
        }
    }

    /// Per tier, the larger of the two.
    #[must_use]
    pub fn max(&self, other: &TierCounts) -> TierCounts {
        let mut out = *self;
        for t in Tier::ALL {
            out.set(t, self.get(t).max(other.get(t)));
        }
        out
    }
}

/// How disputed content classes are tiered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Each class in its default category (the scan summary's tiers).
    Default,
    /// Disputed classes up-tiered (worse for the defendant).
    Conservative,
    /// Disputed classes down-tiered.
    Lenient,
}

impl Reading {
    /// All readings, default first.
    pub const ALL: [Reading; 3] = [Reading::Default, Reading::Conservative, Reading::Lenient];

    /// The reading's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Reading::Default => "默认归类",
            Reading::Conservative => "从严归类",
            Reading::Lenient => "从宽归类",
        }
    }

    /// The reading's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Reading::Default => "default reading",
            Reading::Conservative => "conservative reading",
            Reading::Lenient => "lenient reading",
        }
    }
}

/// The result for one set of counts.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The level.
    pub level: Level,
    /// The pro-rata sum nA/50 + nB/500 + nC/5,000 (exact comparisons; this is for display).
    pub units: f64,
    /// The counts assessed.
    pub counts: TierCounts,
    /// Each rule that fired, citing article and numbers (English).
    pub basis: Vec<String>,
    /// The same in Chinese.
    pub basis_zh: Vec<String>,
}

/// One reading, on the as-seized and on the screened count.
#[derive(Clone, Debug, Serialize)]
pub struct ReadingResult {
    /// Counts as seized (art. 11 para. 3): what the verdict uses.
    pub as_seized: Outcome,
    /// Counts after removing duplicates and all-invalid records (needs evidence to apply).
    pub screened: Outcome,
}

/// A disputed content class present in the inputs.
#[derive(Clone, Debug, Serialize)]
pub struct DisputedClass {
    /// The class id.
    pub class: String,
    /// Records of the class in the inputs.
    pub records: u64,
    /// Tier the scan summary counted it under.
    pub default_tier: Tier,
    /// Tier under the conservative reading.
    pub conservative: Tier,
    /// Tier under the lenient reading.
    pub lenient: Tier,
    /// Why it is disputed.
    pub note_en: String,
    /// The same in Chinese.
    pub note_zh: String,
}

/// One recipient's share under art. 11 para. 2.
#[derive(Clone, Debug, Serialize)]
pub struct RecipientCount {
    /// The recipient.
    pub name: String,
    /// What they received, as seized, default reading.
    pub counts: TierCounts,
}

/// How the counts were formed (art. 11).
#[derive(Clone, Debug, Serialize)]
pub struct Counting {
    /// The counting unit the verdict uses.
    pub unit: &'static str,
    /// Counts of the seized summaries (default reading, as seized).
    pub seized: TierCounts,
    /// Sum over recipients, if any were given (art. 11 para. 2).
    pub delivered: Option<TierCounts>,
    /// Each recipient's share.
    pub recipients: Vec<RecipientCount>,
    /// Records with at least one invalid item, over all inputs (exclusion evidence).
    pub invalid_records: u64,
    /// Duplicate records, over all inputs (exclusion evidence).
    pub duplicate_records: u64,
    /// Where the screened counts came from: `screened` or `persons` (fallback).
    pub screened_source: &'static str,
}

/// The nearest threshold the verdict did not reach.
#[derive(Clone, Debug, Serialize)]
pub struct Nearest {
    /// The level it would give.
    pub target: Level,
    /// The rule that sets it (English citation).
    pub rule: String,
    /// The same in Chinese.
    pub rule_zh: String,
    /// Current pro-rata sum (art. 5 only).
    pub units: Option<f64>,
    /// Pro-rata sum needed.
    pub units_needed: Option<f64>,
    /// How far short.
    pub units_short: Option<f64>,
    /// More items of a single tier that would close the gap on their own.
    pub more_items: Option<TierCounts>,
    /// `illegal_gains_yuan` (art. 5) or `lawful_business_profit_yuan` (art. 6).
    pub money: &'static str,
    /// Amount that reaches the target.
    pub money_needed_yuan: f64,
    /// How far short the known amount is (`None` when the amount is unknown).
    pub money_short_yuan: Option<f64>,
}

/// An unknown fact that would change the level.
#[derive(Clone, Debug, Serialize)]
pub struct WhatIf {
    /// The facts-file key.
    pub fact: &'static str,
    /// The value that changes the outcome.
    pub value: String,
    /// The level it would give.
    pub level: Level,
    /// English sentence.
    pub en: String,
    /// Chinese sentence.
    pub zh: String,
}

/// Statutory penalty information for the level (information, not a sentence).
#[derive(Clone, Debug, Serialize)]
pub struct Penalty {
    /// The band in the statute's words.
    pub band_zh: String,
    /// The band in English.
    pub band_en: String,
    /// Citation.
    pub rule: String,
    /// Whether art. 253-1 para. 2 (heavier punishment for insiders) applies.
    pub insider_heavier: bool,
    /// Art. 12 fine range `[low, high]` in yuan, when the gains are known.
    pub fine_range_yuan: Option<[f64; 2]>,
}

/// PIPL art. 28 flags of one item type found (beside, never inside, the criminal tiers).
#[derive(Clone, Debug, Serialize)]
pub struct PiplItem {
    /// The item type id.
    #[serde(rename = "type")]
    pub kind: ItemKind,
    /// Chinese name.
    pub name_zh: &'static str,
    /// Findings over all inputs.
    pub found: u64,
    /// Standard → flag.
    pub profiles: BTreeMap<&'static str, PiplFlag>,
}

/// The assessment: contract §4 (`schema`, `level`, `units`, `basis`, `counts`) plus extensions.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    /// `fangxian.assessment/1`.
    pub schema: &'static str,
    /// The level: default reading, as-seized count.
    pub level: Level,
    /// The pro-rata sum of `counts`.
    pub units: f64,
    /// Each rule that fired, citing article and numbers.
    pub basis: Vec<String>,
    /// The counts assessed: default reading, as seized, after art. 11 counting.
    pub counts: TierCounts,
    /// `{id, version}` of the ruleset used.
    pub ruleset: BTreeMap<&'static str, String>,
    /// The case facts as given (unknown facts are `null`).
    pub facts: CaseFacts,
    /// The act, as assessed (after art. 6 and art. 3).
    pub act: Act,
    /// Whether the art. 5(1)(8) insider standard was applied.
    pub insider_applied: bool,
    /// The pro-rata sums that are serious and particularly serious under the standards applied
    /// (`[1, 10]`, insiders `[0.5, 5]`).
    pub standard_units: [f64; 2],
    /// `basis` in Chinese.
    pub basis_zh: Vec<String>,
    /// The default reading on the screened count, shown beside the verdict.
    pub screened: Outcome,
    /// Every reading, as seized and screened.
    pub readings: BTreeMap<&'static str, ReadingResult>,
    /// Disputed content classes present in the inputs.
    pub disputed: Vec<DisputedClass>,
    /// How the counts were formed.
    pub counting: Counting,
    /// The nearest threshold not reached, if any.
    pub nearest_threshold: Option<Nearest>,
    /// Unknown facts that would change the level.
    pub would_change: Vec<WhatIf>,
    /// Known facts the level rests on: each one that, if not proven, would lower the level.
    pub depends_on: Vec<WhatIf>,
    /// Statutory penalty information.
    pub penalty: Option<Penalty>,
    /// PIPL art. 28 flags per item type found.
    pub pipl: Vec<PiplItem>,
    /// Problems with the inputs that did not stop the assessment.
    pub warnings: Vec<String>,
    /// The reasoning, step by step, in Chinese.
    pub explanation_zh: Vec<String>,
    /// The reasoning, step by step, in English.
    pub explanation_en: Vec<String>,
}

/// The facts the evaluation reads, copyable so "what if" variants are cheap.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Conduct {
    pub act: Act,
    pub resold: Option<bool>,
    pub insider: Option<bool>,
    pub gains: Option<Yuan>,
    pub profit: Option<Yuan>,
    pub prior_criminal: Option<bool>,
    pub prior_admin: Option<bool>,
    pub knew: Option<bool>,
    pub track: Option<bool>,
    pub harm_death: Option<bool>,
    pub harm_loss: Option<bool>,
}

impl Conduct {
    fn from_facts(f: &CaseFacts) -> Conduct {
        Conduct {
            act: f.act,
            resold: f.resold,
            insider: f.insider,
            gains: f.illegal_gains_yuan,
            profit: f.lawful_business_profit_yuan,
            prior_criminal: f.prior_criminal_record,
            prior_admin: f.prior_admin_penalty_within_2y,
            knew: f.knew_recipient_crimes,
            track: f.track_info_used_in_crime,
            harm_death: f.harm_death_or_serious_injury,
            harm_loss: f.harm_major_loss_or_egregious_impact,
        }
    }

    fn prior(&self) -> bool {
        self.prior_criminal == Some(true) || self.prior_admin == Some(true)
    }
}

/// One rule that fired.
#[derive(Clone, Debug)]
pub(crate) struct Fired {
    pub level: Level,
    pub en: String,
    pub zh: String,
}

/// Which article decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    Art5,
    Art6,
}

/// The evaluation of one set of counts.
#[derive(Clone, Debug)]
pub(crate) struct Verdict {
    pub level: Level,
    /// Pro-rata sum in `1/units_denominator`ths.
    pub units_scaled: u128,
    pub counts: TierCounts,
    pub path: Path,
    pub act: Act,
    pub insider: bool,
    pub fired: Vec<Fired>,
    /// (zh, en) notes on how the act was classified.
    pub notes: Vec<(String, String)>,
}

impl Verdict {
    fn outcome(&self, rules: &Ruleset) -> Outcome {
        Outcome {
            level: self.level,
            units: to_f64(self.units_scaled, rules.thresholds.units_denominator()),
            counts: self.counts,
            basis: self.fired.iter().map(|f| f.en.clone()).collect(),
            basis_zh: self.fired.iter().map(|f| f.zh.clone()).collect(),
        }
    }
}

fn tier_zh(t: Tier) -> &'static str {
    match t {
        Tier::A => "A类",
        Tier::B => "B类",
        Tier::C => "C类",
    }
}

/// The pro-rata sum written out: `tier A 30/50 + tier B 200/500 + tier C 1,000/5,000 = 1.2`.
pub(crate) fn pro_rata(
    rules: &Ruleset,
    counts: &TierCounts,
    units_scaled: u128,
) -> (String, String) {
    let t = &rules.thresholds;
    let total = fmt_ratio(units_scaled, t.units_denominator());
    let en: Vec<String> = Tier::ALL
        .iter()
        .map(|&tier| {
            format!(
                "tier {tier} {}/{}",
                fmt_int(counts.get(tier).into()),
                fmt_int(t.tier(tier).into())
            )
        })
        .collect();
    let zh: Vec<String> = Tier::ALL
        .iter()
        .map(|&tier| {
            format!(
                "{}{}/{}",
                tier_zh(tier),
                fmt_int(counts.get(tier).into()),
                fmt_int(t.tier(tier).into())
            )
        })
        .collect();
    (
        format!("{} = {total}", zh.join(" + ")),
        format!("{} = {total}", en.join(" + ")),
    )
}

fn units_of(rules: &Ruleset, counts: &TierCounts) -> u128 {
    let t = &rules.thresholds;
    Tier::ALL.into_iter().fold(0u128, |acc, tier| {
        acc.saturating_add(u128::from(counts.get(tier)).saturating_mul(t.unit_weight(tier)))
    })
}

/// A standard: which factor, and how to describe it.
struct Standard {
    factor: Factor,
    level: Level,
    insider: bool,
}

impl Standard {
    fn describe_en(&self, base: String, mult: u64) -> String {
        match (self.level, self.insider) {
            (Level::ParticularlySerious, true) => format!("{mult} × half of {base}"),
            (Level::ParticularlySerious, false) => format!("{mult} × {base}"),
            (_, true) => format!("half of {base}"),
            _ => base,
        }
    }

    fn describe_zh(&self, base: String, mult: u64) -> String {
        match (self.level, self.insider) {
            (Level::ParticularlySerious, true) => format!("{base}的一半的{mult}倍"),
            (Level::ParticularlySerious, false) => format!("{base}的{mult}倍"),
            (_, true) => format!("{base}的一半"),
            _ => base,
        }
    }
}

/// Evaluates one set of counts under the conduct.
pub(crate) fn evaluate(rules: &Ruleset, counts: &TierCounts, c: &Conduct) -> Verdict {
    let units_scaled = units_of(rules, counts);
    let mut v = Verdict {
        level: Level::None,
        units_scaled,
        counts: *counts,
        path: Path::Art5,
        act: c.act,
        insider: false,
        fired: Vec::new(),
        notes: Vec::new(),
    };
    if c.act == Act::BoughtForLawfulBusiness {
        if c.resold == Some(true) {
            v.notes.push((
                format!(
                    "{}：购买后又出售或者提供，适用第五条。",
                    rules.cite_zh("art6-2")
                ),
                format!(
                    "{}: bought and then sold or provided, so art. 5 applies in full.",
                    rules.cite_en("art6-2")
                ),
            ));
            v.act = Act::Sold;
        } else if counts.a > 0 || counts.b > 0 {
            v.notes.push((
                format!(
                    "{}只适用于第五条第一款第三项、第四项以外的信息；含A类或B类信息，按{}以非法获取论，适用第五条。",
                    rules.cite_zh("art6-1"),
                    rules.cite_zh("art4")
                ),
                format!(
                    "{} covers only PI outside art. 5(1)(3) and (4); tier A or B items are present, so the purchase is illegal obtaining ({}) under art. 5.",
                    rules.cite_en("art6-1"),
                    rules.cite_en("art4")
                ),
            ));
            v.act = Act::Obtained;
        } else {
            evaluate_art6(rules, c, &mut v);
            return v;
        }
    }
    if v.act == Act::Published {
        v.notes.push((
            format!("{}：发布视为提供。", rules.cite_zh("art3")),
            format!("{}: publishing is providing.", rules.cite_en("art3")),
        ));
    }
    let sells = v.act.sells_or_provides();
    v.insider = c.insider == Some(true) && sells;
    if c.insider == Some(true) && !sells {
        v.notes.push((
            format!(
                "{}减半标准只适用于出售或者提供，本案行为为{}，不适用。",
                rules.cite_zh("art5-1-8"),
                v.act.name_zh()
            ),
            format!(
                "The halved standards of {} apply to selling or providing only; the act is `{}`, so they are not applied.",
                rules.cite_en("art5-1-8"),
                v.act.id()
            ),
        ));
    }
    let fire = |v: &mut Verdict, level: Level, rule: &str, zh: String, en: String| {
        v.fired.push(Fired {
            level,
            zh: format!("{}：{zh}", rules.cite_zh(rule)),
            en: format!("{}: {en}", rules.cite_en(rule)),
        });
    };

    // Qualitative circumstances, given as case facts.
    if sells && c.track == Some(true) {
        fire(
            &mut v,
            Level::Serious,
            "art5-1-1",
            "出售或者提供的行踪轨迹信息被他人用于犯罪".into(),
            "track information sold or provided was used by others to commit a crime".into(),
        );
    }
    if sells && c.knew == Some(true) {
        fire(
            &mut v,
            Level::Serious,
            "art5-1-2",
            "知道或者应当知道他人利用公民个人信息实施犯罪".into(),
            "knew or should have known the recipient would use the PI to commit crimes".into(),
        );
    }
    if c.prior() {
        fire(&mut v, Level::Serious, "art5-1-9", "曾因侵犯公民个人信息受过刑事处罚或者二年内受过行政处罚".into(),
            "prior criminal punishment for infringing PI, or administrative punishment within two years".into());
    }
    if c.harm_death == Some(true) {
        fire(
            &mut v,
            Level::ParticularlySerious,
            "art5-2-1",
            "造成被害人死亡、重伤、精神失常或者被绑架等严重后果".into(),
            "caused a victim's death, serious injury, mental disorder, kidnapping or similar"
                .into(),
        );
    }
    if c.harm_loss == Some(true) {
        fire(
            &mut v,
            Level::ParticularlySerious,
            "art5-2-2",
            "造成重大经济损失或者恶劣社会影响".into(),
            "caused major economic loss or egregious social impact".into(),
        );
    }

    // Quantity and amount: items (3)–(8), and ×10 under para. 2 item (3).
    let t = &rules.thresholds;
    let mult = t.particularly_serious_multiplier;
    let half = (t.insider_factor[0], t.insider_factor[1]);
    let l = t.units_denominator();
    let (pr_zh, pr_en) = pro_rata(rules, counts, units_scaled);
    for level in [Level::Serious, Level::ParticularlySerious] {
        let m = if level == Level::Serious { 1 } else { mult };
        let mut standards = vec![Standard {
            factor: Factor::new(None, m),
            level,
            insider: false,
        }];
        if v.insider {
            standards.push(Standard {
                factor: Factor::new(Some(half), m),
                level,
                insider: true,
            });
        }
        let base = &standards[0].factor;
        for s in &standards {
            let rule_for = |tier_rule: &'static str| -> &'static str {
                match (level, s.insider) {
                    (Level::ParticularlySerious, _) => "art5-2-3",
                    (_, true) => "art5-1-8",
                    _ => tier_rule,
                }
            };
            let with8_en = if s.insider && level == Level::ParticularlySerious {
                format!(" (with {}, insider)", rules.cite_en("art5-1-8"))
            } else if s.insider {
                " (insider)".to_owned()
            } else {
                String::new()
            };
            let with8_zh = if s.insider && level == Level::ParticularlySerious {
                format!("（结合{}，内部人员）", rules.cite_zh("art5-1-8"))
            } else if s.insider {
                "（内部人员）".to_owned()
            } else {
                String::new()
            };
            // Under the insider standard report only what the base standard did not reach.
            let new = |a: u128, b: u128, thr: u128| {
                s.factor.reached(a, b, thr) && !(s.insider && base.reached(a, b, thr))
            };
            let mut tier_hit = false;
            for (tier, rule) in [
                (Tier::A, "art5-1-3"),
                (Tier::B, "art5-1-4"),
                (Tier::C, "art5-1-5"),
            ] {
                let n = counts.get(tier);
                let thr = u128::from(t.tier(tier));
                if s.factor.reached(n.into(), 1, thr) {
                    tier_hit = true;
                }
                if new(n.into(), 1, thr) {
                    let std_en = s.describe_en(fmt_int(thr), mult);
                    let std_zh = s.describe_zh(fmt_int(thr), mult);
                    fire(
                        &mut v,
                        level,
                        rule_for(rule),
                        format!(
                            "{}{} {} ≥ {}{with8_zh}",
                            tier_zh(tier),
                            "信息",
                            fmt_int(n.into()),
                            std_zh
                        ),
                        format!("tier {tier} {} ≥ {std_en}{with8_en}", fmt_int(n.into())),
                    );
                }
            }
            if !tier_hit && new(units_scaled, l, 1) {
                let std = s.factor.of(1);
                fire(
                    &mut v,
                    level,
                    rule_for("art5-1-6"),
                    format!("按比例合计 {pr_zh} ≥ {std}{with8_zh}"),
                    format!("pro rata {pr_en} ≥ {std}{with8_en}"),
                );
            }
            if let Some(g) = c.gains {
                let thr = u128::from(t.gains_yuan) * 100;
                if new(g.fen.into(), 1, thr) {
                    let std_en =
                        s.describe_en(format!("{} yuan", fmt_int(t.gains_yuan.into())), mult);
                    let std_zh = s.describe_zh(format!("{}元", fmt_int(t.gains_yuan.into())), mult);
                    fire(
                        &mut v,
                        level,
                        rule_for("art5-1-7"),
                        format!(
                            "违法所得{}元 ≥ {std_zh}（不与条数合并计算）{with8_zh}",
                            fmt_yuan(g.fen.into())
                        ),
                        format!(
                            "illegal gains {} yuan ≥ {std_en} (not pooled with counts){with8_en}",
                            fmt_yuan(g.fen.into())
                        ),
                    );
                }
            }
        }
    }
    v.level = v.fired.iter().map(|f| f.level).max().unwrap_or(Level::None);
    v
}

fn evaluate_art6(rules: &Ruleset, c: &Conduct, v: &mut Verdict) {
    v.path = Path::Art6;
    let t = &rules.thresholds;
    let cite_zh = rules.cite_zh("art6-1");
    let cite_en = rules.cite_en("art6-1");
    if let Some(p) = c.profit {
        if u128::from(p.fen) >= u128::from(t.art6_profit_yuan) * 100 {
            v.fired.push(Fired {
                level: Level::Serious,
                zh: format!(
                    "{cite_zh}第一项：利用购买、收受的信息获利{}元 ≥ {}元",
                    fmt_yuan(p.fen.into()),
                    fmt_int(t.art6_profit_yuan.into())
                ),
                en: format!(
                    "{cite_en} item (1): profit from the PI {} yuan ≥ {} yuan",
                    fmt_yuan(p.fen.into()),
                    fmt_int(t.art6_profit_yuan.into())
                ),
            });
        }
    }
    if c.prior() {
        v.fired.push(Fired {
            level: Level::Serious,
            zh: format!("{cite_zh}第二项：曾因侵犯公民个人信息受过刑事处罚或者二年内受过行政处罚"),
            en: format!("{cite_en} item (2): prior criminal punishment for infringing PI, or administrative punishment within two years"),
        });
    }
    v.notes.push((
        format!("{cite_zh}：为合法经营活动购买、收受C类信息，数量本身不构成情节严重；第六条不规定情节特别严重。"),
        format!("{cite_en}: for tier-C PI bought for lawful business the count alone is not serious; art. 6 defines no particularly serious level."),
    ));
    v.level = v.fired.iter().map(|f| f.level).max().unwrap_or(Level::None);
}

/// Counts under one reading: seized, per recipient, and the art. 11 result.
struct ReadingCounts {
    seized: CountPair,
    recipients: Vec<(String, CountPair)>,
    delivered: Option<CountPair>,
    final_: CountPair,
}

fn reading_counts(
    rules: &Ruleset,
    seized: &[SummaryInput],
    facts: &CaseFacts,
    reading: Reading,
    warnings: &mut Vec<String>,
) -> ReadingCounts {
    let mut s = CountPair::default();
    for summary in seized {
        s.add(&summary.counts(rules, reading, warnings));
    }
    let mut recipients = Vec::new();
    let mut delivered = CountPair::default();
    for r in &facts.recipients {
        let mut pair = CountPair::default();
        for summary in &r.loaded {
            pair.add(&summary.counts(rules, reading, warnings));
        }
        delivered.add(&pair);
        recipients.push((r.name.clone(), pair));
    }
    let (delivered, final_) = if facts.recipients.is_empty() {
        (None, s)
    } else {
        // Art. 11: what was obtained and then sold counts once (para. 1), each recipient counts
        // separately (para. 2). With only summaries we cannot tell which seized items were
        // delivered, so per tier the larger of the two is counted: exact when the deliveries
        // cover the seized data, a lower bound otherwise (the explanation says so).
        let final_ = CountPair {
            raw: s.raw.max(&delivered.raw),
            screened: s.screened.max(&delivered.screened),
        };
        (Some(delivered), final_)
    };
    ReadingCounts {
        seized: s,
        recipients,
        delivered,
        final_,
    }
}

/// Assesses seized summaries (and the recipients' summaries inside `facts`) under the facts.
///
/// Pure: no I/O. Unknown facts count as absent; the result lists those that would change it.
pub fn assess(rules: &Ruleset, seized: &[SummaryInput], facts: &CaseFacts) -> Assessment {
    let mut warnings = Vec::new();
    let conduct = Conduct::from_facts(facts);
    for r in &facts.recipients {
        if r.loaded.is_empty() {
            warnings.push(format!(
                "recipient `{}` has no loaded summaries; it adds nothing to the count",
                r.name
            ));
        }
    }
    let all_inputs: Vec<&SummaryInput> = seized
        .iter()
        .chain(facts.recipients.iter().flat_map(|r| r.loaded.iter()))
        .collect();
    if all_inputs.is_empty() {
        warnings.push("no summaries given: every count is zero".into());
    } else if !all_inputs.iter().any(|s| s.has_classes()) {
        warnings.push(
            "the summaries carry no per-class counts (`classes`): the conservative and lenient readings equal the default".into(),
        );
    }

    let mut counts = Vec::new();
    let mut results = BTreeMap::new();
    let mut verdicts = Vec::new();
    for reading in Reading::ALL {
        let rc = reading_counts(rules, seized, facts, reading, &mut warnings);
        let raw = evaluate(rules, &rc.final_.raw, &conduct);
        let screened = evaluate(rules, &rc.final_.screened, &conduct);
        let key = match reading {
            Reading::Default => "default",
            Reading::Conservative => "conservative",
            Reading::Lenient => "lenient",
        };
        results.insert(
            key,
            ReadingResult {
                as_seized: raw.outcome(rules),
                screened: screened.outcome(rules),
            },
        );
        verdicts.push((reading, raw, screened));
        counts.push(rc);
    }
    let (_, main, main_screened) = &verdicts[0];
    let default_counts = &counts[0];

    let mut disputed: BTreeMap<String, u64> = BTreeMap::new();
    for s in &all_inputs {
        for (id, entry) in &s.classes {
            if let Some(m) = rules.classes.get(id) {
                if m.conservative != m.lenient && entry.records > 0 {
                    let e = disputed.entry(id.clone()).or_default();
                    *e = e.saturating_add(entry.records);
                }
            }
        }
    }
    let disputed: Vec<DisputedClass> = disputed
        .into_iter()
        .filter_map(|(id, records)| {
            let class = id.parse::<ContentClass>().ok()?;
            let m = rules.classes.get(&id)?;
            Some(DisputedClass {
                class: id,
                records,
                default_tier: class.default_category().tier(),
                conservative: m.conservative,
                lenient: m.lenient,
                note_en: m.note_en.clone(),
                note_zh: m.note_zh.clone(),
            })
        })
        .collect();

    let invalid_records = all_inputs
        .iter()
        .fold(0u64, |a, s| a.saturating_add(s.records.invalid));
    let duplicate_records = all_inputs
        .iter()
        .fold(0u64, |a, s| a.saturating_add(s.records.duplicate));
    let has_screened = all_inputs
        .iter()
        .any(|s| s.tiers.values().any(|t| t.screened.is_some()));
    let counting = Counting {
        unit: "as_seized",
        seized: default_counts.seized.raw,
        delivered: default_counts.delivered.map(|d| d.raw),
        recipients: default_counts
            .recipients
            .iter()
            .map(|(name, pair)| RecipientCount {
                name: name.clone(),
                counts: pair.raw,
            })
            .collect(),
        invalid_records,
        duplicate_records,
        screened_source: if has_screened { "screened" } else { "persons" },
    };

    let nearest = nearest(rules, main, &conduct);
    let would_change = what_ifs(rules, &default_counts.final_.raw, &conduct, main);
    let depends_on = depends_on(rules, &default_counts.final_.raw, &conduct, main);
    let penalty = penalty(rules, main, &conduct);
    let pipl = pipl(&all_inputs);

    let mut a = Assessment {
        schema: SCHEMA,
        level: main.level,
        units: to_f64(main.units_scaled, rules.thresholds.units_denominator()),
        basis: main.fired.iter().map(|f| f.en.clone()).collect(),
        counts: main.counts,
        ruleset: BTreeMap::from([
            ("id", rules.ruleset.id.clone()),
            ("version", rules.ruleset.version.clone()),
        ]),
        facts: facts.clone(),
        act: main.act,
        insider_applied: main.insider,
        standard_units: {
            let t = &rules.thresholds;
            let half = main
                .insider
                .then_some((t.insider_factor[0], t.insider_factor[1]));
            let s = Factor::new(half, 1);
            let p = Factor::new(half, t.particularly_serious_multiplier);
            [to_f64(s.num, s.den), to_f64(p.num, p.den)]
        },
        basis_zh: main.fired.iter().map(|f| f.zh.clone()).collect(),
        screened: main_screened.outcome(rules),
        readings: results,
        disputed,
        counting,
        nearest_threshold: nearest,
        would_change,
        depends_on,
        penalty,
        pipl,
        warnings,
        explanation_zh: Vec::new(),
        explanation_en: Vec::new(),
    };
    let (zh, en) = crate::explain::explain(rules, facts, &a, &verdicts, &counts_summary(&counts));
    a.explanation_zh = zh;
    a.explanation_en = en;
    a
}

/// Per reading: seized, delivered, final (raw), for the explanation.
pub(crate) struct CountsView {
    pub seized: TierCounts,
    pub recipients: Vec<(String, TierCounts)>,
    pub delivered: Option<TierCounts>,
    pub final_: TierCounts,
}

fn counts_summary(counts: &[ReadingCounts]) -> Vec<CountsView> {
    counts
        .iter()
        .map(|c| CountsView {
            seized: c.seized.raw,
            recipients: c
                .recipients
                .iter()
                .map(|(n, p)| (n.clone(), p.raw))
                .collect(),
            delivered: c.delivered.map(|d| d.raw),
            final_: c.final_.raw,
        })
        .collect()
}

/// Assesses one scan summary given as JSON (what `fangxian scan --facts` embeds).
///
/// The recipients' summaries inside `facts` (loaded by [`CaseFacts::load`]) are counted too.
///
/// # Errors
/// [`Error::Summary`] if `summary` is not a `fangxian.summary/…` object.
pub fn assess_summary(
    rules: &Ruleset,
    summary: &serde_json::Value,
    facts: &CaseFacts,
) -> Result<Assessment, Error> {
    let input = SummaryInput::from_value(summary)?;
    Ok(assess(rules, std::slice::from_ref(&input), facts))
}

fn nearest(rules: &Ruleset, v: &Verdict, c: &Conduct) -> Option<Nearest> {
    let t = &rules.thresholds;
    let target = match v.level {
        Level::None => Level::Serious,
        Level::Serious => Level::ParticularlySerious,
        Level::ParticularlySerious => return None,
    };
    if v.path == Path::Art6 {
        // Art. 6 defines "serious" only.
        if target != Level::Serious {
            return None;
        }
        let need = u128::from(t.art6_profit_yuan) * 100;
        return Some(Nearest {
            target,
            rule: rules.cite_en("art6-1"),
            rule_zh: rules.cite_zh("art6-1"),
            units: None,
            units_needed: None,
            units_short: None,
            more_items: None,
            money: "lawful_business_profit_yuan",
            money_needed_yuan: to_f64(need, 100),
            money_short_yuan: c
                .profit
                .map(|p| to_f64(need.saturating_sub(p.fen.into()), 100)),
        });
    }
    let m = if target == Level::Serious {
        1
    } else {
        t.particularly_serious_multiplier
    };
    let half = (t.insider_factor[0], t.insider_factor[1]);
    let f = Factor::new(v.insider.then_some(half), m);
    let l = t.units_denominator();
    let mut more = TierCounts::default();
    for tier in Tier::ALL {
        let k = f.shortfall_steps(v.units_scaled, l, 1, t.unit_weight(tier));
        more.set(tier, u64::try_from(k).unwrap_or(u64::MAX));
    }
    // units_needed = num/den; shortfall = num/den − U/l, in units of 1/(den·l).
    let need_num = f.num.saturating_mul(l);
    let have = v.units_scaled.saturating_mul(f.den);
    let short = need_num.saturating_sub(have);
    let money_need = u128::from(t.gains_yuan) * 100 * f.num;
    let money_need_fen = crate::ratio::ceil_div(money_need, f.den);
    let rule = match (target, v.insider) {
        (Level::Serious, true) => "art5-1-8",
        (Level::Serious, false) => "art5-1-6",
        _ => "art5-2-3",
    };
    Some(Nearest {
        target,
        rule: rules.cite_en(rule),
        rule_zh: rules.cite_zh(rule),
        units: Some(to_f64(v.units_scaled, l)),
        units_needed: Some(to_f64(f.num, f.den)),
        units_short: Some(to_f64(short, f.den.saturating_mul(l))),
        more_items: Some(more),
        money: "illegal_gains_yuan",
        money_needed_yuan: to_f64(money_need_fen, 100),
        money_short_yuan: c
            .gains
            .map(|g| to_f64(money_need_fen.saturating_sub(g.fen.into()), 100)),
    })
}

/// Known facts that raise the level: for each, the level if it were not proven. A defence can
/// contest exactly these; a verdict that survives them all rests on the counts alone.
fn depends_on(rules: &Ruleset, counts: &TierCounts, c: &Conduct, v: &Verdict) -> Vec<WhatIf> {
    let mut out = Vec::new();
    let mut check = |fact: &'static str, value: &str, alt: Conduct, zh: &str, en: &str| {
        let level = evaluate(rules, counts, &alt).level;
        if level < v.level {
            out.push(WhatIf {
                fact,
                value: value.to_owned(),
                level,
                zh: format!("若{zh}不能认定，结论将为{}。", level.name_zh()),
                en: format!(
                    "If {en} were not proven, the level would be {}.",
                    level.name_en()
                ),
            });
        }
    };
    let t = Some(true);
    let f = Some(false);
    if c.insider == t {
        check(
            "insider",
            "false",
            Conduct { insider: f, ..*c },
            "内部人员身份",
            "insider status",
        );
    }
    if c.gains.is_some() {
        check(
            "illegal_gains_yuan",
            "unknown",
            Conduct { gains: None, ..*c },
            "违法所得数额",
            "the illegal gains",
        );
    }
    if c.profit.is_some() {
        check(
            "lawful_business_profit_yuan",
            "unknown",
            Conduct { profit: None, ..*c },
            "经营获利数额",
            "the profit",
        );
    }
    if c.resold == t {
        check(
            "resold",
            "false",
            Conduct { resold: f, ..*c },
            "购买后又出售或者提供",
            "the resale",
        );
    }
    if c.prior_criminal == t || c.prior_admin == t {
        check(
            "prior_record",
            "false",
            Conduct {
                prior_criminal: f,
                prior_admin: f,
                ..*c
            },
            "前科或者二年内行政处罚",
            "the prior record",
        );
    }
    if c.knew == t {
        check(
            "knew_recipient_crimes",
            "false",
            Conduct { knew: f, ..*c },
            "明知他人利用信息实施犯罪",
            "knowledge of the recipient's crimes",
        );
    }
    if c.track == t {
        check(
            "track_info_used_in_crime",
            "false",
            Conduct { track: f, ..*c },
            "行踪轨迹信息被用于犯罪",
            "the use of the track information in a crime",
        );
    }
    if c.harm_death == t {
        check(
            "harm_death_or_serious_injury",
            "false",
            Conduct {
                harm_death: f,
                ..*c
            },
            "死亡、重伤等严重后果",
            "the death, injury or kidnapping",
        );
    }
    if c.harm_loss == t {
        check(
            "harm_major_loss_or_egregious_impact",
            "false",
            Conduct { harm_loss: f, ..*c },
            "重大经济损失或者恶劣社会影响",
            "the major loss or egregious impact",
        );
    }
    out
}

fn what_ifs(rules: &Ruleset, counts: &TierCounts, c: &Conduct, v: &Verdict) -> Vec<WhatIf> {
    let mut out = Vec::new();
    let check = |out: &mut Vec<WhatIf>,
                 fact: &'static str,
                 value: String,
                 alt: Conduct,
                 zh: &str,
                 en: &str| {
        let level = evaluate(rules, counts, &alt).level;
        if level != v.level {
            out.push(WhatIf {
                fact,
                value,
                level,
                zh: format!("若{zh}，结论将为{}。", level.name_zh()),
                en: format!("If {en}, the level would be {}.", level.name_en()),
            });
        }
    };
    if c.insider.is_none() {
        check(
            &mut out,
            "insider",
            "true".into(),
            Conduct {
                insider: Some(true),
                ..*c
            },
            "行为人系在履行职责或者提供服务过程中获得信息的内部人员",
            "the actor is an insider (obtained the PI in performing duties or providing services)",
        );
    }
    if c.act == Act::BoughtForLawfulBusiness && c.resold.is_none() {
        check(
            &mut out,
            "resold",
            "true".into(),
            Conduct {
                resold: Some(true),
                ..*c
            },
            "购买后又出售或者提供",
            "the PI bought was then sold or provided",
        );
    }
    if c.track.is_none() {
        check(
            &mut out,
            "track_info_used_in_crime",
            "true".into(),
            Conduct {
                track: Some(true),
                ..*c
            },
            "出售或者提供的行踪轨迹信息被他人用于犯罪",
            "track information sold or provided was used by others to commit a crime",
        );
    }
    if c.knew.is_none() {
        check(
            &mut out,
            "knew_recipient_crimes",
            "true".into(),
            Conduct {
                knew: Some(true),
                ..*c
            },
            "知道或者应当知道他人利用公民个人信息实施犯罪",
            "the actor knew or should have known the recipient would commit crimes with the PI",
        );
    }
    if c.prior_criminal.is_none() && !c.prior() {
        check(
            &mut out,
            "prior_criminal_record",
            "true".into(),
            Conduct {
                prior_criminal: Some(true),
                ..*c
            },
            "曾因侵犯公民个人信息受过刑事处罚",
            "the actor has a prior criminal punishment for infringing PI",
        );
    }
    if c.prior_admin.is_none() && !c.prior() {
        check(
            &mut out,
            "prior_admin_penalty_within_2y",
            "true".into(),
            Conduct {
                prior_admin: Some(true),
                ..*c
            },
            "二年内受过侵犯公民个人信息的行政处罚",
            "the actor had an administrative punishment for infringing PI within two years",
        );
    }
    if c.harm_death.is_none() {
        check(
            &mut out,
            "harm_death_or_serious_injury",
            "true".into(),
            Conduct {
                harm_death: Some(true),
                ..*c
            },
            "造成被害人死亡、重伤、精神失常或者被绑架等严重后果",
            "the conduct caused a victim's death, serious injury, mental disorder or kidnapping",
        );
    }
    if c.harm_loss.is_none() {
        check(
            &mut out,
            "harm_major_loss_or_egregious_impact",
            "true".into(),
            Conduct {
                harm_loss: Some(true),
                ..*c
            },
            "造成重大经济损失或者恶劣社会影响",
            "the conduct caused major economic loss or egregious social impact",
        );
    }
    // An unknown amount: the smallest amount that raises the level, for each level above.
    let t = &rules.thresholds;
    if v.path == Path::Art5 && c.gains.is_none() {
        let half = (t.insider_factor[0], t.insider_factor[1]);
        for (level, m) in [
            (Level::Serious, 1),
            (
                Level::ParticularlySerious,
                t.particularly_serious_multiplier,
            ),
        ] {
            if level <= v.level {
                continue;
            }
            let f = Factor::new(v.insider.then_some(half), m);
            let fen = crate::ratio::ceil_div(u128::from(t.gains_yuan) * 100 * f.num, f.den);
            let fen = u64::try_from(fen).unwrap_or(u64::MAX);
            let amount = fmt_yuan(fen.into());
            check(
                &mut out,
                "illegal_gains_yuan",
                format!(">= {amount}"),
                Conduct {
                    gains: Some(Yuan { fen }),
                    ..*c
                },
                &format!("违法所得达到{amount}元"),
                &format!("illegal gains reach {amount} yuan"),
            );
        }
    }
    if v.path == Path::Art6 && c.profit.is_none() {
        let fen = t.art6_profit_yuan.saturating_mul(100);
        let amount = fmt_yuan(fen.into());
        check(
            &mut out,
            "lawful_business_profit_yuan",
            format!(">= {amount}"),
            Conduct {
                profit: Some(Yuan { fen }),
                ..*c
            },
            &format!("利用所购信息获利达到{amount}元"),
            &format!("the profit from the PI reaches {amount} yuan"),
        );
    }
    out
}

fn penalty(rules: &Ruleset, v: &Verdict, c: &Conduct) -> Option<Penalty> {
    let band = rules.penalty_band(v.level)?;
    let [lo, hi] = rules.thresholds.fine_multiple_of_gains;
    Some(Penalty {
        band_zh: band.zh.clone(),
        band_en: band.en.clone(),
        rule: rules.cite_en(&band.rule),
        insider_heavier: v.insider,
        fine_range_yuan: c.gains.map(|g| {
            [
                to_f64(u128::from(g.fen) * u128::from(lo), 100),
                to_f64(u128::from(g.fen) * u128::from(hi), 100),
            ]
        }),
    })
}

fn pipl(inputs: &[&SummaryInput]) -> Vec<PiplItem> {
    let mut found: BTreeMap<ItemKind, u64> = BTreeMap::new();
    for s in inputs {
        for (id, entry) in &s.items {
            if let Ok(kind) = id.parse::<ItemKind>() {
                if entry.found > 0 {
                    let e = found.entry(kind).or_default();
                    *e = e.saturating_add(entry.found);
                }
            }
        }
    }
    found
        .into_iter()
        .map(|(kind, found)| PiplItem {
            kind,
            name_zh: kind.name_zh(),
            found,
            profiles: PiplProfile::ALL
                .into_iter()
                .map(|p| (p.id(), kind.pipl(p)))
                .collect(),
        })
        .collect()
}
