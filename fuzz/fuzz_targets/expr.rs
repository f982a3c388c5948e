//! The expression parser and type checker: any text compiles or gives located errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use merit::fuzzing::{Context, FieldDef, FieldType, Schema, Scope, Type, compile};

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let field = |name: &str, ty| FieldDef { name: name.into(), ty, optional: true, default: None };
    let schema = Schema {
        fields: vec![
            field("hours", FieldType::Decimal),
            field("role", FieldType::String),
            field("ok", FieldType::Bool),
        ],
    };
    for (context, expected) in [(Context::Record, Some(Type::Num)), (Context::Group, Some(Type::Bool))] {
        let mut attrs = Vec::new();
        let rule_ids = ["a".to_owned()];
        let mut scope = Scope {
            schema: &schema,
            context,
            member_attrs: &mut attrs,
            locals: &[],
            rule_ids: &rule_ids,
        };
        if let Err(errors) = compile(source, &mut scope, expected) {
            for e in errors {
                assert!(e.span.start <= e.span.end && e.span.end <= source.len(), "{e:?}");
            }
        }
    }
});
