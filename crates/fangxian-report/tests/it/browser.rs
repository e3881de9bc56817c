//! The HTML report in a real headless browser (Debian's `chromium`): it must render with no
//! console message (no script error, no blocked load) and show the counts.
//!
//! Skips with a notice when `/usr/bin/chromium` is absent; `scripts/test.sh` installs it in CI.

use std::path::Path;
use std::process::Command;

use fangxian_report::{write_report_html, HtmlOptions};

use crate::fixture;

const CHROMIUM: &str = "/usr/bin/chromium";

struct Rendered {
    dom: String,
    /// Console lines Chromium logged (`...:CONSOLE:...`): script errors, CSP violations,
    /// failed loads.
    console: Vec<String>,
}

fn chromium_present() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    eprintln!(
        "SKIPPED: {CHROMIUM} not found; install it with \
         `apt-get install -y --no-install-recommends chromium` to run the browser test"
    );
    false
}

/// Loads `page` headless and returns the DOM after load and the console lines.
fn render(page: &Path) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let out = Command::new("timeout")
        .arg("120")
        .arg(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "chromium failed ({}): {stderr}",
        out.status
    );
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
            .map(str::to_owned)
            .collect(),
    }
}

#[test]
fn report_renders_cleanly_and_shows_the_counts() {
    if !chromium_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();

    // Negative control: the console detector must see a broken page, or a pass means nothing.
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><html><body><p>x</p><script>no_such_function();</script></body></html>",
    )
    .unwrap();
    let r = render(&broken);
    assert!(
        r.console.iter().any(|l| l.contains("no_such_function")),
        "the console detector missed a script error: {:?}",
        r.console
    );

    let page = dir.path().join("report.html");
    write_report_html(&fixture::summary(), &HtmlOptions::default(), &page).unwrap();
    let r = render(&page);
    assert!(r.console.is_empty(), "console messages: {:#?}", r.console);
    for needle in [
        "id=\"n-records-total\">130,001<",
        "id=\"n-persons\">119,999<",
        "123,457",
        "110105********0021",
        "情节特别严重",
        "&lt;script&gt;alert(1)&lt;/script&gt;.csv",
    ] {
        assert!(r.dom.contains(needle), "rendered DOM lacks {needle:?}");
    }
    // The hostile source name stayed text: the DOM holds no script element.
    assert!(!r.dom.contains("<script"));
    assert_eq!(r.dom.matches("<svg").count(), 3);
    assert!(!r.dom.contains("partial-banner"));

    let mut partial = fixture::summary();
    partial.partial = true;
    write_report_html(&partial, &HtmlOptions::default(), &page).unwrap();
    let r = render(&page);
    assert!(r.console.is_empty(), "console messages: {:#?}", r.console);
    assert!(r.dom.contains("id=\"partial-banner\""));
    assert!(r.dom.contains("PARTIAL — scan interrupted"));
}
