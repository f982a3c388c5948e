//! Assembling one [`Record`] from the keys a format finds, whatever the format.
//!
//! A format reader calls [`Builder::start`], then [`Builder::set`] for each key the
//! schema knows (looked up with [`Builder::key`]), then [`Builder::finish`]. Values
//! are typed as they arrive, so a reader never keeps a record's raw text around; the
//! first problem is remembered and reported when the record is finished, with the
//! record's `id` if it was readable.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rustc_hash::FxHashSet;

use super::ReadOptions;
use super::columns::{Part, Row};
use super::quick;
use super::spec::InputSpec;
use super::typing::{self, Raw};
use crate::record::{Record, Rejected, Warning};
use crate::schema::{FieldType, Schema};
use crate::value::Value;

/// Which members' records a reader keeps, by member id. (Here, beside the
/// builder both line readers use, so that `csv.rs` and `jsonl.rs` need not import
/// `reader.rs`, which imports them.)
pub(crate) type Keep<'a> = dyn Fn(&str) -> bool + 'a;

/// Where a key of the input goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    Member,
    Kind,
    Date,
    Id,
    /// Index into the schema's fields.
    Field(usize),
}

impl Key {
    fn index(self) -> usize {
        match self {
            Key::Member => 0,
            Key::Kind => 1,
            Key::Date => 2,
            Key::Id => 3,
            Key::Field(i) => 4 + i,
        }
    }
}

/// Name → key, resolved once per read. Small schemas scan a short list, which beats
/// hashing for the handful of keys a record has.
struct Keys<'a> {
    list: Vec<(&'a str, Key)>,
    map: HashMap<&'a str, Key>,
}

const SCAN_LIMIT: usize = 16;

impl<'a> Keys<'a> {
    fn new(schema: &'a Schema, input: &'a InputSpec) -> Self {
        let mut list = vec![
            ("member", Key::Member),
            ("kind", Key::Kind),
            ("date", Key::Date),
            ("id", Key::Id),
        ];
        for (i, field) in schema.fields.iter().enumerate() {
            // A built-in key wins over a field of the same name, as in `Schema::resolve`.
            if !list.iter().any(|(name, _)| *name == field.name) {
                list.push((field.name.as_str(), Key::Field(i)));
            }
        }
        // Aliases (`姓名: member`) stand for a key found above; the rulebook checked
        // at load that each names one.
        for (alias, target) in &input.columns {
            let found = list.iter().find(|(name, _)| name == target).map(|&(_, key)| key);
            if let Some(key) = found
                && !list.iter().any(|(name, _)| name == alias)
            {
                list.push((alias.as_str(), key));
            }
        }
        let map = if list.len() > SCAN_LIMIT {
            list.iter().copied().collect()
        } else {
            HashMap::new()
        };
        Keys { list, map }
    }

    fn get(&self, name: &str) -> Option<Key> {
        if self.list.len() > SCAN_LIMIT {
            self.map.get(name).copied()
        } else {
            self.list.iter().find(|(n, _)| *n == name).map(|&(_, key)| key)
        }
    }
}

pub(crate) struct Builder<'a> {
    schema: &'a Schema,
    timezone: &'a TimeZone,
    source: u32,
    source_name: Option<&'a str>,
    pub(crate) max_record_bytes: usize,
    keys: Keys<'a>,
    input: &'a InputSpec,
    /// Names in the input that are no key of the rulebook, in the order first met.
    unknown: Vec<String>,
    kinds: Interner,
    members: Interner,
    /// Set while only a record's member is looked for: every other key is ignored.
    only_member: bool,
    /// By key index: the type whose quick forms ([`quick`]) the key may take.
    quick: Vec<Option<FieldType>>,
    /// The keys of the last records by their place in the record, with what they
    /// stand for: JSON lines repeat their keys in one order, so a name is compared
    /// once rather than looked up.
    recent: Vec<(String, Option<Key>)>,
    /// The place of the next key in the current record.
    ordinal: usize,
    // The record being built. Its member and kind are kept as text, buffers
    // reused from record to record: a part of the columns keeps them in
    // dictionaries of its own, and only a `Record` needs them interned.
    member: String,
    has_member: bool,
    kind: String,
    has_kind: bool,
    date: Option<Date>,
    /// The record's `id` when `has_id`: a buffer reused from record to record.
    id: String,
    has_id: bool,
    fields: Vec<Value>,
    seen: Vec<bool>,
    error: Option<String>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(options: &ReadOptions<'a>) -> Self {
        let n = options.schema.fields.len();
        let input = options.input;
        let date = quick::allowed(FieldType::Date, "date", input).then_some(FieldType::Date);
        let fields = options.schema.fields.iter();
        let fields = fields.map(|f| quick::allowed(f.ty, &f.name, input).then_some(f.ty));
        let quick = [None, None, date, None].into_iter().chain(fields).collect();
        Builder {
            schema: options.schema,
            timezone: options.timezone,
            source: options.source,
            source_name: options.source_name,
            max_record_bytes: options.max_record_bytes,
            keys: Keys::new(options.schema, options.input),
            input: options.input,
            unknown: Vec::new(),
            kinds: Interner::default(),
            members: Interner::default(),
            only_member: false,
            quick,
            recent: Vec::new(),
            ordinal: 0,
            member: String::new(),
            has_member: false,
            kind: String::new(),
            has_kind: false,
            date: None,
            id: String::new(),
            has_id: false,
            fields: vec![Value::Null; n],
            seen: vec![false; 4 + n],
            error: None,
        }
    }

    /// The key an input name stands for (by name, alias, or trimmed when the
    /// rulebook trims), or `None` for a key merit ignores; such a name is kept for
    /// [`Builder::warnings`].
    pub(crate) fn key(&mut self, name: &str) -> Option<Key> {
        let ordinal = self.ordinal;
        self.ordinal += 1;
        let key = match self.recent.get(ordinal) {
            Some((seen, key)) if seen == name => *key,
            _ => {
                let key = self.keys.get(name).or_else(|| {
                    let tidy = self.input.text(name);
                    (tidy != name).then(|| self.keys.get(&tidy)).flatten()
                });
                // A name is remembered once it is kept for the warnings (or needs
                // not be): one met only while looking for members is looked up again.
                if key.is_none() && !name.trim().is_empty() {
                    if self.only_member {
                        return None;
                    }
                    self.unknown_name(name);
                }
                let entry = (name.to_owned(), key);
                let known = self.recent.len();
                if ordinal < known {
                    self.recent[ordinal] = entry;
                } else if ordinal == known && ordinal < RECENT_KEYS {
                    self.recent.push(entry);
                }
                key
            }
        };
        key.filter(|key| !self.only_member || *key == Key::Member)
    }

    fn unknown_name(&mut self, name: &str) {
        if self.unknown.len() < MAX_UNKNOWN && !self.unknown.iter().any(|n| n == name) {
            self.unknown.push(name.to_owned());
        }
    }

    /// One warning for each input name that is no key of the rulebook, naming the
    /// closest field (`verifed` → `verified`): its values would otherwise be dropped
    /// without a word.
    pub(crate) fn warnings(&self) -> Vec<Warning> {
        let input = self.source_name.unwrap_or("<records>");
        let names: Vec<&str> = self.keys.list.iter().map(|(name, _)| *name).collect();
        self.unknown
            .iter()
            .map(|name| {
                let shown = typing::quoted(name);
                let message = match crate::diagnostic::did_you_mean(name, names.iter().copied()) {
                    Some(close) => format!(
                        "column {shown} is not a field of the rulebook and is ignored; did you mean `{close}`?"
                    ),
                    None => format!(
                        "column {shown} is not a field of the rulebook and is ignored (declare it under \
                         `fields:` or map it under `input.columns:`)"
                    ),
                };
                Warning {
                    input: input.to_owned(),
                    message,
                }
            })
            .collect()
    }

    /// A string as the rulebook reads it (trimmed when `input.trim` says so).
    pub(crate) fn text<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        self.input.text(text)
    }

    /// While `on`, every key but `member` is ignored, so that a record's member can
    /// be found without typing the rest ([`Builder::member_text`] after).
    pub(crate) fn only_member(&mut self, on: bool) {
        self.only_member = on;
    }

    /// The current record's member as read while [`Builder::only_member`] was on.
    pub(crate) fn member_text(&self) -> Option<&str> {
        self.has_member.then_some(self.member.as_str())
    }

    /// Begins a new record.
    pub(crate) fn start(&mut self) {
        self.ordinal = 0;
        self.has_member = false;
        self.has_kind = false;
        self.date = None;
        self.has_id = false;
        self.error = None;
        self.fields.iter_mut().for_each(|v| *v = Value::Null);
        self.seen.iter_mut().for_each(|s| *s = false);
    }

    fn name(&self, key: Key) -> &str {
        match key {
            Key::Member => "member",
            Key::Kind => "kind",
            Key::Date => "date",
            Key::Id => "id",
            Key::Field(i) => self.schema.fields.get(i).map_or("?", |f| f.name.as_str()),
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// Sets one key of the current record; `Raw::Null` counts as missing.
    pub(crate) fn set(&mut self, key: Key, raw: Raw<'_>) {
        if let Some(seen) = self.seen.get_mut(key.index()) {
            if *seen {
                let message = format!("key `{}` appears more than once", self.name(key));
                self.fail(message);
                return;
            }
            *seen = true;
        }
        if self.error.is_some() && key != Key::Id {
            return;
        }
        if let Some(Some(ty)) = self.quick.get(key.index())
            && let Some(value) = quick::typed(*ty, raw)
        {
            match key {
                Key::Date => self.date = value.as_date(),
                Key::Field(i) => {
                    if let Some(slot) = self.fields.get_mut(i) {
                        *slot = value;
                    }
                }
                Key::Member | Key::Kind | Key::Id => {}
            }
            return;
        }
        // Strings as the rulebook reads them (trimmed when it says so); an empty
        // string is a missing value, in every format.
        let tidy = match raw {
            Raw::Str(text) | Raw::Cell(text) => Some(self.input.text(text)),
            _ => None,
        };
        let raw = match (&tidy, raw) {
            (Some(text), _) if text.is_empty() => Raw::Null,
            (Some(text), Raw::Str(_)) => Raw::Str(text.as_ref()),
            (Some(text), _) => Raw::Cell(text.as_ref()),
            (None, raw) => raw,
        };
        if matches!(raw, Raw::Null) {
            return;
        }
        let input = self.input;
        let result = match key {
            Key::Member => identifier(raw).map(|text| {
                self.member.clear();
                self.member.push_str(text);
                self.has_member = true;
            }),
            Key::Kind => match raw {
                Raw::Str(text) | Raw::Cell(text) => input.check_kind(text).map(|()| {
                    self.kind.clear();
                    self.kind.push_str(text);
                    self.has_kind = true;
                }),
                _ => Err(format!("expected string, got {}", raw.shown())),
            },
            Key::Id => identifier(raw).map(|text| {
                self.id.clear();
                self.id.push_str(text);
                self.has_id = true;
            }),
            Key::Date => typing::typed_as(FieldType::Date, "date", raw, self.timezone, input)
                .map(|value| self.date = value.as_date()),
            Key::Field(i) => match self.schema.fields.get(i) {
                Some(def) => typing::typed_as(def.ty, &def.name, raw, self.timezone, input).map(|value| {
                    if let Some(slot) = self.fields.get_mut(i) {
                        *slot = value;
                    }
                }),
                None => Ok(()),
            },
        };
        if let Err(why) = result {
            let message = format!("field `{}`: {why}", self.name(key));
            self.fail(message);
        }
    }

    /// Rejects the current record with `error`, naming its id if it was read.
    pub(crate) fn reject(&mut self, position: u64, error: String, rejected: &mut Vec<Rejected>) {
        rejected.push(Rejected {
            record: position,
            id: std::mem::take(&mut self.has_id).then(|| self.id.clone()),
            error,
            source: self.source_name.map(str::to_owned),
        });
    }

    /// Finishes the current record: it is accepted into `out`, or rejected with
    /// the first problem.
    pub(crate) fn finish(&mut self, position: u64, out: &mut impl Accept, rejected: &mut Vec<Rejected>) {
        if let Err(error) = out.accept(self, position) {
            self.reject(position, error, rejected);
        }
    }

    /// The current record's date, its member and kind checked and its missing
    /// fields given their defaults; the first problem if it cannot be accepted.
    fn check(&mut self) -> Result<Date, String> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if !std::mem::take(&mut self.has_member) {
            return Err("missing `member`".to_owned());
        }
        if !std::mem::take(&mut self.has_kind) {
            return Err("missing `kind`".to_owned());
        }
        let Some(date) = self.date.take() else {
            return Err("missing `date`".to_owned());
        };
        for (slot, def) in self.fields.iter_mut().zip(&self.schema.fields) {
            if slot.is_null() {
                if let Some(default) = &def.default {
                    *slot = default.clone();
                } else if !def.optional {
                    return Err(format!("missing required field `{}`", def.name));
                }
            }
        }
        Ok(date)
    }

    /// The current record, as a [`Record`] of its own.
    fn complete(&mut self, position: u64) -> Result<Record, String> {
        let date = self.check()?;
        let (member, kind) = (self.members.get(&self.member), self.kinds.get(&self.kind));
        let fields = std::mem::replace(&mut self.fields, vec![Value::Null; self.schema.fields.len()]);
        let (id, has_id) = match std::mem::take(&mut self.has_id) {
            true => (Arc::from(self.id.as_str()), true),
            false => (Arc::from(position.to_string()), false),
        };
        Ok(Record {
            source: self.source,
            position,
            id,
            has_id,
            member,
            kind,
            date,
            fields: fields.into_boxed_slice(),
        })
    }

    /// The current record kept as the next row of `part`, with nothing allocated
    /// for it: no [`Record`] is made.
    fn complete_into(&mut self, position: u64, part: &mut Part) -> Result<(), String> {
        let date = self.check()?;
        part.push_row(&Row {
            source: self.source,
            position,
            id: std::mem::take(&mut self.has_id).then_some(self.id.as_str()),
            member: &self.member,
            kind: &self.kind,
            date,
            fields: &self.fields,
        });
        Ok(())
    }
}

/// Where a reader puts the records it accepts.
pub(crate) trait Accept {
    /// Takes the current record of `builder` (read at `position`), or says why not.
    fn accept(&mut self, builder: &mut Builder<'_>, position: u64) -> Result<(), String>;
}

/// Records of their own.
impl Accept for Vec<Record> {
    fn accept(&mut self, builder: &mut Builder<'_>, position: u64) -> Result<(), String> {
        self.push(builder.complete(position)?);
        Ok(())
    }
}

/// Rows of a part of the columns (`split.rs`).
impl Accept for Part {
    fn accept(&mut self, builder: &mut Builder<'_>, position: u64) -> Result<(), String> {
        builder.complete_into(position, self)
    }
}

/// A `member` or `id`: a non-empty string, or an integer written as its digits.
fn identifier<'r>(raw: Raw<'r>) -> Result<&'r str, String> {
    match raw {
        Raw::Str(text) | Raw::Cell(text) if !text.is_empty() => Ok(text),
        Raw::Str(_) | Raw::Cell(_) => Err("must not be empty".to_owned()),
        Raw::Number(text) if is_integer(text) => Ok(text),
        _ => Err(format!("expected string or integer, got {}", raw.shown())),
    }
}

pub(crate) fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Places of keys in a record remembered by [`Builder::key`].
const RECENT_KEYS: usize = 64;

/// Unknown input names kept for warnings: a file with more is not a file of records.
const MAX_UNKNOWN: usize = 100;

/// Distinct texts an interner keeps before it starts afresh: enough for every kind
/// and for the members of most inputs, and a bound on what it holds for the rest.
const INTERNED: usize = 1 << 16;

/// One allocation per distinct kind or member, shared by all their records: a
/// record held then costs a pointer, not a copy of the text and an allocation's
/// overhead (32 bytes for a short id). Measured on a million records over 10,000
/// members, interning members saved 31 MB of 341 and cost 0.12 s of reading.
#[derive(Default)]
pub(crate) struct Interner {
    set: FxHashSet<Arc<str>>,
    /// The last text, which sorted inputs and runs of one kind repeat.
    last: Option<Arc<str>>,
}

impl Interner {
    /// The `Arc` this interner holds for `shared`'s text, `shared` itself if none.
    #[cfg(feature = "arrow")]
    pub(crate) fn adopt(&mut self, shared: &Arc<str>) -> Arc<str> {
        match self.set.get(shared) {
            Some(held) => held.clone(),
            None => {
                if self.set.len() >= INTERNED {
                    self.set.clear();
                }
                self.set.insert(shared.clone());
                shared.clone()
            }
        }
    }

    pub(crate) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(last) = &self.last
            && **last == *text
        {
            return last.clone();
        }
        let shared = match self.set.get(text) {
            Some(shared) => shared.clone(),
            None => {
                if self.set.len() >= INTERNED {
                    self.set.clear();
                }
                let shared: Arc<str> = Arc::from(text);
                self.set.insert(shared.clone());
                shared
            }
        };
        self.last = Some(shared.clone());
        shared
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{INTERNED, Interner};

    #[test]
    fn an_interner_shares_one_allocation_per_text_and_holds_a_bounded_number() {
        let mut interner = Interner::default();
        let m1 = interner.get("m1");
        let m2 = interner.get("m2");
        assert!(Arc::ptr_eq(&m1, &interner.get("m1")));
        assert!(Arc::ptr_eq(&m2, &interner.get("m2")));
        for i in 0..INTERNED {
            interner.get(&format!("x{i}"));
        }
        assert!(interner.set.len() <= INTERNED);
        assert_eq!(*interner.get("m1"), *"m1");
    }
}
