//! The notice board (公示, DESIGN section 8.5): a report as a folder of static
//! pages that an office prints or puts on a screen.
//!
//! [`publish`] makes the files and writes none: `index.html` (the rulebook's
//! title, version, digest and rules with their effective dates; the ranking; the
//! index grades; the ledger head), one `member-NNN.html` per member (every award's
//! sentence, the index sentences, why records did not count when the report says,
//! the bank balance) and `style.css`. Member pages are numbered, never named, so
//! that a file name cannot carry a name; with `mask`, every name in every page is
//! masked too ([`mask`]).
//!
//! | file | job |
//! | --- | --- |
//! | `mask.rs` | [`mask`]: 张*明, and the scrubber that masks names inside any text |
//! | `html.rs` | escaping, the page frame, the stylesheet (A4 print layout) |
//! | `pages.rs` | the index page and the member pages |
//! | `words.rs` | the board's fixed words in Chinese and English |

mod html;
mod mask;
mod pages;
mod words;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::book::Rulebook;
use crate::rank::{RankBy, RankError, RankOptions, rank};
use crate::report::Report;
use crate::words::Lang;

/// How to publish.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    /// The period ranked and graded (a label); `None`: the whole report.
    pub period: Option<String>,
    /// Show names as 张*明 everywhere, file names included.
    pub mask: bool,
    /// Chinese unless asked.
    pub lang: Lang,
    /// The moral bank's figures, when the board shows them.
    pub ledger: Option<LedgerFigures>,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            period: None,
            mask: false,
            lang: Lang::Zh,
            ledger: None,
        }
    }
}

/// What the board shows of the bank: its head (`COUNT:HASH`, when the ledger has
/// one) and each member's balance.
#[derive(Clone, Debug, Default)]
pub struct LedgerFigures {
    /// The ledger's head, `COUNT:HASH`.
    pub head: Option<String>,
    /// Each member's balance, by member id.
    pub balances: BTreeMap<String, Decimal>,
}

/// One file of the board: its name inside the folder and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardFile {
    /// The file's name inside the folder (`index.html`, `m/….html`).
    pub name: String,
    /// Its bytes.
    pub contents: Vec<u8>,
}

/// The board's files for `report`: `index.html`, `style.css` and a page per member.
/// An unknown `period` label is an error, as for [`rank`].
///
/// # Example
/// ```
/// use merit::{Format, Records, Rulebook, ScoreOptions};
/// use merit::{PublishOptions, publish};
/// let book = Rulebook::from_yaml("title: 红榜\nrules:\n  - { id: deed, title: 好人好事, points: 5 }\n", "book.yaml")?;
/// let mut records = Records::new();
/// records.read(&book, "member,kind,date\n张三明,deed,2026-03-02\n".as_bytes(), Format::Csv, "in.csv")?;
/// let report = book.score(&records, None, &ScoreOptions::default());
/// let files = publish(&book, &report, &PublishOptions { mask: true, ..PublishOptions::default() })?;
/// let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["index.html", "style.css", "member-1.html"]);
/// let index = String::from_utf8(files[0].contents.clone())?;
/// assert!(index.contains("张*明") && !index.contains("张三明") && !index.contains("<script"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn publish(
    book: &Rulebook,
    report: &Report,
    options: &PublishOptions,
) -> Result<Vec<BoardFile>, RankError> {
    let ranking = rank(
        book,
        report,
        &RankOptions {
            by: RankBy::Total,
            period: options.period.clone(),
            top: None,
        },
    )?;
    let mut indexes = Vec::new();
    for index in &book.indexes {
        let by_index = RankOptions {
            by: RankBy::Index(index.id.clone()),
            period: options.period.clone(),
            top: None,
        };
        // A period label of another kind than the index's: the index is left out.
        if let Ok(ranking) = rank(book, report, &by_index) {
            indexes.push(ranking);
        }
    }
    let scrubber = options
        .mask
        .then(|| mask::Scrubber::new(report.members.iter().map(|m| m.member.as_str())));
    let board = pages::Board {
        book,
        report,
        options,
        words: words::words(options.lang),
        ink: html::Ink::new(scrubber),
        width: report.members.len().to_string().len(),
    };
    let mut files = vec![
        BoardFile {
            name: "index.html".to_owned(),
            contents: board.index_page(&ranking, &indexes).into_bytes(),
        },
        BoardFile {
            name: "style.css".to_owned(),
            contents: html::CSS.as_bytes().to_vec(),
        },
    ];
    for (position, member) in report.members.iter().enumerate() {
        files.push(BoardFile {
            name: board.member_file(position),
            contents: board.member_page(member).into_bytes(),
        });
    }
    Ok(files)
}
