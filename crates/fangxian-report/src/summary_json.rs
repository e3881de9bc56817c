//! The summary file (contract §3): pretty JSON, keys in contract order.
//!
//! Top-level keys come in the order of [`Summary`]'s fields, which is the contract's order
//! (`schema`, `inputs`, `bytes_scanned`, `records`, `persons`, `items`, `tiers`, `categories`,
//! then the extensions). Maps keyed by type, tier or category are sorted by key. The embedded
//! legal assessment (contract §4) is held as a JSON value; it is written with the contract's
//! keys first (`schema`, `level`, `units`, `basis`, `counts`) and any others after, sorted.

use std::io::Write;
use std::path::{Path, PathBuf};

use fangxian_scan::Summary;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::atomic::write_atomic;
use crate::Error;

/// Contract §4's key order.
const ASSESSMENT_KEYS: [&str; 5] = ["schema", "level", "units", "basis", "counts"];

/// The summary as pretty JSON text, ending in a newline.
pub fn summary_json(summary: &Summary) -> Result<String, Error> {
    let Some(assessment) = summary.assessment.as_ref() else {
        let mut text = serde_json::to_string_pretty(summary)?;
        text.push('\n');
        return Ok(text);
    };
    // serde_json's `Value` keeps object keys sorted, which would put the assessment's `basis`
    // before `level`. Write the rest with serde and the assessment with our own order.
    let mut rest = summary.clone();
    rest.assessment = None;
    let text = serde_json::to_string_pretty(&rest)?;
    let body = text
        .strip_suffix('}')
        .ok_or_else(|| serde_json::Error::io(std::io::Error::other("summary is not an object")))?
        .trim_end();
    let nested = serde_json::to_string_pretty(&ContractOrder(assessment))?;
    let mut out = String::with_capacity(text.len() + nested.len() + 32);
    out.push_str(body);
    out.push_str(",\n  \"assessment\": ");
    // Pretty JSON has no raw newline inside a string, so indenting by line is safe.
    for (i, line) in nested.lines().enumerate() {
        if i > 0 {
            out.push_str("\n  ");
        }
        out.push_str(line);
    }
    out.push_str("\n}\n");
    Ok(out)
}

/// Writes the summary to `path` atomically (`-` = standard output).
pub fn write_summary_json(summary: &Summary, path: impl AsRef<Path>) -> Result<PathBuf, Error> {
    let path = path.as_ref();
    let text = summary_json(summary)?;
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(path, e))?;
        return Ok(path.to_path_buf());
    }
    write_atomic(path, text.as_bytes())
}

/// A JSON value serialised with the assessment's contract keys first.
struct ContractOrder<'a>(&'a Value);

impl Serialize for ContractOrder<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut m = s.serialize_map(Some(map.len()))?;
                for key in ASSESSMENT_KEYS {
                    if let Some(v) = map.get(key) {
                        m.serialize_entry(key, &ContractOrder(v))?;
                    }
                }
                for (k, v) in map {
                    if !ASSESSMENT_KEYS.contains(&k.as_str()) {
                        m.serialize_entry(k, &ContractOrder(v))?;
                    }
                }
                m.end()
            }
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(&ContractOrder(v))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessment_keys_in_contract_order_and_round_trip() {
        let mut s = Summary {
            schema: fangxian_scan::summary::SUMMARY_SCHEMA.to_owned(),
            ..Summary::default()
        };
        s.assessment = Some(serde_json::json!({
            "schema": "fangxian.assessment/1",
            "units": 1.5,
            "level": "serious",
            "basis": ["art. 5 (4): 750 items of tier B"],
            "counts": {"A": 0, "B": 750, "C": 0},
            "explanation": "x"
        }));
        let text = summary_json(&s).unwrap();
        let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(pos("level") < pos("units") && pos("units") < pos("basis"));
        assert!(pos("basis") < pos("counts") && pos("counts") < pos("explanation"));
        let back: Summary = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn top_level_keys_in_contract_order() {
        let s = Summary::default();
        let text = summary_json(&s).unwrap();
        let order = [
            "schema",
            "inputs",
            "bytes_scanned",
            "records",
            "persons",
            "items",
            "tiers",
            "categories",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|k| text.find(&format!("\n  \"{k}\"")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(!text.contains("assessment"));
        assert!(text.ends_with("}\n"));
    }
}
