//! Diagnostics are data: a stable code, a message, where, and a hint. Rendering them
//! with a caret under the offending text is [`Diagnostic::render`]'s job, shared by
//! the CLI and every binding so that all of them print the same text.

use std::ops::Range;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a rulebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable identifier, e.g. `unknown-field`; messages may change, codes do not.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The rulebook's name (usually its path).
    pub file: String,
    /// 1-based line and column (in characters) of the start of `span`.
    pub line: usize,
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
    pub fn error(code: &'static str, message: impl Into<String>, file: &str, source: &str, span: Range<usize>) -> Self {
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

    pub fn warning(code: &'static str, message: impl Into<String>, file: &str, source: &str, span: Range<usize>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message, file, source, span) }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

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
        let start = self.span.start.min(source.len());
        let end = self.span.end.clamp(start, source.len());
        let file = self.file.as_str();
        let mut report = Report::build(kind, (file, start..end))
            .with_config(Config::default().with_color(color).with_index_type(IndexType::Byte))
            .with_code(self.code)
            .with_message(format!("{}:{}:{}: {}", self.file, self.line, self.column, self.message));
        let label = Label::new((file, start..end));
        report = report.with_label(match &self.label {
            Some(text) => label.with_message(text),
            None => label,
        });
        if let Some(help) = &self.help {
            report = report.with_help(help);
        }
        let mut out = Vec::new();
        let written = report.finish().write((file, Source::from(source)), &mut out);
        match written {
            Ok(()) => String::from_utf8_lossy(&out).into_owned(),
            Err(_) => format!("{}:{}:{}: {}\n", self.file, self.line, self.column, self.message),
        }
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

/// The closest candidate to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
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
    }
}
