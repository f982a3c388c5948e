//! Diagnostics are data: a stable code, a message, where, and a hint. Rendering them
//! with a caret under the offending text is [`Diagnostic::render`]'s job, shared by
//! the CLI and every binding so that all of them print the same text.

use std::borrow::Cow;
use std::ops::Range;

use serde::Serialize;

/// The code of an error for what this build of the engine leaves out (a script
/// rule without feature `script`, `matches` without feature `regex`): the
/// WebAssembly package's lean build gives it, and its JavaScript entry answers by
/// loading the full build.
pub const NOT_IN_BUILD: &str = "not-in-build";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
/// Whether a diagnostic stops the rulebook from loading.
pub enum Severity {
    /// The rulebook does not load.
    Error,
    /// The rulebook loads; the problem is probably not what was meant.
    Warning,
}

/// One problem found in a rulebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable identifier, e.g. `unknown-field`; messages may change, codes do not.
    pub code: &'static str,
    /// Whether the rulebook still loads.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The rulebook's name (usually its path).
    pub file: String,
    /// 1-based line and column (in characters) of the start of `span`.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// Byte range in the rulebook text.
    pub span: Range<usize>,
    /// A short note under the caret, e.g. "not a field of this rulebook".
    pub label: Option<String>,
    /// The likely fix, e.g. "did you mean `hours`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` of `source`; line and column are computed from the span.
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        file: &str,
        source: &str,
        span: Range<usize>,
    ) -> Self {
        let (line, column) = line_col(source, span.start);
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: file.to_owned(),
            line,
            column,
            span,
            label: None,
            help: None,
        }
    }

    /// A warning: the rulebook loads, the problem is probably not what was meant.
    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        file: &str,
        source: &str,
        span: Range<usize>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, file, source, span)
        }
    }

    /// With a note under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// With the likely fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether it stops the rulebook from loading.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic as `file:line:col` followed by the source line with a
    /// caret under the span, plain text (colour when `color` is set).
    pub fn render(&self, source: &str, color: bool) -> String {
        use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};
        let kind = match self.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let (start, end) = visible_span(source, self.span.clone());
        let (source, start, end) = excerpt(source, start, end);
        let source = source.as_ref();
        let file = crate::escape::terminal(&self.file);
        let file = file.as_ref();
        let mut report = Report::build(kind, (file, start..end))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(self.code)
            .with_message(format!(
                "{}:{}:{}: {}",
                file,
                self.line,
                self.column,
                crate::escape::terminal_text(&self.message)
            ));
        let label = self.label.as_deref().unwrap_or_else(|| default_label(self.code));
        let label = crate::escape::terminal_text(label);
        report = report.with_label(Label::new((file, start..end)).with_message(label));
        if let Some(help) = &self.help {
            report = report.with_help(crate::escape::terminal_text(help));
        }
        let mut out = Vec::new();
        let written = report.finish().write((file, Source::from(source)), &mut out);
        match written {
            Ok(()) => String::from_utf8_lossy(&out).into_owned(),
            Err(_) => format!(
                "{}:{}:{}: {}\n",
                file,
                self.line,
                self.column,
                crate::escape::terminal_text(&self.message)
            ),
        }
    }
}

/// A span a caret can be drawn under: within the text, on character boundaries, and
/// at least one character wide (an empty span at the end of a line takes the
/// character before it).
fn visible_span(source: &str, span: Range<usize>) -> (usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let end = floor(span.end.max(start));
    if end > start {
        return (start, end);
    }
    match source[start..].chars().next() {
        Some(c) if c != '\n' => (start, start + c.len_utf8()),
        _ => match source[..start].char_indices().next_back() {
            Some((i, c)) if c != '\n' => (i, start),
            _ => (start, start),
        },
    }
}

/// The longest stretch of one source line a diagnostic shows, in bytes.
const MAX_SHOWN: usize = 160;

/// The source as a diagnostic shows it, with the span moved to match: unchanged,
/// unless the span's line is longer than [`MAX_SHOWN`] or holds control or bidi
/// characters; then only that line, cut to [`MAX_SHOWN`] bytes around the span
/// (`…` where it was cut) and escaped, after as many empty lines as came before
/// it (so that line numbers stay right). A 200 MB one-line file was echoed whole.
fn excerpt(source: &str, start: usize, end: usize) -> (Cow<'_, str>, usize, usize) {
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..].find('\n').map_or(source.len(), |i| start + i);
    let line = &source[line_start..line_end];
    if line.len() <= MAX_SHOWN && !line.chars().any(|c| c != '\t' && crate::escape::is_unsafe(c)) {
        return (Cow::Borrowed(source), start, end);
    }
    let floor = |mut i: usize| {
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(start.saturating_sub(MAX_SHOWN / 2).max(line_start));
    let to = floor((from + MAX_SHOWN).min(line_end)).max(start);
    let end = end.clamp(start, to);
    let mut text = "\n".repeat(source[..line_start].bytes().filter(|&b| b == b'\n').count());
    if from > line_start {
        text.push('…');
    }
    text.push_str(&crate::escape::terminal(&source[from..start]));
    let new_start = text.len();
    text.push_str(&crate::escape::terminal(&source[start..end]));
    let new_end = text.len();
    text.push_str(&crate::escape::terminal(&source[end..to]));
    if to < line_end {
        text.push('…');
    }
    (Cow::Owned(text), new_start, new_end)
}

/// What the caret says when the diagnostic brings no label of its own.
fn default_label(code: &str) -> &'static str {
    match code {
        "unknown-key" => "unknown key",
        "missing-key" => "in this mapping",
        "unknown-period" => "not a period",
        "unknown-timezone" => "not a timezone",
        "unknown-type" => "not a field type",
        "bad-date" => "not a date",
        "duplicate-rule" => "defined again here",
        "misplaced-key" => "indented too little?",
        "syntax" => "here",
        "arity" => "this call",
        "wrong-type" => "this value",
        _ => "here",
    }
}

/// 1-based line and character column of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Renders several diagnostics, one after another.
pub fn render_all(diagnostics: &[Diagnostic], source: &str, color: bool) -> String {
    diagnostics.iter().map(|d| d.render(source, color)).collect()
}

/// The closest candidate to `word`, when one is close enough to be a likely typo:
/// at most one edit (a transposition counts as one) per three characters, or
/// the same name in another case.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let budget = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(distance, _)| *distance <= budget)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = "a: 1\ntitle: 积分 x\n";
        let off = src.find('x').unwrap();
        assert_eq!(line_col(src, off), (2, 11));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("hour", ["hours", "kind"]), Some("hours"));
        assert_eq!(did_you_mean("zzz", ["hours", "kind"]), None);
        assert_eq!(did_you_mean("cpa", ["cap", "when"]), Some("cap"));
        assert_eq!(
            did_you_mean("Asia/Shanghia", ["Asia/Shanghai", "Asia/Singapore"]),
            Some("Asia/Shanghai")
        );
    }
}
