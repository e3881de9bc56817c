//! Arbitrary bytes → magic/encoding/format sniffing → every record read, with small limits.
//! Must never panic, hang or allocate without bound.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Selector 0: records up to 64 KiB, JSON 64 deep, 1,000 fields.
    let _ = common::read(data, common::limits(0));
});
