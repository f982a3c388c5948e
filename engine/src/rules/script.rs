//! Script rules: rhai for what YAML cannot say, called once per member per window
//! of `per` with `records`, `member`, `period` and `as_of`; `award(points, reason)`
//! makes an award.
//!
//! ```yaml
//! - id: mentoring
//!   per: month
//!   script: |
//!     let n = records.filter(|r| r.kind == "mentoring").len();
//!     if n >= 2 { award(10, `mentored ${n} residents`); }
//! ```
//!
//! Scripts are sandboxed (see [`ScriptLimits`]): an operations budget and a
//! wall-clock budget stop runaway loops, call depth, string, array and map sizes and
//! the awards of one call are bounded; `eval`, modules, `sleep`, clocks and
//! randomness do not exist; printing goes nowhere. Numbers are exact
//! decimals (rhai's `decimal` without floats), so the same input gives the same output.

use std::cell::RefCell;
use std::sync::Arc;

use jiff::civil::Date;
use rhai::{AST, Dynamic, Engine, ImmutableString, Map, Scope};
use rust_decimal::Decimal;

use crate::calendar::{Calendar, Per, Window, parse_date};
use crate::decode::{Decoder, MapReader};
use crate::record::Record;
use crate::schema::Schema;
use crate::value::Value;
use crate::words::{Lang, Words};
use crate::yaml::NodeKind;

use super::group::{GroupAward, MemberView, windows};
pub use super::script_limits::ScriptLimits;

pub struct Script {
    pub per: Per,
    pub source: String,
    engine: Arc<Engine>,
    ast: AST,
    field_names: Vec<String>,
    limits: ScriptLimits,
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("per", &self.per)
            .field("source", &self.source)
            .finish()
    }
}

/// The script call running on this thread: its awards and its budgets.
#[derive(Default)]
struct Call {
    awards: Vec<(Decimal, String)>,
    /// Most awards this call may make.
    max_awards: usize,
    #[cfg(not(target_arch = "wasm32"))]
    deadline: Option<std::time::Instant>,
}

thread_local! {
    static CALL: RefCell<Call> = RefCell::new(Call::default());
}

fn record_award(points: Decimal, reason: &str) -> Result<(), Box<rhai::EvalAltResult>> {
    CALL.with(|call| {
        let mut call = call.borrow_mut();
        if crate::value::too_large(points) {
            return Err(crate::value::too_large_award(points).into());
        }
        if call.awards.len() >= call.max_awards {
            return Err(format!("more than {} awards in one call", call.max_awards).into());
        }
        call.awards.push((points, reason.to_owned()));
        Ok(())
    })
}

/// Whether the running call is past its wall-clock budget (checked every 16
/// operations from rhai's progress callback: reading the clock costs ~25 ns).
fn out_of_time(operations: u64) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    if operations.is_multiple_of(16) {
        return CALL.with(|call| {
            call.borrow()
                .deadline
                .is_some_and(|d| std::time::Instant::now() > d)
        });
    }
    let _ = operations;
    false
}

fn date_arg(text: &str) -> Result<Date, Box<rhai::EvalAltResult>> {
    parse_date(text).map_err(|e| e.into())
}

/// The sandboxed engine: merit's functions registered, everything risky removed.
fn engine(calendar: &Calendar, limits: &ScriptLimits) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth)
        .disable_symbol("eval")
        .on_print(|_| {})
        .on_debug(|_, _, _| {});
    let seconds = limits.max_time.as_secs_f64();
    engine.on_progress(move |operations| {
        out_of_time(operations).then(|| format!("the script ran longer than {seconds} s").into())
    });
    // rhai's core package has `sleep`: registered here, ours shadows it.
    engine.register_fn("sleep", |_: i64| -> Result<(), Box<rhai::EvalAltResult>> {
        Err("`sleep` is not available in merit scripts".into())
    });
    engine.register_fn("award", |points: Decimal, reason: ImmutableString| {
        record_award(points, &reason)
    });
    engine.register_fn("award", |points: i64, reason: ImmutableString| {
        record_award(Decimal::from(points), &reason)
    });
    engine.register_fn("award", |points: Decimal| record_award(points, ""));
    engine.register_fn("award", |points: i64| record_award(Decimal::from(points), ""));
    let cal = calendar.clone();
    engine.register_fn(
        "workdays_between",
        move |a: &str, b: &str| -> Result<i64, Box<rhai::EvalAltResult>> {
            Ok(cal.workdays_between(date_arg(a)?, date_arg(b)?))
        },
    );
    let cal = calendar.clone();
    engine.register_fn(
        "add_workdays",
        move |d: &str, n: i64| -> Result<String, Box<rhai::EvalAltResult>> {
            cal.add_workdays(date_arg(d)?, n)
                .map(|d| d.to_string())
                .ok_or_else(|| "no working day can be reached".into())
        },
    );
    engine.register_fn(
        "add_days",
        |d: &str, n: i64| -> Result<String, Box<rhai::EvalAltResult>> {
            let date = date_arg(d)?;
            date.checked_add(jiff::Span::new().days(n))
                .map(|d| d.to_string())
                .map_err(|e| e.to_string().into())
        },
    );
    engine.register_fn(
        "days_between",
        |a: &str, b: &str| -> Result<i64, Box<rhai::EvalAltResult>> {
            let (a, b) = (date_arg(a)?, date_arg(b)?);
            Ok(crate::calendar::day_number(b) - crate::calendar::day_number(a))
        },
    );
    engine
}

impl Script {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        map: &mut MapReader,
        what: &str,
        context: &ScriptContext,
    ) -> Option<Script> {
        let per = match map.get("per") {
            Some(node) => super::decode_per(decoder, node, what)?,
            None => context.default_per,
        };
        let (node, source, in_file) = match (map.get("script"), map.get("script_file")) {
            (Some(node), None) => (node, decoder.string(node, &format!("{what}: `script`"))?, None),
            (None, Some(node)) => {
                let path = decoder.string(node, &format!("{what}: `script_file`"))?;
                match (context.include)(&path) {
                    Ok(text) => (node, text, Some(path)),
                    Err(message) => {
                        decoder.error(
                            "script-file",
                            node.span.clone(),
                            format!("{what}: cannot read `{path}`: {message}"),
                        );
                        return None;
                    }
                }
            }
            _ => {
                decoder.error(
                    "script",
                    map.span.start..map.span.start,
                    format!("{what}: give `script` or `script_file`, not both"),
                );
                return None;
            }
        };
        let engine = context.engine.clone();
        let ast = match engine.compile(&source) {
            Ok(ast) => ast,
            Err(error) => {
                let position = error.position();
                let offset = offset_in(
                    &source,
                    position.line().unwrap_or(1),
                    position.position().unwrap_or(1),
                );
                let message = format!("{what}: script does not compile: {}", error.err_type());
                match (&in_file, &node.kind) {
                    (None, NodeKind::Str(_)) => {
                        let raw = decoder.source.get(node.span.clone()).unwrap_or_default();
                        let map = crate::decode::ScalarMap::new(&source, raw, node.span.start);
                        decoder.error("script-syntax", map.span(offset..offset + 1), message);
                    }
                    _ => {
                        let line = position.line().unwrap_or(1);
                        decoder.error(
                            "script-syntax",
                            node.span.clone(),
                            format!("{message} (line {line} of the file)"),
                        );
                    }
                }
                return None;
            }
        };
        Some(Script {
            per,
            source,
            engine,
            ast,
            field_names: context.schema.fields.iter().map(|f| f.name.clone()).collect(),
            limits: context.limits.clone(),
        })
    }

    /// Calls the script once per window of the member's records.
    pub fn evaluate(&self, view: &MemberView) -> Vec<GroupAward> {
        let mut out = Vec::new();
        for (window, range) in windows(self.per, view.records) {
            let records: rhai::Array = view.records[range.clone()]
                .iter()
                .map(|r| self.record_map(r))
                .collect();
            let mut scope = Scope::new();
            scope.push_constant("records", records);
            scope.push_constant("member", self.member_map(view));
            scope.push_constant("period", period_map(self.per, window));
            scope.push_constant("as_of", view.as_of.to_string());
            let max_awards = self
                .limits
                .max_awards
                .min(self.limits.max_award_records / range.len().max(1))
                .max(1);
            CALL.with(|call| {
                *call.borrow_mut() = Call {
                    awards: Vec::new(),
                    max_awards,
                    #[cfg(not(target_arch = "wasm32"))]
                    deadline: std::time::Instant::now().checked_add(self.limits.max_time),
                }
            });
            let result = self.engine.run_ast_with_scope(&mut scope, &self.ast);
            let made = CALL.with(|call| std::mem::take(&mut *call.borrow_mut()).awards);
            // Every award of the call cites the same records: shared, not copied.
            let ids: Arc<[usize]> = range.collect();
            match result {
                Ok(()) => {
                    for (points, reason) in made {
                        let explain = if reason.is_empty() {
                            "script".to_owned()
                        } else {
                            reason
                        };
                        out.push(GroupAward::new(window, view.as_of, points, ids.clone(), explain));
                    }
                }
                Err(error) => {
                    let reason = match *error {
                        // The progress callback's reason (the time budget); where the
                        // time ran out is not said: it differs from run to run.
                        rhai::EvalAltResult::ErrorTerminated(reason, _) => reason.to_string(),
                        error => error.to_string(),
                    };
                    let message = view.words.script_stopped(view.member_id, &reason);
                    let mut award = GroupAward::new(window, view.as_of, Decimal::ZERO, ids, message.clone());
                    award.failed = Some(message);
                    out.push(award);
                }
            }
        }
        out
    }

    fn record_map(&self, record: &Record) -> Dynamic {
        let mut map = Map::new();
        map.insert(
            "member".into(),
            Dynamic::from(ImmutableString::from(&*record.member)),
        );
        map.insert("kind".into(), Dynamic::from(ImmutableString::from(&*record.kind)));
        map.insert("date".into(), Dynamic::from(record.date.to_string()));
        map.insert("id".into(), Dynamic::from(ImmutableString::from(&*record.id)));
        for (name, value) in self.field_names.iter().zip(record.fields.iter()) {
            map.insert(name.as_str().into(), dynamic(value));
        }
        Dynamic::from_map(map)
    }

    fn member_map(&self, view: &MemberView) -> Dynamic {
        let mut map = Map::new();
        map.insert("id".into(), Dynamic::from(view.member_id.to_owned()));
        for (name, value) in view.attr_names.iter().zip(view.attrs.iter()) {
            map.insert(name.as_str().into(), dynamic(value));
        }
        Dynamic::from_map(map)
    }
}

fn period_map(per: Per, window: Window) -> Dynamic {
    let mut map = Map::new();
    map.insert("start".into(), Dynamic::from(window.start.to_string()));
    map.insert("end".into(), Dynamic::from(window.end.to_string()));
    map.insert("label".into(), Dynamic::from(per.label(window)));
    Dynamic::from_map(map)
}

fn dynamic(value: &Value) -> Dynamic {
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from(*b),
        Value::Num(n) => Dynamic::from(*n),
        Value::Str(s) => Dynamic::from(ImmutableString::from(&**s)),
        Value::Date(d) => Dynamic::from(d.to_string()),
        Value::List(items) => Dynamic::from_array(items.iter().map(dynamic).collect()),
    }
}

/// Byte offset of a 1-based line and column in `text`.
fn offset_in(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// What script rules share across a rulebook: one sandboxed engine, and how
/// `script_file:` is read.
pub struct ScriptContext<'a> {
    pub engine: Arc<Engine>,
    pub limits: ScriptLimits,
    pub default_per: Per,
    pub schema: &'a Schema,
    pub include: &'a dyn Fn(&str) -> Result<String, String>,
}

impl<'a> ScriptContext<'a> {
    pub fn new(
        calendar: &Calendar,
        limits: &ScriptLimits,
        default_per: Per,
        schema: &'a Schema,
        include: &'a dyn Fn(&str) -> Result<String, String>,
    ) -> Self {
        ScriptContext {
            engine: Arc::new(engine(calendar, limits)),
            limits: limits.clone(),
            default_per,
            schema,
            include,
        }
    }
}

/// This kind's words in both languages.
impl Words {
    /// A script stopped by its limits.
    pub(crate) fn script_stopped(self, member: &str, error: &str) -> String {
        match self.0 {
            Lang::En => format!("script stopped for member `{member}`: {error}"),
            Lang::Zh => format!("脚本对成员 `{member}` 中止：{error}"),
        }
    }
}
