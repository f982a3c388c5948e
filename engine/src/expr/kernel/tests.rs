//! The kernel must give exactly what the closures give: the same value, the same
//! decimal scale, the same nulls, on random expressions and records.

use proptest::prelude::*;

use crate::calendar::Calendar;
use crate::expr::{Context, Env, Scope, compile};
use crate::record::Record;
use crate::schema::{FieldDef, FieldType, Schema};
use crate::value::{Type, Value};

fn schema() -> Schema {
    let field = |name: &str, ty| FieldDef {
        name: name.into(),
        ty,
        optional: true,
        default: None,
    };
    Schema {
        fields: vec![
            field("hours", FieldType::Decimal),
            field("n", FieldType::Decimal),
            field("verified", FieldType::Bool),
            field("note", FieldType::String),
        ],
    }
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (-2000i64..2000, 0u32..4).prop_map(|(m, s)| rust_decimal::Decimal::new(m, s).to_string()),
        Just("8".to_owned()),
        Just("0.5".to_owned()),
        Just("10".to_owned()),
        // Past what an i64 mantissa holds: the kernel must hand these back.
        Just("92233720368547758070".to_owned()),
        Just("4000000000000000000".to_owned()),
    ]
}

fn num_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![Just("hours".to_owned()), Just("n".to_owned()), number()];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("max({a}, {b}, {c})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} * {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} % {b})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} ?? {b})")),
            (inner.clone(), inner.clone(), inner).prop_map(|(a, b, c)| format!("if({a} > {b}, {c}, 1.5)")),
        ]
    })
}

fn bool_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("verified".to_owned()),
        Just("kind == \"volunteer\"".to_owned()),
        Just("\"meeting\" != kind".to_owned()),
        Just("note == \"late\"".to_owned()),
        Just("hours == null".to_owned()),
        Just("(verified ?? false)".to_owned()),
        (num_expr(), num_expr()).prop_map(|(a, b)| format!("{a} < {b}")),
        (num_expr(), num_expr()).prop_map(|(a, b)| format!("{a} >= {b}")),
        (num_expr(), num_expr()).prop_map(|(a, b)| format!("{a} == {b}")),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn value(number: Option<String>) -> Value {
    number.map_or(Value::Null, |n| Value::Num(n.parse().expect("decimal")))
}

fn record() -> impl Strategy<Value = Record> {
    (
        proptest::option::of(number()),
        proptest::option::of(number()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![Just("late"), Just("early")]),
        prop_oneof![Just("volunteer"), Just("meeting")],
    )
        .prop_map(|(hours, n, verified, note, kind)| Record {
            source: 0,
            position: 1,
            id: "r1".into(),
            has_id: true,
            member: "m1".into(),
            kind: kind.into(),
            date: jiff::civil::date(2026, 3, 14),
            fields: vec![
                value(hours),
                value(n),
                verified.map_or(Value::Null, Value::Bool),
                note.map_or(Value::Null, Value::str),
            ]
            .into(),
        })
}

/// Both paths on one record: equal results, decimals printed alike (same scale).
fn same(source: &str, expected: Type, records: &[Record]) -> Result<bool, TestCaseError> {
    let schema = schema();
    let mut attrs = Vec::new();
    let mut scope = Scope {
        schema: &schema,
        context: Context::Record,
        member_attrs: &mut attrs,
        locals: &[],
        rule_ids: &[],
    };
    let Ok(expr) = compile(source, &mut scope, Some(expected)) else {
        return Ok(false);
    };
    let calendar = Calendar::default();
    // The batch evaluation: every record the kernel takes must agree too.
    let refs: Vec<&Record> = records.iter().collect();
    let (mut column, mut unfit) = (Vec::new(), vec![false; records.len()]);
    if expr.eval_batch(&refs, &mut column, &mut unfit) {
        for (i, record) in records.iter().enumerate() {
            let env = Env::for_record(record, &calendar, record.date);
            if !unfit[i] {
                let slow = expr.eval(&env).map(|v| v.to_string());
                prop_assert_eq!(
                    Ok(column[i].into_value().to_string()),
                    slow,
                    "batch: {} on {:?}",
                    source,
                    record
                );
            }
        }
    }
    for record in records {
        let env = Env::for_record(record, &calendar, record.date);
        let (fast, slow) = (expr.eval_record(&env), expr.eval(&env));
        match (&fast, &slow) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.to_string(), b.to_string(), "{} on {:?}", source, record),
            _ => prop_assert_eq!(fast, slow, "{} on {:?}", source, record),
        }
    }
    Ok(expr.has_kernel())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn numbers_match_the_closures(source in num_expr(), records in proptest::collection::vec(record(), 8)) {
        same(&source, Type::Num, &records)?;
    }

    #[test]
    fn conditions_match_the_closures(source in bool_expr(), records in proptest::collection::vec(record(), 8)) {
        same(&source, Type::Bool, &records)?;
    }
}

#[test]
fn the_common_rules_have_kernels() {
    let records = [];
    for (source, ty) in [
        ("min(hours, 8) * 10", Type::Num),
        ("kind == \"volunteer\" and verified", Type::Bool),
        ("if(verified, hours * 2, hours) ?? 0", Type::Num),
        ("hours >= 2 or note == \"late\"", Type::Bool),
        ("hours % 2 * 10", Type::Num),
    ] {
        assert!(same(source, ty, &records).unwrap(), "{source} has no kernel");
    }
    // Division has none: the closures report division by zero.
    assert!(!same("hours / 2", Type::Num, &records).unwrap());
}

proptest! {
    /// The inlined constructor is `Decimal::new`, bit for bit, whatever the sign.
    #[test]
    fn fixed_decimal_is_decimal_new(mantissa in any::<i64>(), scale in 0u32..=28) {
        let made = super::fixed_decimal(mantissa, scale);
        let new = rust_decimal::Decimal::new(mantissa, scale);
        prop_assert_eq!(made.serialize(), new.serialize());
    }
}

#[test]
fn fixed_decimal_edges() {
    for (m, s) in [
        (0, 0),
        (0, 5),
        (-1, 1),
        (i64::MIN, 0),
        (i64::MAX, 28),
        (i64::MIN, 18),
    ] {
        assert_eq!(
            super::fixed_decimal(m, s).serialize(),
            rust_decimal::Decimal::new(m, s).serialize()
        );
    }
}
