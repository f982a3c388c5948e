//! The layering check: engine modules import only downward, so the module graph has
//! no circle (issue 16).
//!
//! It reads every `engine/src/**/*.rs` as text, collects the `crate::…` paths (in
//! `use` lines and inline) and draws an edge from the file's top-level module to
//! the module the path names. Inside `expr/` and `records/`, whose files once
//! formed circles of their own, it also draws edges between files (`super::…` and
//! `crate::expr::…`); their `mod.rs` is the module's front door, not a node, and an
//! item it re-exports counts as the file that defines it. Root re-exports
//! (`crate::Rulebook`) count as the module `lib.rs` takes them from.
//!
//! Today's layers, each importing only those before it (README's Layout lists
//! them): the leaves (value, calendar, yaml, escape, diagnostic, schema, record,
//! words, parallel) → report → records → expr → decode → rules → index → book →
//! eval → explain, diff, rank, publish, bank → api → stream → selftest.
//!
//! Test code (`#[cfg(test)]` items, `tests.rs`, `*_tests.rs`) is left out: a test
//! may build fixtures with a higher layer without the library depending on it.
//! Why text and not `syn`: the check needs paths only, and no dependency is worth it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules whose files are checked against each other too.
const SPLIT: &[&str] = &["expr", "records"];

#[test]
fn engine_modules_import_without_circles() {
    let graph = Graph::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let circles = graph.circles();
    assert!(
        circles.is_empty(),
        "import circles between engine modules:\n{}",
        circles.join("\n")
    );
}

/// Edges `from → to`, each with the first `file:line` that draws it.
#[derive(Default)]
struct Graph {
    edges: BTreeMap<(String, String), String>,
}

impl Graph {
    fn read(src: &Path) -> Graph {
        let mut files = Vec::new();
        rust_files(src, &mut files);
        let top: BTreeSet<String> = files
            .iter()
            .filter_map(|f| node(src, f).map(|(t, _)| t))
            .collect();
        let root = reexports(&clean(&read(&src.join("lib.rs"))), &top);
        let mut children: BTreeMap<&str, (BTreeSet<String>, BTreeMap<String, String>)> = BTreeMap::new();
        for &m in SPLIT {
            let names: BTreeSet<String> = files
                .iter()
                .filter_map(|f| node(src, f).and_then(|(t, c)| (t == m).then_some(c).flatten()))
                .collect();
            let front = reexports(&clean(&read(&src.join(m).join("mod.rs"))), &names);
            children.insert(m, (names, front));
        }
        let mut graph = Graph::default();
        for file in &files {
            let Some((from_top, from_child)) = node(src, file) else {
                continue;
            };
            let name = file.strip_prefix(src).unwrap_or(file).display().to_string();
            let text = strip_tests(&clean(&read(file)));
            for (offset, path) in paths(&text) {
                let at = format!("{name}:{}", 1 + text[..offset].matches('\n').count());
                let (to_top, rest) = match path.first().map(String::as_str) {
                    Some("crate") => match path.get(1) {
                        Some(seg) if top.contains(seg) => (seg.clone(), &path[2..]),
                        Some(seg) => match root.get(seg) {
                            Some(module) => (module.clone(), &path[2..]),
                            None => continue,
                        },
                        None => continue,
                    },
                    Some("super") if from_child.is_some() => (from_top.clone(), &path[1..]),
                    _ => continue,
                };
                if to_top != from_top {
                    graph.add(&from_top, &to_top, &at);
                    continue;
                }
                let (Some(from), Some((names, front))) = (&from_child, children.get(from_top.as_str()))
                else {
                    continue;
                };
                let to = match rest.first() {
                    Some(seg) if names.contains(seg) => seg,
                    Some(seg) => match front.get(seg) {
                        Some(child) => child,
                        None => continue,
                    },
                    None => continue,
                };
                if to != from {
                    graph.add(&format!("{from_top}/{from}"), &format!("{from_top}/{to}"), &at);
                }
            }
        }
        graph
    }

    fn add(&mut self, from: &str, to: &str, at: &str) {
        self.edges
            .entry((from.to_owned(), to.to_owned()))
            .or_insert_with(|| at.to_owned());
    }

    /// Every strongly connected set of more than one node, with the edges inside it.
    fn circles(&self) -> Vec<String> {
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (from, to) in self.edges.keys() {
            next.entry(from).or_default().push(to);
            next.entry(to).or_default();
        }
        let reach = |start: &str| {
            let mut seen = BTreeSet::from([start.to_owned()]);
            let mut todo = vec![start.to_owned()];
            while let Some(n) = todo.pop() {
                for &m in &next[n.as_str()] {
                    if seen.insert(m.to_owned()) {
                        todo.push(m.to_owned());
                    }
                }
            }
            seen
        };
        let reaches: BTreeMap<&str, BTreeSet<String>> = next.keys().map(|&n| (n, reach(n))).collect();
        let mut done = BTreeSet::new();
        let mut circles = Vec::new();
        for (&n, from_n) in &reaches {
            if done.contains(n) {
                continue;
            }
            let set: BTreeSet<&str> = from_n
                .iter()
                .map(String::as_str)
                .filter(|m| reaches[m].contains(n))
                .collect();
            done.extend(set.iter().copied());
            if set.len() < 2 {
                continue;
            }
            let mut text = format!(
                "circle of {}: {}",
                set.len(),
                set.iter().copied().collect::<Vec<_>>().join(", ")
            );
            for ((from, to), at) in &self.edges {
                if set.contains(from.as_str()) && set.contains(to.as_str()) {
                    text.push_str(&format!("\n    {from} → {to}  ({at})"));
                }
            }
            circles.push(text);
        }
        circles
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("engine/src reads")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's top-level module and, inside a [`SPLIT`] module, its child; `None`
/// for `lib.rs` and test files.
fn node(src: &Path, file: &Path) -> Option<(String, Option<String>)> {
    let parts: Vec<String> = file
        .strip_prefix(src)
        .ok()?
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.last()?;
    if parts == ["lib"] || last == "tests" || last.ends_with("_tests") {
        return None;
    }
    let child = match parts.get(1) {
        Some(c) if SPLIT.contains(&parts[0].as_str()) && c != "mod" => Some(c.clone()),
        _ => None,
    };
    Some((parts[0].clone(), child))
}

/// Items a facade (`lib.rs`, a `mod.rs`) re-exports from one of `modules`, by the
/// name they are re-exported as.
fn reexports(text: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (_, path) in uses(text) {
        let path: Vec<&String> = path.iter().filter(|s| *s != "self").collect();
        if let (Some(first), Some(last)) = (path.first(), path.last())
            && path.len() > 1
            && modules.contains(*first)
        {
            map.insert((*last).clone(), (*first).clone());
        }
    }
    map
}

/// Source with comments, strings and char literals blanked (newlines kept, so
/// offsets still give lines); a serde `with = "…"` path is kept.
fn clean(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"//") {
            i + rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (0, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            j
        } else if (rest[0] == b'r' || rest.starts_with(b"br")) && !ident(i) && raw_start(rest).is_some() {
            let (skip, hashes) = raw_start(rest).expect("checked");
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let body = i + skip;
            body + b[body..]
                .windows(close.len())
                .position(|w| w == close)
                .map_or(b.len() - body, |p| p + close.len())
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            j + 1
        } else if rest[0] == b'\'' && rest.get(1) == Some(&b'\\') {
            i + 2 + rest[2..].iter().position(|&c| c == b'\'').map_or(0, |p| p + 1)
        } else if rest[0] == b'\'' && rest.len() > 2 {
            // A char literal is one (possibly multi-byte) char between quotes; else a lifetime.
            let width = std::str::from_utf8(&rest[1..rest.len().min(5)])
                .or_else(|e| std::str::from_utf8(&rest[1..1 + e.valid_up_to()]))
                .ok()
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            if rest.get(1 + width) == Some(&b'\'') {
                i + 2 + width
            } else {
                i + 1
            }
        } else {
            i + 1
        };
        // `#[serde(with = "crate::value::decimal_text")]` names a module in a string:
        // its quotes go, the path stays and counts.
        let serde_with = rest[0] == b'"' && text[..i].trim_end().ends_with("with =");
        if serde_with {
            blank(&mut out, i, i + 1);
            blank(&mut out, end - 1, end);
        } else if end > i + 1 || rest[0] == b'"' {
            blank(&mut out, i, end);
        }
        i = end.max(i + 1);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `r"`, `r#"`, `br##"`…: the length of the opening and the number of `#`.
fn raw_start(rest: &[u8]) -> Option<(usize, usize)> {
    let start = if rest.starts_with(b"br") { 2 } else { 1 };
    let hashes = rest[start..].iter().take_while(|&&c| c == b'#').count();
    (rest.get(start + hashes) == Some(&b'"')).then_some((start + hashes + 1, hashes))
}

/// The text with every `#[cfg(test)]` item blanked.
fn strip_tests(text: &str) -> String {
    let mut out = text.to_owned();
    let mut from = 0;
    while let Some(p) = out[from..].find("#[cfg(test)]").map(|p| p + from) {
        let b = out.as_bytes();
        let mut j = p;
        while j < b.len() && b[j] != b';' && b[j] != b'{' {
            j += 1;
        }
        if j < b.len() && b[j] == b'{' {
            let mut depth = 0;
            while j < b.len() {
                depth += match b[j] {
                    b'{' => 1,
                    b'}' => -1,
                    _ => 0,
                };
                if depth == 0 {
                    break;
                }
                j += 1;
            }
        }
        let end = (j + 1).min(b.len());
        let blanked: String = out[p..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(p..end, &blanked);
        from = end;
    }
    out
}

/// Every path that starts with `crate::` or `super::`, use groups expanded, with
/// its offset.
fn paths(text: &str) -> Vec<(usize, Vec<String>)> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(p) = text[from..].find(start).map(|p| p + from) {
            from = p + start.len();
            if p > 0 && (b[p - 1].is_ascii_alphanumeric() || b[p - 1] == b'_' || b[p - 1] == b':') {
                continue;
            }
            let mut at = p;
            for path in tree(b, &mut at) {
                found.push((p, path));
            }
        }
    }
    found
}

/// Every path of the `use` items in `text`, with their offsets.
fn uses(text: &str) -> Vec<(usize, Vec<String>)> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find("use ").map(|p| p + from) {
        from = p + 4;
        if p > 0 && (b[p - 1].is_ascii_alphanumeric() || b[p - 1] == b'_') {
            continue;
        }
        let mut at = from;
        found.extend(tree(b, &mut at).into_iter().map(|path| (p, path)));
    }
    found
}

/// Parses a use tree at `*at` (`a::b`, `a::{b, c::d}`, `a as b`, `*`) into its
/// paths; an alias replaces the last segment.
fn tree(b: &[u8], at: &mut usize) -> Vec<Vec<String>> {
    skip_space(b, at);
    if b.get(*at) == Some(&b'{') {
        *at += 1;
        let mut all = Vec::new();
        loop {
            skip_space(b, at);
            match b.get(*at) {
                Some(b'}') | None => {
                    *at += 1;
                    return all;
                }
                Some(b',') => *at += 1,
                _ => {
                    let before = *at;
                    all.extend(tree(b, at));
                    if *at == before {
                        *at += 1;
                    }
                }
            }
        }
    }
    let start = *at;
    while *at < b.len() && (b[*at].is_ascii_alphanumeric() || b[*at] == b'_' || b[*at] == b'*') {
        *at += 1;
    }
    if *at == start {
        return Vec::new();
    }
    let seg = String::from_utf8_lossy(&b[start..*at]).into_owned();
    let mut look = *at;
    skip_space(b, &mut look);
    if b[look..].starts_with(b"::") {
        *at = look + 2;
        let mut subs = tree(b, at);
        if subs.is_empty() {
            subs.push(Vec::new());
        }
        return subs
            .into_iter()
            .map(|s| std::iter::once(seg.clone()).chain(s).collect())
            .collect();
    }
    if b[look..].starts_with(b"as ") {
        *at = look + 3;
        skip_space(b, at);
        let alias = *at;
        while *at < b.len() && (b[*at].is_ascii_alphanumeric() || b[*at] == b'_') {
            *at += 1;
        }
        return vec![vec![String::from_utf8_lossy(&b[alias..*at]).into_owned()]];
    }
    vec![vec![seg]]
}

fn skip_space(b: &[u8], at: &mut usize) {
    while *at < b.len() && b[*at].is_ascii_whitespace() {
        *at += 1;
    }
}

#[test]
fn use_trees_expand_into_paths() {
    let text = clean(
        "use crate::{book::Rulebook, expr::{self, Env as E}};\n// crate::api::x\nlet s = \"crate::bank\";\n",
    );
    let found: Vec<String> = paths(&text).into_iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(
        found,
        ["crate::book::Rulebook", "crate::expr::self", "crate::expr::E"]
    );
    let with = clean("#[serde(with = \"crate::value::decimal_text\")]\nfn f(x: &'a str) -> char { '\"' }\n");
    let found: Vec<String> = paths(&with).into_iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(found, ["crate::value::decimal_text"]);
}

#[test]
fn test_items_are_left_out() {
    let text = strip_tests(
        "use crate::a::X;\n#[cfg(test)]\nmod tests {\n    use crate::b::Y;\n}\n#[cfg(test)]\nuse crate::c::Z;\n",
    );
    let found: Vec<String> = paths(&text).into_iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(found, ["crate::a::X"]);
}

#[test]
fn a_circle_is_named_with_its_edges() {
    let mut graph = Graph::default();
    graph.add("book", "rules", "book/load.rs:7");
    graph.add("rules", "book", "rules/caps.rs:13");
    graph.add("eval", "book", "eval/mod.rs:34");
    assert_eq!(
        graph.circles(),
        [
            "circle of 2: book, rules\n    book → rules  (book/load.rs:7)\n    rules → book  (rules/caps.rs:13)"
        ]
    );
}
