//! The rulebook digest: sha256 of a canonical JSON form of the YAML tree, so that
//! comments, key order and layout do not change it, and any change of meaning does.

use sha2::{Digest, Sha256};

use crate::yaml::{Node, NodeKind};

pub fn digest(root: &Node) -> String {
    let mut hasher = Sha256::new();
    let mut text = String::new();
    canonical(root, &mut text);
    hasher.update(text.as_bytes());
    let hash = hasher.finalize();
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn canonical(node: &Node, out: &mut String) {
    match &node.kind {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        NodeKind::Number(n) => match crate::decode::parse_decimal(n) {
            Some(d) => out.push_str(&d.normalize().to_string()),
            None => out.push_str(n),
        },
        NodeKind::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
        NodeKind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        NodeKind::Map(entries) => {
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by_key(|entry| key_text(&entry.0));
            out.push('{');
            for (i, (key, value)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key_text(key)).to_string());
                out.push(':');
                canonical(value, out);
            }
            out.push('}');
        }
    }
}

fn key_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Str(s) | NodeKind::Number(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{YamlLimits, parse};

    #[test]
    fn layout_and_comments_do_not_change_the_digest() {
        let a = parse("a: 1.0\nb: [x, y] # note\n", &YamlLimits::default()).unwrap();
        let b = parse("b:\n  - x\n  - y\na: 1\n", &YamlLimits::default()).unwrap();
        let c = parse("b: [x, y]\na: 2\n", &YamlLimits::default()).unwrap();
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&c));
    }
}
