//! Shared helpers: run the walker and collect everything it reports.

use std::io::Write;
use std::path::PathBuf;

use fangxian_formats::{
    Error, InputInfo, Limits, RecordBatch, Source, SourceDone, Visitor, Walker, Warning,
};

/// One field as (source, record index, table, field name, value).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub source: String,
    pub index: u64,
    pub table: String,
    pub name: Option<String>,
    pub value: String,
}

#[derive(Debug, Default)]
pub struct Collect {
    pub rows: Vec<Row>,
    pub records: Vec<(String, u64, usize)>,
    pub headers: Vec<(String, String, Option<Vec<String>>)>,
    pub warnings: Vec<Warning>,
    pub errors: Vec<String>,
    pub done: Vec<SourceDone>,
    pub inputs: Vec<InputInfo>,
    pub formats: Vec<(String, String, Option<String>)>,
    pub batch_sizes: Vec<usize>,
}

impl Visitor for Collect {
    fn source(&mut self, src: &mut Source<'_>) -> Result<(), Error> {
        self.formats.push((
            src.name().to_string(),
            src.format().name().to_string(),
            src.encoding().map(|e| e.name().to_string()),
        ));
        let mut batch = RecordBatch::new();
        while src.next_batch(&mut batch)? {
            self.batch_sizes.push(batch.len());
            // Every table of a batch has records (RecordBatch::tables).
            let mut used = vec![false; batch.tables().len()];
            for r in batch.records() {
                used[r.table_index()] = true;
            }
            assert!(
                used.iter().all(|&u| u),
                "a table without records in {}",
                src.name()
            );
            for r in batch.records() {
                let t = r.table();
                let key = (
                    src.name().to_string(),
                    t.name().to_string(),
                    t.header().map(<[String]>::to_vec),
                );
                if !self.headers.contains(&key) {
                    self.headers.push(key);
                }
                self.records
                    .push((src.name().to_string(), r.index(), r.len()));
                for f in r.fields() {
                    self.rows.push(Row {
                        source: batch.source().to_string(),
                        index: r.index(),
                        table: t.name().to_string(),
                        name: f.name.map(str::to_string),
                        value: f.value.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
    fn warning(&mut self, w: Warning) {
        self.warnings.push(w);
    }
    fn error(&mut self, e: Error) {
        self.errors.push(e.to_string());
    }
    fn source_done(&mut self, d: &SourceDone) {
        self.done.push(d.clone());
    }
    fn input_done(&mut self, i: &InputInfo) {
        self.inputs.push(i.clone());
    }
}

impl Collect {
    /// (index, name, value) triples, for comparing formats.
    pub fn triples(&self) -> Vec<(u64, Option<String>, String)> {
        self.rows
            .iter()
            .map(|r| (r.index, r.name.clone(), r.value.clone()))
            .collect()
    }

    /// `name=value` strings per record index, for compact assertions.
    pub fn flat(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|r| match &r.name {
                Some(n) => format!("{}:{n}={}", r.index, r.value),
                None => format!("{}:{}", r.index, r.value),
            })
            .collect()
    }

    pub fn all_messages(&self) -> String {
        let mut s = String::new();
        for w in &self.warnings {
            s.push_str(&w.to_string());
            s.push('\n');
        }
        for e in &self.errors {
            s.push_str(e);
            s.push('\n');
        }
        s
    }
}

pub fn read_bytes(name: &str, bytes: &[u8]) -> Collect {
    read_with(name, bytes, Limits::default())
}

pub fn read_with(name: &str, bytes: &[u8], limits: Limits) -> Collect {
    let mut c = Collect::default();
    let mut r = bytes;
    Walker::new(limits)
        .read_stream(name, &mut r, &mut c)
        .expect("walk");
    c
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap()
}

pub fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}
