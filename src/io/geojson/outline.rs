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

/// A member of a JSON object: its name, and where its key (with quotes) and its value are.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// The members of the object that `text` is (space around it allowed), in order, and where the
/// object is; `None` when `text` is not one object the scan follows.
pub fn object_members(text: &[u8]) -> Option<(Vec<Member>, Range<usize>)> {
    let mut scan = Scan { text, pos: 0 };
    scan.skip_space();
    let start = scan.pos;
    scan.expect(b'{')?;
    let mut members = Vec::new();
    scan.skip_space();
    if scan.peek()? == b'}' {
        scan.pos += 1;
    } else {
        loop {
            scan.skip_space();
            let key_start = scan.pos;
            let key_end = scan.string_end(key_start)?;
            let name = serde_json::from_slice::<String>(&text[key_start..key_end]).ok()?;
            scan.pos = key_end;
            scan.skip_space();
            scan.expect(b':')?;
            scan.skip_space();
            let (value_end, _) = scan.value_end(scan.pos)?;
            members.push(Member {
                name,
                key: key_start..key_end,
                value: scan.pos..value_end,
            });
            scan.pos = value_end;
            scan.skip_space();
            match scan.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    let end = scan.pos;
    scan.skip_space();
    (scan.pos == text.len()).then_some((members, start..end))
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
            // A backslash as the last byte leaves `i` past the end: no closing quote.
            i += memchr::memchr2(b'"', b'\\', self.text.get(i..)?)?;
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

/// The same outline as [`outline`], worked out from the text as it is read, block by block,
/// without holding it: a big file's text need not be in memory whole just to be outlined.
/// Offsets count the bytes fed. It follows exactly the rules of [`outline`] (a test feeds both
/// the same texts, cut anywhere).
#[derive(Debug)]
pub struct OutlineReader {
    /// Where the byte being read is in the text.
    offset: usize,
    state: State,
    skeleton: Vec<u8>,
    features: Option<Vec<Range<usize>>>,
    /// The member name being read, with its quotes.
    name: Vec<u8>,
    /// Whether the value being read is an element of `features` (else a member's, copied into
    /// the skeleton), and where it started.
    element_start: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Before the opening `{`.
    Start,
    /// Where a member's name must start (after `{` or `,`).
    MemberStart,
    Name {
        escaped: bool,
    },
    /// Between a name and its `:`.
    AfterName,
    /// Between `:` and a member's value.
    BeforeValue,
    /// Between the `:` after `features` and its `[`.
    BeforeArray,
    /// After `[`: an element or `]`.
    ArrayStart,
    /// After `,` in the array: an element.
    BeforeElement,
    String {
        escaped: bool,
    },
    Compound {
        depth: usize,
        deepest: usize,
        in_string: bool,
        escaped: bool,
    },
    Scalar,
    AfterElement,
    AfterValue,
    End,
    GaveUp,
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

impl Default for OutlineReader {
    fn default() -> Self {
        Self {
            offset: 0,
            state: State::Start,
            skeleton: b"{".to_vec(),
            features: None,
            name: Vec::new(),
            element_start: None,
        }
    }
}

impl OutlineReader {
    /// Whether the text so far is still one the outline follows.
    pub fn is_following(&self) -> bool {
        self.state != State::GaveUp
    }

    /// Reads the next bytes of the text.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.feed_with(
            bytes,
            |_, _| None,
            |rest, _| {
                rest.iter()
                    .position(|&b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))
            },
        );
    }

    /// [`Self::feed`] with the block's [`BlockIndex`] made beforehand (on another core): the
    /// scan jumps from one structural byte to the next instead of looking at every byte, and
    /// over a whole element the block holds. Outlines as `feed` does, whatever block sizes.
    pub fn feed_indexed(&mut self, bytes: &[u8], index: &BlockIndex) {
        // The pairs matched from where the block really starts: in a string or not (not just
        // after a backslash, where neither holds).
        let (found, in_string) = match self.state {
            State::Name { escaped: true }
            | State::String { escaped: true }
            | State::Compound { escaped: true, .. } => (&Some(Vec::new()), false),
            State::Name { .. }
            | State::String { .. }
            | State::Compound {
                in_string: true, ..
            } => (&index.pairs_in_string, true),
            _ => (&index.pairs, false),
        };
        let one_by_one;
        let pairs: &[Pair] = match found {
            Some(pairs) => pairs,
            None => {
                one_by_one = BlockIndex::pairs_one_by_one(bytes, &structurals(bytes), in_string);
                &one_by_one
            }
        };
        let mut next_pair = 0;
        self.feed_with(
            bytes,
            |reader, at| {
                if !matches!(reader.state, State::ArrayStart | State::BeforeElement) {
                    return None;
                }
                while pairs.get(next_pair).is_some_and(|p| (p.open as usize) < at) {
                    next_pair += 1;
                }
                let pair = pairs.get(next_pair).filter(|p| p.open as usize == at)?;
                Some((pair.close as usize + 1 - at, pair.deepest as usize))
            },
            // Between the strings of a feature the block holds only in part: looked for as
            // needed (the rest of the block is outlined whole elements at a time).
            |rest, _| first_structural(rest),
        );
    }

    /// Feeds `bytes`; `next_structural(rest, at)` says how far into `rest` (which starts at
    /// `at` in `bytes`) the next quote, backslash or bracket is, or `None` if there is none;
    /// `whole_element(self, at)`, where an element starts at `at`, how long it is and how deep
    /// it nests, when that is known.
    fn feed_with(
        &mut self,
        bytes: &[u8],
        mut whole_element: impl FnMut(&Self, usize) -> Option<(usize, usize)>,
        mut next_structural: impl FnMut(&[u8], usize) -> Option<usize>,
    ) {
        let mut i = 0;
        while i < bytes.len() && self.state != State::GaveUp {
            if let Some((length, deepest)) = whole_element(self, i) {
                self.element_start = Some(self.at());
                self.offset += length;
                i += length;
                self.value_ended(self.at(), deepest);
                continue;
            }
            // Inside a string most bytes are neither a quote nor a backslash: skip to the next.
            if let State::String { escaped: false }
            | State::Compound {
                in_string: true,
                escaped: false,
                ..
            } = self.state
            {
                let rest = &bytes[i..];
                let skip = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
                self.copy_value(&rest[..skip]);
                i += skip;
                self.offset += skip;
                if i == bytes.len() {
                    break;
                }
            }
            // Between strings of a feature, only quotes and brackets matter.
            if let State::Compound {
                in_string: false, ..
            } = self.state
            {
                let rest = &bytes[i..];
                let skip = next_structural(rest, i).unwrap_or(rest.len());
                self.copy_value(&rest[..skip]);
                i += skip;
                self.offset += skip;
                if i == bytes.len() {
                    break;
                }
            }
            if self.step(bytes[i]) {
                i += 1;
                self.offset += 1;
            }
        }
    }

    /// The outline, once the whole text is fed; `None` where [`outline`] gives none.
    pub fn finish(mut self) -> Option<Outline> {
        if self.state != State::End {
            return None;
        }
        self.skeleton.push(b'}');
        Some(Outline {
            skeleton: self.skeleton,
            features: self.features?,
        })
    }

    fn copy_value(&mut self, bytes: &[u8]) {
        if self.element_start.is_none() {
            self.skeleton.extend_from_slice(bytes);
        }
    }

    /// Where the byte being stepped is in the text.
    fn at(&self) -> usize {
        self.offset
    }

    /// Takes one byte; returns whether it was used (a scalar's end is stepped again by the
    /// state that follows it).
    #[expect(
        clippy::too_many_lines,
        reason = "the outline's state machine: one arm per state, kept together so its transitions read at once"
    )]
    fn step(&mut self, byte: u8) -> bool {
        use State::*;
        let space = is_space(byte);
        self.state = match self.state {
            Start if space => Start,
            Start if byte == b'{' => MemberStart,
            MemberStart if space => MemberStart,
            MemberStart if byte == b'"' => {
                self.name.clear();
                self.name.push(byte);
                Name { escaped: false }
            }
            Name { escaped } => {
                self.name.push(byte);
                match (escaped, byte) {
                    (true, _) => Name { escaped: false },
                    (false, b'\\') => Name { escaped: true },
                    (false, b'"') => AfterName,
                    _ => Name { escaped: false },
                }
            }
            AfterName if space => AfterName,
            AfterName if byte == b':' => {
                if self.skeleton.len() > 1 {
                    self.skeleton.push(b',');
                }
                if self.name == b"\"features\"" {
                    if self.features.is_some() {
                        GaveUp
                    } else {
                        self.skeleton.extend_from_slice(b"\"features\":[]");
                        self.features = Some(Vec::new());
                        BeforeArray
                    }
                } else {
                    self.skeleton.extend_from_slice(&self.name);
                    self.skeleton.push(b':');
                    BeforeValue
                }
            }
            BeforeValue | BeforeElement | ArrayStart if space => self.state,
            BeforeArray if space => BeforeArray,
            BeforeArray if byte == b'[' => ArrayStart,
            ArrayStart if byte == b']' => AfterValue,
            BeforeValue | BeforeElement | ArrayStart => {
                if self.state != BeforeValue {
                    self.element_start = Some(self.at());
                }
                match byte {
                    b',' | b'}' | b']' => GaveUp,
                    b'"' => {
                        self.copy_value(&[byte]);
                        String { escaped: false }
                    }
                    b'{' | b'[' => {
                        self.copy_value(&[byte]);
                        Compound {
                            depth: 1,
                            deepest: 1,
                            in_string: false,
                            escaped: false,
                        }
                    }
                    _ => {
                        self.copy_value(&[byte]);
                        Scalar
                    }
                }
            }
            String { escaped } => {
                self.copy_value(&[byte]);
                match (escaped, byte) {
                    (true, _) => String { escaped: false },
                    (false, b'\\') => String { escaped: true },
                    (false, b'"') => return self.value_ended(self.at() + 1, 0),
                    _ => String { escaped: false },
                }
            }
            Compound {
                depth,
                deepest,
                in_string,
                escaped,
            } => {
                self.copy_value(&[byte]);
                let same = |in_string, escaped| Compound {
                    depth,
                    deepest,
                    in_string,
                    escaped,
                };
                match (in_string, escaped, byte) {
                    (true, true, _) => same(true, false),
                    (true, false, b'\\') => same(true, true),
                    (true, false, b'"') => same(false, false),
                    (true, false, _) => same(true, false),
                    (false, _, b'"') => same(true, false),
                    (false, _, b'{' | b'[') => Compound {
                        depth: depth + 1,
                        deepest: deepest.max(depth + 1),
                        in_string,
                        escaped,
                    },
                    (false, _, b'}' | b']') if depth == 1 => {
                        return self.value_ended(self.at() + 1, deepest);
                    }
                    (false, _, b'}' | b']') => Compound {
                        depth: depth - 1,
                        deepest,
                        in_string,
                        escaped,
                    },
                    _ => same(false, false),
                }
            }
            Scalar if space || matches!(byte, b',' | b'}' | b']') => {
                // The byte after a scalar belongs to what follows it.
                self.value_ended(self.at(), 0);
                return false;
            }
            Scalar => {
                self.copy_value(&[byte]);
                Scalar
            }
            AfterElement if space => AfterElement,
            AfterElement if byte == b',' => BeforeElement,
            AfterElement if byte == b']' => AfterValue,
            AfterValue if space => AfterValue,
            AfterValue if byte == b',' => MemberStart,
            AfterValue if byte == b'}' => End,
            End if space => End,
            _ => GaveUp,
        };
        true
    }

    /// A value ended before `end` (absolute), nesting `depth` deep; returns that its last byte
    /// was used.
    fn value_ended(&mut self, end: usize, depth: usize) -> bool {
        match self.element_start.take() {
            Some(start) => {
                if depth > MAX_FEATURE_DEPTH {
                    self.state = State::GaveUp;
                } else {
                    if let Some(features) = &mut self.features {
                        features.push(start..end);
                    }
                    self.state = State::AfterElement;
                }
            }
            None => self.state = State::AfterValue,
        }
        true
    }
}

/// What is found in a block of the text apart from the outline, on any core, for
/// [`OutlineReader::feed_indexed`].
#[derive(Debug, Default)]
pub struct BlockIndex {
    /// The outermost brackets the block opens and closes, matched as if the block started
    /// outside a string, in order; `None` when a backslash stands outside a string so seen
    /// (then they are matched one by one if that is where the block starts).
    pub pairs: Option<Vec<Pair>>,
    /// The same, as if the block started in a string.
    pub pairs_in_string: Option<Vec<Pair>>,
}

/// A bracket and the one that closes it, and how deep the value between them nests (1: no
/// bracket inside).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub open: u32,
    pub close: u32,
    pub deepest: u32,
}

impl BlockIndex {
    /// The index of `block`.
    pub fn of(block: &[u8]) -> Self {
        let both = pairs::both(block);
        Self {
            pairs: both.outside,
            pairs_in_string: both.inside,
        }
    }

    /// The outermost pairs of brackets in `block`, if it starts in a string or not, matched
    /// one structural at a time by the serial reader's rules.
    fn pairs_one_by_one(block: &[u8], structurals: &[u32], in_string: bool) -> Vec<Pair> {
        let mut pairs = Vec::new();
        // Opened and not closed yet within the block: where, and how deep the deepest inside.
        let mut open: Vec<(u32, u32)> = Vec::new();
        let (mut in_string, mut escaped_at) = (in_string, None);
        for &at in structurals {
            // A backslash in a string escapes the byte after it, whatever that is.
            if escaped_at == Some(at) {
                escaped_at = None;
                continue;
            }
            escaped_at = None;
            match block[at as usize] {
                b'\\' if in_string => escaped_at = Some(at + 1),
                b'"' => in_string = !in_string,
                b'{' | b'[' if !in_string => open.push((at, 1)),
                b'}' | b']' if !in_string => {
                    if let Some((start, deepest)) = open.pop() {
                        match open.last_mut() {
                            Some(outer) => outer.1 = outer.1.max(deepest + 1),
                            None => pairs.push(Pair {
                                open: start,
                                close: at,
                                deepest,
                            }),
                        }
                    }
                }
                _ => {}
            }
        }
        pairs.sort_unstable_by_key(|p| p.open);
        pairs
    }
}

/// Where in `block` the bytes are that matter between the strings of a feature (quotes,
/// backslashes and brackets), as offsets, from the masks of 64 bytes at a time: most bytes are
/// none of these.
pub fn structurals(block: &[u8]) -> Vec<u32> {
    let mut found = Vec::with_capacity(block.len() / 8);
    visit_structurals(block, |at| {
        found.push(at as u32);
        true
    });
    found
}

/// Where the first quote, backslash or bracket in `bytes` is.
pub fn first_structural(bytes: &[u8]) -> Option<usize> {
    let mut first = None;
    visit_structurals(bytes, |at| {
        first = Some(at);
        false
    });
    first
}

/// Calls `visit` with each structural byte's offset in `block`, in order, while it says to go
/// on.
fn visit_structurals(block: &[u8], mut visit: impl FnMut(usize) -> bool) {
    for (k, word) in block.chunks(64).enumerate() {
        let masks = pairs::Masks::of(word);
        let mut found = masks.quote | masks.backslash | masks.open | masks.close;
        while found != 0 {
            if !visit(k * 64 + found.trailing_zeros() as usize) {
                return;
            }
            found &= found - 1;
        }
    }
}

mod pairs;

#[cfg(test)]
mod tests;
