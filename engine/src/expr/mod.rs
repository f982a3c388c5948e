//! The expression language of `when:`, `points:`, table outputs, vetoes and group rules.
//!
//! An expression goes through four stages, one file each:
//!
//! | file | job |
//! | --- | --- |
//! | `grammar.pest`, `parser.rs` | text → `ast::Node` with byte spans; friendly syntax errors |
//! | `check.rs` | names → slots and types, once, at load time; every type error with its span |
//! | `compile.rs`, `functions.rs` | typed tree → nested closures, constants folded |
//! | `catalog.rs` | the function table the docs, the JSON Schema and suggestions share |
//! | `explain.rs` | the trace a member reads: `min(hours=3.5, 8) * 10 = 35` |
//! | `template.rs` | the explanation's text cut once: built by `compile.rs`, read by `explain.rs` |
//! | `kernel.rs` | the fixed-point fast path of simple numeric and boolean expressions |
//!
//! Why closures rather than walking the tree: evaluation runs per record, millions of
//! times; closures do no name lookups and no allocation on numeric and boolean paths.
//!
//! Null is a value: a missing optional field reads as [`Value::Null`], and null
//! propagates through arithmetic, comparisons and functions (see [`compile`]'s docs for
//! the exact table). Callers treat a null condition as false and null points as 0, and
//! [`Expr::explain`] names the fields that were missing.
//!
//! The test `compiles_and_evaluates_one_expression` (in `tests.rs`) shows the
//! whole path: compile against a schema, evaluate on a record, explain.

mod ast;
pub mod catalog;
mod check;
mod compile;
mod explain;
mod functions;
mod kernel;
mod parser;
mod punctuation;
mod template;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::calendar::{Calendar, Window};
use crate::record::Record;
use crate::schema::Schema;
use crate::value::{Type, Value};

pub use explain::Explained;
pub(crate) use kernel::{Fixed, KValue, Rows, Text, Unfit, fixed_decimal, or_unfit, value_field};

/// Where an expression is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Once per record (`when:`, `points:`, table outputs): record fields are in scope.
    Record,
    /// Once per member and window (vetoes, `count:`/`sum:` rules): record fields only
    /// inside the aggregates `count sum avg min max`; `points("rule")` is available.
    Group,
}

/// What names mean while compiling one expression.
pub struct Scope<'a> {
    pub schema: &'a Schema,
    pub context: Context,
    /// Interned `member.*` attribute names, shared across a rulebook; an expression's
    /// `member.role` reads `Env::member[i]` where `member_attrs[i] == "role"`.
    pub member_attrs: &'a mut Vec<String>,
    /// Names the rule kind binds (`score`, …); index = `Env::locals` index. Locals
    /// shadow record fields of the same name.
    pub locals: &'a [(&'a str, Type)],
    /// Valid targets of `points("…")`.
    pub rule_ids: &'a [String],
}

/// A compile-time problem, located in the expression's own text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Byte range in the expression source.
    pub span: Range<usize>,
    /// Stable identifier: `syntax`, `number`, `date`, `unknown-name`, `unknown-function`,
    /// `type-mismatch`, `arity`, `group-only`, `needs-record`, `nested-aggregate`,
    /// `unknown-rule`, `bad-argument`, `too-deep`.
    pub code: &'static str,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl ExprError {
    pub(crate) fn new(span: Range<usize>, code: &'static str, message: impl Into<String>) -> ExprError {
        ExprError {
            span,
            code,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub(crate) fn label(mut self, label: impl Into<String>) -> ExprError {
        self.label = Some(label.into());
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> ExprError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// A run-time failure: division by zero, decimal overflow, a date out of range.
/// The report shows its `message` (a rejected record's error, a failed award's
/// sentence); callers that branch on the failure read its stable [`EvalError::code`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong, for callers that branch on it.
    pub kind: EvalErrorKind,
    /// What the report shows, naming the values involved.
    pub message: String,
}

/// What kind of run-time failure an [`EvalError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EvalErrorKind {
    /// A value of the wrong type (`cannot compare 3 with "a"`, `len expects a string`).
    Type,
    /// A division or remainder by zero.
    DivisionByZero,
    /// A result too large for a decimal, or an award too large to carry.
    Overflow,
    /// A value a function cannot take: not a whole number, not a date or number in
    /// a string, `round`'s places, a bad pattern; a date or day count out of range.
    Argument,
    /// An expression read what its place does not give: a record or a group.
    Context,
}

impl EvalErrorKind {
    /// The stable code (`type`, `division-by-zero`, `overflow`, `bad-argument`,
    /// `no-context`).
    pub fn code(self) -> &'static str {
        match self {
            EvalErrorKind::Type => "type",
            EvalErrorKind::DivisionByZero => "division-by-zero",
            EvalErrorKind::Overflow => "overflow",
            EvalErrorKind::Argument => "bad-argument",
            EvalErrorKind::Context => "no-context",
        }
    }
}

impl EvalError {
    /// A failure of `kind`, told by `message`.
    pub fn new(kind: EvalErrorKind, message: impl Into<String>) -> EvalError {
        EvalError {
            kind,
            message: message.into(),
        }
    }

    /// The stable code of its kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// The member's records in one window, for group expressions.
pub trait Group {
    fn records(&self) -> &[&Record];
    /// Points the member earned from `rule_id` in this window.
    fn points(&self, rule_id: &str) -> Decimal;
}

/// Everything an expression can read at run time.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub record: Option<&'a Record>,
    pub member_id: &'a str,
    /// Member attributes by `Scope::member_attrs` index; a shorter slice reads null.
    pub member: &'a [Value],
    pub as_of: Date,
    /// `None`: `period.start` and `period.end` are null.
    pub period: Option<Window>,
    pub calendar: &'a Calendar,
    pub locals: &'a [Value],
    pub group: Option<&'a dyn Group>,
}

impl<'a> Env<'a> {
    /// An environment for one record, with no member attributes, period, locals or group.
    pub fn for_record(record: &'a Record, calendar: &'a Calendar, as_of: Date) -> Env<'a> {
        Env {
            record: Some(record),
            member_id: &record.member,
            member: &[],
            as_of,
            period: None,
            calendar,
            locals: &[],
            group: None,
        }
    }
}

/// A checked, compiled expression. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Expr(Arc<compile::Compiled>);

/// Parses, checks and compiles `source`.
///
/// `expected` is the type the caller needs (`Bool` for `when:`, `Num` for `points:`);
/// a mismatch is reported at the expression's span with the actual type. Several
/// errors are returned at once when checking can continue past the first.
///
/// Null semantics: `x == null` / `x != null` test for a missing value; every other
/// comparison, arithmetic, `in` and function call with a null operand is null;
/// `not null` is null; `and` is false if either side is false, else null if either is
/// null; `or` is true if either side is true, else null if either is null;
/// `if(null, a, b)` is `b` (a condition that is not true is false, as in SQL's
/// `CASE`); `a ?? b` is `a` unless `a` is null.
pub fn compile(source: &str, scope: &mut Scope, expected: Option<Type>) -> Result<Expr, Vec<ExprError>> {
    let ast = parser::parse(source).map_err(|e| vec![e])?;
    let typed = check::check(source, &ast, scope, expected.as_ref())?;
    Ok(Expr(Arc::new(compile::compile(source, &ast, typed))))
}

/// Whether `name` is a name an expression can read: a Unicode word (XID start or
/// `_`, then XID continue), exactly as the grammar's `ident` reads one (`核实`,
/// `时长`), and not one of its words (`and`, `null`, …). Fields and `let` names
/// are checked with it, so a name that loads is a name an expression can use.
pub(crate) fn is_name(name: &str) -> bool {
    const WORDS: [&str; 7] = ["and", "or", "not", "in", "true", "false", "null"];
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| pest::unicode::XID_START(c) || c == '_')
        && chars.all(pest::unicode::XID_CONTINUE)
        && !WORDS.contains(&name)
}

/// The byte ranges of `source`'s top-level `and` operands, in order (one range,
/// the whole text, when it is not a conjunction; none when it does not parse): why
/// a record did not count names the first operand that was not true.
pub fn conjuncts(source: &str) -> Vec<Range<usize>> {
    fn flatten(node: &ast::Node, out: &mut Vec<Range<usize>>) {
        match &node.kind {
            ast::Kind::Binary {
                op: ast::BinOp::And,
                lhs,
                rhs,
                ..
            } => {
                flatten(lhs, out);
                flatten(rhs, out);
            }
            _ => out.push(node.span.clone()),
        }
    }
    let mut out = Vec::new();
    if let Ok(ast) = parser::parse(source) {
        flatten(&ast, &mut out);
    }
    out
}

impl Expr {
    pub fn source(&self) -> &str {
        &self.0.source
    }

    pub fn ty(&self) -> &Type {
        &self.0.ty
    }

    pub fn eval(&self, env: &Env) -> Result<Value, EvalError> {
        (self.0.root)(env)
    }

    /// Evaluates a condition: null is false.
    pub fn eval_bool(&self, env: &Env) -> Result<bool, EvalError> {
        Ok(matches!(self.eval(env)?, Value::Bool(true)))
    }

    /// Evaluates on `env`'s record through the fixed-point kernel when the expression
    /// has one and the record's numbers fit it, else as [`Expr::eval`]: the same
    /// value either way, several times faster on the common rules.
    pub fn eval_record(&self, env: &Env) -> Result<Value, EvalError> {
        if let (Some(kernel), Some(record)) = (&self.0.kernel, env.record)
            && let Ok(value) = kernel.eval(record)
        {
            return Ok(value.into_value());
        }
        self.eval(env)
    }

    /// [`Expr::eval_record`] for a condition: null is false.
    pub fn eval_record_bool(&self, env: &Env) -> Result<bool, EvalError> {
        if let (Some(kernel), Some(record)) = (&self.0.kernel, env.record)
            && let Ok(value) = kernel.eval(record)
        {
            return Ok(value == kernel::KValue::Bool(true));
        }
        self.eval_bool(env)
    }

    /// [`Expr::eval_record`] over a batch of records, through the kernel a column at
    /// a time; `false` (and nothing written) when the expression has no kernel.
    /// Records marked in `unfit` must be evaluated with [`Expr::eval`].
    pub(crate) fn eval_batch(
        &self,
        records: &dyn kernel::Rows,
        out: &mut Vec<KValue>,
        unfit: &mut [bool],
    ) -> bool {
        match &self.0.kernel {
            Some(kernel) => {
                kernel.eval_batch(records, out, unfit);
                true
            }
            None => false,
        }
    }

    /// Whether [`Expr::eval_record`] has a fast path for this expression.
    pub fn has_kernel(&self) -> bool {
        self.0.kernel.is_some()
    }

    /// Re-evaluates with every name annotated; never fails (errors become text).
    pub fn explain(&self, env: &Env) -> Explained {
        explain::explain(&self.0, env)
    }

    /// The short trace: only the branch each `if` took, no date values (see
    /// DESIGN section 8.2); never fails (errors become text).
    pub fn short(&self, env: &Env) -> String {
        explain::short(&self.0, env)
    }

    /// The names the expression reads (fields, attributes, lets) with their values
    /// on `env`, in source order, once each: `[("verified", false)]`. Names whose
    /// null is handled (`x == null`, `x ?? d`) are left out.
    pub fn values(&self, env: &Env) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = Vec::new();
        for probe in &self.0.probes {
            if let Some(name) = &probe.name
                && !out.iter().any(|(n, _)| n == name)
            {
                out.push((name.clone(), (probe.eval)(env).unwrap_or_default()));
            }
        }
        out
    }

    /// Whether [`Expr::short`] says what [`Expr::explain`] says (no `if`, no date
    /// value): then the full trace serves for both and is written once.
    pub fn short_is_full(&self) -> bool {
        self.0.ifs.is_empty() && !self.0.probes.iter().any(|p| p.date)
    }

    /// Evaluates once, with every name annotated: the value and its explanation, or
    /// the evaluation error.
    pub fn eval_explained(&self, env: &Env) -> Result<Explained, EvalError> {
        explain::explain_result(&self.0, env).map_err(|(_, e)| e)
    }

    /// Rule ids named in `points("…")`, in source order, for cycle checks.
    pub fn rule_refs(&self) -> Vec<String> {
        self.0.rule_refs.clone()
    }

    /// Whether the expression reads nothing (it was folded to a single value).
    pub fn is_constant(&self) -> bool {
        self.0.constant.is_some()
    }
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expr")
            .field("source", &self.0.source)
            .field("ty", &self.0.ty)
            .finish()
    }
}

#[cfg(test)]
mod function_tests;
#[cfg(test)]
mod tests;
