//! One seekable input scored the way its format and order allow, decided here for
//! every front end (the CLI's single file, Python's path): a JSONL or CSV file is
//! streamed — sorted by member, a chunk of members at a time ([`MemberStream`]);
//! unsorted, from the records its survey kept as columns ([`ColumnStream`]); found
//! unsorted too late to keep, once per range of members ([`RangeStream`]) — and anything else (a JSON
//! or YAML document, a spreadsheet, a rulebook with rating rules, an input the
//! survey cannot read) is handed back to be read whole, which reports why as it
//! always has. Either way the report is byte for byte the same.

use std::cell::RefCell;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::rc::Rc;

use super::{ColumnStream, MemberStream, RangeStream, ReportStream, StreamError, Survey, Warned, streams};
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::Warning;
use crate::records::{Format, Members};

/// The read buffer of a streamed input.
const READ_BUFFER: usize = 1 << 20;

/// What a run holds besides the kept columns and one range's records (the
/// program, read buffer, survey, reports being written), for the range budget.
const RUN_BYTES: u64 = 16 << 20;

/// A report streamed from one seekable input, or the input handed back (at its
/// start) to be read whole.
pub type Streamed<'a, R> = Result<Box<dyn ReportStream<Error = StreamError> + 'a>, R>;

/// Scores `source` (named `name` in warnings, in `format`) as a stream when it can
/// be one (see the module docs); `Err(source)`, rewound, when it must be read whole.
/// `options` are the request's; the dates a stream needs are taken from the survey.
pub fn stream_input<'a, R: Read + Seek + 'a>(
    book: &'a Rulebook,
    mut source: R,
    format: Format,
    name: &str,
    options: &Options,
    profiles: Option<&'a Members>,
) -> Streamed<'a, R> {
    if !streams(book) || !format.reads_by_record() {
        return Err(source);
    }
    let Ok(size) = source
        .seek(SeekFrom::End(0))
        .and_then(|size| source.rewind().map(|()| size))
    else {
        return Err(source);
    };
    let shared = Shared(Rc::new(RefCell::new(source)));
    let streamed = start(book, &shared, format, name, options, profiles, size);
    streamed.ok_or_else(|| {
        // Nothing else holds the source once the attempt is dropped.
        let source = Rc::try_unwrap(shared.0).ok().map(RefCell::into_inner);
        let mut source = source.expect("a stream that did not start keeps no reader");
        let _ = source.rewind();
        source
    })
}

fn start<'a, R: Read + Seek + 'a>(
    book: &'a Rulebook,
    shared: &Shared<R>,
    format: Format,
    name: &str,
    options: &Options,
    profiles: Option<&'a Members>,
    size: u64,
) -> Option<Box<dyn ReportStream<Error = StreamError> + 'a>> {
    let input = BufReader::with_capacity(READ_BUFFER, shared.clone());
    let (survey, kept) = Survey::read_kept(book, input, format).ok()?;
    // The survey's warnings name the input as a whole read would.
    let warnings: Vec<Warning> = survey
        .warnings
        .iter()
        .map(|w| Warning {
            input: name.to_owned(),
            message: w.message.clone(),
        })
        .collect();
    let options = survey.dates(options)?;
    let reopen = shared.clone();
    let open = move || {
        reopen.0.borrow_mut().rewind()?;
        Ok(BufReader::with_capacity(READ_BUFFER, reopen.clone()))
    };
    if let Some(columns) = kept {
        // An unsorted input, its records kept as columns by the survey: read once,
        // in ranges sized so that columns, ranges and the rest stay within the
        // input's size.
        let held = columns.bytes() as u64 + RUN_BYTES;
        let stream = ColumnStream::new(book, profiles, &options, survey, columns)
            .ok()?
            .with_memory(size.saturating_sub(held));
        Some(Box::new(Warned { stream, warnings }))
    } else if survey.sorted {
        let stream = MemberStream::new(book, open().ok()?, format, profiles, &options).ok()?;
        Some(Box::new(Warned { stream, warnings }))
    } else {
        // Ranges of records taking about 1.5 times the input's size, so that with
        // what else a run holds the peak stays under twice the input: the bench's
        // million CSV records (48 MB) are read 6 times rather than 9, in 1.54 s
        // rather than 1.79 s, at a peak of 71 MB rather than 53 MB.
        let stream = RangeStream::new(book, open, format, profiles, &options, survey)
            .ok()?
            .with_memory(size * 3 / 2);
        Some(Box::new(Warned { stream, warnings }))
    }
}

/// The one source, read from by each pass in turn (a pass ends before the next
/// rewinds it).
struct Shared<R>(Rc<RefCell<R>>);

impl<R> Clone for Shared<R> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<R: Read> Read for Shared<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.borrow_mut().read(buf)
    }
}
