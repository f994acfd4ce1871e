//! A criterion measurement of the CPU time of the whole process (every thread), for the benches
//! that run on this project's shared 2-core build machines: there, wall time says more about the
//! neighbours than about the code (a single-threaded pass gets a fraction of a core at a load of 12),
//! while the CPU clock counts only the work done. A pass that uses two threads counts both, so a CPU
//! figure is never flattering compared with wall time on a quiet machine.
//!
//! Included by the benches that offer it (`#[path = "support/process_cpu.rs"] mod process_cpu;`),
//! each behind its own environment variable (`SCALE_CPU=1`, `WHATIF_CPU=1`). Unix only.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use std::time::Duration;

/// The CPU time of the process, all threads: `clock_gettime` of the process's CPU clock.
pub struct ProcessCpu;

/// Whether the environment variable `name` asks for CPU time (set, and not `0`).
pub fn requested(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| v != "0")
}

#[cfg(unix)]
fn process_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant every Unix has.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(status, 0, "the process CPU clock cannot be read");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

#[cfg(not(unix))]
fn process_cpu() -> Duration {
    panic!("CPU-time benches need a Unix process CPU clock; measure wall time instead")
}

impl Measurement for ProcessCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        process_cpu()
    }
    fn end(&self, started: Duration) -> Duration {
        process_cpu().saturating_sub(started)
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
