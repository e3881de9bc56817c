//! SQLite straight into the SQLite reader: a small valid database (built once at start-up
//! with the same bundled SQLite the reader uses, 512-byte pages: a rowid table with an
//! index and an overflowing row, a WITHOUT ROWID table, a table with an odd name, a view)
//! whose pages are then overwritten by fuzz patches at positions chosen by the fuzz bytes,
//! and optionally truncated. The 16-byte magic is kept, so the sniffer always routes it
//! here. Must never panic, hang or allocate without bound; a panic the reader itself catches
//! (rusqlite's on a column name that is not UTF-8) unwinds as in production.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::sync::OnceLock;

use fangxian_formats::Format;
use libfuzzer_sys::{fuzz_target, Corpus};

fn build() -> rusqlite::Result<Vec<u8>> {
    let path = std::env::temp_dir().join(format!("fangxian-fuzz-sqlite-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let db = rusqlite::Connection::open(&path)?;
        db.execute_batch(
            "PRAGMA page_size = 512;
             CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT, phone TEXT, score REAL,
                                 photo BLOB);
             CREATE INDEX person_phone ON person(phone);
             CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
             CREATE TABLE \"odd\"\"name\"(a, b);
             CREATE VIEW adults AS SELECT name FROM person WHERE score > 1;",
        )?;
        for i in 0..24i64 {
            db.execute(
                "INSERT INTO person(name, phone, score, photo) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    format!("张三{i}"),
                    format!("138{:08}", i * 7919),
                    i as f64 / 3.0,
                    vec![i as u8; (i as usize) % 5],
                ],
            )?;
        }
        // One row larger than a page: overflow pages.
        db.execute(
            "INSERT INTO person(name, phone) VALUES (?1, '13900139000')",
            ["李四 11010519491231002X ".repeat(40)],
        )?;
        for (k, v) in [("a", "1"), ("b", "13800138000"), ("c", "x,y")] {
            db.execute("INSERT INTO kv VALUES (?1, ?2)", [k, v])?;
        }
        db.execute("INSERT INTO \"odd\"\"name\" VALUES (NULL, X'00FF')", [])?;
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| rusqlite::Error::InvalidPath(format!("{}: {e}", path.display()).into()));
    let _ = std::fs::remove_file(&path);
    bytes
}

fn base() -> &'static [u8] {
    static DB: OnceLock<Vec<u8>> = OnceLock::new();
    // Failing to build the seed database is a broken harness, not a finding: say so.
    DB.get_or_init(|| build().expect("building the seed SQLite database"))
}

// rusqlite panics on a column name that is not UTF-8; the reader contains it (sqlite.rs).
fuzz_target!(init: common::contain_caught_panics(), |data: &[u8]| -> Corpus {
    let [lim, cut, patches @ ..] = data else {
        return Corpus::Reject;
    };
    let mut db = base().to_vec();
    common::patch(&mut db, patches, 16, 32);
    if cut & 0x80 != 0 {
        let keep = 16 + (db.len() - 16) * usize::from(cut & 0x7f) / 128;
        db.truncate(keep);
    }
    let seen = common::read(&db, common::limits(*lim));
    common::routed("formats_sqlite", &seen, |r| r.format == Format::Sqlite.name())
});
