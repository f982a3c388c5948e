//! Scoring an input too large to hold: the report written member by member.

pub(crate) mod json;
