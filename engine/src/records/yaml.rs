//! YAML records: a sequence of mappings, read through [`crate::yaml`] so numbers keep
//! their written text.

use super::builder::Builder;
use super::typing::Raw;
use super::{InputError, line_col, text};
use crate::record::{Record, Rejected};
use crate::yaml::{self, Node, NodeKind, YamlLimits};

/// Parses YAML text with node limits scaled to its size: a node takes at least a
/// byte, so a large file of records is not refused, while aliases still cannot
/// expand it beyond that.
pub(crate) fn parse(input: &[u8]) -> Result<(&str, Node), InputError> {
    let text = text(input)?;
    let defaults = YamlLimits::default();
    let limits = YamlLimits {
        max_nodes: defaults.max_nodes.max(text.len()),
        ..defaults
    };
    let root = yaml::parse(text, &limits).map_err(|e| {
        let (line, column) = line_col(text, e.span.start);
        // The YAML reader's message may repeat the location merit gives.
        let message = e.message.as_str();
        InputError::at(format!("not valid YAML: {message}"), line, Some(column))
    })?;
    Ok((text, root))
}

pub(crate) fn raw(node: &Node) -> Raw<'_> {
    match &node.kind {
        NodeKind::Null => Raw::Null,
        NodeKind::Bool(b) => Raw::Bool(*b),
        NodeKind::Number(text) => Raw::Number(text),
        NodeKind::Str(text) => Raw::Str(text),
        NodeKind::Seq(_) => Raw::Nested("a list"),
        NodeKind::Map(_) => Raw::Nested("a mapping"),
    }
}

/// The root's items: a sequence, or nothing for an empty document.
pub(crate) fn items<'n>(text: &str, root: &'n Node) -> Result<&'n [Node], InputError> {
    match &root.kind {
        NodeKind::Seq(items) => Ok(items),
        NodeKind::Null => Ok(&[]),
        other => {
            let (line, column) = line_col(text, root.span.start);
            let message = format!("expected a list of records, got {}", other.describe());
            Err(InputError::at(message, line, Some(column)))
        }
    }
}

pub(crate) fn read(
    input: &[u8],
    builder: &mut Builder<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<(), InputError> {
    let (text, root) = parse(input)?;
    for (index, item) in items(text, &root)?.iter().enumerate() {
        let position = index as u64 + 1;
        builder.start();
        let NodeKind::Map(entries) = &item.kind else {
            let message = format!("record is not a mapping (got {})", item.kind.describe());
            builder.reject(position, message, rejected);
            continue;
        };
        for (name, value) in entries {
            if let NodeKind::Str(name) = &name.kind
                && let Some(key) = builder.key(name)
            {
                match &value.kind {
                    NodeKind::Seq(items) => {
                        let items: Vec<Raw> = items.iter().map(raw).collect();
                        builder.set(key, Raw::Items("a list", &items));
                    }
                    _ => builder.set(key, raw(value)),
                }
            }
        }
        builder.finish(position, records, rejected);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::tests::{outcome, schema};

    fn yaml(input: &str) -> String {
        outcome(input.as_bytes(), Format::Yaml, &schema())
    }

    #[test]
    fn reads_a_sequence_of_mappings() {
        insta::assert_snapshot!(yaml(r#"
- { id: r1, member: m1, kind: volunteer, date: "2026-03-14", hours: 3.50, verified: true }
- member: 42
  kind: volunteer
  date: 2026-03-14T23:30:00Z
  hours: 0.1
  stars: 4
- [not, a, record]
- { member: m1, kind: volunteer, date: 2026-03-14, hours: three, id: r4 }
- { member: m1, kind: volunteer, date: 2026-03-14, hours: { a: 1 } }
- { member: m1, kind: volunteer, date: 2026-02-29 }
"#), @r#"
        ok 1 id=r1 member=m1 kind=volunteer date=2026-03-14 [3.50, true, null, null]
        ok 2 id=#2 member=42 kind=volunteer date=2026-03-15 [0.1, false, 4, null]
        rejected 3: record is not a mapping (got a list)
        rejected 4 (id r4): field `hours`: expected decimal, got "three"
        rejected 5: field `hours`: expected decimal, got a mapping
        rejected 6: field `date`: 2026-02-29 is not a date: February 2026 has 28 days
        "#);
    }

    #[test]
    fn whole_input_failures() {
        insta::assert_snapshot!(yaml("a: 1\n b: 2\n"), @"error: line 2, column 3: not valid YAML: mapping values are not allowed in this context");
        insta::assert_snapshot!(yaml("member: m1\n"), @"error: line 1, column 1: expected a list of records, got a mapping");
        insta::assert_snapshot!(yaml(""), @"");
    }
}
