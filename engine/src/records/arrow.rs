//! Arrow record batches (feature `arrow`): records read column by column, typed by
//! the rulebook's schema exactly as the text formats type them.
//!
//! Each column is resolved once per batch (name → schema slot, Arrow type → how a
//! cell is read), then typed down its length; records are assembled from the typed
//! columns at the end. Nothing goes through a float: a float cell is written as its
//! shortest round-trip text (`0.1`, as Python's `repr` writes it) and read from that
//! text like a JSON number, decimal128 cells keep their scale, and integers are
//! taken as they are.
//!
//! | Arrow type | read as |
//! | --- | --- |
//! | utf8, large_utf8, utf8_view | a string, typed like a JSON string (`"3.5"` is a decimal for a decimal field) |
//! | int*, uint* | an integer (also a valid `member` or `id`) |
//! | decimal128 | an exact decimal at the column's scale |
//! | float16/32/64 | its shortest round-trip text, then exactly; NaN and infinities are rejected |
//! | bool | a bool |
//! | date32, date64 | a date |
//! | timestamp with a time zone | an instant, mapped to its local date in the rulebook's time zone |
//! | timestamp without one | a civil date-time, whose date is taken |
//! | dictionary of any of these | its values |
//! | null (and null cells) | missing |
//!
//! Positions continue across the batches of one input: the first row of the second
//! batch follows the last row of the first.
//!
//! The test `a_batch_reads_into_records_and_rejections` shows a read.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, TimeUnit};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use rust_decimal::Decimal;

use rustc_hash::FxHashMap;

use super::builder::{Builder, Interner, Key};
use super::spec::InputSpec;
use super::typing::{self, Raw, quoted};
use super::{InputError, ReadOptions};
use crate::calendar::from_day_number;
use crate::parallel::{par_map, threads};
use crate::record::{Record, Rejected};
use crate::schema::FieldType;
use crate::value::Value;

/// Reads every row of `batch`; row `i` is at position `first_position + i + 1`.
///
/// A batch without a `member`, `kind` or `date` column, or with a column name twice,
/// is an [`InputError`]; a row that cannot be read is [`Rejected`] with the same
/// messages the text formats give. (The tests read one batch at a time; the engine
/// reads a table's batches with [`read_batches`].)
#[cfg(test)]
fn read_batch(
    batch: &RecordBatch,
    options: &ReadOptions<'_>,
    first_position: u64,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<(), InputError> {
    Interned::default().read_batch(batch, options, first_position, records, rejected)
}

/// The members and kinds of the batches of one table read so far: one `Arc` per
/// distinct text across every batch (a table read from a CSV file comes in dozens
/// of batches), as the text readers make them. A million records then hold 10,000
/// member ids rather than a million, and evaluation ranks members by address.
#[derive(Default)]
pub(crate) struct Interned {
    members: Interner,
    kinds: Interner,
}

/// Reads a table's batches, rows numbered from 1: a run of consecutive batches per
/// thread, each with its own [`Interned`], then every member and kind given one `Arc`
/// across runs, so that the records are those one sequential read makes. A batch that
/// cannot be read stops there, as a sequential read would: the records of the batches
/// before it are kept, and its error returned.
pub(crate) fn read_batches(
    batches: &[RecordBatch],
    options: &ReadOptions<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<(), InputError> {
    let mut firsts = Vec::with_capacity(batches.len());
    let mut rows = 0u64;
    for batch in batches {
        firsts.push(rows);
        rows += batch.num_rows() as u64;
    }
    // Runs of about as many rows, one per thread.
    let per_run = rows.div_ceil(threads() as u64).max(1);
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, &first) in firsts.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if first - firsts[run.start] < per_run => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    let parts = par_map(runs, |run| {
        let mut part = Part::default();
        for i in run {
            let read = part.interned.read_batch(
                &batches[i],
                options,
                firsts[i],
                &mut part.records,
                &mut part.rejected,
            );
            if let Err(error) = read {
                part.error = Some(error);
                break;
            }
        }
        part
    });
    let mut canonical = Interned::default();
    for (k, mut part) in parts.into_iter().enumerate() {
        if k == 0 {
            canonical = part.interned;
        } else {
            canonical.adopt(&mut part.records);
        }
        records.append(&mut part.records);
        rejected.append(&mut part.rejected);
        if let Some(error) = part.error {
            return Err(error);
        }
    }
    Ok(())
}

/// What one run of batches read.
#[derive(Default)]
struct Part {
    interned: Interned,
    records: Vec<Record>,
    rejected: Vec<Rejected>,
    error: Option<InputError>,
}

impl Interned {
    /// Makes `records`, read with another [`Interned`], share this one's members and
    /// kinds, adopting those it has not seen.
    fn adopt(&mut self, records: &mut [Record]) {
        // By the address of each `Arc` met (kept alive here, so that no address is
        // reused while the map holds it): its replacement.
        let mut members: FxHashMap<usize, (Arc<str>, Arc<str>)> = FxHashMap::default();
        let mut kinds: FxHashMap<usize, (Arc<str>, Arc<str>)> = FxHashMap::default();
        let address = |shared: &Arc<str>| Arc::as_ptr(shared) as *const u8 as usize;
        for record in records {
            let (_, member) = members
                .entry(address(&record.member))
                .or_insert_with(|| (record.member.clone(), self.members.adopt(&record.member)));
            if !Arc::ptr_eq(member, &record.member) {
                record.member = member.clone();
            }
            let (_, kind) = kinds
                .entry(address(&record.kind))
                .or_insert_with(|| (record.kind.clone(), self.kinds.adopt(&record.kind)));
            if !Arc::ptr_eq(kind, &record.kind) {
                record.kind = kind.clone();
            }
        }
    }

    /// [`read_batch`], interning members and kinds with the batches before.
    pub(crate) fn read_batch(
        &mut self,
        batch: &RecordBatch,
        options: &ReadOptions<'_>,
        first_position: u64,
        records: &mut Vec<Record>,
        rejected: &mut Vec<Rejected>,
    ) -> Result<(), InputError> {
        let mut builder = Builder::new(options);
        let schema = batch.schema_ref();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let mut keyed: Vec<(Key, usize)> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if let Some(first) = names[..i].iter().position(|n| n == name) {
                return Err(InputError::new(format!(
                    "column `{name}` appears twice (columns {} and {})",
                    first + 1,
                    i + 1
                )));
            }
            if let Some(key) = builder.key(name) {
                keyed.push((key, i));
            }
        }
        for (required, key) in [("member", Key::Member), ("kind", Key::Kind), ("date", Key::Date)] {
            if !keyed.iter().any(|(k, _)| *k == key) {
                let found: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                return Err(InputError::new(format!(
                    "the table has no `{required}` column (a table of records needs columns named \
                 `member`, `kind` and `date`; found {})",
                    found.join(", ")
                )));
            }
        }

        let rows = batch.num_rows();
        let mut state = Rows::new(rows, options.schema.fields.len());
        // The id first, so that a rejected row is reported with it.
        keyed.sort_by_key(|(key, _)| *key != Key::Id);
        for &(key, index) in &keyed {
            let column = Column::new(batch.column(index).as_ref());
            state.read(key, &column, options, self);
        }
        state.finish(options, first_position, records, rejected);
        Ok(())
    }
}

/// A cell with its string as the rulebook reads it (trimmed when it says so); an
/// empty string is a missing value, as in every format.
enum Tidied<'c> {
    Cell(Cell<'c>),
    Text(Cow<'c, str>),
}

impl<'c> Tidied<'c> {
    fn new(cell: Cell<'c>, input: &InputSpec) -> Tidied<'c> {
        match cell {
            Cell::Str(text) => Tidied::Text(input.text(text)),
            cell => Tidied::Cell(cell),
        }
    }

    fn cell(&self) -> Cell<'_> {
        match self {
            Tidied::Text(text) if text.is_empty() => Cell::Null,
            Tidied::Text(text) => Cell::Str(text),
            Tidied::Cell(cell) => *cell,
        }
    }
}

/// The warnings of a table read: its column names that are no key of the rulebook.
pub(crate) fn warnings(batches: &[RecordBatch], options: &ReadOptions<'_>) -> Vec<crate::record::Warning> {
    let mut builder = Builder::new(options);
    if let Some(batch) = batches.first() {
        for field in batch.schema_ref().fields() {
            builder.key(field.name());
        }
    }
    builder.warnings()
}

/// A float as its shortest round-trip text, as Python's `repr` writes it (`0.1`,
/// `4.0`, `1e-05` as `1e-5`); `None` for NaN and infinities.
///
/// ```
/// use merit::float_text;
/// assert_eq!(float_text(0.1).as_deref(), Some("0.1"));
/// assert_eq!(float_text(4.0).as_deref(), Some("4.0"));
/// assert_eq!(float_text(1e-5).as_deref(), Some("1e-5"));
/// assert_eq!(float_text(f64::NAN), None);
/// ```
pub fn float_text(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        return Some(format!("{value:e}"));
    }
    let mut text = value.to_string();
    if !text.contains('.') {
        text.push_str(".0");
    }
    Some(text)
}

/// The typed columns of one batch, assembled into records at the end.
struct Rows {
    ids: Vec<Option<Arc<str>>>,
    members: Vec<Option<Arc<str>>>,
    kinds: Vec<Option<Arc<str>>>,
    dates: Vec<Option<Date>>,
    /// Column-major: `fields[f][row]`.
    fields: Vec<Vec<Value>>,
    /// The first problem of each row.
    errors: Vec<Option<String>>,
}

impl Rows {
    fn new(rows: usize, fields: usize) -> Rows {
        Rows {
            ids: vec![None; rows],
            members: vec![None; rows],
            kinds: vec![None; rows],
            dates: vec![None; rows],
            fields: vec![Vec::new(); fields],
            errors: vec![None; rows],
        }
    }

    fn fail(&mut self, row: usize, name: &str, why: String) {
        if let Some(slot @ None) = self.errors.get_mut(row) {
            *slot = Some(format!("field `{name}`: {why}"));
        }
    }

    fn read(&mut self, key: Key, column: &Column<'_>, options: &ReadOptions<'_>, interned: &mut Interned) {
        let tz = options.timezone;
        let input = options.input;
        let rows = self.errors.len();
        match key {
            Key::Id | Key::Member => {
                for row in 0..rows {
                    let tidied = Tidied::new(column.cell(row), input);
                    let cell = tidied.cell();
                    match (key, identifier(cell)) {
                        (_, Ok(None)) => {}
                        (Key::Id, Ok(Some(text))) => self.ids[row] = Some(Arc::from(text.as_ref())),
                        (_, Ok(Some(text))) => self.members[row] = Some(interned.members.get(&text)),
                        (Key::Id, Err(why)) => self.fail(row, "id", why),
                        (_, Err(why)) => self.fail(row, "member", why),
                    }
                }
            }
            Key::Kind => {
                for row in 0..rows {
                    match Tidied::new(column.cell(row), input).cell() {
                        Cell::Null => {}
                        Cell::Str(text) => match input.check_kind(text) {
                            Ok(()) => self.kinds[row] = Some(interned.kinds.get(text)),
                            Err(why) => self.fail(row, "kind", why),
                        },
                        other => self.fail(row, "kind", format!("expected string, got {}", other.shown())),
                    }
                }
            }
            Key::Date => {
                for row in 0..rows {
                    let tidied = Tidied::new(column.cell(row), input);
                    let cell = tidied.cell();
                    match typed(FieldType::Date, "date", cell, tz, input) {
                        Ok(Value::Date(date)) => self.dates[row] = Some(date),
                        Ok(_) => {}
                        Err(why) => self.fail(row, "date", why),
                    }
                }
            }
            Key::Field(f) => {
                let Some(def) = options.schema.fields.get(f) else {
                    return;
                };
                let mut values = Vec::with_capacity(rows);
                for row in 0..rows {
                    let tidied = Tidied::new(column.cell(row), input);
                    let value = match (def.ty.list(), column.items(row)) {
                        (Some((item, _)), Some((range, items))) => range
                            .enumerate()
                            .map(|(n, j)| {
                                let tidied = Tidied::new(items.cell(j), input);
                                typed(item, &def.name, tidied.cell(), tz, input)
                                    .map_err(|why| format!("item {}: {why}", n + 1))
                            })
                            .collect::<Result<Vec<_>, _>>()
                            .map(|items| Value::List(items.into())),
                        _ => typed(def.ty, &def.name, tidied.cell(), tz, input),
                    };
                    match value {
                        Ok(value) => values.push(value),
                        Err(why) => {
                            values.push(Value::Null);
                            self.fail(row, &def.name, why);
                        }
                    }
                }
                self.fields[f] = values;
            }
        }
    }

    fn finish(
        mut self,
        options: &ReadOptions<'_>,
        first_position: u64,
        records: &mut Vec<Record>,
        rejected: &mut Vec<Rejected>,
    ) {
        let defs = &options.schema.fields;
        records.reserve(self.errors.len());
        'rows: for row in 0..self.errors.len() {
            let position = first_position + row as u64 + 1;
            let id = self.ids[row].take();
            let mut reject = |error: String| {
                rejected.push(Rejected {
                    record: position,
                    id: id.as_deref().map(str::to_owned),
                    error,
                    source: options.source_name.map(str::to_owned),
                });
            };
            if let Some(error) = self.errors[row].take() {
                reject(error);
                continue;
            }
            let missing = if self.members[row].is_none() {
                Some("member")
            } else if self.kinds[row].is_none() {
                Some("kind")
            } else if self.dates[row].is_none() {
                Some("date")
            } else {
                None
            };
            let (Some(member), Some(kind), Some(date), None) = (
                self.members[row].take(),
                self.kinds[row].take(),
                self.dates[row],
                missing,
            ) else {
                reject(format!("missing `{}`", missing.unwrap_or("member")));
                continue;
            };
            let mut fields = Vec::with_capacity(defs.len());
            for (f, def) in defs.iter().enumerate() {
                let value = self.fields[f]
                    .get_mut(row)
                    .map(std::mem::take)
                    .unwrap_or_default();
                if value.is_null() {
                    if let Some(default) = &def.default {
                        fields.push(default.clone());
                        continue;
                    }
                    if !def.optional {
                        reject(format!("missing required field `{}`", def.name));
                        continue 'rows;
                    }
                }
                fields.push(value);
            }
            let (id, has_id) = match id {
                Some(id) => (id, true),
                None => (Arc::from(position.to_string()), false),
            };
            records.push(Record {
                source: options.source,
                position,
                id,
                has_id,
                member,
                kind,
                date,
                fields: fields.into_boxed_slice(),
            });
        }
    }
}

/// One cell as Arrow holds it, before the schema decides its type.
#[derive(Clone, Copy, Debug)]
enum Cell<'a> {
    Null,
    Bool(bool),
    Str(&'a str),
    Int(i128),
    Float(f64),
    /// A decimal128 value and its scale.
    Decimal(i128, i8),
    Date(Date),
    /// A timestamp with a time zone.
    Instant(Timestamp),
    /// A timestamp without a time zone.
    Civil(DateTime),
    /// A value out of the range merit's dates can hold.
    OutOfRange,
    /// A type merit does not read (named as a user would).
    Other(&'static str),
}

impl Cell<'_> {
    /// How a message shows the cell, as the text formats would show the same value.
    fn shown(&self) -> String {
        match *self {
            Cell::Null => "null".to_owned(),
            Cell::Bool(b) => b.to_string(),
            Cell::Str(text) => quoted(text),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) => float_text(f).unwrap_or_else(|| f.to_string()),
            Cell::Decimal(v, s) => decimal_text(v, s),
            Cell::Date(d) => quoted(&d.to_string()),
            Cell::Instant(t) => quoted(&t.to_string()),
            Cell::Civil(dt) => quoted(&dt.to_string()),
            Cell::OutOfRange => "a date out of range".to_owned(),
            Cell::Other(what) => what.to_owned(),
        }
    }
}

/// Types a cell as a value of `ty`; `Ok(Value::Null)` for a null cell.
fn typed(
    ty: FieldType,
    name: &str,
    cell: Cell<'_>,
    tz: &TimeZone,
    input: &InputSpec,
) -> Result<Value, String> {
    let number = matches!(ty, FieldType::Decimal | FieldType::Int);
    match cell {
        Cell::Null => Ok(Value::Null),
        Cell::Str(text) => typing::typed_as(ty, name, Raw::Str(text), tz, input),
        Cell::Bool(b) => typing::typed_as(ty, name, Raw::Bool(b), tz, input),
        Cell::Int(n) if number => Decimal::try_from_i128_with_scale(n, 0)
            .map(Value::Num)
            .map_err(|_| format!("{n} is out of range for a decimal")),
        Cell::Int(n) => typing::typed_as(ty, name, Raw::Number(&n.to_string()), tz, input),
        Cell::Float(f) => match float_text(f) {
            Some(text) => typing::typed_as(ty, name, Raw::Number(&text), tz, input),
            None => Err(format!("expected {}, got {f}", ty.name())),
        },
        Cell::Decimal(v, s) if number => {
            let n = decimal(v, s)
                .ok_or_else(|| format!("{} is out of range for a decimal", decimal_text(v, s)))?;
            if ty == FieldType::Int {
                if !n.fract().is_zero() {
                    return Err(format!("expected int, got {}", decimal_text(v, s)));
                }
                return Ok(Value::Num(n.normalize()));
            }
            Ok(Value::Num(n))
        }
        Cell::Decimal(v, s) => typing::typed_as(ty, name, Raw::Number(&decimal_text(v, s)), tz, input),
        Cell::Date(d) if ty == FieldType::Date => Ok(Value::Date(d)),
        Cell::Instant(t) if ty == FieldType::Date => Ok(Value::Date(tz.to_datetime(t).date())),
        Cell::Civil(dt) if ty == FieldType::Date => Ok(Value::Date(dt.date())),
        Cell::Date(_) | Cell::Instant(_) | Cell::Civil(_) | Cell::OutOfRange | Cell::Other(_) => {
            Err(format!("expected {}, got {}", ty.name(), cell.shown()))
        }
    }
}

/// A `member` or `id`: a non-empty string or an integer; `None` for a null cell.
fn identifier(cell: Cell<'_>) -> Result<Option<Cow<'_, str>>, String> {
    match cell {
        Cell::Null => Ok(None),
        Cell::Str("") => Err("must not be empty".to_owned()),
        Cell::Str(text) => Ok(Some(Cow::Borrowed(text))),
        Cell::Int(n) => Ok(Some(Cow::Owned(n.to_string()))),
        other => Err(format!("expected string or integer, got {}", other.shown())),
    }
}

fn decimal(value: i128, scale: i8) -> Option<Decimal> {
    if scale >= 0 {
        return Decimal::try_from_i128_with_scale(value, scale as u32).ok();
    }
    let mut n = Decimal::try_from_i128_with_scale(value, 0).ok()?;
    for _ in 0..-i32::from(scale) {
        n = n.checked_mul(Decimal::TEN)?;
    }
    Some(n)
}

/// A decimal128 value as written: `-12.50` for (-1250, 2).
fn decimal_text(value: i128, scale: i8) -> String {
    let digits = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    if scale <= 0 {
        let zeros = "0".repeat(usize::from(scale.unsigned_abs()));
        return format!("{sign}{digits}{}", if value == 0 { "" } else { &zeros });
    }
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// How to read the cells of one Arrow array.
enum Cells<'a> {
    Null,
    Bool(&'a arrow_array::BooleanArray),
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    Int(Box<dyn Fn(usize) -> i128 + 'a>),
    Float(Box<dyn Fn(usize) -> f64 + 'a>),
    Decimal(&'a [i128], i8),
    Date32(&'a [i32]),
    Date64(&'a [i64]),
    /// Values, units per second, and whether the column has a time zone.
    Timestamp(&'a [i64], i64, bool),
    Dictionary(Vec<usize>, Box<Column<'a>>),
    /// Each row's range of the values column.
    List(Box<dyn Fn(usize) -> std::ops::Range<usize> + 'a>, Box<Column<'a>>),
    Other(&'static str),
}

struct Column<'a> {
    /// The array's validity, taken once: asking the `dyn Array` for it was a
    /// virtual call in every cell.
    nulls: Option<&'a NullBuffer>,
    cells: Cells<'a>,
}

macro_rules! ints {
    ($array:expr, $ty:ty) => {{
        let values = $array.as_primitive::<$ty>().values();
        Cells::Int(Box::new(move |i| i128::from(values[i])))
    }};
}

impl<'a> Column<'a> {
    fn new(array: &'a dyn Array) -> Column<'a> {
        let cells = match array.data_type() {
            DataType::Null => Cells::Null,
            DataType::Boolean => Cells::Bool(array.as_boolean()),
            DataType::Utf8 => Cells::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Cells::LargeUtf8(array.as_string::<i64>()),
            DataType::Utf8View => Cells::Utf8View(array.as_string_view()),
            DataType::Int8 => ints!(array, Int8Type),
            DataType::Int16 => ints!(array, Int16Type),
            DataType::Int32 => ints!(array, Int32Type),
            DataType::Int64 => ints!(array, Int64Type),
            DataType::UInt8 => ints!(array, UInt8Type),
            DataType::UInt16 => ints!(array, UInt16Type),
            DataType::UInt32 => ints!(array, UInt32Type),
            DataType::UInt64 => ints!(array, UInt64Type),
            DataType::Float16 => {
                let values = array.as_primitive::<Float16Type>().values();
                Cells::Float(Box::new(move |i| f64::from(values[i].to_f32())))
            }
            DataType::Float32 => {
                // The f32's own shortest text (0.1f32 is "0.1"), not its widened digits.
                let values = array.as_primitive::<Float32Type>().values();
                Cells::Float(Box::new(move |i| {
                    let v = values[i];
                    if v.is_finite() {
                        v.to_string().parse::<f64>().unwrap_or(f64::from(v))
                    } else {
                        f64::from(v)
                    }
                }))
            }
            DataType::Float64 => {
                let values = array.as_primitive::<Float64Type>().values();
                Cells::Float(Box::new(move |i| values[i]))
            }
            DataType::Decimal128(_, scale) => {
                Cells::Decimal(array.as_primitive::<Decimal128Type>().values(), *scale)
            }
            DataType::Date32 => Cells::Date32(array.as_primitive::<Date32Type>().values()),
            DataType::Date64 => Cells::Date64(array.as_primitive::<Date64Type>().values()),
            DataType::Timestamp(unit, tz) => {
                let (values, per_second) = match unit {
                    TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().values(), 1),
                    TimeUnit::Millisecond => {
                        (array.as_primitive::<TimestampMillisecondType>().values(), 1_000)
                    }
                    TimeUnit::Microsecond => (
                        array.as_primitive::<TimestampMicrosecondType>().values(),
                        1_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        array.as_primitive::<TimestampNanosecondType>().values(),
                        1_000_000_000,
                    ),
                };
                Cells::Timestamp(values, per_second, tz.is_some())
            }
            DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
                Some(dictionary) => Cells::Dictionary(
                    dictionary.normalized_keys(),
                    Box::new(Column::new(dictionary.values().as_ref())),
                ),
                None => Cells::Other("a dictionary"),
            },
            // A list column is the value of a `list<…>` field (see `Column::items`).
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                let offsets = list.value_offsets();
                Cells::List(
                    Box::new(move |i| offsets[i] as usize..offsets[i + 1] as usize),
                    Box::new(Column::new(list.values().as_ref())),
                )
            }
            DataType::LargeList(_) => {
                let list = array.as_list::<i64>();
                let offsets = list.value_offsets();
                Cells::List(
                    Box::new(move |i| offsets[i] as usize..offsets[i + 1] as usize),
                    Box::new(Column::new(list.values().as_ref())),
                )
            }
            DataType::ListView(_) | DataType::LargeListView(_) | DataType::FixedSizeList(_, _) => {
                Cells::Other("an array")
            }
            DataType::Struct(_) | DataType::Map(_, _) => Cells::Other("an object"),
            DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
            | DataType::FixedSizeBinary(_) => Cells::Other("binary data"),
            _ => Cells::Other("a value of an unsupported Arrow type"),
        };
        Column {
            nulls: array.nulls(),
            cells,
        }
    }

    /// Row `i` of a list column: its items' range in the values column, and that
    /// column. `None` for a null row or a column that is not a list.
    fn items(&self, i: usize) -> Option<(std::ops::Range<usize>, &Column<'a>)> {
        match &self.cells {
            Cells::List(range, values) if !self.is_null(i) => Some((range(i), values)),
            _ => None,
        }
    }

    /// What [`Array::is_null`] says of row `i`.
    fn is_null(&self, i: usize) -> bool {
        self.nulls.is_some_and(|nulls| nulls.is_null(i))
    }

    fn cell(&self, i: usize) -> Cell<'a> {
        if self.is_null(i) {
            return Cell::Null;
        }
        match &self.cells {
            Cells::Null => Cell::Null,
            Cells::Bool(a) => Cell::Bool(a.value(i)),
            Cells::Utf8(a) => Cell::Str(a.value(i)),
            Cells::LargeUtf8(a) => Cell::Str(a.value(i)),
            Cells::Utf8View(a) => Cell::Str(a.value(i)),
            Cells::Int(get) => Cell::Int(get(i)),
            Cells::Float(get) => Cell::Float(get(i)),
            Cells::Decimal(values, scale) => Cell::Decimal(values[i], *scale),
            Cells::Date32(days) => from_day_number(i64::from(days[i])).map_or(Cell::OutOfRange, Cell::Date),
            Cells::Date64(ms) => {
                from_day_number(ms[i].div_euclid(86_400_000)).map_or(Cell::OutOfRange, Cell::Date)
            }
            &Cells::Timestamp(values, per_second, zoned) => {
                let value = values[i];
                if zoned {
                    let nanos = i128::from(value) * i128::from(1_000_000_000 / per_second);
                    Timestamp::from_nanosecond(nanos).map_or(Cell::OutOfRange, Cell::Instant)
                } else {
                    let per_day = per_second * 86_400;
                    let (days, rest) = (value.div_euclid(per_day), value.rem_euclid(per_day));
                    match from_day_number(days) {
                        Some(date) => {
                            let seconds = rest / per_second;
                            let nanos = (rest % per_second) * (1_000_000_000 / per_second);
                            let time = jiff::civil::Time::new(
                                (seconds / 3600) as i8,
                                (seconds / 60 % 60) as i8,
                                (seconds % 60) as i8,
                                nanos as i32,
                            );
                            time.map_or(Cell::OutOfRange, |t| Cell::Civil(date.to_datetime(t)))
                        }
                        None => Cell::OutOfRange,
                    }
                }
            }
            Cells::Dictionary(keys, values) => values.cell(keys[i]),
            Cells::List(..) => Cell::Other("an array"),
            Cells::Other(what) => Cell::Other(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int8Type;
    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, Date64Array, Decimal128Array, DictionaryArray, Float32Array,
        Float64Array, Int64Array, RecordBatch, StringArray, StringViewArray, TimestampSecondArray,
    };

    use super::super::tests::{schema, shanghai};
    use super::*;

    #[test]
    fn a_batch_reads_into_records_and_rejections() {
        let schema = crate::schema::Schema {
            fields: vec![crate::schema::FieldDef {
                name: "hours".into(),
                ty: crate::schema::FieldType::Decimal,
                optional: true,
                default: None,
            }],
        };
        let tz = jiff::tz::TimeZone::UTC;
        let column = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
        let batch = RecordBatch::try_from_iter([
            ("member", column(&["m1", "m2"])),
            ("kind", column(&["volunteer", "volunteer"])),
            ("date", column(&["2026-03-14", "2026-02-30"])),
            ("hours", Arc::new(Float64Array::from(vec![0.1, 2.0])) as ArrayRef),
        ])
        .expect("batch");
        let (mut ok, mut rejected) = (Vec::new(), Vec::new());
        read_batch(&batch, &ReadOptions::new(&schema, &tz), 0, &mut ok, &mut rejected).expect("read");
        assert_eq!(ok[0].fields[0].to_string(), "0.1");
        assert_eq!(
            rejected[0].error,
            "field `date`: 2026-02-30 is not a date: February 2026 has 28 days"
        );
    }

    fn read(columns: Vec<(&str, ArrayRef)>, first: u64) -> String {
        let batch = RecordBatch::try_from_iter(columns).expect("batch");
        let (schema, tz) = (schema(), shanghai());
        let (mut ok, mut rejected) = (Vec::new(), Vec::new());
        if let Err(e) = read_batch(
            &batch,
            &ReadOptions::new(&schema, &tz),
            first,
            &mut ok,
            &mut rejected,
        ) {
            return format!("error: {e}");
        }
        let mut lines: Vec<(u64, String)> = ok
            .iter()
            .map(|r| {
                let fields: Vec<String> = r.fields.iter().map(ToString::to_string).collect();
                let id = if r.has_id {
                    r.id.to_string()
                } else {
                    format!("#{}", r.id)
                };
                let line = format!(
                    "ok {} id={id} {} {} {} [{}]",
                    r.position,
                    r.member,
                    r.kind,
                    r.date,
                    fields.join(", ")
                );
                (r.position, line)
            })
            .collect();
        for r in &rejected {
            let id =
                r.id.as_deref()
                    .map(|id| format!(" (id {id})"))
                    .unwrap_or_default();
            lines.push((r.record, format!("rejected {}{id}: {}", r.record, r.error)));
        }
        lines.sort();
        lines.into_iter().map(|(_, l)| l).collect::<Vec<_>>().join("\n")
    }

    fn strings(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    #[test]
    fn every_arrow_type_is_read_exactly() {
        let kinds: DictionaryArray<Int8Type> = vec!["volunteer", "study", "volunteer"].into_iter().collect();
        let hours = Decimal128Array::from(vec![Some(350), None, Some(-1250)]).with_precision_and_scale(6, 2);
        let out = read(
            vec![
                ("member", Arc::new(Int64Array::from(vec![42, 7, 8])) as ArrayRef),
                ("kind", Arc::new(kinds)),
                // 23:30 UTC is the next day in Shanghai; a civil timestamp keeps its date.
                (
                    "date",
                    Arc::new(
                        TimestampSecondArray::from(vec![1_773_531_000, 1_773_531_000, 0])
                            .with_timezone("UTC"),
                    ),
                ),
                ("hours", Arc::new(hours.expect("decimal"))),
                (
                    "verified",
                    Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
                ),
                (
                    "stars",
                    Arc::new(Float64Array::from(vec![Some(4.0), None, Some(5.0)])),
                ),
                (
                    "resolved_on",
                    Arc::new(Date32Array::from(vec![Some(20_526), None, Some(-1)])),
                ),
                ("ignored", Arc::new(StringViewArray::from(vec!["x", "y", "z"]))),
            ],
            10,
        );
        insta::assert_snapshot!(out, @r"
        ok 11 id=#11 42 volunteer 2026-03-15 [3.5, true, 4, 2026-03-14]
        ok 12 id=#12 7 study 2026-03-15 [null, false, null, null]
        ok 13 id=#13 8 volunteer 1970-01-01 [-12.5, false, 5, 1969-12-31]
        ");
        let civil = read(
            vec![
                ("member", strings(&[Some("m1")])),
                ("kind", strings(&[Some("k")])),
                ("date", Arc::new(TimestampSecondArray::from(vec![1_773_531_000]))),
                ("hours", Arc::new(Float32Array::from(vec![0.1f32]))),
                (
                    "resolved_on",
                    Arc::new(Date64Array::from(vec![1_773_531_000_000])),
                ),
            ],
            0,
        );
        insta::assert_snapshot!(civil, @"ok 1 id=#1 m1 k 2026-03-14 [0.1, false, null, 2026-03-14]");
    }

    #[test]
    fn rows_are_rejected_with_the_text_formats_messages() {
        let out = read(
            vec![
                (
                    "id",
                    strings(&[
                        Some("a"),
                        Some("b"),
                        Some("c"),
                        Some("d"),
                        Some("e"),
                        Some("f"),
                        None,
                    ]),
                ),
                (
                    "member",
                    strings(&[
                        Some("m1"),
                        Some("m1"),
                        Some("m1"),
                        Some("m1"),
                        None,
                        Some("m1"),
                        Some("m1"),
                    ]),
                ),
                (
                    "kind",
                    strings(&[
                        Some("k"),
                        Some("k"),
                        Some("k"),
                        Some("k"),
                        Some("k"),
                        Some(""),
                        Some("k"),
                    ]),
                ),
                (
                    "date",
                    strings(&[
                        Some("2026-03-14"),
                        Some("2026-03-14"),
                        Some("2026-02-30"),
                        Some("2026-03-14"),
                        Some("2026-03-14"),
                        Some("2026-03-14"),
                        None,
                    ]),
                ),
                (
                    "hours",
                    Arc::new(Float64Array::from(vec![f64::NAN, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])),
                ),
                ("verified", Arc::new(Int64Array::from(vec![2, 2, 2, 2, 2, 1, 2]))),
                (
                    "stars",
                    Arc::new(Float64Array::from(vec![1.0, 4.5, 1.0, 1.0, 1.0, 1.0, 1.0])),
                ),
            ],
            0,
        );
        insta::assert_snapshot!(out, @r"
        rejected 1 (id a): field `hours`: expected decimal, got NaN
        rejected 2 (id b): field `verified`: expected bool, got 2 (a number column: only 0 and 1 read as a bool)
        rejected 3 (id c): field `date`: 2026-02-30 is not a date: February 2026 has 28 days
        rejected 4 (id d): field `verified`: expected bool, got 2 (a number column: only 0 and 1 read as a bool)
        rejected 5 (id e): field `verified`: expected bool, got 2 (a number column: only 0 and 1 read as a bool)
        rejected 6 (id f): missing `kind`
        rejected 7: field `verified`: expected bool, got 2 (a number column: only 0 and 1 read as a bool)
        ");
        let out = read(
            vec![
                ("member", strings(&[None, Some("m1")])),
                ("kind", strings(&[Some("k"), Some("k")])),
                ("date", strings(&[Some("2026-03-14"), None])),
                ("stars", Arc::new(Float64Array::from(vec![1.0, 4.5]))),
                ("hours", strings(&[Some("three"), Some("0.30")])),
            ],
            0,
        );
        insta::assert_snapshot!(out, @r#"
        rejected 1: field `hours`: expected decimal, got "three"
        rejected 2: field `stars`: expected int, got 4.5
        "#);
        let out = read(
            vec![
                ("member", strings(&[None])),
                ("kind", strings(&[Some("k")])),
                ("date", strings(&[Some("2026-03-14")])),
            ],
            0,
        );
        insta::assert_snapshot!(out, @"rejected 1: missing `member`");
    }

    #[test]
    fn whole_batch_failures() {
        let out = read(
            vec![
                ("member", strings(&[Some("m1")])),
                ("when", strings(&[Some("x")])),
            ],
            0,
        );
        insta::assert_snapshot!(out, @"error: the table has no `kind` column (a table of records needs columns named `member`, `kind` and `date`; found `member`, `when`)");
    }

    /// A list column is a `list<…>` field's value, item by item; a string column
    /// is split as a CSV cell is.
    #[test]
    fn list_columns_are_list_fields() {
        use arrow_array::builder::{ListBuilder, StringBuilder};
        let mut tags = ListBuilder::new(StringBuilder::new());
        tags.values().append_value("elderly");
        tags.values().append_value("夜间");
        tags.append(true);
        tags.append(true);
        tags.append(false);
        tags.values().append_value("a");
        tags.values().append_null();
        tags.append(true);
        let schema = crate::schema::Schema {
            fields: vec![super::super::tests::field(
                "tags",
                FieldType::ListString(';'),
                true,
                None,
            )],
        };
        let batch = RecordBatch::try_from_iter([
            (
                "member",
                strings(&[Some("m1"), Some("m2"), Some("m3"), Some("m4")]),
            ),
            ("kind", strings(&[Some("k"); 4])),
            ("date", strings(&[Some("2026-03-14"); 4])),
            ("tags", Arc::new(tags.finish()) as ArrayRef),
        ])
        .expect("batch");
        let tz = shanghai();
        let (mut ok, mut rejected) = (Vec::new(), Vec::new());
        read_batch(&batch, &ReadOptions::new(&schema, &tz), 1, &mut ok, &mut rejected).expect("reads");
        let values: Vec<String> = ok.iter().map(|r| r.fields[0].to_string()).collect();
        assert_eq!(values, [r#"["elderly", "夜间"]"#, "[]", "null", r#"["a", null]"#]);
        assert!(rejected.is_empty());
        let split = RecordBatch::try_from_iter([
            ("member", strings(&[Some("m1")])),
            ("kind", strings(&[Some("k")])),
            ("date", strings(&[Some("2026-03-14")])),
            ("tags", strings(&[Some("a;b")])),
        ])
        .expect("batch");
        ok.clear();
        read_batch(&split, &ReadOptions::new(&schema, &tz), 1, &mut ok, &mut rejected).expect("reads");
        assert_eq!(ok[0].fields[0].to_string(), r#"["a", "b"]"#);
    }

    #[test]
    fn decimal_text_and_days() {
        assert_eq!(decimal_text(-1250, 2), "-12.50");
        assert_eq!(decimal_text(5, 3), "0.005");
        assert_eq!(decimal_text(12, -2), "1200");
        assert_eq!(from_day_number(0), Some(jiff::civil::date(1970, 1, 1)));
        assert_eq!(from_day_number(20_526), Some(jiff::civil::date(2026, 3, 14)));
        assert_eq!(from_day_number(-719_468), Some(jiff::civil::date(0, 3, 1)));
        assert_eq!(from_day_number(i64::MAX), None);
        assert_eq!(float_text(1e16).as_deref(), Some("1e16"));
        assert_eq!(float_text(-0.0001).as_deref(), Some("-0.0001"));
    }

    #[test]
    fn members_and_kinds_are_shared_across_batches() {
        let (schema, tz) = (schema(), shanghai());
        let options = ReadOptions::new(&schema, &tz);
        let column = |v: Vec<&str>| Arc::new(StringArray::from(v)) as ArrayRef;
        let batch = |member: &str| {
            RecordBatch::try_from_iter([
                ("member", column(vec![member, "m2"])),
                ("kind", column(vec!["study", "study"])),
                ("date", column(vec!["2026-03-14", "2026-03-15"])),
            ])
            .expect("batch")
        };
        let (mut ok, mut rejected) = (Vec::new(), Vec::new());
        let mut interned = Interned::default();
        for (i, member) in ["m1", "m2"].into_iter().enumerate() {
            interned
                .read_batch(&batch(member), &options, 2 * i as u64, &mut ok, &mut rejected)
                .expect("read");
        }
        assert!(rejected.is_empty(), "{rejected:?}");
        let members: Vec<&str> = ok.iter().map(|r| &*r.member).collect();
        assert_eq!(members, ["m1", "m2", "m2", "m2"]);
        // One `Arc` for m2 in both batches, and one for the kind throughout.
        assert!(Arc::ptr_eq(&ok[1].member, &ok[2].member) && Arc::ptr_eq(&ok[2].member, &ok[3].member));
        assert!(ok.iter().all(|r| Arc::ptr_eq(&r.kind, &ok[0].kind)));
        assert_eq!(ok.iter().map(|r| r.position).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    #[test]
    #[cfg(feature = "parallel")]
    fn batches_read_in_parallel_are_those_read_one_by_one() {
        let (schema, tz) = (schema(), shanghai());
        let options = ReadOptions::new(&schema, &tz);
        let column = |v: Vec<&str>| Arc::new(StringArray::from(v)) as ArrayRef;
        let batch = |members: Vec<&str>, date: &str| {
            let n = members.len();
            RecordBatch::try_from_iter([
                ("member", column(members)),
                ("kind", column(vec!["study"; n])),
                ("date", column(vec![date; n])),
            ])
            .expect("batch")
        };
        let batches: Vec<RecordBatch> = (0..40)
            .map(|i| {
                batch(
                    vec!["m1", "m2", "m3"][..1 + i % 3].to_vec(),
                    if i == 7 { "" } else { "2026-03-14" },
                )
            })
            .collect();
        let (mut one_by_one, mut rejected_one_by_one) = (Vec::new(), Vec::new());
        let mut interned = Interned::default();
        let mut first = 0;
        for batch in &batches {
            interned
                .read_batch(batch, &options, first, &mut one_by_one, &mut rejected_one_by_one)
                .expect("read");
            first += batch.num_rows() as u64;
        }
        for threads in [1, 2, 3, 8] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let (mut records, mut rejected) = (Vec::new(), Vec::new());
            pool.install(|| read_batches(&batches, &options, &mut records, &mut rejected))
                .expect("read");
            assert_eq!(records, one_by_one, "{threads} threads");
            assert_eq!(rejected, rejected_one_by_one, "{threads} threads");
            assert_eq!(rejected.len(), 2, "batch 8's rows have an empty date");
            // Each member one `Arc` whichever run read it.
            for record in &records {
                let first = records
                    .iter()
                    .find(|r| r.member == record.member)
                    .expect("itself");
                assert!(Arc::ptr_eq(&first.member, &record.member) && Arc::ptr_eq(&first.kind, &record.kind));
            }
        }
        // A batch that cannot be read stops the reading there, the batches before it kept.
        let mut broken = batches[..5].to_vec();
        broken.insert(
            3,
            RecordBatch::try_from_iter([("member", column(vec!["m9"]))]).expect("batch"),
        );
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        let error = read_batches(&broken, &options, &mut records, &mut rejected).expect_err("no kind column");
        assert!(error.to_string().contains("no `kind` column"), "{error}");
        assert_eq!(records.len(), 1 + 2 + 3);
    }
}
