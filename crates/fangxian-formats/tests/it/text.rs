//! Plain text and logs.

use crate::common::*;

#[test]
fn one_record_per_line() {
    let c = read_bytes(
        "app.log",
        b"2024-01-01 login user=13800138000\r\n\nsecond line\nlast",
    );
    assert_eq!(
        c.flat(),
        [
            "1:2024-01-01 login user=13800138000",
            "2:",
            "3:second line",
            "4:last"
        ]
    );
    assert_eq!(c.formats[0].1, "text");
    assert!(c.rows.iter().all(|r| r.name.is_none()));
}

#[test]
fn log_lines_starting_with_brackets_are_text() {
    let c = read_bytes(
        "a.log",
        b"[2024-01-01 10:00:00] INFO start\n[2024-01-01 10:00:01] INFO go\n",
    );
    assert_eq!(c.formats[0].1, "text");
    assert_eq!(c.rows.len(), 2);
}
