//! A member of the report written as JSON by hand: byte for byte what serde_json
//! writes for [`MemberReport`]'s derived `Serialize`, pretty or compact.
//!
//! The bench's report is 883,000 awards in 391 MB. Through serde, its strings
//! were escaped a byte at a time (serde_json's `format_escaped_str_contents`, 14%
//! of the CLI's instructions) and its decimals and dates went through
//! `core::fmt` (7%). Here a string without a byte to escape is written as it is,
//! and decimals and dates from small buffers. The rare parts (indexes, why-not)
//! still go through serde. The tests below compare it with serde_json on members
//! made to need every slow path; `engine/tests/stream.rs` and `parallel.rs` compare
//! whole reports on every conformance case and across batches.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::OnceLock;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::json::{Style, line};
use super::{AwardReport, IndexReport, MemberReport, Unscored};
use crate::value::DecimalText;

/// `member` as a value nested `depth` deep.
pub(super) fn member(
    style: Style,
    member: &MemberReport,
    depth: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut json = MemberJson::open(style, depth, out, &member.member, member.total)?;
    for row in &member.periods {
        json.period(
            out,
            &row.period,
            row.total,
            row.rules.iter().map(|(rule, points)| (&**rule, *points)),
        )?;
        for award in &row.awards {
            json.award(
                out,
                &AwardText::of(award),
                award.records.iter().map(String::as_str),
            )?;
        }
    }
    json.close(out, &member.indexes, member.unscored.as_deref())
}

/// One award's fields but its records, borrowed: from an [`AwardReport`], or from
/// an evaluation that writes its members without making them
/// ([`Evaluation`](crate::Evaluation)'s JSON).
pub(crate) struct AwardText<'a> {
    pub rule: &'a str,
    pub date: Date,
    pub points: Decimal,
    pub explain: &'a str,
    pub trace: &'a str,
    /// The cap's label and the points it held back.
    pub withheld: Option<(&'a str, Decimal)>,
    pub provisional: bool,
    pub failed: Option<&'a str>,
}

impl<'a> AwardText<'a> {
    fn of(award: &'a AwardReport) -> AwardText<'a> {
        AwardText {
            rule: &award.rule,
            date: award.date,
            points: award.points,
            explain: &award.explain,
            trace: &award.trace,
            withheld: award.withheld.as_ref().map(|w| (&*w.cap, w.points)),
            provisional: award.provisional,
            failed: award.failed.as_deref(),
        }
    }
}

/// A member's JSON written as it is told, part by part: the one layout both a
/// [`MemberReport`] and an evaluation's unmade member go through, so that the two
/// cannot differ. Open it, then for each period [`MemberJson::period`] and that
/// period's [`MemberJson::award`]s, then [`MemberJson::close`].
pub(crate) struct MemberJson {
    style: Style,
    depth: usize,
    member: Object,
    periods: List,
    /// The open period's object and awards.
    period: Option<(Object, List)>,
    /// What an award at its depth holds between its values.
    keys: Cow<'static, AwardKeys>,
}

impl MemberJson {
    /// The member's `member` and `total`, and the opening of its `periods`; the
    /// member nested `depth` deep.
    pub(crate) fn open(
        style: Style,
        depth: usize,
        out: &mut impl Write,
        id: &str,
        total: Decimal,
    ) -> io::Result<MemberJson> {
        let mut member = Object::open(style, depth, out)?;
        member.key(out, "member")?;
        string(out, id)?;
        member.key(out, "total")?;
        decimal(out, total)?;
        member.key(out, "periods")?;
        let periods = List::open(style, depth + 1, out)?;
        Ok(MemberJson {
            style,
            depth,
            member,
            periods,
            period: None,
            keys: AwardKeys::at(style, depth + 4),
        })
    }

    /// Ends the open period, if any, and opens the next one: its label, total and
    /// sums by rule, then its awards.
    pub(crate) fn period<'r>(
        &mut self,
        out: &mut impl Write,
        label: &str,
        total: Decimal,
        rules: impl IntoIterator<Item = (&'r str, Decimal)>,
    ) -> io::Result<()> {
        self.end_period(out)?;
        let (style, depth) = (self.style, self.depth + 2);
        self.periods.item(out)?;
        let mut period = Object::open(style, depth, out)?;
        period.key(out, "period")?;
        string(out, label)?;
        period.key(out, "total")?;
        decimal(out, total)?;
        period.key(out, "rules")?;
        let mut sums = Object::open(style, depth + 1, out)?;
        for (rule, points) in rules {
            sums.key_text(out, rule)?;
            decimal(out, points)?;
        }
        sums.close(out)?;
        period.key(out, "awards")?;
        let awards = List::open(style, depth + 1, out)?;
        self.period = Some((period, awards));
        Ok(())
    }

    /// One award of the open period, with the ids of the records it came from.
    pub(crate) fn award<'r>(
        &mut self,
        out: &mut impl Write,
        award: &AwardText,
        records: impl IntoIterator<Item = &'r str>,
    ) -> io::Result<()> {
        let Some((_, awards)) = &mut self.period else {
            return Err(io::Error::other("an award outside a period"));
        };
        awards.item(out)?;
        let keys = &*self.keys;
        out.write_all(&keys.rule)?;
        string(out, award.rule)?;
        out.write_all(&keys.date)?;
        date(out, award.date)?;
        out.write_all(&keys.points)?;
        decimal(out, award.points)?;
        out.write_all(&keys.records)?;
        let mut listed = false;
        for record in records {
            out.write_all(if listed {
                &keys.next_record
            } else {
                &keys.first_record
            })?;
            string(out, record)?;
            listed = true;
        }
        out.write_all(if listed { &keys.records_end } else { b"]" })?;
        out.write_all(&keys.explain)?;
        string(out, award.explain)?;
        out.write_all(&keys.trace)?;
        string(out, award.trace)?;
        out.write_all(&keys.withheld)?;
        match award.withheld {
            None => out.write_all(b"null")?,
            Some((cap, points)) => {
                out.write_all(&keys.cap)?;
                string(out, cap)?;
                out.write_all(&keys.held)?;
                decimal(out, points)?;
                out.write_all(&keys.withheld_end)?;
            }
        }
        out.write_all(&keys.provisional)?;
        out.write_all(if award.provisional { b"true" } else { b"false" })?;
        if let Some(failed) = award.failed {
            out.write_all(&keys.failed)?;
            string(out, failed)?;
        }
        out.write_all(&keys.end)
    }

    fn end_period(&mut self, out: &mut impl Write) -> io::Result<()> {
        if let Some((period, awards)) = self.period.take() {
            awards.close(out)?;
            period.close(out)?;
        }
        Ok(())
    }

    /// Ends the periods and writes the member's `indexes` and, when asked for,
    /// `unscored`.
    pub(crate) fn close(
        mut self,
        out: &mut impl Write,
        indexes: &[IndexReport],
        unscored: Option<&[Unscored]>,
    ) -> io::Result<()> {
        self.end_period(out)?;
        self.periods.close(out)?;
        self.member.key(out, "indexes")?;
        self.style.render(indexes, self.depth + 1, &mut *out)?;
        if let Some(unscored) = unscored {
            self.member.key(out, "unscored")?;
            self.style.render(unscored, self.depth + 1, &mut *out)?;
        }
        self.member.close(out)
    }
}

/// The bytes an award's JSON holds between its values, at one depth in one style,
/// each written in one call: built from a line break, indentation, a quote, a name
/// and a colon, an award's nine keys took half the instructions of writing it.
/// Built by [`Object`] and [`List`] themselves, so they are what those write.
#[derive(Clone)]
struct AwardKeys {
    /// `{` and the first key.
    rule: Vec<u8>,
    date: Vec<u8>,
    points: Vec<u8>,
    /// The key and `[`.
    records: Vec<u8>,
    first_record: Vec<u8>,
    next_record: Vec<u8>,
    /// What closes a list of records that is not empty.
    records_end: Vec<u8>,
    explain: Vec<u8>,
    trace: Vec<u8>,
    withheld: Vec<u8>,
    /// `{` and `cap`'s key, in a `withheld` that is not null.
    cap: Vec<u8>,
    held: Vec<u8>,
    withheld_end: Vec<u8>,
    provisional: Vec<u8>,
    failed: Vec<u8>,
    /// What closes the award.
    end: Vec<u8>,
}

/// The depths whose [`AwardKeys`] are kept once built: a report's awards are 6 deep.
const KEPT_DEPTHS: usize = 8;

impl AwardKeys {
    /// The keys of an award nested `depth` deep.
    fn at(style: Style, depth: usize) -> Cow<'static, AwardKeys> {
        static KEPT: [[OnceLock<AwardKeys>; KEPT_DEPTHS]; 2] =
            [const { [const { OnceLock::new() }; KEPT_DEPTHS] }; 2];
        let kept = match style {
            Style::Pretty => &KEPT[0],
            Style::Compact => &KEPT[1],
        };
        match kept.get(depth) {
            Some(keys) => Cow::Borrowed(keys.get_or_init(|| AwardKeys::new(style, depth))),
            None => Cow::Owned(AwardKeys::new(style, depth)),
        }
    }

    fn new(style: Style, depth: usize) -> AwardKeys {
        let bytes = |write: &dyn Fn(&mut Vec<u8>) -> io::Result<()>| {
            let mut out = Vec::new();
            write(&mut out).expect("writing to a Vec");
            out
        };
        let items = |depth, first| Items { style, depth, first };
        let key = |depth, first, name| {
            bytes(&|out| {
                Object {
                    items: items(depth, first),
                }
                .key(out, name)
            })
        };
        let open = |depth, name| bytes(&|out| Object::open(style, depth, out)?.key(out, name));
        AwardKeys {
            rule: open(depth, "rule"),
            date: key(depth, false, "date"),
            points: key(depth, false, "points"),
            records: bytes(&|out| {
                Object {
                    items: items(depth, false),
                }
                .key(out, "records")?;
                out.write_all(b"[")
            }),
            first_record: bytes(&|out| items(depth + 1, true).next(out)),
            next_record: bytes(&|out| items(depth + 1, false).next(out)),
            records_end: bytes(&|out| items(depth + 1, false).close(out, b']')),
            explain: key(depth, false, "explain"),
            trace: key(depth, false, "trace"),
            withheld: key(depth, false, "withheld"),
            cap: open(depth + 1, "cap"),
            held: key(depth + 1, false, "points"),
            withheld_end: bytes(&|out| items(depth + 1, false).close(out, b'}')),
            provisional: key(depth, false, "provisional"),
            failed: key(depth, false, "failed"),
            end: bytes(&|out| items(depth, false).close(out, b'}')),
        }
    }
}

/// An open JSON object whose opening brace is written: its keys go one level
/// deeper than `depth`, the value's own.
struct Object {
    items: Items,
}

impl Object {
    fn open(style: Style, depth: usize, out: &mut impl Write) -> io::Result<Object> {
        out.write_all(b"{")?;
        Ok(Object {
            items: Items::new(style, depth),
        })
    }

    /// `"name": ` (after `{` or `,`) for a field's name, which needs no escaping.
    fn key(&mut self, out: &mut impl Write, name: &'static str) -> io::Result<()> {
        debug_assert!(!needs_escape(name.as_bytes()));
        self.items.next(out)?;
        out.write_all(b"\"")?;
        out.write_all(name.as_bytes())?;
        out.write_all(match self.items.style {
            Style::Pretty => b"\": ",
            Style::Compact => b"\":",
        })
    }

    /// `"text": ` for a key from the data (a rule's id).
    fn key_text(&mut self, out: &mut impl Write, text: &str) -> io::Result<()> {
        self.items.next(out)?;
        string(out, text)?;
        out.write_all(self.items.style.colon())
    }

    fn close(self, out: &mut impl Write) -> io::Result<()> {
        self.items.close(out, b'}')
    }
}

/// An open JSON array whose opening bracket is written.
struct List {
    items: Items,
}

impl List {
    fn open(style: Style, depth: usize, out: &mut impl Write) -> io::Result<List> {
        out.write_all(b"[")?;
        Ok(List {
            items: Items::new(style, depth),
        })
    }

    /// What goes before the next item.
    fn item(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.items.next(out)
    }

    fn close(self, out: &mut impl Write) -> io::Result<()> {
        self.items.close(out, b']')
    }
}

/// The items of an object or array as serde_json separates them.
struct Items {
    style: Style,
    depth: usize,
    first: bool,
}

impl Items {
    fn new(style: Style, depth: usize) -> Items {
        Items {
            style,
            depth,
            first: true,
        }
    }

    fn next(&mut self, out: &mut impl Write) -> io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        match self.style {
            Style::Pretty => line(out, first, self.depth + 1),
            Style::Compact if first => Ok(()),
            Style::Compact => out.write_all(b","),
        }
    }

    /// Pretty JSON puts a closing bracket on its own line unless nothing was
    /// written between the brackets.
    fn close(self, out: &mut impl Write, bracket: u8) -> io::Result<()> {
        if let (Style::Pretty, false) = (self.style, self.first) {
            line(out, true, self.depth)?;
        }
        out.write_all(&[bracket])
    }
}

/// A JSON string: as it is when no byte needs escaping, which is the rule for
/// ids, sentences and labels; through serde_json otherwise.
fn string(out: &mut impl Write, text: &str) -> io::Result<()> {
    if needs_escape(text.as_bytes()) {
        return serde_json::to_writer(out, text).map_err(io::Error::from);
    }
    out.write_all(b"\"")?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\"")
}

/// Whether `bytes` hold one that JSON escapes: a control byte (under 0x20), `"`
/// or `\`. Eight bytes at a time, as one `u64` (the classic test for a zero
/// byte: a byte under `n` sets its high bit in `x - n·0x01…` while its own high
/// bit is clear); the last eight bytes are read as one word, overlapping the
/// words before, and a text shorter than a word is read a byte at a time.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let word = |x: &[u8]| {
        let x = u64::from_ne_bytes(x.try_into().expect("eight bytes"));
        below(x, 0x20) | below(x ^ (ONES * u64::from(b'"')), 1) | below(x ^ (ONES * u64::from(b'\\')), 1)
    };
    if bytes.len() < 8 {
        return bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    let last = word(&bytes[bytes.len() - 8..]);
    bytes
        .chunks_exact(8)
        .fold(last, |found, chunk| found | word(chunk))
        != 0
}

/// A decimal as the report writes it: a string of [`DecimalText`].
fn decimal(out: &mut impl Write, value: Decimal) -> io::Result<()> {
    let mut buffer = [0; 64];
    match DecimalText(value).text(&mut buffer) {
        Some(text) => {
            out.write_all(b"\"")?;
            out.write_all(text.as_bytes())?;
            out.write_all(b"\"")
        }
        None => write!(out, "\"{value}\""),
    }
}

/// A date as the report writes it: `"YYYY-MM-DD"` (jiff's text; years outside
/// 0–9999, which jiff writes with a sign and six digits, through jiff).
fn date(out: &mut impl Write, value: Date) -> io::Result<()> {
    let year = value.year();
    if !(0..=9999).contains(&year) {
        return write!(out, "\"{value}\"");
    }
    let digit = |n: i16| b'0' + n as u8;
    let (month, day) = (i16::from(value.month()), i16::from(value.day()));
    out.write_all(&[
        b'"',
        digit(year / 1000),
        digit(year / 100 % 10),
        digit(year / 10 % 10),
        digit(year % 10),
        b'-',
        digit(month / 10),
        digit(month % 10),
        b'-',
        digit(day / 10),
        digit(day % 10),
        b'"',
    ])
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::ser::{Formatter, PrettyFormatter};

    use super::*;
    use crate::report::{PeriodReport, Reason, Withheld};

    /// serde_json's own text of `value` nested `depth` deep: the reference.
    fn serde_text(style: Style, value: &impl Serialize, depth: usize) -> Vec<u8> {
        let mut out = Vec::new();
        match style {
            Style::Compact => serde_json::to_writer(&mut out, value).expect("writes"),
            Style::Pretty => {
                let mut formatter = PrettyFormatter::new();
                for _ in 0..depth {
                    formatter.begin_array(&mut io::sink()).expect("writes");
                }
                value
                    .serialize(&mut serde_json::Serializer::with_formatter(&mut out, formatter))
                    .expect("writes");
            }
        }
        out
    }

    fn award(rule: &str, date: Date, points: Decimal, text: &str) -> AwardReport {
        AwardReport {
            rule: rule.to_owned(),
            date,
            points,
            records: vec![format!("r-{text}"), String::new()],
            explain: text.to_owned(),
            trace: format!("{text} = {points}"),
            withheld: None,
            provisional: false,
            failed: None,
        }
    }

    /// Every shape a member takes, with texts and figures that need the slow paths.
    fn members() -> Vec<MemberReport> {
        let d = |y, m, day| Date::new(y, m, day).expect("a date");
        let n = |text: &str| text.parse::<Decimal>().expect("a decimal");
        let mut awards = vec![
            award("plain", d(2026, 3, 14), n("12.5"), "min(hours=8, 8) * 10 = 80"),
            award(
                "q\"uote\\",
                d(1, 1, 1),
                n("-0.005"),
                "tab\there\nnewline \u{1} \u{1f} \u{7f}",
            ),
            award(
                "志愿服务",
                d(9999, 12, 31),
                n("0"),
                "已核实：志愿服务 2 小时 → 20 分",
            ),
            award(
                "big",
                d(-44, 3, 15),
                n("79228162514264337593543950335"),
                "\"quoted\" at the end\"",
            ),
            award("scale", d(2026, 1, 2), n("0.0000000000000000000000000001"), ""),
        ];
        awards[0].withheld = Some(Withheld {
            cap: "month 200".to_owned(),
            points: n("10.0"),
        });
        awards[1].provisional = true;
        awards[2].failed = Some("stopped after 10,000 operations \"x\"".to_owned());
        awards[3].records.clear();
        let period = |name: &str, awards: Vec<AwardReport>, rules: Vec<(String, Decimal)>| PeriodReport {
            period: name.to_owned(),
            total: n("-3.25"),
            rules,
            awards,
        };
        let full = MemberReport {
            member: "m\"1".to_owned(),
            total: n("1234567890123456789.5"),
            periods: vec![
                period(
                    "2026-03",
                    awards,
                    vec![("plain".to_owned(), n("1.0")), ("q\"".to_owned(), n("-2"))],
                ),
                period("2026-Q1", Vec::new(), Vec::new()),
            ],
            indexes: vec![IndexReport {
                index: "initial-mission".to_owned(),
                period: "2026".to_owned(),
                score: n("87.5"),
                grade: Some("优秀".to_owned()),
                veto: None,
                dimensions: vec![("study".to_owned(), n("30"))],
                provisional: false,
                veto_records: Vec::new(),
            }],
            unscored: Some(vec![Unscored {
                record: "r9".to_owned(),
                date: d(2026, 2, 1),
                reasons: vec![Reason {
                    rule: "plain".to_owned(),
                    why: "verified=false".to_owned(),
                }],
            }]),
        };
        let empty = MemberReport {
            member: String::new(),
            total: Decimal::ZERO,
            periods: Vec::new(),
            indexes: Vec::new(),
            unscored: None,
        };
        vec![full, empty]
    }

    #[test]
    fn a_member_is_written_as_serde_json_writes_it() {
        for member in members() {
            for style in [Style::Pretty, Style::Compact] {
                for depth in [0, 1, 2, 5] {
                    let mut written = Vec::new();
                    super::member(style, &member, depth, &mut written).expect("writes");
                    let expected = serde_text(style, &member, depth);
                    assert_eq!(
                        String::from_utf8_lossy(&written),
                        String::from_utf8_lossy(&expected),
                        "{} at depth {depth}",
                        member.member
                    );
                }
            }
        }
    }

    #[test]
    fn needs_escape_finds_every_byte_json_escapes_wherever_it_is() {
        let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        for len in 1..=19 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = b;
                    assert_eq!(needs_escape(&bytes), escaped(b), "byte {b:#04x} at {at} of {len}");
                    // A byte that needs nothing is not flagged by its neighbours.
                    bytes.iter_mut().for_each(|x| *x = 0xff - (*x & 0x0f));
                    bytes[at] = b;
                    assert_eq!(needs_escape(&bytes), escaped(b), "byte {b:#04x} among high bytes");
                }
            }
        }
        assert!(!needs_escape(b""));
    }
}
