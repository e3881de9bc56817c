//! Reading the tab-separated data files compiled into the crate (`crates/fangxian-core/data/`).
//! Each file starts with `#` lines naming its source and date; rows are tab-separated.

/// The data rows of a TSV data file: comment and blank lines skipped, each row split on tabs.
pub(crate) fn rows(src: &'static str) -> impl Iterator<Item = std::str::Split<'static, char>> {
    src.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t'))
}
