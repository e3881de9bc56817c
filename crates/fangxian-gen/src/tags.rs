//! Tags: how a value was written (hard cases), and in what format, encoding and container.
//!
//! Every occurrence of a value carries a tag set; the gold keeps, per distinct value, the tags of
//! *every* occurrence (intersection, `tags`) and of *any* occurrence (union, `seen`). Recall per
//! tag is computed over `tags`, so a value tagged `fullwidth` was written full-width everywhere and
//! finding it proves the tool reads full-width digits.

/// A set of tags, one bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tags(pub u64);

macro_rules! tags {
    ($( $(#[$doc:meta])* $name:ident = $bit:literal, $id:literal; )*) => {
        impl Tags {
            $( $(#[$doc])* pub const $name: Tags = Tags(1 << $bit); )*

            /// Every tag with its id, in bit order.
            pub const NAMED: &'static [(Tags, &'static str)] = &[ $( (Tags::$name, $id), )* ];
        }
    };
}

tags! {
    /// Digits written full-width (U+FF10–FF19).
    FULLWIDTH = 0, "fullwidth";
    /// Groups separated by spaces (`138 1234 5678`, `110105 19491231 002X`).
    SPACED = 1, "spaced";
    /// Groups separated by hyphens (`138-1234-5678`).
    HYPHENATED = 2, "hyphenated";
    /// A country prefix (`+86`, `0086`).
    PLUS86 = 3, "plus86";
    /// Touching CJK text on both sides in free text.
    GLUED = 4, "glued";
    /// Written in lower case where the canonical form is upper case (`x` check character, USCC).
    LOWERCASE = 5, "lowercase";
    /// A 15-digit first-generation resident ID (canonical value is the upgraded 18 digits).
    LEGACY15 = 6, "legacy15";
    /// A resident ID whose address code is historical only (abolished county).
    HISTORICAL_REGION = 7, "historical_region";
    /// A home-return permit written with its 2-digit renewal count.
    RENEWAL_SUFFIX = 8, "renewal_suffix";
    /// Inside a quoted CSV/TSV field that contains a line break.
    EMBEDDED_NEWLINE = 9, "embedded_newline";
    /// A JSON number rather than a string.
    JSON_NUMBER = 10, "json_number";
    /// Inside a nested JSON object.
    NESTED = 11, "nested";
    /// An e-mail domain written in upper case.
    UPPERCASE_DOMAIN = 12, "uppercase_domain";
    /// Found in a free-text field or line rather than in its own column.
    FREE_TEXT = 13, "free_text";
    /// A new-energy (8-character) plate.
    NEW_ENERGY = 14, "new_energy";
    /// A name with a compound surname (欧阳, 司马 …).
    COMPOUND_SURNAME = 15, "compound_surname";
    /// A name written with a space inside (`张 伟`).
    NAME_SPACED = 16, "name_spaced";
    /// A plate written with a separator (`京A·12345`, `京A 12345`).
    PLATE_SEPARATOR = 17, "plate_separator";
    /// A coordinate written with fewer than 6 decimals.
    SHORT_DECIMALS = 18, "short_decimals";
    /// A landline written with parentheses round the area code.
    PARENTHESES = 19, "parentheses";
    /// A mixed column: landline in a contact-phone column that mostly holds mobiles.
    MIXED_COLUMN = 20, "mixed_column";
    /// A number cell of a spreadsheet rather than a text cell (a mobile typed in as a number).
    XLSX_NUMBER = 21, "xlsx_number";
    /// Spreadsheet text holding `_x` and four hex digits (`wxid_x0410…`), which xlsx stores
    /// escaped as `_x005F_x0410…` (ECMA-376 ST_Xstring); a reader must undo the escape.
    XLSX_ESCAPED = 22, "xlsx_escaped";
    /// Headers in pinyin abbreviations (`sfzh`, `sjh` …).
    PINYIN_HEADER = 24, "pinyin_header";
    /// Headers in English.
    ENGLISH_HEADER = 25, "english_header";
    /// GBK-encoded file.
    GBK = 28, "gbk";
    /// UTF-16LE with BOM.
    UTF16 = 29, "utf16";
    /// UTF-8 with BOM.
    UTF8_BOM = 30, "utf8_bom";
    /// gzip stream.
    GZ = 32, "gz";
    /// zstd stream.
    ZST = 33, "zst";
    /// xz stream.
    XZ = 34, "xz";
    /// bzip2 stream.
    BZ2 = 35, "bz2";
    /// A member of a zip archive.
    ZIP = 36, "zip";
    /// A member of a tar archive.
    TAR = 37, "tar";
    /// A member of an archive nested inside another archive.
    NESTED_ARCHIVE = 38, "nested_archive";
    /// CSV file.
    CSV = 40, "csv";
    /// TSV file.
    TSV = 41, "tsv";
    /// JSON array file.
    JSON = 42, "json";
    /// JSON Lines file.
    JSONL = 43, "jsonl";
    /// MySQL dump (`INSERT … VALUES`).
    MYSQL = 44, "mysql";
    /// PostgreSQL dump (`COPY … FROM stdin`).
    PGDUMP = 45, "pgdump";
    /// Plain-text log.
    TXT = 46, "txt";
    /// SQLite database file.
    SQLITE = 47, "sqlite";
    /// Excel workbook (xlsx).
    XLSX = 48, "xlsx";
}

impl Tags {
    /// No tags.
    pub const EMPTY: Tags = Tags(0);
    /// Every tag (the identity of intersection).
    pub const ALL: Tags = Tags(u64::MAX);

    /// True when every tag of `other` is set.
    pub fn contains(self, other: Tags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The ids of the tags set, in bit order.
    pub fn names(self) -> Vec<&'static str> {
        Tags::NAMED
            .iter()
            .filter(|(t, _)| self.contains(*t))
            .map(|(_, n)| *n)
            .collect()
    }

    /// The tag with id `name`.
    pub fn from_name(name: &str) -> Option<Tags> {
        Tags::NAMED
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(t, _)| *t)
    }
}

impl std::ops::BitOr for Tags {
    type Output = Tags;
    fn bitor(self, rhs: Tags) -> Tags {
        Tags(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Tags {
    fn bitor_assign(&mut self, rhs: Tags) {
        self.0 |= rhs.0;
    }
}

impl std::ops::BitAnd for Tags {
    type Output = Tags;
    fn bitand(self, rhs: Tags) -> Tags {
        Tags(self.0 & rhs.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bits_are_unique() {
        let mut all = 0u64;
        for (t, n) in Tags::NAMED {
            assert_eq!(t.0.count_ones(), 1);
            assert_eq!(all & t.0, 0, "{n} reuses a bit");
            all |= t.0;
            assert_eq!(Tags::from_name(n), Some(*t));
        }
        let t = Tags::GBK | Tags::FULLWIDTH;
        assert_eq!(t.names(), vec!["fullwidth", "gbk"]);
        assert_eq!((t & Tags::GBK), Tags::GBK);
    }
}
