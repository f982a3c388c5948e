//! merit: exact, explainable rules-and-points evaluation.

pub mod diagnostic;
pub mod record;
pub mod records;
pub mod schema;
pub mod value;
pub mod yaml;
