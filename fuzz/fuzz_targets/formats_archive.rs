//! Archives and compression: the fuzz input becomes a member of a valid gzip/zip/tar/nested
//! container, and then part of the container's own bytes are overwritten by fuzz bytes, so
//! both the container parsers and the readers behind them see hostile data.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use fangxian_formats::Limits;
use libfuzzer_sys::fuzz_target;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn zip(name: &str, data: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    if w.start_file(name, opts).is_err() || w.write_all(data).is_err() {
        return Vec::new();
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn tar(name: &str, data: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    if b.append_data(&mut h, name, data).is_err() {
        return Vec::new();
    }
    b.into_inner().unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    // The first half is the member; the second half patches the container.
    let (member, patch) = rest.split_at(rest.len() / 2);
    let mut container = match kind % 5 {
        0 => gzip(member),
        1 => zip("m.csv", member),
        2 => tar("m.json", member),
        3 => gzip(&tar("d/m.sql", &zip("in.txt", member))),
        _ => zip("a.tar.gz", &gzip(&tar("m", member))),
    };
    if !container.is_empty() {
        for (i, &b) in patch.iter().enumerate().step_by(2) {
            let at = usize::from(b) * 7 + i;
            let len = container.len();
            if let Some(&x) = patch.get(i + 1) {
                container[at % len] ^= x;
            }
        }
    }
    let limits = Limits::default()
        .max_total_bytes(16 << 20)
        .max_ratio(100)
        .ratio_grace_bytes(1 << 20)
        .max_depth(5)
        .max_record_len(64 << 10)
        .max_json_depth(64)
        .max_spill_bytes(8 << 20)
        .batch_bytes(4 << 10);
    let _ = common::read(&container, limits);
});
