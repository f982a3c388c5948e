//! `explain:` templates: the sentence a member reads for a rule's award
//! (DESIGN section 8.2).
//!
//! ```yaml
//! explain: "志愿服务 {hours} 小时{if(double, '（学雷锋月 1.5 倍）', '')}"
//! explain: { zh: "志愿服务 {hours} 小时", en: "{hours} h of volunteering" }
//! ```
//!
//! Each `{…}` hole is an expression of the rule (its fields and `let` names),
//! compiled and type-checked when the rulebook loads, its errors placed under the
//! hole's characters. `{{` and `}}` write a brace. The engine appends the points.

use crate::decode::{Decoder, ExprCompiler};
use crate::expr::{Context, Env, Expr};
use crate::value::{DecimalText, Value};
use crate::words::Lang;
use crate::yaml::{Node, NodeKind};

/// One template per language; a plain string serves every language.
#[derive(Debug, Default)]
pub struct Sentence {
    by_lang: Vec<(Option<Lang>, Vec<Piece>)>,
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Hole(Expr),
}

impl Sentence {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        node: &Node,
        what: &str,
    ) -> Option<Sentence> {
        let mut by_lang = Vec::new();
        match &node.kind {
            NodeKind::Str(_) => {
                by_lang.push((None, pieces(decoder, exprs, node, &format!("{what}: `explain`"))?))
            }
            NodeKind::Map(entries) => {
                let mut ok = true;
                for (key, value) in entries {
                    let name = decoder.string(key, &format!("{what}: `explain` language"))?;
                    let Some(lang) = Lang::parse(&name) else {
                        decoder
                            .error(
                                "unknown-language",
                                key.span.clone(),
                                format!("{what}: `explain` has a template for `{name}`, a language merit does not write"),
                            )
                            .help = Some("write `zh` and/or `en`".into());
                        ok = false;
                        continue;
                    };
                    match pieces(decoder, exprs, value, &format!("{what}: `explain.{name}`")) {
                        Some(pieces) => by_lang.push((Some(lang), pieces)),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
            }
            other => {
                decoder.error(
                    "wrong-type",
                    node.span.clone(),
                    format!(
                        "{what}: `explain` expected a template or a map of templates by language, found {}",
                        other.describe()
                    ),
                );
                return None;
            }
        }
        Some(Sentence { by_lang })
    }

    /// The sentence in `lang` (or the first template written), holes filled from
    /// `env`; a hole that fails to evaluate shows `?`.
    pub fn render(&self, env: &Env, lang: Lang) -> String {
        let Some((_, pieces)) = self
            .by_lang
            .iter()
            .find(|(l, _)| *l == Some(lang))
            .or_else(|| self.by_lang.first())
        else {
            return String::new();
        };
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Hole(expr) => out.push_str(&shown(&expr.eval(env).unwrap_or(Value::Null))),
            }
        }
        out
    }
}

/// A value as a sentence shows it: strings without quotes, numbers without
/// trailing zeros, null as `?`.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "?".to_owned(),
        Value::Str(s) => s.to_string(),
        Value::Num(n) => DecimalText(n.normalize()).to_string(),
        other => other.to_string(),
    }
}

/// Splits one template into text and compiled holes.
fn pieces(decoder: &mut Decoder, exprs: &mut ExprCompiler, node: &Node, what: &str) -> Option<Vec<Piece>> {
    let text = decoder.string(node, what)?;
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut ok = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let Some(end) = hole_end(&text, i + 1) else {
                    decoder
                        .error(
                            "bad-template",
                            node.span.clone(),
                            format!(
                                "{what}: `{{` at character {} is never closed",
                                text[..i].chars().count() + 1
                            ),
                        )
                        .help = Some("close the hole with `}`, or write `{{` for a brace".into());
                    return None;
                };
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                match exprs.compile_part(decoder, node, &text, i + 1..end, what, Context::Record) {
                    Some(expr) => pieces.push(Piece::Hole(expr)),
                    None => ok = false,
                }
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            '}' => {
                decoder
                    .error(
                        "bad-template",
                        node.span.clone(),
                        format!("{what}: a `}}` closes no hole"),
                    )
                    .help = Some("write `}}` for a brace".into());
                return None;
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    ok.then_some(pieces)
}

/// The byte offset of the `}` closing a hole that starts at `start`, skipping
/// string literals (`'…'`, `"…"`, with their `\` escapes).
fn hole_end(text: &str, start: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        if std::mem::take(&mut escaped) {
            continue;
        }
        match (quote, c) {
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '}') => return Some(start + i),
            _ => {}
        }
    }
    None
}

/// The JSON Schema of `explain:`: one template, or one per language merit writes.
pub(crate) fn schema() -> crate::json_schema::Json {
    use crate::json_schema::{Json, With, closed, obj, string};
    let template = string().with(
        "description",
        "The award's sentence: text with `{expression}` holes; the engine appends the points.".into(),
    );
    let per_lang = closed(&[], vec![("zh", template.clone()), ("en", template.clone())]);
    obj([("oneOf", Json::Array(vec![template, per_lang]))])
}
