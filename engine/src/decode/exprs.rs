//! Compiling the expressions written in a rulebook, with errors placed under the
//! offending character of the YAML source.

use crate::expr::{self, Context, Expr, Scope};
use crate::schema::Schema;
use crate::value::Type;
use crate::yaml::{Node, NodeKind};

use super::decoder::{Decoder, MapReader};
use super::spans::ScalarMap;

/// Compiles a rulebook's expressions against its schema, interning the member
/// attributes they read.
pub struct ExprCompiler {
    pub schema: Schema,
    pub member_attrs: Vec<String>,
    pub rule_ids: Vec<String>,
    /// The `let:` names of the rule being decoded, after the kind's own locals
    /// (their values come after the kind's in `Env::locals`).
    pub lets: Vec<(String, Type)>,
    /// The `let:` names of the rule being decoded whose expression did not compile:
    /// that error is the root one, so a later expression reading the name does not
    /// also say it is unknown.
    pub failed_lets: Vec<String>,
}

impl ExprCompiler {
    /// A rule's optional `when:` condition: `Ok(None)` when absent, `Err(())` when it
    /// does not compile (the diagnostics are recorded).
    pub fn when(
        &mut self,
        decoder: &mut Decoder,
        map: &mut MapReader,
        what: &str,
    ) -> Result<Option<Expr>, ()> {
        match map.get("when") {
            None => Ok(None),
            Some(node) => {
                let label = format!("{what}: `when`");
                self.compile(decoder, node, &label, Context::Record, &[], Some(Type::Bool))
                    .map(Some)
                    .ok_or(())
            }
        }
    }

    /// Compiles the expression held by `node` (a string, a number or a boolean).
    pub fn compile(
        &mut self,
        decoder: &mut Decoder,
        node: &Node,
        what: &str,
        context: Context,
        locals: &[(&str, Type)],
        expected: Option<Type>,
    ) -> Option<Expr> {
        let text = match &node.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Number(n) => n.clone(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Null => "null".to_owned(),
            other => {
                let found = other.describe();
                decoder.error(
                    "wrong-type",
                    node.span.clone(),
                    format!("{what}: expected an expression, found {found}"),
                );
                return None;
            }
        };
        self.compile_in(
            decoder,
            node,
            &text,
            0..text.len(),
            what,
            context,
            locals,
            expected,
        )
    }

    /// Compiles the `{…}` hole `range` of a template held by `node` (its text is
    /// `text`), any type, errors placed under the hole's characters.
    pub fn compile_part(
        &mut self,
        decoder: &mut Decoder,
        node: &Node,
        text: &str,
        range: std::ops::Range<usize>,
        what: &str,
        context: Context,
    ) -> Option<Expr> {
        self.compile_in(decoder, node, text, range, what, context, &[], None)
    }

    #[allow(clippy::too_many_arguments)]
    fn compile_in(
        &mut self,
        decoder: &mut Decoder,
        node: &Node,
        text: &str,
        range: std::ops::Range<usize>,
        what: &str,
        context: Context,
        locals: &[(&str, Type)],
        expected: Option<Type>,
    ) -> Option<Expr> {
        let offset = range.start;
        let source = &text[range];
        let locals: Vec<(&str, Type)> = locals
            .iter()
            .cloned()
            .chain(self.lets.iter().map(|(n, t)| (n.as_str(), t.clone())))
            .collect();
        let mut scope = Scope {
            schema: &self.schema,
            context,
            member_attrs: &mut self.member_attrs,
            locals: &locals,
            rule_ids: &self.rule_ids,
        };
        match expr::compile(source, &mut scope, expected) {
            Ok(compiled) => Some(compiled),
            Err(errors) => {
                let raw = decoder.source.get(node.span.clone()).unwrap_or_default();
                let map = ScalarMap::new(text, raw, node.span.start);
                // In a YAML flow list `[f(a, b)]` or map `{ x: f(a, b) }` the comma ends
                // the item: say so.
                let cut_at_comma = decoder
                    .source
                    .get(node.span.end..)
                    .is_some_and(|rest| rest.trim_start().starts_with(','));
                let split_by_yaml = cut_at_comma && text.matches('(').count() > text.matches(')').count();
                let errors = errors.into_iter().filter(|error| {
                    let name = source.get(error.span.clone()).unwrap_or_default();
                    error.code != "unknown-name" || !self.failed_lets.iter().any(|n| n == name)
                });
                for error in errors {
                    let span = map.span(offset + error.span.start..offset + error.span.end);
                    let diagnostic = decoder.error(error.code, span, format!("{what}: {}", error.message));
                    diagnostic.label = error.label;
                    diagnostic.help = error.help;
                    if split_by_yaml && error.code == "syntax" {
                        diagnostic.help = Some(
                            "inside a YAML `[ … ]` list or `{ … }` map a comma starts the next item: quote \
                             the expression or write one item per line"
                                .into(),
                        );
                    }
                }
                None
            }
        }
    }
}
