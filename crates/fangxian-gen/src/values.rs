//! Synthetic persons and organisations, built from fangxian-core's data tables and check
//! functions so that every value is valid by the same rules the scanner applies.

use fangxian_core::validate::{self, regions};
use fangxian_core::ItemKind;

use crate::rng::Rng;
use crate::tags::Tags;

/// The tables the generator draws from, built once per corpus.
#[derive(Debug)]
pub(crate) struct Tables {
    /// County-level codes in force, with province, city and district names for addresses.
    counties: Vec<(u32, &'static str, &'static str, &'static str)>,
    /// County-level codes that exist only historically (abolished), valid on old IDs.
    historical: Vec<u32>,
    mobile_segments: Vec<String>,
    iins: Vec<String>,
    /// (area code without the trunk 0, local number length).
    area_codes: Vec<(String, usize)>,
    surnames: Vec<&'static str>,
    /// Cumulative weights of `surnames` (shares in 1/10000 per cent).
    surname_cdf: Vec<u64>,
    compound_surnames: Vec<&'static str>,
}

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "华", "建华", "志强", "晓东", "丹", "萍", "鹏", "辉",
    "玲", "婷", "浩然", "子涵", "欣怡", "梓萱", "宇轩", "雨桐", "思远", "嘉怡", "俊杰", "晨",
    "博文", "一鸣", "诗涵", "佳琪", "天佑", "文静", "海燕", "志刚", "春梅", "国华", "淑珍", "红",
    "亮", "建国", "宏", "斌", "雪", "琳", "凯", "慧", "颖", "倩", "宁", "瑶", "昊", "鑫", "晶",
    "琦", "可馨", "若曦", "梓涵", "紫萱",
];

const STREETS: &[&str] = &[
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "新华路",
    "文化路",
    "胜利路",
    "光明路",
    "长江路",
    "黄河路",
    "朝阳路",
    "青年路",
    "学府路",
    "科技路",
    "东风路",
    "滨江路",
    "迎宾大道",
    "创业大道",
    "幸福街",
    "花园街",
    "府前街",
    "振兴路",
    "复兴路",
    "团结路",
    "育才路",
    "南京路",
    "北京路",
    "延安路",
    "体育路",
];

const COMMUNITIES: &[&str] = &[
    "阳光花园",
    "锦绣家园",
    "翠苑小区",
    "金色港湾",
    "碧水湾",
    "幸福里",
    "和谐家园",
    "御景苑",
    "紫荆城",
    "世纪新城",
    "绿地小区",
    "华府",
    "春江花月",
    "东湖小区",
    "西湖苑",
];

const EMAIL_DOMAINS: &[&str] = &[
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "sohu.com",
    "foxmail.com",
    "139.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "aliyun.com",
    "yeah.net",
];

const PINYIN: &[&str] = &[
    "zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "hu",
    "zhu", "gao", "lin", "he", "guo", "ma", "luo", "wei", "xiao", "ming", "hua", "jun", "fang",
    "lei", "tao", "yan", "jie", "hao", "yu", "xin", "yi", "chen", "bo", "ting", "qing",
];

/// Province abbreviations of GA 36-2018 plates.
pub(crate) const PLATE_PROVINCES: &[&str] = &[
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
    "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼",
];

/// Plate serial characters: digits and letters without I and O (GA 36-2018).
const PLATE_SERIAL: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// True when `s` has a GBK encoding: every name goes into GBK files too, and a character GBK
/// lacks would be written as an HTML numeric reference, changing the value.
fn gbk_ok(s: &str) -> bool {
    !encoding_rs::GBK.encode(s).2
}

impl Tables {
    pub(crate) fn load() -> Tables {
        use std::collections::BTreeMap;
        let mut current: BTreeMap<u32, &'static str> = BTreeMap::new();
        let mut abolished: BTreeMap<u32, &'static str> = BTreeMap::new();
        for r in regions::iter() {
            if r.last_year.is_none() {
                current.insert(r.code, r.name);
            } else {
                abolished.insert(r.code, r.name);
            }
        }
        let usable = |code: u32| {
            !code.is_multiple_of(100)
                && regions::is_province(code / 10_000)
                && !matches!(code / 10_000, 71 | 81..=83)
        };
        let mut counties = Vec::new();
        for (&code, &name) in &current {
            if !usable(code) || name.contains("市辖区") || !gbk_ok(name) {
                continue;
            }
            let province = current.get(&(code / 10_000 * 10_000)).copied();
            let city = current.get(&(code / 100 * 100)).copied();
            if let Some(p) = province.filter(|p| gbk_ok(p)) {
                let city = city
                    .filter(|c| *c != "市辖区" && *c != "县" && gbk_ok(c))
                    .unwrap_or("");
                counties.push((code, p, city, name));
            }
        }
        let historical: Vec<u32> = abolished
            .keys()
            .copied()
            .filter(|c| usable(*c) && !current.contains_key(c))
            .collect();
        let mut surnames = Vec::new();
        let mut surname_cdf = Vec::new();
        let mut compound_surnames = Vec::new();
        let mut acc = 0u64;
        for (name, share) in surname_rows().filter(|(n, _)| gbk_ok(n)) {
            if name.chars().count() > 1 {
                compound_surnames.push(name);
            }
            // Unknown shares get a small floor so rare surnames still occur.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let w = share.map_or(5, |p| (p * 10_000.0) as u64).max(5);
            acc += w;
            surnames.push(name);
            surname_cdf.push(acc);
        }
        Tables {
            counties,
            historical,
            mobile_segments: validate::phone::mobile_segments()
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            // Chinese issuers' 6-digit IINs (cardbin); the bare UnionPay range `62` is left
            // out so that every card carries a specific issuer.
            iins: validate::iin::table()
                .iter()
                .map(|r| r.prefix)
                .filter(|p| p.len() == 6 && p.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_owned)
                .collect(),
            area_codes: validate::phone::area_codes()
                .iter()
                .flat_map(|a| {
                    a.local_lengths
                        .iter()
                        .map(|&l| (a.code.to_owned(), usize::from(l)))
                })
                .collect(),
            surnames,
            surname_cdf,
            compound_surnames,
        }
    }
}

/// An organisation: its name and unified social credit code.
#[derive(Clone, Debug)]
pub(crate) struct Org {
    pub(crate) name: String,
    pub(crate) uscc: String,
}

/// Surnames with their shares, from fangxian-core's table (`data/surnames.tsv`: Faker zh_CN
/// shares plus the 百家姓 compound surnames), so generator and recognizer agree on what a
/// surname is.
fn surname_rows() -> impl Iterator<Item = (&'static str, Option<f64>)> {
    fangxian_core::validate::name::surnames()
        .iter()
        .map(|s| (s.surname, s.share_percent.map(f64::from)))
}

/// One synthetic person. Values are canonical (contract §2).
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub(crate) name: String,
    pub(crate) name_tags: Tags,
    pub(crate) male: bool,
    /// Resident ID or residence-permit number, 18 characters.
    pub(crate) id: String,
    pub(crate) id_kind: ItemKind,
    pub(crate) id_tags: Tags,
    /// The 15-digit first-generation form, for persons whose records only ever carry that form.
    pub(crate) legacy15: Option<String>,
    pub(crate) mobile: String,
    /// Landline: area code (with 0) and local number.
    pub(crate) landline: (String, String),
    pub(crate) card: String,
    pub(crate) email_local: String,
    pub(crate) email_domain: &'static str,
    /// `local@domain`, the canonical form.
    pub(crate) email: String,
    pub(crate) qq: String,
    pub(crate) wechat: String,
    pub(crate) address: String,
    pub(crate) plate: String,
    pub(crate) nev: bool,
    pub(crate) passport: Option<String>,
    pub(crate) hk_permit: Option<String>,
    pub(crate) tw_permit: Option<String>,
    pub(crate) imei: String,
    pub(crate) ip: String,
    /// Places the person is seen at, in micro-degrees (lat, lon); the flag says the coordinate
    /// is round to 1e-4 degrees, so it can be written with 4 decimals.
    pub(crate) places: [(u32, u32, bool); 3],
    /// How this person's resident ID, mobile and bank card are habitually written (0–99; low
    /// values pick the hard-case forms).
    pub(crate) forms: [u8; 3],
    /// Position in the person pool: the gold books this person's own values in dense slots
    /// (`idx * slot::FIELDS + field`) instead of hash tables.
    pub(crate) idx: u32,
}

/// The person fields whose valid values the gold books in per-person slots.
pub(crate) mod slot {
    pub(crate) const NAME: u32 = 0;
    pub(crate) const ID: u32 = 1;
    pub(crate) const MOBILE: u32 = 2;
    pub(crate) const CARD: u32 = 3;
    pub(crate) const EMAIL: u32 = 4;
    pub(crate) const PLATE: u32 = 5;
    pub(crate) const ADDRESS: u32 = 6;
    pub(crate) const QQ: u32 = 7;
    pub(crate) const WECHAT: u32 = 8;
    pub(crate) const IP: u32 = 9;
    pub(crate) const IMEI: u32 = 10;
    pub(crate) const PASSPORT: u32 = 11;
    pub(crate) const HK_PERMIT: u32 = 12;
    pub(crate) const TW_PERMIT: u32 = 13;
    /// Slots per person.
    pub(crate) const FIELDS: u32 = 14;
    /// No slot: the value is booked by hash.
    pub(crate) const NONE: u32 = u32::MAX;
}

impl Person {
    /// The slot of one of this person's fields.
    pub(crate) fn slot(&self, field: u32) -> u32 {
        self.idx * slot::FIELDS + field
    }

    /// The type and canonical value of a slot's field, if the person has one.
    pub(crate) fn slot_value(&self, field: u32) -> Option<(ItemKind, &str)> {
        Some(match field {
            slot::NAME => (ItemKind::PersonName, self.name.as_str()),
            slot::ID => (self.id_kind, self.id.as_str()),
            slot::MOBILE => (ItemKind::Mobile, self.mobile.as_str()),
            slot::CARD => (ItemKind::BankCard, self.card.as_str()),
            slot::EMAIL => (ItemKind::Email, self.email.as_str()),
            slot::PLATE => (ItemKind::Plate, self.plate.as_str()),
            slot::ADDRESS => (ItemKind::Address, self.address.as_str()),
            slot::QQ => (ItemKind::Qq, self.qq.as_str()),
            slot::WECHAT => (ItemKind::WechatId, self.wechat.as_str()),
            slot::IP => (ItemKind::Ipv4, self.ip.as_str()),
            slot::IMEI => (ItemKind::Imei, self.imei.as_str()),
            slot::PASSPORT => (ItemKind::Passport, self.passport.as_deref()?),
            slot::HK_PERMIT => (ItemKind::HkMacauPermit, self.hk_permit.as_deref()?),
            slot::TW_PERMIT => (ItemKind::TaiwanPermit, self.tw_permit.as_deref()?),
            _ => return None,
        })
    }
}

fn push_digits(out: &mut String, rng: &mut Rng, n: usize) {
    rng.digits(out, n);
}

/// Completes an 18-character resident ID from 17 characters.
pub(crate) fn id_with_check(first17: &str) -> String {
    let mut s = first17.to_owned();
    s.push(char::from(validate::gb11643::check_char(
        first17.as_bytes(),
    )));
    s
}

/// Appends the Luhn check digit.
pub(crate) fn with_luhn(payload: &str) -> String {
    let mut s = payload.to_owned();
    s.push(char::from(validate::luhn::check_digit(payload.as_bytes())));
    s
}

fn date_parts(rng: &mut Rng, y0: u64, y1: u64) -> (u64, u64, u64) {
    let y = rng.range(y0, y1);
    let m = rng.range(1, 12);
    let d = rng.range(1, 28);
    (y, m, d)
}

impl Tables {
    fn county(&self, rng: &mut Rng) -> &(u32, &'static str, &'static str, &'static str) {
        rng.pick(&self.counties)
    }

    pub(crate) fn name(&self, rng: &mut Rng) -> (String, Tags) {
        let mut s = String::with_capacity(12);
        let mut tags = Tags::EMPTY;
        if rng.chance(30) && !self.compound_surnames.is_empty() {
            s.push_str(rng.pick_str(&self.compound_surnames));
            tags |= Tags::COMPOUND_SURNAME;
        } else {
            let total = self.surname_cdf.last().copied().unwrap_or(1);
            let x = rng.below(total);
            let i = self.surname_cdf.partition_point(|&c| c <= x);
            s.push_str(self.surnames[i.min(self.surnames.len() - 1)]);
        }
        // Given names are one or two characters: a two-character entry, or one character
        // sometimes followed by another.
        let given = rng.pick_str(GIVEN);
        s.push_str(given);
        if given.chars().count() == 1 && rng.chance(300) {
            let second = rng.pick_str(GIVEN);
            if second.chars().count() == 1 {
                s.push_str(second);
            }
        }
        (s, tags)
    }

    pub(crate) fn mobile(&self, rng: &mut Rng) -> String {
        let seg = rng.pick(&self.mobile_segments);
        let mut s = String::with_capacity(11);
        s.push_str(seg);
        push_digits(&mut s, rng, 11 - seg.len());
        s
    }

    pub(crate) fn card(&self, rng: &mut Rng) -> String {
        let iin = rng.pick(&self.iins);
        let len: usize = if iin.starts_with("62") && rng.chance(600) {
            19
        } else {
            16
        };
        let mut s = String::with_capacity(19);
        s.push_str(iin);
        push_digits(&mut s, rng, len.saturating_sub(iin.len() + 1));
        with_luhn(&s)
    }

    pub(crate) fn landline(&self, rng: &mut Rng) -> (String, String) {
        let (code, len) = rng.pick(&self.area_codes);
        let mut local = String::with_capacity(8);
        // First digit 2–9, and never 95/96 (service numbers, not personal).
        local.push(char::from(b'2' + rng.below(7) as u8));
        push_digits(&mut local, rng, len.saturating_sub(1));
        (format!("0{code}"), local)
    }

    pub(crate) fn address(&self, rng: &mut Rng) -> String {
        let (_, p, c, d) = *self.county(rng);
        let mut s = String::with_capacity(64);
        s.push_str(p);
        if c != p {
            s.push_str(c);
        }
        s.push_str(d);
        s.push_str(rng.pick_str(STREETS));
        s.push_str(&rng.range(1, 999).to_string());
        s.push('号');
        if rng.chance(700) {
            s.push_str(rng.pick_str(COMMUNITIES));
            s.push_str(&rng.range(1, 30).to_string());
            s.push('栋');
            s.push_str(&rng.range(1, 6).to_string());
            s.push_str("单元");
            s.push_str(&rng.range(101, 2802).to_string());
            s.push('室');
        }
        s
    }

    pub(crate) fn uscc(&self, rng: &mut Rng) -> String {
        let code = self.county(rng).0;
        let mut s = String::with_capacity(18);
        s.push_str(rng.pick_str(&["91", "92", "93", "12", "52", "51"]));
        s.push_str(&code.to_string());
        // Organisation code (GB 11714): 8 body characters, then its own check character.
        push_digits(&mut s, rng, 8);
        let org_check = validate::gb11714::check_char(&s.as_bytes()[8..16]).unwrap_or(b'0');
        s.push(char::from(org_check));
        let c = validate::uscc::check_char(s.as_bytes()).unwrap_or(b'0');
        s.push(char::from(c));
        s
    }

    pub(crate) fn imei(rng: &mut Rng) -> String {
        // TACs of Chinese-made handsets start with 86; an 86 prefix also keeps an IMEI from ever
        // reading as a 15-digit legacy resident ID (no province 86).
        let mut s = String::from("86");
        push_digits(&mut s, rng, 12);
        with_luhn(&s)
    }

    pub(crate) fn plate(rng: &mut Rng) -> (String, bool) {
        let mut s = String::with_capacity(12);
        s.push_str(rng.pick_str(PLATE_PROVINCES));
        s.push(char::from(b'A' + rng.below(26) as u8));
        if s.ends_with('I') || s.ends_with('O') {
            s.pop();
            s.push('A');
        }
        if rng.chance(150) {
            // Small new-energy plate: D/F, a letter or digit, four digits.
            s.push(if rng.chance(700) { 'D' } else { 'F' });
            s.push(char::from(*rng.pick(PLATE_SERIAL)));
            push_digits(&mut s, rng, 4);
            (s, true)
        } else {
            let letters = rng.below(3);
            for i in 0..5 {
                if i < letters {
                    s.push(char::from(PLATE_SERIAL[10 + rng.below(24) as usize]));
                } else {
                    s.push(rng.digit());
                }
            }
            (s, false)
        }
    }

    pub(crate) fn ipv4(rng: &mut Rng) -> String {
        let a = *rng.pick(&[
            1u64, 14, 27, 36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116,
            117, 118, 119, 120, 121, 122, 123, 124, 125, 180, 182, 183, 202, 210, 211, 218, 219,
            220, 221, 222,
        ]);
        format!(
            "{a}.{}.{}.{}",
            rng.below(256),
            rng.below(256),
            rng.range(1, 254)
        )
    }

    fn id(&self, rng: &mut Rng, male: bool) -> (String, ItemKind, Tags, Option<String>) {
        let mut tags = Tags::EMPTY;
        let (code, kind) = if rng.chance(15) {
            (
                *rng.pick(&[810_000u32, 820_000, 830_000]),
                ItemKind::ResidencePermit,
            )
        } else if rng.chance(30) && !self.historical.is_empty() {
            tags |= Tags::HISTORICAL_REGION;
            (*rng.pick(&self.historical), ItemKind::ResidentId)
        } else {
            (self.county(rng).0, ItemKind::ResidentId)
        };
        let (y, m, d) = date_parts(rng, 1940, 2008);
        let seq = rng.below(500) * 2 + u64::from(male);
        let first17 = format!("{code:06}{y:04}{m:02}{d:02}{seq:03}");
        let id = id_with_check(&first17);
        // First-generation 15-digit numbers: people born before 1990 whose records in old
        // systems were never re-keyed.
        let legacy = (kind == ItemKind::ResidentId && y < 1990 && rng.chance(60))
            .then(|| format!("{code:06}{:02}{m:02}{d:02}{seq:03}", y % 100));
        if legacy.is_some() {
            tags |= Tags::LEGACY15;
        }
        (id, kind, tags, legacy)
    }

    pub(crate) fn person(&self, rng: &mut Rng) -> Person {
        let male = rng.chance(510);
        let (name, name_tags) = self.name(rng);
        let (id, id_kind, id_tags, legacy15) = self.id(rng, male);
        let (plate, nev) = Tables::plate(rng);
        let mut local = String::new();
        local.push_str(rng.pick_str(PINYIN));
        if rng.chance(500) {
            local.push(*rng.pick(&['.', '_']));
        }
        local.push_str(rng.pick_str(PINYIN));
        let n = rng.below(5) as usize;
        push_digits(&mut local, rng, n);
        let domain = rng.pick_str(EMAIL_DOMAINS);
        let mut qq = String::new();
        qq.push(char::from(b'1' + rng.below(9) as u8));
        let n = rng.range(5, 9) as usize;
        push_digits(&mut qq, rng, n);
        let mut wechat = String::new();
        if rng.chance(400) {
            wechat.push_str("wxid_");
            for _ in 0..14 {
                let b = if rng.chance(500) {
                    b'a' + rng.below(26) as u8
                } else {
                    b'0' + rng.below(10) as u8
                };
                wechat.push(char::from(b));
            }
        } else {
            wechat.push_str(rng.pick_str(PINYIN));
            wechat.push(*rng.pick(&['_', '-', '0', '8']));
            wechat.push_str(rng.pick_str(PINYIN));
            push_digits(&mut wechat, rng, 3);
        }
        let passport = rng.chance(120).then(|| {
            let mut s = String::from("E");
            push_digits(&mut s, rng, 8);
            s
        });
        let hk_permit = (id_kind == ItemKind::ResidencePermit && !id.starts_with("83")
            || rng.chance(20))
        .then(|| {
            let mut s = String::from(if rng.chance(800) { "H" } else { "M" });
            push_digits(&mut s, rng, 8);
            s
        });
        let tw_permit = (id.starts_with("83") || rng.chance(10)).then(|| {
            let mut s = String::new();
            push_digits(&mut s, rng, 8);
            s
        });
        let mut places = [(0u32, 0u32, false); 3];
        for p in &mut places {
            let round = rng.chance(250);
            let mut lat = rng.range(22_000_000, 45_000_000) as u32;
            let mut lon = rng.range(100_000_000, 125_000_000) as u32;
            if round {
                lat = lat / 100 * 100;
                lon = lon / 100 * 100;
            }
            *p = (lat, lon, round);
        }
        Person {
            name,
            name_tags,
            male,
            id,
            id_kind,
            id_tags,
            legacy15,
            mobile: self.mobile(rng),
            landline: self.landline(rng),
            card: self.card(rng),
            email: format!("{local}@{domain}"),
            email_local: local,
            email_domain: domain,
            qq,
            wechat,
            address: self.address(rng),
            plate,
            nev,
            passport,
            hk_permit,
            tw_permit,
            imei: Tables::imei(rng),
            ip: Tables::ipv4(rng),
            places,
            forms: [
                rng.below(100) as u8,
                rng.below(100) as u8,
                rng.below(100) as u8,
            ],
            idx: 0,
        }
    }

    pub(crate) fn org(&self, rng: &mut Rng) -> Org {
        let (_, p, c, _) = *self.county(rng);
        let city = if c.is_empty() { p } else { c };
        let short: String = city.chars().take(2).collect();
        let name = format!(
            "{short}{}{}",
            rng.pick(&[
                "华信",
                "恒通",
                "鑫源",
                "中诚",
                "汇丰达",
                "瑞祥",
                "永泰",
                "宏远",
                "金桥"
            ]),
            rng.pick(&[
                "小额贷款有限公司",
                "商贸有限公司",
                "科技有限公司",
                "融资担保有限公司",
                "电子商务有限公司",
            ])
        );
        Org {
            name,
            uscc: self.uscc(rng),
        }
    }

    /// An 11-digit number in an unallocated segment (154, 194, 100–129 …).
    pub(crate) fn unallocated_mobile(rng: &mut Rng) -> String {
        let mut s = String::from(*rng.pick(&["154", "194", "104", "111", "120", "127"]));
        push_digits(&mut s, rng, 8);
        s
    }
}

/// Appends `n` in decimal, zero-padded to `width` digits. `write!` with its formatter was a
/// twentieth of the generator's time (perf); numbers are most of a row.
pub(crate) fn push_num(out: &mut String, n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (buf.len() - i)..width {
        out.push('0');
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Appends micro-degrees as a canonical decimal with 6 places.
pub(crate) fn micro(out: &mut String, v: u32) {
    push_num(out, u64::from(v / 1_000_000), 0);
    out.push('.');
    push_num(out, u64::from(v % 1_000_000), 6);
}

/// Appends micro-degrees (round to 1e-4) with 4 places.
pub(crate) fn micro4(out: &mut String, v: u32) {
    push_num(out, u64::from(v / 1_000_000), 0);
    out.push('.');
    push_num(out, u64::from((v % 1_000_000) / 100), 4);
}

/// Writes `s` with ASCII digits turned full-width (U+FF10–FF19).
pub(crate) fn push_fullwidth(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_ascii_digit() {
            out.push(char::from_u32(0xFF10 + (c as u32 - '0' as u32)).unwrap_or(c));
        } else {
            out.push(c);
        }
    }
}
