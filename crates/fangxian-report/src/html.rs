//! The case report: one self-contained HTML file.
//!
//! Everything is inline — CSS, charts (SVG) — and a Content-Security-Policy forbids the page to
//! load anything or run any script, so it opens the same offline, in an evidence viewer or on
//! paper (`@media print`). Every string from the data (source names, field names, values,
//! messages) is HTML-escaped; PI values are masked unless [`HtmlOptions::reveal`] is set.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use fangxian_core::recognize::mask;
use fangxian_core::{Category, ItemKind, Tier};
use fangxian_scan::summary::TierCounts;
use fangxian_scan::Summary;
use serde_json::Value;

use crate::atomic::write_atomic;
use crate::svg::{bar_chart, Row, Series};
use crate::terminal::{category_order, item_order};
use crate::text::{group, human_bytes};
use crate::Error;

/// What the HTML report shows.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtmlOptions {
    /// Show PI values unmasked (`fangxian scan --reveal`). The page then says so in a banner.
    pub reveal: bool,
    /// Rows shown per long table (inputs, samples, problems); the rest are counted, and all are
    /// in `summary.json`.
    pub max_rows: usize,
}

impl Default for HtmlOptions {
    /// Masked values, 1,000 rows per table.
    fn default() -> HtmlOptions {
        HtmlOptions {
            reveal: false,
            max_rows: 1000,
        }
    }
}

impl HtmlOptions {
    /// Sets [`HtmlOptions::reveal`].
    #[must_use]
    pub fn reveal(mut self, reveal: bool) -> HtmlOptions {
        self.reveal = reveal;
        self
    }

    /// Sets [`HtmlOptions::max_rows`].
    #[must_use]
    pub fn max_rows(mut self, max_rows: usize) -> HtmlOptions {
        self.max_rows = max_rows;
        self
    }
}

/// `s` with `& < > " '` replaced by character references, safe in element content and in
/// quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls other than whitespace are not allowed in HTML text; show them visibly.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#fff;--soft:#f5f7fa;--accent:#1f5fbf;--bad:#b3261e;--warn:#8a5a00;--warnbg:#fff4d6}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);font:14px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 28px 48px}
header h1{font-size:24px;margin:0 0 4px}
header .sub{color:var(--muted);margin:0}
h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:20px 0 6px}
.en{color:var(--muted);font-weight:normal}
.banner{margin:16px 0;padding:12px 16px;border-radius:6px;font-weight:600;border:2px solid}
.banner.partial{background:var(--warnbg);border-color:#e0a800;color:var(--warn)}
.banner.reveal{background:#fdecea;border-color:var(--bad);color:var(--bad)}
nav{margin:16px 0;padding:8px 12px;background:var(--soft);border-radius:6px;font-size:13px}
nav a{color:var(--accent);text-decoration:none;margin-right:14px;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:var(--soft)}
.card .k{font-size:12px;color:var(--muted)}
.card .v{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.card.level .v{color:var(--bad);font-size:16px;line-height:1.35}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bad{color:var(--bad)}
pre.mono{white-space:pre-wrap;word-break:break-word;margin:0}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono CJK SC",monospace;font-size:12px}
.hash{word-break:break-all}
.src{word-break:break-all}
dl.method{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
dl.method dt{color:var(--muted)}
dl.method dd{margin:0}
.chart{display:block;max-width:100%;height:auto;margin:8px 0}
.chart text{font-size:12px;fill:var(--fg);font-family:inherit}
.chart .value,.chart .legend{fill:var(--muted)}
.note{color:var(--muted);font-size:13px}
.none{color:var(--muted);font-style:italic}
ul.basis{margin:6px 0 12px 0;padding-left:22px}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media print{
 body{font-size:11pt}
 main{max-width:none;padding:0}
 nav{display:none}
 h2{break-after:avoid}
 table,.chart,.cards,.banner{break-inside:avoid}
 .banner.partial,.banner.reveal{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
}
"#;

const C_FOUND: &str = "#1f5fbf";
const C_DISTINCT: &str = "#6aa0e8";
const C_INVALID: &str = "#c0392b";
const C_PERSONS: &str = "#2e8b57";
const C_SCREENED: &str = "#9b7ad1";

fn num(n: u64) -> String {
    format!("<td class=\"n\">{}</td>", group(n))
}

fn tier_text(tier: Tier) -> &'static str {
    match tier {
        Tier::A => "行踪轨迹、通信内容、征信、财产 · whereabouts, communication content, credit, property",
        Tier::B => "住宿、通信记录、健康生理、交易 · accommodation, communication records, health, transactions",
        Tier::C => "其他公民个人信息 · other personal information",
    }
}

fn level_text(level: &str) -> String {
    match level {
        "none" => "未达“情节严重” · below “serious”".to_owned(),
        "serious" => "情节严重 · serious".to_owned(),
        "particularly_serious" => "情节特别严重 · particularly serious".to_owned(),
        other => escape(other),
    }
}

/// A bilingual heading: `<h2 id=ID>中文 <span class=en>English</span></h2>`.
fn h2(out: &mut String, id: &str, zh: &str, en: &str) {
    let _ = write!(
        out,
        "<h2 id=\"{id}\">{zh} <span class=\"en\">{en}</span></h2>"
    );
}

fn more_rows(out: &mut String, shown: usize, total: usize, cols: usize) {
    if total > shown {
        let _ = write!(
            out,
            "<tr><td colspan=\"{cols}\" class=\"note\">… {} more rows not shown; all are in summary.json · 其余 {} 行见 summary.json</td></tr>",
            group((total - shown) as u64),
            group((total - shown) as u64),
        );
    }
}

/// The report as one HTML document.
pub fn render_html(summary: &Summary, opts: &HtmlOptions) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let m = &summary.method;
    let version = if m.version.is_empty() {
        "unknown"
    } else {
        m.version.as_str()
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"generator\" content=\"fangxian {v}\">\
         <title>{p}fangxian 扫描报告 · scan report</title><style>{CSS}</style></head><body><main>",
        v = escape(version),
        p = if summary.partial { "[PARTIAL] " } else { "" },
    );

    // Header.
    let _ = write!(
        o,
        "<header><h1>防线 fangxian 扫描报告 <span class=\"en\">Scan report</span></h1>\
         <p class=\"sub\">fangxian {v} · started {s} · {e:.1} s · {t} thread{ts}</p></header>",
        v = escape(version),
        s = if m.started.is_empty() {
            "unknown".to_owned()
        } else {
            escape(&m.started)
        },
        e = m.elapsed_seconds,
        t = m.threads,
        ts = if m.threads == 1 { "" } else { "s" },
    );
    if summary.partial {
        o.push_str(
            "<div class=\"banner partial\" id=\"partial-banner\" role=\"alert\">PARTIAL — scan interrupted · 扫描中断，结果不完整。\
             The counts below cover only what was read before the scan stopped; they are lower bounds, \
             not the totals of the inputs. 以下计数仅为中断前已读取部分，是下限而非全部。</div>",
        );
    }
    if opts.reveal {
        o.push_str(
            "<div class=\"banner reveal\" role=\"alert\">VALUES SHOWN UNMASKED (--reveal) · 本报告含未脱敏的个人信息，请按个人信息保护要求处理。</div>",
        );
    }

    o.push_str(
        "<nav><a href=\"#overview\">概览 Overview</a><a href=\"#inputs\">输入 Inputs</a>\
         <a href=\"#method\">方法 Method</a><a href=\"#items\">信息类型 Items</a>\
         <a href=\"#tiers\">等级 Tiers</a><a href=\"#categories\">类别 Categories</a>\
         <a href=\"#screening\">甄别 Screening</a>",
    );
    if summary.assessment.is_some() {
        o.push_str("<a href=\"#assessment\">评估 Assessment</a>");
    }
    o.push_str("<a href=\"#problems\">问题 Problems</a></nav>");

    overview(&mut o, summary);
    inputs(&mut o, summary, opts);
    method(&mut o, summary, opts);
    items(&mut o, summary);
    tiers(&mut o, summary);
    categories(&mut o, summary);
    screening(&mut o, summary, opts);
    if let Some(a) = &summary.assessment {
        assessment(&mut o, a);
    }
    problems(&mut o, summary, opts);

    let _ = write!(
        o,
        "<footer>Generated by fangxian {v} from the scan summary (schema {s}). This file is \
         self-contained and loads nothing from the network. 本报告由 fangxian 生成，不访问网络。</footer>\
         </main></body></html>",
        v = escape(version),
        s = escape(&summary.schema),
    );
    o.push('\n');
    o
}

/// Writes the report to `path` atomically.
pub fn write_report_html(
    summary: &Summary,
    opts: &HtmlOptions,
    path: impl AsRef<Path>,
) -> Result<PathBuf, Error> {
    write_atomic(path, render_html(summary, opts).as_bytes())
}

fn card(o: &mut String, id: &str, zh: &str, en: &str, value: &str, class: &str) {
    let _ = write!(
        o,
        "<div class=\"card {class}\"><div class=\"k\">{zh} · {en}</div><div class=\"v\" id=\"{id}\">{value}</div></div>"
    );
}

fn overview(o: &mut String, s: &Summary) {
    h2(o, "overview", "概览", "Overview");
    o.push_str("<div class=\"cards\">");
    let found: u64 = s.items.values().map(|c| c.found).sum();
    card(
        o,
        "n-records-total",
        "记录",
        "records",
        &group(s.records.total),
        "",
    );
    card(
        o,
        "n-records-with-pi",
        "含个人信息记录",
        "records with PI",
        &group(s.records.with_pi),
        "",
    );
    card(
        o,
        "n-persons",
        "人数",
        "distinct persons",
        &group(s.persons.distinct),
        "",
    );
    card(
        o,
        "n-items-found",
        "信息条目",
        "items found",
        &group(found),
        "",
    );
    card(
        o,
        "n-records-invalid",
        "含无效信息记录",
        "records with invalid items",
        &group(s.records.invalid),
        "",
    );
    card(
        o,
        "n-records-duplicate",
        "重复记录",
        "duplicate records",
        &group(s.records.duplicate),
        "",
    );
    card(
        o,
        "n-bytes",
        "已扫描",
        "scanned",
        &escape(&human_bytes(s.bytes_scanned)),
        "",
    );
    if let Some(level) = s
        .assessment
        .as_ref()
        .and_then(|a| a.get("level"))
        .and_then(Value::as_str)
    {
        card(
            o,
            "n-level",
            "法律评估",
            "assessment",
            &level_text(level),
            "level",
        );
    }
    o.push_str("</div>");
}

fn inputs(o: &mut String, s: &Summary, opts: &HtmlOptions) {
    h2(o, "inputs", "输入", "Inputs");
    let stored: u64 = s.inputs.iter().map(|i| i.bytes).sum();
    let _ = write!(
        o,
        "<p class=\"note\">{} input(s), {} ({} bytes) as stored; {} ({} bytes) read after decompression. \
         SHA-256 of the stored bytes. 输入文件的 SHA-256 校验值。</p>",
        group(s.inputs.len() as u64),
        escape(&human_bytes(stored)),
        group(stored),
        escape(&human_bytes(s.bytes_scanned)),
        group(s.bytes_scanned),
    );
    if s.inputs.is_empty() {
        o.push_str("<p class=\"none\">No inputs. 无输入。</p>");
        return;
    }
    o.push_str("<table><thead><tr><th class=\"n\">#</th><th>来源 Source</th><th class=\"n\">大小 Size</th><th>SHA-256</th></tr></thead><tbody>");
    let shown = s.inputs.len().min(opts.max_rows);
    for (i, input) in s.inputs.iter().take(shown).enumerate() {
        let _ = write!(
            o,
            "<tr><td class=\"n\">{}</td><td class=\"src\">{}</td><td class=\"n\" title=\"{} bytes\">{}</td><td class=\"mono hash\">{}</td></tr>",
            i + 1,
            escape(&input.source),
            group(input.bytes),
            escape(&human_bytes(input.bytes)),
            escape(&input.sha256),
        );
    }
    more_rows(o, shown, s.inputs.len(), 4);
    o.push_str("</tbody></table>");
}

fn method(o: &mut String, s: &Summary, opts: &HtmlOptions) {
    h2(o, "method", "方法", "Method");
    let m = &s.method;
    let _ = write!(
        o,
        "<dl class=\"method\">\
         <dt>程序 Program</dt><dd>fangxian {v}</dd>\
         <dt>开始 Started</dt><dd>{st}</dd>\
         <dt>用时 Elapsed</dt><dd>{e:.1} s</dd>\
         <dt>线程 Threads</dt><dd>{t}</dd>\
         <dt>人员识别 Person key</dt><dd>{pk}</dd>\
         <dt>脱敏 Masking</dt><dd>{mask}</dd>\
         <dt>完整性 Completeness</dt><dd>{c}</dd>\
         </dl>\
         <p class=\"note\">Every item is validated (checksum, date, region, allocated prefix) and \
         counted as found, distinct and invalid; each record with PI gets the most serious tier of \
         its content under 法释〔2017〕10号 art. 5; duplicates and untrue data are screened as art. 11 \
         requires. Counts are exact.</p>",
        v = escape(if m.version.is_empty() { "unknown" } else { &m.version }),
        st = escape(&m.started),
        e = m.elapsed_seconds,
        t = m.threads,
        pk = escape(&m.person_key),
        mask = if opts.reveal {
            "off (--reveal) · 未脱敏"
        } else {
            "on · 已脱敏"
        },
        c = if s.partial {
            "<strong>partial — interrupted · 不完整</strong>"
        } else {
            "complete · 完整"
        },
    );
}

fn items(o: &mut String, s: &Summary) {
    h2(o, "items", "信息类型", "Items per type");
    if s.items.is_empty() {
        o.push_str("<p class=\"none\">No PI items found. 未发现个人信息。</p>");
        return;
    }
    let order = item_order(s.items.keys());
    let rows: Vec<Row> = order
        .iter()
        .map(|id| {
            let c = &s.items[*id];
            Row {
                label: (*id).clone(),
                values: vec![c.found, c.distinct, c.invalid],
            }
        })
        .collect();
    o.push_str(&bar_chart(
        "Items per type: found, distinct, invalid",
        &[
            Series {
                name: "found 出现",
                color: C_FOUND,
            },
            Series {
                name: "distinct 去重",
                color: C_DISTINCT,
            },
            Series {
                name: "invalid 无效",
                color: C_INVALID,
            },
        ],
        &rows,
    ));
    o.push_str("<table id=\"items-table\"><thead><tr><th>类型 Type</th><th>名称 Name</th><th class=\"n\">出现 Found</th><th class=\"n\">去重 Distinct</th><th class=\"n\">无效 Invalid</th></tr></thead><tbody>");
    for id in order {
        let c = &s.items[id];
        let name = ItemKind::from_str(id)
            .map(|k| format!("{} · {}", k.name_zh(), k.name_en()))
            .unwrap_or_default();
        let _ = write!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td>{}{}<td class=\"n{}\">{}</td></tr>",
            escape(id),
            escape(&name),
            num(c.found),
            num(c.distinct),
            if c.invalid > 0 { " bad" } else { "" },
            group(c.invalid),
        );
    }
    o.push_str("</tbody></table>");
}

fn tiers(o: &mut String, s: &Summary) {
    h2(o, "tiers", "等级", "Tiers (法释〔2017〕10号 art. 5)");
    let get = |t: Tier| -> TierCounts { s.tiers.get(t.id()).copied().unwrap_or_default() };
    let rows: Vec<Row> = Tier::ALL
        .iter()
        .map(|&t| {
            let c = get(t);
            Row {
                label: format!("{} (serious at {})", t.id(), group(t.serious_threshold())),
                values: vec![c.records, c.persons, c.screened],
            }
        })
        .collect();
    o.push_str(&bar_chart(
        "Records, persons and screened records per tier",
        &[
            Series {
                name: "records 记录",
                color: C_FOUND,
            },
            Series {
                name: "persons 人数",
                color: C_PERSONS,
            },
            Series {
                name: "screened 甄别后",
                color: C_SCREENED,
            },
        ],
        &rows,
    ));
    o.push_str("<table id=\"tiers-table\"><thead><tr><th>等级 Tier</th><th>内容 Content</th><th class=\"n\">情节严重 Serious at</th><th class=\"n\">记录 Records</th><th class=\"n\">人数 Persons</th><th class=\"n\">甄别后 Screened</th></tr></thead><tbody>");
    for t in Tier::ALL {
        let c = get(t);
        let _ = write!(
            o,
            "<tr><td><strong>{}</strong></td><td>{}</td>{}{}{}{}</tr>",
            t.id(),
            tier_text(t),
            num(t.serious_threshold()),
            num(c.records),
            num(c.persons),
            num(c.screened),
        );
    }
    o.push_str("</tbody></table><p class=\"note\">Records include duplicates; “screened” removes duplicates and records whose items all failed their checks (art. 11). 记录数含重复；甄别后数剔除重复及全部无效的记录。</p>");
}

fn categories(o: &mut String, s: &Summary) {
    h2(o, "categories", "信息类别", "Categories");
    if s.categories.is_empty() {
        o.push_str("<p class=\"none\">No records with PI. 无含个人信息的记录。</p>");
    } else {
        let order = category_order(s.categories.keys());
        // The chart leaves out empty categories (the table below lists them all).
        let rows: Vec<Row> = order
            .iter()
            .filter(|id| s.categories[**id].records > 0 || s.categories[**id].persons > 0)
            .map(|id| {
                let c = &s.categories[*id];
                Row {
                    label: Category::from_str(id)
                        .map(|c| format!("{} {}", c.name_zh(), c.id()))
                        .unwrap_or_else(|_| (*id).clone()),
                    values: vec![c.records, c.persons],
                }
            })
            .collect();
        if !rows.is_empty() {
            o.push_str(&bar_chart(
                "Records and persons per category",
                &[
                    Series {
                        name: "records 记录",
                        color: C_FOUND,
                    },
                    Series {
                        name: "persons 人数",
                        color: C_PERSONS,
                    },
                ],
                &rows,
            ));
        }
        o.push_str("<table id=\"categories-table\"><thead><tr><th>类别 Category</th><th>名称 Name</th><th>等级 Tier</th><th class=\"n\">记录 Records</th><th class=\"n\">人数 Persons</th></tr></thead><tbody>");
        for id in order {
            let c = &s.categories[id];
            let (name, tier) = match Category::from_str(id) {
                Ok(cat) => (
                    format!("{} · {}", cat.name_zh(), cat.name_en()),
                    cat.tier().id(),
                ),
                Err(_) => (String::new(), "?"),
            };
            let _ = write!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td>{}{}</tr>",
                escape(id),
                escape(&name),
                tier,
                num(c.records),
                num(c.persons),
            );
        }
        o.push_str("</tbody></table>");
    }
    if !s.classes.is_empty() {
        o.push_str("<h3>内容细类 <span class=\"en\">Content classes</span></h3><p class=\"note\">The finer class that set each record's tier; disputed classes are read conservatively and leniently by the legal assessment. 争议类别在法律评估中分别按从严、从宽解读。</p>");
        o.push_str("<table id=\"classes-table\"><thead><tr><th>细类 Class</th><th class=\"n\">记录 Records</th><th class=\"n\">人数 Persons</th><th class=\"n\">甄别后 Screened</th></tr></thead><tbody>");
        for (id, c) in &s.classes {
            let _ = write!(
                o,
                "<tr><td><code>{}</code></td>{}{}{}</tr>",
                escape(id),
                num(c.records),
                num(c.persons),
                num(c.screened),
            );
        }
        o.push_str("</tbody></table>");
    }
}

fn screening(o: &mut String, s: &Summary, opts: &HtmlOptions) {
    let sc = &s.screening;
    h2(o, "screening", "甄别", "Screening (art. 11 exhibits)");
    o.push_str("<p class=\"note\">法释〔2017〕10号 art. 11: items are counted as seized unless shown to be untrue or duplicated. These exhibits show which were. 第十一条：经查证不真实或重复的信息不计入。</p>");

    o.push_str(
        "<h3>附表一 无效信息 <span class=\"en\">Exhibit 1 — items that failed a check</span></h3>",
    );
    if sc.invalid_by_check.is_empty() {
        o.push_str("<p class=\"none\">None. 无。</p>");
    } else {
        o.push_str("<table id=\"invalid-table\"><thead><tr><th>类型 Type</th><th>校验 Check</th><th class=\"n\">数量 Count</th></tr></thead><tbody>");
        for id in item_order(sc.invalid_by_check.keys()) {
            for (check, n) in &sc.invalid_by_check[id] {
                let _ = write!(
                    o,
                    "<tr><td><code>{}</code></td><td>{}</td>{}</tr>",
                    escape(id),
                    escape(check),
                    num(*n)
                );
            }
        }
        o.push_str("</tbody></table>");
    }

    if !sc.invalid_samples.is_empty() {
        let _ = write!(
            o,
            "<h3>样本 <span class=\"en\">Samples of invalid findings ({})</span></h3>",
            if opts.reveal {
                "unmasked"
            } else {
                "masked · 已脱敏"
            }
        );
        o.push_str("<table id=\"samples-table\"><thead><tr><th>来源 Source</th><th class=\"n\">记录 Record</th><th>字段 Field</th><th>类型 Type</th><th>值 Value</th></tr></thead><tbody>");
        let shown = sc.invalid_samples.len().min(opts.max_rows);
        for f in sc.invalid_samples.iter().take(shown) {
            let value = if opts.reveal {
                f.value.clone()
            } else {
                mask(f.kind, &f.value)
            };
            let _ = write!(
                o,
                "<tr><td class=\"src\">{}</td>{}<td>{}</td><td><code>{}</code></td><td class=\"mono\">{}</td></tr>",
                escape(&f.source),
                num(f.record),
                f.field.as_deref().map(escape).unwrap_or_else(|| "<span class=\"none\">text</span>".to_owned()),
                escape(f.kind.id()),
                escape(&value),
            );
        }
        more_rows(o, shown, sc.invalid_samples.len(), 5);
        o.push_str("</tbody></table>");
    }

    o.push_str("<h3>附表二 重复 <span class=\"en\">Exhibit 2 — duplicates</span></h3>");
    let _ = write!(
        o,
        "<p>重复记录 Duplicate records: <strong id=\"n-dup-records\">{}</strong> — records whose set of valid items equals an earlier record's (each copy beyond the first).</p>",
        group(sc.duplicate_records)
    );
    if !sc.duplicate_items.is_empty() {
        o.push_str("<table id=\"dup-items-table\"><thead><tr><th>类型 Type</th><th class=\"n\">重复出现 Repeated occurrences</th></tr></thead><tbody>");
        for id in item_order(sc.duplicate_items.keys()) {
            let _ = write!(
                o,
                "<tr><td><code>{}</code></td>{}</tr>",
                escape(id),
                num(sc.duplicate_items[id])
            );
        }
        o.push_str("</tbody></table>");
    }

    o.push_str("<h3>附表三 占位、空白及无法识别的记录 <span class=\"en\">Exhibit 3 — placeholder, empty and unidentifiable records</span></h3>");
    o.push_str("<table id=\"records-screen-table\"><tbody>");
    let _ = write!(
        o,
        "<tr><td>占位值 Placeholder values (<code>13800000000</code>, repeated digits …)</td>{}</tr>\
         <tr><td>空白记录 Empty records (no non-empty field)</td>{}</tr>\
         <tr><td>无法识别到人 Records identifying no one (no ID, mobile, or name + address)</td>{}</tr>",
        num(sc.placeholder_records),
        num(sc.empty_records),
        num(sc.unidentifiable_records),
    );
    o.push_str("</tbody></table>");
}

fn assessment(o: &mut String, a: &Value) {
    h2(o, "assessment", "法律评估", "Legal assessment");
    let level = a.get("level").and_then(Value::as_str).unwrap_or("unknown");
    let _ = write!(
        o,
        "<p>情节 Level: <strong id=\"assessment-level\">{}</strong>",
        level_text(level)
    );
    if let Some(units) = a.get("units").and_then(Value::as_f64) {
        let _ = write!(
            o,
            " · 折算单位 units: <strong id=\"assessment-units\">{units:.3}</strong> \
             <span class=\"note\">(serious at 1, particularly serious at 10; insiders at half)</span>"
        );
    }
    o.push_str("</p>");
    if let Some(counts) = a.get("counts").and_then(Value::as_object) {
        o.push_str("<table id=\"assessment-counts\"><thead><tr><th>等级 Tier</th><th class=\"n\">计入条数 Items counted</th></tr></thead><tbody>");
        for (k, v) in counts {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(k),
                v.as_u64().map(group).unwrap_or_else(|| escape(&scalar(v)))
            );
        }
        o.push_str("</tbody></table>");
    }
    if let Some(basis) = a.get("basis").and_then(Value::as_array) {
        o.push_str("<h3>依据 <span class=\"en\">Basis</span></h3><ul class=\"basis\">");
        for line in basis {
            let _ = write!(o, "<li>{}</li>", escape(&scalar(line)));
        }
        o.push_str("</ul>");
    }
    if let Some(basis) = a.get("basis_zh").and_then(Value::as_array) {
        o.push_str("<ul class=\"basis\" lang=\"zh-CN\">");
        for line in basis {
            let _ = write!(o, "<li>{}</li>", escape(&scalar(line)));
        }
        o.push_str("</ul>");
    }
    match a.get("explanation") {
        Some(Value::String(text)) => {
            o.push_str("<h3>说明 <span class=\"en\">Explanation</span></h3>");
            for para in text.split("\n\n") {
                let _ = write!(o, "<p>{}</p>", escape(para));
            }
        }
        Some(Value::Array(lines)) => {
            o.push_str("<h3>说明 <span class=\"en\">Explanation</span></h3>");
            for line in lines {
                let _ = write!(o, "<p>{}</p>", escape(&scalar(line)));
            }
        }
        _ => {}
    }
    // Any other scalar fields the assessment carries (facts, readings …), so nothing the legal
    // crate adds is silently dropped from the printed report.
    let known = [
        "schema",
        "level",
        "units",
        "counts",
        "basis",
        "basis_zh",
        "explanation",
    ];
    if let Some(map) = a.as_object() {
        let extra: Vec<(&String, &Value)> = map
            .iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .collect();
        if !extra.is_empty() {
            o.push_str("<table id=\"assessment-extra\"><tbody>");
            for (k, v) in extra {
                // Nested facts and readings print as indented JSON: exact, and readable enough.
                let text = match v {
                    Value::Object(_) | Value::Array(_) => {
                        serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
                    }
                    other => scalar(other),
                };
                let _ = write!(
                    o,
                    "<tr><td><code>{}</code></td><td><pre class=\"mono\">{}</pre></td></tr>",
                    escape(k),
                    escape(&text)
                );
            }
            o.push_str("</tbody></table>");
        }
    }
}

/// A JSON value as display text: strings bare, everything else as compact JSON.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn problems(o: &mut String, s: &Summary, opts: &HtmlOptions) {
    h2(o, "problems", "问题", "Problems met");
    if s.problems.is_empty() {
        o.push_str("<p class=\"none\" id=\"no-problems\">None: every input was read in full. 所有输入均已完整读取。</p>");
        return;
    }
    o.push_str("<table id=\"problems-table\"><thead><tr><th>来源 Source</th><th>状态 Status</th><th>位置 Where</th><th>原因 Message</th></tr></thead><tbody>");
    let shown = s.problems.len().min(opts.max_rows);
    for p in s.problems.iter().take(shown) {
        let mut at = Vec::new();
        if let Some(off) = p.offset {
            at.push(format!("byte {}", group(off)));
        }
        if let Some(line) = p.line {
            at.push(format!("line {}", group(line)));
        }
        let _ = write!(
            o,
            "<tr><td class=\"src\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.source),
            escape(&p.status),
            escape(&at.join(", ")),
            escape(&p.message),
        );
    }
    more_rows(o, shown, s.problems.len(), 4);
    o.push_str("</tbody></table>");
}
