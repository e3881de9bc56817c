//! The summary table `fangxian scan` prints on standard output.

use std::fmt::Write as _;
use std::str::FromStr;

use fangxian_core::{Category, ItemKind, Tier};
use fangxian_scan::summary::{ItemCounts, TierCounts};
use fangxian_scan::Summary;

use crate::text::{fit, group, human_bytes, pad, width};

/// Inputs listed one by one before the rest are summed up.
const MAX_INPUT_LINES: usize = 10;

/// How to lay out the terminal table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TerminalOptions {
    /// Columns available (clamped to 60–160).
    pub width: usize,
    /// Use ANSI colours and bold (only when standard output is a terminal).
    pub color: bool,
}

impl TerminalOptions {
    /// Options for a terminal `width` columns wide.
    pub fn new(width: usize, color: bool) -> TerminalOptions {
        TerminalOptions { width, color }
    }
}

impl Default for TerminalOptions {
    /// 80 columns, no colour.
    fn default() -> TerminalOptions {
        TerminalOptions::new(80, false)
    }
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn warn(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }
}

/// `LABEL  k v · k v · …`, wrapped under the label so no line passes `w` columns.
fn kv_lines(out: &mut String, st: &Style, label: &str, pairs: &[(&str, u64)], w: usize) {
    let indent = width(label) + 2;
    let mut line = String::new();
    let mut first_line = true;
    let flush = |out: &mut String, line: &mut String, first: &mut bool| {
        if *first {
            let _ = writeln!(out, "{}  {line}", st.bold(label));
        } else {
            let _ = writeln!(out, "{}{line}", " ".repeat(indent));
        }
        line.clear();
        *first = false;
    };
    for (k, v) in pairs {
        let item = format!("{k} {}", group(*v));
        let sep = if line.is_empty() { "" } else { " · " };
        if !line.is_empty() && indent + width(&line) + sep.len() + width(&item) > w {
            flush(out, &mut line, &mut first_line);
            line.push_str(&item);
        } else {
            line.push_str(sep);
            line.push_str(&item);
        }
    }
    flush(out, &mut line, &mut first_line);
}

/// Item type ids in contract order, then ids this build does not know, sorted.
pub(crate) fn item_order<'a>(items: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut ids: Vec<&String> = items.collect();
    ids.sort_by_key(|id| {
        let rank = ItemKind::from_str(id)
            .ok()
            .map(ItemKind::index)
            .unwrap_or(usize::MAX);
        (rank, (*id).clone())
    });
    ids
}

/// Category ids in the Interpretation's order (most serious tier first), then unknown ones.
pub(crate) fn category_order<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut ids: Vec<&String> = ids.collect();
    ids.sort_by_key(|id| {
        let rank = Category::ALL
            .iter()
            .position(|c| c.id() == id.as_str())
            .unwrap_or(usize::MAX);
        (rank, (*id).clone())
    });
    ids
}

/// The summary as a plain-text table for a terminal (ANSI styling only with
/// [`TerminalOptions::color`]). Shows no PI values, masked or not.
pub fn render_terminal(summary: &Summary, opts: &TerminalOptions) -> String {
    let st = Style { color: opts.color };
    let w = opts.width.clamp(60, 160);
    let mut out = String::new();

    let title = "fangxian scan summary";
    if summary.partial {
        let banner = "PARTIAL: scan interrupted, counts are incomplete";
        let _ = writeln!(out, "{}", st.bold(title));
        let _ = writeln!(out, "{}", st.warn(banner));
    } else {
        let _ = writeln!(out, "{}", st.bold(title));
    }
    out.push('\n');

    // Inputs.
    let stored: u64 = summary.inputs.iter().map(|i| i.bytes).sum();
    let _ = writeln!(
        out,
        "{}  {} input{}, {} stored, {} scanned",
        st.bold("Inputs"),
        group(summary.inputs.len() as u64),
        if summary.inputs.len() == 1 { "" } else { "s" },
        human_bytes(stored),
        human_bytes(summary.bytes_scanned),
    );
    // "  NAME  SIZE  SHA-256-PREFIX…"
    let size_col = 10;
    let hash_col = 13;
    let name_col = w - 2 - 2 - size_col - 2 - hash_col;
    for input in summary.inputs.iter().take(MAX_INPUT_LINES) {
        let hash = if input.sha256.len() >= 12 {
            format!("{}…", &input.sha256[..12])
        } else {
            input.sha256.clone()
        };
        let _ = writeln!(
            out,
            "  {}  {}  {}",
            pad(&fit(&input.source, name_col), name_col, true),
            pad(&human_bytes(input.bytes), size_col, false),
            hash,
        );
    }
    if summary.inputs.len() > MAX_INPUT_LINES {
        let _ = writeln!(
            out,
            "  … and {} more (all in summary.json)",
            group((summary.inputs.len() - MAX_INPUT_LINES) as u64)
        );
    }
    out.push('\n');

    let r = &summary.records;
    kv_lines(
        &mut out,
        &st,
        "Records",
        &[
            ("total", r.total),
            ("with PI", r.with_pi),
            ("invalid", r.invalid),
            ("duplicate", r.duplicate),
        ],
        w,
    );
    kv_lines(
        &mut out,
        &st,
        "Persons",
        &[("distinct", summary.persons.distinct)],
        w,
    );
    out.push('\n');

    // Items per type.
    let num = 12;
    let label_col = w - 3 * num;
    let header = |out: &mut String, first: &str, cols: &[&str]| {
        let mut line = pad(first, label_col, true);
        for c in cols {
            line.push_str(&pad(c, num, false));
        }
        let _ = writeln!(out, "{}", st.bold(line.trim_end()));
    };
    if summary.items.is_empty() {
        let _ = writeln!(out, "{}  none found", st.bold("Items"));
    } else {
        header(&mut out, "Item type", &["found", "distinct", "invalid"]);
        for id in item_order(summary.items.keys()) {
            let c: &ItemCounts = &summary.items[id];
            let invalid = pad(&group(c.invalid), num, false);
            let invalid = if c.invalid > 0 {
                st.bad(&invalid)
            } else {
                invalid
            };
            let _ = writeln!(
                out,
                "{}{}{}{}",
                pad(&fit(id, label_col - 1), label_col, true),
                pad(&group(c.found), num, false),
                pad(&group(c.distinct), num, false),
                invalid,
            );
        }
    }
    out.push('\n');

    // Tiers, always all three: a zero is information in a legal count.
    header(
        &mut out,
        "Tier (art. 5)",
        &["records", "persons", "screened"],
    );
    for tier in Tier::ALL {
        let c: TierCounts = summary.tiers.get(tier.id()).copied().unwrap_or_default();
        let label = format!(
            "{}  serious at {}",
            tier.id(),
            group(tier.serious_threshold())
        );
        let _ = writeln!(
            out,
            "{}{}{}{}",
            pad(&label, label_col, true),
            pad(&group(c.records), num, false),
            pad(&group(c.persons), num, false),
            pad(&group(c.screened), num, false),
        );
    }
    if !summary.categories.is_empty() {
        out.push('\n');
        header(&mut out, "Category", &["records", "persons"]);
        // Categories with no record are noise in a terminal; the report lists them all.
        for id in category_order(summary.categories.keys()) {
            let c = &summary.categories[id];
            if c.records == 0 && c.persons == 0 {
                continue;
            }
            let tier = Category::from_str(id).map(|c| c.tier().id()).unwrap_or("?");
            let label = format!("{} ({tier})", fit(id, label_col.saturating_sub(6)));
            let _ = writeln!(
                out,
                "{}{}{}",
                pad(&label, label_col, true),
                pad(&group(c.records), num, false),
                pad(&group(c.persons), num, false),
            );
        }
    }

    if let Some(a) = &summary.assessment {
        out.push('\n');
        let level = a.get("level").and_then(|v| v.as_str()).unwrap_or("unknown");
        let units = a
            .get("units")
            .and_then(serde_json::Value::as_f64)
            .map(|u| format!(" ({u:.2} units)"))
            .unwrap_or_default();
        let level_text = level.replace('_', " ");
        let level_text = if level == "none" {
            level_text
        } else {
            st.warn(&level_text)
        };
        let _ = writeln!(out, "{}  {level_text}{units}", st.bold("Assessment"));
    }

    let s = &summary.screening;
    let screened_out = s.placeholder_records + s.empty_records + s.unidentifiable_records;
    if screened_out > 0 || s.duplicate_records > 0 {
        out.push('\n');
        kv_lines(
            &mut out,
            &st,
            "Screening (art. 11)",
            &[
                ("duplicate", s.duplicate_records),
                ("placeholder", s.placeholder_records),
                ("empty", s.empty_records),
                ("unidentifiable", s.unidentifiable_records),
            ],
            w,
        );
    }

    if !summary.problems.is_empty() {
        out.push('\n');
        let skipped = summary
            .problems
            .iter()
            .filter(|p| p.status == "skipped")
            .count();
        let line = format!(
            "{} input{} skipped, {} read in part; see the report",
            group(skipped as u64),
            if skipped == 1 { "" } else { "s" },
            group((summary.problems.len() - skipped) as u64),
        );
        let _ = writeln!(out, "{}  {}", st.bold("Problems"), st.warn(&line));
    }
    out
}
