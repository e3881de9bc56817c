//! Arbitrary bytes → magic/encoding/format sniffing → every record read, with small limits.
//! Must never panic, hang or allocate without bound.
#![no_main]

use fangxian_formats::{Error, Limits, RecordBatch, Source, Visitor, Walker};
use libfuzzer_sys::fuzz_target;

struct ReadAll {
    batch: RecordBatch,
    bytes: usize,
}

impl Visitor for ReadAll {
    fn source(&mut self, src: &mut Source<'_>) -> Result<(), Error> {
        while src.next_batch(&mut self.batch)? {
            for record in self.batch.records() {
                let _ = record.index();
                let _ = record.table().header();
                for field in record.fields() {
                    self.bytes += field.value.len() + field.name.map_or(0, str::len);
                }
            }
        }
        Ok(())
    }
}

fn small_limits() -> Limits {
    Limits::default()
        .max_total_bytes(16 << 20)
        .max_ratio(100)
        .ratio_grace_bytes(1 << 20)
        .max_depth(4)
        .max_record_len(64 << 10)
        .max_json_depth(64)
        .max_fields(1000)
        .max_spill_bytes(8 << 20)
        .batch_bytes(4 << 10)
}

fuzz_target!(|data: &[u8]| {
    let mut v = ReadAll {
        batch: RecordBatch::new(),
        bytes: 0,
    };
    let mut r = data;
    let _ = Walker::new(small_limits()).read_stream("fuzz", &mut r, &mut v);
});
