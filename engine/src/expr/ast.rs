//! The syntax tree as parsed, before names are resolved or types checked.
//!
//! Every node keeps the byte span of its source text (relative to the expression),
//! so the checker can point at the exact operand that is wrong and the explainer can
//! annotate names in place.

use std::cmp::Ordering;
use std::ops::Range;

use crate::value::Value;

pub type Span = Range<usize>;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A number, string, bool, date or `null` literal.
    Lit(Value),
    List(Vec<Node>),
    /// A name as written: `hours`, `member.role`, `period.start`.
    Name(String),
    Unary(UnOp, Box<Node>),
    Binary {
        op: BinOp,
        op_span: Span,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Call {
        name: String,
        name_span: Span,
        args: Vec<Node>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Coalesce,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
    /// `%`: the remainder, with the sign of the dividend.
    Rem,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Coalesce => "??",
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }

    /// Comparisons do not chain: `a < b < c` is a syntax error.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::In
        )
    }
}

impl Node {
    /// Calls `f` on this node and every node below it, in source order.
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match &self.kind {
            Kind::Lit(_) | Kind::Name(_) => {}
            Kind::List(items) | Kind::Call { args: items, .. } => items.iter().for_each(|n| n.walk(f)),
            Kind::Unary(_, x) => x.walk(f),
            Kind::Binary { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
        }
    }
}

/// Whether ordering `o` satisfies comparison `op`.
pub fn test(op: BinOp, o: Ordering) -> bool {
    match op {
        BinOp::Eq => o == Ordering::Equal,
        BinOp::Ne => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::Le => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}
