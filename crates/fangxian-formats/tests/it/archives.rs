//! Compression and archives, detected by content.

use crate::common::*;

const CSV: &[u8] = b"name,phone\nZhang,13800138000\nLi,13900139000\n";

fn expected() -> Vec<String> {
    read_bytes("x", CSV).flat()
}

#[test]
fn every_compression_by_magic_not_name() {
    for (what, bytes) in [
        ("gz", gzip(CSV)),
        ("bz2", bzip2(CSV)),
        ("xz", xz(CSV)),
        ("zst", zstd(CSV)),
    ] {
        // Misleading name on purpose: detection must not look at it.
        let c = read_bytes("data.txt", &bytes);
        assert_eq!(c.flat(), expected(), "{what}");
        assert_eq!(c.triples(), read_bytes("x", CSV).triples(), "{what}");
        assert_eq!(c.rows[0].source, "data.txt", "{what}");
    }
}

#[test]
fn zip_members_are_named_archive_bang_member() {
    let z = zip(&[("a/users.csv", CSV), ("notes.txt", b"hello\nworld\n")]);
    let dir = tempdir();
    let p = write_file(dir.path(), "dump.zip", &z);
    let mut c = Collect::default();
    fangxian_formats::Walker::new(Default::default())
        .read_file("dump.zip", &p, &mut c)
        .unwrap();
    let sources: Vec<_> = c.done.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(sources, ["dump.zip!/a/users.csv", "dump.zip!/notes.txt"]);
    assert_eq!(
        c.rows
            .iter()
            .filter(|r| r.source == "dump.zip!/a/users.csv")
            .count(),
        4
    );
    assert!(c.errors.is_empty(), "{:?}", c.errors);
}

#[test]
fn nested_zip_in_tar_gz_in_zip() {
    let inner = zip(&[("c.csv", CSV)]);
    let tgz = gzip(&tar(&[("b/inner.zip", &inner), ("plain.csv", CSV)]));
    let outer = zip(&[("b.tar.gz", &tgz)]);
    let c = read_bytes("a.zip", &outer);
    let sources: Vec<_> = c.done.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        sources,
        [
            "a.zip!/b.tar.gz!/b/inner.zip!/c.csv",
            "a.zip!/b.tar.gz!/plain.csv"
        ]
    );
    assert_eq!(c.rows.len(), 8);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert!(c.done.iter().all(|d| d.input == "a.zip"));
}

#[test]
fn tar_zst_and_xz_tar() {
    let t = tar(&[("x.csv", CSV)]);
    for bytes in [zstd(&t), xz(&t), bzip2(&t)] {
        let c = read_bytes("t", &bytes);
        assert_eq!(c.done[0].name, "t!/x.csv");
        assert_eq!(c.flat(), expected());
    }
}
