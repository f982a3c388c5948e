//! Reading the rulebook's YAML tree into the model, collecting every located
//! problem instead of stopping at the first.
//!
//! Why not `#[derive(Deserialize)]`? Serde stops at the first error and cannot say
//! "unknown key `whn` in rule `volunteer-hours`, did you mean `when`?": it knows
//! neither which rule it is in nor how to keep going. A rule author fixing a
//! rulebook wants every mistake at once, each under a caret.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::yaml::{Node, NodeKind};

/// Collects diagnostics while a rulebook is decoded.
pub struct Decoder<'s> {
    pub file: &'s str,
    pub source: &'s str,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'s> Decoder<'s> {
    pub fn new(file: &'s str, source: &'s str) -> Self {
        Decoder {
            file,
            source,
            diagnostics: Vec::new(),
        }
    }

    /// Records an error at `span` and returns it for further decoration.
    pub fn error(
        &mut self,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, message, self.file, self.source, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn warning(
        &mut self,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::warning(code, message, self.file, self.source, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn wrong_type(&mut self, node: &Node, expected: &str, what: &str) {
        let found = node.kind.describe();
        self.error(
            "wrong-type",
            node.span.clone(),
            format!("{what}: expected {expected}, found {found}"),
        );
    }

    /// A mapping, read key by key; `what` names it in messages ("rule `x`").
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<MapReader<'n>> {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut keys = Vec::with_capacity(entries.len());
                for (key, _) in entries {
                    match &key.kind {
                        NodeKind::Str(k) => keys.push(Some(k.as_str())),
                        _ => {
                            self.error(
                                "wrong-type",
                                key.span.clone(),
                                format!("{what}: keys must be strings"),
                            );
                            keys.push(None);
                        }
                    }
                }
                Some(MapReader {
                    entries,
                    keys,
                    used: vec![false; entries.len()],
                    what: what.to_owned(),
                    span: node.span.clone(),
                })
            }
            _ => {
                self.wrong_type(node, "a mapping", what);
                None
            }
        }
    }

    pub fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.wrong_type(node, "a list", what);
                None
            }
        }
    }

    /// A list, or a single item standing for a list of one (`cap: {per: day, max: 8}`).
    pub fn one_or_many<'n>(&mut self, node: &'n Node) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ => std::slice::from_ref(node),
        }
    }

    pub fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(n.clone()),
            _ => {
                self.wrong_type(node, "a string", what);
                None
            }
        }
    }

    /// A rule or index identifier: letters, digits, `-` and `_`.
    pub fn ident(&mut self, node: &Node, what: &str) -> Option<String> {
        let id = self.string(node, what)?;
        let valid = !id.is_empty()
            && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            && !id.starts_with('-');
        if !valid {
            self.error(
                "bad-id",
                node.span.clone(),
                format!("{what}: `{id}` is not a valid id"),
            )
            .help = Some("ids use letters, digits, `-` and `_`, e.g. `volunteer-hours`".into());
            return None;
        }
        Some(id)
    }

    pub fn decimal(&mut self, node: &Node, what: &str) -> Option<Decimal> {
        match &node.kind {
            NodeKind::Number(text) => {
                match parse_exact_decimal(text) {
                    Some(d) if crate::value::too_large(d) => {
                        self.error(
                        "too-large",
                        node.span.clone(),
                        format!("{what}: `{text}` is too large (numbers in a rulebook are at most 10^15 in size)"),
                    );
                        None
                    }
                    Some(d) => Some(d),
                    None => {
                        self.error(
                            "bad-number",
                            node.span.clone(),
                            format!("{what}: `{text}` is not an exact decimal"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(node, "a number", what);
                None
            }
        }
    }

    pub fn uint(&mut self, node: &Node, what: &str, max: u32) -> Option<u32> {
        let d = self.decimal(node, what)?;
        match u32::try_from(d.normalize().mantissa())
            .ok()
            .filter(|n| d.normalize().scale() == 0 && *n <= max)
        {
            Some(n) => Some(n),
            None => {
                self.error(
                    "bad-number",
                    node.span.clone(),
                    format!("{what}: expected a whole number from 0 to {max}, found {d}"),
                );
                None
            }
        }
    }

    /// A list of strings, or one string standing for a list of one.
    pub fn strings(&mut self, node: &Node, what: &str) -> Vec<(String, Range<usize>)> {
        self.one_or_many(node)
            .iter()
            .filter_map(|item| self.string(item, what).map(|s| (s, item.span.clone())))
            .collect()
    }
}

/// An exact decimal from its written form (`0.1`, `-5`, `1_000`); no exponent.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.contains(['e', 'E']) {
        return Decimal::from_scientific(text).ok();
    }
    text.replace('_', "").parse().ok()
}

/// A rulebook's number: as [`parse_decimal`], but refused rather than rounded
/// when it has more digits than a `Decimal` holds (a 30-digit cap was rounded
/// without a word).
pub fn parse_exact_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.contains(['e', 'E']) {
        return Decimal::from_scientific(text).ok();
    }
    Decimal::from_str_exact(&text.replace('_', "")).ok()
}

/// Reads the keys of one mapping; [`MapReader::finish`] reports keys nobody asked for.
pub struct MapReader<'n> {
    entries: &'n [(Node, Node)],
    keys: Vec<Option<&'n str>>,
    used: Vec<bool>,
    what: String,
    pub span: Range<usize>,
}

impl<'n> MapReader<'n> {
    /// The value under `key`, marking the key as known.
    pub fn get(&mut self, key: &str) -> Option<&'n Node> {
        let i = self.keys.iter().position(|k| *k == Some(key))?;
        self.used[i] = true;
        Some(&self.entries[i].1)
    }

    /// Names the mapping differently once more is known (a rule's id).
    pub fn rename(&mut self, what: &str) {
        what.clone_into(&mut self.what);
    }

    pub fn has(&self, key: &str) -> bool {
        self.keys.contains(&Some(key))
    }

    /// The span of `key` itself, for errors about the key.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        let i = self.keys.iter().position(|k| *k == Some(key))?;
        Some(self.entries[i].0.span.clone())
    }

    /// A required key; reports it missing otherwise.
    pub fn require(&mut self, decoder: &mut Decoder, key: &str) -> Option<&'n Node> {
        let found = self.get(key);
        if found.is_none() {
            let what = &self.what;
            decoder.error(
                "missing-key",
                self.span.start..self.span.start,
                format!("{what} needs `{key}`"),
            );
        }
        found
    }

    /// Reports every key that was not read, suggesting the closest known key.
    pub fn finish(self, decoder: &mut Decoder, known: &[&str]) {
        for (i, key) in self.keys.iter().enumerate() {
            let (Some(key), false) = (key, self.used[i]) else {
                continue;
            };
            let what = &self.what;
            let span = self.entries[i].0.span.clone();
            match did_you_mean(key, known.iter().copied()) {
                Some(close) => {
                    decoder.error(
                        "unknown-key",
                        span,
                        format!("unknown key `{key}` in {what}, did you mean `{close}`?"),
                    );
                }
                None => {
                    decoder
                        .error("unknown-key", span, format!("unknown key `{key}` in {what}"))
                        .help = Some(format!("known keys: {}", known.join(", ")));
                }
            }
        }
    }
}
