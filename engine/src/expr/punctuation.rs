//! Chinese (full-width) punctuation typed where ASCII is meant: an input method left
//! on Chinese turns `(` into `（` and `"` into `“`. A syntax error at one of these
//! names the ASCII character meant, so the author need not see the difference.

/// Each full-width mark, what it is called, and the ASCII text meant.
const MARKS: &[(char, &str, &str)] = &[
    ('“', "a Chinese opening quotation mark", "\""),
    ('”', "a Chinese closing quotation mark", "\""),
    ('‘', "a Chinese opening single quotation mark", "'"),
    ('’', "a Chinese closing single quotation mark", "'"),
    ('（', "a full-width opening parenthesis", "("),
    ('）', "a full-width closing parenthesis", ")"),
    ('，', "a Chinese comma", ","),
    ('、', "a Chinese enumeration comma", ","),
    ('：', "a full-width colon", ":"),
    ('；', "a full-width semicolon", ";"),
    ('【', "a Chinese opening bracket", "["),
    ('】', "a Chinese closing bracket", "]"),
    ('［', "a full-width opening bracket", "["),
    ('］', "a full-width closing bracket", "]"),
    ('。', "a Chinese full stop", "."),
    ('．', "a full-width full stop", "."),
    ('！', "a full-width exclamation mark", "!"),
    ('？', "a full-width question mark", "?"),
    ('＝', "a full-width equals sign", "=="),
    ('＜', "a full-width less-than sign", "<"),
    ('＞', "a full-width greater-than sign", ">"),
    ('＋', "a full-width plus sign", "+"),
    ('－', "a full-width minus sign", "-"),
    ('＊', "a full-width asterisk", "*"),
    ('／', "a full-width slash", "/"),
    ('％', "a full-width percent sign", "%"),
    ('《', "a Chinese title mark", "\""),
    ('》', "a Chinese title mark", "\""),
    ('　', "a full-width space", " "),
];

/// The help for a syntax error found at `c`, when `c` is full-width punctuation.
pub fn hint(c: char) -> Option<String> {
    let (_, what, ascii) = MARKS.iter().find(|(mark, ..)| *mark == c)?;
    let meant = match *ascii {
        " " => "an ASCII space".to_owned(),
        ascii => format!("the ASCII `{ascii}`"),
    };
    Some(format!(
        "`{c}` is {what}: use {meant} (switch the input method to English punctuation)"
    ))
}

#[cfg(test)]
mod tests {
    /// Each mark, typed where its ASCII twin belongs, gets a syntax error whose help
    /// names the twin.
    #[test]
    fn every_mark_gets_its_hint() {
        let mut lines = Vec::new();
        for (mark, _, ascii) in super::MARKS {
            let source = format!("min{mark}1, 2) + 1");
            let e = super::super::parser::parse(&source).unwrap_err();
            assert_eq!(e.span.start, 3, "{source}");
            let help = e.help.unwrap_or_default();
            assert!(
                help.contains(&format!("`{ascii}`")) || *ascii == " ",
                "{source}: {help}"
            );
            lines.push(format!("{source} → {}: {help}", e.message));
        }
        insta::assert_snapshot!(lines.join("\n"));
    }
}
