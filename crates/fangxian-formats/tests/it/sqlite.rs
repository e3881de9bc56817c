//! SQLite database files.

use crate::common::*;

fn make_db(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, phone TEXT, score REAL);
         INSERT INTO users VALUES (1, '张三', '13800138000', 1.5), (2, NULL, '13900139000', 2.0);
         CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
         INSERT INTO kv VALUES ('a', X'6869'), ('b', 42);",
    )
    .unwrap();
}

#[test]
fn every_table_file_and_from_archive() {
    let dir = tempdir();
    let db = dir.path().join("x.db");
    make_db(&db);
    let expected = [
        "1:id=1",
        "1:name=张三",
        "1:phone=13800138000",
        "1:score=1.5",
        "2:id=2",
        "2:name=",
        "2:phone=13900139000",
        "2:score=2",
        "3:k=a",
        "3:v=hi",
        "4:k=b",
        "4:v=42",
    ];
    let mut c = Collect::default();
    fangxian_formats::Walker::new(Default::default())
        .read_file("x.db", &db, &mut c)
        .unwrap();
    assert_eq!(c.formats[0].1, "sqlite");
    assert_eq!(c.flat(), expected);
    let tables: Vec<_> = c.headers.iter().map(|h| h.1.as_str()).collect();
    assert_eq!(tables, ["users", "kv"]);
    // The same database inside a gzip'd tar: spilled to a temporary file.
    let bytes = std::fs::read(&db).unwrap();
    let c = read_bytes("db.tgz", &gzip(&tar(&[("x.db", &bytes)])));
    assert_eq!(c.flat(), expected);
    assert_eq!(c.done[0].name, "db.tgz!/x.db");
}

/// Found by the `formats_sqlite` fuzz target: rusqlite panics on a column name that is not
/// valid UTF-8, which a corrupt schema can hold.
#[test]
fn a_column_name_that_is_not_utf8_reads_the_rows_by_position() {
    let dir = tempdir();
    let db = dir.path().join("x.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (zq1 TEXT, ok TEXT); INSERT INTO t VALUES ('a', '13800138000');",
        )
        .unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    // Same length, so the schema record stays well-formed; only its text is no longer UTF-8.
    let at = bytes.windows(3).position(|w| w == b"zq1").unwrap();
    bytes[at..at + 3].copy_from_slice(b"\xff\xfe1");
    let c = read_bytes("bad-name.db", &bytes);
    assert_eq!(c.flat(), ["1:a", "1:13800138000"]);
    let msg = c.all_messages();
    assert!(
        msg.contains("table t") && msg.contains("not valid UTF-8"),
        "{msg}"
    );
}

/// Found by the `formats_sqlite` fuzz target: when the first row of a batch was skipped as
/// too long, the rows after it pointed at a table the batch no longer held (a panic when the
/// record's table was read).
#[test]
fn rows_after_an_over_long_first_row_keep_their_table() {
    let dir = tempdir();
    let db = dir.path().join("x.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);
             INSERT INTO t VALUES (1, printf('%.200c', 'x')), (2, 'ok'), (3, 'fine');",
        )
        .unwrap();
    }
    let bytes = std::fs::read(&db).unwrap();
    let c = read_with(
        "long.db",
        &bytes,
        fangxian_formats::Limits::default().max_record_len(64),
    );
    assert_eq!(c.flat(), ["2:id=2", "2:note=ok", "3:id=3", "3:note=fine"]);
    assert!(c.rows.iter().all(|r| r.table == "t"));
    let msg = c.all_messages();
    assert!(
        msg.contains("row 1 of table t") && msg.contains("record limit"),
        "{msg}"
    );
}

#[test]
fn corrupt_database_is_an_error_not_a_panic() {
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xAB, 4096));
    let c = read_bytes("bad.db", &bytes);
    assert!(
        !c.errors.is_empty() || !c.warnings.is_empty(),
        "{}",
        c.all_messages()
    );
    assert!(c.rows.is_empty());
}
