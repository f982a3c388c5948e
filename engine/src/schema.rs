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
}

impl FieldType {
    pub fn parse(name: &str) -> Option<FieldType> {
        Some(match name {
            "decimal" | "number" => FieldType::Decimal,
            "int" | "integer" => FieldType::Int,
            "bool" | "boolean" => FieldType::Bool,
            "string" | "str" => FieldType::String,
            "date" => FieldType::Date,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &["decimal", "int", "bool", "string", "date"];

    pub fn name(self) -> &'static str {
        match self {
            FieldType::Decimal => "decimal",
            FieldType::Int => "int",
            FieldType::Bool => "bool",
            FieldType::String => "string",
            FieldType::Date => "date",
        }
    }

    /// The expression type of values of this field.
    pub fn ty(self) -> Type {
        match self {
            FieldType::Decimal | FieldType::Int => Type::Num,
            FieldType::Bool => Type::Bool,
            FieldType::String => Type::Str,
            FieldType::Date => Type::Date,
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
