//! Criterion measurements of CPU time, for the benches that run on this project's shared 2-core
//! build machines: there, wall time says more about the neighbours than about the code (a
//! single-threaded pass gets a fraction of a core at a load of 12), while a CPU clock counts only
//! the work done.
//!
//! - [`ProcessCpu`]: every thread of the process. A pass that uses two threads counts both, so a
//!   CPU figure is never flattering compared with wall time on a quiet machine.
//! - [`ThreadCpu`]: the calling thread only. `ui_frame` runs the window's frames on the bench's
//!   thread, and work the window hands to other threads (a fork's copy) is not what a user waits
//!   for.
//!
//! Included by the benches that offer them (`#[path = "support/process_cpu.rs"] mod process_cpu;`),
//! each behind its own environment variable (`SCALE_CPU=1`, `WHATIF_CPU=1`, `UI_CPU=1`). Unix only.

// Each bench uses the one clock it needs.
#![allow(dead_code)]

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use std::time::Duration;

/// The CPU time of the process, all threads: `clock_gettime` of the process's CPU clock.
pub struct ProcessCpu;

/// The CPU time of the calling thread: `clock_gettime` of the thread's CPU clock.
pub struct ThreadCpu;

/// Whether the environment variable `name` asks for CPU time (set, and not `0`).
pub fn requested(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| v != "0")
}

/// The process's CPU time so far.
pub fn process_cpu() -> Duration {
    #[cfg(unix)]
    return cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID);
    #[cfg(not(unix))]
    panic!("CPU-time benches need a Unix CPU clock; measure wall time instead")
}

/// The calling thread's CPU time so far.
pub fn thread_cpu() -> Duration {
    #[cfg(unix)]
    return cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID);
    #[cfg(not(unix))]
    panic!("CPU-time benches need a Unix CPU clock; measure wall time instead")
}

#[cfg(unix)]
fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock ids are constants every Unix has.
    let status = unsafe { libc::clock_gettime(clock, &mut t) };
    assert_eq!(status, 0, "the CPU clock {clock} cannot be read");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// A criterion measurement read from one of the clocks above, printed as wall time is.
macro_rules! cpu_measurement {
    ($measurement:ident, $clock:ident) => {
        impl Measurement for $measurement {
            type Intermediate = Duration;
            type Value = Duration;

            fn start(&self) -> Duration {
                $clock()
            }
            fn end(&self, started: Duration) -> Duration {
                $clock().saturating_sub(started)
            }
            fn add(&self, a: &Duration, b: &Duration) -> Duration {
                *a + *b
            }
            fn zero(&self) -> Duration {
                Duration::ZERO
            }
            fn to_f64(&self, value: &Duration) -> f64 {
                value.as_nanos() as f64
            }
            /// Nanoseconds, printed as wall time is.
            fn formatter(&self) -> &dyn ValueFormatter {
                WallTime.formatter()
            }
        }
    };
}

cpu_measurement!(ProcessCpu, process_cpu);
cpu_measurement!(ThreadCpu, thread_cpu);
