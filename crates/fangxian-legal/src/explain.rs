//! The explanation: every step of the assessment, in Chinese and English.
//!
//! It informs; it does not judge. The last line says so in both languages.

use fangxian_core::Sensitivity;

use crate::assess::{pro_rata, Assessment, CountsView, Path, Reading, Verdict};
use crate::facts::CaseFacts;
use crate::ratio::{fmt_int, fmt_ratio, fmt_yuan, Factor};
use crate::Ruleset;

struct Lines {
    zh: Vec<String>,
    en: Vec<String>,
}

impl Lines {
    fn push(&mut self, zh: String, en: String) {
        self.zh.push(zh);
        self.en.push(en);
    }
}

fn counts_zh(c: &crate::TierCounts) -> String {
    format!(
        "A类{}条、B类{}条、C类{}条",
        fmt_int(c.a.into()),
        fmt_int(c.b.into()),
        fmt_int(c.c.into())
    )
}

fn counts_en(c: &crate::TierCounts) -> String {
    format!(
        "tier A {}, tier B {}, tier C {}",
        fmt_int(c.a.into()),
        fmt_int(c.b.into()),
        fmt_int(c.c.into())
    )
}

fn reached_zh(b: bool) -> &'static str {
    if b {
        "已达到"
    } else {
        "未达到"
    }
}

fn reached_en(b: bool) -> &'static str {
    if b {
        "reached"
    } else {
        "not reached"
    }
}

/// The pro-rata line with both standards.
fn arithmetic(rules: &Ruleset, v: &Verdict) -> (String, String) {
    let (pr_zh, pr_en) = pro_rata(rules, &v.counts, v.units_scaled);
    if v.path == Path::Art6 {
        return (
            format!("{pr_zh}（第六条不以数量定罪）"),
            format!("{pr_en} (art. 6 does not go by count)"),
        );
    }
    let t = &rules.thresholds;
    let l = t.units_denominator();
    let half = (t.insider_factor[0], t.insider_factor[1]);
    let fi = v.insider.then_some(half);
    let s = Factor::new(fi, 1);
    let p = Factor::new(fi, t.particularly_serious_multiplier);
    let who_zh = if v.insider {
        "（内部人员标准）"
    } else {
        ""
    };
    let who_en = if v.insider {
        " (insider standards)"
    } else {
        ""
    };
    (
        format!(
            "{pr_zh}；情节严重标准 ≥ {} {}，情节特别严重标准 ≥ {} {}{who_zh}",
            s.of(1),
            reached_zh(s.reached(v.units_scaled, l, 1)),
            p.of(1),
            reached_zh(p.reached(v.units_scaled, l, 1)),
        ),
        format!(
            "{pr_en}; serious at ≥ {}: {}, particularly serious at ≥ {}: {}{who_en}",
            s.of(1),
            reached_en(s.reached(v.units_scaled, l, 1)),
            p.of(1),
            reached_en(p.reached(v.units_scaled, l, 1)),
        ),
    )
}

fn fired_lines(out: &mut Lines, v: &Verdict) {
    if v.fired.is_empty() {
        out.push("  没有规则被触发。".into(), "  No rule fired.".into());
    }
    for f in &v.fired {
        out.push(
            format!("  → {}：{}", f.level.name_zh(), f.zh),
            format!("  → {}: {}", f.level.name_en(), f.en),
        );
    }
}

fn sensitivity_zh(s: Sensitivity) -> &'static str {
    match s {
        Sensitivity::Sensitive => "敏感",
        Sensitivity::NotSensitive => "非敏感",
        Sensitivity::Conditional => "视情形",
    }
}

fn sensitivity_en(s: Sensitivity) -> &'static str {
    match s {
        Sensitivity::Sensitive => "sensitive",
        Sensitivity::NotSensitive => "not sensitive",
        Sensitivity::Conditional => "conditional",
    }
}

pub(crate) fn explain(
    rules: &Ruleset,
    facts: &CaseFacts,
    a: &Assessment,
    verdicts: &[(Reading, Verdict, Verdict)],
    counts: &[CountsView],
) -> (Vec<String>, Vec<String>) {
    let mut out = Lines {
        zh: Vec::new(),
        en: Vec::new(),
    };
    let e = &rules.effective;
    out.push(
        format!(
            "依据：法释〔2017〕10号（{}起施行）；刑法第二百五十三条之一（刑法修正案（九），{}起施行）；个人信息保护法（{}起施行）。规则集 {} 第{}版。",
            e.interpretation, e.criminal_law_253_1, e.pipl, rules.ruleset.id, rules.ruleset.version
        ),
        format!(
            "Rules: Fa Shi [2017] No. 10 (in force {}); Criminal Law art. 253-1 as amended by Amendment IX (in force {}); PIPL (in force {}). Ruleset {} version {}.",
            e.interpretation, e.criminal_law_253_1, e.pipl, rules.ruleset.id, rules.ruleset.version
        ),
    );
    if let Some(title) = &facts.title {
        out.push(format!("案件：{title}"), format!("Case: {title}"));
    }

    // Conduct.
    let Some((_, main, main_screened)) = verdicts.first() else {
        return (out.zh, out.en);
    };
    out.push(
        format!("行为：{}（{}）。", facts.act.name_zh(), facts.act.id()),
        format!("Act: {}.", facts.act.id()),
    );
    for (zh, en) in &main.notes {
        out.push(format!("  {zh}"), format!("  {en}"));
    }
    let basis = facts
        .insider_basis
        .as_deref()
        .map(|b| (format!("，依据：{b}"), format!("; basis: {b}")))
        .unwrap_or_default();
    match facts.insider {
        Some(true) => out.push(
            format!(
                "内部人员：是{}。{}",
                basis.0,
                if main.insider {
                    format!("适用{}，各项标准减半。", rules.cite_zh("art5-1-8"))
                } else {
                    String::new()
                }
            ),
            format!(
                "Insider: yes{}.{}",
                basis.1,
                if main.insider {
                    format!(" {} halves every standard.", rules.cite_en("art5-1-8"))
                } else {
                    String::new()
                }
            ),
        ),
        Some(false) => out.push(
            format!("内部人员：否{}。", basis.0),
            format!("Insider: no{}.", basis.1),
        ),
        None => out.push(
            "内部人员：不明，按非内部人员计算。".into(),
            "Insider: unknown; assessed as not an insider.".into(),
        ),
    }
    match facts.illegal_gains_yuan {
        Some(g) => out.push(
            format!("违法所得：{}元。", fmt_yuan(g.fen.into())),
            format!("Illegal gains: {} yuan.", fmt_yuan(g.fen.into())),
        ),
        None => out.push("违法所得：不明。".into(), "Illegal gains: unknown.".into()),
    }
    if let Some(p) = facts.lawful_business_profit_yuan {
        out.push(
            format!("经营获利：{}元。", fmt_yuan(p.fen.into())),
            format!(
                "Profit from lawful business use: {} yuan.",
                fmt_yuan(p.fen.into())
            ),
        );
    }

    // Counting (art. 11).
    if let Some(c) = counts.first() {
        out.push(
            format!(
                "计数（{}，按查获数量直接认定）：查获数据 {}。",
                rules.cite_zh("art11-3"),
                counts_zh(&c.seized)
            ),
            format!(
                "Counting ({}, as seized): seized data {}.",
                rules.cite_en("art11-3"),
                counts_en(&c.seized)
            ),
        );
        if let Some(d) = &c.delivered {
            for (name, rc) in &c.recipients {
                out.push(
                    format!("  提供给 {name}：{}。", counts_zh(rc)),
                    format!("  delivered to {name}: {}.", counts_en(rc)),
                );
            }
            out.push(
                format!(
                    "  {}：向不同对象分别提供同一信息累计计算，合计 {}；{}：获取后又出售的不重复计算，故每类取查获数量与提供数量中较大者：{}。若查获数据中另有未提供的信息，此为下限。",
                    rules.cite_zh("art11-2"),
                    counts_zh(d),
                    rules.cite_zh("art11-1"),
                    counts_zh(&c.final_)
                ),
                format!(
                    "  {}: the same PI to different recipients counts once per recipient, delivered in total {}; {}: obtained and then sold counts once, so each tier counts the larger of seized and delivered: {}. If the seized data holds items never delivered, this is a lower bound.",
                    rules.cite_en("art11-2"),
                    counts_en(d),
                    rules.cite_en("art11-1"),
                    counts_en(&c.final_)
                ),
            );
        }
    }

    // The verdict's arithmetic and rules.
    let (ar_zh, ar_en) = arithmetic(rules, main);
    out.push(
        format!("默认归类、按查获数量：{ar_zh}"),
        format!("Default reading, as seized: {ar_en}"),
    );
    fired_lines(&mut out, main);
    out.push(
        format!("结论（默认归类、按查获数量）：{}。", a.level.name_zh()),
        format!("Level (default reading, as seized): {}.", a.level.name_en()),
    );

    // Screened count beside it.
    let (sc_zh, sc_en) = arithmetic(rules, main_screened);
    let source = if a.counting.screened_source == "persons" {
        (
            "（摘要未提供筛查后数量，以各类不同身份人数代替）",
            " (the summaries give no screened count; distinct persons per tier stand in)",
        )
    } else {
        ("", "")
    };
    out.push(
        format!(
            "筛查后数量（去除重复记录及信息全部无效的记录）{}：{sc_zh} → {}。排除须有证据证明信息不真实或者重复（{}）：扫描证据列出无效记录{}条、重复记录{}条。",
            source.0,
            main_screened.level.name_zh(),
            rules.cite_zh("art11-3"),
            fmt_int(a.counting.invalid_records.into()),
            fmt_int(a.counting.duplicate_records.into())
        ),
        format!(
            "Screened count (duplicates and all-invalid records removed){}: {sc_en} → {}. Exclusion needs evidence that items are untrue or duplicated ({}): the scan's exhibits list {} invalid and {} duplicate records.",
            source.1,
            main_screened.level.name_en(),
            rules.cite_en("art11-3"),
            fmt_int(a.counting.invalid_records.into()),
            fmt_int(a.counting.duplicate_records.into())
        ),
    );

    // Disputed mappings.
    for d in &a.disputed {
        out.push(
            format!(
                "争议归类：{} 共{}条，默认{}类，从严{}类，从宽{}类。{}",
                d.class,
                fmt_int(d.records.into()),
                d.default_tier,
                d.conservative,
                d.lenient,
                d.note_zh
            ),
            format!(
                "Disputed mapping: {} ({} records) default tier {}, conservative {}, lenient {}. {}",
                d.class,
                fmt_int(d.records.into()),
                d.default_tier,
                d.conservative,
                d.lenient,
                d.note_en
            ),
        );
    }
    for (reading, v, _) in verdicts.iter().skip(1) {
        if v.counts == main.counts && v.level == main.level {
            continue;
        }
        let (zh, en) = arithmetic(rules, v);
        out.push(
            format!("{}：{zh} → {}。", reading.name_zh(), v.level.name_zh()),
            format!(
                "{}: {en} → {}.",
                capitalise(reading.name_en()),
                v.level.name_en()
            ),
        );
        fired_lines(&mut out, v);
    }
    let differ: Vec<&(Reading, Verdict, Verdict)> = verdicts
        .iter()
        .filter(|(_, v, _)| v.level != main.level)
        .collect();
    if !differ.is_empty() {
        let zh: Vec<String> = verdicts
            .iter()
            .map(|(r, v, _)| format!("{}{}", r.name_zh(), v.level.name_zh()))
            .collect();
        let en: Vec<String> = verdicts
            .iter()
            .map(|(r, v, _)| format!("{} {}", r.name_en(), v.level.name_en()))
            .collect();
        out.push(
            format!("各归类结论不同：{}。争议由司法机关认定。", zh.join("；")),
            format!(
                "The readings differ: {}. The dispute is for the court.",
                en.join("; ")
            ),
        );
    }

    // Nearest threshold not reached.
    if let Some(n) = &a.nearest_threshold {
        let money_zh = match n.money_short_yuan {
            Some(short) if n.money == "illegal_gains_yuan" => format!(
                "或违法所得达到{}元（差{}元）",
                fmt_f(n.money_needed_yuan),
                fmt_f(short)
            ),
            Some(short) => format!(
                "或获利达到{}元（差{}元）",
                fmt_f(n.money_needed_yuan),
                fmt_f(short)
            ),
            None if n.money == "illegal_gains_yuan" => {
                format!(
                    "或违法所得达到{}元（违法所得不明）",
                    fmt_f(n.money_needed_yuan)
                )
            }
            None => format!("或获利达到{}元（获利不明）", fmt_f(n.money_needed_yuan)),
        };
        let money_en = match n.money_short_yuan {
            Some(short) if n.money == "illegal_gains_yuan" => format!(
                "or illegal gains of {} yuan ({} short)",
                fmt_f(n.money_needed_yuan),
                fmt_f(short)
            ),
            Some(short) => format!(
                "or a profit of {} yuan ({} short)",
                fmt_f(n.money_needed_yuan),
                fmt_f(short)
            ),
            None if n.money == "illegal_gains_yuan" => format!(
                "or illegal gains of {} yuan (gains unknown)",
                fmt_f(n.money_needed_yuan)
            ),
            None => format!(
                "or a profit of {} yuan (profit unknown)",
                fmt_f(n.money_needed_yuan)
            ),
        };
        match (&n.more_items, n.units, n.units_needed, n.units_short) {
            (Some(m), Some(u), Some(need), Some(short)) => out.push(
                format!(
                    "最近未达到的标准：{}（{}），合计单位需 ≥ {}，现为{}，差{}：即再增加A类{}条，或B类{}条，或C类{}条；{}。",
                    n.target.name_zh(),
                    n.rule_zh,
                    fmt_f(need),
                    fmt_f(u),
                    fmt_f(short),
                    fmt_int(m.a.into()),
                    fmt_int(m.b.into()),
                    fmt_int(m.c.into()),
                    money_zh
                ),
                format!(
                    "Nearest threshold not reached: {} ({}) needs a pro-rata sum ≥ {}; it is {}, short by {}: {} more tier-A items, or {} tier-B, or {} tier-C; {}.",
                    n.target.name_en(),
                    n.rule,
                    fmt_f(need),
                    fmt_f(u),
                    fmt_f(short),
                    fmt_int(m.a.into()),
                    fmt_int(m.b.into()),
                    fmt_int(m.c.into()),
                    money_en
                ),
            ),
            _ => out.push(
                format!(
                    "最近未达到的标准：{}（{}）：{}。",
                    n.target.name_zh(),
                    n.rule_zh,
                    money_zh.trim_start_matches('或')
                ),
                format!(
                    "Nearest threshold not reached: {} ({}): {}.",
                    n.target.name_en(),
                    n.rule,
                    money_en.trim_start_matches("or ")
                ),
            ),
        }
    }

    // Unknown facts that would change the outcome.
    for w in &a.depends_on {
        out.push(format!("所依事实：{}", w.zh), format!("Rests on: {}", w.en));
    }
    for w in &a.would_change {
        out.push(
            format!("未知事实：{}", w.zh),
            format!("Unknown fact: {}", w.en),
        );
    }

    // Penalty information.
    if let Some(p) = &a.penalty {
        let cite_zh = rules
            .penalty_band(a.level)
            .map_or_else(String::new, |b| rules.cite_zh(&b.rule));
        out.push(
            format!("法定刑（{cite_zh}）：{}。", p.band_zh),
            format!("Statutory penalty ({}): {}.", p.rule, p.band_en),
        );
        if p.insider_heavier {
            out.push(
                format!(
                    "{}：内部人员出售或者提供的，从重处罚。",
                    rules.cite_zh("crim-253-1-2")
                ),
                format!(
                    "{}: insiders who sell or provide are punished more heavily within the band.",
                    rules.cite_en("crim-253-1-2")
                ),
            );
        }
        if let Some([lo, hi]) = p.fine_range_yuan {
            out.push(
                format!(
                    "罚金（{}）：一般为违法所得的一倍以上五倍以下，即{}元至{}元。",
                    rules.cite_zh("art12"),
                    fmt_f(lo),
                    fmt_f(hi)
                ),
                format!(
                    "Fine ({}): generally 1 to 5 times the illegal gains, i.e. {} to {} yuan.",
                    rules.cite_en("art12"),
                    fmt_f(lo),
                    fmt_f(hi)
                ),
            );
        }
    }

    // PIPL, beside the criminal tiers.
    if !a.pipl.is_empty() {
        let mut zh = Vec::new();
        let mut en = Vec::new();
        for item in &a.pipl {
            let flags_zh: Vec<String> = item
                .profiles
                .iter()
                .map(|(p, f)| {
                    format!(
                        "{p} {}{}",
                        sensitivity_zh(f.sensitivity),
                        if f.verified { "" } else { "（未核实）" }
                    )
                })
                .collect();
            let flags_en: Vec<String> = item
                .profiles
                .iter()
                .map(|(p, f)| {
                    format!(
                        "{p} {}{}",
                        sensitivity_en(f.sensitivity),
                        if f.verified { "" } else { " (unverified)" }
                    )
                })
                .collect();
            zh.push(format!(
                "{} {}：{}",
                item.kind,
                item.name_zh,
                flags_zh.join("，")
            ));
            en.push(format!("{}: {}", item.kind, flags_en.join(", ")));
        }
        out.push(
            format!(
                "{}敏感个人信息（与刑事分类分开，不影响上述结论）：{}。",
                rules.cite_zh("pipl-28"),
                zh.join("；")
            ),
            format!(
                "{} sensitive PI (a separate axis; it does not change the level above): {}.",
                rules.cite_en("pipl-28"),
                en.join("; ")
            ),
        );
    }

    for w in &a.warnings {
        out.push(format!("注意：{w}"), format!("Warning: {w}"));
    }
    out.push(
        format!(
            "本工具不认定：其他情节严重或者特别严重的情形（{}、{}），排除证据是否充分，争议信息的归类，以及行为人身份等事实。本结果仅供参考，不构成法律意见，由司法机关依法认定。",
            rules.cite_zh("art5-1-10"),
            rules.cite_zh("art5-2-4")
        ),
        format!(
            "Not decided here: other serious or particularly serious circumstances ({}, {}), whether exclusion evidence suffices, how disputed items are classed, and facts such as who is an insider. This informs; it does not judge.",
            rules.cite_en("art5-1-10"),
            rules.cite_en("art5-2-4")
        ),
    );
    (out.zh, out.en)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A display float (already rounded by `to_f64`) with thousands separators.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn fmt_f(x: f64) -> String {
    if !x.is_finite() || x < 0.0 {
        return x.to_string();
    }
    // Values here are sums of fractions with denominators dividing 10,000; ten-thousandths hold them.
    let scaled = (x * 10_000.0).round() as u128;
    fmt_ratio(scaled, 10_000)
}
