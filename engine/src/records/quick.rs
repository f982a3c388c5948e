//! The cell forms nearly every record is written in, typed without the general path.
//!
//! A million-row CSV spends most of its reading time on a few forms: `3.5`, `true`,
//! `2026-03-01`. Those are typed here with no trimming, unit stripping, declared-form
//! search or error building; anything else (a sign, spaces, full-width digits, `是`,
//! `2026-3-1`, 29 February of a non-leap year, an error of any kind) returns `None`
//! and takes the general path of [`typing`](super::typing), so a value or a message
//! can never differ between the two. [`allowed`] says, once per field, whether the
//! rulebook's `input:` could read one of these forms differently; then the field
//! takes the general path only.

use rust_decimal::Decimal;

use super::spec::InputSpec;
use super::typing::Raw;
use crate::schema::FieldType;
use crate::value::Value;

/// Most digits a quick decimal has: 18 always fit an `i64` mantissa.
const MAX_DIGITS: usize = 18;

/// Whether the quick forms of `ty` read as the general path reads them for field
/// `name` under `input`: no unit suffix of the field that a plain number could end
/// with, no declared boolean word `true`/`false` meaning the other, no declared date
/// form reading `YYYY-MM-DD` as another day.
pub(crate) fn allowed(ty: FieldType, name: &str, input: &InputSpec) -> bool {
    match ty {
        FieldType::Decimal | FieldType::Int => !input
            .units
            .iter()
            .filter(|(field, _)| field == name)
            .flat_map(|(_, suffixes)| suffixes)
            .any(|suffix| !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit() || b == b'.')),
        FieldType::Bool => {
            input.boolean("true").is_none_or(|b| b) && input.boolean("false").is_none_or(|b| !b)
        }
        // A form either never matches `dddd-dd-dd` or matches every such text the
        // same way (digits are only counted, never valued, until the end), so one
        // probe of distinct digits tells whether it maps year, month and day as ISO.
        FieldType::Date => {
            let probe = jiff::civil::date(2001, 2, 3);
            input
                .dates
                .iter()
                .all(|form| form.read("2001-02-03").is_none_or(|read| read == Ok(probe)))
        }
        FieldType::String | FieldType::ListString(_) | FieldType::ListDecimal(_) => false,
    }
}

/// `raw` typed as `ty` when it is in a quick form (see the module docs), else `None`.
pub(crate) fn typed(ty: FieldType, raw: Raw<'_>) -> Option<Value> {
    match (ty, raw) {
        (FieldType::Decimal, Raw::Cell(text) | Raw::Str(text) | Raw::Number(text)) => {
            decimal(text.as_bytes()).map(Value::Num)
        }
        (FieldType::Int, Raw::Cell(text) | Raw::Str(text) | Raw::Number(text)) => {
            let n = decimal(text.as_bytes())?;
            (n.scale() == 0).then(|| Value::Num(n.normalize()))
        }
        (FieldType::Bool, Raw::Cell(text) | Raw::Str(text)) => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (FieldType::Date, Raw::Cell(text) | Raw::Str(text)) => date(text.as_bytes()).map(Value::Date),
        _ => None,
    }
}

/// `123` or `4.50`: ASCII digits with at most one point between two of them, up to
/// [`MAX_DIGITS`] digits, keeping the scale as written (as `Decimal::from_str_exact`).
fn decimal(text: &[u8]) -> Option<Decimal> {
    // With a point, 19 bytes hold 18 digits; 19 digits still fit a `u64`.
    if text.len() > MAX_DIGITS + 1 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < text.len() => point = Some(i),
            _ => return None,
        }
    }
    let digits = text.len() - usize::from(point.is_some());
    if digits == 0 || digits > MAX_DIGITS {
        return None;
    }
    let scale = point.map_or(0, |i| text.len() - i - 1);
    Some(Decimal::from_i128_with_scale(i128::from(mantissa), scale as u32))
}

/// `YYYY-MM-DD` naming a day; any other text, or a day that does not exist, `None`.
pub(crate) fn date(text: &[u8]) -> Option<jiff::civil::Date> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text else {
        return None;
    };
    let mut digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    for d in &mut digits {
        if !d.is_ascii_digit() {
            return None;
        }
        *d -= b'0';
    }
    let n = |ds: &[u8]| ds.iter().fold(0i16, |n, &d| n * 10 + i16::from(d));
    let (year, month, day) = (n(&digits[..4]), n(&digits[4..6]), n(&digits[6..]));
    if !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    jiff::civil::Date::new(year, month as i8, day as i8).ok()
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::records::spec::DateForm;
    use crate::records::typing::typed_as;

    /// A value with everything that tells two values apart: a decimal's exact
    /// representation (mantissa and scale), not only its number.
    fn exact(value: &Value) -> String {
        match value {
            Value::Num(n) => format!("num {:?}", n.serialize()),
            other => format!("{other:?}"),
        }
    }

    /// The quick path gives what the general path gives, whenever it gives anything.
    fn agrees(ty: FieldType, raw: Raw<'_>, input: &InputSpec) -> Result<(), TestCaseError> {
        if !allowed(ty, "hours", input) {
            return Ok(());
        }
        if let Some(quick) = typed(ty, raw) {
            let general = typed_as(ty, "hours", raw, &TimeZone::UTC, input);
            prop_assert_eq!(
                Ok(exact(&quick)),
                general.map(|v| exact(&v)),
                "{:?} {:?}",
                ty,
                raw
            );
        }
        Ok(())
    }

    /// Cells in the quick forms and near misses of them.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,20}",
            "[0-9]{1,12}\\.[0-9]{1,12}",
            "[-+ .]?[0-9]{0,3}[.]?[0-9]{0,3}[ .e]?[0-9]?",
            "[0-9]{1,3}[eE][0-9]",
            "[０-９]{1,3}",
            "(true|false|TRUE|False|yes|no|1|0|是|否|t|f| true|false )",
            "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
            "(19|20|21)[0-9]{2}-(0[0-9]|1[0-3])-(0[0-9]|[1-3][0-9])",
            "[0-9]{4}-02-(28|29|30)",
            "[0-9]{4}/[0-9]{2}/[0-9]{2}",
            "２０２６-03-01",
            "2026-03-01[T ][0-9]{2}:00(:00)?Z?",
            ".{0,12}",
        ]
    }

    fn spec() -> impl Strategy<Value = InputSpec> {
        let forms = proptest::sample::subsequence(
            vec![
                "YYYY/M/D",
                "YYYY-M-D",
                "YYYY-DD-MM",
                "YYYY-MM-DD",
                "excel",
                "MM-DD-YYYY",
            ],
            0..=2,
        );
        let words = proptest::sample::subsequence(vec!["是", "TRUE", "Y", "false", "0"], 0..=2);
        let units = proptest::sample::subsequence(vec!["小时", "h", "0", ".5", ""], 0..=2);
        (forms, words.clone(), words, units, any::<bool>()).prop_map(|(forms, yes, no, units, trim)| {
            let strings = |words: Vec<&str>| words.into_iter().map(str::to_owned).collect();
            InputSpec {
                dates: forms.into_iter().filter_map(DateForm::parse).collect(),
                booleans: (strings(yes), strings(no)),
                units: vec![("hours".to_owned(), strings(units))],
                trim,
                ..InputSpec::default()
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn the_quick_forms_type_as_the_general_path(text in cell(), input in spec()) {
            for ty in [FieldType::Decimal, FieldType::Int, FieldType::Bool, FieldType::Date] {
                agrees(ty, Raw::Cell(&text), &input)?;
                agrees(ty, Raw::Str(&text), &input)?;
                agrees(ty, Raw::Number(&text), &input)?;
            }
        }
    }

    #[test]
    fn the_quick_forms_and_what_they_leave_to_the_general_path() {
        let cell = |ty, text| typed(ty, Raw::Cell(text)).map(|v| exact(&v));
        let num = |text: &str| {
            Some(exact(&Value::Num(
                Decimal::from_str_exact(text).expect("a decimal"),
            )))
        };
        assert_eq!(cell(FieldType::Decimal, "4.50"), num("4.50"));
        assert_eq!(cell(FieldType::Decimal, "007"), num("7"));
        assert_eq!(
            cell(FieldType::Decimal, "123456789012345678"),
            num("123456789012345678")
        );
        for text in [
            "+1",
            "-1",
            ".5",
            "5.",
            "1e3",
            " 1",
            "1 ",
            "１",
            "1.2.3",
            "1234567890123456789",
            "",
        ] {
            assert_eq!(cell(FieldType::Decimal, text), None, "{text:?}");
        }
        assert_eq!(cell(FieldType::Int, "4.0"), None);
        assert_eq!(cell(FieldType::Bool, "true"), Some("Bool(true)".into()));
        assert_eq!(cell(FieldType::Bool, "TRUE"), None);
        assert_eq!(
            cell(FieldType::Date, "2028-02-29"),
            Some("Date(2028-02-29)".into())
        );
        for text in [
            "2026-02-29",
            "2026-3-1",
            "2026-13-01",
            "2026-04-00",
            "2026-03-01T00:00:00",
        ] {
            assert_eq!(cell(FieldType::Date, text), None, "{text:?}");
        }
    }

    #[test]
    fn a_declared_form_that_reads_iso_text_otherwise_turns_the_quick_path_off() {
        let with = |form: &str| InputSpec {
            dates: vec![DateForm::parse(form).expect("a form")],
            ..InputSpec::default()
        };
        assert!(allowed(FieldType::Date, "date", &with("YYYY/M/D")));
        assert!(allowed(FieldType::Date, "date", &with("YYYY-M-D")));
        assert!(!allowed(FieldType::Date, "date", &with("YYYY-DD-MM")));
        let yes_is_false = InputSpec {
            booleans: (vec![], vec!["True".to_owned()]),
            ..InputSpec::default()
        };
        assert!(!allowed(FieldType::Bool, "verified", &yes_is_false));
        let tenths = InputSpec {
            units: vec![("hours".to_owned(), vec!["0".to_owned()])],
            ..InputSpec::default()
        };
        assert!(!allowed(FieldType::Decimal, "hours", &tenths));
        assert!(allowed(FieldType::Decimal, "minutes", &tenths));
    }
}
