//! Awards that could not be computed (a script stopped by its limits): the JSON
//! says `failed`, the table and CSV mark them, and `merit score` exits 1 for them
//! as it does for rejected records (issue 13).

use merit::{JsonMember, MemberReport, PeriodReport};
use merit::{ReportHead, ReportStream};

/// A report stream that counts the failed awards of the members it hands out.
pub struct Counted<'a, S: ?Sized> {
    pub stream: &'a mut S,
    pub failed: usize,
}

impl<'a, S: ReportStream + ?Sized> Counted<'a, S> {
    pub fn new(stream: &'a mut S) -> Self {
        Counted { stream, failed: 0 }
    }
}

impl<S: ReportStream + ?Sized> ReportStream for Counted<'_, S> {
    type Error = S::Error;

    fn head(&self) -> ReportHead {
        self.stream.head()
    }

    fn each_member(&mut self, each: &mut dyn FnMut(MemberReport) -> bool) -> Result<(), Self::Error> {
        let failed = &mut self.failed;
        self.stream.each_member(&mut |member| {
            *failed += member.failed();
            each(member)
        })
    }

    fn each_json_batch(
        &mut self,
        each: &mut dyn FnMut(&[&dyn JsonMember]) -> bool,
    ) -> Result<(), Self::Error> {
        let failed = &mut self.failed;
        self.stream.each_json_batch(&mut |batch| {
            *failed += batch.iter().map(|member| member.failed()).sum::<usize>();
            each(batch)
        })
    }

    fn rejected(&self) -> &[merit::Rejected] {
        self.stream.rejected()
    }

    fn unmatched(&self) -> u64 {
        self.stream.unmatched()
    }

    fn warnings(&self) -> &[merit::Warning] {
        self.stream.warnings()
    }
}

/// Why the awards of `rule` in `period` failed, joined by `; `: empty when none did.
pub fn reasons(period: &PeriodReport, rule: &str) -> String {
    period
        .awards
        .iter()
        .filter(|a| a.rule == rule)
        .filter_map(|a| a.failed.as_deref())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The stderr line and exit reason for `failed` awards, when there are any.
pub fn say(failed: usize) -> bool {
    if failed > 0 {
        eprintln!(
            "{failed} award(s) failed and count 0; they are marked `failed` (--format json) with the reason"
        );
    }
    failed > 0
}
