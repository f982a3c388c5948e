//! The board's HTML: escaping, the page frame and the one stylesheet. Plain HTML
//! and CSS only: no script, no font or image from anywhere but the folder, so the
//! board opens from a USB stick and prints on A4.

use super::mask::Scrubber;

/// The stylesheet every page links to (`style.css`): system fonts only (no
/// request), readable on a phone, and an A4 print layout that fits the page width.
pub(crate) const CSS: &str = r#"/* merit notice board: no script, no external resource. */
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #b42318; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 24px 16px; max-width: 960px; color: var(--ink); background: #fff;
  font: 16px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    "WenQuanYi Micro Hei", system-ui, sans-serif;
}
header { border-bottom: 3px solid var(--accent); margin-bottom: 16px; }
h1 { font-size: 1.6em; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 1.2em; margin: 24px 0 8px; border-left: 4px solid var(--accent); padding-left: 8px; }
h3 { font-size: 1.05em; margin: 16px 0 4px; }
.meta { color: var(--muted); font-size: .9em; margin: 4px 0 12px; }
.meta dt { display: inline; font-weight: 600; }
.meta dd { display: inline; margin: 0 16px 0 4px; }
.digest, .head { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.top1 td { font-weight: 700; }
.tag { display: inline-block; font-size: .8em; padding: 0 6px; border-radius: 8px;
  background: #fff1e7; color: #9a3412; white-space: nowrap; }
.veto { color: var(--accent); font-weight: 600; }
ol.awards, ul.unscored { padding-left: 1.4em; }
ol.awards li, ul.unscored li { margin: 2px 0; }
ul.indexes li { white-space: pre-line; }
a { color: #0b57d0; }
nav { margin: 8px 0 16px; }
footer { margin-top: 32px; color: var(--muted); font-size: .85em; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Writes dynamic text into pages: masked when the board is, then escaped.
pub(crate) struct Ink {
    scrubber: Option<Scrubber>,
}

impl Ink {
    pub fn new(scrubber: Option<Scrubber>) -> Ink {
        Ink { scrubber }
    }

    /// Text from the report or the rulebook, safe to place in HTML.
    pub fn text(&self, text: &str) -> String {
        match &self.scrubber {
            Some(s) => escape(&s.scrub(text)),
            None => escape(text),
        }
    }
}

/// Escapes `& < > " '` so that no text can open a tag or an attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` and `body` are HTML already escaped.
pub(crate) fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}
