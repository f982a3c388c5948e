//! Checks across a rulebook's rules: versions of one rule id must not overlap in
//! time, and rules reading each other's points must form no cycle (the order they
//! are evaluated in is worked out here).

use crate::decode::Decoder;

use super::Rule;

/// The order rules are evaluated in: every rule after the rules whose points it
/// reads with `points("…")`, otherwise in rulebook order. A cycle is an error.
pub(crate) fn evaluation_order(decoder: &mut Decoder, rules: &[Rule]) -> Vec<usize> {
    let refs: Vec<Vec<usize>> = rules
        .iter()
        .map(|rule| {
            rule.kind
                .rule_refs()
                .iter()
                .flat_map(|id| {
                    rules
                        .iter()
                        .enumerate()
                        .filter(move |(_, r)| &r.id == id)
                        .map(|(i, _)| i)
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .collect();
    let mut order = Vec::with_capacity(rules.len());
    let mut state = vec![0u8; rules.len()]; // 0 new, 1 visiting, 2 done
    fn visit(
        i: usize,
        refs: &[Vec<usize>],
        state: &mut [u8],
        order: &mut Vec<usize>,
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        match state[i] {
            2 => return None,
            1 => {
                let start = path.iter().position(|&p| p == i).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(i);
                return Some(cycle);
            }
            _ => {}
        }
        state[i] = 1;
        path.push(i);
        for &j in &refs[i] {
            if let Some(cycle) = visit(j, refs, state, order, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state[i] = 2;
        order.push(i);
        None
    }
    for i in 0..rules.len() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(i, &refs, &mut state, &mut order, &mut path) {
            let names: Vec<String> = cycle.iter().map(|&c| format!("`{}`", rules[c].id)).collect();
            let first = &rules[cycle[0]];
            decoder.error(
                "points-cycle",
                first.span.start..first.span.start,
                format!("rules read each other's points in a cycle: {}", names.join(" → ")),
            );
            return (0..rules.len()).collect();
        }
    }
    order
}

/// Two rules may share an id only as successive versions: their effective dates
/// must not overlap, so that on any date exactly one of them is in force.
pub(crate) fn check_versions(decoder: &mut Decoder, rules: &[Rule]) {
    for (i, rule) in rules.iter().enumerate() {
        if let Some(earlier) = rules[..i]
            .iter()
            .find(|r| r.id == rule.id && r.effective.overlaps(&rule.effective))
        {
            let (line, _) = crate::diagnostic::line_col(decoder.source, earlier.span.start);
            decoder
                .error(
                    "duplicate-rule",
                    rule.span.start..rule.span.start,
                    format!("rule `{}` is defined twice", rule.id),
                )
                .help = Some(format!(
                "the first is at line {line}; versions of one rule need `effective` dates that do not overlap"
            ));
        }
    }
}
