//! Hostile and broken inputs: each gives a clear warning or error and the walk goes on.

use crate::common::*;
use fangxian_formats::{Limits, Walker};

#[test]
fn empty_file_warns_and_walk_goes_on() {
    let dir = tempdir();
    write_file(dir.path(), "a_empty.csv", b"");
    write_file(dir.path(), "b.csv", b"x,y\n1,2\n3,4\n");
    let mut c = Collect::default();
    Walker::new(Limits::default())
        .walk(&[dir.path().to_path_buf()], &mut c)
        .unwrap();
    assert!(c
        .warnings
        .iter()
        .any(|w| w.message.contains("empty") && w.source.ends_with("a_empty.csv")));
    assert_eq!(c.rows.len(), 4);
    assert_eq!(c.inputs.len(), 2);
}

#[test]
fn long_line_is_split_with_a_warning() {
    let mut data = vec![b'a'; 3 << 20];
    data.extend_from_slice(b"\nshort\n");
    let c = read_with("big.log", &data, Limits::default().max_record_len(1 << 20));
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].message.contains("record limit"));
    assert_eq!(c.warnings[0].line, Some(1));
    let lens: Vec<usize> = c.rows.iter().map(|r| r.value.len()).collect();
    assert_eq!(lens, [1 << 20, 1 << 20, 1 << 20, 5]);
    assert!(c.done[0].partial);
}

#[test]
fn long_csv_record_is_skipped_with_a_warning() {
    let mut data = b"a,b\n1,2\n3,\"".to_vec();
    data.extend(std::iter::repeat_n(b'x', 2 << 20));
    data.extend_from_slice(b"\"\n5,6\n");
    let c = read_with("big.csv", &data, Limits::default().max_record_len(1 << 20));
    assert_eq!(c.flat(), ["1:a=1", "1:b=2", "3:a=5", "3:b=6"]);
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].message.contains("record 2"));
}

#[test]
fn corrupt_gzip_keeps_records_before_and_names_offset() {
    let mut data = String::from("k,v\n");
    for i in 0..20000 {
        data.push_str(&format!("key{i},{}\n", i * 7919 % 10007));
    }
    let mut gz = gzip(data.as_bytes());
    let n = gz.len();
    for b in &mut gz[n / 2..n / 2 + 64] {
        *b ^= 0x5A;
    }
    let c = read_bytes("broken.csv.gz", &gz);
    assert_eq!(c.errors.len(), 1, "{}", c.all_messages());
    assert!(c.errors[0].contains("broken.csv.gz"), "{}", c.errors[0]);
    assert!(c.errors[0].contains("at byte"), "{}", c.errors[0]);
    assert!(!c.rows.is_empty() && c.rows.len() < 40000);
    assert!(c.done[0].partial);
    assert!(c.inputs[0].partial);
}

#[test]
fn truncated_gzip() {
    let gz = gzip(b"a,b\n1,2\n3,4\n");
    let c = read_bytes("t.gz", &gz[..gz.len() - 10]);
    assert_eq!(c.errors.len(), 1, "{}", c.all_messages());
    assert!(c.done[0].partial);
}

#[test]
fn gzip_bomb_hits_ratio_limit_with_hint() {
    let zeros = vec![b'0'; 50 << 20];
    let gz = gzip(&zeros);
    let c = read_with(
        "bomb.gz",
        &gz,
        Limits::default().ratio_grace_bytes(1 << 20).max_ratio(100),
    );
    let msg = c.all_messages();
    assert!(
        msg.contains("zip-bomb guard") && msg.contains("max_ratio"),
        "{msg}"
    );
    assert!(c.inputs[0].partial);
}

#[test]
fn total_limit_per_input() {
    let data = vec![b'x'; 4 << 20];
    let c = read_with(
        "t.zst",
        &zstd(&data),
        Limits::default().max_total_bytes(1 << 20),
    );
    let msg = c.all_messages();
    assert!(msg.contains("max_total_bytes"), "{msg}");
}

#[test]
fn zip_bomb_declared_sizes() {
    let zeros = vec![0u8; 40 << 20];
    let z = zip(&[("zeros.bin", &zeros), ("ok.csv", b"a,b\n1,2\n3,4\n")]);
    let c = read_with(
        "bomb.zip",
        &z,
        Limits::default().ratio_grace_bytes(1 << 20).max_ratio(50),
    );
    let msg = c.all_messages();
    assert!(
        msg.contains("bomb.zip!/zeros.bin") && msg.contains("zip-bomb guard"),
        "{msg}"
    );
    assert_eq!(c.rows.len(), 4, "the walk goes on with the next member");
}

#[test]
fn truncated_zip_and_tar() {
    let z = zip(&[("a.csv", b"a,b\n1,2\n3,4\n")]);
    let c = read_bytes("t.zip", &z[..z.len() - 30]);
    assert!(!c.errors.is_empty(), "{}", c.all_messages());
    let mut t = tar(&[("a.csv", b"a,b\n1,2\n3,4\n"), ("b.csv", &vec![b'x'; 5000])]);
    t.truncate(512 * 3 + 100);
    let c = read_bytes("t.tar", &t);
    let a: Vec<_> = c
        .rows
        .iter()
        .filter(|r| r.source == "t.tar!/a.csv")
        .collect();
    assert_eq!(a.len(), 4);
    assert!(!c.errors.is_empty(), "{}", c.all_messages());
    assert!(c.inputs[0].partial);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let p = write_file(dir.path(), "secret.csv", b"a,b\n1,2\n");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&p).is_ok() {
        return; // running as root: permissions are not enforced
    }
    let mut c = Collect::default();
    Walker::new(Limits::default()).walk(&[p], &mut c).unwrap();
    assert_eq!(c.errors.len(), 1);
    assert!(c.inputs[0].skipped);
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let mut c = Collect::default();
    Walker::new(Limits::default())
        .walk(&["/nonexistent/x.csv".into()], &mut c)
        .unwrap();
    assert_eq!(c.errors.len(), 1);
    assert!(c.errors[0].contains("/nonexistent/x.csv"));
}

#[test]
fn too_many_fields_keeps_the_first_ones_with_a_warning() {
    let c = read_with(
        "wide.csv",
        b"a,b,c,d,e\n1,2,3,4,5\n6,7,8,9,10\n",
        Limits::default().max_fields(3),
    );
    assert_eq!(
        c.flat(),
        ["1:a=1", "1:b=2", "1:c=3", "2:a=6", "2:b=7", "2:c=8"]
    );
    assert!(c.warnings.iter().any(|w| w.message.contains("max_fields")));
}

#[test]
fn read_error_on_an_opened_input_is_reported() {
    // A directory opens like a file on Linux but fails on read: the read-error path,
    // testable even as root (where permission bits are not enforced).
    let dir = tempdir();
    let mut c = Collect::default();
    Walker::new(Limits::default())
        .read_file("a_dir", dir.path(), &mut c)
        .unwrap();
    assert_eq!(c.errors.len(), 1, "{}", c.all_messages());
    assert!(c.errors[0].starts_with("a_dir"), "{}", c.errors[0]);
    assert!(c.inputs[0].partial);
}

#[test]
fn unterminated_quote_resyncs_at_the_next_line() {
    let mut data = String::from("name,phone\nfirst,13800138000\nbroken,\"13900139000\n");
    for i in 0..500 {
        data.push_str(&format!("user{i},138{i:08}\n"));
    }
    let c = read_with(
        "q.csv",
        data.as_bytes(),
        Limits::default().max_record_len(2000),
    );
    assert_eq!(c.warnings.len(), 1, "{}", c.all_messages());
    assert!(c.warnings[0].message.contains("unterminated quote"));
    assert_eq!(c.warnings[0].line, Some(3));
    let flat = c.flat();
    assert_eq!(&flat[..2], ["1:name=first", "1:phone=13800138000"]);
    assert_eq!(&flat[2..4], ["3:name=user0", "3:phone=13800000000"]);
    assert_eq!(flat.len(), 2 + 2 * 500);
    assert_eq!(flat.last().unwrap(), "502:phone=13800000499");
}
