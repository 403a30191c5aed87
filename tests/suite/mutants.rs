//! The mutation sweep: thousands of damaged copies of every fixture, each opened and checked
//! never to panic, hang or report a problem without its place.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use evacmap::io::{LoadError, Loaded, Location, parse_bytes};
use serde_json::{Value, json};

use super::hostile_input::{assert_printable, fixture};

/// xorshift64: deterministic, so a failure names a mutant that can be made again.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What a mutant is expected to do.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    /// Anything but a panic or a hang; errors located and printable.
    Anything,
    /// Open, and read as the same story as the original.
    SameStory,
    /// Open (its content changed, but validly).
    Opens,
}

struct Mutant {
    description: String,
    bytes: Vec<u8>,
    expect: Expect,
}

/// Every JSON pointer in a document, parents before children.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{at}/{escaped}"), out);
            }
        }
        _ => {}
    }
}

/// Reorders the members of every object, except the sources, whose order is the order they are
/// listed in.
fn shuffle_members(value: &mut Value, random: &mut Random, keep_order: bool) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            if !keep_order {
                for i in (1..entries.len()).rev() {
                    entries.swap(i, random.below(i + 1));
                }
            }
            for (key, mut item) in entries {
                shuffle_members(&mut item, random, key == "sources");
                map.insert(key, item);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| shuffle_members(v, random, false)),
        _ => {}
    }
}

/// Adds whitespace after every comma outside strings.
fn add_whitespace(bytes: &[u8]) -> Vec<u8> {
    let mut spaced = Vec::with_capacity(bytes.len() * 2);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        spaced.push(b);
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b',' if !in_string => spaced.extend_from_slice(b"\r\n\t "),
            _ => {}
        }
    }
    spaced
}

const ODD_TEXT: [&str; 8] = [
    "\u{202e}",
    "\u{feff}",
    "\u{0}",
    "\u{1b}[2J",
    "e\u{301}",
    "\u{1F600}",
    "\u{FFFF}",
    "\\ud800",
];

fn mutate(original: &[u8], value: Option<&Value>, random: &mut Random, round: usize) -> Mutant {
    let mut bytes = original.to_vec();
    let len = bytes.len().max(1);
    let kind = round % 14;
    let mut expect = Expect::Anything;
    let description = match (kind, value) {
        (0, _) => {
            let at = random.below(len);
            let byte = random.next() as u8;
            if let Some(b) = bytes.get_mut(at) {
                *b = byte;
            }
            format!("byte {at} set to {byte:#04x}")
        }
        (1, _) => {
            let at = random.below(len);
            bytes.truncate(at);
            format!("cut at {at}")
        }
        (2, _) => {
            let at = random.below(len);
            let end = (at + 1 + random.below(40)).min(bytes.len());
            bytes.drain(at.min(end)..end);
            format!("bytes {at}..{end} deleted")
        }
        (3, _) => {
            let at = random.below(len).min(bytes.len());
            let token = [
                "{", "}", "[", "]", "\"", ",", ":", "-", "0", "e", "\\", "null",
            ][random.below(12)];
            bytes.splice(at..at, token.bytes());
            format!("{token:?} inserted at {at}")
        }
        (4, _) => {
            let at = random.below(len).min(bytes.len());
            let junk: &[u8] = [
                &b"\xff\xfe"[..],
                b"\xc3",
                b"\xed\xa0\x80",
                b"\xf4\x90\x80\x80",
            ][random.below(4)];
            bytes.splice(at..at, junk.iter().copied());
            format!("invalid UTF-8 {junk:?} at {at}")
        }
        (5, _) => {
            // Odd Unicode inside a string value, raw or escaped.
            let quotes: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'"')
                .map(|(i, _)| i)
                .collect();
            let at = quotes.get(random.below(quotes.len())).map_or(0, |q| q + 1);
            let odd = ODD_TEXT[random.below(ODD_TEXT.len())];
            let odd = if odd == "\u{0}" { "\\u0000" } else { odd };
            bytes.splice(at..at, odd.bytes());
            format!("{odd:?} inserted in a string at {at}")
        }
        (6, _) => {
            let depth = 100 + random.below(200);
            let text = format!("{}{}{}", "[".repeat(depth), "0", "]".repeat(depth));
            let at = random.below(len).min(bytes.len());
            bytes.splice(at..at, text.bytes());
            format!("{depth} nested arrays at {at}")
        }
        (7, Some(value)) => {
            let mut tree = value.clone();
            let mut all = Vec::new();
            pointers(&tree, String::new(), &mut all);
            let target = all[random.below(all.len())].clone();
            let replacement = [
                json!(null),
                json!(true),
                json!(0),
                json!(-1),
                json!(""),
                json!([]),
                json!({}),
                json!(1e308),
                json!([[0]]),
                json!("2017-99-99"),
            ][random.below(10)]
            .clone();
            if let Some(slot) = tree.pointer_mut(&target) {
                *slot = replacement.clone();
            }
            bytes = serde_json::to_vec(&tree).unwrap();
            format!("{target} replaced by {replacement}")
        }
        (8, Some(value)) => {
            let mut tree = value.clone();
            let mut all = Vec::new();
            pointers(&tree, String::new(), &mut all);
            let target = all[random.below(all.len())].clone();
            if let Some((parent, last)) = target.rsplit_once('/') {
                match tree.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.shift_remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            bytes = serde_json::to_vec(&tree).unwrap();
            format!("{target} deleted")
        }
        (9, _) => {
            // Huge and odd numbers written into the text where a digit stands.
            let digits: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            let at = digits.get(random.below(digits.len())).copied().unwrap_or(0);
            let number = [
                "18446744073709551616",
                "1e400",
                "-1e400",
                "1e-400",
                "123456789012345678901234567890",
                "-0",
                "0.0000001",
            ][random.below(7)];
            let end = (at + 1).min(bytes.len());
            bytes.splice(at..end, number.bytes());
            format!("number {number} at {at}")
        }
        (10, Some(value)) => {
            // A member repeated textually (valid JSON; a warning, the last value used).
            let text = String::from_utf8_lossy(original).into_owned();
            let members: Vec<usize> = text
                .match_indices("\"properties\": {")
                .map(|(i, _)| i)
                .collect();
            let _ = value;
            match members.get(random.below(members.len())) {
                Some(&at) => {
                    let insert_at = at + "\"properties\": {".len();
                    let mut text = text;
                    text.insert_str(insert_at, "\"x_dup\": 1, \"x_dup\": 2,");
                    bytes = text.into_bytes();
                    expect = Expect::Opens;
                    format!("a duplicated member inside properties at {at}")
                }
                None => "unchanged".into(),
            }
        }
        (11, Some(value)) => {
            let mut tree = value.clone();
            shuffle_members(&mut tree, random, false);
            bytes = serde_json::to_vec(&tree).unwrap();
            expect = Expect::SameStory;
            "members reordered".into()
        }
        (12, Some(value)) => {
            bytes = if random.below(2) == 0 {
                serde_json::to_vec_pretty(value).unwrap()
            } else {
                serde_json::to_vec(value).unwrap()
            };
            // Whitespace where JSON allows it, and a BOM in front.
            let mut spaced = b"\xEF\xBB\xBF".to_vec();
            spaced.extend(add_whitespace(&bytes));
            bytes = spaced;
            expect = Expect::SameStory;
            "whitespace and a BOM added".into()
        }
        (13, Some(value)) => {
            // A foreign member on a feature: valid GeoJSON, kept as extra data.
            let mut tree = value.clone();
            if let Some(Value::Array(features)) = tree.get_mut("features")
                && !features.is_empty()
            {
                let i = random.below(features.len());
                if let Some(Value::Object(feature)) = features.get_mut(i) {
                    feature.insert("x_note".into(), json!({"added": [1, "two", null]}));
                }
            }
            bytes = serde_json::to_vec(&tree).unwrap();
            expect = Expect::Opens;
            "a foreign member added".into()
        }
        _ => "unchanged".into(),
    };
    Mutant {
        description,
        bytes,
        expect,
    }
}

/// What happened to one mutant, sent back from the worker.
struct Outcome {
    description: String,
    expect: Expect,
    result: std::thread::Result<Result<Loaded, LoadError>>,
    same_story: Option<bool>,
}

#[test]
fn thousands_of_mutants_never_panic_hang_or_go_unlocated() {
    let mut corpus: Vec<(String, Vec<u8>)> =
        vec![("bundled".into(), evacmap::BUNDLED_STORY.as_bytes().to_vec())];
    for dir in ["good", "bad", "rfc7946/valid", "rfc7946/invalid"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture(dir, ""))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            corpus.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    const MUTANTS: usize = 3_500;
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let mut random = Random(0x005E_ED0F_E7AC_2017);
        for round in 0..MUTANTS {
            let (name, original) = &corpus[random.below(corpus.len())];
            let value: Option<Value> = serde_json::from_slice(original).ok();
            let original_story = parse_bytes(original, "original").ok().map(|l| l.dataset);
            let mutant = mutate(original, value.as_ref(), &mut random, round);
            let result = std::panic::catch_unwind(|| parse_bytes(&mutant.bytes, "mutant"));
            let same_story = match (&result, &original_story) {
                (Ok(Ok(loaded)), Some(original)) => Some(&loaded.dataset == original),
                _ => None,
            };
            let expect = if original_story.is_some() {
                mutant.expect
            } else {
                Expect::Anything
            };
            let outcome = Outcome {
                description: format!("mutant {round} of {name}: {}", mutant.description),
                expect,
                result,
                same_story,
            };
            if sender.send(outcome).is_err() {
                return;
            }
        }
    });
    let mut opened = 0;
    let mut refused = 0;
    for _ in 0..MUTANTS {
        let outcome = receiver
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("a mutant took more than 20 s: the loader hangs"));
        let loaded = match outcome.result {
            Err(_) => panic!("{}: the loader panicked", outcome.description),
            Ok(loaded) => loaded,
        };
        match &loaded {
            Ok(loaded) => {
                opened += 1;
                let lines: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
                assert_printable(&outcome.description, &lines);
            }
            Err(LoadError::Invalid(report)) => {
                refused += 1;
                assert!(
                    !report.problems.is_empty(),
                    "{}: refused without a problem",
                    outcome.description
                );
                for problem in &report.problems {
                    assert!(
                        !problem.message.trim().is_empty(),
                        "{}: an empty message",
                        outcome.description
                    );
                    if let Location::Text { line, column } = problem.location {
                        assert!(
                            line >= 1 && column >= 1,
                            "{}: {problem}",
                            outcome.description
                        );
                    }
                }
                assert!(report.has_errors());
                let lines: Vec<String> = report.to_string().lines().map(str::to_owned).collect();
                assert_eq!(
                    lines.len(),
                    report.problems.len(),
                    "{}: one problem, one line",
                    outcome.description
                );
                assert_printable(&outcome.description, &lines);
            }
            Err(other) => panic!("{}: unexpected error {other}", outcome.description),
        }
        match outcome.expect {
            Expect::Anything => {}
            Expect::Opens => assert!(
                loaded.is_ok(),
                "{}: a valid mutant was refused: {}",
                outcome.description,
                loaded.err().map(|e| e.to_string()).unwrap_or_default()
            ),
            Expect::SameStory => {
                assert!(
                    loaded.is_ok(),
                    "{}: a valid mutant was refused: {}",
                    outcome.description,
                    loaded.err().map(|e| e.to_string()).unwrap_or_default()
                );
                assert_eq!(
                    outcome.same_story,
                    Some(true),
                    "{}: read differently",
                    outcome.description
                );
            }
        }
    }
    worker.join().unwrap();
    // The sweep exercised both sides.
    assert!(
        opened > 300 && refused > 1_000,
        "{opened} opened, {refused} refused"
    );
}
