//! The one module that knows which YAML crate merit uses.
//!
//! YAML is read into a [`Node`] tree that keeps the byte span of every node, so that
//! every later error (an unknown key, a misspelt field inside an expression) can point
//! at the exact character in the rulebook. Reading goes through serde-saphyr with a
//! budget, so alias bombs and absurd nesting are refused before they cost memory.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

/// Limits on YAML input; the defaults are generous for any real rulebook.
#[derive(Clone, Debug)]
pub struct YamlLimits {
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most nodes in the document.
    pub max_nodes: usize,
    /// Most alias uses (against "billion laughs").
    pub max_aliases: usize,
    /// Events that aliases may replay in all: what stops a "billion laughs".
    pub max_replayed_events: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            max_depth: 32,
            max_nodes: 1_000_000,
            max_aliases: 1_000,
            max_replayed_events: 100_000,
        }
    }
}

/// A YAML node with its place in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte range in the source; for a mapping or a sequence, its start.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// A number, kept as written so that `0.1` stays exactly `0.1`.
    Number(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    /// What a user calls this kind of node in an error message.
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The node as JSON text (numbers exactly as written), so that records written
    /// inside a rulebook can go through the same readers as records in a file.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let quote = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
        match &self.kind {
            NodeKind::Null => out.push_str("null"),
            NodeKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            NodeKind::Number(n) if serde_json::from_str::<serde_json::Number>(n).is_ok() => out.push_str(n),
            NodeKind::Number(n) | NodeKind::Str(n) => out.push_str(&quote(n)),
            NodeKind::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            NodeKind::Map(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let key = match &key.kind {
                        NodeKind::Str(k) | NodeKind::Number(k) => k.clone(),
                        NodeKind::Bool(b) => b.to_string(),
                        _ => String::new(),
                    };
                    out.push_str(&quote(&key));
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// A YAML syntax error, located.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Range<usize>,
}

/// Budget breaches in words, naming the limit that was hit.
fn friendly(message: &str, limits: &YamlLimits) -> String {
    if message.starts_with("budget breached: Depth") || message == "recursion limit exceeded" {
        format!(
            "the YAML nests deeper than {} levels (YamlLimits::max_depth)",
            limits.max_depth
        )
    } else if message.starts_with("alias replay limit exceeded") {
        format!(
            "the YAML's aliases expand to more than {} events (YamlLimits::max_replayed_events)",
            limits.max_replayed_events
        )
    } else if let Some(rest) = message.strip_prefix("budget breached: ") {
        format!("the YAML exceeds a size limit ({rest}); see YamlLimits in SECURITY.md")
    } else {
        message.to_owned()
    }
}

/// Parses one YAML document into a [`Node`] tree.
pub fn parse(source: &str, limits: &YamlLimits) -> Result<Node, YamlError> {
    let mut budget = Budget::default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_nodes;
    budget.max_aliases = limits.max_aliases;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.alias_limits.max_total_replayed_events = limits.max_replayed_events;
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(source, options) {
        Ok(root) => Ok(convert(source, root)),
        Err(err) => {
            let start = err
                .location()
                .and_then(|loc| loc.span().byte_offset())
                .map(|o| o as usize)
                .or_else(|| {
                    err.location()
                        .map(|loc| offset_of(source, loc.line() as usize, loc.column() as usize))
                })
                .unwrap_or(0)
                .min(source.len());
            let end = next_char_boundary(source, start);
            Err(YamlError {
                message: friendly(&first_line(&err.without_snippet().to_string()), limits),
                span: start..end,
            })
        }
    }
}

fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("invalid YAML").trim();
    // serde-saphyr puts the location in the text; merit shows its own.
    let line = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || c == ' ');
    match line.rfind(" at line ") {
        Some(at) if line[at..].contains("column") => line[..at].to_owned(),
        _ => line.to_owned(),
    }
}

fn next_char_boundary(source: &str, start: usize) -> usize {
    source[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8())
}

/// Byte offset of a 1-based line and character column.
fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let line_start: usize = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &source[line_start.min(source.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

fn convert(source: &str, node: Spanned<Raw>) -> Node {
    let loc = node.referenced;
    let start = loc
        .span()
        .byte_offset()
        .map(|o| o as usize)
        .unwrap_or_else(|| offset_of(source, loc.line() as usize, loc.column() as usize));
    let len = loc.span().byte_len().unwrap_or(0) as usize;
    let span = start..(start + len).min(source.len());
    let kind = match node.value {
        Raw::Null => NodeKind::Null,
        Raw::Bool(b) => NodeKind::Bool(b),
        Raw::Number(fallback) => {
            // The source text is the exact number; the parsed float is only a fallback.
            let text = source.get(span.clone()).map(str::trim).unwrap_or_default();
            NodeKind::Number(if looks_numeric(text) {
                text.replace('_', "")
            } else {
                fallback
            })
        }
        Raw::Str(s) => NodeKind::Str(s),
        Raw::Seq(items) => NodeKind::Seq(items.into_iter().map(|n| convert(source, n)).collect()),
        Raw::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(source, k), convert(source, v)))
                .collect(),
        ),
    };
    Node { kind, span }
}

fn looks_numeric(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | '_' | 'e' | 'E'))
}

/// The shape serde-saphyr hands over, before spans become byte ranges.
enum Raw {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                if v.is_finite() {
                    Ok(Raw::Number(v.to_string()))
                } else {
                    Ok(Raw::Str(v.to_string()))
                }
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Raw::Map(entries))
            }
        }
        deserializer.deserialize_any(RawVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> Node {
        parse(src, &YamlLimits::default()).expect("valid yaml")
    }

    #[test]
    fn numbers_keep_their_written_form() {
        let node = parse_ok("a: 0.10\nb: 200\n");
        let NodeKind::Map(entries) = node.kind else {
            panic!("map")
        };
        assert_eq!(entries[0].1.kind, NodeKind::Number("0.10".into()));
        assert_eq!(entries[1].1.kind, NodeKind::Number("200".into()));
    }

    #[test]
    fn scalar_spans_cover_the_source_text() {
        let src = "rules:\n  - when: kind == \"x\"\n";
        let node = parse_ok(src);
        let NodeKind::Map(entries) = node.kind else {
            panic!("map")
        };
        let NodeKind::Seq(rules) = &entries[0].1.kind else {
            panic!("seq")
        };
        let NodeKind::Map(rule) = &rules[0].kind else {
            panic!("map")
        };
        assert_eq!(&src[rule[0].1.span.clone()], "kind == \"x\"");
    }

    #[test]
    fn syntax_errors_are_located() {
        let src = "a: 1\n b: 2\n";
        let err = parse(src, &YamlLimits::default()).unwrap_err();
        assert!(err.span.start > 0, "{err:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            src.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&src, &YamlLimits::default()).is_err());
    }
}

#[cfg(test)]
mod depth_tests {
    /// Deep flow nesting is refused by the budget before the recursive reader can
    /// exhaust a 2 MiB test-thread stack (a debug build overflowed at about 55 levels,
    /// hence the default of 32).
    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        for n in [33, 40, 200, 100_000] {
            let source = format!("a: {}1{}\n", "[".repeat(n), "]".repeat(n));
            let error = super::parse(&source, &super::YamlLimits::default()).unwrap_err();
            assert!(
                error.message.contains("nests deeper than 32 levels"),
                "{n}: {}",
                error.message
            );
        }
        let source = format!("a: {}1{}\n", "[".repeat(31), "]".repeat(31));
        super::parse(&source, &super::YamlLimits::default()).unwrap();
    }
}
