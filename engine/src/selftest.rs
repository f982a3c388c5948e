//! Running a rulebook's own examples (`tests:`, modelled in `book/selftest.rs`) for
//! `merit test`: each test's records are scored and its expectations compared.
//!
//! Above evaluation: a runner scores, the model beneath the rulebook does not.

use rust_decimal::Decimal;

use crate::api::Records;
use crate::book::Rulebook;
use crate::book::selftest::{Expectation, Expected, SelfTest};
use crate::eval::Options;
use crate::records::Format;
use crate::report::Report;

/// The outcome of one test.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// One line per expectation that did not hold: what was expected, what was found.
    pub failures: Vec<String>,
}
impl Rulebook {
    /// Runs the rulebook's own tests.
    ///
    /// # Example
    /// ```
    /// let book = merit::Rulebook::from_yaml(r#"
    /// rules: [{ id: visit, when: kind == "visit", points: 2 }]
    /// tests:
    ///   - name: two visits
    ///     records:
    ///       - { member: m1, kind: visit, date: "2026-03-02" }
    ///       - { member: m1, kind: visit, date: "2026-03-09" }
    ///     expect: { m1: { "2026-03": { visit: 4 } } }
    /// "#, "book.yaml")?;
    /// assert!(book.run_tests().iter().all(|t| t.passed));
    /// # Ok::<(), merit::RulebookError>(())
    /// ```
    ///
    /// A test may give member profiles (`members:`), as `--members` does, so that
    /// role-based tables can be tested:
    /// ```
    /// let book = merit::Rulebook::from_yaml(r#"
    /// fields: { minutes: int? }
    /// rules:
    ///   - id: meeting
    ///     table: { inputs: [member.role, minutes], rows: [[secretary, ">= 60", 8], ["-", ">= 60", 5]] }
    /// tests:
    ///   - name: the secretary earns more
    ///     members: { m1: { role: secretary }, m2: { role: resident } }
    ///     records:
    ///       - { member: m1, kind: meeting, date: "2026-03-02", minutes: 60 }
    ///       - { member: m2, kind: meeting, date: "2026-03-02", minutes: 60 }
    ///     expect: { m1: { "2026-03": { meeting: 8 } }, m2: { "2026-03": { meeting: 5 } } }
    ///   - name: profiles as a list
    ///     members: [{ member: m1, role: secretary }]
    ///     records: [{ member: m1, kind: meeting, date: "2026-03-02", minutes: 60 }]
    ///     expect: { m1: { "2026-03": { meeting: 8 } } }
    /// "#, "book.yaml")?;
    /// let results = book.run_tests();
    /// assert!(results.iter().all(|t| t.passed), "{results:?}");
    /// # Ok::<(), merit::RulebookError>(())
    /// ```
    pub fn run_tests(&self) -> Vec<TestResult> {
        self.tests.iter().map(|test| test.run(self)).collect()
    }
}

impl SelfTest {
    /// Scores the test's records and lists each expectation that does not hold.
    fn run(&self, book: &Rulebook) -> TestResult {
        let mut records = Records::new();
        let mut failures = Vec::new();
        if let Err(error) = records.read(book, self.records.as_bytes(), Format::Json, &self.name) {
            failures.push(format!("records cannot be read: {error}"));
        }
        let members = self
            .members
            .as_ref()
            .and_then(|m| crate::records::Members::read(m.as_bytes(), Format::Json).ok());
        let options = Options {
            from: self.dates.from,
            to: self.dates.to,
            as_of: self.dates.as_of,
            period: self.dates.period,
            ..Options::default()
        };
        let report = book.score(&records, members.as_ref(), &options);
        for rejected in &report.rejected {
            failures.push(format!("record {} rejected: {}", rejected.record, rejected.error));
        }
        for expectation in &self.expect {
            let found = find(&report, expectation);
            let holds = match (&expectation.expected, &found) {
                (Expected::Number(n), Some(Found::Number(f))) => n == f,
                (Expected::Grade(g), Some(Found::Grade(f))) => g == f,
                _ => false,
            };
            if !holds {
                let place = match &expectation.period {
                    Some(period) => format!("{} {} {}", expectation.member, period, expectation.key),
                    None => format!("{} total", expectation.member),
                };
                let expected = match &expectation.expected {
                    Expected::Number(n) => n.normalize().to_string(),
                    Expected::Grade(g) => g.clone(),
                };
                let found = match found {
                    Some(Found::Number(n)) => n.to_string(),
                    Some(Found::Grade(g)) => g,
                    None => "nothing".to_owned(),
                };
                failures.push(format!("{place}: expected {expected}, got {found}"));
            }
        }
        TestResult {
            name: self.name.clone(),
            passed: failures.is_empty(),
            failures,
        }
    }
}

enum Found {
    Number(Decimal),
    Grade(String),
}

fn find(report: &Report, e: &Expectation) -> Option<Found> {
    let member = report.member(&e.member);
    let Some(period) = &e.period else {
        return Some(Found::Number(member.map_or(Decimal::ZERO, |m| m.total)));
    };
    let member = member?;
    if let Some(index) = member
        .indexes
        .iter()
        .find(|i| i.index == e.key && &i.period == period)
    {
        return Some(match &e.expected {
            Expected::Grade(_) => Found::Grade(index.grade.clone().unwrap_or_default()),
            Expected::Number(_) => Found::Number(index.score),
        });
    }
    let row = member.periods.iter().find(|p| &p.period == period);
    let points = match row {
        None => Decimal::ZERO,
        Some(row) if e.key == "total" => row.total,
        Some(row) => row
            .rules
            .iter()
            .find(|(id, _)| *id == e.key)
            .map_or(Decimal::ZERO, |(_, p)| *p),
    };
    Some(Found::Number(points))
}
