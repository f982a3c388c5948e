//! What every chunk of one streamed report shares: the rulebook, profiles and
//! dates each is evaluated with, and the rejections and unmatched records they add
//! up to.

use super::{ReportHead, ReportStream, StreamError};
use crate::book::Rulebook;
use crate::eval::{self, Options, Source, rulebook_ref};
use crate::parallel::{par_drop, par_map_ref};
use crate::record::Rejected;
use crate::records::Members;
use crate::records::columns::{Columns, Loc};
use crate::report::{DateRange, Sink};

/// Whether a rulebook's members can be evaluated apart: every rule kind but
/// ratings, which award the rated member from other members' records.
pub fn streams(book: &Rulebook) -> bool {
    !book.rules.iter().any(|r| r.kind.across_members())
}

pub(crate) struct Run<'a> {
    pub book: &'a Rulebook,
    profiles: Option<&'a Members>,
    /// With every date given, so that each chunk is evaluated with the same.
    options: Options,
    /// What evaluating the chunks rejected, in record order once [`Run::finish`]ed.
    rejected: Vec<Rejected>,
    pub unmatched: u64,
}

impl<'a> Run<'a> {
    /// Fails for a rulebook that does not stream, and when the dates are not known.
    pub fn new(
        book: &'a Rulebook,
        profiles: Option<&'a Members>,
        options: &Options,
    ) -> Result<Self, StreamError> {
        crate::eval::debug_panic_hook(&book.id);
        if !streams(book) {
            return Err(StreamError::Unsupported(
                "rating rules award members from other members' records".to_owned(),
            ));
        }
        let (Some(_), Some(to)) = (options.from, options.to.or(options.as_of)) else {
            return Err(StreamError::Unsupported(
                "the report's dates must be known before the first member: give `from`, and `to` or `as_of`"
                    .to_owned(),
            ));
        };
        // As evaluation defaults them: `to` to `as_of`, `as_of` to `to`.
        let options = Options {
            to: Some(to),
            as_of: options.as_of.or(Some(to)),
            ..options.clone()
        };
        Ok(Run {
            book,
            profiles,
            options,
            rejected: Vec::new(),
            unmatched: 0,
        })
    }

    pub fn head(&self) -> ReportHead {
        ReportHead {
            rulebook: rulebook_ref(self.book),
            range: DateRange {
                from: self.options.from,
                to: self.options.to,
            },
            as_of: self.options.as_of,
            period: self.options.period.unwrap_or(self.book.period).name().to_owned(),
        }
    }

    /// Evaluates the rows at `locs` of `columns`, whole members, and hands their
    /// members to `sink`: read in place when the rulebook and report allow
    /// ([`Source::columns`]), else made into records for the while.
    pub fn evaluate_columns(&mut self, columns: &Columns, locs: &[Loc], sink: &mut Sink) -> bool {
        if let Some(source) = Source::columns(self.book, &self.options, columns, locs) {
            return self.evaluate(source, sink);
        }
        let records = par_map_ref(locs, |&loc| columns.record_at(loc));
        let going = self.evaluate(Source::Records(&records), sink);
        par_drop(records);
        going
    }

    /// Evaluates one chunk of whole members and hands its members to `sink`;
    /// `false` when it asked to stop.
    pub fn evaluate(&mut self, records: Source, sink: &mut Sink) -> bool {
        let evaluation = eval::evaluate_source(self.book, records, Vec::new(), self.profiles, &self.options);
        let mut members = evaluation.stream();
        // Writing reports to a callback cannot fail.
        let going = sink.take(&mut members).unwrap_or(true);
        self.rejected.extend_from_slice(members.rejected());
        self.unmatched += members.unmatched();
        going
    }

    /// Adds what evaluation rejected, in record order, after what reading
    /// rejected: the order of a whole input's report.
    pub fn finish(&mut self, read_rejected: &mut Vec<Rejected>) {
        self.rejected.sort_by_key(|r| r.record);
        read_rejected.append(&mut self.rejected);
    }
}
