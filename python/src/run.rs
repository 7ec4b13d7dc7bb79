//! Threads, the GIL and Ctrl-C.
//!
//! Compiled code runs with the GIL released ([`detached`]), so Python
//! threads calling exprjit run on all cores at once. Long work is cut into
//! pieces whose results do not depend on the cut (map elements, recurrence
//! steps), and Python's signal handlers run between pieces, so Ctrl-C
//! raises `KeyboardInterrupt` within one piece's time.

use std::sync::atomic::{AtomicUsize, Ordering};

use exprjit::Parallel;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The module-wide default for `threads=` (0: one per core).
static DEFAULT_THREADS: AtomicUsize = AtomicUsize::new(0);

/// Map elements per piece between signal checks (≈1 ms of work for a
/// short formula; a multiple of exprjit's parallel chunk).
pub const MAP_PIECE: usize = 1 << 20;

/// Recurrence steps (times ensemble members) per piece.
pub const STEP_PIECE: usize = 1 << 21;

/// Below this many elements a call keeps the GIL: releasing and taking it
/// back costs more than the work (the GIL is held for microseconds).
pub const DETACH_MIN: usize = 1 << 14;

/// Calls now inside compiled code with the GIL released, and the most
/// seen at once since the last [`inside_peak`] call (the GIL-release test
/// reads it).
static INSIDE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most threads a call may ask for (a typo such as `threads=10**6`
/// is a `ValueError`, not a million threads).
pub const MAX_THREADS: usize = 1024;

/// Checks a `threads=` value.
pub fn check_threads(threads: Option<usize>) -> PyResult<()> {
    match threads {
        Some(n) if n > MAX_THREADS => Err(PyValueError::new_err(format!(
            "threads={n} is more than {MAX_THREADS}; use 0 or None for one per core"
        ))),
        _ => Ok(()),
    }
}

/// How a call with `threads` (None: the module default) runs in parallel.
pub fn parallel(threads: Option<usize>) -> Parallel {
    let n = threads.unwrap_or_else(|| DEFAULT_THREADS.load(Ordering::Relaxed));
    match n {
        1 => Parallel::serial(),
        n => Parallel {
            threads: n,
            ..Parallel::default()
        },
    }
}

/// The thread count a call with `threads` uses (0: one per core), as the
/// key of per-thread-count kernel caches.
pub fn thread_key(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| DEFAULT_THREADS.load(Ordering::Relaxed))
}

/// Runs `f` with the GIL released when `work` is large enough, then runs
/// Python's signal handlers (Ctrl-C becomes `KeyboardInterrupt`).
pub fn detached<T: Send>(py: Python<'_>, work: usize, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    if work < DETACH_MIN {
        return Ok(f());
    }
    let out = py.detach(|| {
        let now = INSIDE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = f();
        INSIDE.fetch_sub(1, Ordering::SeqCst);
        out
    });
    py.check_signals()?;
    Ok(out)
}

/// Sets the default number of threads exprjit's own kernels use (`threads=`
/// of a call overrides it); `0` or `None` means one per core. Returns the
/// previous setting. Results do not depend on it.
#[pyfunction]
#[pyo3(signature = (n=None))]
pub fn set_num_threads(n: Option<usize>) -> PyResult<usize> {
    check_threads(n)?;
    Ok(DEFAULT_THREADS.swap(n.unwrap_or(0), Ordering::Relaxed))
}

/// The default number of threads (0: one per core).
#[pyfunction]
pub fn get_num_threads() -> usize {
    DEFAULT_THREADS.load(Ordering::Relaxed)
}

/// For tests: the most calls seen inside compiled code at the same time
/// (GIL released) since the last call; resets the count.
#[pyfunction]
pub fn inside_peak() -> usize {
    PEAK.swap(INSIDE.load(Ordering::SeqCst), Ordering::SeqCst)
}
