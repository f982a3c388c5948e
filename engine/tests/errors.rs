//! The error table (`tests/errors/requests.json`) run against the engine: every bad
//! request gives the code and the message the table says. The Python and
//! JavaScript suites run the same table through their bindings, so the three
//! front ends cannot drift apart again.

use std::path::{Path, PathBuf};

use merit::{Bank, Redeem};
use merit::{Error, Format, RankRequest, Records, Report, Rulebook, ScoreRequest};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn table() -> Value {
    let text = std::fs::read_to_string(root().join("tests/errors/requests.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn book(path: &str) -> Rulebook {
    let path = root().join(path);
    let text = std::fs::read_to_string(&path).unwrap();
    Rulebook::loader()
        .folder(path.parent().unwrap())
        .load(&text, path.to_str().unwrap())
        .unwrap()
}

/// The name this suite gives an input, as `NAME: …` in an input's message.
const INPUT: &str = "records";

/// Runs one case as a front end would: the request checked, the records read,
/// then ranking, explaining or the bank's steps.
fn run(case: &Value, table: &Value) -> Result<(), Error> {
    let book = book(
        case["book"]
            .as_str()
            .unwrap_or_else(|| table["book"].as_str().unwrap()),
    );
    let scoring = ScoreRequest::from_value(case.get("score").cloned().unwrap_or(Value::Null))?.validate()?;
    let mut records = Records::new().with_sheet(scoring.sheet.clone());
    let (bytes, format) = match case["records_file"].as_str() {
        Some(file) => (
            std::fs::read(root().join(file)).unwrap(),
            Format::from_path(file).unwrap(),
        ),
        None => (serde_json::to_vec(&table["records"]).unwrap(), Format::Json),
    };
    records
        .read(&book, &bytes, scoring.format.unwrap_or(format), INPUT)
        .map_err(|error| Error::Input {
            input: INPUT.to_owned(),
            error,
        })?;
    let report = book.score(&records, None, &scoring.options);
    if let Some(options) = case.get("rank") {
        let options = RankRequest::from_value(options.clone())?.options()?;
        merit::rank(&book, &report, &options)?;
    }
    if let Some(explain) = case.get("explain") {
        merit::parse_lang(explain["lang"].as_str().unwrap())?;
    }
    if let Some(steps) = case["bank"].as_array() {
        bank(&book, &report, steps)?;
    }
    Ok(())
}

fn bank(book: &Rulebook, report: &Report, steps: &[Value]) -> Result<(), Error> {
    let mut bank = Bank::in_memory();
    for step in steps {
        if let Some(date) = step["post"].as_str() {
            bank.post(book, report, date.parse().unwrap())?;
        }
        if let Some(redeem) = step.get("redeem") {
            let what = match (redeem["item"].as_str(), redeem["amount"].as_str()) {
                (Some(item), None) => Redeem::Item(item.to_owned()),
                (None, Some(amount)) => Redeem::Amount(amount.parse().unwrap()),
                _ => panic!("a redemption names an item or an amount: {redeem}"),
            };
            let (member, key) = (
                redeem["member"].as_str().unwrap(),
                redeem["key"].as_str().unwrap(),
            );
            bank.redeem(
                member,
                &what,
                key,
                redeem["date"].as_str().unwrap().parse().unwrap(),
            )?;
        }
    }
    Ok(())
}

#[test]
fn every_bad_request_gives_its_code_and_message() {
    let table = table();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "the table holds {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let expected_message = match case["input_message"].as_str() {
            Some(message) => format!("{INPUT}: {message}"),
            None => case["message"].as_str().unwrap().to_owned(),
        };
        match run(case, &table) {
            Ok(()) => wrong.push(format!("{name}: no error")),
            Err(error) => {
                let found = (error.code(), error.to_string());
                if found != (case["code"].as_str().unwrap(), expected_message.clone()) {
                    wrong.push(format!(
                        "{name}: expected {:?} {expected_message:?}, found {found:?}",
                        case["code"]
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_rulebook_error_debug_prints_its_located_text() {
    let error = Rulebook::from_yaml("rules:\n  - { id: x, points: hour * 10 }\n", "book.yaml").unwrap_err();
    assert_eq!(format!("{error:?}"), error.to_string());
    assert!(format!("{error:?}").contains("book.yaml:2:"), "{error:?}");
    assert_eq!(Error::from(error).code(), "rulebook");
}
