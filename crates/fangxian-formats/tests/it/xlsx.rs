//! Spreadsheets: a minimal xlsx written by hand (calamine only reads).

use crate::common::*;

fn sheet_xml(rows: &[&[&str]]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        s.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, v) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            if let Some(n) = v.strip_prefix('#') {
                s.push_str(&format!("<c r=\"{col}{}\"><v>{n}</v></c>", r + 1));
            } else {
                s.push_str(&format!(
                    "<c r=\"{col}{}\" t=\"inlineStr\"><is><t>{v}</t></is></c>",
                    r + 1
                ));
            }
        }
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

pub fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let xml: Vec<(&str, String)> = sheets
        .iter()
        .map(|(name, rows)| (*name, sheet_xml(rows)))
        .collect();
    xlsx_xml(&xml)
}

/// A workbook whose worksheets are given as XML.
fn xlsx_xml(sheets: &[(&str, String)]) -> Vec<u8> {
    let mut ct = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut wb = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, (name, xml)) in sheets.iter().enumerate() {
        let n = i + 1;
        ct.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        wb.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        files.push((format!("xl/worksheets/sheet{n}.xml"), xml.clone()));
    }
    ct.push_str("</Types>");
    wb.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut members: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), ct),
        ("_rels/.rels".into(), root_rels.into()),
        ("xl/workbook.xml".into(), wb),
        ("xl/_rels/workbook.xml.rels".into(), rels),
    ];
    members.extend(files);
    let refs: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_bytes()))
        .collect();
    zip(&refs)
}

#[test]
fn every_sheet_with_header_detection() {
    let book = xlsx(&[
        (
            "客户",
            &[
                &["姓名", "手机"],
                &["张三", "#13800138000"],
                &["李四", "#13900139000"],
            ],
        ),
        ("raw", &[&["x", "#1"], &["y", "#2"]]),
    ]);
    let c = read_bytes("book.xlsx", &book);
    assert_eq!(c.formats[0].1, "xlsx");
    assert_eq!(
        c.flat(),
        [
            "1:姓名=张三",
            "1:手机=13800138000",
            "2:姓名=李四",
            "2:手机=13900139000",
            "3:x",
            "3:1",
            "4:y",
            "4:2",
        ]
    );
    let tables: Vec<_> = c.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables[0], "客户");
    assert_eq!(tables[7], "raw");
    assert!(c.errors.is_empty(), "{}", c.all_messages());
}

#[test]
fn xlsx_inside_zip_is_a_workbook_not_an_archive() {
    let book = xlsx(&[("s", &[&["name", "phone"], &["A", "#13800138000"]])]);
    let c = read_bytes("x.zip", &zip(&[("book.xlsx", &book)]));
    assert_eq!(c.done.len(), 1);
    assert_eq!(c.done[0].name, "x.zip!/book.xlsx");
    assert_eq!(c.flat(), ["1:name=A", "1:phone=13800138000"]);
}

#[test]
fn workbook_bomb_is_refused_before_calamine_inflates_it() {
    let rows: Vec<Vec<String>> = (0..20_000)
        .map(|i| vec![format!("r{i}"), "#1".into()])
        .collect();
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    let book = xlsx(&[("s", &slices)]);
    let c = read_with(
        "bomb.xlsx",
        &book,
        fangxian_formats::Limits::default()
            .ratio_grace_bytes(1000)
            .max_ratio(5),
    );
    assert!(c.rows.is_empty());
    let msg = c.all_messages();
    assert!(
        msg.contains("workbook part") && msg.contains("max_ratio"),
        "{msg}"
    );
    // With the default limits the same workbook is read.
    let c = read_bytes("ok.xlsx", &book);
    assert_eq!(c.records.len(), 20_000);
}

/// Found by the `formats_sheet` fuzz target: calamine lays a sheet out as a dense grid of its
/// bounding box, so one far cell asked for 17·10⁹ cells and aborted the process.
#[test]
fn a_far_cell_is_refused_not_allocated_and_rows_may_come_in_any_order() {
    let open = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    let far = format!(
        r#"{open}<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
    );
    // Rows out of order: calamine takes the row bounds from the first and last cell.
    let unsorted = format!(
        r#"{open}<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c><c r="B3"><v>3</v></c></row><row r="1"><c r="A1" t="inlineStr"><is><t>y</t></is></c><c r="B1"><v>1</v></c></row></sheetData></worksheet>"#
    );
    let book = xlsx_xml(&[("far", far), ("unsorted", unsorted)]);
    let c = read_bytes("far.xlsx", &book);
    let msg = c.all_messages();
    assert!(
        msg.contains("far") && msg.contains("1048576") && msg.contains("max_spill_bytes"),
        "{msg}"
    );
    // The other sheet is read, its rows in sheet order.
    assert_eq!(c.flat(), ["1:y", "1:1", "2:x", "2:3"]);
    // A far cell within the limit is read: the grid spans 16384 columns of one row.
    let wide = format!(
        r#"{open}<row r="1"><c r="A1"><v>7</v></c><c r="XFD1"><v>8</v></c></row></sheetData></worksheet>"#
    );
    let c = read_bytes("wide.xlsx", &xlsx_xml(&[("wide", wide)]));
    let values: Vec<_> = c.rows.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(values.first(), Some(&"7"));
    assert_eq!(values.last(), Some(&"8"));
    assert_eq!(values.len(), 16384);
}

#[test]
fn corrupt_xls_is_an_error_naming_the_source() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend((0..4000u32).map(|i| (i * 31 % 251) as u8));
    let c = read_bytes("old.xls", &ole);
    assert!(c.rows.is_empty());
    assert_eq!(c.errors.len(), 1, "{}", c.all_messages());
    assert!(
        c.errors[0].contains("old.xls") && c.errors[0].contains("xls"),
        "{}",
        c.errors[0]
    );
}

#[test]
fn legacy_xls_every_sheet() {
    // See testdata/formats/README.md: written by xlwt, since no Rust crate writes BIFF8.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/formats/book.xls");
    let mut c = Collect::default();
    fangxian_formats::Walker::new(Default::default())
        .read_file("book.xls", &path, &mut c)
        .unwrap();
    assert_eq!(c.formats[0].1, "xls");
    assert_eq!(
        c.flat(),
        [
            "1:姓名=张三",
            "1:手机=13800138000",
            "1:身份证=11010519491231002X",
            "2:姓名=李四",
            "2:手机=13900139000",
            "2:身份证=110105194912310037",
            "3:x",
            "3:1",
            "4:y",
            "4:2",
        ]
    );
    let tables: Vec<_> = c.headers.iter().map(|h| h.1.as_str()).collect();
    assert_eq!(tables, ["客户", "raw"]);
}

#[test]
fn a_legacy_workbook_is_checked_before_calamine_reads_it() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/formats/book.xls");
    let book = std::fs::read(path).unwrap();
    let original = read_bytes("book.xls", &book);
    assert_eq!(original.records.len(), 4, "{}", original.all_messages());

    // Regression (fuzz/regressions/formats_sheet/xls-cfb-sector-past-the-file): nine bytes of
    // the header rewritten so that an unused slot of its sector table reads 0x77E172FF.
    // calamine fetched every slot and grew a buffer to that sector (a terabyte): the process
    // aborted. The container's own chains are intact, so the workbook now reads as before.
    let mut junk_slot = book.clone();
    junk_slot[0x61..0x6A].copy_from_slice(&[0x72, 0xe1, 0x77, 0x26, 0x61, 0x6d, 0x70, 0x3b, 0x22]);
    let c = read_bytes("book.xls", &junk_slot);
    assert!(c.errors.is_empty(), "{}", c.all_messages());
    assert_eq!(c.rows, original.rows);

    // A directory starting at a sector far past the end of the file: refused, with the
    // input's name (calamine would have grown its buffer to that sector too).
    let mut far_directory = book;
    far_directory[0x30..0x34].copy_from_slice(&0x7000_0000u32.to_le_bytes());
    let c = read_bytes("bad.xls", &far_directory);
    assert!(c.rows.is_empty());
    assert_eq!(c.errors.len(), 1, "{}", c.all_messages());
    assert!(
        c.errors[0].contains("bad.xls") && c.errors[0].contains("damaged compound file"),
        "{}",
        c.errors[0]
    );
}

/// A minimal OpenDocument spreadsheet: mimetype, manifest and content.xml.
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="名单">"#,
    );
    for row in rows {
        content.push_str("<table:table-row>");
        for v in *row {
            content.push_str(&format!(
                r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
            ));
        }
        content.push_str("</table:table-row>");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    ods_with(&content)
}

/// An OpenDocument spreadsheet whose content.xml is `content`.
fn ods_with(content: &str) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn an_opendocument_sheet_whose_repeats_would_fill_memory_is_refused() {
    // Regression: 1.3 KB declaring one value over 16,384 columns and 1,048,576 rows made
    // calamine lay out 17·10⁹ cells (24 GB, never finishing).
    let bomb = ods_with(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="s"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>13912345678</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
    );
    let c = read_bytes("bomb.ods", &bomb);
    assert!(c.rows.is_empty());
    assert_eq!(c.errors.len(), 1, "{}", c.all_messages());
    assert!(
        c.errors[0].contains("bomb.ods") && c.errors[0].contains("repeated rows and cells"),
        "{}",
        c.errors[0]
    );
}

#[test]
fn opendocument_spreadsheet() {
    let book = ods(&[
        &["姓名", "手机"],
        &["张三", "13800138000"],
        &["李四", "13900139000"],
    ]);
    let c = read_bytes("book.ods", &book);
    assert_eq!(c.formats[0].1, "ods", "{}", c.all_messages());
    assert_eq!(
        c.flat(),
        [
            "1:姓名=张三",
            "1:手机=13800138000",
            "2:姓名=李四",
            "2:手机=13900139000"
        ]
    );
    assert_eq!(c.rows[0].table, "名单");
    // An ODF text document is not a spreadsheet: read as an archive of XML members.
    let odt = zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<doc>13800138000</doc>"),
    ]);
    let c = read_bytes("letter.odt", &odt);
    assert!(c.done.iter().any(|d| d.name == "letter.odt!/content.xml"));
}
