//! `unscored`: a member's records in the range that earned nothing, with what
//! each rule that looked at them says (DESIGN section 8.2).
//!
//! Written only when asked (`why_not`), after evaluation: the records that earned
//! points are known from the awards, and each of the others is evaluated again,
//! rule by rule, to say which condition failed or which cap held it back.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::member::MemberEval;
use super::{Origin, Run, record_env};
use crate::record::Record;
use crate::report::{Reason, Unscored};

/// Each member's records (indices into the evaluation's records), in record order.
pub(super) fn by_member(records: &[Record]) -> HashMap<Arc<str>, Vec<u32>> {
    let mut map: HashMap<Arc<str>, Vec<u32>> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        map.entry(record.member.clone()).or_default().push(i as u32);
    }
    map
}

/// The member's unscored records, by date then input order.
pub(super) fn unscored(
    run: &Run,
    records: &[Record],
    mine: &[u32],
    member: &MemberEval,
    cap_labels: &[Vec<[String; 2]>],
) -> Vec<Unscored> {
    let book = run.book;
    let index_of = |r: &Record| {
        (r as *const Record as usize).wrapping_sub(records.as_ptr() as usize) / size_of::<Record>()
    };
    let mut scored: HashSet<usize> = HashSet::new();
    // (record, rule) → why, for awards of 0 points: a cap held everything back, or
    // a group rule gave nothing.
    let mut zero: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
    for award in &member.awards {
        let rule = award.rule as usize;
        let indices: Vec<usize> = match award.origin {
            Origin::Record(i) => vec![i as usize],
            Origin::Group(g) => member.groups[g as usize]
                .records
                .iter()
                .map(|r| index_of(r))
                .collect(),
        };
        if !award.points.is_zero() {
            scored.extend(indices);
            continue;
        }
        let why = match (award.origin, award.withheld) {
            (_, Some(w)) => {
                let (cap, points) = member.withheld[w as usize];
                let label = &cap_labels[rule][cap][usize::from(points.is_sign_negative())];
                run.words.capped(label)
            }
            (Origin::Group(g), None) => member.groups[g as usize].explain.clone(),
            // A formula that gave 0: the rule says so itself below.
            (Origin::Record(_), None) => continue,
        };
        for i in indices {
            zero.entry(i).or_default().push((rule, why.clone()));
        }
    }
    let mut out = Vec::new();
    for &i in mine {
        let (i, record) = (i as usize, &records[i as usize]);
        if scored.contains(&i) || !run.dates.in_range(record.date) || record.date > run.dates.as_of {
            continue;
        }
        let env = record_env(book, record, &member.attrs, run.dates);
        let held = zero.get(&i);
        let reasons = book
            .rules
            .iter()
            .enumerate()
            .filter_map(|(r, rule)| {
                let why = match held.and_then(|h| h.iter().find(|(hr, _)| *hr == r)) {
                    Some((_, why)) => why.clone(),
                    None => rule.why_not(&env, run.words)?,
                };
                Some(Reason {
                    rule: rule.id.clone(),
                    why,
                })
            })
            .collect();
        out.push(Unscored {
            record: String::from(&*record.id),
            date: record.date,
            reasons,
        });
    }
    out.sort_by_key(|u| u.date);
    out
}
