use super::*;

fn pieces(text: &str) -> Option<(String, Vec<&str>)> {
    let outline = outline(text.as_bytes())?;
    let skeleton = String::from_utf8(outline.skeleton).unwrap();
    let features = outline.features.iter().map(|r| &text[r.clone()]).collect();
    Some((skeleton, features))
}

#[test]
fn splits_features_and_keeps_the_other_members_in_order() {
    let text = r#" {"type": "FeatureCollection", "evacmap": {"a": [1, "]}"]},
        "features": [ {"type":"Feature","properties":{"s":"a \"}\" b"}} , {"x":[[1]]} ],
        "tail": 2 } "#;
    let (skeleton, features) = pieces(text).unwrap();
    assert_eq!(
        skeleton,
        r#"{"type":"FeatureCollection","evacmap":{"a": [1, "]}"]},"features":[],"tail":2}"#
    );
    assert_eq!(
        features,
        [
            r#"{"type":"Feature","properties":{"s":"a \"}\" b"}}"#,
            r#"{"x":[[1]]}"#
        ]
    );
}

#[test]
fn an_empty_array_has_no_elements() {
    let (_, features) = pieces(r#"{"features":[ ]}"#).unwrap();
    assert!(features.is_empty());
}

/// Texts the outline does not follow: the full reader explains them.
const UNFOLLOWED: &[&str] = &[
    "",
    "[]",
    "{}",
    r#"{"type":"FeatureCollection"}"#,
    r#"{"features":[],"features":[]}"#,
    r#"{"features":{}}"#,
    r#"{"features":[1,]"#,
    r#"{"features":[1,]}"#,
    r#"{"features":[{"a":"unterminated}]}"#,
    r#"{"features":[]} trailing"#,
    r#"{"features":[] "x":1}"#,
    r#"{"features":[{"a":"\"#,
    r#"{"a":"\"#,
    r#"{"features":[,1]}"#,
    r#"{"x":,"features":[]}"#,
    r#"{"x":1"#,
    r#"{"features":[1]"#,
    r#"{"features":[{"a":[}]}"#,
    r#"{x:1,"features":[]}"#,
];

#[test]
fn gives_up_on_what_the_full_reader_should_explain() {
    for text in UNFOLLOWED {
        assert_eq!(outline(text.as_bytes()), None, "{text}");
        assert_eq!(read_in_pieces(text.as_bytes(), 1), None, "{text}");
    }
}

/// [`OutlineReader`]'s outline of `text` fed `piece` bytes at a time.
fn read_in_pieces(text: &[u8], piece: usize) -> Option<Outline> {
    let mut reader = OutlineReader::default();
    for block in text.chunks(piece.max(1)) {
        reader.feed(block);
    }
    reader.finish()
}

/// Texts the outline follows and texts it gives up on, with strings, escapes, nesting,
/// scalars and spaces in every position.
fn texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        r#" {"type": "FeatureCollection", "evacmap": {"a": [1, "]}"]},
        "features": [ {"type":"Feature","properties":{"s":"a \"}\" b"}} , {"x":[[1]]} ],
        "tail": 2 } "#,
        r#"{"features":[ ]}"#,
        r#"{"features":[1, "two\\", [3], {"f":"our"}, true ,null],"n":-1.5e3}"#,
        r#"{"a\"b":"c\\","features":["\u0041"]  ,  "z" : [ {} ]}"#,
        r#"{"n":1,"features":[{"a":1}]}  "#,
        r#"{"features":[{"a":1}],"n":1 }"#,
        r#"{"features":[1 ,2]}"#,
        r#"{ "features" : [ ] , "x" : "y" }"#,
        // A backslash outside a string (not JSON): the pairs are matched one by one.
        r#"{"features":[{"a":"b\\"}, \"[{]}\"], "c": [\"]}"#,
        r#"{"features":[{"a":"\\\"}]\\"}]}"#,
    ]
    .map(str::to_owned)
    .to_vec();
    texts.extend(UNFOLLOWED.iter().map(|text| text.to_string()));
    texts.push(format!(
        r#"{{"features":[{}{}]}}"#,
        "[".repeat(MAX_FEATURE_DEPTH + 1),
        "]".repeat(MAX_FEATURE_DEPTH + 1)
    ));
    texts.push(format!(
        r#"{{"features":[{}{}]}}"#,
        "[".repeat(MAX_FEATURE_DEPTH),
        "]".repeat(MAX_FEATURE_DEPTH)
    ));
    texts
}

#[test]
fn the_outline_read_in_pieces_is_the_outline_of_the_whole_text() {
    for text in texts() {
        let whole = outline(text.as_bytes());
        for piece in 1..=text.len().max(1) {
            assert_eq!(
                read_in_pieces(text.as_bytes(), piece),
                whole,
                "{text} by {piece}"
            );
        }
    }
}

#[test]
fn story_files_read_in_pieces_outline_as_their_whole_text() {
    let mut files: Vec<Vec<u8>> = Vec::new();
    for folder in ["tests/fixtures/good", "tests/fixtures/bad"] {
        let mut paths: Vec<_> = std::fs::read_dir(folder)
            .expect("fixtures")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        paths.sort();
        files.extend(
            paths
                .iter()
                .map(|path| std::fs::read(path).expect("a fixture")),
        );
    }
    files.push(crate::generate::story(3_000, 7).into_bytes());
    let mut followed = 0;
    for text in &files {
        let whole = outline(text);
        followed += usize::from(whole.is_some());
        for piece in [1, 2, 3, 7, 64, 4096, 1 << 20] {
            assert_eq!(read_in_pieces(text, piece), whole);
        }
    }
    assert!(
        followed > files.len() / 2,
        "{followed} of {} followed",
        files.len()
    );
}

#[test]
fn deep_features_go_to_the_full_reader() {
    let deep = format!(
        r#"{{"features":[{}{}]}}"#,
        "[".repeat(MAX_FEATURE_DEPTH + 1),
        "]".repeat(MAX_FEATURE_DEPTH + 1)
    );
    assert_eq!(outline(deep.as_bytes()), None);
    let shallow = format!(r#"{{"features":[{}{}]}}"#, "[".repeat(5), "]".repeat(5));
    assert_eq!(pieces(&shallow).unwrap().1.len(), 1);
}

/// [`OutlineReader::feed_indexed`]'s outline of `text` fed `piece` bytes at a time.
fn read_indexed_in_pieces(text: &[u8], piece: usize) -> Option<Outline> {
    let mut reader = OutlineReader::default();
    for block in text.chunks(piece.max(1)) {
        reader.feed_indexed(block, &BlockIndex::of(block));
    }
    reader.finish()
}

#[test]
fn structurals_are_every_quote_backslash_and_bracket() {
    let text = br#"{"a\"":[1,{"b":"]"}],"c":"x\\y"}  []{}"#;
    let expected: Vec<u32> = text
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, b'"' | b'\\' | b'{' | b'}' | b'[' | b']'))
        .map(|(i, _)| i as u32)
        .collect();
    for start in 0..text.len() {
        let found = structurals(&text[start..]);
        let shifted: Vec<u32> = expected
            .iter()
            .filter(|&&i| i as usize >= start)
            .map(|&i| i - start as u32)
            .collect();
        assert_eq!(found, shifted, "from {start}");
    }
    // Bytes that differ from a bracket only in bit 0x20, or are near one: not structural.
    assert_eq!(structurals(&b";=?}{[]\x1b\x1d;;{".repeat(5)).len(), 25);
}

/// The outline found with the structurals indexed apart (as on several cores) is the serial one,
/// on every text of every shape cut at every block size, and on every story file.
#[test]
fn the_indexed_outline_is_the_serial_outline() {
    for text in texts() {
        let whole = outline(text.as_bytes());
        for piece in 1..=text.len().max(1) {
            assert_eq!(
                read_indexed_in_pieces(text.as_bytes(), piece),
                whole,
                "{text} by {piece}"
            );
        }
    }
    let mut files: Vec<Vec<u8>> = Vec::new();
    for folder in ["tests/fixtures/good", "tests/fixtures/bad"] {
        for entry in std::fs::read_dir(folder).expect("fixtures") {
            files.push(std::fs::read(entry.expect("an entry").path()).expect("a fixture"));
        }
    }
    files.push(crate::generate::story(3_000, 7).into_bytes());
    for text in &files {
        let whole = outline(text);
        for piece in [1, 2, 3, 7, 64, 4096, 1 << 20] {
            assert_eq!(read_indexed_in_pieces(text, piece), whole);
        }
    }
}

/// The pairs found from bit masks are those matched one by one, for a block starting outside
/// a string and for one starting inside, whenever the masks take that view on (no backslash
/// outside a string in it); a text of JSON has its own view taken on everywhere.
#[test]
fn pairs_from_masks_are_the_pairs_matched_one_by_one() {
    let mut texts = texts();
    texts.push(crate::generate::story(300, 3));
    // Strings with escapes and brackets, on both sides of every 64-byte word's edge.
    texts.push(format!(
        r#"{{"features":[{}]}}"#,
        (0..40)
            .map(|i| format!(r#"{{"a{i}":"{}\\\"[{{","b":[{i}]}}"#, "x".repeat(i)))
            .collect::<Vec<_>>()
            .join(",")
    ));
    for text in &texts {
        let bytes = text.as_bytes();
        // Every start (every 61st in a long text), to the end from the first few only.
        let step = if bytes.len() > 4096 { 61 } else { 1 };
        for start in (0..bytes.len()).step_by(step) {
            let whole_rest = if start < 200 { bytes.len() } else { start };
            for end in [
                whole_rest,
                (start + 70).min(bytes.len()),
                (start + 130).min(bytes.len()),
            ] {
                let block = &bytes[start..end];
                let both = super::pairs::both(block);
                let found = structurals(block);
                for (view, in_string) in [(&both.outside, false), (&both.inside, true)] {
                    if let Some(pairs) = view {
                        assert_eq!(
                            *pairs,
                            BlockIndex::pairs_one_by_one(block, &found, in_string),
                            "{text:?} from {start} to {end}, in a string: {in_string}"
                        );
                    }
                }
            }
        }
        let whole = super::pairs::both(bytes);
        if serde_json::from_str::<serde_json::Value>(text).is_ok() {
            assert!(whole.outside.is_some(), "{text}");
        }
    }
}
