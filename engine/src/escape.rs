//! Text from records and rulebooks made safe to print: for a terminal (control and
//! bidirectional-override characters shown visibly) and for a spreadsheet (CSV cells
//! that would run as formulas neutralised).
//!
//! A member id `"\u001b]0;pwned\u0007\u001b[2J"` retitled and cleared the terminal
//! of whoever ran `merit score`, and U+202E reversed what followed it. Every front
//! end that prints text for people (the CLI's table, `--explain`, diagnostics, bank
//! output; ranks and publishing) goes through [`terminal`] or [`terminal_text`],
//! and every CSV text cell through [`csv_cell`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls, DEL, and
/// the characters that reorder or hide text (bidi embeddings, overrides,
/// isolates and marks, line and paragraph separators).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// One line of text for a terminal: every unsafe character (newlines and tabs
/// included) written as Rust writes it, `\u{1b}`; the rest unchanged.
pub fn terminal(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// Several lines for a terminal: as [`terminal`], but newlines stay newlines.
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && is_unsafe(c))
}

fn escape_where(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A CSV text cell (not a number column): escaped as [`terminal`], and, when it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return, prefixed with `'`
/// so that a spreadsheet shows it rather than running it (OWASP's advice).
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let escaped = terminal(text);
    if formula {
        Cow::Owned(format!("'{escaped}"))
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_bidi_visibly() {
        assert_eq!(
            terminal("\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"
        );
        assert_eq!(terminal("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal("a\nb\tc"), "a\\u{a}b\\u{9}c");
        assert_eq!(terminal_text("a\nb\u{9b}"), "a\nb\\u{9b}");
        assert!(matches!(terminal("积分 ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn csv_cells_that_would_run_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for text in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(text).starts_with('\''), "{text}");
        }
        assert_eq!(csv_cell("m1"), "m1");
        assert_eq!(csv_cell("2026-03"), "2026-03");
    }
}
