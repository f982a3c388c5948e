//! Names on a public notice: `--mask` keeps a name's first character and, for
//! names of three or more characters, its last (张*明, 欧**华, 李*).

/// A name as a public notice shows it under `--mask`. Characters are Unicode scalar
/// values, so 欧阳明华 is four. A one-character name shows as `*`: its first
/// character would be the whole name.
///
/// `张三明` → `张*明`, `欧阳明华` → `欧**华`, `李四` → `李*`, `m0001` → `m***1`.
pub fn mask(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::with_capacity(name.len());
            out.push(chars[0]);
            out.extend(std::iter::repeat_n('*', n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

/// Replaces every full name in `text` by its mask, longest names first (so that
/// `m10` is masked whole before `m1` is looked for). Names of one character are
/// left alone: replacing a single character everywhere would garble the text.
pub(crate) struct Scrubber {
    names: Vec<(String, String)>,
}

impl Scrubber {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Scrubber {
        let mut names: Vec<(String, String)> = names
            .into_iter()
            .filter(|n| n.chars().count() >= 2)
            .map(|n| (n.to_owned(), mask(n)))
            .collect();
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        names.dedup();
        Scrubber { names }
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (name, masked) in &self.names {
            if text.contains(name.as_str()) {
                text = text.replace(name.as_str(), masked);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_first_and_for_three_or_more_the_last_character() {
        assert_eq!(mask("张三明"), "张*明");
        assert_eq!(mask("欧阳明华"), "欧**华");
        assert_eq!(mask("李四"), "李*");
        assert_eq!(mask("m0001"), "m***1");
        assert_eq!(mask("王"), "*");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn the_scrubber_masks_longer_names_first() {
        let scrubber = Scrubber::new(["m1", "m10", "王"]);
        assert_eq!(scrubber.scrub("m10 and m1 and 王"), "m*0 and m* and 王");
    }
}
