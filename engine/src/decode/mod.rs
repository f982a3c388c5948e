//! The rulebook decoding layer: reading YAML nodes into the model with every
//! problem located, below every section that decodes itself.
//!
//! Each rulebook section (rules, indexes, the bank's settings, the self-tests)
//! decodes itself with these helpers, and `book/load.rs` calls each section's
//! `decode`; keeping the helpers here, under the sections, lets the loader import
//! the sections without the sections importing the loader.
//!
//! | file | job |
//! | --- | --- |
//! | `decoder.rs` | [`Decoder`] (collects diagnostics), [`MapReader`], scalar readers |
//! | `exprs.rs` | [`ExprCompiler`]: a rulebook's expressions, errors under their character |
//! | `spans.rs` | [`ScalarMap`]: where a character of a scalar's value stands in the source |

mod decoder;
mod exprs;
mod spans;

pub(crate) use decoder::{Decoder, MapReader, parse_decimal, parse_exact_decimal};
pub(crate) use exprs::ExprCompiler;
#[cfg(feature = "script")]
pub(crate) use spans::ScalarMap;
