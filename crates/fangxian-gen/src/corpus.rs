//! Planning and writing a corpus: which files, in which format, encoding and container, and the
//! gold answers beside them.

use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use fangxian_core::Category;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::datasets::{self, Dataset, Gen, HeaderStyle};
use crate::gold::{Input, Ledger, RowContext};
use crate::rng::{derive, Rng};
use crate::row::Row;
use crate::tags::Tags;
use crate::values::{Org, Person, Tables};
use crate::writers::{
    Encoder, Encoding, Format, Hashing, Packaging, SqliteWriter, Stream, TableWriter, XlsxWriter,
    XLSX_MAX_ROWS,
};
use crate::Error;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenOptions {
    /// The seed: the same seed and options give byte-identical files.
    pub seed: u64,
    /// Target size in bytes of the data as text (before compression).
    pub size: u64,
    /// File formats; each dataset is written in each (free-text logs only as `txt`). Default:
    /// [`Format::DEFAULT`].
    pub formats: Vec<Format>,
    /// Datasets (`customers`, `hotel`, `gps`, `checkpoint`, `calls`, `sms`, `orders`,
    /// `waybills`, `medical`, `credit`, `property`, `log`) or content categories
    /// (`accommodation`, `trajectory` …) selecting the datasets of that category; empty = all.
    pub categories: Vec<String>,
    /// Compression streams and containers to use for part of the files; empty = none.
    pub compressions: Vec<Packaging>,
    /// Encodings to rotate through (per format, where the format allows them).
    pub encodings: Vec<Encoding>,
    /// Worker threads; 0 = available cores (at most 4).
    pub threads: usize,
    /// Persons in the pool the records are drawn from; 0 = automatic (one per four records,
    /// 300 to 100,000). More persons mean more distinct values: a large pool makes a corpus
    /// that stresses the scan's exact distinct sets. Each person costs about 2.5 KB of memory
    /// while generating.
    pub persons: usize,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            seed: 1,
            size: 10_000_000,
            formats: Format::DEFAULT.to_vec(),
            categories: Vec::new(),
            compressions: Packaging::ALL.to_vec(),
            encodings: Encoding::ALL.to_vec(),
            threads: 0,
            persons: 0,
        }
    }
}

/// The largest person pool [`GenOptions::persons`] may ask for (it takes about 10 GB of
/// memory while generating); larger requests are cut to it.
pub const MAX_PERSONS: usize = 4_000_000;

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GenReport {
    /// Top-level files in `DIR/data`.
    pub files: usize,
    /// Data files, archive members included.
    pub data_files: usize,
    /// Records written (duplicates included).
    pub records: u64,
    /// Bytes of data as text, before compression.
    pub bytes_text: u64,
    /// Bytes stored on disk.
    pub bytes_stored: u64,
}

/// One data file of the manifest.
#[derive(Clone, Debug, Serialize)]
struct FileEntry {
    source: String,
    dataset: &'static str,
    class: &'static str,
    category: &'static str,
    format: &'static str,
    encoding: &'static str,
    headers: &'static str,
    packaging: Vec<&'static str>,
    records: u64,
    bytes_text: u64,
}

#[derive(Clone, Debug)]
struct FileSpec {
    name: String,
    dataset: Dataset,
    format: Format,
    encoding: Encoding,
    style: HeaderStyle,
    stream: Option<Packaging>,
    budget: u64,
    seed: u64,
    variant: u64,
}

#[derive(Clone, Debug)]
struct ArchiveSpec {
    name: String,
    kind: Packaging,
    members: Vec<FileSpec>,
    nested: Option<Box<ArchiveSpec>>,
}

#[derive(Clone, Debug)]
enum Job {
    File(FileSpec),
    Archive(ArchiveSpec),
}

impl ArchiveSpec {
    fn cost(&self) -> u64 {
        self.members.iter().map(|m| m.budget).sum::<u64>()
            + self.nested.as_ref().map_or(0, |n| n.cost())
    }
}

impl Job {
    /// Roughly proportional to the time the job takes: the plan already gives slow
    /// compressions smaller budgets.
    fn cost(&self) -> u64 {
        match self {
            Job::File(f) => f.budget,
            Job::Archive(a) => a.cost(),
        }
    }
}

fn resolve_datasets(sel: &[String]) -> Result<Vec<Dataset>, Error> {
    if sel.is_empty() {
        return Ok(Dataset::ALL.to_vec());
    }
    let mut out = Vec::new();
    for s in sel {
        let s = s.trim();
        let hit: Vec<Dataset> = if let Some(d) = Dataset::ALL.iter().find(|d| d.id() == s) {
            vec![*d]
        } else if let Ok(c) = s.parse::<Category>() {
            Dataset::ALL
                .iter()
                .copied()
                .filter(|d| {
                    d.category() == c || c == Category::Trajectory && *d == Dataset::GpsTrace
                })
                .collect()
        } else {
            Vec::new()
        };
        if hit.is_empty() {
            let mut known: Vec<&str> = Dataset::ALL.iter().map(|d| d.id()).collect();
            known.extend(Category::ALL.iter().map(|c| c.id()));
            return Err(Error::Unknown {
                what: "category",
                value: s.to_owned(),
                known: known.join(", "),
            });
        }
        for d in hit {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Largest data file before the plan splits a dataset×format pair into several files.
const MAX_FILE: u64 = 48_000_000;

fn plan(opts: &GenOptions) -> Result<Vec<Job>, Error> {
    let datasets = resolve_datasets(&opts.categories)?;
    let mut formats = opts.formats.clone();
    formats.sort();
    formats.dedup();
    let pairs: Vec<(Dataset, Format)> = datasets
        .iter()
        .flat_map(|&d| formats.iter().map(move |&f| (d, f)))
        .filter(|&(d, f)| (d == Dataset::Log) == (f == Format::Txt))
        .collect();
    if pairs.is_empty() {
        return Err(Error::Unknown {
            what: "format",
            value: formats.iter().map(|f| f.id()).collect::<Vec<_>>().join(","),
            known:
                "tables need csv, tsv, json, jsonl, mysql, pgdump, sqlite or xlsx; logs need txt"
                    .to_owned(),
        });
    }
    let n = pairs.len() as u64;
    let reps = opts.size.div_ceil(n * MAX_FILE).max(1);
    let total = (n * reps) as usize;
    let packs = &opts.compressions;
    // Half the files plain when there are enough files to show every container; else all packed.
    let every_other = total >= 2 * packs.len();
    let mut specs = Vec::with_capacity(total);
    let mut per_format = std::collections::HashMap::<Format, usize>::new();
    let mut n_packed = 0usize;
    for r in 0..reps {
        for (k, &(d, f)) in pairs.iter().enumerate() {
            let i = specs.len();
            let allowed: Vec<Encoding> = f
                .encodings()
                .iter()
                .copied()
                .filter(|e| opts.encodings.contains(e))
                .collect();
            let nth = per_format.entry(f).or_insert(0);
            // JSON is UTF-8 by definition; when the caller allows no encoding the format can
            // take, it falls back to UTF-8.
            let encoding = if allowed.is_empty() {
                Encoding::Utf8
            } else {
                allowed[*nth % allowed.len()]
            };
            *nth += 1;
            let style = [HeaderStyle::Zh, HeaderStyle::En, HeaderStyle::Py][(k + r as usize) % 3];
            // `(i + i / F) % 2` alternates plain and packed files per dataset as well as per
            // format, so every format meets every container.
            let packed =
                !packs.is_empty() && (!every_other || (i + i / formats.len().max(1)) % 2 == 1);
            let pack = packed.then(|| {
                let p = packs[n_packed % packs.len()];
                n_packed += 1;
                p
            });
            specs.push((
                FileSpec {
                    name: format!("{}_{:03}.{}", d.id(), i + 1, f.ext()),
                    dataset: d,
                    format: f,
                    encoding,
                    style,
                    stream: pack.filter(|p| !matches!(p, Packaging::Zip | Packaging::Tar)),
                    budget: 0,
                    seed: derive(opts.seed, 1000 + i as u64),
                    variant: i as u64,
                },
                pack,
            ));
        }
    }
    // xz and bzip2 run at 10–20 MB/s, and xlsx (XML, deflated at level 6, built in memory)
    // about as slowly; give their files a quarter share so they do not dominate the run time.
    let weight = |f: Format, p: Option<Packaging>| match (f, p) {
        (Format::Xlsx, _) | (_, Some(Packaging::Xz | Packaging::Bz2)) => 1,
        _ => 4,
    };
    let wsum: u64 = specs.iter().map(|(s, p)| weight(s.format, *p)).sum();
    for (s, p) in &mut specs {
        s.budget = opts.size * weight(s.format, *p) / wsum.max(1);
        if let Some(st) = s.stream {
            s.name.push('.');
            s.name.push_str(st.id());
        }
    }
    let mut jobs = Vec::new();
    let mut zips: Vec<ArchiveSpec> = Vec::new();
    let mut tars: Vec<ArchiveSpec> = Vec::new();
    for (s, p) in specs {
        match p {
            Some(kind @ (Packaging::Zip | Packaging::Tar)) => {
                let list = if kind == Packaging::Zip {
                    &mut zips
                } else {
                    &mut tars
                };
                if list.last().is_none_or(|a| a.members.len() >= 3) {
                    list.push(ArchiveSpec {
                        name: String::new(),
                        kind,
                        members: Vec::new(),
                        nested: None,
                    });
                }
                if let Some(a) = list.last_mut() {
                    a.members.push(s);
                }
            }
            _ => jobs.push(Job::File(s)),
        }
    }
    for (i, a) in zips.iter_mut().enumerate() {
        a.name = format!("bundle_{:02}.zip", i + 1);
    }
    for (i, a) in tars.iter_mut().enumerate() {
        a.name = format!("archive_{:02}.tar", i + 1);
    }
    // A tar inside a zip: seized disks hold archives of archives.
    if !zips.is_empty() && tars.len() >= 2 {
        let inner = tars.remove(0);
        zips[0].nested = Some(Box::new(inner));
    }
    jobs.extend(zips.into_iter().map(Job::Archive));
    jobs.extend(tars.into_iter().map(Job::Archive));
    Ok(jobs)
}

struct Shared<'a> {
    /// Scratch directory for SQLite files before they are streamed into place.
    tmp: &'a Path,
    people: &'a [Person],
    orgs: &'a [Org],
}

struct Out {
    ledger: Ledger,
    files: Vec<FileEntry>,
    report: GenReport,
}

fn write_data<W: Write>(
    spec: &FileSpec,
    w: W,
    sh: &Shared<'_>,
    source: &str,
    container_tags: Tags,
    containers: &[&'static str],
    out: &mut Out,
) -> std::io::Result<W> {
    let head = Head {
        spec,
        sh,
        source,
        container_tags,
        containers,
    };
    match spec.format {
        Format::Sqlite => return write_sqlite(&head, w, out),
        Format::Xlsx => return write_xlsx(&head, w, out),
        _ => {}
    }
    let stream = Stream::new(w, spec.stream)?;
    let mut enc = Encoder::new(stream, spec.encoding)?;
    let ds = spec.dataset;
    let mut tw = TableWriter::new(
        spec.format,
        spec.style,
        ds.columns(),
        ds.table(),
        spec.variant,
        spec.encoding,
    );
    let fields = tw.field_names();
    let mut gen = Gen::new(Rng::new(spec.seed), sh.people, sh.orgs);
    let mut row = Row::default();
    let mut chunk = String::with_capacity(1 << 17);
    let mut col_tags = Vec::new();
    let file_tags = spec.format.tag()
        | spec.encoding.tag()
        | spec.style.tags()
        | spec.stream.map_or(Tags::EMPTY, Packaging::tag)
        | container_tags;
    tw.header(&mut chunk);
    let mut record = 0u64;
    while record == 0 || enc.bytes + (chunk.len() as u64) < spec.budget {
        gen.fill(ds, &mut row);
        // Exact duplicate rows: dumps merged from several exports repeat records.
        let copies = if gen.rng.chance(15) { 2 } else { 1 };
        for _ in 0..copies {
            record += 1;
            tw.row(&mut chunk, &row);
            tw.col_tags(&row, &mut col_tags);
            out.ledger.add(
                &row,
                &RowContext {
                    source,
                    record,
                    fields: &fields,
                    col_tags: &col_tags,
                    file_tags,
                    category: ds.category(),
                },
            );
        }
        if chunk.len() >= 1 << 16 {
            enc.write_str(&chunk)?;
            chunk.clear();
        }
    }
    tw.footer(&mut chunk);
    enc.write_str(&chunk)?;
    let bytes = enc.bytes;
    let w = enc.out.finish()?;
    book(spec, source, containers, record, bytes, out);
    Ok(w)
}

/// Records a written data file in the report, the manifest and the byte count.
fn book(
    spec: &FileSpec,
    source: &str,
    containers: &[&'static str],
    record: u64,
    bytes: u64,
    out: &mut Out,
) {
    let ds = spec.dataset;
    out.ledger.bytes_scanned += bytes;
    out.report.records += record;
    out.report.bytes_text += bytes;
    out.report.data_files += 1;
    let mut packaging = containers.to_vec();
    if let Some(s) = spec.stream {
        packaging.push(s.id());
    }
    out.files.push(FileEntry {
        source: source.to_owned(),
        dataset: ds.id(),
        class: ds.class().map_or("-", |c| c.id()),
        category: ds.category().id(),
        format: spec.format.id(),
        encoding: spec.encoding.id(),
        headers: match spec.style {
            HeaderStyle::Zh => "zh",
            HeaderStyle::En => "en",
            HeaderStyle::Py => "pinyin",
        },
        packaging,
        records: record,
        bytes_text: bytes,
    });
}

/// A file holding one table in a binary format (SQLite, xlsx): built whole, then streamed
/// through the file's compression or into its archive like any other data file.
trait TableFile {
    /// Writes one row; `col_tags` holds, per column, how the value was stored.
    fn put(&mut self, row: &Row, col_tags: &mut Vec<Tags>) -> std::io::Result<()>;
    /// Bytes counted against the file's budget before any row.
    fn base_cost(&self) -> u64 {
        0
    }
    /// Bytes one row adds to the file's budget.
    fn row_cost(&self, row: &Row) -> u64;
    /// True while the format can take another row (and its possible duplicate).
    fn has_room(&self) -> bool {
        true
    }
    /// The file's bytes.
    fn finish(self) -> std::io::Result<Vec<u8>>;
}

/// A SQLite database built in the scratch directory.
struct SqliteFile {
    db: SqliteWriter,
    path: std::path::PathBuf,
}

fn sql_error(e: rusqlite::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TableFile for SqliteFile {
    fn put(&mut self, row: &Row, _: &mut Vec<Tags>) -> std::io::Result<()> {
        self.db.row(row).map_err(sql_error)
    }
    // The database is larger than its text by page and record headers; 6 bytes per cell and
    // two 4 KiB pages (header, schema) keep the file near its budget.
    fn base_cost(&self) -> u64 {
        8192
    }
    fn row_cost(&self, row: &Row) -> u64 {
        (row.text.len() + 6 * row.cells.len()) as u64
    }
    fn finish(self) -> std::io::Result<Vec<u8>> {
        self.db.finish().map_err(sql_error)?;
        let bytes = std::fs::read(&self.path)?;
        let _ = std::fs::remove_file(&self.path);
        Ok(bytes)
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TableFile for XlsxWriter {
    fn put(&mut self, row: &Row, col_tags: &mut Vec<Tags>) -> std::io::Result<()> {
        self.row(row, col_tags).map_err(xlsx_error)
    }
    // The budget counts the rows as text, like the other formats; the stored file is smaller
    // (deflated XML), and that is what the report counts.
    fn row_cost(&self, row: &Row) -> u64 {
        (row.text.len() + row.cells.len()) as u64
    }
    fn has_room(&self) -> bool {
        self.rows() + 2 <= XLSX_MAX_ROWS
    }
    fn finish(self) -> std::io::Result<Vec<u8>> {
        XlsxWriter::finish(self).map_err(xlsx_error)
    }
}

/// A SQLite file of the spec's dataset.
fn write_sqlite<W: Write>(head: &Head<'_, '_>, w: W, out: &mut Out) -> std::io::Result<W> {
    let spec = head.spec;
    let ds = spec.dataset;
    let path = head.sh.tmp.join(format!("{:016x}.db", spec.seed));
    let _ = std::fs::remove_file(&path);
    let headers: Vec<&str> = ds.columns().iter().map(|c| spec.style.header(c)).collect();
    let db = SqliteWriter::create(&path, ds.table(), &headers).map_err(sql_error)?;
    write_table_file(head, w, &headers, SqliteFile { db, path }, out)
}

/// An xlsx workbook of the spec's dataset, built in memory.
fn write_xlsx<W: Write>(head: &Head<'_, '_>, w: W, out: &mut Out) -> std::io::Result<W> {
    let spec = head.spec;
    let ds = spec.dataset;
    let headers: Vec<&str> = ds.columns().iter().map(|c| spec.style.header(c)).collect();
    // Every other xlsx file has its plain mobiles typed in as numbers.
    let sheet = XlsxWriter::new(ds.table(), &headers, spec.variant.is_multiple_of(2))
        .map_err(xlsx_error)?;
    write_table_file(head, w, &headers, sheet, out)
}

/// Where a file goes and what surrounds it.
struct Head<'a, 's> {
    spec: &'a FileSpec,
    sh: &'a Shared<'s>,
    source: &'a str,
    container_tags: Tags,
    containers: &'a [&'static str],
}

/// Fills a [`TableFile`] with the spec's rows up to its budget, booking each in the gold ledger,
/// and streams the finished file into `w`.
fn write_table_file<W: Write, T: TableFile>(
    head: &Head<'_, '_>,
    w: W,
    headers: &[&str],
    mut table: T,
    out: &mut Out,
) -> std::io::Result<W> {
    let Head {
        spec,
        sh,
        source,
        container_tags,
        containers,
    } = *head;
    let ds = spec.dataset;
    let fields: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    let mut gen = Gen::new(Rng::new(spec.seed), sh.people, sh.orgs);
    let mut row = Row::default();
    let mut col_tags = vec![Tags::EMPTY; headers.len()];
    let file_tags = spec.format.tag()
        | spec.style.tags()
        | spec.stream.map_or(Tags::EMPTY, Packaging::tag)
        | container_tags;
    let mut record = 0u64;
    let mut approx = table.base_cost();
    while (record == 0 || approx < spec.budget) && table.has_room() {
        gen.fill(ds, &mut row);
        let copies = if gen.rng.chance(15) { 2 } else { 1 };
        for _ in 0..copies {
            record += 1;
            table.put(&row, &mut col_tags)?;
            approx += table.row_cost(&row);
            out.ledger.add(
                &row,
                &RowContext {
                    source,
                    record,
                    fields: &fields,
                    col_tags: &col_tags,
                    file_tags,
                    category: ds.category(),
                },
            );
        }
    }
    let bytes = table.finish()?;
    let mut stream = Stream::new(w, spec.stream)?;
    stream.write_all(&bytes)?;
    let w = stream.finish()?;
    book(spec, source, containers, record, bytes.len() as u64, out);
    Ok(w)
}

fn archive_bytes(
    a: &ArchiveSpec,
    sh: &Shared<'_>,
    prefix: &str,
    outer_tags: Tags,
    outer: &[&'static str],
    out: &mut Out,
) -> Result<Vec<u8>, Error> {
    let here = format!("{prefix}{}", a.name);
    let tags = outer_tags | a.kind.tag();
    let mut containers = outer.to_vec();
    containers.push(a.kind.id());
    let member_prefix = format!("{here}!/");
    let aerr = |e: &dyn std::fmt::Display| Error::Archive {
        path: here.clone().into(),
        message: e.to_string(),
    };
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    for m in &a.members {
        let source = format!("{member_prefix}{}", m.name);
        // Room for the whole member up front: growing by doubling copied each member several
        // times (capacity that is never written costs no memory pages).
        let buf =
            Vec::with_capacity(usize::try_from(m.budget + m.budget / 8).unwrap_or(0) + (1 << 16));
        let data = write_data(m, buf, sh, &source, tags, &containers, out).map_err(|e| aerr(&e))?;
        members.push((m.name.clone(), data));
    }
    if let Some(inner) = &a.nested {
        let data = archive_bytes(
            inner,
            sh,
            &member_prefix,
            tags | Tags::NESTED_ARCHIVE,
            &containers,
            out,
        )?;
        members.push((inner.name.clone(), data));
    }
    match a.kind {
        Packaging::Zip => {
            let total: usize = members.iter().map(|(_, d)| d.len()).sum();
            let mut z = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total + (1 << 16))));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(1))
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o644);
            for (name, data) in &members {
                z.start_file(name.as_str(), opts).map_err(|e| aerr(&e))?;
                z.write_all(data).map_err(|e| aerr(&e))?;
            }
            Ok(z.finish().map_err(|e| aerr(&e))?.into_inner())
        }
        _ => {
            let total: usize = members.iter().map(|(_, d)| d.len() + 1024).sum();
            let mut t = tar::Builder::new(Vec::with_capacity(total + 1024));
            for (name, data) in &members {
                let mut h = tar::Header::new_gnu();
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                // A fixed time keeps archives byte-identical for a seed.
                h.set_mtime(1_719_792_000);
                h.set_cksum();
                t.append_data(&mut h, name, data.as_slice())
                    .map_err(|e| aerr(&e))?;
            }
            t.into_inner().map_err(|e| aerr(&e))
        }
    }
}

fn run_job(job: &Job, sh: &Shared<'_>, data_dir: &Path, out: &mut Out) -> Result<(), Error> {
    let (name, bytes, sha) = match job {
        Job::File(spec) => {
            let path = data_dir.join(&spec.name);
            let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            let h = Hashing {
                inner: std::io::BufWriter::with_capacity(1 << 16, f),
                sha: Sha256::new(),
                bytes: 0,
            };
            let mut h = write_data(spec, h, sh, &spec.name, Tags::EMPTY, &[], out)
                .map_err(|e| Error::io(&path, e))?;
            h.flush().map_err(|e| Error::io(&path, e))?;
            (spec.name.clone(), h.bytes, h.sha.finalize())
        }
        Job::Archive(a) => {
            let data = archive_bytes(a, sh, "", Tags::EMPTY, &[], out)?;
            let path = data_dir.join(&a.name);
            std::fs::write(&path, &data).map_err(|e| Error::io(&path, e))?;
            (a.name.clone(), data.len() as u64, Sha256::digest(&data))
        }
    };
    let sha256 = sha.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    out.ledger.inputs.push(Input {
        source: name,
        bytes,
        sha256,
    });
    out.report.files += 1;
    out.report.bytes_stored += bytes;
    Ok(())
}

#[derive(Serialize)]
struct Manifest<'a> {
    generator: String,
    seed: u64,
    size: u64,
    formats: Vec<&'static str>,
    categories: &'a [String],
    compressions: Vec<&'static str>,
    encodings: Vec<&'static str>,
    persons: usize,
    organisations: usize,
    files: Vec<FileEntry>,
}

/// Writes a corpus into `dir/data` and its gold answers into `dir/gold`.
///
/// `dir/data` must not exist or be empty: stale files from an earlier run would be scanned but
/// are not in the new gold.
pub fn generate(opts: &GenOptions, dir: &Path) -> Result<GenReport, Error> {
    let data_dir = dir.join("data");
    if let Ok(mut rd) = std::fs::read_dir(&data_dir) {
        if rd.next().is_some() {
            return Err(Error::NotEmpty(data_dir));
        }
    }
    std::fs::create_dir_all(&data_dir).map_err(|e| Error::io(&data_dir, e))?;
    let jobs = plan(opts)?;

    let tables = Tables::load();
    let mut rng = Rng::new(derive(opts.seed, 1));
    // About one person per four records: enough that most persons recur across files (as in
    // merged leaks), few enough that the pool stays small in memory.
    let est_records = opts.size / 180;
    let n_people = match opts.persons {
        0 => usize::try_from((est_records / 4).clamp(300, 100_000)).unwrap_or(100_000),
        n => n.min(MAX_PERSONS),
    };
    let people = datasets::people(&tables, &mut rng, n_people);
    let orgs = datasets::orgs(&tables, &mut rng, (n_people / 25).clamp(20, 4000));
    let tmp = dir.join(".gen-tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let slot_hashes = crate::gold::slot_hashes(&people);
    let sh = Shared {
        tmp: &tmp,
        people: &people,
        orgs: &orgs,
    };

    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        opts.threads
    };
    // Longest jobs first, so that no worker starts a big file while the others run out of work
    // (the order does not change any output).
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].cost()));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<Out, Error>>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut out = Out {
                    ledger: Ledger::new(&slot_hashes),
                    files: Vec::new(),
                    report: GenReport::default(),
                };
                let r = loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = order.get(i).and_then(|&j| jobs.get(j)) else {
                        break Ok(());
                    };
                    if let Err(e) = run_job(job, &sh, &data_dir, &mut out) {
                        // Stop the other workers early.
                        next.store(usize::MAX / 2, Ordering::Relaxed);
                        break Err(e);
                    }
                };
                let mut g = results
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                g.push(r.map(|()| out));
            });
        }
    });
    let mut ledgers = Vec::new();
    let mut files = Vec::new();
    let mut report = GenReport::default();
    for r in results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        let o = r?;
        ledgers.push(o.ledger);
        files.extend(o.files);
        report.files += o.report.files;
        report.data_files += o.report.data_files;
        report.records += o.report.records;
        report.bytes_text += o.report.bytes_text;
        report.bytes_stored += o.report.bytes_stored;
    }
    // Only our own scratch files live here.
    let _ = std::fs::remove_dir_all(&tmp);
    files.sort_by(|a, b| a.source.cmp(&b.source));
    let gold_dir = dir.join("gold");
    // The gold answers are combined on a pool of the same size, so that `threads: 1` is one
    // thread throughout.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Error::Threads {
            threads,
            message: e.to_string(),
        })?;
    pool.install(|| Ledger::write_gold(ledgers, &people, &gold_dir))?;
    let manifest = Manifest {
        generator: format!("fangxian-gen {}", env!("CARGO_PKG_VERSION")),
        seed: opts.seed,
        size: opts.size,
        formats: opts.formats.iter().map(|f| f.id()).collect(),
        categories: &opts.categories,
        compressions: opts.compressions.iter().map(|p| p.id()).collect(),
        encodings: opts.encodings.iter().map(|e| e.id()).collect(),
        persons: people.len(),
        organisations: orgs.len(),
        files,
    };
    let p = gold_dir.join("manifest.json");
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::json(&p, e))?;
    text.push('\n');
    std::fs::write(&p, text).map_err(|e| Error::io(&p, e))?;
    Ok(report)
}
