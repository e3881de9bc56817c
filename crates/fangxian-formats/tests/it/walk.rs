//! Input enumeration: directories, names, symlinks, hashes, nesting and spill limits.

use crate::common::*;
use fangxian_formats::{Limits, Walker};

fn sha256_hex(bytes: &[u8]) -> String {
    // Independent check: the `sha256sum` tool when present, else skip the comparison.
    let dir = tempdir();
    let p = write_file(dir.path(), "h", bytes);
    let out = std::process::Command::new("sha256sum").arg(&p).output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

#[test]
fn directory_walk_names_sorted_and_symlinks_not_followed() {
    let dir = tempdir();
    let root = dir.path().join("case");
    write_file(&root, "b.csv", b"x,y\n1,2\n3,4\n");
    write_file(&root, "a/inner.log", b"line\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("b.csv"), root.join("c_link.csv")).unwrap();
    let mut c = Collect::default();
    Walker::new(Limits::default())
        .walk(std::slice::from_ref(&root), &mut c)
        .unwrap();
    let names: Vec<_> = c.inputs.iter().map(|i| i.name.clone()).collect();
    let r = root.to_string_lossy();
    assert_eq!(names, [format!("{r}/a/inner.log"), format!("{r}/b.csv")]);
    #[cfg(unix)]
    {
        let mut c = Collect::default();
        Walker::new(Limits::default())
            .follow_symlinks(true)
            .walk(std::slice::from_ref(&root), &mut c)
            .unwrap();
        assert_eq!(c.inputs.len(), 3);
        assert!(c.inputs[2].name.ends_with("c_link.csv"));
    }
}

#[test]
fn input_sizes_and_hashes_for_files_zips_and_streams() {
    let dir = tempdir();
    let csv = b"a,b\n1,2\n3,4\n";
    let z = zip(&[("m.csv", csv)]);
    let pc = write_file(dir.path(), "p.csv", csv);
    let pz = write_file(dir.path(), "p.zip", &z);
    let mut c = Collect::default();
    let w = Walker::new(Limits::default()).hash_inputs(true);
    w.walk(&[pc, pz], &mut c).unwrap();
    let mut r = &csv[..];
    w.read_stream("-", &mut r, &mut c).unwrap();
    assert_eq!(c.inputs.len(), 3);
    assert_eq!(c.inputs[0].bytes, csv.len() as u64);
    assert_eq!(c.inputs[1].bytes, z.len() as u64);
    assert_eq!(c.inputs[2].bytes, csv.len() as u64);
    let hashes: Vec<_> = c.inputs.iter().map(|i| i.sha256.clone().unwrap()).collect();
    assert_eq!(hashes[0], hashes[2]);
    assert_ne!(hashes[0], hashes[1]);
    assert_eq!(hashes[0].len(), 64);
    let want = sha256_hex(csv);
    if !want.is_empty() {
        assert_eq!(hashes[0], want);
        assert_eq!(hashes[1], sha256_hex(&z));
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_reported() {
    let mut data = b"a,b\n1,2\n3,4\n".to_vec();
    for _ in 0..5 {
        data = gzip(&data);
    }
    let c = read_with("deep.gz", &data, Limits::default().max_depth(3));
    assert!(c.rows.is_empty());
    let msg = c.all_messages();
    assert!(msg.contains("max_depth"), "{msg}");
    let c = read_with("deep.gz", &data, Limits::default().max_depth(5));
    assert_eq!(c.rows.len(), 4);
}

#[test]
fn stream_zip_larger_than_spill_limit_is_skipped() {
    let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let z = zip(&[("big.bin", &big)]);
    let c = read_with("s.zip", &z, Limits::default().max_spill_bytes(10_000));
    let msg = c.all_messages();
    assert!(msg.contains("max_spill_bytes"), "{msg}");
}

#[test]
fn binary_data_is_skipped_with_a_warning() {
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 37 % 256) as u8).collect();
    let c = read_bytes("blob.bin", &data);
    assert!(c.rows.is_empty());
    assert!(c.warnings.iter().any(|w| w.message.contains("binary")));
    assert!(c.done[0].skipped);
}

#[cfg(unix)]
#[test]
fn a_pipe_given_by_name_is_read_as_a_stream() {
    let dir = tempdir();
    let fifo = dir.path().join("fifo");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::fs::write(writer_path, b"a,b\n1,2\n3,4\n").unwrap();
    });
    let mut c = Collect::default();
    Walker::new(Limits::default())
        .hash_inputs(true)
        .read_file("fifo", &fifo, &mut c)
        .unwrap();
    writer.join().unwrap();
    assert_eq!(c.flat(), ["1:a=1", "1:b=2", "2:a=3", "2:b=4"]);
    assert_eq!(c.inputs[0].bytes, 12);
    assert!(c.inputs[0].sha256.is_some());
}
