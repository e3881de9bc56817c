//! Case facts: what the data cannot tell, read from a TOML file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::line_col;
use crate::summary::{load_summary, SummaryInput};
use crate::Error;

/// Facts files larger than this are refused; a facts file is a few hundred bytes.
const MAX_FACTS_BYTES: u64 = 1 << 20;

/// What the actor did with the PI (Criminal Law art. 253-1; Interpretation arts. 3, 4, 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    /// Stole or otherwise illegally obtained (art. 253-1 para. 3; buying is obtaining, art. 4).
    Obtained,
    /// Sold to others.
    Sold,
    /// Provided to specific persons.
    Provided,
    /// Published through networks or other channels (providing, art. 3).
    Published,
    /// Bought or received tier-C PI for lawful business (art. 6).
    BoughtForLawfulBusiness,
}

impl Act {
    /// Whether the act is selling or providing (publishing included, art. 3): the acts
    /// art. 5(1)(1), (2) and (8) speak of.
    pub fn sells_or_provides(self) -> bool {
        matches!(self, Act::Sold | Act::Provided | Act::Published)
    }

    /// The id used in facts files.
    pub fn id(self) -> &'static str {
        match self {
            Act::Obtained => "obtained",
            Act::Sold => "sold",
            Act::Provided => "provided",
            Act::Published => "published",
            Act::BoughtForLawfulBusiness => "bought_for_lawful_business",
        }
    }

    /// The act in the statute's words.
    pub fn name_zh(self) -> &'static str {
        match self {
            Act::Obtained => "非法获取",
            Act::Sold => "出售",
            Act::Provided => "提供",
            Act::Published => "发布（视为提供）",
            Act::BoughtForLawfulBusiness => "为合法经营活动而非法购买、收受",
        }
    }
}

/// An amount of money, held exactly in fen (0.01 yuan).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yuan {
    /// The amount in fen.
    pub fen: u64,
}

impl Yuan {
    /// Whole yuan.
    pub fn from_yuan(yuan: u64) -> Yuan {
        Yuan {
            fen: yuan.saturating_mul(100),
        }
    }

    /// The amount as a float, for JSON.
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> f64 {
        self.fen as f64 / 100.0
    }
}

impl Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// One recipient of the PI, with the summaries of what they received (art. 11 para. 2).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Who received it (a name, an account, a chat group).
    pub name: String,
    /// Summary JSON files of what they received, relative to the facts file.
    #[serde(default)]
    pub summaries: Vec<PathBuf>,
    /// The loaded summaries ([`CaseFacts::load`] fills this; set it directly when building
    /// facts in code).
    #[serde(skip)]
    pub loaded: Vec<SummaryInput>,
}

/// The conduct. `None` means unknown: the assessment treats an unknown fact as absent and
/// says which unknown facts would change the outcome. Serialised (unknown as `null`) into the
/// assessment, so a report shows the facts it rests on.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFacts {
    /// A title for the case.
    #[serde(default)]
    pub title: Option<String>,
    /// What the actor did.
    pub act: Act,
    /// For `bought_for_lawful_business`: whether the PI was then sold or provided (art. 6 para. 2).
    #[serde(default, deserialize_with = "tri")]
    pub resold: Option<bool>,
    /// Whether the PI was obtained in performing duties or providing services (art. 5(1)(8)).
    #[serde(default, deserialize_with = "tri")]
    pub insider: Option<bool>,
    /// On what evidence the insider fact rests.
    #[serde(default)]
    pub insider_basis: Option<String>,
    /// Illegal gains (违法所得), art. 5(1)(7).
    #[serde(default, deserialize_with = "opt_yuan")]
    pub illegal_gains_yuan: Option<Yuan>,
    /// Profit from using PI bought for lawful business (获利), art. 6(1)(1).
    #[serde(default, deserialize_with = "opt_yuan")]
    pub lawful_business_profit_yuan: Option<Yuan>,
    /// A prior criminal punishment for infringing PI (art. 5(1)(9)).
    #[serde(default, deserialize_with = "tri")]
    pub prior_criminal_record: Option<bool>,
    /// An administrative punishment for infringing PI within the last two years (art. 5(1)(9)).
    #[serde(default, deserialize_with = "tri")]
    pub prior_admin_penalty_within_2y: Option<bool>,
    /// Knew or should have known the recipient would use the PI to commit crimes (art. 5(1)(2)).
    #[serde(default, deserialize_with = "tri")]
    pub knew_recipient_crimes: Option<bool>,
    /// Track information sold or provided was used by others to commit a crime (art. 5(1)(1)).
    #[serde(default, deserialize_with = "tri")]
    pub track_info_used_in_crime: Option<bool>,
    /// Caused a victim's death, serious injury, mental disorder or kidnapping (art. 5(2)(1)).
    #[serde(default, deserialize_with = "tri")]
    pub harm_death_or_serious_injury: Option<bool>,
    /// Caused major economic loss or egregious social impact (art. 5(2)(2)).
    #[serde(default, deserialize_with = "tri")]
    pub harm_major_loss_or_egregious_impact: Option<bool>,
    /// Who received the PI, each with the summaries of what they received (art. 11).
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Free-text notes, carried through.
    #[serde(default)]
    pub notes: Option<String>,
}

/// `true`, `false` or `"unknown"` (→ `None`).
fn tri<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Bool(b) => Ok(Some(b)),
        Raw::Text(s) if s == "unknown" => Ok(None),
        Raw::Text(s) => Err(serde::de::Error::custom(format!(
            "expected true, false or \"unknown\", found \"{s}\""
        ))),
    }
}

/// A non-negative number of yuan, or `"unknown"` (→ `None`).
fn opt_yuan<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Yuan>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }
    // Ten trillion yuan: far above any case, far below u64 overflow in fen.
    const MAX_YUAN: f64 = 1e13;
    let bad = |what: String| {
        serde::de::Error::custom(format!(
            "expected an amount of yuan ≥ 0 or \"unknown\", found {what}"
        ))
    };
    match Raw::deserialize(d)? {
        Raw::Int(n) => match u64::try_from(n) {
            Ok(n) if (n as f64) <= MAX_YUAN => Ok(Some(Yuan::from_yuan(n))),
            _ => Err(bad(n.to_string())),
        },
        Raw::Float(x) if x.is_finite() && (0.0..=MAX_YUAN).contains(&x) => {
            // Exact to the fen; amounts are stated to the fen at most.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let fen = (x * 100.0).round() as u64;
            Ok(Some(Yuan { fen }))
        }
        Raw::Float(x) => Err(bad(x.to_string())),
        Raw::Text(s) if s == "unknown" => Ok(None),
        Raw::Text(s) => Err(bad(format!("\"{s}\""))),
    }
}

impl CaseFacts {
    /// Facts with only the act known.
    pub fn new(act: Act) -> CaseFacts {
        CaseFacts {
            title: None,
            act,
            resold: None,
            insider: None,
            insider_basis: None,
            illegal_gains_yuan: None,
            lawful_business_profit_yuan: None,
            prior_criminal_record: None,
            prior_admin_penalty_within_2y: None,
            knew_recipient_crimes: None,
            track_info_used_in_crime: None,
            harm_death_or_serious_injury: None,
            harm_major_loss_or_egregious_impact: None,
            recipients: Vec::new(),
            notes: None,
        }
    }

    /// Parses facts from TOML text. Recipients' summaries are not loaded.
    ///
    /// # Errors
    /// [`Error::Facts`] with the line and column of the problem.
    pub fn from_toml_str(text: &str) -> Result<CaseFacts, Error> {
        Self::parse(text, Path::new("<facts>"))
    }

    fn parse(text: &str, path: &Path) -> Result<CaseFacts, Error> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            Error::Facts {
                path: path.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })
    }

    /// Reads a facts file and loads every recipient's summaries (paths relative to the file).
    ///
    /// # Errors
    /// [`Error::Io`] if a file cannot be read, [`Error::Facts`] for bad TOML (with line and
    /// column), [`Error::Summary`] for a bad recipient summary.
    pub fn load(path: &Path) -> Result<CaseFacts, Error> {
        use std::io::Read;
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_FACTS_BYTES)
            .read_to_string(&mut text)
            .map_err(io)?;
        let mut facts = Self::parse(&text, path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        for recipient in &mut facts.recipients {
            recipient.loaded = recipient
                .summaries
                .iter()
                .map(|p| load_summary(&base.join(p)))
                .collect::<Result<_, _>>()?;
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_stays_unknown() {
        let f = CaseFacts::from_toml_str(
            "act = \"sold\"\ninsider = \"unknown\"\nillegal_gains_yuan = \"unknown\"\nknew_recipient_crimes = false",
        )
        .unwrap();
        assert_eq!(f.act, Act::Sold);
        assert_eq!(f.insider, None);
        assert_eq!(f.illegal_gains_yuan, None);
        assert_eq!(f.knew_recipient_crimes, Some(false));
        assert_eq!(f.prior_criminal_record, None);
    }

    #[test]
    fn amounts_are_exact_in_fen() {
        let f = CaseFacts::from_toml_str("act = \"sold\"\nillegal_gains_yuan = 4999.99").unwrap();
        assert_eq!(f.illegal_gains_yuan, Some(Yuan { fen: 499_999 }));
        let f = CaseFacts::from_toml_str("act = \"sold\"\nillegal_gains_yuan = 70000").unwrap();
        assert_eq!(f.illegal_gains_yuan, Some(Yuan::from_yuan(70_000)));
        assert!(CaseFacts::from_toml_str("act = \"sold\"\nillegal_gains_yuan = -1").is_err());
        assert!(CaseFacts::from_toml_str("act = \"sold\"\nillegal_gains_yuan = nan").is_err());
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = CaseFacts::from_toml_str("act = \"sold\"\ninsider = maybe\n").unwrap_err();
        match err {
            Error::Facts { line, .. } => assert_eq!(line, 2),
            other => panic!("unexpected {other:?}"),
        }
        let err =
            CaseFacts::from_toml_str("act = \"sold\"\n\ninsider = \"perhaps\"\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = CaseFacts::from_toml_str("act = \"stolen\"").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let err = CaseFacts::from_toml_str("act = \"sold\"\ninsidr = true").unwrap_err();
        assert!(err.to_string().contains("insidr"), "{err}");
        assert!(CaseFacts::from_toml_str("insider = true").is_err());
    }
}
