//! Property tests: CSV quoting round-trips through a real writer for any batch size.

use crate::common::*;
use fangxian_formats::Limits;
use proptest::prelude::*;

/// Writes rows with csv-core's writer (quotes as needed).
fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv_core::Writer::new();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    for row in rows {
        for (i, field) in row.iter().enumerate() {
            if i > 0 {
                let (_, n) = w.delimiter(&mut buf);
                out.extend_from_slice(&buf[..n]);
            }
            let mut input = field.as_bytes();
            loop {
                let (res, nin, n) = w.field(input, &mut buf);
                out.extend_from_slice(&buf[..n]);
                input = &input[nin..];
                if matches!(res, csv_core::WriteResult::InputEmpty) {
                    break;
                }
            }
        }
        let (_, n) = w.terminator(&mut buf);
        out.extend_from_slice(&buf[..n]);
    }
    let (_, n) = w.finish(&mut buf);
    out.extend_from_slice(&buf[..n]);
    out
}

fn field() -> impl Strategy<Value = String> {
    // Letters, digits, CJK, and the characters that need quoting.
    proptest::string::string_regex("[a-z0-9张三李四,\"\n\r; |]{0,12}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn csv_round_trip(
        rows in proptest::collection::vec(proptest::collection::vec(field(), 3), 2..40),
        batch in 1usize..20_000,
    ) {
        // A fixed header makes the sniffer's choice deterministic: comma-delimited with a
        // header, so every generated row must come back exactly.
        let mut all = vec![vec!["name".to_string(), "phone".to_string(), "note".to_string()]];
        // Rows whose cells are all empty are blank lines, which CSV readers skip.
        let body: Vec<Vec<String>> = rows
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        all.extend(body.iter().cloned());
        let mut data = write_csv(&all);
        // Pad with numeric rows so the sniffer sees a clearly comma-delimited table.
        for i in 0..5 {
            data.extend_from_slice(format!("p{i},1380013800{i},x\n").as_bytes());
        }
        let c = read_with("p.csv", &data, Limits::default().batch_bytes(batch));
        let mut got: Vec<Vec<String>> = Vec::new();
        for r in &c.rows {
            if got.len() < r.index as usize {
                got.push(Vec::new());
            }
            got[r.index as usize - 1].push(r.value.clone());
            prop_assert!(r.name.is_some());
        }
        let n = body.len();
        prop_assert_eq!(&got[..n], &body[..]);
        prop_assert_eq!(got.len(), n + 5);
        prop_assert!(c.warnings.is_empty());
    }
}

/// Every record csv-core reads from `data`, as field strings.
fn csv_core_records(data: &[u8]) -> Vec<Vec<String>> {
    let mut rdr = csv_core::Reader::new();
    let mut out = vec![0u8; data.len() + 16];
    let mut ends = vec![0usize; 4096];
    let (mut nout, mut nend) = (0, 0);
    let mut records = Vec::new();
    let mut input = data;
    loop {
        let (res, nin, o, e) = rdr.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[nin..];
        nout += o;
        nend += e;
        match res {
            csv_core::ReadRecordResult::Record => {
                let mut prev = 0;
                let mut fields = Vec::new();
                for &end in &ends[..nend] {
                    fields.push(String::from_utf8_lossy(&out[prev..end]).into_owned());
                    prev = end;
                }
                records.push(fields);
                (nout, nend) = (0, 0);
            }
            csv_core::ReadRecordResult::End => return records,
            csv_core::ReadRecordResult::InputEmpty => {}
            other => panic!("oracle buffers too small: {other:?}"),
        }
    }
}

/// A raw line: fields joined by commas with no quoting applied, so stray quotes, carriage
/// returns and empty lines all occur.
fn raw_line() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::string::string_regex("[a-z0-9张三;\" \r]{0,6}").unwrap(),
        0..5,
    )
    .prop_map(|fields| fields.join(","))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The reader's plain-line shortcut and csv-core agree on every input, lines with stray
    /// quotes, lone carriage returns, CRLF endings and blank lines included.
    #[test]
    fn csv_reads_what_csv_core_reads(
        lines in proptest::collection::vec(raw_line(), 1..60),
        crlf in proptest::collection::vec(any::<bool>(), 60),
        batch in 1usize..5_000,
    ) {
        // A header and many clearly comma-delimited rows first make the sniffer's choice fixed.
        let mut data = b"name,phone,note\n".to_vec();
        for i in 0..600 {
            data.extend_from_slice(format!("p{i},1380013800{},x\n", i % 10).as_bytes());
        }
        for (line, crlf) in lines.iter().zip(&crlf) {
            data.extend_from_slice(line.as_bytes());
            data.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
        }
        let expected: Vec<Vec<String>> = csv_core_records(&data).split_off(1);
        let c = read_with("d.csv", &data, Limits::default().batch_bytes(batch));
        let mut got: Vec<Vec<String>> = Vec::new();
        for r in &c.rows {
            while got.len() < r.index as usize {
                got.push(Vec::new());
            }
            got[r.index as usize - 1].push(r.value.clone());
        }
        // The padding rows first (without printing them all on failure), then the rest.
        prop_assert!(got.len() >= 600 && got[..600] == expected[..600]);
        prop_assert_eq!(&got[600..], &expected[600..]);
    }
}
