//! The explanation's text cut once per expression: the source with whitespace
//! collapsed and `=value` annotations placed ([`annotate`]), split at the
//! annotations into a [`Template`].
//!
//! Its own file because compiling builds the template and explaining reads it:
//! here, both import it without importing each other.

/// The explanation's text pieces around the probes, worked out once per expression:
/// `pieces[k]` comes before the `k`-th annotation in byte order (ending with its `=`),
/// the last piece after every annotation.
#[derive(Clone, Debug)]
pub struct Template {
    pub(super) pieces: Vec<String>,
    /// The pieces' total length.
    pub(super) len: usize,
    /// Probe indices in the order their annotations appear in the text.
    pub(super) order: Vec<usize>,
}

/// Splits the annotated source at each annotation, so that explaining a value is
/// concatenation (no whitespace scan per evaluation). `None` when the source holds
/// the placeholder character (then explanations take the slow path).
pub fn template(source: &str, strings: &[std::ops::Range<usize>], ats: &[usize]) -> Option<Template> {
    const MARK: char = '\u{0}';
    if source.contains(MARK) {
        return None;
    }
    let mut order: Vec<usize> = (0..ats.len()).collect();
    order.sort_by_key(|&i| ats[i]);
    let annotations: Vec<(usize, String)> = order.iter().map(|&i| (ats[i], MARK.to_string())).collect();
    let text = annotate(source, strings, &annotations);
    let pieces: Vec<String> = text.split(MARK).map(str::to_owned).collect();
    let len = pieces.iter().map(String::len).sum();
    (pieces.len() == ats.len() + 1).then_some(Template { pieces, len, order })
}

/// The source with whitespace runs (outside string literals) collapsed to one space,
/// trimmed, and each annotation inserted as `=value` at its byte offset.
pub(super) fn annotate(
    source: &str,
    strings: &[std::ops::Range<usize>],
    annotations: &[(usize, String)],
) -> String {
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
