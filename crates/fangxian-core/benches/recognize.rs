//! Free-text recognition throughput in MB/s (`Throughput::Bytes`).
//!
//! Run: `cargo bench -p fangxian-core --bench recognize`. The input is generated: ~1 MiB of
//! mixed Chinese and ASCII lines (chat-like sentences, order numbers, timestamps, versions,
//! amounts) with PI items (IDs, mobiles, cards, e-mail, plates, names after cue words,
//! addresses) on about half of the lines — roughly the density of a leaked customer-service log.
//! A second benchmark runs prose with no digits at all (the fast path), a third validates the
//! values of profiled columns (the structured path of the scan).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_main, Criterion, Throughput};
use fangxian_core::recognize::{Recognizer, Scratch};

const ITEMS: &[&str] = &[
    "身份证11010519491231002X",
    "手机 +86 138-1234-5678",
    "电话13987654321",
    "卡号6228 4800 1234 5671",
    "邮箱 zhang.san@example.com",
    "车牌京A·12345",
    "姓名：欧阳娜娜",
    "地址：浙江省杭州市西湖区文三路478号",
    "QQ:10001",
    "位置39.9042, 116.4074",
];

const FILLER: &[&str] = &[
    "客户来电咨询订单配送进度，已告知预计明天送达",
    "order 202401150001234567 shipped at 1700000000000",
    "系统版本 v2.3.1.4 更新完成，请重启应用",
    "金额 1,299.00 元，优惠 50 元，实付 1249.00",
    "The customer asked to change the delivery address before 18:00.",
    "备注：请放在门卫处，谢谢！",
    "会员等级 3，积分 12850，上次登录 2024-01-15 08:30:12",
];

/// About `bytes` bytes of mixed lines, deterministic.
fn mixed_text(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 256);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while s.len() < bytes {
        // xorshift: a cheap deterministic sequence, no dependency.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(FILLER[(x % FILLER.len() as u64) as usize]);
        if x & 1 == 0 {
            s.push('，');
            s.push_str(ITEMS[((x >> 8) % ITEMS.len() as u64) as usize]);
        }
        s.push('\n');
    }
    s
}

fn bench(c: &mut Criterion) {
    let r = Recognizer::new();
    let mut scratch = Scratch::new();
    let mut g = c.benchmark_group("recognize");
    g.measurement_time(Duration::from_secs(3));
    g.warm_up_time(Duration::from_secs(1));
    g.sample_size(20);
    let inputs = [
        ("mixed_text", mixed_text(1 << 20)),
        (
            "cjk_prose_no_digits",
            "今天天气很好，我们一起去公园散步吧。".repeat(20_000),
        ),
    ];
    for (name, text) in &inputs {
        let mut n = 0usize;
        r.find_in_text_with(text, &mut scratch, &mut |_| n += 1);
        eprintln!("{name}: {} bytes, {n} findings", text.len());
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                r.find_in_text_with(black_box(text), &mut scratch, &mut |_| n += 1);
                n
            })
        });
    }

    // Typed columns, as the scan validates a profiled CSV: every value with its column's type.
    let columns: [(&str, &[&str]); 6] = [
        (
            "sfzh",
            &[
                "11010519491231002X",
                "440305199003071236",
                "110101199003077593",
            ],
        ),
        (
            "手机号",
            &["13812345678", "+86 139-8765-4321", "15412345678"],
        ),
        ("xm", &["欧阳娜娜", "张三", "买买提·艾力"]),
        (
            "地址",
            &["浙江省杭州市西湖区文三路478号", "北京市朝阳区建国路88号"],
        ),
        ("email", &["zhang.san@example.com", "12345@qq.com"]),
        ("订单号", &["202401150001234567", "202401150001234568"]),
    ];
    let profiles: Vec<_> = columns
        .iter()
        .map(|(h, samples)| (r.profile_column(Some(h), samples), *samples))
        .collect();
    let rows = 20_000;
    let bytes: usize = (0..rows)
        .map(|i| {
            profiles
                .iter()
                .map(|(_, v)| v[i % v.len()].len())
                .sum::<usize>()
        })
        .sum();
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("typed_fields", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for i in 0..rows {
                for (p, values) in &profiles {
                    let v = values[i % values.len()];
                    r.find_in_field_with(p, black_box(v), &mut scratch, &mut |_| n += 1);
                }
            }
            n
        })
    });
    g.finish();
}

/// The benchmark group (written out: `criterion_group!` generates an undocumented function).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
}

criterion_main!(benches);
