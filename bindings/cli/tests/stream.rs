//! `merit score` streams a single JSONL or CSV file (a chunk of members at a time
//! when it is sorted by member, a range of members per reading when not) and reads
//! everything else whole: the output must not tell which. Standard input is always
//! read whole, so each case is scored from its file and from standard input and the
//! two outputs compared byte for byte, in every format, sorted by member and not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `merit score book.yaml FILE OPTIONS`, in the case's folder; `-` reads `stdin`.
fn score(dir: &Path, file: &str, stdin: Option<&Path>, options: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_merit"));
    command
        .current_dir(dir)
        .args(["score", "book.yaml", file])
        .args(options);
    if let Some(path) = stdin {
        command.stdin(Stdio::from(std::fs::File::open(path).unwrap()));
    }
    command.output().unwrap()
}

/// The records sorted by member, stably; lines and rows without one stay first.
/// `None` for a CSV whose member column has another name (`input.columns`).
fn sorted_by_member(path: &Path) -> Option<Vec<u8>> {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "csv") {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        let column = header.iter().position(|h| h == "member")?;
        let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        rows.sort_by(|a, b| a.get(column).cmp(&b.get(column)));
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&header).unwrap();
        for row in rows {
            writer.write_record(&row).unwrap();
        }
        return Some(writer.into_inner().unwrap());
    }
    let member = |line: &str| match serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|v| v.get("member").cloned())
    {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_by_key(|line| member(line));
    Some((lines.join("\n") + "\n").into_bytes())
}

#[test]
fn a_file_and_standard_input_give_the_same_output_in_every_format() {
    let folder = tempfile::Builder::new()
        .prefix("merit-stream-")
        .tempdir()
        .unwrap();
    let temp = folder.path();
    let mut compared = 0;
    for dir in cases() {
        let args = std::fs::read_to_string(dir.join("args")).unwrap_or_default();
        let words: Vec<&str> = args.split_whitespace().collect();
        let files: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, w)| !w.starts_with("--") && (*i == 0 || !words[i - 1].starts_with("--")))
            .map(|(_, w)| *w)
            .collect();
        let options: Vec<&str> = words.iter().filter(|w| !files.contains(w)).copied().collect();
        let file = match files[..] {
            [] => "records.jsonl",
            [file] => file,
            _ => continue,
        };
        let format = if file.ends_with(".csv") { "csv" } else { "jsonl" };
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let sorted = temp.join(format!("{name}.{format}"));
        // A case read through column aliases (office-input) has input warnings, which
        // name the file (`-` on standard input): tests/office.rs covers it.
        let Some(records) = sorted_by_member(&dir.join(file)) else {
            continue;
        };
        std::fs::write(&sorted, records).unwrap();
        let dates: Vec<&str> = options
            .chunks(2)
            .filter(|pair| pair[0] != "--from" && pair[0] != "--to" && pair[0] != "--as-of")
            .flatten()
            .copied()
            .collect();
        for input in [dir.join(file), sorted.clone()] {
            for options in [&options, &dates] {
                for output in ["json", "csv", "table"] {
                    let mut options = options.to_vec();
                    options.extend(["--format", output, "--stdin-format", format]);
                    let from_file = score(&dir, input.to_str().unwrap(), None, &options);
                    let from_stdin = score(&dir, "-", Some(&input), &options);
                    let what = format!("{} {options:?}", input.display());
                    assert_eq!(from_file.status.code(), from_stdin.status.code(), "{what}");
                    assert_eq!(
                        without_script_reasons(&String::from_utf8_lossy(&from_file.stdout)),
                        without_script_reasons(&String::from_utf8_lossy(&from_stdin.stdout)),
                        "{what}"
                    );
                    assert_eq!(
                        String::from_utf8_lossy(&from_file.stderr),
                        String::from_utf8_lossy(&from_stdin.stderr),
                        "{what}"
                    );
                }
            }
        }
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} cases compared");
}

/// `text` with the reason of each stopped script cut: a runaway script in a debug
/// build under load may reach its 1 s budget before its operation limit, so one run
/// says the one and the next the other (the table and CSV show the reason since
/// failed awards are marked there).
fn without_script_reasons(text: &str) -> String {
    const STOPPED: &str = "script stopped for member `";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(STOPPED) {
        let after = at + STOPPED.len();
        let Some(colon) = rest[after..].find("`: ") else {
            break;
        };
        let reason = after + colon + 3;
        let end = rest[reason..]
            .find(['"', '\n'])
            .map_or(rest.len(), |e| reason + e);
        out.push_str(&rest[..reason]);
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A CSV row that is not UTF-8 is rejected alone (issue 13, item 8), streamed or
/// read whole (standard input) alike.
#[test]
fn a_row_that_is_not_utf8_is_rejected_alone_streamed_or_not() {
    let folder = tempfile::Builder::new()
        .prefix("merit-stream-bad-")
        .tempdir()
        .unwrap();
    let temp = folder.path();
    std::fs::write(temp.join("book.yaml"), "rules:\n  - { id: any, points: 1 }\n").unwrap();
    std::fs::write(
        temp.join("records.csv"),
        b"member,kind,date\nm1,k,2026-03-01\nm\xff,k,2026-03-02\n",
    )
    .unwrap();
    let output = score(temp, "records.csv", None, &["--format", "json"]);
    let from_stdin = score(
        temp,
        "-",
        Some(&temp.join("records.csv")),
        &["--format", "json", "--stdin-format", "csv"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, from_stdin.stdout);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["rejected"][0]["record"], 2);
    assert_eq!(report["members"][0]["member"], "m1");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "1 record(s) rejected; they are listed under `rejected` (--format json) with the reason\n"
    );
}
