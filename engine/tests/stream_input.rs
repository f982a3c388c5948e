//! `merit::stream_input`: the engine, not a front end, decides how one seekable
//! input is scored — streamed (sorted in chunks, unsorted from the columns its
//! survey kept) or handed back to be read whole (JSON, rating rules) — and a
//! streamed report is the whole read's.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use merit::{Format, Records, Rulebook, ScoreOptions, collect_report, stream_input};

const BOOK: &str = "id: deeds\nfields: { hours: decimal? }\nrules:\n  - { id: help, when: kind == \"help\", points: hours * 10 }\n";

/// A reader that counts the bytes read through it (shared, so the count outlives
/// the reader the stream owns).
struct Counting {
    inner: Cursor<Vec<u8>>,
    read: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for Counting {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

fn jsonl(members: usize, each: usize, sorted: bool) -> Vec<u8> {
    let mut out = String::new();
    let mut line = |m: usize, r: usize| {
        out.push_str(&format!(
            "{{\"member\":\"m{m:06}\",\"kind\":\"help\",\"date\":\"2026-03-{:02}\",\"hours\":{}}}\n",
            r % 28 + 1,
            r % 5 + 1
        ));
    };
    if sorted {
        (0..members).for_each(|m| (0..each).for_each(|r| line(m, r)));
    } else {
        (0..each).for_each(|r| (0..members).for_each(|m| line(m, r)));
    }
    out.into_bytes()
}

fn whole(book: &Rulebook, bytes: &[u8], format: Format) -> merit::Report {
    let mut records = Records::new();
    records.read(book, bytes, format, "input").unwrap();
    book.score(&records, None, &ScoreOptions::default())
}

#[test]
fn a_sorted_jsonl_is_streamed_not_read_whole_again() {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    // 150,000 records (9.75 MB): more than two chunks of members and a read buffer.
    let bytes = jsonl(15_000, 10, true);
    let size = bytes.len() as u64;
    let read = Arc::new(AtomicU64::new(0));
    let source = Counting {
        inner: Cursor::new(bytes.clone()),
        read: Arc::clone(&read),
    };
    let options = ScoreOptions::default();
    let mut stream = stream_input(&book, source, Format::Jsonl, "input", &options, None)
        .unwrap_or_else(|_| panic!("a sorted JSONL streams"));
    // The survey read it once; handing out the first member reads only the first
    // chunk again, not the whole input.
    let mut at_first = None;
    stream
        .each_member(&mut |_| {
            at_first = Some(read.load(Ordering::Relaxed));
            false
        })
        .unwrap();
    let at_first = at_first.expect("a member");
    assert!(at_first >= size, "the survey reads it all: {at_first} < {size}");
    assert!(
        at_first < size + size * 3 / 4,
        "the first member read {} bytes of {size} again",
        at_first - size
    );
    // And the report it hands out is the whole read's.
    let source = Cursor::new(bytes.clone());
    let mut stream = stream_input(&book, source, Format::Jsonl, "input", &options, None)
        .unwrap_or_else(|_| panic!("a sorted JSONL streams"));
    assert_eq!(
        collect_report(&mut *stream).unwrap(),
        whole(&book, &bytes, Format::Jsonl)
    );
}

/// An unsorted JSONL or CSV is read once: the survey keeps its records as columns.
#[test]
fn unsorted_inputs_are_read_once_with_the_same_report() {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    let options = ScoreOptions::default();
    let bytes = jsonl(40, 3, false);
    let read = Arc::new(AtomicU64::new(0));
    let source = Counting {
        inner: Cursor::new(bytes.clone()),
        read: Arc::clone(&read),
    };
    let stream = stream_input(&book, source, Format::Jsonl, "input", &options, None);
    let mut stream = stream.unwrap_or_else(|_| panic!("an unsorted JSONL streams"));
    assert_eq!(
        collect_report(&mut *stream).unwrap(),
        whole(&book, &bytes, Format::Jsonl)
    );
    assert_eq!(read.load(Ordering::Relaxed), bytes.len() as u64, "read once");

    let mut csv = String::from("member,kind,date,hours\n");
    for r in 0..3 {
        for m in (0..40).rev() {
            csv.push_str(&format!("m{m:03},help,2026-03-{:02},{}\n", r + 1, m % 4));
        }
    }
    let stream = stream_input(
        &book,
        Cursor::new(csv.clone().into_bytes()),
        Format::Csv,
        "in.csv",
        &options,
        None,
    );
    let mut stream = stream.unwrap_or_else(|_| panic!("an unsorted CSV streams from its columns"));
    assert_eq!(
        collect_report(&mut *stream).unwrap(),
        whole(&book, csv.as_bytes(), Format::Csv)
    );
}

#[test]
fn what_cannot_stream_is_handed_back_at_its_start() {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    let options = ScoreOptions::default();
    let json = br#"[{"member":"m1","kind":"help","date":"2026-03-01","hours":1}]"#.to_vec();
    let Err(mut back) = stream_input(&book, Cursor::new(json), Format::Json, "in.json", &options, None)
    else {
        panic!("a JSON document is read whole");
    };
    assert_eq!(back.stream_position().unwrap(), 0);
    let mut text = String::new();
    back.read_to_string(&mut text).unwrap();
    assert!(text.starts_with('['));

    // Ratings award a member from other members' records: never streamed.
    let ratings = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/community-ratings.yaml"),
    )
    .unwrap();
    let rated = Rulebook::from_yaml(&ratings, "community-ratings.yaml").unwrap();
    let Err(mut back) = stream_input(
        &rated,
        Cursor::new(jsonl(3, 2, true)),
        Format::Jsonl,
        "in",
        &options,
        None,
    ) else {
        panic!("a rulebook with rating rules is read whole");
    };
    assert_eq!(back.stream_position().unwrap(), 0);
}
