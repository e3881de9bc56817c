//! Throughput measurement (ignored by default; run in release):
//! `cargo test --release -p fangxian-formats --test it -- --ignored --nocapture perf`

use std::time::Instant;

use fangxian_formats::{Error, Limits, RecordBatch, Source, Visitor, Walker};

struct Touch {
    fields: u64,
    bytes: u64,
}

impl Visitor for Touch {
    fn source(&mut self, src: &mut Source<'_>) -> Result<(), Error> {
        let mut batch = RecordBatch::new();
        while src.next_batch(&mut batch)? {
            for r in batch.records() {
                for f in r.fields() {
                    self.fields += 1;
                    self.bytes += f.value.len() as u64;
                }
            }
        }
        Ok(())
    }
}

fn measure(what: &str, data: &[u8]) {
    let mut best = f64::MAX;
    let mut fields = 0;
    for _ in 0..3 {
        let mut v = Touch {
            fields: 0,
            bytes: 0,
        };
        let mut r = data;
        let t = Instant::now();
        Walker::new(Limits::default())
            .read_stream("perf", &mut r, &mut v)
            .unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        fields = v.fields;
        assert!(v.bytes > 0);
    }
    let mb = data.len() as f64 / 1e6;
    eprintln!(
        "{what}: {mb:.0} MB, {fields} fields in {best:.3} s = {:.0} MB/s",
        mb / best
    );
}

#[test]
#[ignore = "throughput measurement; run in release"]
fn perf_csv_and_json() {
    let mut csv = String::from("id,name,phone,email,city\n");
    let mut i = 0u64;
    while csv.len() < 256 << 20 {
        csv.push_str(&format!(
            "{i},user{i},138{:08},u{i}@example.com,\"Beijing, CN\"\n",
            i % 100_000_000
        ));
        i += 1;
    }
    measure("csv", csv.as_bytes());
    let mut json = String::from("[");
    let mut i = 0u64;
    while json.len() < 128 << 20 {
        json.push_str(&format!(
            "{{\"id\":{i},\"user\":{{\"name\":\"user{i}\",\"phone\":\"138{:08}\"}}}},",
            i % 100_000_000
        ));
        i += 1;
    }
    json.push_str("{}]");
    measure("json", json.as_bytes());
}
