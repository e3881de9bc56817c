//! Summary JSON, terminal table and HTML report from a hand-built summary.

use fangxian_report::{
    render_html, render_terminal, summary_json, write_report_html, write_summary_json, HtmlOptions,
    TerminalOptions,
};
use fangxian_scan::Summary;

use crate::fixture::{self, HOSTILE};

/// The fixture with the run-dependent fields (version, start time, duration) replaced, so the
/// snapshots hold only what the renderers decide.
fn filtered() -> Summary {
    let mut s = fixture::summary();
    s.method.version = "[version]".to_owned();
    s.method.started = "[started]".to_owned();
    s.method.elapsed_seconds = 0.0;
    s
}

#[test]
fn summary_json_snapshot() {
    insta::assert_snapshot!("summary_json", summary_json(&filtered()).unwrap());
}

#[test]
fn summary_json_round_trips_and_validates_as_contract() {
    let s = fixture::summary();
    let text = summary_json(&s).unwrap();
    let back: Summary = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "fangxian.summary/1");
    assert_eq!(v["records"]["total"], 130_001);
    assert_eq!(v["items"]["cn_resident_id"]["found"], 123_457);
    assert_eq!(v["tiers"]["A"]["records"], 777);
    assert_eq!(v["categories"]["accommodation"]["persons"], 4_000);
    assert_eq!(v["assessment"]["level"], "particularly_serious");
}

#[test]
fn terminal_snapshot() {
    insta::assert_snapshot!(
        "terminal_80",
        render_terminal(&filtered(), &TerminalOptions::default())
    );
}

#[test]
fn terminal_partial_and_colour() {
    let mut s = filtered();
    s.partial = true;
    let plain = render_terminal(&s, &TerminalOptions::new(100, false));
    assert!(plain.contains("PARTIAL"));
    assert!(!plain.contains('\x1b'));
    let colour = render_terminal(&s, &TerminalOptions::new(100, true));
    assert!(colour.contains("\x1b[1;33mPARTIAL"));
    // Stripping the escapes gives the plain table back.
    let mut stripped = String::new();
    let mut in_esc = false;
    for c in colour.chars() {
        match (in_esc, c) {
            (false, '\x1b') => in_esc = true,
            (true, 'm') => in_esc = false,
            (true, _) => {}
            (false, c) => stripped.push(c),
        }
    }
    assert_eq!(stripped, plain);
}

#[test]
fn terminal_fits_its_width() {
    let s = filtered();
    for w in [60, 80, 120] {
        let t = render_terminal(&s, &TerminalOptions::new(w, false));
        for line in t.lines() {
            let cols: usize = line
                .chars()
                .map(|c| {
                    if (c as u32) >= 0x2e80 && c != '…' && c != '·' {
                        2
                    } else {
                        1
                    }
                })
                .sum();
            assert!(cols <= w, "{w}: {cols} columns: {line}");
        }
    }
}

#[test]
fn terminal_handles_an_empty_summary() {
    let t = render_terminal(&Summary::default(), &TerminalOptions::default());
    assert!(t.contains("0 inputs"));
    assert!(t.contains("none found"));
}

#[test]
fn html_escapes_every_string_from_the_data() {
    let html = render_html(&fixture::summary(), &HtmlOptions::default());
    assert!(!html.contains("<script>"), "raw script tag in the report");
    assert!(!html.contains("<img"), "raw img tag from a problem message");
    assert!(!html.contains("<b>phone"), "raw field name");
    assert!(
        !html.contains("<i>seized"),
        "raw markup from the assessment's facts"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.csv"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("&lt;b&gt;phone&lt;/b&gt;"));
}

#[test]
fn html_masks_values_unless_revealed() {
    let s = fixture::summary();
    let masked = render_html(&s, &HtmlOptions::default());
    assert!(masked.contains("110105********0021"));
    assert!(masked.contains("199****5678"));
    assert!(!masked.contains("110105194912310021"));
    assert!(!masked.contains("19912345678"));
    assert!(!masked.contains("UNMASKED"));
    let revealed = render_html(&s, &HtmlOptions::default().reveal(true));
    assert!(revealed.contains("110105194912310021"));
    assert!(revealed.contains("19912345678"));
    assert!(revealed.contains("UNMASKED"));
}

#[test]
fn html_shows_counts_inputs_method_exhibits_assessment_and_problems() {
    let html = render_html(&fixture::summary(), &HtmlOptions::default());
    for needle in [
        // counts
        "id=\"n-records-total\">130,001<",
        "id=\"n-persons\">119,999<",
        "123,457",
        "120,001",
        "4,321",
        // inputs with size and hash
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "酒店入住记录.sql.gz",
        "50.0 MiB",
        // method
        "fangxian 0.1.0",
        "2026-11-24T15:00:00Z",
        // exhibits
        "<td>checksum</td><td class=\"n\">300</td>",
        "id=\"n-dup-records\">1,234<",
        "<td class=\"n\">3,456</td>",
        "<td class=\"n\">88</td>",
        // assessment
        "情节特别严重",
        "44.198",
        "<td class=\"n\">117,000</td>",
        "640 tier-A items",
        "Mixed types are added pro rata.",
        "行踪轨迹信息640条",
        "&quot;insider&quot;: false",
        // problems
        "truncated archive",
        "byte 1,048,576",
        "line 12",
    ] {
        assert!(html.contains(needle), "missing {needle:?}");
    }
    assert!(!html.contains("partial-banner"));
    // Self-contained: nothing fetched, nothing run.
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(!html.contains("https://"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "one chart each for types, tiers, categories"
    );
}

#[test]
fn html_partial_banner() {
    let mut s = fixture::summary();
    s.partial = true;
    let html = render_html(&s, &HtmlOptions::default());
    assert!(html.contains("id=\"partial-banner\""));
    assert!(html.contains("PARTIAL — scan interrupted"));
    assert!(html.contains("<title>[PARTIAL]"));
}

#[test]
fn html_of_an_empty_summary_is_well_formed() {
    let html = render_html(&Summary::default(), &HtmlOptions::default());
    assert!(html.contains("No PI items found"));
    assert!(html.contains("No inputs"));
    assert!(html.ends_with("</html>\n"));
    assert_eq!(
        html.matches("<svg").count(),
        1,
        "the tier chart always shows"
    );
}

#[test]
fn long_tables_are_capped() {
    let mut s = fixture::summary();
    s.problems = (0..50)
        .map(|i| fangxian_scan::summary::Problem {
            source: format!("f{i}.csv"),
            status: "skipped".to_owned(),
            message: "unreadable".to_owned(),
            ..Default::default()
        })
        .collect();
    let html = render_html(&s, &HtmlOptions::default().max_rows(10));
    assert!(html.contains("f9.csv"));
    assert!(!html.contains("f10.csv"));
    assert!(html.contains("40 more rows not shown"));
}

#[test]
fn files_are_written_atomically_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture::summary();
    let json = dir.path().join("summary.json");
    let html = dir.path().join("report.html");
    write_summary_json(&s, &json).unwrap();
    write_report_html(&s, &HtmlOptions::default(), &html).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.html", "summary.json"]);
    let back: Summary = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(back, s);
    // The hostile name is only a string in the report; no file by that name appears anywhere.
    assert!(!dir.path().join(HOSTILE).exists());
}

/// Writes the fixture's report for a look or a screenshot:
/// `FANGXIAN_SAMPLE_REPORT=/tmp/r.html cargo test -p fangxian-report --test it sample_report -- --ignored`
/// then `scripts/screenshot-report.sh /tmp/r.html /tmp/r.png`.
#[test]
#[ignore = "writes a file for people to look at"]
fn sample_report() {
    let path = std::env::var_os("FANGXIAN_SAMPLE_REPORT").expect("set FANGXIAN_SAMPLE_REPORT");
    let mut s = fixture::summary();
    s.partial = std::env::var_os("FANGXIAN_SAMPLE_PARTIAL").is_some();
    write_report_html(&s, &HtmlOptions::default(), path).unwrap();
}

#[test]
fn empty_categories_are_left_out_of_the_terminal_and_chart_but_listed_in_the_table() {
    let mut s = fixture::summary();
    s.categories.insert("health".to_owned(), Default::default());
    let t = render_terminal(&s, &TerminalOptions::default());
    assert!(!t.contains("health"));
    assert!(t.contains("accommodation (B)"));
    let html = render_html(&s, &HtmlOptions::default());
    assert!(html.contains("<code>health</code>"), "table row");
    assert!(!html.contains("健康生理信息 health"), "chart label");
    // All categories empty: no category chart at all.
    for c in s.categories.values_mut() {
        *c = Default::default();
    }
    let html = render_html(&s, &HtmlOptions::default());
    assert_eq!(html.matches("<svg").count(), 2);
}
