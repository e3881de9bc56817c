//! Item types, legal tiers, content categories and PIPL sensitivity.
//!
//! The ids returned by [`ItemKind::id`] and [`Category::id`] are part of the output contract
//! (`shared/contracts/scan-output.md`): never change what an id means.

use std::fmt;
use std::str::FromStr;

/// Severity tier under 法释〔2017〕10号 art. 5 para. 1.
///
/// `A` is the 50-item class (items (3)), `B` the 500-item class (item (4)), `C` the 5,000-item
/// class (item (5)). The derived order puts the most serious tier first: `A < B < C`, so
/// `min` picks the most serious.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Tier {
    /// 行踪轨迹信息、通信内容、征信信息、财产信息 — serious at 50 items.
    A,
    /// 住宿信息、通信记录、健康生理信息、交易信息 etc. — serious at 500 items.
    B,
    /// Any other personal information — serious at 5,000 items.
    C,
}

impl Tier {
    /// All tiers, most serious first.
    pub const ALL: [Tier; 3] = [Tier::A, Tier::B, Tier::C];

    /// The contract's id: `"A"`, `"B"` or `"C"`.
    pub fn id(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
        }
    }

    /// Item count at which this tier alone is "serious" (art. 5 para. 1 items (3)–(5)).
    pub fn serious_threshold(self) -> u64 {
        match self {
            Tier::A => 50,
            Tier::B => 500,
            Tier::C => 5_000,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What a record is about, which decides its legal tier (contract §3 `categories`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 行踪轨迹信息: GPS fixes, cell-tower traces, vehicle checkpoint passes.
    Trajectory,
    /// 通信内容: SMS, chat and e-mail bodies.
    CommunicationContent,
    /// 征信信息: credit reports, loan and repayment records.
    Credit,
    /// 财产信息: balances, deposits, real estate, account credentials.
    Property,
    /// 住宿信息: hotel stays and check-ins.
    Accommodation,
    /// 通信记录: call detail records and message metadata.
    CommunicationRecord,
    /// 健康生理信息: medical visits, diagnoses, prescriptions.
    Health,
    /// 交易信息: orders, payments, purchases.
    Transaction,
    /// Any other personal information (name, ID number, phone, address …).
    Other,
}

impl Category {
    /// All categories, in contract order (tier A first).
    pub const ALL: [Category; 9] = [
        Category::Trajectory,
        Category::CommunicationContent,
        Category::Credit,
        Category::Property,
        Category::Accommodation,
        Category::CommunicationRecord,
        Category::Health,
        Category::Transaction,
        Category::Other,
    ];

    /// The contract's id, e.g. `"communication_record"`.
    pub fn id(self) -> &'static str {
        match self {
            Category::Trajectory => "trajectory",
            Category::CommunicationContent => "communication_content",
            Category::Credit => "credit",
            Category::Property => "property",
            Category::Accommodation => "accommodation",
            Category::CommunicationRecord => "communication_record",
            Category::Health => "health",
            Category::Transaction => "transaction",
            Category::Other => "other",
        }
    }

    /// The Interpretation's own wording for the category.
    pub fn name_zh(self) -> &'static str {
        match self {
            Category::Trajectory => "行踪轨迹信息",
            Category::CommunicationContent => "通信内容",
            Category::Credit => "征信信息",
            Category::Property => "财产信息",
            Category::Accommodation => "住宿信息",
            Category::CommunicationRecord => "通信记录",
            Category::Health => "健康生理信息",
            Category::Transaction => "交易信息",
            Category::Other => "其他公民个人信息",
        }
    }

    /// An English name for reports.
    pub fn name_en(self) -> &'static str {
        match self {
            Category::Trajectory => "whereabouts / tracks",
            Category::CommunicationContent => "communication content",
            Category::Credit => "credit reporting",
            Category::Property => "property",
            Category::Accommodation => "accommodation",
            Category::CommunicationRecord => "communication records",
            Category::Health => "health and physiology",
            Category::Transaction => "transactions",
            Category::Other => "other personal information",
        }
    }

    /// The art. 5 tier this category belongs to.
    pub fn tier(self) -> Tier {
        match self {
            Category::Trajectory
            | Category::CommunicationContent
            | Category::Credit
            | Category::Property => Tier::A,
            Category::Accommodation
            | Category::CommunicationRecord
            | Category::Health
            | Category::Transaction => Tier::B,
            Category::Other => Tier::C,
        }
    }

    /// Of two categories, the one whose tier is more serious (ties keep `self`).
    #[must_use]
    pub fn most_serious(self, other: Category) -> Category {
        if other.tier() < self.tier() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Category {
    type Err = UnknownId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.id() == s)
            .ok_or_else(|| UnknownId(s.to_owned()))
    }
}

/// An id string that names no known item type or category.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown id `{0}`")]
pub struct UnknownId(pub String);

/// Whether a type is sensitive personal information under PIPL art. 28, per one standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Listed as sensitive.
    Sensitive,
    /// Not listed as sensitive.
    NotSensitive,
    /// Sensitive only in some circumstances (e.g. precise vs coarse location).
    Conditional,
}

/// A PIPL art. 28 reading of one item type under one standard, with how sure we are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PiplFlag {
    /// The reading.
    pub sensitivity: Sensitivity,
    /// `false` where the reading rests on secondary sources only (see `docs/types.md`).
    pub verified: bool,
}

/// The standards PIPL art. 28 sensitivity can be read under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PiplProfile {
    /// GB/T 35273-2020 Appendix B, Table B.1.
    #[serde(rename = "GB/T 35273-2020")]
    Gbt35273_2020,
    /// GB/T 45574-2025 Annex A (in force 2025-11-01).
    #[serde(rename = "GB/T 45574-2025")]
    Gbt45574_2025,
}

impl PiplProfile {
    /// Both profiles, older first.
    pub const ALL: [PiplProfile; 2] = [PiplProfile::Gbt35273_2020, PiplProfile::Gbt45574_2025];

    /// The standard's number, e.g. `"GB/T 35273-2020"`.
    pub fn id(self) -> &'static str {
        match self {
            PiplProfile::Gbt35273_2020 => "GB/T 35273-2020",
            PiplProfile::Gbt45574_2025 => "GB/T 45574-2025",
        }
    }
}

macro_rules! item_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $zh:literal, $en:literal; )*) => {
        /// A type of personal-information item. Ids are the contract's `type` values.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ItemKind {
            $( $(#[$doc])* $variant, )*
        }

        impl ItemKind {
            /// Every item type, in contract order.
            pub const ALL: &'static [ItemKind] = &[ $( ItemKind::$variant, )* ];

            /// The position of this type in [`ItemKind::ALL`] (for arrays indexed by type).
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The contract's type id, e.g. `"cn_resident_id"`.
            pub fn id(self) -> &'static str {
                match self { $( ItemKind::$variant => $id, )* }
            }

            /// The Chinese name of the item.
            pub fn name_zh(self) -> &'static str {
                match self { $( ItemKind::$variant => $zh, )* }
            }

            /// The English name of the item.
            pub fn name_en(self) -> &'static str {
                match self { $( ItemKind::$variant => $en, )* }
            }
        }
    };
}

item_kinds! {
    /// 居民身份证号码 (GB 11643-1999).
    ResidentId = "cn_resident_id", "居民身份证号码", "resident identity number";
    /// 港澳台居民居住证号码 (address code 810000/820000/830000).
    ResidencePermit = "cn_residence_permit", "港澳台居民居住证号码", "HK/Macau/Taiwan residence permit number";
    /// Mainland mobile number.
    Mobile = "cn_mobile", "手机号码", "mobile number";
    /// Fixed-line number with area code.
    Landline = "cn_landline", "固定电话号码", "landline number";
    /// Payment card number (Luhn).
    BankCard = "bank_card", "银行卡号", "bank card number";
    /// 统一社会信用代码 (GB 32100-2015).
    Uscc = "cn_uscc", "统一社会信用代码", "unified social credit code";
    /// PRC passport number.
    Passport = "cn_passport", "护照号码", "passport number";
    /// 港澳居民来往内地通行证.
    HkMacauPermit = "hk_macau_permit", "港澳居民来往内地通行证号码", "HK/Macau home-return permit";
    /// 台湾居民来往大陆通行证.
    TaiwanPermit = "taiwan_permit", "台湾居民来往大陆通行证号码", "Taiwan compatriot permit";
    /// 机动车号牌 (GA 36-2018).
    Plate = "cn_plate", "机动车号牌", "vehicle licence plate";
    /// E-mail address.
    Email = "email", "电子邮件地址", "e-mail address";
    /// IPv4 address.
    Ipv4 = "ipv4", "IPv4地址", "IPv4 address";
    /// IPv6 address (an addition to the contract's list; canonical form per RFC 5952).
    Ipv6 = "ipv6", "IPv6地址", "IPv6 address";
    /// IMEI (3GPP TS 23.003, Luhn).
    Imei = "imei", "IMEI设备识别码", "IMEI";
    /// QQ number.
    Qq = "qq", "QQ号码", "QQ number";
    /// 微信号.
    WechatId = "wechat_id", "微信号", "WeChat id";
    /// A person's name.
    PersonName = "person_name", "姓名", "person name";
    /// A postal or home address.
    Address = "address", "住址", "address";
    /// A coordinate pair.
    GpsPoint = "gps_point", "经纬度坐标", "GPS coordinate";
}

impl ItemKind {
    /// The art. 5 tier of the item on its own, when a record carries nothing more serious.
    ///
    /// Every identifier alone is tier C (art. 1 lists them as ordinary PI). A coordinate pair is
    /// 行踪轨迹 (tier A); whether a single fix is a "track" is disputed, which `fangxian-legal`
    /// reports as a lenient reading.
    pub fn default_tier(self) -> Tier {
        self.implied_category().map_or(Tier::C, Category::tier)
    }

    /// The content category the item implies by itself, if any.
    ///
    /// A GPS point reveals whereabouts (行踪轨迹). A bare bank-card number does not by itself
    /// reveal 财产信息 in mainstream practice (legal-taxonomy §7 row 6), so it implies nothing;
    /// a table with balances does, through its headers.
    pub fn implied_category(self) -> Option<Category> {
        match self {
            ItemKind::GpsPoint => Some(Category::Trajectory),
            _ => None,
        }
    }

    /// True for types whose validity rests on a checksum (GB 11643, Luhn, GB 32100).
    pub fn has_checksum(self) -> bool {
        matches!(
            self,
            ItemKind::ResidentId
                | ItemKind::ResidencePermit
                | ItemKind::BankCard
                | ItemKind::Uscc
                | ItemKind::Imei
        )
    }

    /// True for types that are only reported with context (a header, a JSON path or a keyword).
    pub fn needs_context(self) -> bool {
        matches!(
            self,
            ItemKind::Passport
                | ItemKind::HkMacauPermit
                | ItemKind::TaiwanPermit
                | ItemKind::Qq
                | ItemKind::WechatId
                | ItemKind::PersonName
                | ItemKind::Address
        )
    }

    /// True when the type identifies a natural person. A USCC identifies an organisation.
    pub fn is_personal(self) -> bool {
        !matches!(self, ItemKind::Uscc)
    }

    /// PIPL art. 28 sensitivity of the type under a standard.
    ///
    /// GB/T 35273-2020 Table B.1 lists identity documents, bank accounts and precise location.
    /// GB/T 45574-2025 drops ID-card *numbers* (keeps ID photos) and keeps financial accounts
    /// and precise/continuous location; its Annex A is known to us from secondary sources only,
    /// so its readings are marked unverified (legal-taxonomy.md §5.2).
    pub fn pipl(self, profile: PiplProfile) -> PiplFlag {
        use Sensitivity::{Conditional, NotSensitive, Sensitive};
        let (sensitivity, verified) = match (profile, self) {
            (
                PiplProfile::Gbt35273_2020,
                ItemKind::ResidentId
                | ItemKind::ResidencePermit
                | ItemKind::Passport
                | ItemKind::HkMacauPermit
                | ItemKind::TaiwanPermit,
            ) => (Sensitive, true),
            (PiplProfile::Gbt35273_2020, ItemKind::BankCard) => (Sensitive, true),
            (PiplProfile::Gbt35273_2020, ItemKind::GpsPoint) => (Sensitive, true),
            (
                PiplProfile::Gbt45574_2025,
                ItemKind::ResidentId
                | ItemKind::ResidencePermit
                | ItemKind::Passport
                | ItemKind::HkMacauPermit
                | ItemKind::TaiwanPermit,
            ) => (NotSensitive, false),
            (PiplProfile::Gbt45574_2025, ItemKind::BankCard) => (Sensitive, false),
            (PiplProfile::Gbt45574_2025, ItemKind::GpsPoint) => (Conditional, false),
            (PiplProfile::Gbt35273_2020, _) => (NotSensitive, true),
            (PiplProfile::Gbt45574_2025, _) => (NotSensitive, false),
        };
        PiplFlag {
            sensitivity,
            verified,
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for ItemKind {
    type Err = UnknownId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ItemKind::ALL
            .iter()
            .copied()
            .find(|k| k.id() == s)
            .ok_or_else(|| UnknownId(s.to_owned()))
    }
}

impl serde::Serialize for ItemKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for ItemKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

macro_rules! content_classes {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $category:ident; )*) => {
        /// A finer description of what a record holds than [`Category`], used where the legal
        /// tier of a content type is disputed in case law (legal-taxonomy.md §7). Each class has
        /// one default category, which decides the tier the scan summary reports;
        /// `fangxian-legal` gives each disputed class a conservative and a lenient reading.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ContentClass {
            $( $(#[$doc])* $variant, )*
        }

        impl ContentClass {
            /// Every class.
            pub const ALL: &'static [ContentClass] = &[ $( ContentClass::$variant, )* ];

            /// The position of this class in [`ContentClass::ALL`].
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The class id used in summaries and rule files, e.g. `"flight_itinerary"`.
            pub fn id(self) -> &'static str {
                match self { $( ContentClass::$variant => $id, )* }
            }

            /// The category (and so the tier) of the mainstream reading.
            pub fn default_category(self) -> Category {
                match self { $( ContentClass::$variant => Category::$category, )* }
            }
        }
    };
}

content_classes! {
    /// Identity and contact data only: names, ID numbers, phones, addresses.
    IdentityBasic = "identity_basic", Other;
    /// A bank-card number with no balance, credential or statement beside it (disputed: 财产信息).
    BankCardBare = "bank_card_bare", Other;
    /// Balances, deposits, statements, real estate, account credentials.
    PropertyRecord = "property_record", Property;
    /// Credit reports, loans and repayments.
    CreditRecord = "credit_record", Credit;
    /// A series of timestamped positions of one person or phone.
    GpsTrace = "gps_trace", Trajectory;
    /// A single precise location fix (disputed: a single point may not be a "track").
    LocationPoint = "location_point", Trajectory;
    /// Vehicle checkpoint (卡口) passes.
    VehicleCheckpointTrace = "vehicle_checkpoint_trace", Trajectory;
    /// Vehicle and owner registration data (disputed: 财产信息).
    VehicleOwnerRecord = "vehicle_owner_record", Other;
    /// Flight bookings and itineraries (disputed: 行踪轨迹).
    FlightItinerary = "flight_itinerary", Accommodation;
    /// Rail tickets (disputed: 行踪轨迹).
    RailTicket = "rail_ticket", Accommodation;
    /// Ride-hailing trips with pick-up and drop-off (disputed: 行踪轨迹).
    RideHailingTrip = "ride_hailing_trip", Transaction;
    /// Hotel stays and check-ins.
    HotelStay = "hotel_stay", Accommodation;
    /// Call detail records and message metadata.
    CallDetailRecord = "call_detail_record", CommunicationRecord;
    /// SMS, chat and e-mail bodies.
    CommunicationContent = "communication_content", CommunicationContent;
    /// Address books and friend lists (disputed: tier B).
    ContactList = "contact_list", Other;
    /// Diagnoses, prescriptions, test results, visits.
    MedicalRecord = "medical_record", Health;
    /// Orders, payments, purchases.
    TransactionRecord = "transaction_record", Transaction;
    /// Courier waybills: sender and recipient names, phones, addresses (disputed: tier B).
    CourierWaybill = "courier_waybill", Other;
    /// Face, fingerprint or voice data (disputed: tier B).
    Biometric = "biometric", Other;
}

impl fmt::Display for ContentClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for ContentClass {
    type Err = UnknownId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContentClass::ALL
            .iter()
            .copied()
            .find(|c| c.id() == s)
            .ok_or_else(|| UnknownId(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_position_in_all() {
        for (i, k) in ItemKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
        for (i, c) in ContentClass::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &k in ItemKind::ALL {
            assert!(seen.insert(k.id()), "duplicate id {}", k.id());
            assert_eq!(k.id().parse::<ItemKind>().unwrap(), k);
        }
        for c in Category::ALL {
            assert_eq!(c.id().parse::<Category>().unwrap(), c);
        }
        assert!("cn_ssn".parse::<ItemKind>().is_err());
        for &c in ContentClass::ALL {
            assert_eq!(c.id().parse::<ContentClass>().unwrap(), c);
        }
    }

    #[test]
    fn contract_type_ids_are_all_present() {
        // The list in shared/contracts/scan-output.md §2.
        for id in [
            "cn_resident_id",
            "cn_residence_permit",
            "cn_mobile",
            "cn_landline",
            "bank_card",
            "cn_uscc",
            "cn_passport",
            "hk_macau_permit",
            "taiwan_permit",
            "cn_plate",
            "email",
            "ipv4",
            "imei",
            "qq",
            "wechat_id",
            "person_name",
            "address",
            "gps_point",
        ] {
            assert!(id.parse::<ItemKind>().is_ok(), "{id} missing");
        }
    }

    #[test]
    fn category_tiers_follow_article_5() {
        assert_eq!(Category::CommunicationContent.tier(), Tier::A);
        assert_eq!(Category::CommunicationRecord.tier(), Tier::B);
        assert_eq!(Category::Other.tier(), Tier::C);
        assert_eq!(
            Category::Other.most_serious(Category::Health),
            Category::Health
        );
        assert_eq!(
            Category::Credit.most_serious(Category::Health),
            Category::Credit
        );
        assert!(Tier::A < Tier::C);
        assert_eq!(ItemKind::GpsPoint.default_tier(), Tier::A);
        assert_eq!(ItemKind::ResidentId.default_tier(), Tier::C);
    }

    #[test]
    fn pipl_profiles_differ_on_id_numbers_only_where_documented() {
        let a = ItemKind::ResidentId.pipl(PiplProfile::Gbt35273_2020);
        let b = ItemKind::ResidentId.pipl(PiplProfile::Gbt45574_2025);
        assert_eq!(a.sensitivity, Sensitivity::Sensitive);
        assert_eq!(b.sensitivity, Sensitivity::NotSensitive);
        assert!(!b.verified);
        assert_eq!(
            ItemKind::Mobile
                .pipl(PiplProfile::Gbt35273_2020)
                .sensitivity,
            Sensitivity::NotSensitive
        );
    }
}
