//! Script rules as `rules/mod.rs` sees them, in builds with rhai (`script.rs`) and
//! without it (`script_absent.rs`) alike: the keys are the same, so a lean build
//! refuses a script rule with `not-in-build` rather than as unknown keys.

use super::group::{GroupAward, MemberView};
use super::kind::{Behaviour, Key, Kind, Shape, per};
use super::{RuleKind, Script};
use crate::expr::EvalError;
use crate::json_schema;

pub(crate) const KIND: Kind = Kind {
    shapes: &[
        Shape {
            marker: "script",
            title: "script (inline)",
        },
        Shape {
            marker: "script_file",
            title: "script (file)",
        },
    ],
    keys: &[
        Key::required("script", json_schema::string),
        Key::required("script_file", json_schema::string),
        Key::optional("per", per),
    ],
    precedence: 4,
    per_record: false,
    reads_let: false,
    hint: "`script`",
    decode: |decoder, _, map, what, context| {
        Script::decode(decoder, map, what, context.scripts).map(RuleKind::Script)
    },
};

/// A script fails an award, never the member's evaluation: its errors are in the
/// awards it returns.
impl Behaviour for Script {
    fn evaluate_group(&self, view: &MemberView, _used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        Ok(self.evaluate(view))
    }
}
