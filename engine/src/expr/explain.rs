//! The trace a member reads: the expression as written, each name followed by the
//! value it had (`min(hours=3.5, 8) * 10 = 35`), and which fields were missing when
//! the result is null.

use super::Env;
use super::compile::Compiled;
use super::template::annotate;
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
    match explain_result(c, env) {
        Ok(explained) => explained,
        Err((mut text, e)) => {
            text.push_str(" = error: ");
            text.push_str(&e.message);
            Explained {
                text,
                value: Value::Null,
                missing: Vec::new(),
            }
        }
    }
}

/// Like [`explain`], but an evaluation error is returned (with the text so far)
/// rather than written into the text: the caller that needs the value gets it from
/// this one evaluation.
pub fn explain_result(c: &Compiled, env: &Env) -> Result<Explained, (String, super::EvalError)> {
    let mut text = match &c.template {
        Some(t) => {
            let mut text = String::with_capacity(t.len + 8 * t.order.len());
            for (piece, &i) in t.pieces.iter().zip(&t.order) {
                text.push_str(piece);
                match (c.probes[i].eval)(env) {
                    Ok(v) => v.push_to(&mut text),
                    Err(_) => text.push_str("error"),
                }
            }
            text.push_str(t.pieces.last().map_or("", String::as_str));
            text
        }
        None => {
            let mut annotations: Vec<(usize, String)> = c
                .probes
                .iter()
                .map(|p| {
                    (
                        p.at,
                        (p.eval)(env).map_or_else(|_| "error".to_owned(), |v| v.text()),
                    )
                })
                .collect();
            annotations.sort_by_key(|a| a.0);
            annotate(&c.source, &c.strings, &annotations)
        }
    };
    // The value: through the kernel when it takes the record (the same value).
    let value = match (&c.kernel, env.record) {
        (Some(kernel), Some(record)) => match kernel.eval(record) {
            Ok(v) => Ok(v.into_value()),
            Err(_) => (c.root)(env),
        },
        _ => (c.root)(env),
    };
    match value {
        Ok(v) => {
            if c.constant.is_none() {
                text.push_str(" = ");
                v.push_to(&mut text);
            } else {
                let shown = v.to_string();
                if text != shown {
                    text.push_str(" = ");
                    text.push_str(&shown);
                }
            }
            let mut missing: Vec<String> = Vec::new();
            if v.is_null() {
                // Rare (a missing field): the probes are evaluated again, in source order.
                for p in &c.probes {
                    if let Some(name) = &p.name
                        && (p.eval)(env).is_ok_and(|v| v.is_null())
                        && !missing.contains(name)
                    {
                        missing.push(name.clone());
                    }
                }
            }
            Ok(Explained {
                text,
                value: v,
                missing,
            })
        }
        Err(e) => Err((text, e)),
    }
}

/// The short trace a member reads when the rule has no `explain:` template: like
/// [`explain`], but an `if` shows only the branch it took, and date values are left
/// out (`workdays_between(date, resolved_on) <= 5`, no `date=2026-02-12`).
pub fn short(c: &Compiled, env: &Env) -> String {
    let mut kept = Vec::new();
    keep(c, env, 0..c.source.len(), &mut kept);
    let (mut source, mut strings, mut annotations) = (String::new(), Vec::new(), Vec::new());
    for range in kept {
        let base = source.len();
        source.push_str(&c.source[range.clone()]);
        strings.extend(
            c.strings
                .iter()
                .filter(|s| range.start <= s.start && s.end <= range.end)
                .map(|s| base + s.start - range.start..base + s.end - range.start),
        );
        for probe in c
            .probes
            .iter()
            .filter(|p| !p.date && range.start < p.at && p.at <= range.end)
        {
            let shown = (probe.eval)(env).map_or_else(|_| "error".to_owned(), |v| v.text());
            annotations.push((base + probe.at - range.start, shown));
        }
    }
    annotations.sort_by_key(|a| a.0);
    let mut text = annotate(&source, &strings, &annotations);
    match (c.root)(env) {
        Ok(v) => {
            let shown = v.to_string();
            if text != shown {
                text.push_str(" = ");
                text.push_str(&shown);
            }
        }
        Err(e) => {
            text.push_str(" = error: ");
            text.push_str(&e.message);
        }
    }
    text
}

/// The parts of `range` the short trace shows: everything but the `if`s, of which
/// only the branch taken (a condition that is not true takes the other branch).
fn keep(c: &Compiled, env: &Env, range: std::ops::Range<usize>, out: &mut Vec<std::ops::Range<usize>>) {
    let mut at = range.start;
    while let Some(site) = c
        .ifs
        .iter()
        .filter(|s| s.span.start >= at && s.span.end <= range.end)
        .min_by_key(|s| s.span.start)
    {
        out.push(at..site.span.start);
        let branch = match (site.cond)(env) {
            Ok(Value::Bool(true)) => site.then.clone(),
            _ => site.other.clone(),
        };
        keep(c, env, branch, out);
        at = site.span.end;
    }
    out.push(at..range.end);
}
