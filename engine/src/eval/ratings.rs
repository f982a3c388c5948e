//! Rating rules, which award members from other members' records: read once over
//! every record, before members are evaluated apart.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::order::Seen;
use super::{Run, Usage, record_env, rejection};
use crate::record::{Record, Rejected};
use crate::rules::RatingAward;

/// What each rated member received: rating awards (with the rule that made them)
/// by subject, in id order.
type Ratings<'a> = BTreeMap<Arc<str>, Vec<(usize, RatingAward<'a>)>>;

/// Reads every rating rule's records (in member order) and makes their awards.
pub(super) fn ratings<'a>(
    run: &Run<'a>,
    records: &'a [Record],
    in_member_order: &[Seen],
    usage: &mut Usage,
    errors: &mut Vec<(u32, u64, Rejected)>,
) -> Ratings<'a> {
    let Run {
        book, dates, words, ..
    } = *run;
    let mut ratings = Ratings::new();
    for (rule_index, rule) in book.rules.iter().enumerate() {
        let Some(rating) = rule.kind.rating() else {
            continue;
        };
        let mut read = Vec::new();
        for seen in in_member_order {
            let i = seen.record as usize;
            let record = &records[i];
            if !rule.effective.contains(record.date) {
                continue;
            }
            let attrs = run.attrs_of(&record.member);
            let env = record_env(book, record, &attrs, dates);
            match rating.read(&env) {
                Ok(Some((subject, value))) => {
                    usage.mark(i, record.date, &dates);
                    read.push((record, subject, value));
                }
                Ok(None) => {}
                Err(reason) => {
                    usage.mark(i, record.date, &dates);
                    errors.push(rejection(record, format!("rule `{}`: {reason}", rule.id)));
                }
            }
        }
        match rating.awards(&read, dates.as_of, &book.calendar, words) {
            Ok(awards) => {
                for award in awards {
                    ratings
                        .entry(award.subject.clone())
                        .or_default()
                        .push((rule_index, award));
                }
            }
            Err(error) => errors.push(rejection(read[0].0, format!("rule `{}`: {error}", rule.id))),
        }
    }
    ratings
}
