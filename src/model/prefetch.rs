//! Asking the processor for memory before it is read: the one place the crate does it.
//!
//! At 300,000 parties the model is far larger than the caches, and loading and checking a channel
//! spend much of their time waiting for a record nobody read lately (perf: interning a new id,
//! the first rule to read a link or a party). Code that can see what it will read a few steps
//! ahead (the next record's id, the link eight edges on) asks for it here and goes on with the
//! work at hand; the answer is the same either way, only sooner.

/// Starts fetching the cache line at `at` into every level of cache, without waiting for it.
#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)] // `_mm_prefetch` is safe to call in newer toolchains
pub fn line(at: *const u8) {
    // SAFETY: SSE is part of x86_64; a prefetch is a hint that reads nothing into the program and
    // cannot fault, whatever the address (callers pass addresses in or just past live values).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast::<i8>());
    }
}

/// No prefetch elsewhere: everything works the same, it only waits for memory.
#[cfg(not(target_arch = "x86_64"))]
pub fn line(_: *const u8) {}

/// Starts fetching the first two cache lines of `value`: what is read first of a link or a party
/// (its kind, ends, dates and ids).
pub fn first_lines<T>(value: &T) {
    let at = std::ptr::from_ref(value).cast::<u8>();
    line(at);
    line(at.wrapping_add(64));
}
