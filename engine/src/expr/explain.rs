//! The trace a member reads: the expression as written, each name followed by the
//! value it had (`min(hours=3.5, 8) * 10 = 35`), and which fields were missing when
//! the result is null.

use super::Env;
use super::compile::Compiled;
use crate::value::Value;

/// An evaluation, annotated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// `min(hours=3.5, 8) * 10 = 35`; ends `= null` or `= error: …` when so.
    pub text: String,
    /// The result (null on error).
    pub value: Value,
    /// When the result is null: the names read as null (a missing field or attribute),
    /// in source order, once each; names tested with `== null` or defaulted with `??`
    /// are not listed. Empty otherwise: a null in a branch not taken is no news.
    pub missing: Vec<String>,
}

pub fn explain(c: &Compiled, env: &Env) -> Explained {
    let mut annotations = Vec::with_capacity(c.probes.len());
    let mut nulls: Vec<String> = Vec::new();
    for p in &c.probes {
        let shown = match (p.eval)(env) {
            Ok(v) => {
                if v.is_null()
                    && let Some(name) = &p.name
                    && !nulls.contains(name)
                {
                    nulls.push(name.clone());
                }
                v.to_string()
            }
            Err(_) => "error".to_owned(),
        };
        annotations.push((p.at, shown));
    }
    annotations.sort_by_key(|a| a.0);
    let mut text = annotate(&c.source, &c.strings, &annotations);
    let (value, missing) = match (c.root)(env) {
        Ok(v) => {
            let shown = v.to_string();
            if c.constant.is_none() || text != shown {
                text.push_str(" = ");
                text.push_str(&shown);
            }
            let missing = if v.is_null() { nulls } else { Vec::new() };
            (v, missing)
        }
        Err(e) => {
            text.push_str(" = error: ");
            text.push_str(&e.message);
            (Value::Null, Vec::new())
        }
    };
    Explained { text, value, missing }
}

/// The source with whitespace runs (outside string literals) collapsed to one space,
/// trimmed, and each annotation inserted as `=value` at its byte offset.
fn annotate(source: &str, strings: &[std::ops::Range<usize>], annotations: &[(usize, String)]) -> String {
    let mut out = String::with_capacity(source.len() + 8 * annotations.len());
    let mut next = annotations.iter().peekable();
    let mut space = false;
    for (i, ch) in source.char_indices() {
        while let Some((_, shown)) = next.next_if(|(at, _)| *at == i) {
            out.push('=');
            out.push_str(shown);
        }
        let in_string = strings.iter().any(|s| s.start < i && i < s.end);
        if ch.is_whitespace() && !in_string {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(ch);
    }
    for (_, shown) in next {
        out.push('=');
        out.push_str(shown);
    }
    out
}
