//! Loading a rulebook: YAML → node tree → checked model, every problem located.

use jiff::tz::TimeZone;

use crate::calendar::{CALENDAR_YEARS, Calendar, Per, parse_date_span, parse_weekday};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::rules::{self, Rule, RuleContext, ScriptContext};
use crate::yaml::{self, Node, NodeKind};

use super::{Limits, Rulebook, Unit, digest, fields};
use crate::decode::{Decoder, ExprCompiler, MapReader};

pub(crate) const TOP_KEYS: &[&str] = &[
    "merit",
    "id",
    "version",
    "title",
    "description",
    "timezone",
    "period",
    "unit",
    "calendar",
    "fields",
    "rules",
    "indexes",
    "bank",
    "tests",
    "input",
    "kinds",
];

/// The only format version this engine reads.
const FORMAT_VERSION: &str = "1";

pub fn load(
    source: &str,
    name: &str,
    limits: &Limits,
    include: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Rulebook, Vec<Diagnostic>> {
    let mut decoder = Decoder::new(name, source);
    if source.len() > limits.max_bytes {
        decoder.error(
            "too-large",
            0..0,
            format!(
                "the rulebook is {} bytes; the limit is {} bytes",
                source.len(),
                limits.max_bytes
            ),
        );
        return Err(decoder.diagnostics);
    }
    let root = match yaml::parse(source, &limits.yaml) {
        Ok(root) => root,
        Err(error) => {
            let (message, help) = match error.message.strip_prefix("duplicate mapping key: ") {
                Some(rest) => {
                    let key = rest.split(',').next().unwrap_or(rest).trim();
                    (
                        format!("`{key}` appears twice in this mapping"),
                        "keep one of them (or merge the two)",
                    )
                }
                None if error.message.starts_with("the YAML") => (
                    error.message.clone(),
                    "a rulebook this large or deep is refused to bound memory; see SECURITY.md",
                ),
                None if error.message.contains("anchor") || error.message.contains("alias") => (
                    format!("invalid YAML: {}", error.message),
                    "an alias `*name` must follow an anchor `&name` defined above it",
                ),
                None => (
                    format!("invalid YAML: {}", error.message),
                    "check the indentation of this line and the one above: keys of one mapping line up",
                ),
            };
            let diagnostic = decoder.error("yaml", error.span, message);
            diagnostic.label = Some("here".into());
            diagnostic.help = Some(help.into());
            return Err(decoder.diagnostics);
        }
    };
    if matches!(root.kind, NodeKind::Null) {
        decoder.error("empty", 0..0, "the rulebook is empty").help =
            Some("start with `merit: 1`, an `id`, `fields` and `rules`".into());
        return Err(decoder.diagnostics);
    }
    let Some(mut top) = decoder.map(&root, "the rulebook") else {
        return Err(decoder.diagnostics);
    };
    let book = decode_book(&mut decoder, &mut top, &root, name, source, limits, include);
    report_misplaced_rule_keys(&mut decoder, &mut top);
    top.finish(&mut decoder, TOP_KEYS);
    decoder.diagnostics.sort_by_key(|d| d.span.start);
    match book {
        Some(mut book) if !decoder.has_errors() => {
            book.warnings = decoder.diagnostics;
            Ok(book)
        }
        _ => Err(decoder.diagnostics),
    }
}

fn decode_book(
    decoder: &mut Decoder,
    top: &mut MapReader,
    root: &Node,
    name: &str,
    source: &str,
    limits: &Limits,
    include: &dyn Fn(&str) -> Result<String, String>,
) -> Option<Rulebook> {
    if let Some(node) = top.get("merit") {
        let version = decoder.string(node, "`merit` (the format version)");
        if version.as_deref().is_some_and(|v| v != FORMAT_VERSION) {
            decoder.error(
                "format-version",
                node.span.clone(),
                "this engine reads rulebook format `merit: 1`",
            );
        }
    }
    let id = match top.get("id") {
        Some(node) => decoder.ident(node, "rulebook `id`"),
        None => Some(default_id(name)),
    };
    let version = top
        .get("version")
        .and_then(|n| decoder.string(n, "`version`"))
        .unwrap_or_default();
    let title = top.get("title").and_then(|n| decoder.string(n, "`title`"));
    top.get("description");
    let timezone = match top.get("timezone") {
        Some(node) => decode_timezone(decoder, node),
        None => Some(TimeZone::UTC),
    };
    let period = match top.get("period") {
        Some(node) => rules::decode_per(decoder, node, "the rulebook"),
        None => Some(Per::Month),
    };
    let unit = top
        .get("unit")
        .map(|n| decode_unit(decoder, n))
        .unwrap_or(Some(Unit::default()));
    let calendar = top
        .get("calendar")
        .map(|n| decode_calendar(decoder, n))
        .unwrap_or_default();
    let schema = top
        .get("fields")
        .map(|n| fields::decode(decoder, n))
        .unwrap_or_default();
    let input = super::input::decode(decoder, top.get("input"), top.get("kinds"), &schema);

    let rule_nodes: &[Node] = match top.get("rules") {
        Some(node) => decoder.seq(node, "`rules`").unwrap_or_default(),
        None => &[],
    };
    if rule_nodes.len() > limits.max_rules {
        decoder.error(
            "too-many-rules",
            top.key_span("rules").unwrap_or_default(),
            format!("{} rules; the limit is {}", rule_nodes.len(), limits.max_rules),
        );
        return None;
    }
    let mut exprs = ExprCompiler {
        schema,
        member_attrs: Vec::new(),
        rule_ids: rule_ids(rule_nodes),
        lets: Vec::new(),
        failed_lets: Vec::new(),
    };
    let schema_for_scripts = exprs.schema.clone();
    let default_per = period.unwrap_or(Per::Month);
    let scripts = ScriptContext::new(
        &calendar,
        &limits.scripts,
        default_per,
        &schema_for_scripts,
        include,
    );
    let context = RuleContext {
        default_per,
        scripts: &scripts,
    };
    let rules: Vec<Rule> = rule_nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| rules::decode(decoder, &mut exprs, node, i, &context))
        .collect();
    // A rule that failed to decode has already said why; what names it (indexes,
    // tests, the bank, `points("…")`) would only echo that one root error.
    let failed = rules.len() < rule_nodes.len();
    rules::check_versions(decoder, &rules);
    let order = knock_on(decoder, failed, |d| rules::evaluation_order(d, &rules));
    let report_order = rules
        .iter()
        .map(|r| rules.iter().position(|x| x.id == r.id).unwrap_or(0))
        .collect();
    let indexes = match top.get("indexes") {
        Some(node) => knock_on(decoder, failed, |d| {
            crate::index::decode(d, &mut exprs, node, &rules, default_per)
        }),
        None => Vec::new(),
    };
    let tests = match top.get("tests") {
        Some(node) => {
            let tests = super::selftest::decode(decoder, node);
            let ids: Vec<&str> = rules
                .iter()
                .map(|r| r.id.as_str())
                .chain(indexes.iter().map(|i| i.id.as_str()))
                .collect();
            knock_on(decoder, failed, |d| {
                super::selftest::check_labels(d, &tests, node, &ids)
            });
            tests
        }
        None => Vec::new(),
    };
    let bank = match (top.get("bank"), &id, &unit) {
        (Some(node), Some(id), Some(unit)) => knock_on(decoder, failed, |d| {
            super::bank::decode(d, node, id, &rules, unit)
        }),
        _ => None,
    };

    Some(Rulebook {
        name: name.to_owned(),
        source: source.to_owned(),
        id: id?,
        version,
        title,
        digest: digest::digest(root),
        timezone: timezone?,
        period: period?,
        unit: unit?,
        calendar,
        schema: exprs.schema,
        member_attrs: exprs.member_attrs,
        rules,
        indexes,
        tests,
        order,
        report_order,
        bank,
        input,
        warnings: Vec::new(),
    })
}

/// Errors that only say a rule or tag is unknown: after a rule failed, they are echoes.
const KNOCK_ON_CODES: &[&str] = &["unknown-rule", "unknown-tag", "unknown-earn-rule"];

/// Runs `step`; when a rule `failed` to decode, drops the unknown-rule and
/// unknown-tag errors it adds, so the rule's own error is the one reported.
fn knock_on<T>(decoder: &mut Decoder, failed: bool, step: impl FnOnce(&mut Decoder) -> T) -> T {
    let mark = decoder.diagnostics.len();
    let out = step(decoder);
    if failed {
        let added = decoder.diagnostics.split_off(mark);
        decoder
            .diagnostics
            .extend(added.into_iter().filter(|d| !KNOCK_ON_CODES.contains(&d.code)));
    }
    out
}

/// A rule's key at the top level is almost always a line indented too little.
fn report_misplaced_rule_keys(decoder: &mut Decoder, top: &mut MapReader) {
    for key in rules::rule_keys() {
        if TOP_KEYS.contains(&key) {
            continue;
        }
        if let Some(span) = top.key_span(key) {
            top.get(key);
            decoder
                .error(
                    "misplaced-key",
                    span,
                    format!("`{key}` belongs to a rule, not to the rulebook"),
                )
                .help = Some("is it indented too little? a rule's keys line up under its `id`".into());
        }
    }
}

/// A rulebook without `id` is named after its file: `rules/volunteer-hours.yaml` → `volunteer-hours`.
fn default_id(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = file.split('.').next().unwrap_or(file);
    if stem.is_empty() {
        "rulebook".to_owned()
    } else {
        stem.to_owned()
    }
}

fn rule_ids(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|node| match &node.kind {
            NodeKind::Map(entries) => entries.iter().find_map(|(k, v)| match (&k.kind, &v.kind) {
                (NodeKind::Str(k), NodeKind::Str(id)) if k == "id" => Some(id.clone()),
                _ => None,
            }),
            _ => None,
        })
        .collect()
}

/// The time zone named `name`, from jiff's bundled database.
#[cfg(feature = "tzdb")]
fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// Without feature `tzdb` (the WebAssembly package's lean build, where the database
/// would be a ninth of the download) UTC and the zone of every shipped pack only,
/// Asia/Shanghai (its TZif from the same database); any other is `not-in-build`.
#[cfg(not(feature = "tzdb"))]
fn zone(name: &str) -> Option<TimeZone> {
    const SHANGHAI: &[u8] = include_bytes!("asia-shanghai.tzif");
    if name.eq_ignore_ascii_case("UTC") || name.eq_ignore_ascii_case("Etc/UTC") {
        Some(TimeZone::UTC)
    } else if name.eq_ignore_ascii_case("Asia/Shanghai") {
        TimeZone::tzif("Asia/Shanghai", SHANGHAI).ok()
    } else {
        None
    }
}

fn decode_timezone(decoder: &mut Decoder, node: &Node) -> Option<TimeZone> {
    let name = decoder.string(node, "`timezone`")?;
    match zone(&name) {
        Some(tz) => Some(tz),
        None if cfg!(not(feature = "tzdb")) => {
            decoder.error(
                crate::diagnostic::NOT_IN_BUILD,
                node.span.clone(),
                format!("time zone `{name}` is not in this build of merit (feature `tzdb`)"),
            );
            None
        }
        None => {
            let known: Vec<String> = jiff::tz::db()
                .available()
                .map(|n| n.as_str().to_owned())
                .collect();
            let diagnostic = decoder.error(
                "unknown-timezone",
                node.span.clone(),
                format!("unknown timezone `{name}`"),
            );
            diagnostic.help = Some(match did_you_mean(&name, known.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "use an IANA name such as `Asia/Shanghai` or `UTC`".to_owned(),
            });
            None
        }
    }
}

impl Default for Unit {
    fn default() -> Self {
        Unit {
            name: "points".to_owned(),
            decimals: 0,
        }
    }
}

fn decode_unit(decoder: &mut Decoder, node: &Node) -> Option<Unit> {
    let mut map = decoder.map(node, "`unit`")?;
    let mut unit = Unit::default();
    if let Some(name) = map.get("name").and_then(|n| decoder.string(n, "`unit.name`")) {
        unit.name = name;
    }
    let decimals = map
        .get("decimals")
        .map(|n| decoder.uint(n, "`unit.decimals`", 10));
    map.finish(decoder, &["name", "decimals"]);
    match decimals {
        Some(None) => None,
        Some(Some(decimals)) => Some(Unit { decimals, ..unit }),
        None => Some(unit),
    }
}

fn decode_calendar(decoder: &mut Decoder, node: &Node) -> Calendar {
    let Some(mut map) = decoder.map(node, "`calendar`") else {
        return Calendar::default();
    };
    let weekend = match map.get("weekend") {
        Some(node) => decoder
            .strings(node, "`calendar.weekend`")
            .into_iter()
            .filter_map(|(name, span)| match parse_weekday(&name) {
                Some(day) => Some(day),
                None => {
                    decoder
                        .error(
                            "bad-weekday",
                            span,
                            format!("`calendar.weekend`: `{name}` is not a day of the week"),
                        )
                        .help = Some("use mon, tue, wed, thu, fri, sat, sun".into());
                    None
                }
            })
            .collect(),
        None => vec![jiff::civil::Weekday::Saturday, jiff::civil::Weekday::Sunday],
    };
    let mut spans = |map: &mut MapReader, key: &str| -> Vec<(jiff::civil::Date, jiff::civil::Date)> {
        let Some(node) = map.get(key) else {
            return Vec::new();
        };
        decoder
            .strings(node, &format!("`calendar.{key}`"))
            .into_iter()
            .filter_map(|(text, span)| match parse_date_span(&text) {
                Ok((a, b)) if !CALENDAR_YEARS.contains(&a.year()) || !CALENDAR_YEARS.contains(&b.year()) => {
                    decoder.error(
                        "bad-date",
                        span,
                        format!(
                            "`calendar.{key}`: `{text}` is outside the years a calendar may name ({}-{})",
                            CALENDAR_YEARS.start(),
                            CALENDAR_YEARS.end()
                        ),
                    );
                    None
                }
                Ok(range) => Some(range),
                Err(message) => {
                    decoder.error("bad-date", span, format!("`calendar.{key}`: {message}"));
                    None
                }
            })
            .collect()
    };
    let holidays = spans(&mut map, "holidays");
    let workdays = spans(&mut map, "workdays");
    map.finish(decoder, &["weekend", "holidays", "workdays"]);
    Calendar::new(&weekend, &holidays, &workdays)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The editor schema must know every key the loader knows, or editors would
    /// flag valid rulebooks.
    #[test]
    fn the_json_schema_names_every_key() {
        let schema: serde_json::Value =
            serde_json::from_str(super::super::JSON_SCHEMA).expect("schema is JSON");
        let text = schema.to_string();
        for key in TOP_KEYS.iter().copied().chain(rules::rule_keys()) {
            assert!(text.contains(&format!("\"{key}\"")), "the schema lacks `{key}`");
        }
    }
}
