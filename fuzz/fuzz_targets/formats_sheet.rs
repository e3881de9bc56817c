//! Spreadsheets straight into the sheet reader. xlsx: a zip with the minimal parts
//! (content types, relationships, workbook, one worksheet, shared strings) in which one part
//! — the worksheet XML, the shared strings or the workbook's sheet list, chosen by the first
//! byte — is fuzz bytes after a valid opening. xls: the committed BIFF8 fixture
//! `testdata/formats/book.xls` with fuzz patches over its bytes (the OLE magic kept). Either
//! way the sniffer routes it to the sheet reader. Must never panic, hang or allocate without
//! bound.
//!
//! The xls half patches a real BIFF8 workbook. calamine 0.26 allocates from unchecked fields of
//! it (a sector number from the header made it grow a buffer to a terabyte, which aborts:
//! `catch_unwind` cannot contain an allocation failure); the reader now re-writes every legacy
//! workbook through `xls_guard` first, and this half checks that guard.
//!
//! calamine also panics on some workbooks (a shared-string index past the table). The sheet
//! reader runs it under `catch_unwind` and reports an error for that workbook, so this target
//! lets such panics unwind as production does (`common::contain_caught_panics`); a panic that
//! escapes the reader is still a crash.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use fangxian_formats::Format;
use libfuzzer_sys::{fuzz_target, Corpus};

/// Written by testdata/formats/make_xls.py (xlwt 1.3.0): sheets `客户` and `raw`.
const BOOK_XLS: &[u8] = include_bytes!("../../testdata/formats/book.xls");

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WB_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const WB_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name=""#;
const WB_CLOSE: &str = r#"" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const SHEET_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2"><v>13800138000</v></c></row>"#;
const SHEET_CLOSE: &str = "</sheetData></worksheet>";
const SST_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>姓名</t></si><si><t>手机</t></si>"#;
const SST_CLOSE: &str = "</sst>";

/// What control bytes become in the XML parts: markup characters.
const XML_ALPHABET: &[u8] = b"<>/=\"&;_x ";

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in members {
        if w.start_file(*name, opts).is_err() || w.write_all(data).is_err() {
            return Vec::new();
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn xlsx(which: u8, body: &[u8]) -> Vec<u8> {
    let part = |open: &str, close: &str| {
        let mut p = open.as_bytes().to_vec();
        p.extend_from_slice(body);
        if which & 0x40 == 0 {
            p.extend_from_slice(close.as_bytes());
        }
        p
    };
    let workbook = [WB_OPEN, "客户", WB_CLOSE].concat().into_bytes();
    let sheet = [
        SHEET_OPEN,
        r#"<row r="3"><c r="A3" t="s"><v>2</v></c></row>"#,
        SHEET_CLOSE,
    ]
    .concat()
    .into_bytes();
    let sst = [SST_OPEN, "<si><t>李四</t></si>", SST_CLOSE]
        .concat()
        .into_bytes();
    let (workbook, sheet, sst) = match which % 3 {
        0 => (workbook, part(SHEET_OPEN, SHEET_CLOSE), sst),
        1 => (workbook, sheet, part(SST_OPEN, SST_CLOSE)),
        _ => (part(WB_OPEN, WB_CLOSE), sheet, sst),
    };
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", &workbook),
        ("xl/_rels/workbook.xml.rels", WB_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/sharedStrings.xml", &sst),
    ])
}

// calamine panics on some hostile workbooks; production contains them (sheet::guarded).
fuzz_target!(init: common::contain_caught_panics(), |data: &[u8]| -> Corpus {
    let [mode, lim, body @ ..] = data else {
        return Corpus::Reject;
    };
    let (book, want) = if mode & 1 == 0 {
        let body = if mode & 0x80 != 0 {
            body.to_vec()
        } else {
            common::structural(body, XML_ALPHABET)
        };
        (xlsx(mode >> 1, &body), Format::Xlsx)
    } else {
        let mut book = BOOK_XLS.to_vec();
        common::patch(&mut book, body, 8, 32);
        (book, Format::Xls)
    };
    let seen = common::read(&book, common::limits(*lim));
    common::routed("formats_sheet", &seen, |r| r.format == want.name())
});
