//! Structured data: column profiling, typed fields, and coordinates from two columns.

use super::{bit, emit, ColumnKind, ColumnProfile, Finding, HeaderHint, Recognizer, Scratch};
use crate::ItemKind;

/// Share of non-empty samples that must validate as one type for values alone to type a column
/// (presidio-structured's default threshold is 0.5; a dump column is rarely mixed, so we ask more).
const PROFILE_THRESHOLD: f32 = 0.8;
/// Average sample length (characters) from which an untyped column counts as free text.
const FREE_TEXT_CHARS: usize = 16;

/// The types a column of `kind` may also hold: 手机/电话 columns hold landlines, 证件号码 columns
/// hold passports and permits as well as ID numbers.
fn family(kind: ItemKind) -> &'static [ItemKind] {
    use ItemKind::*;
    match kind {
        Mobile | Landline => &[Mobile, Landline],
        ResidentId | ResidencePermit | Passport | HkMacauPermit | TaiwanPermit => {
            &[ResidentId, Passport, HkMacauPermit, TaiwanPermit]
        }
        Ipv4 | Ipv6 => &[Ipv4, Ipv6],
        _ => &[],
    }
}

impl Recognizer {
    /// Decides what a column holds from its header (or JSON path) and a sample of its values,
    /// as presidio-structured and Macie do:
    ///
    /// * a header naming a type types the column (if no sample has that type but ≥ 80 % validate
    ///   as another one, the values win); a second type seen in the sample is kept as
    ///   [`ColumnProfile::secondary`];
    /// * a header naming no type: ≥ 80 % of the non-empty samples validating as one
    ///   self-evident type (checksum types, mobiles, e-mail …) types the column; otherwise long or
    ///   non-ASCII values, values holding items, or no sample at all make it
    ///   [`ColumnKind::FreeText`], and short codes without items make it [`ColumnKind::NotPi`];
    /// * a `NotPi` header (`订单号`, `id`, `时间` …) stays `NotPi` unless ≥ 80 % of the values
    ///   validate as one type.
    pub fn profile_column(&self, header: Option<&str>, samples: &[&str]) -> ColumnProfile {
        let m = header.map(|h| self.dict.classify_header(h));
        let hint = m.map_or(HeaderHint::Unknown, |m| m.hint);
        let mut scratch = Scratch::new();
        let mut valid_as = [0usize; 32];
        let mut sampled = 0usize;
        let mut chars = 0usize;
        let mut textual = false;
        let mut with_items = 0usize;
        let mut hinted_valid = 0usize;
        for raw in samples {
            let v = raw.trim();
            if v.is_empty() {
                continue;
            }
            sampled += 1;
            chars += v.chars().count();
            textual |= !v.is_ascii() || v.contains(' ');
            // What the value is on its own: one valid finding covering all of it.
            let mut whole = None;
            let mut any = false;
            self.find_in_text_with(v, &mut scratch, &mut |f| {
                any = true;
                if f.valid && f.span == (0..v.len()) {
                    whole = Some(f.kind);
                }
            });
            with_items += usize::from(any);
            if let Some(k) = whole {
                valid_as[k as usize] += 1;
            }
            if let HeaderHint::Item(k) = hint {
                if self
                    .whole_value(k, v, &mut scratch)
                    .is_some_and(|(kk, ok)| ok && kk == k)
                {
                    hinted_valid += 1;
                }
            }
        }
        let ratio = |n: usize| {
            if sampled == 0 {
                0.0
            } else {
                n as f32 / sampled as f32
            }
        };
        let best = ItemKind::ALL
            .iter()
            .copied()
            .max_by_key(|&k| valid_as[k as usize])
            .filter(|&k| valid_as[k as usize] > 0);
        let best_ratio = best.map_or(0.0, |k| ratio(valid_as[k as usize]));
        let values_decide = best.filter(|_| best_ratio >= PROFILE_THRESHOLD);

        let (kind, valid_ratio, term_kept) = match hint {
            HeaderHint::Item(k) => match values_decide {
                Some(other) if hinted_valid == 0 && !family(k).contains(&other) && other != k => {
                    (ColumnKind::Item(other), best_ratio, false)
                }
                _ => (ColumnKind::Item(k), ratio(hinted_valid), true),
            },
            HeaderHint::Latitude | HeaderHint::Longitude => {
                (ColumnKind::Item(ItemKind::GpsPoint), 0.0, true)
            }
            HeaderHint::FreeText => (ColumnKind::FreeText, 0.0, true),
            HeaderHint::NotPi | HeaderHint::Unknown => match values_decide {
                Some(k) => (ColumnKind::Item(k), best_ratio, false),
                None if hint == HeaderHint::NotPi => (ColumnKind::NotPi, 0.0, true),
                // Nothing known about the column: search it like text rather than lose items.
                None if textual
                    || sampled == 0
                    || with_items > 0
                    || (sampled > 0 && chars / sampled >= FREE_TEXT_CHARS) =>
                {
                    (ColumnKind::FreeText, 0.0, false)
                }
                None => (ColumnKind::NotPi, 0.0, false),
            },
        };
        let secondary = match kind {
            ColumnKind::Item(k) => ItemKind::ALL
                .iter()
                .copied()
                .filter(|&o| o != k && valid_as[o as usize] > 0)
                .max_by_key(|&o| (family(k).contains(&o), valid_as[o as usize])),
            _ => None,
        };
        ColumnProfile {
            kind,
            hint,
            term: if term_kept {
                m.and_then(|m| m.term)
            } else {
                None
            },
            json_path: m.is_some_and(|m| m.json_path),
            sampled,
            valid_ratio,
            secondary,
        }
    }

    /// Finds the items of one field value of a profiled column and hands them to `sink`; spans
    /// are byte offsets into `value`.
    ///
    /// * [`ColumnKind::NotPi`] columns: nothing.
    /// * [`ColumnKind::FreeText`] columns: the free-text recognizer.
    /// * [`ColumnKind::Item`] columns: the whole (trimmed) value is validated as the column's type, or
    ///   failing its shape as another type of the same family (a landline in a phone column, a
    ///   passport in a 证件号码 column) or the column's secondary type. A failed check is reported
    ///   as `valid = false` (untrue data, art. 11). A value of another shape altogether is
    ///   searched for items of the column's types only (`138…;139…` holds two mobiles);
    ///   anything else in it is not reported. Latitude and longitude columns report nothing
    ///   here: combine them with [`Recognizer::find_gps_in_fields_with`].
    pub fn find_in_field_with(
        &self,
        column: &ColumnProfile,
        value: &str,
        scratch: &mut Scratch,
        sink: &mut dyn FnMut(&Finding<'_>),
    ) {
        let k = match column.kind {
            ColumnKind::NotPi => return,
            ColumnKind::FreeText => return self.find_in_text_with(value, scratch, sink),
            ColumnKind::Item(k) => k,
        };
        if matches!(column.hint, HeaderHint::Latitude | HeaderHint::Longitude) {
            return;
        }
        let trimmed = crate::validate::normalize::trim(value);
        if trimmed.is_empty() {
            return;
        }
        let offset = trimmed.as_ptr() as usize - value.as_ptr() as usize;
        let span = offset..offset + trimmed.len();
        let ctx = column.context();
        // The column's own type first, then its family, then a second type seen in the sample.
        let fam = family(k);
        let tries = std::iter::once(k)
            .chain(fam.iter().copied().filter(|&o| o != k))
            .chain(column.secondary);
        for kind in tries {
            if self.field_value_to(trimmed, kind, span.clone(), ctx, &mut scratch.tmp, sink) {
                return;
            }
        }
        // Only a value of another shape needs the set of the column's types (most values
        // validate as the column's type above).
        let mut mask = bit(k);
        for o in fam {
            mask |= bit(*o);
        }
        if let Some(s) = column.secondary {
            mask |= bit(s);
        }
        if k == ItemKind::ResidentId {
            mask |= bit(ItemKind::ResidencePermit);
        }
        self.scan_text(value, Some((mask, ctx)), scratch);
        emit(value, scratch, sink);
    }

    /// The type and validity of a whole value validated as `kind`; `None` for the wrong shape.
    fn whole_value(
        &self,
        kind: ItemKind,
        v: &str,
        scratch: &mut Scratch,
    ) -> Option<(ItemKind, bool)> {
        crate::validate::validate(kind, v, &mut scratch.tmp).map(|vd| (vd.kind, vd.is_valid()))
    }

    /// A coordinate pair from a record's separate latitude and longitude fields (headers
    /// `lat`/`lng`, `wd`/`jd`, `纬度`/`经度` …): give the record's fields with their column
    /// profiles; the first non-empty latitude and longitude are combined, validated and handed
    /// to `sink` as one `gps_point` whose span is the trimmed latitude value (offsets into the
    /// latitude field). Columns holding both numbers (`经纬度`) are handled by
    /// [`Recognizer::find_in_field_with`].
    pub fn find_gps_in_fields_with(
        &self,
        fields: &[(&ColumnProfile, &str)],
        scratch: &mut Scratch,
        sink: &mut dyn FnMut(&Finding<'_>),
    ) {
        let pick = |h: HeaderHint| {
            fields
                .iter()
                .find(|(p, v)| p.hint == h && !v.trim().is_empty())
                .copied()
        };
        let (Some((lat_col, lat)), Some((_, lon))) =
            (pick(HeaderHint::Latitude), pick(HeaderHint::Longitude))
        else {
            return;
        };
        let lat_t = lat.trim();
        let offset = lat_t.as_ptr() as usize - lat.as_ptr() as usize;
        let mut pair = std::mem::take(&mut scratch.cand);
        pair.clear();
        pair.push_str(lat_t);
        pair.push(',');
        pair.push_str(lon.trim());
        let ok = self.field_value(
            &pair,
            ItemKind::GpsPoint,
            offset..offset + lat_t.len(),
            lat_col.context(),
            scratch,
        );
        scratch.cand = pair;
        if ok {
            emit(lat, scratch, sink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Scratch;
    use super::*;

    type Owned = (
        ItemKind,
        std::ops::Range<usize>,
        String,
        bool,
        u32,
        super::super::Evidence,
    );

    fn owned(out: &mut Vec<Owned>) -> impl FnMut(&Finding<'_>) + '_ {
        |f| {
            out.push((
                f.kind,
                f.span.clone(),
                f.value.to_string(),
                f.valid,
                f.confidence.to_bits(),
                f.evidence,
            ));
        }
    }

    /// `find_in_field_with` as it was before typed values went straight to the sink: each try
    /// recorded through `field_value`, then `emit` (the reference).
    fn reference(r: &Recognizer, column: &ColumnProfile, value: &str, out: &mut Vec<Owned>) {
        let mut scratch = Scratch::new();
        let sink = &mut owned(out);
        let k = match column.kind {
            ColumnKind::NotPi => return,
            ColumnKind::FreeText => return r.find_in_text_with(value, &mut scratch, sink),
            ColumnKind::Item(k) => k,
        };
        if matches!(column.hint, HeaderHint::Latitude | HeaderHint::Longitude) {
            return;
        }
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return;
        }
        let offset = trimmed.as_ptr() as usize - value.as_ptr() as usize;
        let span = offset..offset + trimmed.len();
        let ctx = column.context();
        let tries = std::iter::once(k)
            .chain(family(k).iter().copied().filter(|&o| o != k))
            .chain(column.secondary);
        let mut mask = bit(k);
        for o in family(k) {
            mask |= bit(*o);
        }
        if let Some(s) = column.secondary {
            mask |= bit(s);
        }
        if k == ItemKind::ResidentId {
            mask |= bit(ItemKind::ResidencePermit);
        }
        for kind in tries {
            if r.field_value(trimmed, kind, span.clone(), ctx, &mut scratch) {
                return emit(value, &mut scratch, sink);
            }
        }
        r.scan_text(value, Some((mask, ctx)), &mut scratch);
        emit(value, &mut scratch, sink);
    }

    /// Typed values handed straight to the sink give exactly the findings of the recorded
    /// path, for every column type and values of every shape (valid, failing a check, another
    /// type of the family, several items, none).
    #[test]
    fn direct_field_findings_match_reference() {
        let r = Recognizer::new();
        let values = [
            "11010519491231002X",
            "110105194912310021",
            " 440305199003071236 ",
            "110105491231002",
            "810000199003071234",
            "E12345678",
            "13812345678",
            "15412345678",
            "+86 138-1234-5678",
            "13800138000",
            "010-88886666",
            "(0977)4976020",
            "0371-49779667",
            "95588",
            "138…;13912345678;0755-86013388",
            "zhang.san@Example.COM",
            "a@example.com",
            "192.168.1.1",
            "192.168.1.256",
            "2001:db8::1",
            "张三",
            "欧阳修",
            "买买提·艾力",
            "北京市朝阳区建国路88号",
            "广东省深圳市南山区科技园",
            "北京市朝阳区",
            "10001",
            "wxid_p77702h1y05h7r",
            "6228480012345671",
            "hello world",
            "",
            "   ",
            "手机 13812345678 身份证 11010519491231002X",
        ];
        let headers: [(Option<&str>, &[&str]); 14] = [
            (Some("身份证号"), &["11010519491231002X"]),
            (Some("证件号码"), &["E12345678", "11010519491231002X"]),
            (Some("手机号"), &["13812345678"]),
            (Some("电话"), &["010-88886666", "13812345678"]),
            (Some("固定电话"), &["010-88886666"]),
            (Some("电子邮箱"), &["a@qq.com"]),
            (Some("住址"), &["北京市朝阳区建国路88号"]),
            (Some("姓名"), &["张三"]),
            (Some("QQ号"), &["10001"]),
            (Some("微信号"), &["wxid_abc123"]),
            (Some("IP地址"), &["192.168.1.1"]),
            (Some("备注"), &["一些说明文字，没有个人信息的长文本"]),
            (None, &["13812345678", "13912345678"]),
            (Some("order_id"), &["A1", "B2"]),
        ];
        let mut checked = 0;
        for (header, samples) in headers {
            let column = r.profile_column(header, samples);
            for value in values {
                let (mut ours, mut theirs) = (Vec::new(), Vec::new());
                let mut scratch = Scratch::new();
                r.find_in_field_with(&column, value, &mut scratch, &mut owned(&mut ours));
                reference(&r, &column, value, &mut theirs);
                assert_eq!(ours, theirs, "{header:?} {value:?}");
                checked += usize::from(!ours.is_empty());
            }
        }
        assert!(checked > 80, "{checked}");
    }

    #[test]
    fn families_contain_their_members() {
        for &k in ItemKind::ALL {
            let f = family(k);
            assert!(f.is_empty() || f.contains(&k) || k == ItemKind::ResidencePermit);
        }
    }
}
