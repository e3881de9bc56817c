//! The ruleset: thresholds, texts and disputed mappings, read from a versioned TOML file.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use fangxian_core::{ContentClass, Tier};
use serde::Deserialize;

use crate::assess::Level;
use crate::ratio::lcm;
use crate::Error;

/// The rules file compiled into the binary.
const BUILTIN: &str = include_str!("../rules/fashi-2017-10.toml");

/// A parsed, checked ruleset.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ruleset {
    /// Identity and title of the ruleset.
    pub ruleset: RulesetInfo,
    /// When each instrument took effect.
    pub effective: Effective,
    /// The numbers.
    pub thresholds: Thresholds,
    /// Statutory penalty bands of Criminal Law art. 253-1, by level.
    pub penalty_bands: Vec<PenaltyBand>,
    /// Every provision the engine encodes, with its text.
    pub rules: Vec<Rule>,
    /// Content-class id → tier under the conservative and the lenient reading.
    pub classes: BTreeMap<String, ClassMapping>,
}

/// Identity of a ruleset.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesetInfo {
    /// Stable id, e.g. `fashi-2017-10`.
    pub id: String,
    /// Version of the file; bumped whenever a number or mapping changes.
    pub version: String,
    /// Date the file was compiled from its sources.
    pub compiled: String,
    /// Chinese title of the Interpretation.
    pub title_zh: String,
    /// English title.
    pub title_en: String,
}

/// Effective dates (ISO 8601).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effective {
    /// 法释〔2017〕10号, art. 13.
    pub interpretation: String,
    /// Criminal Law art. 253-1 as amended by Amendment IX.
    pub criminal_law_253_1: String,
    /// Personal Information Protection Law.
    pub pipl: String,
}

/// The numbers of arts. 5, 6 and 12.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Art. 5(1)(3): tier-A items for "serious".
    pub tier_a: u64,
    /// Art. 5(1)(4): tier-B items.
    pub tier_b: u64,
    /// Art. 5(1)(5): tier-C items.
    pub tier_c: u64,
    /// Art. 5(1)(7): illegal gains in yuan.
    pub gains_yuan: u64,
    /// Art. 5(2)(3): multiplier for "particularly serious".
    pub particularly_serious_multiplier: u64,
    /// Art. 5(1)(8): insider fraction `[numerator, denominator]`.
    pub insider_factor: [u64; 2],
    /// Art. 6(1)(1): profit in yuan from tier-C PI bought for lawful business.
    pub art6_profit_yuan: u64,
    /// Art. 12: fine as a multiple of gains, `[low, high]`.
    pub fine_multiple_of_gains: [u64; 2],
}

impl Thresholds {
    /// The serious threshold of a tier.
    pub fn tier(&self, tier: Tier) -> u64 {
        match tier {
            Tier::A => self.tier_a,
            Tier::B => self.tier_b,
            Tier::C => self.tier_c,
        }
    }

    /// The common denominator of the pro-rata sum: units are counted in `1/denominator`ths.
    pub fn units_denominator(&self) -> u128 {
        Tier::ALL
            .into_iter()
            .fold(1, |acc, t| lcm(acc, u128::from(self.tier(t))))
    }

    /// The weight of one item of `tier` in `1/units_denominator()`ths of a unit.
    pub fn unit_weight(&self, tier: Tier) -> u128 {
        self.units_denominator() / u128::from(self.tier(tier)).max(1)
    }
}

/// A statutory penalty band.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyBand {
    /// The level the band belongs to.
    pub level: Level,
    /// The rule id the band comes from.
    pub rule: String,
    /// The band in the statute's words.
    pub zh: String,
    /// The band in English.
    pub en: String,
}

/// One provision the engine encodes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `art5-1-6`.
    pub id: String,
    /// Citation in Chinese, e.g. `法释〔2017〕10号 第五条第一款第六项`.
    pub cite_zh: String,
    /// Citation in English, e.g. `Interpretation art. 5(1)(6)`.
    pub cite_en: String,
    /// Where the text was read.
    pub references: Vec<String>,
    /// The Chinese text of the provision, verbatim.
    pub text_zh: String,
    /// What the provision means for the engine, in English.
    pub summary_en: String,
}

/// The two readings of one content class.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassMapping {
    /// Tier when the disputed item is read against the defendant.
    pub conservative: Tier,
    /// Tier when it is read in the defendant's favour.
    pub lenient: Tier,
    /// Why the class is (or is not) disputed, in English.
    pub note_en: String,
    /// The same in Chinese.
    pub note_zh: String,
}

impl Ruleset {
    /// The compiled-in ruleset (`rules/fashi-2017-10.toml`), parsed on first use.
    ///
    /// # Errors
    /// Only if the compiled-in file is broken, which the crate's tests rule out.
    pub fn builtin() -> Result<&'static Ruleset, Error> {
        static CELL: OnceLock<Result<Ruleset, String>> = OnceLock::new();
        CELL.get_or_init(|| Ruleset::from_toml_str(BUILTIN).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| Error::Ruleset {
                id: "fashi-2017-10".into(),
                message: message.clone(),
            })
    }

    /// The text of the compiled-in rules file.
    pub fn builtin_source() -> &'static str {
        BUILTIN
    }

    /// Parses and checks a ruleset.
    ///
    /// # Errors
    /// [`Error::Ruleset`] on bad TOML, a missing field, a zero threshold, a rule without id,
    /// references or text, a duplicate rule id, or a content class that is not mapped.
    pub fn from_toml_str(text: &str) -> Result<Ruleset, Error> {
        let rules: Ruleset = toml::from_str(text).map_err(|e| Error::Ruleset {
            id: "<ruleset>".into(),
            message: e.to_string(),
        })?;
        rules.check()?;
        Ok(rules)
    }

    fn check(&self) -> Result<(), Error> {
        let fail = |message: String| Error::Ruleset {
            id: self.ruleset.id.clone(),
            message,
        };
        let t = &self.thresholds;
        if [
            t.tier_a,
            t.tier_b,
            t.tier_c,
            t.gains_yuan,
            t.art6_profit_yuan,
        ]
        .contains(&0)
            || t.particularly_serious_multiplier == 0
        {
            return Err(fail("thresholds and multipliers must be positive".into()));
        }
        let [p, q] = t.insider_factor;
        if p == 0 || q == 0 || p > q {
            return Err(fail(format!(
                "insider_factor [{p}, {q}] must be a fraction in (0, 1]"
            )));
        }
        if t.fine_multiple_of_gains[0] > t.fine_multiple_of_gains[1] {
            return Err(fail("fine_multiple_of_gains must be [low, high]".into()));
        }
        let mut seen = HashSet::new();
        for rule in &self.rules {
            if rule.id.trim().is_empty() {
                return Err(fail("a rule has an empty id".into()));
            }
            if !seen.insert(rule.id.as_str()) {
                return Err(fail(format!("duplicate rule id `{}`", rule.id)));
            }
            if rule.references.iter().all(|r| r.trim().is_empty()) {
                return Err(fail(format!("rule `{}` has no references", rule.id)));
            }
            if rule.text_zh.trim().is_empty() || rule.cite_zh.trim().is_empty() {
                return Err(fail(format!("rule `{}` has no text", rule.id)));
            }
        }
        for band in &self.penalty_bands {
            if self.rule(&band.rule).is_none() {
                return Err(fail(format!(
                    "penalty band cites unknown rule `{}`",
                    band.rule
                )));
            }
        }
        for class in ContentClass::ALL {
            let Some(m) = self.classes.get(class.id()) else {
                return Err(fail(format!(
                    "content class `{}` is not mapped",
                    class.id()
                )));
            };
            let default = class.default_category().tier();
            // Tier order puts the most serious first: conservative ≤ default ≤ lenient.
            if !(m.conservative <= default && default <= m.lenient) {
                return Err(fail(format!(
                    "content class `{}`: default tier {default} is not between conservative {} and lenient {}",
                    class.id(),
                    m.conservative,
                    m.lenient
                )));
            }
        }
        for id in self.classes.keys() {
            if id.parse::<ContentClass>().is_err() {
                return Err(fail(format!("unknown content class `{id}`")));
            }
        }
        Ok(())
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The English citation of a rule, or its id if the ruleset lacks it.
    pub fn cite_en(&self, id: &str) -> String {
        self.rule(id)
            .map_or_else(|| id.to_owned(), |r| r.cite_en.clone())
    }

    /// The Chinese citation of a rule, or its id if the ruleset lacks it.
    pub fn cite_zh(&self, id: &str) -> String {
        self.rule(id)
            .map_or_else(|| id.to_owned(), |r| r.cite_zh.clone())
    }

    /// The penalty band for a level, if the level has one.
    pub fn penalty_band(&self, level: Level) -> Option<&PenaltyBand> {
        self.penalty_bands.iter().find(|b| b.level == level)
    }
}

/// Rule ids the engine cites; the ruleset must define every one.
#[cfg(test)]
pub(crate) const CITED_RULES: &[&str] = &[
    "art3",
    "art4",
    "art5-1-1",
    "art5-1-2",
    "art5-1-3",
    "art5-1-4",
    "art5-1-5",
    "art5-1-6",
    "art5-1-7",
    "art5-1-8",
    "art5-1-9",
    "art5-1-10",
    "art5-2-1",
    "art5-2-2",
    "art5-2-3",
    "art5-2-4",
    "art6-1",
    "art6-2",
    "art11-1",
    "art11-2",
    "art11-3",
    "art12",
    "crim-253-1-1",
    "crim-253-1-2",
    "crim-253-1-3",
    "pipl-28",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_every_rule_has_id_references_and_text() {
        let rules = Ruleset::builtin().unwrap();
        assert_eq!(rules.ruleset.id, "fashi-2017-10");
        assert_eq!(rules.effective.interpretation, "2017-06-01");
        assert_eq!(rules.effective.criminal_law_253_1, "2015-11-01");
        assert_eq!(rules.effective.pipl, "2021-11-01");
        for rule in &rules.rules {
            assert!(!rule.id.is_empty());
            assert!(
                rule.references.iter().any(|r| r.starts_with("http")),
                "{} has no URL reference",
                rule.id
            );
            assert!(!rule.text_zh.is_empty(), "{} has no text", rule.id);
            assert!(!rule.summary_en.is_empty(), "{} has no summary", rule.id);
        }
        for id in CITED_RULES {
            assert!(rules.rule(id).is_some(), "engine cites missing rule {id}");
        }
        // The numbers the Interpretation states, read back from the data file.
        let t = &rules.thresholds;
        assert_eq!((t.tier_a, t.tier_b, t.tier_c), (50, 500, 5_000));
        assert_eq!(t.gains_yuan, 5_000);
        assert_eq!(t.particularly_serious_multiplier, 10);
        assert_eq!(t.insider_factor, [1, 2]);
        assert_eq!(t.art6_profit_yuan, 50_000);
        assert_eq!(t.fine_multiple_of_gains, [1, 5]);
        assert_eq!(t.units_denominator(), 5_000);
        assert_eq!(t.unit_weight(Tier::A), 100);
        assert!(rules
            .rule("art5-1-3")
            .unwrap()
            .text_zh
            .contains("五十条以上"));
        assert!(rules.rule("art5-2-3").unwrap().text_zh.contains("十倍以上"));
    }

    #[test]
    fn every_content_class_is_mapped_and_default_lies_between_readings() {
        let rules = Ruleset::builtin().unwrap();
        for class in ContentClass::ALL {
            let m = rules.classes.get(class.id()).unwrap();
            let d = class.default_category().tier();
            assert!(m.conservative <= d && d <= m.lenient, "{}", class.id());
            assert!(!m.note_en.is_empty() && !m.note_zh.is_empty());
        }
        // The disputes the issue names are encoded as disputes.
        for id in [
            "bank_card_bare",
            "flight_itinerary",
            "rail_ticket",
            "ride_hailing_trip",
            "location_point",
            "contact_list",
            "biometric",
        ] {
            let m = &rules.classes[id];
            assert_ne!(m.conservative, m.lenient, "{id} should be disputed");
        }
    }

    #[test]
    fn broken_rulesets_are_rejected() {
        let good = Ruleset::builtin_source();
        let zero = good.replace("tier_a = 50", "tier_a = 0");
        assert!(Ruleset::from_toml_str(&zero).is_err());
        let unmapped = good.replace("[classes.biometric]", "[classes.biometric_x]");
        let err = Ruleset::from_toml_str(&unmapped).unwrap_err().to_string();
        assert!(err.contains("biometric"), "{err}");
        let inverted = good.replace(
            "[classes.flight_itinerary]\nconservative = \"A\"\nlenient = \"B\"",
            "[classes.flight_itinerary]\nconservative = \"C\"\nlenient = \"C\"",
        );
        assert_ne!(inverted, good);
        assert!(Ruleset::from_toml_str(&inverted).is_err());
        let no_refs = good.replacen(
            "references = [\"https://github.com/LawRefBook",
            "references = [\"\", \"https://github.com/LawRefBook",
            1,
        );
        // A blank reference beside a real one is tolerated; all blank is not.
        assert!(Ruleset::from_toml_str(&no_refs).is_ok());
        let dup = good.replace("id = \"art4\"", "id = \"art3\"");
        assert!(Ruleset::from_toml_str(&dup).is_err());
    }
}
