//! The one table of built-in functions: name, signature, what null does, an example.
//!
//! `docs/expressions.md`'s function table, the JSON Schema's expression descriptions
//! and the checker's "did you mean" suggestions are all made from [`CATALOG`]; a test
//! evaluates every example, so the documentation cannot drift from the engine.

/// One built-in function as a rule author reads it.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The function's name.
    pub name: &'static str,
    /// `name(param: type, …) -> type`.
    pub signature: &'static str,
    /// What a null argument gives.
    pub null: &'static str,
    /// An expression using the function …
    pub example: &'static str,
    /// … and its value, as an explanation shows it.
    pub result: &'static str,
    /// Where it may be used: `record` (everywhere) or `group` (vetoes, count/sum rules).
    pub context: &'static str,
    /// What it does, in a few words.
    pub summary: &'static str,
}

const NULL_IN: &str = "null if any argument is null";

macro_rules! entry {
    ($name:literal, $sig:literal, $null:expr, $ex:literal => $res:literal, $summary:literal) => {
        entry!($name, $sig, $null, $ex => $res, $summary, "record")
    };
    ($name:literal, $sig:literal, $null:expr, $ex:literal => $res:literal, $summary:literal, $ctx:literal) => {
        Entry { name: $name, signature: $sig, null: $null, example: $ex, result: $res, context: $ctx, summary: $summary }
    };
}

/// Every function, in the order the documentation lists them.
pub const CATALOG: &[Entry] = &[
    entry!("if", "if(cond: bool, then: T, else: T) -> T", "a null condition takes `else`", "if(3 > 2, \"yes\", \"no\")" => "\"yes\"", "the branch the condition picks"),
    entry!("min", "min(a: T, b: T, …) -> T", NULL_IN, "min(3.5, 8)" => "3.5", "the smallest of two or more numbers or dates"),
    entry!("max", "max(a: T, b: T, …) -> T", NULL_IN, "max(2026-03-01, 2026-02-01)" => "2026-03-01", "the largest of two or more numbers or dates"),
    entry!("abs", "abs(x: decimal) -> decimal", NULL_IN, "abs(-2.5)" => "2.5", "absolute value"),
    entry!("round", "round(x: decimal[, places: int]) -> decimal", NULL_IN, "round(2.345, 2)" => "2.35", "rounded half away from zero to `places` (default 0)"),
    entry!("floor", "floor(x: decimal) -> decimal", NULL_IN, "floor(-2.5)" => "-3", "the largest whole number not above x"),
    entry!("ceil", "ceil(x: decimal) -> decimal", NULL_IN, "ceil(2.1)" => "3", "the smallest whole number not below x"),
    entry!("number", "number(x: string | decimal) -> decimal", NULL_IN, "number(\"12.5\")" => "12.5", "a string's exact decimal (an error names text that is not one)"),
    entry!("string", "string(x: any) -> string", NULL_IN, "string(7.5)" => "\"7.5\"", "a value as text: numbers without trailing zeros, dates as YYYY-MM-DD"),
    entry!("len", "len(x: string | list) -> decimal", NULL_IN, "len(\"近邻党建\")" => "4", "characters (Unicode scalar values, not bytes) of a string, items of a list"),
    entry!("lower", "lower(s: string) -> string", NULL_IN, "lower(\"ABC\")" => "\"abc\"", "lower case (Unicode)"),
    entry!("upper", "upper(s: string) -> string", NULL_IN, "upper(\"abc\")" => "\"ABC\"", "upper case (Unicode)"),
    entry!("trim", "trim(s: string) -> string", NULL_IN, "trim(\"　a b \")" => "\"a b\"", "without whitespace (full-width spaces too) at either end"),
    entry!("starts_with", "starts_with(s: string, prefix: string) -> bool", NULL_IN, "starts_with(\"月行一善\", \"月\")" => "true", "whether s begins with prefix"),
    entry!("ends_with", "ends_with(s: string, suffix: string) -> bool", NULL_IN, "ends_with(\"a.pdf\", \".pdf\")" => "true", "whether s ends with suffix"),
    entry!("contains", "contains(s: string, part: string) -> bool | contains(l: list<T>, x: T) -> bool", NULL_IN, "contains([\"elderly\", \"night\"], \"night\")" => "true", "whether a string holds a substring, or a list an item (as `x in l`)"),
    entry!("replace", "replace(s: string, from: string, to: string) -> string", NULL_IN, "replace(\"a-b-c\", \"-\", \"/\")" => "\"a/b/c\"", "every occurrence of `from` replaced by `to`"),
    entry!("matches", "matches(s: string, re: string) -> bool", NULL_IN, "matches(\"A-1024\", \"^[A-Z]-[0-9]+$\")" => "true", "whether the regular expression matches anywhere in s (anchor with ^…$); linear time, size-limited"),
    entry!("year", "year(d: date) -> decimal", NULL_IN, "year(2026-03-14)" => "2026", "the year"),
    entry!("quarter", "quarter(d: date) -> decimal", NULL_IN, "quarter(2026-08-01)" => "3", "the quarter, 1 to 4"),
    entry!("month", "month(d: date) -> decimal", NULL_IN, "month(2026-03-14)" => "3", "the month, 1 to 12"),
    entry!("day", "day(d: date) -> decimal", NULL_IN, "day(2026-03-14)" => "14", "the day of the month"),
    entry!("weekday", "weekday(d: date) -> decimal", NULL_IN, "weekday(2026-03-14)" => "6", "Monday = 1 … Sunday = 7"),
    entry!("day_of_year", "day_of_year(d: date) -> decimal", NULL_IN, "day_of_year(2024-12-31)" => "366", "1 to 366"),
    entry!("iso_week", "iso_week(d: date) -> decimal", NULL_IN, "iso_week(2026-12-31)" => "53", "the ISO 8601 week number, 1 to 53"),
    entry!("is_workday", "is_workday(d: date) -> bool", NULL_IN, "is_workday(2026-03-14)" => "false", "a working day by the rulebook's calendar (a listed make-up workday is one)"),
    entry!("is_holiday", "is_holiday(d: date) -> bool", NULL_IN, "is_holiday(2026-03-14)" => "false", "a listed holiday of the rulebook's calendar (not a make-up workday)"),
    entry!("days_between", "days_between(a: date, b: date) -> decimal", NULL_IN, "days_between(2026-02-27, 2026-03-01)" => "2", "days from a to b (negative when b is earlier)"),
    entry!("workdays_between", "workdays_between(a: date, b: date) -> decimal", NULL_IN, "workdays_between(2026-03-13, 2026-03-16)" => "1", "working days d with a < d ≤ b, by the calendar"),
    entry!("months_between", "months_between(a: date, b: date) -> decimal", NULL_IN, "months_between(2026-01-31, 2026-02-28)" => "0", "whole months from a to b, a month counted on a's day of the month (negative when b is earlier)"),
    entry!("age", "age(birthday: date, on: date) -> decimal", NULL_IN, "age(1966-05-20, 2026-05-20)" => "60", "whole years, a year counted on the birthday's month and day (29 February: on 1 March in common years)"),
    entry!("add_days", "add_days(d: date, n: int) -> date", NULL_IN, "add_days(2026-02-27, 2)" => "2026-03-01", "the date n days later"),
    entry!("add_workdays", "add_workdays(d: date, n: int) -> date", NULL_IN, "add_workdays(2026-03-13, 1)" => "2026-03-16", "the date n working days later, by the calendar"),
    entry!("count", "count([pred: bool]) -> decimal", "records whose condition is null are not counted", "count(kind == \"violation\")" => "0", "the member's records in the window (that satisfy pred)", "group"),
    entry!("sum", "sum(x: decimal[, pred: bool]) -> decimal", "null values are skipped", "sum(hours, verified)" => "0", "the sum of x over the member's records in the window", "group"),
    entry!("avg", "avg(x: decimal[, pred: bool]) -> decimal", "null values are skipped; null when none", "avg(stars)" => "null", "the mean of x over the member's records in the window", "group"),
    entry!("points", "points(rule: string) -> decimal", "never null", "points(\"volunteer-hours\")" => "0", "points the member earned from a rule in the window", "group"),
];

/// Every function name, for "did you mean" suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().map(|e| e.name)
}

/// The catalog entry of `name`.
pub fn entry(name: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|e| e.name == name)
}

/// What the JSON Schema says of every expression-valued key (editors show it on
/// hover); `merit schema` builds it into the generated schema.
pub fn schema_description() -> String {
    format!(
        "An expression (docs/expressions.md): a string, a number or a boolean. Operators: ?? or and not == != < <= > >= in + - * / %. Functions: {}.",
        names().collect::<Vec<_>>().join(", ")
    )
}

/// The function table as Markdown, as `docs/expressions.md` carries it; a test
/// keeps the committed copy equal.
#[cfg(test)]
pub fn markdown() -> String {
    let mut out = String::from("| function | signature | null | example |\n| --- | --- | --- | --- |\n");
    for e in CATALOG {
        let example = format!("`{}` = `{}`", e.example, e.result).replace('|', "\\|");
        let group = if e.context == "group" { " (group)" } else { "" };
        out.push_str(&format!(
            "| `{}`{group} | `{}`: {} | {} | {example} |\n",
            e.name,
            e.signature.replace('|', "\\|"),
            e.summary,
            e.null,
        ));
    }
    out
}
