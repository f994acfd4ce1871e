//! How long work reports how far it has got, and learns that it should stop.
//!
//! Opening, importing, exporting and comparing a large channel can take seconds; the app runs them on
//! a worker thread (see `ui::jobs`) and draws a progress bar with a Cancel button. The work itself
//! knows nothing of threads or windows: it receives a [`Progress`], calls [`Progress::set`] now and
//! then and stops early when [`Progress::is_cancelled`]. The command line passes [`Progress::none`].
//!
//! A long task made of steps hands each step a [`Progress::part`], a slice of its own range, so every
//! step reports from 0 to 1 and the bar still moves forward once across the whole task.

use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// The work runs and may be cancelled.
const OPEN: u8 = 0;
/// The work was asked to stop.
const CANCELLED: u8 = 1;
/// The work passed the point where stopping would leave things half done (a save renaming its
/// file into place): a cancel is refused from then on.
const COMMITTED: u8 = 2;

#[derive(Debug, Default)]
struct Shared {
    /// The fraction done, as `f32` bits.
    done: AtomicU32,
    /// [`OPEN`], [`CANCELLED`] or [`COMMITTED`].
    state: AtomicU8,
    /// What is being done now ("Reading the file", "Checking the rules").
    stage: Mutex<String>,
}

/// A handle shared by the work and whoever watches it. Cloning it shares the same state.
#[derive(Clone, Debug)]
pub struct Progress {
    shared: Arc<Shared>,
    /// This handle's slice of the whole: `set(f)` stores `start + f * span`.
    start: f32,
    span: f32,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            shared: Arc::default(),
            start: 0.0,
            span: 1.0,
        }
    }
}

impl Progress {
    /// A progress nobody watches and nobody cancels (the command line).
    pub fn none() -> Self {
        Progress::default()
    }

    /// A handle for one step of the work, from `from` to `to` of this handle's range, with a stage
    /// name shown while it runs.
    pub fn part(&self, from: f32, to: f32, stage: &str) -> Progress {
        let part = Progress {
            shared: Arc::clone(&self.shared),
            start: self.start + from * self.span,
            span: (to - from) * self.span,
        };
        if let Ok(mut s) = part.shared.stage.lock() {
            stage.clone_into(&mut s);
        }
        part.set(0.0);
        part
    }

    /// Reports that `fraction` (0 to 1) of this handle's step is done. The bar never moves back.
    pub fn set(&self, fraction: f32) {
        let value = self.start + fraction.clamp(0.0, 1.0) * self.span;
        let _ = self
            .shared
            .done
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                (value > f32::from_bits(old)).then_some(value.to_bits())
            });
    }

    /// The fraction of the whole work done so far, 0 to 1.
    pub fn fraction(&self) -> f32 {
        f32::from_bits(self.shared.done.load(Ordering::Relaxed))
    }

    /// The stage the work is in.
    pub fn stage(&self) -> String {
        self.shared
            .stage
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Asks the work to stop; it does at its next check. Returns false, changing nothing, when
    /// the work has already [committed](Progress::commit) to finishing.
    pub fn cancel(&self) -> bool {
        match self.shared.state.compare_exchange(
            OPEN,
            CANCELLED,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => true,
            Err(now) => now == CANCELLED,
        }
    }

    /// Whether the work was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.shared.state.load(Ordering::Acquire) == CANCELLED
    }

    /// Whether a cancel would still be heard (the work has not committed).
    pub fn can_cancel(&self) -> bool {
        self.shared.state.load(Ordering::Acquire) == OPEN
    }

    /// The work's point of no return: from here a cancel is refused, so that whoever watches never
    /// drops the result of work that went on to change something (an atomic save cancelled before
    /// this leaves the old file untouched; after it, the new file is in place and the save must be
    /// reported). Returns false when the work was cancelled first: it must stop now.
    pub fn commit(&self) -> bool {
        match self.shared.state.compare_exchange(
            OPEN,
            COMMITTED,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => true,
            Err(now) => now == COMMITTED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_fill_their_slice_of_the_bar_and_never_move_it_back() {
        let whole = Progress::default();
        let read = whole.part(0.0, 0.5, "Reading");
        read.set(0.5);
        assert_eq!(whole.fraction(), 0.25);
        assert_eq!(whole.stage(), "Reading");
        let check = whole.part(0.5, 1.0, "Checking");
        let half_of_check = check.part(0.5, 1.0, "Checking the rest");
        half_of_check.set(0.0);
        assert_eq!(whole.fraction(), 0.75);
        read.set(1.0);
        assert_eq!(
            whole.fraction(),
            0.75,
            "an earlier step does not pull it back"
        );
        half_of_check.set(2.0);
        assert_eq!(whole.fraction(), 1.0, "clamped");
        assert!(!check.is_cancelled());
        assert!(whole.cancel());
        assert!(half_of_check.is_cancelled(), "every part sees the cancel");
        assert!(!half_of_check.commit(), "cancelled work cannot commit");
    }

    #[test]
    fn committed_work_refuses_a_cancel() {
        let whole = Progress::default();
        let step = whole.part(0.0, 1.0, "Writing");
        assert!(whole.can_cancel());
        assert!(step.commit());
        assert!(!whole.can_cancel());
        assert!(!whole.cancel(), "too late to cancel");
        assert!(!step.is_cancelled());
        assert!(step.commit(), "committing twice is fine");
    }
}
