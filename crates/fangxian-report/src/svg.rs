//! Horizontal bar charts as inline SVG: no script, no external resource, prints as vectors.

use std::fmt::Write as _;

use crate::html::escape;
use crate::text::{group, width};

/// One series of a grouped bar chart.
pub(crate) struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
}

/// One group of bars: a label and one value per series.
pub(crate) struct Row {
    pub label: String,
    pub values: Vec<u64>,
}

const LABEL_W: f64 = 200.0;
const BAR_W: f64 = 400.0;
const VALUE_W: f64 = 110.0;
const BAR_H: f64 = 14.0;
const GAP: f64 = 10.0;
const LEGEND_H: f64 = 22.0;
/// Label characters that fit in `LABEL_W` at 12 px (wide characters count twice).
const LABEL_COLS: usize = 30;

/// A grouped horizontal bar chart. All bars share one linear scale starting at zero, so their
/// lengths compare honestly.
pub(crate) fn bar_chart(title: &str, series: &[Series<'_>], rows: &[Row]) -> String {
    let max = rows
        .iter()
        .flat_map(|r| r.values.iter().copied())
        .max()
        .unwrap_or(0);
    let per_group = BAR_H * series.len() as f64 + GAP;
    let legend = if series.len() > 1 { LEGEND_H } else { 0.0 };
    let height = legend + per_group * rows.len() as f64 + 4.0;
    let total_w = LABEL_W + BAR_W + VALUE_W;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {total_w} {height}\" width=\"{total_w}\" height=\"{height}\" \
         aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    if series.len() > 1 {
        let mut x = LABEL_W;
        for se in series {
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{c}\"/>\
                 <text x=\"{tx}\" y=\"14\" class=\"legend\">{n}</text>",
                c = se.color,
                tx = x + 16.0,
                n = escape(se.name)
            );
            x += 28.0 + 7.0 * width(se.name) as f64;
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let y0 = legend + per_group * i as f64;
        let label = crate::text::fit(&row.label, LABEL_COLS);
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"end\" class=\"label\">{l}</text>",
            x = LABEL_W - 8.0,
            y = y0 + (BAR_H * series.len() as f64) / 2.0 + 4.0,
            l = escape(&label)
        );
        for (j, (&v, se)) in row.values.iter().zip(series).enumerate() {
            let len = if max == 0 {
                0.0
            } else {
                (v as f64 / max as f64 * BAR_W).max(if v > 0 { 1.0 } else { 0.0 })
            };
            let y = y0 + BAR_H * j as f64;
            let _ = write!(
                s,
                "<rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{len:.1}\" height=\"{h}\" fill=\"{c}\">\
                 <title>{n}: {v}</title></rect>\
                 <text x=\"{tx:.1}\" y=\"{ty}\" class=\"value\">{v}</text>",
                h = BAR_H - 2.0,
                c = se.color,
                n = escape(se.name),
                v = group(v),
                tx = LABEL_W + len + 4.0,
                ty = y + BAR_H - 4.0,
            );
        }
    }
    s.push_str("</svg>");
    s
}
