//! The record schema: the built-in keys every record has, and the typed fields a
//! rulebook declares under `fields:`.

use crate::value::{Type, Value};

/// The declared type of a record field (`fields: { hours: decimal? }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Decimal,
    /// A decimal that must be whole.
    Int,
    Bool,
    String,
    Date,
    /// `list<string>`: from a JSON or YAML array, an Arrow list, a Python list, or a
    /// CSV cell split at the separator (default `;`).
    ListString(char),
    /// `list<decimal>`, read as `list<string>` is.
    ListDecimal(char),
}

/// The separator of list items in a CSV cell unless the type names another.
pub const LIST_SEPARATOR: char = ';';

impl FieldType {
    /// `decimal`, `int`, `bool`, `string`, `date`, `list<string>`, `list<decimal>`; a
    /// list may name its CSV separator: `list<string, "|">`.
    pub fn parse(name: &str) -> Option<FieldType> {
        if let Some(inner) = name.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            let (elem, sep) = match inner.split_once(',') {
                Some((elem, sep)) => {
                    let sep = sep.trim();
                    let sep = sep
                        .strip_prefix('"')
                        .and_then(|s| s.strip_suffix('"'))
                        .or_else(|| sep.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                        .unwrap_or(sep);
                    let mut chars = sep.chars();
                    let (Some(c), None) = (chars.next(), chars.next()) else {
                        return None;
                    };
                    (elem.trim(), c)
                }
                None => (inner.trim(), LIST_SEPARATOR),
            };
            return match FieldType::parse(elem)? {
                FieldType::String => Some(FieldType::ListString(sep)),
                FieldType::Decimal => Some(FieldType::ListDecimal(sep)),
                _ => None,
            };
        }
        Some(match name {
            "decimal" | "number" => FieldType::Decimal,
            "int" | "integer" => FieldType::Int,
            "bool" | "boolean" => FieldType::Bool,
            "string" | "str" => FieldType::String,
            "date" => FieldType::Date,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &[
        "decimal",
        "int",
        "bool",
        "string",
        "date",
        "list<string>",
        "list<decimal>",
    ];

    pub fn name(self) -> &'static str {
        match self {
            FieldType::Decimal => "decimal",
            FieldType::Int => "int",
            FieldType::Bool => "bool",
            FieldType::String => "string",
            FieldType::Date => "date",
            FieldType::ListString(_) => "list<string>",
            FieldType::ListDecimal(_) => "list<decimal>",
        }
    }

    /// The expression type of values of this field.
    pub fn ty(self) -> Type {
        match self {
            FieldType::Decimal | FieldType::Int => Type::Num,
            FieldType::Bool => Type::Bool,
            FieldType::String => Type::Str,
            FieldType::Date => Type::Date,
            FieldType::ListString(_) => Type::List(Box::new(Type::Str)),
            FieldType::ListDecimal(_) => Type::List(Box::new(Type::Num)),
        }
    }

    /// A list type's item type and CSV separator (for Arrow's list columns).
    #[cfg(feature = "arrow")]
    pub fn list(self) -> Option<(FieldType, char)> {
        match self {
            FieldType::ListString(sep) => Some((FieldType::String, sep)),
            FieldType::ListDecimal(sep) => Some((FieldType::Decimal, sep)),
            _ => None,
        }
    }
}

/// One declared field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    pub name: String,
    pub ty: FieldType,
    /// `?`: the field may be missing (it is then null).
    pub optional: bool,
    /// `= value`: used when the field is missing.
    pub default: Option<Value>,
}

/// Where an expression finds a name. Resolved once at load time so that evaluation
/// indexes slots instead of hashing names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Member,
    Kind,
    Date,
    Id,
    /// Index into [`Record::fields`](crate::record::Record::fields).
    Field(usize),
    /// Index into the rulebook's list of member attributes (`member.role`).
    MemberAttr(usize),
}

/// The keys every record has, whatever the rulebook declares.
pub const BUILTIN_KEYS: &[&str] = &["member", "kind", "date", "id"];

/// The declared fields of a rulebook, in declaration order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    pub fields: Vec<FieldDef>,
}

impl Schema {
    /// Looks a record name up: a built-in key or a declared field.
    pub fn resolve(&self, name: &str) -> Option<(Slot, Type)> {
        Some(match name {
            "member" => (Slot::Member, Type::Str),
            "kind" => (Slot::Kind, Type::Str),
            "date" => (Slot::Date, Type::Date),
            "id" => (Slot::Id, Type::Str),
            _ => {
                let i = self.fields.iter().position(|f| f.name == name)?;
                (Slot::Field(i), self.fields[i].ty.ty())
            }
        })
    }

    /// Every name a record expression may use, for "did you mean" suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        BUILTIN_KEYS
            .iter()
            .copied()
            .chain(self.fields.iter().map(|f| f.name.as_str()))
    }
}
