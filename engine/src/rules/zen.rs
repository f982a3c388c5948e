//! Table cells written as GoRules ZEN writes them (`"US"`, `in ["US"]`,
//! `startsWith($, "U")`): merit reads each as a plain string that no value has, so
//! the row silently never matches. `merit check` warns and names the cell meant
//! (issue 13).

use crate::expr::catalog;

/// What a string cell on a string input probably meant, when it is written in
/// another engine's syntax: (why it never matches, the cell or input meant).
/// `input` is the column's input expression as written.
pub(crate) fn intended(text: &str, input: &str) -> Option<(String, String)> {
    let text = text.trim();
    if let Some(inner) = unquote(text) {
        if inner.is_empty() {
            return Some((
                "the quotes are part of the cell, so it tests for two quote marks".into(),
                "write `= \"\"` to test for the empty string".into(),
            ));
        }
        return Some((
            "the quotes are part of the cell, so it tests for the text with its quotes".into(),
            format!("write the cell `{}`", bare_or_quoted(inner)),
        ));
    }
    if let Some(list) = text.strip_prefix("in ").or_else(|| text.strip_prefix("in["))
        && let Some(items) = list.trim_start().strip_prefix('[').or(Some(list))
        && let Some(items) = items.trim_end().strip_suffix(']')
    {
        return Some((
            "`in [...]` is not cell syntax: a list cell is a YAML list of values".into(),
            format!(
                "write the cell `{}` (a list, not a quoted string)",
                yaml_list(items)
            ),
        ));
    }
    if let Some(call) = function_call(text, input) {
        return Some((
            "a cell cannot call a function or name `$`".into(),
            format!("make `{call}` a table input and write `true` in this cell"),
        ));
    }
    if text.contains('$') {
        return Some((
            "`$` means nothing in a merit cell: a cell is a value, `-`, a comparison like `>= 60`, a range like `[30..60)` or a list".into(),
            format!("compare the input `{input}` with an operator, e.g. `!= US`"),
        ));
    }
    if text.contains(',') && text.split(',').all(|item| unquote(item.trim()).is_some()) {
        return Some((
            "quoted values separated by commas are one string here".into(),
            format!(
                "write the cell `{}` (a list, not a quoted string)",
                yaml_list(text)
            ),
        ));
    }
    None
}

/// The text between matching double or single quotes.
fn unquote(text: &str) -> Option<&str> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))?;
    (!inner.contains(['"', '\''])).then_some(inner)
}

/// A value as a cell: bare when it reads as that string, otherwise after `= `
/// with quotes (a number, `-`, `true`, an operator).
fn bare_or_quoted(value: &str) -> String {
    let plain = value.chars().all(|c| c.is_alphanumeric() || "_ ".contains(c))
        && !value.starts_with(|c: char| c.is_ascii_digit())
        && !matches!(value, "true" | "false");
    if plain {
        value.to_owned()
    } else {
        format!("= \"{value}\"")
    }
}

/// `"US", 'CA'` as the YAML list `[US, CA]`.
fn yaml_list(items: &str) -> String {
    let items: Vec<String> = items
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let value = unquote(item).unwrap_or(item);
            if bare_or_quoted(value) == value {
                value.to_owned()
            } else {
                format!("\"{value}\"")
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// `startsWith($, "U")` as the merit expression `starts_with(country, "U")`, when
/// the name (in snake case) is a merit function.
fn function_call(text: &str, input: &str) -> Option<String> {
    let (name, rest) = text.split_once('(')?;
    if !text.ends_with(')') || name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let mut snake = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    catalog::entry(&snake)?;
    Some(format!("{snake}({}", rest.replace('$', input)))
}

#[cfg(test)]
mod tests {
    use super::intended;

    fn meant(text: &str) -> Option<String> {
        intended(text, "country").map(|(_, help)| help)
    }

    #[test]
    fn zen_cells_name_the_cell_meant() {
        assert_eq!(meant("\"US\"").unwrap(), "write the cell `US`");
        assert_eq!(meant("'US'").unwrap(), "write the cell `US`");
        assert_eq!(
            meant("\"\"").unwrap(),
            "write `= \"\"` to test for the empty string"
        );
        assert_eq!(meant("'12'").unwrap(), "write the cell `= \"12\"`");
        assert_eq!(
            meant("in [\"US\", \"CA\"]").unwrap(),
            "write the cell `[US, CA]` (a list, not a quoted string)"
        );
        assert_eq!(
            meant("startsWith($, \"U\")").unwrap(),
            "make `starts_with(country, \"U\")` a table input and write `true` in this cell"
        );
        assert_eq!(
            meant("\"US\", \"CA\"").unwrap(),
            "write the cell `[US, CA]` (a list, not a quoted string)"
        );
        assert!(meant("len($) > 2").is_some());
    }

    #[test]
    fn plain_cells_are_not_warned() {
        for cell in ["US", "New York", "美国", "-", "it's", "in town"] {
            assert_eq!(meant(cell), None, "{cell}");
        }
    }
}
