//! Free-text recognition on arbitrary input: must never panic, and every span must lie on char
//! boundaries inside the text with a confidence in 0..=1. The same input is also run as a
//! typed field of a few column kinds and through column profiling.
#![no_main]

use std::sync::OnceLock;

use fangxian_core::recognize::{Recognizer, Scratch};
use libfuzzer_sys::fuzz_target;

fn recognizer() -> &'static Recognizer {
    static R: OnceLock<Recognizer> = OnceLock::new();
    R.get_or_init(Recognizer::new)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let r = recognizer();
    let mut scratch = Scratch::new();
    let check = |f: &fangxian_core::recognize::Finding<'_>, s: &str| {
        assert!(f.span.start <= f.span.end && f.span.end <= s.len());
        assert!(s.is_char_boundary(f.span.start) && s.is_char_boundary(f.span.end));
        assert!((0.0..=1.0).contains(&f.confidence));
        assert!(!f.value.is_empty());
    };
    r.find_in_text_with(&text, &mut scratch, &mut |f| check(f, &text));
    let _ = r.classify_header(&text);
    let lines: Vec<&str> = text.lines().take(8).collect();
    let _ = r.table_class(&lines);
    for header in ["sfzh", "手机", "xm", "dz", "经纬度", "备注", "wd"] {
        let col = r.profile_column(Some(header), &lines);
        r.find_in_field_with(&col, &text, &mut scratch, &mut |f| check(f, &text));
    }
});
