//! Kernels: the loop over elements or steps lives inside the JIT code.
//!
//! Rust calls a kernel once per array (or per chunk), never once per
//! element. Each kernel has a reference twin in [`reference`] that the
//! interpreter runs with the same element order, so results agree bit for
//! bit:
//!
//! - [`MapKernel`]: one or more formulas over arrays and broadcast scalars,
//!   into output arrays; f64x2 lanes, unrolled, with a scalar tail.
//! - [`ReduceKernel`]: the sum, min or max of a formula over arrays.
//! - [`Recurrence`]: a state updated by formulas, `n` steps in the JIT loop,
//!   keeping every k-th state or the last; ensembles in parallel.
//! - [`GridKernel`]: a formula over a 1-D or 2-D index space.
//! - [`QuadKernel`]: an integral per element (fixed Gauss–Legendre, or
//!   adaptive Gauss–Kronrod); its twin is `QuadKernel::run_reference`.
//! - [`PairwiseKernel`]: a formula of two rows' elements reduced over the
//!   columns, for every pair of rows; its twin is `run_reference`.
//! - [`OdeKernel`]: an ODE system solved by RK4 or adaptive Dormand–Prince,
//!   the whole stepping loop in one compiled call; ensembles in parallel.
//!
//! Parallel runs split the index range into chunks of [`CHUNK`] elements,
//! a size fixed independently of the thread count, so parallel results are
//! bit-identical to serial ones, reductions included.

mod body;
mod grid;
mod loops;
mod map;
mod ode;
mod ode_codegen;
mod ode_steps;
mod pairwise;
mod pairwise_codegen;
mod quad;
mod quad_codegen;
mod quad_rules;
mod recurrence;
mod reduce;
pub mod reference;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use grid::GridKernel;
pub use map::MapKernel;
pub use ode::{MAX_ODE_STATES, OdeKernel, OdeMethod, OdeOptions, OdeSolution, OdeSpec, OdeStats};
pub use pairwise::{Compare, PairwiseKernel};
pub(crate) use quad::check_rule as quad_check_rule;
pub use quad::{QuadKernel, QuadRule, QuadStatus, Quadrature};
pub use quad_rules::{MAX_GAUSS_POINTS, gauss_legendre, kronrod21};
pub use recurrence::{Keep, Recurrence, RecurrenceSpec, Trajectory};
pub use reduce::{Reduce, ReduceKernel};

use crate::error::{Error, ErrorKind, Result};

/// The step-factor formula of the ODE solvers (`0.9*err^(-0.2)`).
pub(crate) fn ode_factor_formula() -> &'static str {
    ode_steps::FACTOR_FORMULA
}

/// The first-step formula of the ODE solvers (`(0.01/d)^0.2`).
pub(crate) fn ode_first_formula() -> &'static str {
    ode_steps::FIRST_FORMULA
}

/// Elements per parallel chunk. Fixed, so that the split (and a
/// reduction's order) does not depend on the thread count.
pub const CHUNK: usize = 16_384;

/// Shortest chunk the block evaluator (`crate::wide`) runs; shorter ones
/// run the JIT's f64x2 code.
pub(crate) const WIDE_MIN_LEN: usize = 16;

/// Vectors (of two lanes) per unrolled loop iteration: 4 for formulas
/// without library calls (their loops are bound by loop overhead and
/// memory), 2 for formulas with calls (every call spills the vector
/// registers, so wider unrolling only adds spills). A reduction keeps
/// `2 * unroll` partial results, element `k` of a chunk going to partial
/// `k % (2 * unroll)` (see [`reference::reduce`]).
pub fn unroll(program: &crate::ir::Program) -> usize {
    let calls = program
        .nodes
        .iter()
        .any(|n| matches!(n, crate::ir::Node::Call(..)));
    if calls { 2 } else { 4 }
}

/// An input of a map or reduction: an array, or a scalar broadcast to every element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input<'a> {
    /// One value per element.
    Array(&'a [f64]),
    /// The same value for every element.
    Scalar(f64),
}

impl<'a> From<&'a [f64]> for Input<'a> {
    fn from(a: &'a [f64]) -> Input<'a> {
        Input::Array(a)
    }
}

impl<'a> From<&'a Vec<f64>> for Input<'a> {
    fn from(a: &'a Vec<f64>) -> Input<'a> {
        Input::Array(a)
    }
}

impl<'a, const N: usize> From<&'a [f64; N]> for Input<'a> {
    fn from(a: &'a [f64; N]) -> Input<'a> {
        Input::Array(a)
    }
}

impl From<f64> for Input<'_> {
    fn from(v: f64) -> Input<'static> {
        Input::Scalar(v)
    }
}

/// When and how to run in parallel. Work is split into chunks fixed by
/// size, not by thread count, so every setting gives the same bits.
///
/// ```
/// use exprjit::{Engine, Input, Parallel, Reduce};
/// let x: Vec<f64> = (0..300_000).map(|i| i as f64 * 1e-3).collect();
/// let sum = || Engine::new().reduce("sin(x)", &["x"], Reduce::Sum);
/// let serial = sum()?.with_parallel(Parallel::serial()).run(&[Input::from(&x)])?;
/// let two = sum()?.with_parallel(Parallel::threads(2)).run(&[Input::from(&x)])?;
/// assert_eq!(serial.to_bits(), two.to_bits());
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel {
    /// Worker threads; 0 uses rayon's global pool (one per core).
    pub threads: usize,
    /// Below this many elements (or ensemble members × steps) a run is
    /// serial: starting threads costs ~30 µs, more than small inputs take.
    pub min_len: usize,
}

impl Default for Parallel {
    fn default() -> Parallel {
        Parallel {
            threads: 0,
            min_len: 100_000,
        }
    }
}

impl Parallel {
    /// Never parallel.
    pub fn serial() -> Parallel {
        Parallel {
            threads: 1,
            min_len: usize::MAX,
        }
    }

    /// Exactly `threads` threads, at any size (for tests and measurements).
    pub fn threads(threads: usize) -> Parallel {
        Parallel {
            threads,
            min_len: 0,
        }
    }

    /// Whether `len` units of work should run in parallel.
    pub(crate) fn wants(&self, len: usize) -> bool {
        self.threads != 1 && len >= self.min_len && len > CHUNK
    }

    /// Runs `f` inside the configured thread pool.
    pub(crate) fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> Result<R> {
        if self.threads == 0 {
            return Ok(f());
        }
        static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
        let pool = {
            let mut pools = POOLS
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            match pools.get(&self.threads) {
                Some(p) => p.clone(),
                None => {
                    let p = rayon::ThreadPoolBuilder::new()
                        .num_threads(self.threads)
                        .build()
                        .map_err(|e| {
                            Error::new(
                                ErrorKind::Limit,
                                format!("cannot start {} threads: {e}", self.threads),
                            )
                        })?;
                    let p = Arc::new(p);
                    pools.insert(self.threads, p.clone());
                    p
                }
            }
        };
        Ok(pool.install(f))
    }
}

/// The common length of the array inputs, checked; `None` if all are scalars.
pub(crate) fn array_len(names: &[Arc<str>], inputs: &[Input<'_>]) -> Result<Option<usize>> {
    if inputs.len() != names.len() {
        let list: Vec<&str> = names.iter().map(|n| &**n).collect();
        return Err(Error::new(
            ErrorKind::ArgumentCount,
            format!(
                "expected {} inputs ({}), got {}",
                names.len(),
                list.join(", "),
                inputs.len()
            ),
        ));
    }
    let mut len: Option<(usize, &str)> = None;
    for (input, name) in inputs.iter().zip(names) {
        if let Input::Array(a) = input {
            match len {
                None => len = Some((a.len(), name)),
                Some((n, first)) if n != a.len() => {
                    return Err(Error::new(
                        ErrorKind::Length,
                        format!(
                            "input arrays differ in length: `{first}` has {n} elements, `{name}` has {}",
                            a.len()
                        ),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(len.map(|(n, _)| n))
}

/// Which inputs are arrays, as a bit mask (bit `k` for input `k`).
pub(crate) fn layout(inputs: &[Input<'_>]) -> u64 {
    inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i, Input::Array(_)))
        .fold(0, |m, (k, _)| m | (1 << k))
}

/// The most inputs a map or reduction takes (one bit each in a layout mask).
pub const MAX_INPUTS: usize = 64;

pub(crate) fn check_input_count(n: usize) -> Result<()> {
    if n > MAX_INPUTS {
        return Err(Error::new(
            ErrorKind::Limit,
            format!("a kernel takes at most {MAX_INPUTS} inputs; this one has {n}"),
        ));
    }
    Ok(())
}

/// Compiled code per input layout, compiled on first use. The first
/// layout compiled is read without a lock (the common case: one layout).
pub(crate) struct LayoutCache<T> {
    first: OnceLock<(u64, Arc<T>)>,
    others: Mutex<HashMap<u64, Arc<T>>>,
}

impl<T> Default for LayoutCache<T> {
    fn default() -> Self {
        LayoutCache {
            first: OnceLock::new(),
            others: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> LayoutCache<T> {
    pub(crate) fn get_or_compile(
        &self,
        layout: u64,
        compile: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>> {
        if let Some((l, code)) = self.first.get()
            && *l == layout
        {
            return Ok(code.clone());
        }
        let mut others = self.others.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(code) = others.get(&layout) {
            return Ok(code.clone());
        }
        let code = Arc::new(compile()?);
        if self.first.set((layout, code.clone())).is_err() {
            others.insert(layout, code.clone());
        }
        Ok(code)
    }
}

/// Calls `f` with the table `[make(0), …, make(n-1)]`, kept on the stack
/// for up to 8 entries (kernels pass pointer tables this way, per call).
pub(crate) fn with_table<P: Copy, R>(
    n: usize,
    init: P,
    make: impl FnMut(usize) -> P,
    f: impl FnOnce(&[P]) -> R,
) -> R {
    const INLINE: usize = 8;
    if n <= INLINE {
        let mut table = [init; INLINE];
        for (t, v) in table.iter_mut().zip((0..n).map(make)) {
            *t = v;
        }
        f(&table[..n])
    } else {
        let table: Vec<P> = (0..n).map(make).collect();
        f(&table)
    }
}

/// The number of members of an ensemble given `values` initial values of
/// `width`-value states and `params` parameter values (`per` each): an
/// error naming the lengths unless both divide evenly.
pub(crate) fn ensemble_members(
    values: usize,
    width: usize,
    params: usize,
    per: usize,
) -> crate::error::Result<usize> {
    use crate::error::{Error, ErrorKind};
    if width == 0 || !values.is_multiple_of(width) {
        return Err(Error::new(
            ErrorKind::Length,
            format!("{values} initial values is not a whole number of {width}-value states"),
        ));
    }
    let members = values / width;
    if params != members * per {
        return Err(Error::new(
            ErrorKind::Length,
            format!(
                "{members} members need {} parameter values ({per} each), got {params}",
                members * per
            ),
        ));
    }
    Ok(members)
}
