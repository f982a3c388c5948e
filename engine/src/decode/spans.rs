//! Where a character of a YAML scalar's value stands in the rulebook text.
//!
//! An expression error is found at an offset inside the scalar's *value*; the caret
//! must go under the same character in the *source*, which may differ: quotes,
//! escapes, a folded multi-line plain scalar, a `|` block with its indentation.
//! The value's characters are matched in order against the source text of the
//! scalar, skipping what YAML removed.

use std::ops::Range;

/// Maps byte offsets in a scalar's value to byte offsets in the source.
pub struct ScalarMap {
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl ScalarMap {
    /// `raw` is the source text of the scalar, starting at byte `base` of the file.
    pub fn new(value: &str, raw: &str, base: usize) -> ScalarMap {
        let raw_bytes = raw.as_bytes();
        let mut starts = vec![base; value.len() + 1];
        let mut ends = vec![base; value.len() + 1];
        let mut j = 0;
        for (vi, c) in value.char_indices() {
            let mut buf = [0u8; 4];
            let needle = c.encode_utf8(&mut buf).as_bytes();
            let found = (j..raw_bytes.len().min(j + 256)).find(|&k| {
                raw_bytes[k..].starts_with(needle)
                    || (c.is_whitespace() && raw_bytes[k].is_ascii_whitespace())
            });
            if let Some(k) = found {
                let width = if raw_bytes[k..].starts_with(needle) {
                    needle.len()
                } else {
                    1
                };
                starts[vi] = base + k;
                j = k + width;
                ends[vi] = base + j;
            } else {
                starts[vi] = base + j.min(raw_bytes.len());
                ends[vi] = starts[vi];
            }
            for extra in 1..c.len_utf8() {
                starts[vi + extra] = starts[vi];
                ends[vi + extra] = ends[vi];
            }
        }
        starts[value.len()] = base + j.min(raw_bytes.len());
        ends[value.len()] = starts[value.len()];
        ScalarMap { starts, ends }
    }

    /// The source range of value range `range`.
    pub fn span(&self, range: Range<usize>) -> Range<usize> {
        let last = self.starts.len() - 1;
        let start = self.starts[range.start.min(last)];
        let end = if range.end > range.start {
            self.ends[(range.end - 1).min(last)]
        } else {
            start
        };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(src: &str, raw_start: usize, value: &str, needle: &str) -> String {
        let raw = &src[raw_start..];
        let map = ScalarMap::new(value, raw, raw_start);
        let at = value.find(needle).unwrap();
        let span = map.span(at..at + needle.len());
        src[span].to_owned()
    }

    #[test]
    fn plain_scalar_maps_one_to_one() {
        let src = "when: kind == \"x\" and hour > 2\n";
        assert_eq!(place(src, 6, "kind == \"x\" and hour > 2", "hour"), "hour");
    }

    #[test]
    fn folded_lines_are_followed() {
        let src = "points: if(a, 1,\n           bogus)\n";
        assert_eq!(place(src, 8, "if(a, 1, bogus)", "bogus"), "bogus");
    }

    #[test]
    fn quotes_and_escapes_are_skipped() {
        let src = "when: \"kind == \\\"x\\\" and hour\"\n";
        assert_eq!(place(src, 6, "kind == \"x\" and hour", "hour"), "hour");
    }
}
