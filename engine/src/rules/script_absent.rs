//! Script rules in a build without rhai (feature `script` off: the WebAssembly
//! package's lean build, which a phone downloads first). A rulebook with a script
//! rule does not load here: it gets the error `not-in-build`, which says so, and
//! the package's JavaScript entry loads the full build for it. Nothing is skipped
//! silently.

use crate::calendar::Per;
use crate::decode::{Decoder, MapReader};
use crate::diagnostic::NOT_IN_BUILD;
use crate::schema::Schema;

use super::group::{GroupAward, MemberView};
pub use super::script_limits::ScriptLimits;

/// No script rule exists in this build: the type has no values.
#[derive(Debug)]
pub enum Script {}

impl Script {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        map: &mut MapReader,
        what: &str,
        _context: &ScriptContext,
    ) -> Option<Script> {
        let node = map.get("script").or_else(|| map.get("script_file"));
        let span = node.map_or(map.span.clone(), |node| node.span.clone());
        decoder.error(
            NOT_IN_BUILD,
            span,
            format!("{what}: script rules are not in this build of merit (feature `script`)"),
        );
        None
    }

    pub fn evaluate(&self, _view: &MemberView) -> Vec<GroupAward> {
        match *self {}
    }
}

/// What script rules would share; here only what loading passes in.
pub struct ScriptContext<'a> {
    pub limits: ScriptLimits,
    pub default_per: Per,
    pub schema: &'a Schema,
    pub include: &'a dyn Fn(&str) -> Result<String, String>,
}

impl<'a> ScriptContext<'a> {
    pub fn new(
        _calendar: &crate::calendar::Calendar,
        limits: &ScriptLimits,
        default_per: Per,
        schema: &'a Schema,
        include: &'a dyn Fn(&str) -> Result<String, String>,
    ) -> Self {
        ScriptContext {
            limits: limits.clone(),
            default_per,
            schema,
            include,
        }
    }
}
