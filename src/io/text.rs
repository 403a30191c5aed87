//! A file's text while it is read, let go of as it is read.
//!
//! A big story's text is read into pages of its own (an anonymous mapping, not the heap), so
//! that the pages the feature readers have passed go back to the system while the rest is still
//! being read: a million-feature story then holds its columns and the part of its text not yet
//! read, not both whole (the text alone is twice what its columns take).

use std::marker::PhantomData;
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};

/// UTF-8's byte-order mark, which a file may start with (and which is no part of its text).
pub const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// The byte-order mark as a character, as it stands at the start of a decoded text.
pub const BYTE_ORDER_MARK_CHAR: char = '\u{feff}';

/// `bytes` without a leading byte-order mark.
pub fn without_byte_order_mark(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes)
}

/// Texts smaller than this stay on the heap: handing back their pages gains nothing.
pub const MAPPED_FROM_BYTES: u64 = 16 * 1024 * 1024;

/// A file's bytes, and the file they came from when they may be read again from it.
pub struct FileText {
    bytes: Bytes,
}

enum Bytes {
    Heap(Vec<u8>),
    /// `len` bytes at the start of `map`; `path` is where they came from.
    Mapped {
        map: memmap2::MmapMut,
        len: usize,
        path: PathBuf,
    },
}

impl FileText {
    /// Room for `capacity` bytes of the file at `path`, in pages of its own; `None` when the
    /// system has no mapping to give (the caller reads into the heap instead).
    pub(crate) fn mapped(capacity: usize, path: &Path) -> Option<Self> {
        let map = memmap2::MmapMut::map_anon(capacity.max(1)).ok()?;
        Some(Self {
            bytes: Bytes::Mapped {
                map,
                len: 0,
                path: path.to_owned(),
            },
        })
    }

    /// The room after the bytes so far, to read more into; empty once full.
    pub(crate) fn spare(&mut self) -> &mut [u8] {
        match &mut self.bytes {
            Bytes::Heap(_) => &mut [],
            Bytes::Mapped { map, len, .. } => &mut map[*len..],
        }
    }

    /// Counts `count` more bytes written into [`Self::spare`].
    pub(crate) fn grow(&mut self, count: usize) {
        if let Bytes::Mapped { map, len, .. } = &mut self.bytes {
            *len = (*len + count).min(map.len());
        }
    }

    /// The file these bytes were read from, when reading them may have let go of some.
    pub(crate) fn reread_from(&self) -> Option<&Path> {
        match &self.bytes {
            Bytes::Heap(_) => None,
            Bytes::Mapped { path, .. } => Some(path),
        }
    }

    /// The text for readers that let go of the pages they have passed (only mapped text is let
    /// go of). What [`PassingText`] lends must not be used after it lent it.
    pub(crate) fn passing(&mut self) -> PassingText<'_> {
        let releasable = matches!(self.bytes, Bytes::Mapped { .. });
        let bytes: &mut [u8] = match &mut self.bytes {
            Bytes::Heap(vec) => vec,
            Bytes::Mapped { map, len, .. } => &mut map[..*len],
        };
        PassingText {
            base: bytes.as_mut_ptr(),
            len: bytes.len(),
            releasable,
            _text: PhantomData,
        }
    }
}

impl<'a> PassingText<'a> {
    /// Bytes only read, never let go of.
    pub fn borrowed(bytes: &'a [u8]) -> Self {
        Self {
            base: bytes.as_ptr(),
            len: bytes.len(),
            releasable: false,
            _text: PhantomData,
        }
    }
}

impl From<Vec<u8>> for FileText {
    fn from(bytes: Vec<u8>) -> Self {
        Self {
            bytes: Bytes::Heap(bytes),
        }
    }
}

impl Deref for FileText {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Heap(vec) => vec,
            Bytes::Mapped { map, len, .. } => &map[..*len],
        }
    }
}

impl std::fmt::Debug for FileText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileText({} bytes)", self.len())
    }
}

/// A text shared by readers on several threads, each of which hands back the pages it has
/// read past. It holds the text's bytes exclusively for as long as it lives.
#[derive(Clone, Copy)]
pub(crate) struct PassingText<'a> {
    base: *const u8,
    len: usize,
    releasable: bool,
    _text: PhantomData<&'a [u8]>,
}

// SAFETY: it is a borrow of bytes, shared between threads only to be read; the pages handed back
// are ones no thread reads again (the contract of `release`).
unsafe impl Send for PassingText<'_> {}
unsafe impl Sync for PassingText<'_> {}

impl<'a> PassingText<'a> {
    pub fn len(&self) -> usize {
        self.len
    }

    /// The text after its first `count` bytes (a byte-order mark).
    pub fn skip(self, count: usize) -> Self {
        let count = count.min(self.len);
        Self {
            // SAFETY: within the text.
            base: unsafe { self.base.add(count) },
            len: self.len - count,
            ..self
        }
    }

    /// The bytes at `range` (clamped to the text).
    ///
    /// # Safety
    /// No part of `range` may have been [`Self::release`]d, and the slice must not be used
    /// once any part of it is.
    pub unsafe fn get(&self, range: Range<usize>) -> &'a [u8] {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        // SAFETY: within the text, which lives for 'a; not released (the caller's promise).
        unsafe { std::slice::from_raw_parts(self.base.add(start), end - start) }
    }

    /// Hands back to the system the whole pages within `range`: reading them again would give
    /// zeros, not the text.
    ///
    /// # Safety
    /// Nothing lent by [`Self::get`] that overlaps `range` is still in use or asked for again.
    pub unsafe fn release(&self, range: Range<usize>) {
        if !self.releasable {
            return;
        }
        release_pages(self.base.cast_mut(), range.start, range.end.min(self.len));
    }
}

#[cfg(unix)]
fn release_pages(base: *mut u8, start: usize, end: usize) {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let page = usize::try_from(page).unwrap_or(0).max(1);
    // Only pages wholly inside go.
    let address = base as usize;
    let first = (address + start).div_ceil(page) * page - address;
    let last = (address + end) / page * page - address;
    if last > first {
        // SAFETY: the pages lie within the mapping; MADV_DONTNEED on private anonymous pages
        // only makes them read back as zeros, which nobody does (the caller's promise).
        unsafe {
            libc::madvise(base.add(first).cast(), last - first, libc::MADV_DONTNEED);
        }
    }
}

#[cfg(not(unix))]
fn release_pages(_base: *mut u8, _start: usize, _end: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn released_pages_leave_the_rest_of_the_text_as_it_was() {
        let size = 1 << 20;
        let mut text = FileText::mapped(size, Path::new("x")).unwrap();
        let pattern: Vec<u8> = (0..size).map(|i| (i % 251) as u8 + 1).collect();
        text.spare().copy_from_slice(&pattern);
        text.grow(size);
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap();
        let passing = text.passing();
        // An unaligned range: the partial pages at either end stay.
        unsafe { passing.release(1000..600_000) };
        let all = unsafe { passing.get(0..size) };
        assert_eq!(all[..page], pattern[..page]);
        let released = page..(600_000 / page) * page;
        assert!(all[released.clone()].iter().all(|&b| b == 0));
        assert_eq!(all[released.end..], pattern[released.end..]);
    }

    #[test]
    fn heap_text_is_never_let_go_of() {
        let mut text = FileText::from(vec![7u8; 100_000]);
        let passing = text.passing();
        unsafe { passing.release(0..100_000) };
        assert!(unsafe { passing.get(0..100_000) }.iter().all(|&b| b == 7));
    }
}
