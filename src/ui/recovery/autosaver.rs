//! The recovery writer: a thread of its own that writes (or removes) the recovery file from snapshots
//! handed to it, the latest winning. Must not take snapshots or decide when: the keeper does.

use super::state_dir::Target;
use super::{BINARY_FROM, Snapshot};
use crate::progress::Progress;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What the writer thread is asked to do.
pub enum Task {
    /// Write the recovery file from this snapshot.
    Write(Target, Box<Snapshot>),
    /// Remove the recovery file (nothing is unsaved any more, or the user threw the work away).
    Remove(Target),
}

/// What the writer thread did.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    /// The recovery file now holds the snapshot.
    Written,
    /// The recovery file is gone.
    Removed,
    /// Writing failed; the previous file (if any) is as it was.
    Failed(String),
}

#[derive(Default)]
struct Slot {
    /// The next task; a newer one replaces it unstarted (the latest state wins).
    queued: Option<Task>,
    /// The write in progress (to cancel it), if any.
    running: Option<Progress>,
    /// True while a task runs.
    busy: bool,
    /// Finished tasks, for the window to read.
    done: Vec<Done>,
    /// The window is going: finish what is queued, then stop.
    closing: bool,
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    changed: Condvar,
}

/// The recovery file's writer: a thread of its own that serialises snapshots and writes them,
/// one at a time, without ever making the window wait (except at exit, see
/// [`Autosaver::flush`]).
pub struct Autosaver {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
    ctx: Option<egui::Context>,
    /// From how many entries a scenario is kept as `.cspx` (see [`BINARY_FROM`]).
    pub binary_from: usize,
}

impl Default for Autosaver {
    fn default() -> Self {
        Autosaver {
            shared: Arc::default(),
            thread: None,
            ctx: None,
            binary_from: BINARY_FROM,
        }
    }
}

impl Autosaver {
    /// A writer that asks `ctx` for a frame when it has finished something.
    pub fn new(ctx: egui::Context) -> Self {
        Autosaver {
            shared: Arc::default(),
            thread: None,
            ctx: Some(ctx),
            binary_from: BINARY_FROM,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.shared
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Hands the writer a task; one still waiting is replaced (its snapshot is out of date).
    pub fn submit(&mut self, task: Task) {
        if self.thread.is_none() {
            let shared = Arc::clone(&self.shared);
            let ctx = self.ctx.clone();
            let binary_from = self.binary_from;
            match std::thread::Builder::new()
                .name("csp-explorer recovery".into())
                .spawn(move || writer(&shared, ctx.as_ref(), binary_from))
            {
                Ok(handle) => self.thread = Some(handle),
                Err(e) => {
                    self.lock().done.push(Done::Failed(format!(
                        "no writer thread could be started: {e}"
                    )));
                    return;
                }
            }
        }
        self.lock().queued = Some(task);
        self.shared.changed.notify_all();
    }

    /// What the writer finished since the last call, oldest first.
    pub fn finished(&mut self) -> Vec<Done> {
        std::mem::take(&mut self.lock().done)
    }

    /// True while a task runs or waits.
    pub fn is_busy(&self) -> bool {
        let slot = self.lock();
        slot.busy || slot.queued.is_some()
    }

    /// Gives the scenario back to the window before an edit: a write still waiting is dropped and
    /// the one running is cancelled (both are out of date once the edit is made), and this waits
    /// (at most `patience`) until the writer has let go of its snapshot, so that the edit need not
    /// copy the scenario. A removal is never dropped. True when the writer holds no snapshot now.
    pub fn let_go(&mut self, patience: Duration) -> bool {
        let mut slot = self.lock();
        if matches!(slot.queued, Some(Task::Write(..))) {
            slot.queued = None;
        }
        if let Some(progress) = &slot.running {
            progress.cancel();
        }
        let deadline = std::time::Instant::now() + patience;
        while slot.running.is_some() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            slot = self
                .shared
                .changed
                .wait_timeout(slot, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Waits until everything handed to the writer is done (at exit, or where a test needs the file
    /// now).
    pub fn flush(&mut self) {
        let mut slot = self.lock();
        while slot.busy || slot.queued.is_some() {
            slot = self
                .shared
                .changed
                .wait(slot)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

impl Drop for Autosaver {
    /// The window is going: what was handed to the writer is still written (or removed), then the
    /// thread ends.
    fn drop(&mut self) {
        self.lock().closing = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            log::error!("the recovery writer stopped on an internal error");
        }
    }
}

/// The writer thread's loop.
fn writer(shared: &Shared, ctx: Option<&egui::Context>, binary_from: usize) {
    let lock = || {
        shared
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    loop {
        let mut slot = lock();
        while slot.queued.is_none() && !slot.closing {
            slot = shared
                .changed
                .wait(slot)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let Some(task) = slot.queued.take() else {
            return;
        };
        let progress = Progress::default();
        slot.running = matches!(task, Task::Write(..)).then(|| progress.clone());
        slot.busy = true;
        drop(slot);
        let started = std::time::Instant::now();
        let done = match task {
            Task::Write(target, snapshot) => {
                // The snapshot (and with it the shared scenario) is gone when this returns.
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    target.write(*snapshot, binary_from, &progress)
                })) {
                    Ok(Ok(())) => Some(Done::Written),
                    Ok(Err(_)) if progress.is_cancelled() => None,
                    Ok(Err(e)) => Some(Done::Failed(e.to_string())),
                    Err(_) => Some(Done::Failed("an internal error".to_owned())),
                }
            }
            Task::Remove(target) => {
                target.remove();
                Some(Done::Removed)
            }
        };
        log::info!(
            "recovery file: {done:?} after {:.1} s",
            started.elapsed().as_secs_f32()
        );
        let mut slot = lock();
        slot.running = None;
        slot.busy = false;
        slot.done.extend(done);
        drop(slot);
        shared.changed.notify_all();
        if let Some(ctx) = ctx {
            ctx.request_repaint();
        }
    }
}
