//! Source text → [`ast::Node`]: pest finds the tokens, a PrattParser applies precedence.
//!
//! pest reports what it expected as rule names; [`syntax_error`] turns those into the
//! words a rulebook author reads ("expected an operator or `)`, found `foo`").

use std::str::FromStr;
use std::sync::LazyLock;

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use super::ExprError;
use super::ast::{BinOp, Kind, Node, Span, UnOp};
use crate::calendar::parse_date;
use crate::value::Value;

#[derive(pest_derive::Parser)]
#[grammar = "expr/grammar.pest"]
struct Grammar;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    use Assoc::Left;
    PrattParser::new()
        .op(Op::infix(Rule::coalesce, Left))
        .op(Op::infix(Rule::or, Left))
        .op(Op::infix(Rule::and, Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Left)
            | Op::infix(Rule::ne, Left)
            | Op::infix(Rule::lt, Left)
            | Op::infix(Rule::le, Left)
            | Op::infix(Rule::gt, Left)
            | Op::infix(Rule::ge, Left)
            | Op::infix(Rule::in_op, Left))
        .op(Op::infix(Rule::add, Left) | Op::infix(Rule::sub, Left))
        .op(Op::infix(Rule::mul, Left) | Op::infix(Rule::div, Left) | Op::infix(Rule::rem, Left))
        .op(Op::prefix(Rule::neg))
});

/// How deeply an expression may nest: brackets, prefix operators (`- - x`, `not not x`)
/// and operator chains (`a + b + …` nests one level per operator). Parsing, checking,
/// compiling and evaluating all recurse on this depth, so a hostile `((((…))))` must be
/// refused before it can exhaust the stack. No real rulebook comes near it.
pub const MAX_NESTING: usize = 128;

/// Parses a whole expression.
pub fn parse(source: &str) -> Result<Node, ExprError> {
    check_nesting(source)?;
    let mut pairs = Grammar::parse(Rule::root, source).map_err(|e| syntax_error(source, e))?;
    let expr = pairs.next().expect("root holds one expr");
    Ok(parse_expr(expr.into_inner())?.node)
}

fn too_deep(span: Span) -> ExprError {
    ExprError::new(
        span,
        "too-deep",
        format!("the expression nests more than {MAX_NESTING} levels deep"),
    )
    .help("split it into `let:` locals or several rules")
}

/// Refuses deep bracket nesting and long runs of prefix operators before pest sees them
/// (pest and the PrattParser recurse on both). String literals are skipped.
fn check_nesting(source: &str) -> Result<(), ExprError> {
    let bytes = source.as_bytes();
    let (mut depth, mut prefixes, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        let c = bytes[i];
        let word = |w: &[u8]| {
            bytes[i..].starts_with(w)
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
                && bytes
                    .get(i + w.len())
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        };
        match c {
            b'"' | b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' => {
                depth += 1;
                prefixes = 0;
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                prefixes = 0;
            }
            b'-' => prefixes += 1,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'n' if word(b"not") => {
                prefixes += 1;
                i += 2;
            }
            _ => prefixes = 0,
        }
        if depth + prefixes > MAX_NESTING {
            return Err(too_deep(i.min(source.len())..(i + 1).min(source.len())));
        }
        i += 1;
    }
    Ok(())
}

/// A node, whether it was written in parentheses (which stops comparison chaining),
/// and how deeply it nests.
struct Parsed {
    node: Node,
    grouped: bool,
    depth: usize,
}

fn parse_expr(pairs: Pairs<Rule>) -> Result<Parsed, ExprError> {
    PRATT
        .map_primary(primary)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let unop = if op.as_rule() == Rule::neg {
                UnOp::Neg
            } else {
                UnOp::Not
            };
            let span = op.as_span().start()..rhs.node.span.end;
            if rhs.depth >= MAX_NESTING {
                return Err(too_deep(span));
            }
            Ok(Parsed {
                node: Node {
                    kind: Kind::Unary(unop, Box::new(rhs.node)),
                    span,
                },
                grouped: false,
                depth: rhs.depth + 1,
            })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let op_span = span_of(&op);
            let op = binop(op.as_rule());
            if let Kind::Binary { op: inner, .. } = &lhs.node.kind
                && op.is_comparison()
                && inner.is_comparison()
                && !lhs.grouped
            {
                return Err(ExprError::new(
                    op_span,
                    "syntax",
                    format!(
                        "comparisons cannot be chained: `{}` follows `{}`",
                        op.symbol(),
                        inner.symbol()
                    ),
                )
                .help("combine two comparisons with `and`, e.g. `a < b and b < c`"));
            }
            let span = lhs.node.span.start..rhs.node.span.end;
            let depth = lhs.depth.max(rhs.depth) + 1;
            if depth > MAX_NESTING {
                return Err(too_deep(op_span));
            }
            let kind = Kind::Binary {
                op,
                op_span,
                lhs: Box::new(lhs.node),
                rhs: Box::new(rhs.node),
            };
            Ok(Parsed {
                node: Node { kind, span },
                grouped: false,
                depth,
            })
        })
        .parse(pairs)
}

fn binop(rule: Rule) -> BinOp {
    match rule {
        Rule::coalesce => BinOp::Coalesce,
        Rule::or => BinOp::Or,
        Rule::and => BinOp::And,
        Rule::eq => BinOp::Eq,
        Rule::ne => BinOp::Ne,
        Rule::lt => BinOp::Lt,
        Rule::le => BinOp::Le,
        Rule::gt => BinOp::Gt,
        Rule::ge => BinOp::Ge,
        Rule::in_op => BinOp::In,
        Rule::add => BinOp::Add,
        Rule::sub => BinOp::Sub,
        Rule::mul => BinOp::Mul,
        Rule::rem => BinOp::Rem,
        _ => BinOp::Div,
    }
}

fn span_of(pair: &Pair<Rule>) -> Span {
    pair.as_span().start()..pair.as_span().end()
}

fn primary(pair: Pair<Rule>) -> Result<Parsed, ExprError> {
    let span = span_of(&pair);
    let text = pair.as_str();
    let node_at = |kind, depth| {
        if depth > MAX_NESTING {
            return Err(too_deep(span.clone()));
        }
        Ok(Parsed {
            node: Node {
                kind,
                span: span.clone(),
            },
            grouped: false,
            depth,
        })
    };
    let node = |kind| node_at(kind, 1);
    match pair.as_rule() {
        Rule::number => match number(text) {
            Some(n) => node(Kind::Lit(Value::Num(n))),
            None => Err(ExprError::new(
                span.clone(),
                "number",
                format!("`{text}` does not fit in a decimal (at most 28 significant digits)"),
            )),
        },
        Rule::date => match parse_date(text) {
            Ok(d) => node(Kind::Lit(Value::Date(d))),
            Err(message) => Err(ExprError::new(span.clone(), "date", message)),
        },
        Rule::string => node(Kind::Lit(Value::str(&unescape(text, span.start)?))),
        Rule::boolean => node(Kind::Lit(Value::Bool(text == "true"))),
        Rule::null => node(Kind::Lit(Value::Null)),
        Rule::name => node(Kind::Name(text.to_owned())),
        Rule::list => {
            let (items, depth) = exprs(pair.into_inner())?;
            node_at(Kind::List(items), depth + 1)
        }
        Rule::call => {
            let mut inner = pair.into_inner();
            let name = inner.next().expect("call starts with its name");
            let (args, depth) = exprs(inner)?;
            node_at(
                Kind::Call {
                    name: name.as_str().to_owned(),
                    name_span: span_of(&name),
                    args,
                },
                depth + 1,
            )
        }
        Rule::paren => {
            let inner = pair.into_inner().next().expect("paren holds an expr");
            let mut parsed = parse_expr(inner.into_inner())?;
            parsed.node.span = span;
            parsed.grouped = true;
            Ok(parsed)
        }
        rule => unreachable!("not a primary: {rule:?}"),
    }
}

/// A number literal's exact value: `_` separators dropped, an exponent applied by
/// shifting the decimal point (never through a float). `None` when it does not fit.
fn number(text: &str) -> Option<Decimal> {
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if plain.contains(['e', 'E']) {
        crate::records::typing::number(&plain).ok()
    } else {
        Decimal::from_str_exact(&plain).ok()
    }
}

/// The `expr` children of a list or a call, skipping the punctuation tokens, and the
/// deepest child's depth.
fn exprs(pairs: Pairs<Rule>) -> Result<(Vec<Node>, usize), ExprError> {
    let mut depth = 0;
    let mut nodes = Vec::new();
    for p in pairs.filter(|p| p.as_rule() == Rule::expr) {
        let parsed = parse_expr(p.into_inner())?;
        depth = depth.max(parsed.depth);
        nodes.push(parsed.node);
    }
    Ok((nodes, depth))
}

/// Decodes a quoted string literal; `offset` is where the literal starts in the source.
fn unescape(quoted: &str, offset: usize) -> Result<String, ExprError> {
    let body = &quoted[1..quoted.len() - 1];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = offset + 1 + i;
        let bad = |len: usize, what: String| {
            Err(ExprError::new(at..at + len, "syntax", what)
                .help("known escapes: \\\\ \\\" \\' \\n \\t \\r \\u{…}"))
        };
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, c @ ('\\' | '"' | '\''))) => out.push(c),
            Some((_, 'u')) => {
                let rest = &body[i + 2..];
                let code = rest
                    .strip_prefix('{')
                    .and_then(|r| r.split_once('}'))
                    .and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok().map(|n| (n, hex.len())))
                    .and_then(|(n, len)| char::from_u32(n).map(|c| (c, len)));
                let Some((c, len)) = code else {
                    return bad(2, "expected a unicode escape like `\\u{4e2d}`".into());
                };
                out.push(c);
                for _ in 0..len + 2 {
                    chars.next();
                }
            }
            Some((_, c)) => return bad(1 + c.len_utf8(), format!("unknown escape `\\{c}` in a string")),
            None => return bad(1, "a string cannot end with `\\`".into()),
        }
    }
    Ok(out)
}

/// What a rule means to a reader, for "expected …" lists.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr
        | Rule::neg
        | Rule::not
        | Rule::date
        | Rule::number
        | Rule::string
        | Rule::boolean
        | Rule::null
        | Rule::list
        | Rule::call
        | Rule::paren
        | Rule::name
        | Rule::ident => "a value",
        Rule::coalesce
        | Rule::or
        | Rule::and
        | Rule::eq
        | Rule::ne
        | Rule::le
        | Rule::lt
        | Rule::ge
        | Rule::gt
        | Rule::in_op
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::rem => "an operator",
        Rule::comma => "`,`",
        Rule::rparen => "`)`",
        Rule::rbracket => "`]`",
        Rule::EOI => "the end of the expression",
        _ => return None,
    })
}

const ORDER: [&str; 6] = [
    "a value",
    "an operator",
    "`,`",
    "`)`",
    "`]`",
    "the end of the expression",
];

fn syntax_error(source: &str, e: pest::error::Error<Rule>) -> ExprError {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (found, len) = token_at(source, pos);
    let mut expected: Vec<&str> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(|r| describe(*r)).collect()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_by_key(|w| ORDER.iter().position(|o| o == w));
    expected.dedup();
    let message = match expected.split_last() {
        None => format!("unexpected {found}"),
        Some((last, [])) => format!("expected {last}, found {found}"),
        Some((last, rest)) => format!("expected {} or {last}, found {found}", rest.join(", ")),
    };
    let word = source.get(pos..pos + len).unwrap_or("");
    let help = match word {
        "=" => Some("use `==` to compare".to_owned()),
        "&&" | "&" => Some("use `and`".to_owned()),
        "||" | "|" => Some("use `or`".to_owned()),
        "!" => Some("use `not`, or `!=` to compare".to_owned()),
        _ if word
            .chars()
            .next()
            .is_some_and(|c| super::punctuation::hint(c).is_some()) =>
        {
            word.chars().next().and_then(super::punctuation::hint)
        }
        _ if [
            "AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL", "And", "Or", "Not", "True", "False",
        ]
        .contains(&word) =>
        {
            Some(format!("keywords are lowercase: `{}`", word.to_ascii_lowercase()))
        }
        _ if word.starts_with(|c: char| c.is_ascii_digit())
            && word.trim_end_matches(['+', '-']).ends_with(['e', 'E']) =>
        {
            Some("an exponent needs digits, e.g. `1e3` or `2.5e-2`".to_owned())
        }
        // `"月行一善”`: a string left open because a Chinese quote was meant to close it.
        _ => word.chars().find_map(super::punctuation::hint),
    };
    let err = ExprError::new(pos..pos + len, "syntax", message);
    match help {
        Some(h) => err.help(h),
        None => err,
    }
}

/// The token starting at `pos`, quoted for a message, and its length in bytes.
fn token_at(source: &str, pos: usize) -> (String, usize) {
    let rest = source.get(pos..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("the end of the expression".into(), 0);
    };
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let len = if word(first) {
        rest.find(|c: char| !word(c)).unwrap_or(rest.len())
    } else if matches!(first, '"' | '\'') {
        rest[1..].find(first).map_or(rest.len(), |i| i + 2)
    } else {
        let ops = ["&&", "||", "=>", "=<"];
        ops.iter()
            .find(|o| rest.starts_with(*o))
            .map_or(first.len_utf8(), |o| o.len())
    };
    (format!("`{}`", &rest[..len]), len)
}

impl FromStr for Node {
    type Err = ExprError;
    fn from_str(s: &str) -> Result<Node, ExprError> {
        parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as an s-expression with spans: `(+@2..3 a@0..1 b@4..5)`.
    fn sexp(n: &Node) -> String {
        let s = &n.span;
        match &n.kind {
            Kind::Lit(v) => format!("{v}@{}..{}", s.start, s.end),
            Kind::Name(x) => format!("{x}@{}..{}", s.start, s.end),
            Kind::List(items) => {
                format!(
                    "[{}]@{}..{}",
                    items.iter().map(sexp).collect::<Vec<_>>().join(" "),
                    s.start,
                    s.end
                )
            }
            Kind::Unary(op, x) => format!("({op:?}@{}..{} {})", s.start, s.end, sexp(x)),
            Kind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                format!(
                    "({}@{}..{} {} {})",
                    op.symbol(),
                    op_span.start,
                    op_span.end,
                    sexp(lhs),
                    sexp(rhs)
                )
            }
            Kind::Call { name, args, .. } => {
                let args: Vec<_> = args.iter().map(sexp).collect();
                format!("{name}@{}..{}({})", s.start, s.end, args.join(" "))
            }
        }
    }

    fn p(src: &str) -> String {
        sexp(&parse(src).unwrap())
    }

    fn err(src: &str) -> String {
        let e = parse(src).unwrap_err();
        let help = e.help.map(|h| format!(" (help: {h})")).unwrap_or_default();
        format!("{}..{} {}: {}{help}", e.span.start, e.span.end, e.code, e.message)
    }

    #[test]
    fn precedence_and_spans() {
        insta::assert_snapshot!(p("a + b * c"), @"(+@2..3 a@0..1 (*@6..7 b@4..5 c@8..9))");
        insta::assert_snapshot!(p("(a + b) * c"), @"(*@8..9 (+@3..4 a@1..2 b@5..6) c@10..11)");
        insta::assert_snapshot!(p("a ?? b or c and not d == -e"), @"(??@2..4 a@0..1 (or@7..9 b@5..6 (and@12..15 c@10..11 (Not@16..27 (==@22..24 d@20..21 (Neg@25..27 e@26..27))))))");
        insta::assert_snapshot!(p("a - b - c"), @"(-@6..7 (-@2..3 a@0..1 b@4..5) c@8..9)");
        insta::assert_snapshot!(p("kind in [\"a\", 'b']"), @r#"(in@5..7 kind@0..4 ["a"@9..12 "b"@14..17]@8..18)"#);
        insta::assert_snapshot!(p("min(hours, 8) * 10"), @"(*@14..15 min@0..13(hours@4..9 8@11..12) 10@16..18)");
        insta::assert_snapshot!(p("date >= 2026-03-01 and member.role == period.start"), @"(and@19..22 (>=@5..7 date@0..4 2026-03-01@8..18) (==@35..37 member.role@23..34 period.start@38..50))");
        insta::assert_snapshot!(p("2026 - 03 - 01"), @"(-@10..11 (-@5..6 2026@0..4 3@7..9) 1@12..14)");
        insta::assert_snapshot!(p("android or nothing"), @"(or@8..10 android@0..7 nothing@11..18)");
        insta::assert_snapshot!(p("count()\n  > 0"), @"(>@10..11 count@0..7() 0@12..13)");
        insta::assert_snapshot!(p("-0.50"), @"(Neg@0..5 0.5@1..5)");
        insta::assert_snapshot!(p(r#""a\"b\u{4e2d}""#), @r#""a\"b中"@0..14"#);
        insta::assert_snapshot!(p("null ?? true"), @"(??@5..7 null@0..4 true@8..12)");
    }

    #[test]
    fn syntax_errors_are_friendly() {
        insta::assert_snapshot!(err("hours foo"), @"6..9 syntax: expected an operator or the end of the expression, found `foo`");
        insta::assert_snapshot!(err("min(hours foo)"), @"10..13 syntax: expected an operator, `,` or `)`, found `foo`");
        insta::assert_snapshot!(err("1 +"), @"3..3 syntax: expected a value, found the end of the expression");
        insta::assert_snapshot!(err(""), @"0..0 syntax: expected a value, found the end of the expression");
        insta::assert_snapshot!(err("kind = \"x\""), @"5..6 syntax: expected an operator or the end of the expression, found `=` (help: use `==` to compare)");
        insta::assert_snapshot!(err("a AND b"), @"2..5 syntax: expected an operator or the end of the expression, found `AND` (help: keywords are lowercase: `and`)");
        insta::assert_snapshot!(err("a < b < c"), @"6..7 syntax: comparisons cannot be chained: `<` follows `<` (help: combine two comparisons with `and`, e.g. `a < b and b < c`)");
        insta::assert_snapshot!(err("2026-02-30"), @"0..10 date: 2026-02-30 is not a date: February 2026 has 28 days");
        insta::assert_snapshot!(err(r#"x == "a\qb""#), @r#"7..9 syntax: unknown escape `\q` in a string (help: known escapes: \\ \" \' \n \t \r \u{…})"#);
        insta::assert_snapshot!(err("[1, 2"), @"5..5 syntax: expected an operator, `,` or `]`, found the end of the expression");
        insta::assert_snapshot!(err("kind == \"月行一善”"), @"8..24 syntax: expected a value, found `\"月行一善”` (help: `”` is a Chinese closing quotation mark: use the ASCII `\"` (switch the input method to English punctuation))");
        insta::assert_snapshot!(err("核实 and 时长 > 1e"), @"20..22 syntax: expected a value, found `1e` (help: an exponent needs digits, e.g. `1e3` or `2.5e-2`)");
        insta::assert_snapshot!(err("123456789012345678901234567890"), @"0..30 number: `123456789012345678901234567890` does not fit in a decimal (at most 28 significant digits)");
        assert!(parse("(a < b) < c").is_ok());
    }
}
