//! Handing memory the process freed back to the system.

/// Gives the pages of freed memory back to the system now. The allocator keeps freed pages a
/// while for reuse; after a big story is read, that is the text and the workers' buffers, a
/// third of what the story takes, held for nothing. A no-op for other allocators.
pub fn give_back_freed() {
    // SAFETY: mi_collect has no preconditions; it only frees mimalloc's own unused pages.
    unsafe { libmimalloc_sys::mi_collect(true) };
}
