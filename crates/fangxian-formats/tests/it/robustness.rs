//! Deterministic mutation testing in the normal test run (the fuzz targets go further):
//! corrupted variants of valid inputs in every format and container must be read without
//! panicking, with record indices strictly increasing within each source, and within the
//! limits given.

use crate::common::*;
use fangxian_formats::Limits;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let csv = b"name,phone,note\n\xe5\xbc\xa0\xe4\xb8\x89,13800138000,\"a, \"\"b\"\"\nc\"\nLi,13900139000,x\n".to_vec();
    let json =
        br#"[{"a": {"b": [1, "x\u4e2d", null, true]}}, {"c": "d"}, {"data": [{"e": 1}]}]"#.to_vec();
    let wrapper = br#"{"code": 0, "data": [{"p": "13800138000"}, {"p": "x"}], "n": 2}"#.to_vec();
    let jsonl = b"{\"a\": 1}\n{\"b\": [2, 3]}\n{\"c\": \"\\n\"}\n".to_vec();
    let mysql = b"-- MySQL dump\nCREATE TABLE `t` (`a` int, `b` text);\nINSERT INTO `t` VALUES (1,'x\\'y'),(2,NULL),(3,_binary 0x41);\n".to_vec();
    let pg = b"-- PostgreSQL database dump\nCOPY public.t (a, b) FROM stdin;\n1\tx\\ty\n2\t\\N\n\\.\nINSERT INTO t VALUES (E'a\\n', 'b''c');\n".to_vec();
    let text = b"line one 13800138000\n[2024] INFO two\r\nthree".to_vec();
    let (gbk, _, _) = encoding_rs::GBK.encode("姓名,手机\n张三,13800138000\n");
    let mut out = vec![
        csv.clone(),
        json.clone(),
        wrapper,
        jsonl,
        mysql.clone(),
        pg,
        text,
        gbk.into_owned(),
    ];
    out.push(gzip(&csv));
    out.push(zstd(&json));
    out.push(xz(&mysql));
    out.push(bzip2(&csv));
    out.push(zip(&[("a.csv", &csv), ("b.json", &json)]));
    out.push(gzip(&tar(&[("d/a.csv", &csv), ("m.sql", &mysql)])));
    out
}

fn mutate(rng: &mut XorShift, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(5) {
            0 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] = rng.next() as u8;
            }
            2 => d.truncate(rng.below(d.len() + 1)),
            3 => {
                let i = rng.below(d.len() + 1);
                let b = *b"\"'[{\\\n,;\t\x00\xff".get(rng.below(11)).unwrap_or(&b'x');
                d.insert(i, b);
            }
            _ if !d.is_empty() => {
                let i = rng.below(d.len());
                let j = (i + rng.below(64)).min(d.len());
                d.drain(i..j);
            }
            _ => {}
        }
    }
    d
}

#[test]
fn corrupted_inputs_never_panic_and_keep_indices_ordered() {
    let limits = Limits::default()
        .max_record_len(4096)
        .max_json_depth(32)
        .max_fields(64)
        .max_depth(4)
        .batch_bytes(1);
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut records = 0usize;
    for seed in seeds() {
        for _ in 0..150 {
            let input = mutate(&mut rng, &seed);
            let c = read_with("m", &input, limits.clone());
            for w in c.records.windows(2) {
                if w[0].0 == w[1].0 {
                    assert!(
                        w[0].1 < w[1].1,
                        "indices not increasing in {}: {:?}",
                        w[0].0,
                        input
                    );
                }
            }
            assert!(c.records.iter().all(|r| r.1 >= 1));
            assert!(c.records.iter().all(|r| r.2 <= 64), "max_fields");
            assert!(
                c.rows.iter().all(|r| r.value.len() <= 4096),
                "max_record_len"
            );
            records += c.records.len();
        }
    }
    assert!(
        records > 1000,
        "the mutations should mostly still parse: {records}"
    );
}
