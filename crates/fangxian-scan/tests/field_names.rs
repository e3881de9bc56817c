//! Every finding names the column (or JSON path) it came from, also when the records of one
//! batch come from tables whose columns have different names at the same positions.

use std::collections::HashMap;

use fangxian_core::recognize::Recognizer;
use fangxian_scan::pipeline::{scan, Progress, ScanOptions};
use fangxian_scan::FindingRow;

#[test]
fn findings_name_their_own_column_when_tables_interleave() {
    let dir = tempfile::tempdir().unwrap();
    // Which column each value was written under.
    let mut want: HashMap<String, String> = HashMap::new();
    let mut sql = String::new();
    let mut jsonl = String::new();
    for n in 0..400u32 {
        // Two tables (and two shapes of JSON object) with other names of the same length at
        // the same positions, alternating every few rows, so that one batch holds both.
        let (table, phone_col, mail_col) = if (n / 3) % 2 == 0 {
            ("a", "手机号码", "电子邮箱")
        } else {
            ("b", "联系电话", "电子邮件")
        };
        let (phone, mail) = (format!("139{n:08}"), format!("user{n}@example.com"));
        sql.push_str(&format!(
            "INSERT INTO `{table}` (`{phone_col}`,`{mail_col}`) VALUES ('{phone}','{mail}');\n"
        ));
        want.insert(phone, phone_col.to_owned());
        want.insert(mail, mail_col.to_owned());
        let (phone, mail) = (format!("138{n:08}"), format!("json{n}@example.com"));
        jsonl.push_str(&format!(
            "{{\"{phone_col}\":\"{phone}\",\"{mail_col}\":\"{mail}\"}}\n"
        ));
        want.insert(phone, format!("$.{phone_col}"));
        want.insert(mail, format!("$.{mail_col}"));
    }
    std::fs::write(dir.path().join("dump.sql"), sql).unwrap();
    std::fs::write(dir.path().join("rows.jsonl"), jsonl).unwrap();

    for threads in [1, 2] {
        let mut findings: Vec<FindingRow> = Vec::new();
        let options = ScanOptions {
            threads,
            hash_key: Some((5, 6)),
            ..ScanOptions::default()
        };
        scan(
            &[dir.path().to_owned()],
            &options,
            &Recognizer::new(),
            &mut findings,
            &Progress::default(),
        )
        .unwrap();
        assert_eq!(findings.len(), want.len(), "one finding per value");
        for f in &findings {
            assert_eq!(
                f.field.as_deref(),
                want.get(&f.value).map(String::as_str),
                "{} in {}",
                f.value,
                f.source
            );
        }
    }
}
