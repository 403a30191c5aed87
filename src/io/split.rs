//! A FeatureCollection's outline, found without parsing it: where its `features` array's elements
//! start and end, and the rest of the collection with that array emptied.
//!
//! With the outline, features are parsed one at a time and on every core, so a million-feature
//! story never becomes one `serde_json::Value` tree. The scan only follows strings and brackets; it
//! does not check the JSON. Each piece is then parsed by serde_json, and anything the scan does not
//! expect makes it give up, so the full reader, whose messages are the reference, takes over.

use std::ops::Range;

/// Nesting deeper than this inside one feature goes to the full reader, which applies serde_json's
/// recursion limit to the whole document (a feature sits two levels down in it).
const MAX_FEATURE_DEPTH: usize = 100;

/// The parts of a FeatureCollection's text.
#[derive(Debug, PartialEq)]
pub struct Outline {
    /// The collection's own members, in order, with `"features":[]` in the array's place.
    pub skeleton: Vec<u8>,
    /// Where each element of `features` is in the text.
    pub features: Vec<Range<usize>>,
}

/// The outline of `text`, or `None` when it is not one JSON object with exactly one `features`
/// array (or is shaped in a way the scan does not follow; the full reader then reads it).
pub fn outline(text: &[u8]) -> Option<Outline> {
    let mut scan = Scan { text, pos: 0 };
    scan.skip_space();
    scan.expect(b'{')?;
    let mut skeleton = b"{".to_vec();
    let mut features = None;
    scan.skip_space();
    if scan.peek()? == b'}' {
        return None;
    }
    loop {
        scan.skip_space();
        let name_start = scan.pos;
        let name_end = scan.string_end(name_start)?;
        let name = &text[name_start..name_end];
        scan.pos = name_end;
        scan.skip_space();
        scan.expect(b':')?;
        scan.skip_space();
        if skeleton.len() > 1 {
            skeleton.push(b',');
        }
        if name == b"\"features\"" {
            if features.is_some() {
                return None;
            }
            features = Some(scan.elements()?);
            skeleton.extend_from_slice(b"\"features\":[]");
        } else {
            let (value_end, _) = scan.value_end(scan.pos)?;
            skeleton.extend_from_slice(&text[name_start..name_end]);
            skeleton.push(b':');
            skeleton.extend_from_slice(&text[scan.pos..value_end]);
            scan.pos = value_end;
        }
        scan.skip_space();
        match scan.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    scan.skip_space();
    if scan.pos != text.len() {
        return None;
    }
    skeleton.push(b'}');
    Some(Outline {
        skeleton,
        features: features?,
    })
}

struct Scan<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    /// The elements of the array that starts here, leaving the scan after its `]`.
    fn elements(&mut self) -> Option<Vec<Range<usize>>> {
        self.expect(b'[')?;
        let mut elements = Vec::new();
        self.skip_space();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(elements);
        }
        loop {
            self.skip_space();
            let (end, depth) = self.value_end(self.pos)?;
            if depth > MAX_FEATURE_DEPTH {
                return None;
            }
            elements.push(self.pos..end);
            self.pos = end;
            self.skip_space();
            match self.next()? {
                b',' => continue,
                b']' => return Some(elements),
                _ => return None,
            }
        }
    }

    /// Where the string starting at `start` (its opening quote) ends, past its closing quote.
    fn string_end(&self, start: usize) -> Option<usize> {
        if self.text.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            i += memchr::memchr2(b'"', b'\\', &self.text[i..])?;
            if self.text[i] == b'\\' {
                i += 2;
            } else {
                return Some(i + 1);
            }
        }
    }

    /// Where the value starting at `start` ends, and how deeply it nests.
    fn value_end(&self, start: usize) -> Option<(usize, usize)> {
        match *self.text.get(start)? {
            b'"' => Some((self.string_end(start)?, 0)),
            b'{' | b'[' => {
                let (mut depth, mut deepest) = (0usize, 0usize);
                let mut i = start;
                while i < self.text.len() {
                    match self.text[i] {
                        b'"' => {
                            i = self.string_end(i)?;
                            continue;
                        }
                        b'{' | b'[' => {
                            depth += 1;
                            deepest = deepest.max(depth);
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some((i + 1, deepest));
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let length = self.text[start..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                    .unwrap_or(self.text.len() - start);
                (length > 0).then_some((start + length, 0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn gives_up_on_what_the_full_reader_should_explain() {
        for text in [
            "",
            "[]",
            "{}",
            r#"{"type":"FeatureCollection"}"#,
            r#"{"features":[],"features":[]}"#,
            r#"{"features":{}}"#,
            r#"{"features":[1,]"#,
            r#"{"features":[{"a":"unterminated}]}"#,
            r#"{"features":[]} trailing"#,
            r#"{"features":[] "x":1}"#,
        ] {
            assert_eq!(outline(text.as_bytes()), None, "{text}");
        }
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
}
