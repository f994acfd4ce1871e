//! The texts behind party and link ids ([`super::ids`]): each distinct text is stored once for the
//! life of the process and named by a pointer, so an id is 8 bytes, `Copy`, and equal to another
//! exactly when the pointers are.
//!
//! This replaces the `ustr` crate, which did the same, for what a 300,000-party load showed (perf,
//! `check` of c300k: interning its 1.3 million ids was about a tenth of the whole command):
//! - **Sized before a load.** A `.cspx` header says how many parties and links follow, so the
//!   loader makes room for their ids first ([`reserve`]); ustr's 64 tables doubled step by step as
//!   the ids came in, each doubling reading every entry's hash through its pointer again.
//! - **A slot holds the text's hash beside its pointer**, so probing past another text compares
//!   hashes in the table and reads the other text only when they are equal (at this size every
//!   read of a text is a cache miss), and growing never reads a text.
//! - **An entry is a 4-byte length and the bytes** (ustr: an 8-byte hash, an 8-byte length, a NUL
//!   and padding to 8 bytes): about 20 MB less at 300,000 parties.
//! - **No fixed cost at start**: ustr allocated its 64 tables (8 MB) at the first id, 6-8 ms of
//!   every command on a 10,000-party channel.
//!
//! The hash is foldhash's, seeded per process like the model's maps, so a file cannot choose ids
//! that collide. The table is split in shards by the hash's top bits, each behind its own lock,
//! so threads loading or editing at once rarely wait for each other.
//!
//! Nothing is ever freed: see [`super::ids`] for why that is bounded.

use std::hash::BuildHasher;
use std::ptr::NonNull;
use std::sync::{LazyLock, Mutex, PoisonError};

/// An interned text: a pointer to its entry (a 4-byte length, or `u32::MAX` and an 8-byte one,
/// then the UTF-8 bytes), which is never written again or freed.
#[derive(Clone, Copy)]
pub(super) struct Text(NonNull<u8>);

// SAFETY: an entry is written once, under its shard's lock, before any `Text` naming it exists,
// and never changed or freed afterwards: sharing the pointer between threads shares immutable
// bytes.
unsafe impl Send for Text {}
// SAFETY: as for `Send`.
unsafe impl Sync for Text {}

impl Text {
    /// The text with this content, stored now if it is new.
    pub fn of(text: &str) -> Text {
        let hash = SEED.hash_one(text);
        let shard = &SHARDS[(hash >> (64 - SHARD_BITS)) as usize];
        shard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .intern(text, hash)
    }

    /// The text.
    pub fn as_str(self) -> &'static str {
        let at = self.0.as_ptr();
        // SAFETY: `self` names an entry `Shard::store` wrote whole (length then bytes, copied from
        // a `str`) and that is never freed or written again.
        unsafe {
            let short = at.cast::<u32>().read();
            let (len, bytes) = if short == u32::MAX {
                (
                    at.add(4).cast::<u64>().read_unaligned() as usize,
                    at.add(12),
                )
            } else {
                (short as usize, at.add(4))
            };
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(bytes, len))
        }
    }
}

/// The same text: interned, equal texts are one entry.
impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Text {}

/// Text order (as `str` orders), not the order the texts were stored in.
impl Ord for Text {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Makes room for `more` new texts, spread over the shards, so that storing them grows no table
/// (a loader calls it with the counts a file's header gives, before reading its records).
pub fn reserve(more: usize) {
    // An eighth more than an even share: the hash spreads texts evenly, not exactly.
    let share = more / SHARDS.len() + more / SHARDS.len() / 8 + 1;
    for shard in &SHARDS {
        let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        let wanted = shard.len + share;
        shard.grow_to(wanted);
        // Ids are short: a chunk for the share at about 24 bytes each (an id of a generated
        // channel is 10-20 characters), at most 16 MB at a time.
        shard.next_chunk = shard.next_chunk.max((share * 24).min(MAX_CHUNK));
    }
}

/// Asks the processor to fetch the table slot `text` is looked up at first, without waiting for
/// it. A loader that can see the next record's id calls it before it handles the record at hand,
/// so that interning that id (a new text: a slot nobody read lately) no longer waits for memory:
/// at 300,000 parties, 91% of [`Text::of`]'s time was that first probe (perf annotate), 8-9% of
/// `check`. A shard another thread holds is not waited for; the text is not stored.
pub fn prefetch(text: &str) {
    let hash = SEED.hash_one(text);
    let Ok(shard) = SHARDS[(hash >> (64 - SHARD_BITS)) as usize].try_lock() else {
        return;
    };
    let mask = shard.slots.len().wrapping_sub(1);
    if let Some(slot) = shard.slots.get(hash as usize & mask) {
        super::prefetch::line(std::ptr::from_ref(slot).cast());
    }
}

/// The shards: `1 << SHARD_BITS` of them, chosen by the hash's top bits.
const SHARD_BITS: u32 = 4;

static SHARDS: [Mutex<Shard>; 1 << SHARD_BITS] =
    [const { Mutex::new(Shard::EMPTY) }; 1 << SHARD_BITS];

/// The hash of the texts, seeded once per process.
static SEED: LazyLock<foldhash::fast::RandomState> = LazyLock::new(Default::default);

/// The first chunk of a shard's entries, and the largest one made by doubling.
const FIRST_CHUNK: usize = 4 << 10;
const MAX_CHUNK: usize = 16 << 20;

/// One slot of a shard's table: empty, or an entry and its text's hash.
#[derive(Clone, Copy)]
struct Slot {
    hash: u64,
    entry: Option<Text>,
}

const EMPTY_SLOT: Slot = Slot {
    hash: 0,
    entry: None,
};

/// A part of the table (open addressing, linear probing, at most three quarters full) and the
/// memory its entries are written to.
struct Shard {
    slots: Vec<Slot>,
    len: usize,
    /// Where the next entry goes in the current chunk, and how many bytes are left after it.
    free: *mut u8,
    left: usize,
    /// The size of the next chunk.
    next_chunk: usize,
}

// SAFETY: `free` points into memory the shard alone writes (under its lock); it is never read
// through any other path than `Text`s of entries already written.
unsafe impl Send for Shard {}

impl Shard {
    const EMPTY: Shard = Shard {
        slots: Vec::new(),
        len: 0,
        free: std::ptr::null_mut(),
        left: 0,
        next_chunk: FIRST_CHUNK,
    };

    fn intern(&mut self, text: &str, hash: u64) -> Text {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow_to(self.len + 1);
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            match slot.entry {
                None => break,
                Some(entry) if slot.hash == hash && entry.as_str() == text => return entry,
                Some(_) => at = (at + 1) & mask,
            }
        }
        let entry = self.store(text);
        self.slots[at] = Slot {
            hash,
            entry: Some(entry),
        };
        self.len += 1;
        entry
    }

    /// Makes the table large enough for `wanted` texts at most three quarters full.
    fn grow_to(&mut self, wanted: usize) {
        let size = (wanted.saturating_mul(4) / 3 + 1)
            .next_power_of_two()
            .max(64);
        if size <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.entry.is_some()) {
            let mut at = slot.hash as usize & mask;
            while self.slots[at].entry.is_some() {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }

    /// Writes a new entry for `text` and names it.
    fn store(&mut self, text: &str) -> Text {
        let len = text.len();
        let head = if len < u32::MAX as usize { 4 } else { 12 };
        // Entries start 4-aligned (their length is read as a `u32`).
        let size = (head + len).next_multiple_of(4);
        if size > self.left {
            let chunk = self.next_chunk.max(size);
            self.next_chunk = (self.next_chunk * 2).min(MAX_CHUNK);
            // Memory of `u32`s for the alignment, never freed: entries live as long as the
            // process.
            let mut memory = Vec::<u32>::with_capacity(chunk / 4);
            self.free = memory.as_mut_ptr().cast::<u8>();
            self.left = memory.capacity() * 4;
            std::mem::forget(memory);
        }
        // SAFETY: `free` has `left >= size` bytes of this shard's own memory, 4-aligned (chunks
        // are, and every entry takes a multiple of 4); the length written first and the bytes
        // after it are what `Text::as_str` reads.
        unsafe {
            let at = self.free;
            if head == 4 {
                at.cast::<u32>().write(len as u32);
            } else {
                at.cast::<u32>().write(u32::MAX);
                at.add(4).cast::<u64>().write_unaligned(len as u64);
            }
            std::ptr::copy_nonoverlapping(text.as_ptr(), at.add(head), len);
            self.free = at.add(size);
            self.left -= size;
            Text(NonNull::new_unchecked(at))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prefetch stores nothing, and interning the text afterwards stores it as ever.
    #[test]
    fn a_prefetched_text_is_not_stored() {
        let text = "prefetched-but-never-interned-before-this-line";
        let hash = SEED.hash_one(text);
        let held = || {
            SHARDS[(hash >> (64 - SHARD_BITS)) as usize]
                .lock()
                .unwrap()
                .slots
                .iter()
                .any(|slot| slot.entry.is_some_and(|entry| entry.as_str() == text))
        };
        prefetch(text);
        assert!(!held(), "a prefetch stores nothing");
        let first = Text::of(text);
        assert!(held());
        assert_eq!(first.as_str(), text);
        prefetch(text);
        assert!(Text::of(text) == first);
    }

    #[test]
    fn equal_texts_are_one_entry_and_read_back_whole() {
        let texts: Vec<String> = (0..20_000).map(|n| format!("texts-test-{n}")).collect();
        let first: Vec<Text> = texts.iter().map(|t| Text::of(t)).collect();
        reserve(50_000);
        let again: Vec<Text> = texts.iter().map(|t| Text::of(t)).collect();
        assert!(first == again, "the same texts after the table grew");
        for (text, id) in texts.iter().zip(&first) {
            assert_eq!(id.as_str(), text);
        }
        assert!(Text::of("texts-test-1") != Text::of("texts-test-2"));
        // Empty, non-ASCII and longer than any chunk so far.
        let long = "é".repeat(3 << 20);
        for text in ["", "Café-ü", long.as_str()] {
            assert_eq!(Text::of(text).as_str(), text);
            // The same text from another allocation.
            let copy: String = text.chars().collect();
            assert!(Text::of(text) == Text::of(&copy));
        }
    }

    #[test]
    fn texts_order_as_str_does() {
        let mut texts: Vec<Text> = ["b", "a", "ab", "", "B"].map(Text::of).to_vec();
        texts.sort();
        let sorted: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
        assert_eq!(sorted, ["", "B", "a", "ab", "b"]);
    }

    #[test]
    fn threads_interning_the_same_texts_get_the_same_entries() {
        let each: Vec<Vec<Text>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..5_000)
                            .map(|n| Text::of(&format!("texts-threads-{n}")))
                            .collect::<Vec<Text>>()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert!(each.iter().all(|texts| *texts == each[0]));
        assert_eq!(each[0][4_321].as_str(), "texts-threads-4321");
    }
}
