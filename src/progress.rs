//! How long work reports how far it has got, and learns that it should stop.
//!
//! Opening, importing, exporting and comparing a large channel can take seconds; the app runs them on
//! a worker thread (see `ui::jobs`) and draws a progress bar with a Cancel button. The work itself
//! knows nothing of threads or windows: it receives a [`Progress`], calls [`Progress::set`] now and
//! then and stops early when [`Progress::is_cancelled`]. The command line passes [`Progress::none`].
//!
//! A long task made of steps hands each step a [`Progress::part`], a slice of its own range, so every
//! step reports from 0 to 1 and the bar still moves forward once across the whole task.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct Shared {
    /// The fraction done, as `f32` bits.
    done: AtomicU32,
    cancelled: AtomicBool,
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

    /// Asks the work to stop; it does at its next check.
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the work was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.shared.cancelled.load(Ordering::Relaxed)
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
        whole.cancel();
        assert!(half_of_check.is_cancelled(), "every part sees the cancel");
    }
}
