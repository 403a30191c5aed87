//! The outermost bracket pairs of a block, for both places the block may start (outside a
//! string or inside one), from bit masks of 64 bytes at a time: a string's extent is the
//! running XOR of its unescaped quotes, so that only the brackets outside strings are visited
//! (one in six of the bytes that matter in a story's text; looking at every quote one by one,
//! twice, took most of the outline's time).
//!
//! Escapes are taken as JSON has them, inside strings. A view in which a backslash stands
//! outside a string (no valid JSON has one there, but the serial reader lets it pass, escaping
//! nothing) is left to the one-by-one rules: `None`.

use super::Pair;

/// A block's pairs as if it started outside a string, and as if it started inside one.
pub(super) struct BothPairs {
    pub outside: Option<Vec<Pair>>,
    pub inside: Option<Vec<Pair>>,
}

/// See the module.
pub(super) fn both(block: &[u8]) -> BothPairs {
    let (mut outside, mut inside) = (Matcher::default(), Matcher::default());
    let (mut outside_holds, mut inside_holds) = (true, true);
    // The last word ended with a backslash that escapes the next byte.
    let mut escape_carried = false;
    // All ones when, seen from outside, the last word ended in a string.
    let mut string_carried = 0u64;
    for (k, word) in block.chunks(64).enumerate() {
        let masks = Masks::of(word);
        let escaped = escaped(masks.backslash, &mut escape_carried);
        let in_string = prefix_xor(masks.quote & !escaped) ^ string_carried;
        string_carried = 0u64.wrapping_sub(in_string >> 63);
        outside_holds &= masks.backslash & !in_string == 0;
        inside_holds &= masks.backslash & in_string == 0;
        let brackets = masks.open | masks.close;
        let base = (k * 64) as u32;
        outside.take(brackets & !in_string, masks.open, base);
        inside.take(brackets & in_string, masks.open, base);
    }
    BothPairs {
        outside: outside_holds.then(|| outside.finish()),
        inside: inside_holds.then(|| inside.finish()),
    }
}

/// Bit `i` set where byte `i` of `word` is a quote, a backslash, `{` or `[`, `}` or `]`.
pub(super) struct Masks {
    pub quote: u64,
    pub backslash: u64,
    pub open: u64,
    pub close: u64,
}

impl Masks {
    /// The masks of up to 64 bytes (sixteen at a time with SSE2, which every x86-64 has).
    pub fn of(word: &[u8]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Ok(full) = <&[u8; 64]>::try_from(word) {
            return Self::of_full_word(full);
        }
        let mut masks = Self {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for (i, &byte) in word.iter().enumerate() {
            let bit = 1u64 << i;
            match byte {
                b'"' => masks.quote |= bit,
                b'\\' => masks.backslash |= bit,
                b'{' | b'[' => masks.open |= bit,
                b'}' | b']' => masks.close |= bit,
                _ => {}
            }
        }
        masks
    }

    #[cfg(target_arch = "x86_64")]
    fn of_full_word(word: &[u8; 64]) -> Self {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        let (mut quote, mut backslash, mut open, mut close) = (0u64, 0u64, 0u64, 0u64);
        // SAFETY: SSE2 is part of x86-64, so these intrinsics are always available; each load
        // reads 16 of the word's 64 bytes.
        unsafe {
            let quotes = _mm_set1_epi8(b'"' as i8);
            let backslashes = _mm_set1_epi8(b'\\' as i8);
            let opening = _mm_set1_epi8(b'{' as i8);
            let closing = _mm_set1_epi8(b'}' as i8);
            // `[` and `{` differ only in bit 0x20, as `]` and `}` do.
            let fold = _mm_set1_epi8(0x20);
            for part in 0..4 {
                let bytes = _mm_loadu_si128(word.as_ptr().add(part * 16).cast::<__m128i>());
                let folded = _mm_or_si128(bytes, fold);
                let bits = |hits| u64::from(_mm_movemask_epi8(hits) as u16) << (part * 16);
                quote |= bits(_mm_cmpeq_epi8(bytes, quotes));
                backslash |= bits(_mm_cmpeq_epi8(bytes, backslashes));
                open |= bits(_mm_cmpeq_epi8(folded, opening));
                close |= bits(_mm_cmpeq_epi8(folded, closing));
            }
        }
        Self {
            quote,
            backslash,
            open,
            close,
        }
    }
}

/// The bytes a backslash escapes: the one after each backslash not itself escaped. Backslashes
/// are few, so they are visited one by one.
fn escaped(backslashes: u64, carried: &mut bool) -> u64 {
    let mut escaped = u64::from(*carried);
    *carried = false;
    let mut rest = backslashes;
    while rest != 0 {
        let i = rest.trailing_zeros();
        rest &= rest - 1;
        if escaped >> i & 1 == 1 {
            continue;
        }
        if i == 63 {
            *carried = true;
        } else {
            escaped |= 1 << (i + 1);
        }
    }
    escaped
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `bits`: set from an opening quote up to
/// the byte before its closing one.
fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

/// Brackets matched as they come: the outermost pairs, and how deep each nests.
#[derive(Default)]
struct Matcher {
    /// Opened and not closed yet: where, and how deep the deepest inside.
    open: Vec<(u32, u32)>,
    pairs: Vec<Pair>,
}

impl Matcher {
    /// The brackets set in `brackets` (those in `opens` open), bit `i` at `base + i`.
    fn take(&mut self, mut brackets: u64, opens: u64, base: u32) {
        while brackets != 0 {
            let i = brackets.trailing_zeros();
            brackets &= brackets - 1;
            let at = base + i;
            if opens >> i & 1 == 1 {
                self.open.push((at, 1));
            } else if let Some((start, deepest)) = self.open.pop() {
                match self.open.last_mut() {
                    Some(outer) => outer.1 = outer.1.max(deepest + 1),
                    None => self.pairs.push(Pair {
                        open: start,
                        close: at,
                        deepest,
                    }),
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Pair> {
        self.pairs.sort_unstable_by_key(|p| p.open);
        self.pairs
    }
}
