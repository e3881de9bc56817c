//! Micro-benchmarks of each validator, in MB/s of candidate text (`Throughput::Bytes`).
//!
//! Run: `cargo bench -p fangxian-core --bench validate`. Each benchmark validates a small mixed
//! set of candidates of one type (valid, failing a check, wrong shape) with one reused buffer,
//! as the scanner does.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_main, Criterion, Throughput};
use fangxian_core::validate;
use fangxian_core::ItemKind;

const CASES: &[(ItemKind, &[&str])] = &[
    (
        ItemKind::ResidentId,
        &[
            "11010519491231002X",
            "110101199003077593",
            "4403 0519 9003 0712 36",
            "110105491231002",
        ],
    ),
    (
        ItemKind::Mobile,
        &[
            "13812345678",
            "+86 138-1234-5678",
            "15412345678",
            "1381234567",
        ],
    ),
    (
        ItemKind::Landline,
        &[
            "010-88886666",
            "0755 8601 3388",
            "026-82345678",
            "400-820-8820",
        ],
    ),
    (
        ItemKind::BankCard,
        &[
            "6228480012345671",
            "6228 4800 1234 5672",
            "4012888888881881",
            "1234",
        ],
    ),
    (ItemKind::Imei, &["490154203237518", "490154203237517"]),
    (
        ItemKind::Uscc,
        &[
            "91110000600037341L",
            "9144030071526726XG",
            "91110000600037341M",
        ],
    ),
    (
        ItemKind::Plate,
        &["京A·12345", "粤BD12345", "苏E1234挂", "京AO2345"],
    ),
    (ItemKind::Passport, &["E12345678", "EA1234567", "X12345678"]),
    (ItemKind::HkMacauPermit, &["H1234567802", "M12345678"]),
    (ItemKind::TaiwanPermit, &["12345678", "1234567"]),
    (
        ItemKind::Email,
        &["Zhang.San@Example.COM", "12345678@qq.com", "user@localhost"],
    ),
    (ItemKind::Ipv4, &["192.168.1.1", "10.0.0.256", "10.01.0.1"]),
    (
        ItemKind::Ipv6,
        &["2001:0DB8:0:0:0:0:2:1", "::1", "fe80::1%eth0"],
    ),
    (ItemKind::Qq, &["10001", "123456789", "012345"]),
    (ItemKind::WechatId, &["wxid_abc-123", "1abcdef"]),
    (
        ItemKind::PersonName,
        &["欧阳修", "张三", "买买提·艾力", "北京市朝阳区"],
    ),
    (
        ItemKind::Address,
        &[
            "浙江省杭州市西湖区文三路478号",
            "北京市 朝阳区 建国路88号",
            "3号楼2单元",
        ],
    ),
    (
        ItemKind::GpsPoint,
        &["39.9042, 116.4074", "-33.8688,151.2093", "95.0,116.4"],
    ),
];

fn validators(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    // Short runs: these guard against regressions of an order of magnitude, not 5 %.
    group
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500))
        .sample_size(20);
    let mut canon = String::with_capacity(64);
    for &(kind, raws) in CASES {
        let bytes: usize = raws.iter().map(|r| r.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(kind.id(), |b| {
            b.iter(|| {
                for raw in raws {
                    black_box(validate::validate(kind, black_box(raw), &mut canon));
                }
            });
        });
    }
    group.finish();
}

// The macro defines an undocumented public function.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::validators);
}
use group::benches;
criterion_main!(benches);
