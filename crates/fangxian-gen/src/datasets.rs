//! The datasets: what each table is about, its headers (Chinese, English, pinyin), and how a row
//! is filled. Headers are chosen from fangxian-core's header dictionary (`data/headers.tsv`) so
//! that the content class a correct recognizer derives is the one the gold assumes.

use fangxian_core::validate::{self, Check};
use fangxian_core::{Category, ContentClass, ItemKind};

use crate::rng::Rng;
use crate::row::{CellType, Row};
use crate::tags::Tags;
use crate::values::{micro, micro4, push_fullwidth, push_num, slot, Org, Person, Tables};

/// A column: its header in three header styles.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Col {
    pub(crate) zh: &'static str,
    pub(crate) en: &'static str,
    pub(crate) py: &'static str,
    /// In JSON arrays, the nested object the column goes into (`$.guest.手机号`).
    pub(crate) group: Option<&'static str>,
}

const fn c(zh: &'static str, en: &'static str, py: &'static str) -> Col {
    Col {
        zh,
        en,
        py,
        group: None,
    }
}

const fn g(group: &'static str, zh: &'static str, en: &'static str, py: &'static str) -> Col {
    Col {
        zh,
        en,
        py,
        group: Some(group),
    }
}

/// Header style of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderStyle {
    Zh,
    En,
    Py,
}

impl HeaderStyle {
    pub(crate) fn header(self, c: &Col) -> &'static str {
        match self {
            HeaderStyle::Zh => c.zh,
            HeaderStyle::En => c.en,
            HeaderStyle::Py => c.py,
        }
    }
    pub(crate) fn tags(self) -> Tags {
        match self {
            HeaderStyle::Zh => Tags::EMPTY,
            HeaderStyle::En => Tags::ENGLISH_HEADER,
            HeaderStyle::Py => Tags::PINYIN_HEADER,
        }
    }
}

/// A kind of dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Dataset {
    Customers,
    Hotel,
    GpsTrace,
    Checkpoint,
    Calls,
    Sms,
    Orders,
    Waybills,
    Medical,
    Credit,
    Property,
    Log,
}

impl Dataset {
    pub(crate) const ALL: [Dataset; 12] = [
        Dataset::Customers,
        Dataset::Hotel,
        Dataset::GpsTrace,
        Dataset::Checkpoint,
        Dataset::Calls,
        Dataset::Sms,
        Dataset::Orders,
        Dataset::Waybills,
        Dataset::Medical,
        Dataset::Credit,
        Dataset::Property,
        Dataset::Log,
    ];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Dataset::Customers => "customers",
            Dataset::Hotel => "hotel",
            Dataset::GpsTrace => "gps",
            Dataset::Checkpoint => "checkpoint",
            Dataset::Calls => "calls",
            Dataset::Sms => "sms",
            Dataset::Orders => "orders",
            Dataset::Waybills => "waybills",
            Dataset::Medical => "medical",
            Dataset::Credit => "credit",
            Dataset::Property => "property",
            Dataset::Log => "log",
        }
    }

    /// The content class a recognizer derives from the headers; `None` for free-text logs,
    /// which have no headers (their lines are tier C unless they hold a coordinate).
    pub(crate) fn class(self) -> Option<ContentClass> {
        Some(match self {
            Dataset::Customers => ContentClass::IdentityBasic,
            Dataset::Hotel => ContentClass::HotelStay,
            Dataset::GpsTrace => ContentClass::GpsTrace,
            Dataset::Checkpoint => ContentClass::VehicleCheckpointTrace,
            Dataset::Calls => ContentClass::CallDetailRecord,
            Dataset::Sms => ContentClass::CommunicationContent,
            Dataset::Orders => ContentClass::TransactionRecord,
            Dataset::Waybills => ContentClass::CourierWaybill,
            Dataset::Medical => ContentClass::MedicalRecord,
            Dataset::Credit => ContentClass::CreditRecord,
            Dataset::Property => ContentClass::PropertyRecord,
            Dataset::Log => return None,
        })
    }

    pub(crate) fn category(self) -> Category {
        self.class()
            .map_or(Category::Other, ContentClass::default_category)
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            Dataset::Customers => "t_customer",
            Dataset::Hotel => "hotel_guest",
            Dataset::GpsTrace => "loc_trace",
            Dataset::Checkpoint => "kk_pass",
            Dataset::Calls => "cdr",
            Dataset::Sms => "sms_log",
            Dataset::Orders => "orders",
            Dataset::Waybills => "waybill",
            Dataset::Medical => "his_visit",
            Dataset::Credit => "loan_credit",
            Dataset::Property => "acct_balance",
            Dataset::Log => "log",
        }
    }

    pub(crate) fn columns(self) -> &'static [Col] {
        match self {
            Dataset::Customers => COLS_CUSTOMERS,
            Dataset::Hotel => COLS_HOTEL,
            Dataset::GpsTrace => COLS_GPS_TRACE,
            Dataset::Checkpoint => COLS_CHECKPOINT,
            Dataset::Calls => COLS_CALLS,
            Dataset::Sms => COLS_SMS,
            Dataset::Orders => COLS_ORDERS,
            Dataset::Waybills => COLS_WAYBILLS,
            Dataset::Medical => COLS_MEDICAL,
            Dataset::Credit => COLS_CREDIT,
            Dataset::Property => COLS_PROPERTY,
            Dataset::Log => COLS_LOG,
        }
    }
}

const COLS_CUSTOMERS: &[Col] = &[
    c("姓名", "name", "xm"),
    c("性别", "gender", "xb"),
    c("身份证号", "idcard", "sfzh"),
    c("手机号", "mobile", "sjh"),
    c("固定电话", "landline", "gddh"),
    c("电子邮箱", "email", "yx"),
    c("住址", "address", "zz"),
    c("QQ号", "qq", "qq"),
    c("微信号", "wechat", "wxh"),
    c("IP地址", "ip", "ip"),
    c("注册时间", "created_at", "zcsj"),
];

const COLS_HOTEL: &[Col] = &[
    g("guest", "姓名", "name", "xm"),
    g("guest", "证件号码", "idno", "zjhm"),
    g("guest", "手机号", "mobile", "sjh"),
    g("guest", "护照号码", "passport", "hzhm"),
    g("guest", "回乡证号", "回乡证号", "hxz"),
    g("guest", "台胞证号", "台胞证号", "tbz"),
    c("酒店", "hotel", "jdmc"),
    c("房号", "roomno", "fh"),
    c("入住时间", "checkin", "rzsj"),
    c("退房时间", "checkout", "tfsj"),
];

const COLS_GPS_TRACE: &[Col] = &[
    c("手机号", "msisdn", "sjh"),
    c("IMEI", "imei", "imei"),
    c("定位时间", "fix_time", "dwsj"),
    c("经纬度", "gps", "gps"),
    c("基站编号", "cell_id", "jzbh"),
    c("速度", "speed", "sd"),
];

const COLS_CHECKPOINT: &[Col] = &[
    c("号牌号码", "plate", "hphm"),
    c("卡口名称", "checkpoint", "kkmc"),
    c("过车时间", "pass_time", "gcsj"),
    c("车速", "speed", "cs"),
    c("经纬度", "gps", "gps"),
];

const COLS_CALLS: &[Col] = &[
    c("主叫号码", "caller", "zj_dh"),
    c("被叫号码", "callee", "bjhm"),
    c("通话开始时间", "start_time", "kssj"),
    c("通话时长", "callduration", "thsc"),
    c("IMEI", "imei", "imei"),
    c("位置区编号", "lac_no", "lac_no"),
];

const COLS_SMS: &[Col] = &[
    c("发送方手机号", "msisdn_from", "fs_sjh"),
    c("接收方手机号", "msisdn_to", "js_sjh"),
    c("发送时间", "sent_time", "fssj"),
    c("短信内容", "message", "msg"),
];

const COLS_ORDERS: &[Col] = &[
    c("订单号", "orderid", "orderno"),
    c("下单时间", "order_time", "xdsj"),
    g("buyer", "收货人", "buyer_name", "xm"),
    g("buyer", "收货电话", "phone", "sjh"),
    g("buyer", "收货地址", "address", "dz"),
    c("商品名称", "product", "product"),
    c("商品编码", "sku", "spbm"),
    c("金额", "amount", "je"),
    c("支付卡号", "cardno", "kh"),
    c("统一社会信用代码", "uscc", "tyshxydm"),
    c("时间戳", "timestamp", "sjc"),
    c("流水号", "serial_no", "lsh"),
];

const COLS_WAYBILLS: &[Col] = &[
    c("运单号", "waybillno", "ydh"),
    g("sender", "寄件人", "sender_name", "jjr"),
    g("sender", "寄件人电话", "sender_phone", "jjr_dh"),
    g("sender", "寄件地址", "sender_address", "jj_dz"),
    g("recipient", "收件人", "recipient_name", "sjr"),
    g("recipient", "收件人电话", "recipient_phone", "sjr_dh"),
    g("recipient", "收件地址", "recipient_address", "sj_dz"),
    c("重量", "weight_kg", "zl"),
    c("揽收时间", "collected_at", "lssj"),
];

const COLS_MEDICAL: &[Col] = &[
    g("patient", "患者姓名", "patient_name", "xm"),
    g("patient", "身份证号", "idcard", "sfzh"),
    g("patient", "联系电话", "phone", "lxdh"),
    c("就诊时间", "visit_time", "jzsj"),
    c("科室", "department", "ks"),
    c("诊断", "diagnosis", "diagnosis"),
];

const COLS_CREDIT: &[Col] = &[
    c("姓名", "name", "xm"),
    c("身份证号", "idcard", "sfzh"),
    c("手机号", "mobile", "sjh"),
    c("贷款金额", "loan", "loan"),
    c("逾期天数", "overdue_days", "yqts"),
    c("征信评分", "credit_score", "zxpf"),
    c("还款卡号", "cardno", "kh"),
    c("放款机构", "lender", "fkjg"),
    c("统一社会信用代码", "uscc", "tyshxydm"),
];

const COLS_PROPERTY: &[Col] = &[
    c("姓名", "name", "xm"),
    c("身份证号", "idcard", "sfzh"),
    c("银行卡号", "cardno", "yhkh"),
    c("账户余额", "balance", "balance"),
    c("开户行", "bank", "khh"),
    c("手机号", "mobile", "sjh"),
    c("房产地址", "property_address", "dz"),
];

const COLS_LOG: &[Col] = &[c("line", "line", "line")];

const HOTEL_BRANDS: &[&str] = &[
    "如家快捷酒店",
    "汉庭酒店",
    "锦江之星",
    "7天连锁酒店",
    "全季酒店",
    "维也纳酒店",
    "格林豪泰",
    "亚朵酒店",
    "速8酒店",
];
const CHECKPOINTS: &[&str] = &[
    "京港澳高速收费站",
    "人民路与解放路交叉口",
    "绕城高速东出口",
    "城南大桥卡口",
    "火车站广场卡口",
    "机场高速入口",
    "国道一零七线卡口",
];
const PRODUCTS: &[&str] = &[
    "无线蓝牙耳机",
    "保温杯",
    "儿童羽绒服",
    "智能手环",
    "有机大米",
    "洗发水套装",
    "笔记本电脑支架",
    "运动鞋",
    "茶叶礼盒",
];
const DEPARTMENTS: &[&str] = &[
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "眼科",
    "口腔科",
    "皮肤科",
    "心内科",
];
const DIAGNOSES: &[&str] = &[
    "急性上呼吸道感染",
    "高血压病",
    "二型糖尿病",
    "慢性胃炎",
    "腰椎间盘突出症",
    "过敏性鼻炎",
    "支气管哮喘",
    "抑郁状态",
    "冠状动脉粥样硬化性心脏病",
];
const BANKS: &[&str] = &[
    "中国工商银行北京分行",
    "中国建设银行上海分行",
    "中国农业银行广州分行",
    "招商银行深圳分行",
    "中国银行杭州分行",
    "交通银行南京分行",
];

/// Generates rows for one file.
pub(crate) struct Gen<'a> {
    pub(crate) rng: Rng,
    pub(crate) people: &'a [Person],
    pub(crate) orgs: &'a [Org],
    scratch: String,
    canon: String,
}

fn datetime(out: &mut String, rng: &mut Rng) {
    // Drawn in this order: the corpus for a seed must not change.
    let parts = [
        rng.range(2022, 2025),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
    ];
    for (i, (n, sep)) in parts
        .into_iter()
        .zip(["", "-", "-", " ", ":", ":"])
        .enumerate()
    {
        out.push_str(sep);
        push_num(out, n, if i == 0 { 0 } else { 2 });
    }
}

/// Writes a mobile in one of its surface forms (`form`: the person's habit, 0–99); returns the
/// tags of the form.
fn write_mobile(out: &mut String, m: &str, form: u8) -> Tags {
    let r = form;
    if r < 4 {
        out.push_str("+86 ");
        out.push_str(m);
        Tags::PLUS86
    } else if r < 6 {
        out.push_str("0086");
        out.push_str(m);
        Tags::PLUS86
    } else if r < 9 {
        out.push_str(&m[..3]);
        out.push(' ');
        out.push_str(&m[3..7]);
        out.push(' ');
        out.push_str(&m[7..]);
        Tags::SPACED
    } else if r < 12 {
        out.push_str(&m[..3]);
        out.push('-');
        out.push_str(&m[3..7]);
        out.push('-');
        out.push_str(&m[7..]);
        Tags::HYPHENATED
    } else if r < 15 {
        push_fullwidth(out, m);
        Tags::FULLWIDTH
    } else {
        out.push_str(m);
        Tags::EMPTY
    }
}

fn is_valid_anywhere(s: &str, canon: &mut String) -> bool {
    ItemKind::ALL.iter().any(|&k| {
        !k.needs_context() && validate::validate(k, s, canon).is_some_and(|v| v.is_valid())
    })
}

impl<'a> Gen<'a> {
    pub(crate) fn new(rng: Rng, people: &'a [Person], orgs: &'a [Org]) -> Gen<'a> {
        Gen {
            rng,
            people,
            orgs,
            scratch: String::new(),
            canon: String::new(),
        }
    }

    fn person(&mut self) -> &'a Person {
        let people = self.people;
        &people[self.rng.below(people.len() as u64) as usize]
    }

    fn org(&mut self) -> &'a Org {
        let orgs = self.orgs;
        &orgs[self.rng.below(orgs.len() as u64) as usize]
    }

    fn datetime_cell(&mut self, row: &mut Row) {
        row.begin();
        datetime(&mut row.text, &mut self.rng);
        row.end(CellType::Text);
    }

    fn num_cell(&mut self, row: &mut Row, lo: u64, hi: u64) {
        row.begin();
        push_num(&mut row.text, self.rng.range(lo, hi), 0);
        row.end(CellType::Number);
    }

    fn money_cell(&mut self, row: &mut Row, hi: u64) {
        row.begin();
        let v = self.rng.range(100, hi * 100);
        push_num(&mut row.text, v / 100, 0);
        row.text.push('.');
        push_num(&mut row.text, v % 100, 2);
        row.end(CellType::Number);
    }

    fn name_cell(&mut self, row: &mut Row, p: &Person) {
        let col = row.col();
        row.begin();
        let mut tags = p.name_tags;
        if self.rng.chance(20) {
            // `张 伟`: the contract's canonical name drops inner whitespace of CJK names.
            let mut chars = p.name.chars();
            let surname_len = if p.name_tags.contains(Tags::COMPOUND_SURNAME) {
                2
            } else {
                1
            };
            for _ in 0..surname_len {
                if let Some(ch) = chars.next() {
                    row.text.push(ch);
                }
            }
            row.text.push(' ');
            row.text.extend(chars);
            tags |= Tags::NAME_SPACED;
        } else {
            row.text.push_str(&p.name);
        }
        row.end(CellType::Text);
        row.person_item(ItemKind::PersonName, &p.name, tags, col, p.slot(slot::NAME));
    }

    fn id_cell(&mut self, row: &mut Row, p: &Person) {
        let col = row.col();
        row.begin();
        if p.id_kind == ItemKind::ResidentId && self.rng.chance(12) {
            // A wrong check character: an untrue number (art. 11), reported as invalid.
            let mut bad = p.id[..17].to_owned();
            let right = p.id.as_bytes()[17];
            let choices = b"0123456789X";
            let mut ch = *self.rng.pick(choices);
            if ch == right {
                ch = choices[(choices.iter().position(|&x| x == ch).unwrap_or(0) + 1) % 11];
            }
            bad.push(char::from(ch));
            row.text.push_str(&bad);
            row.end(CellType::Text);
            row.item(p.id_kind, &bad, Some(Check::Checksum), Tags::EMPTY, col);
            return;
        }
        let mut tags = p.id_tags;
        if let Some(l) = &p.legacy15 {
            row.text.push_str(l);
        } else {
            // The person's habitual form: the same system writes the same person the same way,
            // so a value's tags hold for all its occurrences.
            let r = u64::from(p.forms[0]);
            if r < 5 {
                push_fullwidth(&mut row.text, &p.id);
                tags |= Tags::FULLWIDTH;
            } else if r < 10 {
                row.text.push_str(&p.id[..6]);
                row.text.push(' ');
                row.text.push_str(&p.id[6..14]);
                row.text.push(' ');
                row.text.push_str(&p.id[14..]);
                tags |= Tags::SPACED;
            } else if r < 20 && p.id.ends_with('X') {
                row.text.push_str(&p.id[..17]);
                row.text.push('x');
                tags |= Tags::LOWERCASE;
            } else {
                row.text.push_str(&p.id);
            }
        }
        row.end(CellType::Text);
        row.person_item(p.id_kind, &p.id, tags, col, p.slot(slot::ID));
    }

    fn mobile_cell(&mut self, row: &mut Row, p: &Person) {
        let m = p.mobile.as_str();
        let col = row.col();
        row.begin();
        if self.rng.chance(10) {
            let bad = Tables::unallocated_mobile(&mut self.rng);
            row.text.push_str(&bad);
            row.end(CellType::Text);
            row.item(
                ItemKind::Mobile,
                &bad,
                Some(Check::Prefix),
                Tags::EMPTY,
                col,
            );
            return;
        }
        let tags = write_mobile(&mut row.text, m, p.forms[1]);
        row.end(CellType::Text);
        row.person_item(ItemKind::Mobile, m, tags, col, p.slot(slot::MOBILE));
    }

    fn landline_cell(&mut self, row: &mut Row, p: &Person, extra: Tags) {
        let col = row.col();
        let (area, local) = &p.landline;
        row.begin();
        let r = self.rng.below(100);
        let mut tags = extra;
        if r < 5 {
            row.text.push('(');
            row.text.push_str(area);
            row.text.push(')');
            row.text.push_str(local);
            tags |= Tags::PARENTHESES;
        } else if r < 10 {
            row.text.push_str(area);
            row.text.push(' ');
            row.text.push_str(local);
            tags |= Tags::SPACED;
        } else {
            row.text.push_str(area);
            row.text.push('-');
            row.text.push_str(local);
        }
        row.end(CellType::Text);
        self.canon.clear();
        self.canon.push_str(area);
        self.canon.push('-');
        self.canon.push_str(local);
        row.item(ItemKind::Landline, &self.canon, None, tags, col);
    }

    fn card_cell(&mut self, row: &mut Row, p: &Person) {
        let card = p.card.as_str();
        let col = row.col();
        row.begin();
        if self.rng.chance(10) {
            let mut bad = card[..card.len() - 1].to_owned();
            let last = card.as_bytes()[card.len() - 1] - b'0';
            bad.push(char::from(b'0' + (last + 1 + self.rng.below(8) as u8) % 10));
            row.text.push_str(&bad);
            row.end(CellType::Text);
            row.item(
                ItemKind::BankCard,
                &bad,
                Some(Check::Checksum),
                Tags::EMPTY,
                col,
            );
            return;
        }
        let mut tags = Tags::EMPTY;
        if p.forms[2] < 6 {
            for (i, ch) in card.chars().enumerate() {
                if i > 0 && i % 4 == 0 {
                    row.text.push(' ');
                }
                row.text.push(ch);
            }
            tags |= Tags::SPACED;
        } else {
            row.text.push_str(card);
        }
        row.end(CellType::Text);
        row.person_item(ItemKind::BankCard, card, tags, col, p.slot(slot::CARD));
    }

    fn uscc_cell(&mut self, row: &mut Row, uscc: &str) {
        let col = row.col();
        row.begin();
        if self.rng.chance(10) {
            let mut bad = uscc[..17].to_owned();
            let alphabet = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
            let right = uscc.as_bytes()[17];
            let pos = alphabet.iter().position(|&x| x == right).unwrap_or(0);
            bad.push(char::from(
                alphabet[(pos + 1 + self.rng.below(29) as usize) % 31],
            ));
            row.text.push_str(&bad);
            row.end(CellType::Text);
            row.item(
                ItemKind::Uscc,
                &bad,
                Some(Check::Checksum),
                Tags::EMPTY,
                col,
            );
            return;
        }
        let mut tags = Tags::EMPTY;
        if self.rng.chance(30) && uscc.bytes().any(|b| b.is_ascii_uppercase()) {
            row.text.push_str(&uscc.to_ascii_lowercase());
            tags |= Tags::LOWERCASE;
        } else {
            row.text.push_str(uscc);
        }
        row.end(CellType::Text);
        row.item(ItemKind::Uscc, uscc, None, tags, col);
    }

    fn imei_cell(&mut self, row: &mut Row, p: &Person) {
        let imei = p.imei.as_str();
        let col = row.col();
        row.begin();
        if self.rng.chance(10) {
            let mut bad = imei[..14].to_owned();
            let last = imei.as_bytes()[14] - b'0';
            bad.push(char::from(b'0' + (last + 1 + self.rng.below(8) as u8) % 10));
            row.text.push_str(&bad);
            row.end(CellType::Text);
            row.item(
                ItemKind::Imei,
                &bad,
                Some(Check::Checksum),
                Tags::EMPTY,
                col,
            );
            return;
        }
        row.text.push_str(imei);
        row.end(CellType::Text);
        row.person_item(ItemKind::Imei, imei, Tags::EMPTY, col, p.slot(slot::IMEI));
    }

    /// A person's field written as it is; `slot` is the person's slot of it.
    fn simple_cell(&mut self, row: &mut Row, kind: ItemKind, v: &str, ty: CellType, slot: u32) {
        let col = row.col();
        row.begin();
        row.text.push_str(v);
        row.end(ty);
        row.person_item(kind, v, Tags::EMPTY, col, slot);
    }

    fn email_cell(&mut self, row: &mut Row, p: &Person) {
        let col = row.col();
        row.begin();
        row.text.push_str(&p.email_local);
        row.text.push('@');
        let mut tags = Tags::EMPTY;
        if self.rng.chance(30) {
            row.text.push_str(&p.email_domain.to_ascii_uppercase());
            tags |= Tags::UPPERCASE_DOMAIN;
        } else {
            row.text.push_str(p.email_domain);
        }
        row.end(CellType::Text);
        row.person_item(ItemKind::Email, &p.email, tags, col, p.slot(slot::EMAIL));
    }

    fn address_cell(&mut self, row: &mut Row, p: &Person) {
        let slot = p.slot(slot::ADDRESS);
        self.simple_cell(row, ItemKind::Address, &p.address, CellType::Text, slot);
    }

    fn plate_cell(&mut self, row: &mut Row, p: &Person) {
        let col = row.col();
        row.begin();
        let mut tags = if p.nev { Tags::NEW_ENERGY } else { Tags::EMPTY };
        let r = self.rng.below(100);
        if r < 6 {
            // `京A·12345` / `京A 12345`: separator after the issuing-authority letter.
            let mut chars = p.plate.chars();
            row.text.extend(chars.by_ref().take(2));
            row.text.push(if r < 4 { '·' } else { ' ' });
            row.text.extend(chars);
            tags |= Tags::PLATE_SEPARATOR;
        } else {
            row.text.push_str(&p.plate);
        }
        row.end(CellType::Text);
        row.person_item(ItemKind::Plate, &p.plate, tags, col, p.slot(slot::PLATE));
    }

    fn gps_cell(&mut self, row: &mut Row, place: (u32, u32, bool)) {
        let col = row.col();
        let (lat, lon, round) = place;
        row.begin();
        let mut tags = Tags::EMPTY;
        if round && self.rng.chance(500) {
            micro4(&mut row.text, lat);
            row.text.push(',');
            micro4(&mut row.text, lon);
            tags |= Tags::SHORT_DECIMALS;
        } else {
            micro(&mut row.text, lat);
            if self.rng.chance(50) {
                row.text.push_str(", ");
                tags |= Tags::SPACED;
            } else {
                row.text.push(',');
            }
            micro(&mut row.text, lon);
        }
        row.end(CellType::Text);
        self.canon.clear();
        micro(&mut self.canon, lat);
        self.canon.push(',');
        micro(&mut self.canon, lon);
        row.item(ItemKind::GpsPoint, &self.canon, None, tags, col);
    }

    fn opt<F: FnOnce(&mut Self, &mut Row)>(&mut self, row: &mut Row, per_mille_null: u64, f: F) {
        if self.rng.chance(per_mille_null) {
            row.null_cell();
        } else {
            f(self, row);
        }
    }

    // --- decoys ----------------------------------------------------------------------------

    /// A digit string of `len` (first digit from `first`) that no checksum-bearing or
    /// prefix-checked validator accepts.
    /// Leaves the decoy in `self.scratch`.
    fn decoy_digits(&mut self, prefix: &str, len: usize) {
        loop {
            self.scratch.clear();
            self.scratch.push_str(prefix);
            while self.scratch.len() < len {
                self.scratch.push(self.rng.digit());
            }
            if !is_valid_anywhere(&self.scratch, &mut self.canon) {
                return;
            }
        }
    }

    fn decoy_cell(
        &mut self,
        row: &mut Row,
        what: &'static str,
        imitates: ItemKind,
        prefix: &str,
        len: usize,
    ) {
        let col = row.col();
        self.decoy_digits(prefix, len);
        row.text_cell(&self.scratch);
        row.decoy(&self.scratch, imitates, what, col);
    }

    fn product_code_cell(&mut self, row: &mut Row) {
        let col = row.col();
        let mut v = String::from(*self.rng.pick(&["E", "G", "EA", "SE"]));
        while v.len() < 9 {
            v.push(self.rng.digit());
        }
        row.text_cell(&v);
        row.decoy(&v, ItemKind::Passport, "product_code", col);
    }

    // --- rows ------------------------------------------------------------------------------

    /// Fills one row of `ds`.
    pub(crate) fn fill(&mut self, ds: Dataset, row: &mut Row) {
        row.clear();
        match ds {
            Dataset::Customers => self.customers(row),
            Dataset::Hotel => self.hotel(row),
            Dataset::GpsTrace => self.gps(row),
            Dataset::Checkpoint => self.checkpoint(row),
            Dataset::Calls => self.calls(row),
            Dataset::Sms => self.sms(row),
            Dataset::Orders => self.orders(row),
            Dataset::Waybills => self.waybills(row),
            Dataset::Medical => self.medical(row),
            Dataset::Credit => self.credit(row),
            Dataset::Property => self.property(row),
            Dataset::Log => self.log(row),
        }
    }

    fn customers(&mut self, row: &mut Row) {
        let p = self.person();
        self.name_cell(row, p);
        row.text_cell(if p.male { "男" } else { "女" });
        self.id_cell(row, p);
        self.mobile_cell(row, p);
        self.opt(row, 300, |g, r| g.landline_cell(r, p, Tags::EMPTY));
        self.opt(row, 100, |g, r| g.email_cell(r, p));
        self.address_cell(row, p);
        self.opt(row, 300, |g, r| {
            g.simple_cell(r, ItemKind::Qq, &p.qq, CellType::Number, p.slot(slot::QQ));
        });
        self.opt(row, 300, |g, r| {
            let s = p.slot(slot::WECHAT);
            g.simple_cell(r, ItemKind::WechatId, &p.wechat, CellType::Text, s);
        });
        self.simple_cell(row, ItemKind::Ipv4, &p.ip, CellType::Text, p.slot(slot::IP));
        self.datetime_cell(row);
    }

    fn hotel(&mut self, row: &mut Row) {
        let p = self.person();
        self.name_cell(row, p);
        self.id_cell(row, p);
        self.mobile_cell(row, p);
        match &p.passport {
            Some(v) => {
                let s = p.slot(slot::PASSPORT);
                self.simple_cell(row, ItemKind::Passport, v, CellType::Text, s);
            }
            None => row.null_cell(),
        }
        match &p.hk_permit {
            Some(v) => {
                let col = row.col();
                row.begin();
                row.text.push_str(v);
                let mut tags = Tags::EMPTY;
                if self.rng.chance(300) {
                    // The 1999 card's 11-character form: lifetime number + renewal count.
                    row.text.push_str(&format!("{:02}", self.rng.below(10)));
                    tags |= Tags::RENEWAL_SUFFIX;
                }
                row.end(CellType::Text);
                let s = p.slot(slot::HK_PERMIT);
                row.person_item(ItemKind::HkMacauPermit, v, tags, col, s);
            }
            None => row.null_cell(),
        }
        match &p.tw_permit {
            Some(v) => {
                let s = p.slot(slot::TW_PERMIT);
                self.simple_cell(row, ItemKind::TaiwanPermit, v, CellType::Text, s);
            }
            None => row.null_cell(),
        }
        row.begin();
        row.text.push_str(self.rng.pick_str(HOTEL_BRANDS));
        row.text.push('(');
        row.text.extend(p.address.chars().take(2));
        row.text.push_str("店)");
        row.end(CellType::Text);
        self.num_cell(row, 8201, 8230);
        self.datetime_cell(row);
        self.datetime_cell(row);
    }

    fn gps(&mut self, row: &mut Row) {
        let p = self.person();
        self.mobile_cell(row, p);
        self.imei_cell(row, p);
        self.datetime_cell(row);
        let place = *self.rng.pick(&p.places);
        self.gps_cell(row, place);
        let lac = self.rng.range(10_000, 65_000);
        let ci = self.rng.range(10_000, 65_000);
        row.begin();
        push_num(&mut row.text, lac, 0);
        row.text.push('-');
        push_num(&mut row.text, ci, 0);
        row.end(CellType::Text);
        self.num_cell(row, 0, 120);
    }

    fn checkpoint(&mut self, row: &mut Row) {
        let p = self.person();
        self.plate_cell(row, p);
        let k = self.rng.below(CHECKPOINTS.len() as u64) as usize;
        row.text_cell(CHECKPOINTS[k]);
        self.datetime_cell(row);
        self.num_cell(row, 20, 130);
        // Checkpoints sit at fixed places; borrow a few persons' first place as the sites.
        let people = self.people;
        let site = &people[(k * 7919) % people.len()];
        self.gps_cell(row, site.places[0]);
    }

    fn calls(&mut self, row: &mut Row) {
        let a = self.person();
        let b = self.person();
        self.mobile_cell(row, a);
        if self.rng.chance(100) {
            self.landline_cell(row, b, Tags::MIXED_COLUMN);
        } else {
            self.mobile_cell(row, b);
        }
        self.datetime_cell(row);
        self.num_cell(row, 1, 3600);
        self.imei_cell(row, a);
        self.num_cell(row, 10_000, 65_000);
    }

    fn sms(&mut self, row: &mut Row) {
        let a = self.person();
        let b = self.person();
        self.mobile_cell(row, a);
        self.mobile_cell(row, b);
        self.datetime_cell(row);
        let col = row.col();
        let third = self.person();
        row.begin();
        let ft = Tags::FREE_TEXT;
        match self.rng.below(9) {
            0 => {
                row.text.push_str("你好，我的身份证号");
                row.text.push_str(&third.id);
                row.text.push_str("，麻烦帮我查一下");
                row.person_item(
                    third.id_kind,
                    &third.id,
                    ft | Tags::GLUED,
                    col,
                    third.slot(slot::ID),
                );
            }
            1 => {
                row.text.push_str("钱转到卡号");
                row.text.push_str(&third.card);
                row.text.push_str("户名我微信发你");
                row.person_item(
                    ItemKind::BankCard,
                    &third.card,
                    ft | Tags::GLUED,
                    col,
                    third.slot(slot::CARD),
                );
            }
            2 => {
                row.text.push_str("有事打我电话");
                let mut s = std::mem::take(&mut self.scratch);
                s.clear();
                let tags = write_mobile(&mut s, &third.mobile, third.forms[1]);
                row.text.push_str(&s);
                self.scratch = s;
                row.text.push_str("谢谢");
                let slot = third.slot(slot::MOBILE);
                row.person_item(
                    ItemKind::Mobile,
                    &third.mobile,
                    ft | Tags::GLUED | tags,
                    col,
                    slot,
                );
            }
            3 => {
                row.text.push_str("您的订单号");
                self.decoy_digits("", 18);
                row.text.push_str(&self.scratch);
                row.decoy(&self.scratch, ItemKind::ResidentId, "order_number", col);
                row.text.push_str("已发货，验证码");
                row.text
                    .push_str(&self.rng.range(100_000, 999_999).to_string());
            }
            4 => {
                row.text.push_str("收到\n身份证");
                row.text.push_str(&third.id);
                row.text.push_str("\n请核对后回复");
                row.person_item(
                    third.id_kind,
                    &third.id,
                    ft | Tags::GLUED,
                    col,
                    third.slot(slot::ID),
                );
            }
            5 => {
                row.text.push_str("邮箱");
                row.text.push_str(&third.email);
                row.text.push_str("，密码已重置");
                row.person_item(
                    ItemKind::Email,
                    &third.email,
                    ft,
                    col,
                    third.slot(slot::EMAIL),
                );
            }
            6 => {
                row.text.push_str("客户端版本v");
                let v = format!(
                    "{}.{}.{}.{}",
                    self.rng.range(1, 9),
                    self.rng.range(0, 20),
                    self.rng.range(0, 9),
                    self.rng.range(1, 300)
                );
                row.text.push_str(&v);
                row.decoy(&v, ItemKind::Ipv4, "version", col);
                row.text.push_str("已更新");
            }
            7 => {
                row.text.push_str("工单编号");
                let v = Tables::unallocated_mobile(&mut self.rng);
                row.text.push_str(&v);
                row.decoy(&v, ItemKind::Mobile, "unallocated_segment", col);
                row.text.push_str("已处理");
            }
            _ => row.text.push_str("今晚七点老地方见，别迟到"),
        }
        row.end(CellType::Text);
    }

    fn orders(&mut self, row: &mut Row) {
        let p = self.person();
        self.decoy_cell(row, "order_number", ItemKind::ResidentId, "", 18);
        self.datetime_cell(row);
        self.name_cell(row, p);
        self.mobile_cell(row, p);
        self.address_cell(row, p);
        row.text_cell(self.rng.pick_str(PRODUCTS));
        self.product_code_cell(row);
        self.money_cell(row, 5000);
        self.opt(row, 300, |g, r| g.card_cell(r, p));
        let o = self.org();
        self.uscc_cell(row, &o.uscc);
        self.decoy_cell(row, "epoch_ms", ItemKind::BankCard, "17", 13);
        self.decoy_cell(row, "card_like_serial", ItemKind::BankCard, "62", 19);
    }

    fn waybills(&mut self, row: &mut Row) {
        let a = self.person();
        let b = self.person();
        self.decoy_cell(row, "waybill_number", ItemKind::Imei, "77", 15);
        self.name_cell(row, a);
        self.mobile_cell(row, a);
        self.address_cell(row, a);
        self.name_cell(row, b);
        self.mobile_cell(row, b);
        self.address_cell(row, b);
        self.money_cell(row, 30);
        self.datetime_cell(row);
    }

    fn medical(&mut self, row: &mut Row) {
        let p = self.person();
        self.name_cell(row, p);
        self.id_cell(row, p);
        if self.rng.chance(80) {
            self.landline_cell(row, p, Tags::MIXED_COLUMN);
        } else {
            self.mobile_cell(row, p);
        }
        self.datetime_cell(row);
        row.text_cell(self.rng.pick_str(DEPARTMENTS));
        row.text_cell(self.rng.pick_str(DIAGNOSES));
    }

    fn credit(&mut self, row: &mut Row) {
        let p = self.person();
        self.name_cell(row, p);
        self.id_cell(row, p);
        self.mobile_cell(row, p);
        self.money_cell(row, 200_000);
        self.num_cell(row, 0, 720);
        self.num_cell(row, 350, 950);
        self.card_cell(row, p);
        let o = self.org();
        row.text_cell(&o.name);
        self.uscc_cell(row, &o.uscc);
    }

    fn property(&mut self, row: &mut Row) {
        let p = self.person();
        self.name_cell(row, p);
        self.id_cell(row, p);
        self.card_cell(row, p);
        self.money_cell(row, 2_000_000);
        row.text_cell(self.rng.pick_str(BANKS));
        self.mobile_cell(row, p);
        self.opt(row, 400, |g, r| g.address_cell(r, p));
    }

    fn log(&mut self, row: &mut Row) {
        let p = self.person();
        row.begin();
        datetime(&mut row.text, &mut self.rng);
        let ft = Tags::FREE_TEXT;
        match self.rng.below(6) {
            0 => {
                row.text.push_str(" INFO login ok mobile=");
                row.text.push_str(&p.mobile);
                row.text.push_str(" ip=");
                row.text.push_str(&p.ip);
                row.person_item(ItemKind::Mobile, &p.mobile, ft, 0, p.slot(slot::MOBILE));
                row.person_item(ItemKind::Ipv4, &p.ip, ft, 0, p.slot(slot::IP));
            }
            1 => {
                row.text.push_str(" INFO 实名认证通过 身份证:");
                row.text.push_str(&p.id);
                row.text.push_str(" 手机:");
                row.text.push_str(&p.mobile);
                row.person_item(p.id_kind, &p.id, ft, 0, p.slot(slot::ID));
                row.person_item(ItemKind::Mobile, &p.mobile, ft, 0, p.slot(slot::MOBILE));
            }
            2 => {
                row.text.push_str(" WARN 绑卡失败 卡号");
                row.text.push_str(&p.card);
                row.text.push_str("余额不足");
                row.person_item(
                    ItemKind::BankCard,
                    &p.card,
                    ft | Tags::GLUED,
                    0,
                    p.slot(slot::CARD),
                );
            }
            3 => {
                self.decoy_digits("17", 10);
                let ts = self.scratch.clone();
                self.decoy_digits("", 18);
                let order = self.scratch.clone();
                row.text.push_str(" DEBUG sync timestamp=");
                row.text.push_str(&ts);
                row.text.push_str(" order=");
                row.text.push_str(&order);
                row.decoy(&ts, ItemKind::Qq, "epoch_s", 0);
                row.decoy(&order, ItemKind::ResidentId, "order_number", 0);
            }
            4 => {
                row.text.push_str(" INFO mail sent to ");
                row.text.push_str(&p.email);
                row.person_item(ItemKind::Email, &p.email, ft, 0, p.slot(slot::EMAIL));
            }
            _ => {
                row.text.push_str(" INFO device IMEI:");
                row.text.push_str(&p.imei);
                row.text.push_str(" bound");
                row.person_item(ItemKind::Imei, &p.imei, ft, 0, p.slot(slot::IMEI));
            }
        }
        row.end(CellType::Text);
    }
}

/// Organisations used as merchants and lenders.
pub(crate) fn orgs(t: &Tables, rng: &mut Rng, n: usize) -> Vec<Org> {
    (0..n).map(|_| t.org(rng)).collect()
}

/// The person pool.
pub(crate) fn people(t: &Tables, rng: &mut Rng, n: usize) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let mut p = t.person(rng);
            p.idx = u32::try_from(i).unwrap_or(u32::MAX / slot::FIELDS);
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fangxian_core::recognize::{HeaderHint, Recognizer};

    use super::*;
    use crate::rng::derive;

    /// The gold assumes what a correct recognizer reads from our headers: the dataset's content
    /// class, and for every column the type of the items we put in it. This checks both against
    /// fangxian-core's header dictionary, for every header style.
    #[test]
    fn headers_mean_what_the_gold_assumes() {
        let t = Tables::load();
        let mut rng = Rng::new(derive(9, 1));
        let people = people(&t, &mut rng, 400);
        let orgs = orgs(&t, &mut rng, 20);
        let rec = Recognizer::new();
        let mut row = Row::default();
        for ds in Dataset::ALL {
            if ds == Dataset::Log {
                continue;
            }
            let mut placed: BTreeSet<(usize, ItemKind, bool)> = BTreeSet::new();
            let mut decoys: BTreeSet<(usize, ItemKind)> = BTreeSet::new();
            let mut g = Gen::new(Rng::new(derive(9, 2)), &people, &orgs);
            for _ in 0..600 {
                g.fill(ds, &mut row);
                for it in &row.items {
                    placed.insert((it.col, it.kind, it.tags.contains(Tags::FREE_TEXT)));
                }
                for d in &row.decoys {
                    decoys.insert((d.col, d.imitates));
                }
            }
            for style in [HeaderStyle::Zh, HeaderStyle::En, HeaderStyle::Py] {
                let cols = ds.columns();
                let headers: Vec<&str> = cols.iter().map(|c| style.header(c)).collect();
                let class = rec.table_class(&headers);
                let category = class.map_or(Category::Other, ContentClass::default_category);
                assert_eq!(
                    category,
                    ds.category(),
                    "{} {style:?}: headers {headers:?} give {class:?}",
                    ds.id()
                );
                for &(col, kind, free) in &placed {
                    let h = headers[col];
                    let hint = rec.classify_header(h);
                    let ok = match hint {
                        HeaderHint::FreeText => free,
                        HeaderHint::Item(k) => {
                            k == kind
                                || k == ItemKind::ResidentId && kind == ItemKind::ResidencePermit
                                || k == ItemKind::Mobile && kind == ItemKind::Landline
                        }
                        _ => false,
                    };
                    assert!(
                        ok,
                        "{} {style:?}: column `{h}` holds {kind} but reads as {hint:?}",
                        ds.id()
                    );
                }
                for &(col, imitates) in &decoys {
                    let h = headers[col];
                    let hint = rec.classify_header(h);
                    assert!(
                        hint != HeaderHint::Item(imitates),
                        "{} {style:?}: decoy column `{h}` reads as {imitates}",
                        ds.id()
                    );
                }
            }
        }
    }

    /// Cell by cell, fangxian-core's field recognizer (what `fangxian scan` runs on each
    /// value of a profiled column) finds exactly the items the gold books for that cell — valid
    /// and invalid — and never a decoy.
    #[test]
    fn field_recognizer_finds_exactly_the_gold_items_of_each_cell() {
        use fangxian_core::recognize::Scratch;
        let t = Tables::load();
        let mut rng = Rng::new(derive(10, 1));
        let people = people(&t, &mut rng, 400);
        let orgs = orgs(&t, &mut rng, 20);
        let rec = Recognizer::new();
        let mut scratch = Scratch::new();
        let mut problems: Vec<String> = Vec::new();
        let mut seen_cols: BTreeSet<String> = BTreeSet::new();
        for ds in Dataset::ALL {
            let mut g = Gen::new(Rng::new(derive(10, 2 + ds as u64)), &people, &orgs);
            let mut rows = Vec::new();
            for _ in 0..400 {
                let mut row = Row::default();
                g.fill(ds, &mut row);
                rows.push(row);
            }
            let cols = ds.columns();
            for style in [HeaderStyle::Zh, HeaderStyle::En, HeaderStyle::Py] {
                let profiles: Vec<_> = (0..cols.len())
                    .map(|i| {
                        let samples: Vec<&str> = rows
                            .iter()
                            .map(|r| r.cell(i).0)
                            .filter(|v| !v.is_empty())
                            .collect();
                        let header = (ds != Dataset::Log).then(|| style.header(&cols[i]));
                        rec.profile_column(header, &samples)
                    })
                    .collect();
                for row in &rows {
                    for (i, profile) in profiles.iter().enumerate() {
                        let (text, _) = row.cell(i);
                        let mut got: BTreeSet<(ItemKind, String, bool)> = BTreeSet::new();
                        rec.find_in_field_with(profile, text, &mut scratch, &mut |f| {
                            got.insert((f.kind, f.value.to_owned(), f.valid));
                        });
                        let want: BTreeSet<(ItemKind, String, bool)> = row
                            .items
                            .iter()
                            .filter(|it| it.col == i)
                            .map(|it| {
                                (
                                    it.kind,
                                    row.canon_of(it.canon).to_owned(),
                                    it.failed.is_none(),
                                )
                            })
                            .collect();
                        let key = format!("{} {style:?} {i}", ds.id());
                        if got != want && !seen_cols.contains(&key) {
                            seen_cols.insert(key);
                            problems.push(format!(
                                "{} {style:?} `{}` {text:?}: recognizer {got:?}, gold {want:?} ({:?})",
                                ds.id(),
                                style.header(&cols[i]),
                                profile.kind
                            ));
                        }
                    }
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{} cells differ:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
