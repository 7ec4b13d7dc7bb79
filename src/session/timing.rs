//! `%timeit`-style measurement: the repeat count is chosen from a first
//! call, several batches are timed, and best and median per call reported.
//! [`measure`] is the one routine every timing command goes through: the
//! JIT on the whole work, the interpreter on a part of it scaled up, Ctrl-C
//! checked between batches.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::{Error, ErrorKind, Result};

/// The interpreter is timed on at most this many elements or steps; its
/// time is scaled to the whole work.
pub(super) const INTERPRETED: usize = 100_000;

/// How long one timed batch should take at least.
const BATCH: Duration = Duration::from_millis(4);
/// Batches per measurement (as `%timeit -r 7`).
const BATCHES: usize = 7;

/// The result of timing one operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Fastest batch, per call, in seconds.
    pub best: f64,
    /// Median batch, per call, in seconds.
    pub median: f64,
    /// Batches timed.
    pub runs: usize,
    /// Calls per batch.
    pub loops: usize,
}

/// Times `f`. At most `budget` is spent after the first call (a slow
/// operation gets fewer batches). Returns `None` if `interrupt` is set
/// meanwhile (the flag is cleared).
pub fn time_it(
    mut f: impl FnMut(),
    budget: Duration,
    interrupt: &Arc<AtomicBool>,
) -> Option<Timing> {
    let t = Instant::now();
    f();
    let first = t.elapsed().max(Duration::from_nanos(1));
    let loops = (BATCH.as_secs_f64() / first.as_secs_f64()).ceil().max(1.0) as usize;
    let batch = first.as_secs_f64() * loops as f64;
    let runs = ((budget.as_secs_f64() / batch) as usize).clamp(1, BATCHES);
    let mut per_call = Vec::with_capacity(runs);
    for _ in 0..runs {
        if interrupt.swap(false, Ordering::SeqCst) {
            return None;
        }
        let t = Instant::now();
        for _ in 0..loops {
            f();
        }
        per_call.push(t.elapsed().as_secs_f64() / loops as f64);
    }
    per_call.sort_by(f64::total_cmp);
    Some(Timing {
        best: per_call[0],
        median: per_call[per_call.len() / 2],
        runs,
        loops,
    })
}

/// JIT and interpreter timings of one piece of work.
#[derive(Debug, Clone, Copy)]
pub(super) struct Measured {
    /// The compiled code on the whole work.
    pub jit: Timing,
    /// The interpreter, scaled to the whole work (`None` when not timed).
    pub interpreter: Option<Timing>,
    /// Units (elements, steps) the interpreter ran on.
    pub interpreted: usize,
}

impl Measured {
    /// Median speed-up of the JIT over the interpreter.
    pub fn speedup(&self) -> Option<f64> {
        self.interpreter.map(|i| i.median / self.jit.median)
    }
}

/// Times `jit` (the whole work, `whole` units) and, when `part` is given,
/// `interp` (the same work on `part` units), scaling the interpreter's
/// times by `whole / part`. An interrupt (Ctrl-C) between batches is the
/// error `interrupted`.
pub(super) fn measure(
    budget: Duration,
    interrupt: &Arc<AtomicBool>,
    whole: usize,
    jit: impl FnMut(),
    part: Option<usize>,
    interp: impl FnMut(),
) -> Result<Measured> {
    let interrupted = || Error::new(ErrorKind::Limit, "interrupted");
    let jit = time_it(jit, budget, interrupt).ok_or_else(interrupted)?;
    let interpreter = match part {
        Some(part) => {
            let t = time_it(interp, budget, interrupt).ok_or_else(interrupted)?;
            let k = whole as f64 / part.max(1) as f64;
            Some(Timing {
                best: t.best * k,
                median: t.median * k,
                ..t
            })
        }
        None => None,
    };
    Ok(Measured {
        jit,
        interpreter,
        interpreted: part.unwrap_or(0),
    })
}

/// A duration in seconds as text with a fitting unit: `15.2 µs`.
pub fn human(seconds: f64) -> String {
    let (v, unit) = if seconds < 1e-6 {
        (seconds * 1e9, "ns")
    } else if seconds < 1e-3 {
        (seconds * 1e6, "µs")
    } else if seconds < 1.0 {
        (seconds * 1e3, "ms")
    } else {
        (seconds, "s")
    };
    if v < 10.0 {
        format!("{v:.2} {unit}")
    } else if v < 100.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.0} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(human(1.5e-8), "15.0 ns");
        assert_eq!(human(2.5e-6), "2.50 µs");
        assert_eq!(human(0.25), "250 ms");
        assert_eq!(human(3.0), "3.00 s");
    }

    #[test]
    fn times_and_stops_on_interrupt() {
        let flag = Arc::new(AtomicBool::new(false));
        let t = time_it(
            || std::thread::sleep(Duration::from_micros(50)),
            Duration::from_millis(50),
            &flag,
        )
        .unwrap();
        assert!(t.best >= 50e-6 && t.median >= t.best, "{t:?}");
        assert!(t.runs >= 1 && t.loops >= 1);
        flag.store(true, Ordering::SeqCst);
        assert!(time_it(|| (), Duration::from_millis(10), &flag).is_none());
        assert!(!flag.load(Ordering::SeqCst), "the flag is cleared");
    }

    #[test]
    fn measure_scales_the_interpreter_and_reports_interrupts() {
        let flag = Arc::new(AtomicBool::new(false));
        let budget = Duration::from_millis(5);
        let sleep = || std::thread::sleep(Duration::from_micros(200));
        let m = measure(budget, &flag, 10, sleep, Some(1), sleep).unwrap();
        let (jit, interp) = (m.jit.median, m.interpreter.unwrap().median);
        // The same work, one tenth of it timed: about ten times the JIT's.
        assert!(interp > 5.0 * jit, "{m:?}");
        assert_eq!(m.interpreted, 1);
        let m = measure(budget, &flag, 10, || (), None, || ()).unwrap();
        assert!(m.interpreter.is_none() && m.speedup().is_none());
        flag.store(true, Ordering::SeqCst);
        let e = measure(budget, &flag, 1, || (), Some(1), || ()).unwrap_err();
        assert_eq!(e.to_string(), "error: interrupted");
    }
}
