//! merit: exact, explainable rules-and-points evaluation.

pub mod calendar;
pub mod diagnostic;
pub mod expr;
pub mod record;
pub mod schema;
pub mod value;
pub mod yaml;
