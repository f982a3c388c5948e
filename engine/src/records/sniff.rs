//! Which format an input is in, decided once for every front end (the CLI for a
//! file or standard input, Python for a path, JavaScript for bytes): a name's
//! extension when merit knows it, else the first bytes.

use super::{Format, InputError};

impl InputError {
    /// The code of an input whose name's extension merit does not read.
    pub const UNKNOWN_FORMAT: &'static str = "unknown-format";
}

impl Format {
    /// How many first bytes are enough for [`Format::sniff`]: it looks past a
    /// byte-order mark and blank space, rarely more than a few bytes.
    pub const SNIFF_BYTES: usize = 4096;

    /// The format the first bytes of an input look like: a zip (`.xlsx`, `.ods`) or
    /// an OLE compound file (`.xls`) is a spreadsheet; else, past a byte-order mark
    /// (UTF-8 or UTF-16) and blank space, `[` is JSON, `{` JSONL, `-` or `#` YAML,
    /// and anything else (a header row, in UTF-8 or GB18030) CSV.
    ///
    /// ```
    /// use merit::Format;
    /// assert_eq!(Format::sniff(b"\xEF\xBB\xBF [{\"member\": \"m1\"}]"), Format::Json);
    /// assert_eq!(Format::sniff(b"member,kind,date\n"), Format::Csv);
    /// ```
    pub fn sniff(head: &[u8]) -> Format {
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0") {
            return Format::Sheet;
        }
        match first_sign(head) {
            Some(b'[') => Format::Json,
            Some(b'{') => Format::Jsonl,
            Some(b'-' | b'#') => Format::Yaml,
            _ => Format::Csv,
        }
    }

    /// The format of an input called `name` (a path; `-` or empty for standard
    /// input or bytes without a name) that starts with `head` (its first
    /// [`Format::SNIFF_BYTES`] or all of it): the extension when merit knows it, the bytes
    /// when there is no extension; see [`Format::by_name`] for the refusal.
    pub fn guess(name: &str, head: &[u8]) -> Result<Format, InputError> {
        Ok(Format::by_name(name)?.unwrap_or_else(|| Format::sniff(head)))
    }

    /// What `name`'s extension says, before anything is read: the format, or `None`
    /// when there is no extension (then [`Format::sniff`] the bytes). An extension
    /// merit does not know is refused (`unknown-format`) rather than guessed at: a
    /// `.txt` read as CSV would turn a wrong file into a report of rejections.
    pub fn by_name(name: &str) -> Result<Option<Format>, InputError> {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        match file.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => Format::from_path(file).map(Some).ok_or_else(|| {
                InputError::new("unknown record format; use .jsonl, .json, .csv, .yaml, .xlsx, .xls or .ods")
                    .with_code(InputError::UNKNOWN_FORMAT)
            }),
            // No extension (a dot file such as `.records` has none either).
            _ => Ok(None),
        }
    }
}

/// The first character past a byte-order mark and blank space, when it is ASCII
/// (UTF-16 read as its code units).
fn first_sign(head: &[u8]) -> Option<u8> {
    let utf16 = |rest: &[u8], little: bool| {
        rest.chunks_exact(2)
            .map(|pair| {
                if little {
                    [pair[0], pair[1]]
                } else {
                    [pair[1], pair[0]]
                }
            })
            .find(|[low, high]| !(*high == 0 && low.is_ascii_whitespace()))
            .and_then(|[low, high]| (high == 0).then_some(low))
    };
    if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    }
    if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    }
    let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    rest.iter().copied().find(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_by_its_bytes() {
        let cases: [(&[u8], Format); 12] = [
            (b"PK\x03\x04\x14\x00", Format::Sheet),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Format::Sheet),
            (b"[{\"member\": \"m1\"}]", Format::Json),
            (b"\n  [\n", Format::Json),
            (b"{\"member\": \"m1\"}\n{\"member\": \"m2\"}\n", Format::Jsonl),
            (b"\xEF\xBB\xBF{\"member\": \"m1\"}", Format::Jsonl),
            (b"- { member: m1 }\n", Format::Yaml),
            (b"# records\n- { member: m1 }\n", Format::Yaml),
            (b"member,kind,date\nm1,help,2026-03-01\n", Format::Csv),
            (b"\xEF\xBB\xBFmember,kind,date\n", Format::Csv),
            // GB18030 `成员,类别` (Excel's CSV in China): a header row.
            (b"\xB3\xC9\xD4\xB1,\xC0\xE0\xB1\xF0\r\n", Format::Csv),
            // UTF-16LE with a byte-order mark, then `[`.
            (b"\xFF\xFE \x00[\x00{\x00", Format::Json),
        ];
        for (bytes, format) in cases {
            assert_eq!(Format::sniff(bytes), format, "{bytes:?}");
        }
        // UTF-16BE `{`; nothing at all, or only blank space, is (empty) CSV.
        assert_eq!(Format::sniff(b"\xFE\xFF\x00{"), Format::Jsonl);
        assert_eq!(Format::sniff(b""), Format::Csv);
        assert_eq!(Format::sniff(b" \n\t"), Format::Csv);
    }

    #[test]
    fn the_extension_decides_before_the_bytes() {
        // A `.csv` whose first cell starts with `[` is still CSV.
        assert_eq!(
            Format::guess("a/records.csv", b"[note],member\n"),
            Ok(Format::Csv)
        );
        assert_eq!(Format::guess("R.JSONL", b"[1]"), Ok(Format::Jsonl));
        assert_eq!(Format::guess("book.xlsx", b""), Ok(Format::Sheet));
        // No extension, standard input, a dot file, a dotted folder: the bytes.
        assert_eq!(Format::guess("records", b"[]"), Ok(Format::Json));
        assert_eq!(Format::guess("-", b"{}"), Ok(Format::Jsonl));
        assert_eq!(Format::guess("", b"PK\x03\x04"), Ok(Format::Sheet));
        assert_eq!(Format::guess(".records", b"member,kind\n"), Ok(Format::Csv));
        assert_eq!(Format::guess("v1.2/records", b"- {}"), Ok(Format::Yaml));
        let unknown = Format::guess("records.txt", b"[]").unwrap_err();
        assert_eq!(unknown.code(), InputError::UNKNOWN_FORMAT);
        assert_eq!(
            unknown.to_string(),
            "unknown record format; use .jsonl, .json, .csv, .yaml, .xlsx, .xls or .ods"
        );
    }
}
