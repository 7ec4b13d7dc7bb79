//! Quadrature per element: the integral of a formula over an integration
//! variable, for every element of arrays of parameters and limits.
//!
//! Two rules. [`QuadRule::GaussLegendre`] is a fixed `n`-point rule,
//! compiled with its nodes unrolled and run two elements per f64x2
//! vector. [`QuadRule::GaussKronrod`] is QUADPACK's `qags` strategy
//! without its ε-algorithm extrapolation: the 21-point Gauss–Kronrod rule
//! (compiled, one interval per call) on the whole interval, then bisect
//! the interval with the largest error estimate until the summed estimate
//! is within `max(epsabs, epsrel·|value|)` or `limit` intervals are in
//! use. Infinite limits are mapped to (0, 1] as QUADPACK's `qagi` does.
//!
//! Each kernel has a reference twin (`run_reference`): the same
//! arithmetic, operation by operation and in the same order, with the
//! interpreter evaluating the formula; results agree bit for bit, the
//! interval counts included. Elements are independent, so any split
//! across threads gives the same bits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::quad_codegen::{self, FirstFn, FixedFn, KronrodFn};
use super::quad_rules::{MAX_GAUSS_POINTS, WG, WGK, XGK, gauss_legendre};
use super::{CHUNK, Input, Parallel, array_len, layout, with_table};
use crate::error::{Error, ErrorKind, Result};
use crate::interp;
use crate::ir::Program;
use crate::jit::{Code, JitOptions};

/// How a [`QuadKernel`] integrates.
///
/// ```
/// use exprjit::QuadRule;
/// let fixed = QuadRule::GaussLegendre(10);
/// let adaptive = QuadRule::adaptive(); // epsabs = epsrel = 1.49e-8, limit 50, as SciPy's quad
/// assert_eq!(adaptive, QuadRule::GaussKronrod { epsabs: 1.49e-8, epsrel: 1.49e-8, limit: 50 });
/// # let _ = fixed;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QuadRule {
    /// The `n`-point Gauss–Legendre rule (1 ≤ n ≤ 100) on the interval
    /// (or on the mapped interval (0, 1] when a limit is infinite); no
    /// error estimate.
    GaussLegendre(usize),
    /// Adaptive 21-point Gauss–Kronrod (QUADPACK `qags` without
    /// extrapolation): stop when the summed error estimate is at most
    /// `max(epsabs, epsrel·|value|)`, or when `limit` intervals are in use.
    GaussKronrod {
        /// Absolute tolerance (≥ 0).
        epsabs: f64,
        /// Relative tolerance (0, or ≥ 50·ε ≈ 1.1e-14).
        epsrel: f64,
        /// Most intervals per element (1 to 10,000).
        limit: usize,
    },
}

impl QuadRule {
    /// Adaptive Gauss–Kronrod with SciPy's defaults for `quad`:
    /// `epsabs = epsrel = 1.49e-8`, `limit = 50`.
    pub fn adaptive() -> QuadRule {
        QuadRule::GaussKronrod {
            epsabs: 1.49e-8,
            epsrel: 1.49e-8,
            limit: 50,
        }
    }
}

/// The most formula operations a quadrature kernel's code may hold once
/// the rule's nodes are unrolled (`2n` copies of the formula for an
/// `n`-point Gauss–Legendre rule, 53 for the adaptive rule's two forms), so
/// that compile time and code size stay bounded.
pub const MAX_UNROLLED_NODES: usize = 2_000_000;

/// The largest subdivision limit: finding the worst interval is a scan of
/// the intervals (as simple as QUADPACK's sorted list, and the same
/// order), so one element costs at most ~limit²/2 comparisons (5·10⁷).
pub const MAX_LIMIT: usize = 10_000;

/// How one element's integration ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuadStatus {
    /// A fixed rule was applied (no error estimate).
    Fixed,
    /// The error estimate is within the tolerance.
    Converged,
    /// `limit` intervals were in use and the estimate was still too large.
    LimitReached,
    /// The worst interval could not be bisected (it is two adjacent
    /// floating-point numbers wide): the tolerance cannot be met.
    Roundoff,
    /// The integrand gave a NaN or infinite value (or sum).
    NonFinite,
}

impl QuadStatus {
    fn describe(self) -> &'static str {
        match self {
            QuadStatus::Fixed => "a fixed rule",
            QuadStatus::Converged => "converged",
            QuadStatus::LimitReached => "the subdivision limit was reached before the tolerance",
            QuadStatus::Roundoff => "the worst interval cannot be bisected further (roundoff)",
            QuadStatus::NonFinite => "the integrand or the sum is NaN or infinite",
        }
    }
}

/// Per element: the integral, its error estimate, intervals used and status.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadrature {
    /// The integrals.
    pub value: Vec<f64>,
    /// Estimates of `|value - exact|` (NaN for fixed rules).
    pub error: Vec<f64>,
    /// Intervals in use at the end (1 for fixed rules).
    pub intervals: Vec<u32>,
    /// How each element ended.
    pub status: Vec<QuadStatus>,
}

/// Where the limits are infinite, after ordering them as `lo <= hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// Both finite: the rule on `[lo, hi]`.
    Finite,
    /// `[lo, +inf)`: `x = lo + (1-t)/t`, `t` in (0, 1].
    Upper,
    /// `(-inf, hi]`: `x = hi - (1-t)/t`.
    Lower,
    /// The whole line: `f(u) + f(-u)`, `u = (1-t)/t`.
    Both,
}

impl Mode {
    const ALL: [Mode; 4] = [Mode::Finite, Mode::Upper, Mode::Lower, Mode::Both];

    fn index(self) -> usize {
        self as usize
    }

    fn of(lo: f64, hi: f64) -> Mode {
        match (lo == f64::NEG_INFINITY, hi == f64::INFINITY) {
            (false, false) => Mode::Finite,
            (false, true) => Mode::Upper,
            (true, false) => Mode::Lower,
            (true, true) => Mode::Both,
        }
    }
}

/// Elements per work unit of the adaptive rule (its first pass keeps
/// four values per element on the stack).
const ADAPTIVE_CHUNK: usize = 256;

/// The compiled code per [`Mode`] (by [`Mode::index`]) that a run needs.
type Codes = [Option<Arc<Compiled>>; 4];

struct Compiled {
    fixed: Option<FixedFn>,
    kronrod: Option<KronrodFn>,
    /// The adaptive rule's first pass (whole intervals, across elements).
    first: Option<FirstFn>,
    _first_code: Option<Code>,
    _code: Code,
}

/// The integral of a formula over one variable, per element of
/// parameter arrays and limits. Built by [`Engine::quad`](crate::Engine::quad).
///
/// Limits: numbers or per-element arrays ([`Input`]); either may be
/// infinite. `a > b` integrates from `b` to `a` and flips the sign, as
/// SciPy's `quad` does; `a == b` gives 0. A NaN limit, or both limits the
/// same infinity, is an error before any code runs.
///
/// ```
/// use exprjit::{Engine, Input, QuadRule};
///
/// // ∫₀¹⁰⁰ k·x² dk = 5000·x², for every x (to within 3 ulps).
/// let x = [1.0, 2.0, 0.5];
/// let quad = Engine::new().quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))?;
/// let r = quad.run(Input::Scalar(0.0), Input::Scalar(100.0), &[Input::from(&x)])?;
/// assert_eq!(r.value, [5000.000000000001, 20000.000000000004, 1250.0000000000002]);
///
/// // Adaptive, over the whole line: ∫ exp(-k²) dk = √π.
/// let gauss = Engine::new().quad("exp(-k^2)", "k", &[], QuadRule::adaptive())?;
/// let r = gauss.run(Input::Scalar(f64::NEG_INFINITY), Input::Scalar(f64::INFINITY), &[])?;
/// assert!((r.value[0] - std::f64::consts::PI.sqrt()).abs() <= r.error[0]);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct QuadKernel {
    program: Arc<Program>,
    slots: Vec<u32>,
    params: Arc<[Arc<str>]>,
    rule: QuadRule,
    /// Gauss–Legendre nodes and weights on [-1, 1] (fixed rules only).
    nodes: Vec<f64>,
    weights: Vec<f64>,
    jit: JitOptions,
    parallel: Parallel,
    strict: bool,
    cache: Mutex<HashMap<(u64, Mode), Arc<Compiled>>>,
}

impl std::fmt::Debug for QuadKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuadKernel")
            .field("formula", &self.program.text)
            .field("params", &self.params)
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

/// Checks a rule's settings.
pub(crate) fn check_rule(rule: QuadRule) -> Result<()> {
    match rule {
        QuadRule::GaussLegendre(n) if n == 0 || n > MAX_GAUSS_POINTS => Err(Error::new(
            ErrorKind::InvalidValue,
            format!("a Gauss–Legendre rule has 1 to {MAX_GAUSS_POINTS} points, not {n}"),
        )),
        QuadRule::GaussKronrod {
            epsabs,
            epsrel,
            limit,
        } => {
            let bad = |what: &str, v: f64| {
                Error::new(
                    ErrorKind::InvalidValue,
                    format!("{what} = {v} is not a tolerance; it must be a finite number >= 0"),
                )
            };
            if !(epsabs.is_finite() && epsabs >= 0.0) {
                return Err(bad("epsabs", epsabs));
            }
            if !(epsrel.is_finite() && epsrel >= 0.0) {
                return Err(bad("epsrel", epsrel));
            }
            let min_rel = 50.0 * f64::EPSILON;
            if epsabs <= 0.0 && epsrel < min_rel {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "epsabs = {epsabs} and epsrel = {epsrel} cannot be met: give epsabs > 0 or epsrel >= {min_rel:e}"
                    ),
                ));
            }
            if limit == 0 || limit > MAX_LIMIT {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("limit = {limit}: the subdivision limit is 1 to {MAX_LIMIT}"),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

impl QuadKernel {
    pub(crate) fn new(
        program: Program,
        slots: Vec<u32>,
        params: Arc<[Arc<str>]>,
        rule: QuadRule,
        jit: JitOptions,
    ) -> Result<QuadKernel> {
        check_rule(rule)?;
        // The rule's nodes are unrolled in the code: bound its size.
        let copies = match rule {
            QuadRule::GaussLegendre(n) => 2 * n,
            QuadRule::GaussKronrod { .. } => 53,
        };
        let size = program.nodes.len().saturating_mul(copies);
        if size > MAX_UNROLLED_NODES {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "the formula has {} operations; unrolled {copies} times for {rule:?} that is {size}, \
                     above the limit of {MAX_UNROLLED_NODES} (use fewer points or a smaller formula)",
                    program.nodes.len()
                ),
            ));
        }
        let (nodes, weights) = match rule {
            QuadRule::GaussLegendre(n) => gauss_legendre(n),
            _ => (Vec::new(), Vec::new()),
        };
        Ok(QuadKernel {
            program: Arc::new(program),
            slots,
            params,
            rule,
            nodes,
            weights,
            jit,
            parallel: Parallel::default(),
            strict: false,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Uses `parallel` for later runs (elements are split in fixed chunks;
    /// every setting gives the same bits).
    pub fn with_parallel(mut self, parallel: Parallel) -> QuadKernel {
        self.parallel = parallel;
        self
    }

    /// With `strict`, an element that does not converge (adaptive rule)
    /// makes [`run`](QuadKernel::run) an error naming the element, instead
    /// of a status in the result.
    pub fn with_strict(mut self, strict: bool) -> QuadKernel {
        self.strict = strict;
        self
    }

    /// The rule.
    pub fn rule(&self) -> QuadRule {
        self.rule
    }

    /// Checks inputs and limits; returns the element count and each
    /// element's mode is derivable from the limits.
    fn check(&self, a: Input<'_>, b: Input<'_>, params: &[Input<'_>]) -> Result<usize> {
        if params.len() != self.params.len() {
            let list: Vec<&str> = self.params.iter().map(|n| &**n).collect();
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "expected {} parameters ({}), got {}",
                    self.params.len(),
                    list.join(", "),
                    params.len()
                ),
            ));
        }
        let mut names: Vec<Arc<str>> = vec![
            Arc::from("a (the lower limit)"),
            Arc::from("b (the upper limit)"),
        ];
        names.extend(self.params.iter().cloned());
        let mut all = vec![a, b];
        all.extend_from_slice(params);
        let n = array_len(&names, &all)?.unwrap_or(1);
        let scalars = !matches!(a, Input::Array(_)) && !matches!(b, Input::Array(_));
        for e in 0..if scalars { n.min(1) } else { n } {
            let (lo, hi) = (input_value(&a, e), input_value(&b, e));
            for (what, v) in [("lower limit a", lo), ("upper limit b", hi)] {
                if v.is_nan() {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!("the {what} is NaN at element {e}"),
                    ));
                }
            }
            if lo == hi && lo.is_infinite() {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "both limits are {lo} at element {e}: the interval is empty at infinity"
                    ),
                ));
            }
        }
        Ok(n)
    }

    fn code(&self, inputs: &[Input<'_>], mode: Mode) -> Result<Arc<Compiled>> {
        let key = (layout(inputs), mode);
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.get(&key) {
            return Ok(c.clone());
        }
        let is_array: Vec<bool> = inputs
            .iter()
            .map(|i| matches!(i, Input::Array(_)))
            .collect();
        let compiled = match self.rule {
            QuadRule::GaussLegendre(_) => {
                let nodes = quad_codegen::fixed_nodes(mode, &self.nodes);
                let (f, code) = quad_codegen::compile_fixed(
                    &self.program,
                    &self.slots,
                    &is_array,
                    mode,
                    &nodes,
                    &self.weights,
                    self.jit,
                )?;
                Compiled {
                    fixed: Some(f),
                    kronrod: None,
                    first: None,
                    _first_code: None,
                    _code: code,
                }
            }
            QuadRule::GaussKronrod { .. } => {
                let (f, code) = quad_codegen::compile_kronrod(
                    &self.program,
                    &self.slots,
                    &is_array,
                    mode,
                    self.jit,
                )?;
                let (first, first_code) = quad_codegen::compile_first(
                    &self.program,
                    &self.slots,
                    &is_array,
                    mode,
                    self.jit,
                )?;
                Compiled {
                    fixed: None,
                    kronrod: Some(f),
                    first: Some(first),
                    _first_code: Some(first_code),
                    _code: code,
                }
            }
        };
        let compiled = Arc::new(compiled);
        cache.insert(key, compiled.clone());
        Ok(compiled)
    }

    /// The integral from `a` to `b` for every element: `a`, `b` and the
    /// parameters (in the order given to [`Engine::quad`](crate::Engine::quad))
    /// are arrays of one common length or scalars (all scalars: one element).
    pub fn run(&self, a: Input<'_>, b: Input<'_>, params: &[Input<'_>]) -> Result<Quadrature> {
        self.execute(a, b, params, false)
    }

    /// The same integrals by the reference twin: the interpreter evaluates
    /// the formula, the rule's arithmetic is done in Rust in the compiled
    /// code's order. Equal to [`run`](QuadKernel::run) bit for bit.
    pub fn run_reference(
        &self,
        a: Input<'_>,
        b: Input<'_>,
        params: &[Input<'_>],
    ) -> Result<Quadrature> {
        self.execute(a, b, params, true)
    }

    fn execute(
        &self,
        a: Input<'_>,
        b: Input<'_>,
        params: &[Input<'_>],
        reference: bool,
    ) -> Result<Quadrature> {
        let n = self.check(a, b, params)?;
        let mut inputs = vec![a, b];
        inputs.extend_from_slice(params);
        let mut out = Quadrature {
            value: crate::alloc::zeros(n, "the integrals")?,
            error: crate::alloc::zeros(n, "the error estimates")?,
            intervals: Vec::new(),
            status: Vec::new(),
        };
        if out.intervals.try_reserve_exact(n).is_err() || out.status.try_reserve_exact(n).is_err() {
            return Err(crate::alloc::too_large(n as u128, "the statuses"));
        }
        out.intervals.resize(n, 1);
        let initial = if matches!(self.rule, QuadRule::GaussLegendre(_)) {
            QuadStatus::Fixed
        } else {
            QuadStatus::Converged
        };
        out.status.resize(n, initial);
        if n == 0 {
            return Ok(out);
        }
        let codes = self.codes_for(&inputs, n, reference)?;
        let chunk = match self.rule {
            QuadRule::GaussLegendre(_) => CHUNK,
            QuadRule::GaussKronrod { .. } => ADAPTIVE_CHUNK,
        };
        let work = match self.rule {
            QuadRule::GaussLegendre(m) => n.saturating_mul(m),
            QuadRule::GaussKronrod { .. } => n.saturating_mul(21),
        };
        let parallel = self.parallel.threads != 1 && work >= self.parallel.min_len && n > chunk;
        let Quadrature {
            value,
            error,
            intervals,
            status,
        } = &mut out;
        let pieces = value
            .chunks_mut(chunk)
            .zip(error.chunks_mut(chunk))
            .zip(intervals.chunks_mut(chunk))
            .zip(status.chunks_mut(chunk))
            .enumerate()
            .map(|(c, (((v, er), iv), st))| (c * chunk, v, er, iv, st));
        let run_piece =
            |(start, v, er, iv, st): (
                usize,
                &mut [f64],
                &mut [f64],
                &mut [u32],
                &mut [QuadStatus],
            )| { self.run_range(&inputs, &codes, start, v, er, iv, st, reference) };
        if parallel {
            let pieces: Vec<_> = pieces.collect();
            self.parallel
                .install(|| pieces.into_par_iter().try_for_each(run_piece))??;
        } else {
            pieces.into_iter().try_for_each(run_piece)?;
        }
        if self.strict
            && let Some(e) = out
                .status
                .iter()
                .position(|s| !matches!(s, QuadStatus::Converged | QuadStatus::Fixed))
        {
            return Err(not_converged(&out, e));
        }
        Ok(out)
    }

    /// Compiles every mode the elements need, before anything runs.
    fn codes_for(&self, inputs: &[Input<'_>], n: usize, reference: bool) -> Result<Codes> {
        let mut codes: Codes = [None, None, None, None];
        if !reference {
            let mut needed = [false; 4];
            let scalars =
                !matches!(inputs[0], Input::Array(_)) && !matches!(inputs[1], Input::Array(_));
            for e in 0..if scalars { n.min(1) } else { n } {
                needed[mode_at(inputs, e).index()] = true;
            }
            for mode in Mode::ALL {
                if needed[mode.index()] {
                    codes[mode.index()] = Some(self.code(inputs, mode)?);
                }
            }
        }
        Ok(codes)
    }

    /// The integrals only, into `out` (one per element), allocating
    /// nothing for a fixed rule. With the adaptive rule, an element that
    /// does not converge is an error (as [`with_strict`](QuadKernel::with_strict)).
    ///
    /// ```
    /// use exprjit::{Engine, Input, QuadRule};
    /// let q = Engine::new().quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))?;
    /// let x = [1.0, 3.0];
    /// let mut out = [0.0; 2];
    /// q.run_into(Input::Scalar(0.0), Input::Scalar(100.0), &[Input::from(&x)], &mut out)?;
    /// assert_eq!(out, [5000.000000000001, 45000.00000000001]); // 5000·x², 1 ulp above
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn run_into(
        &self,
        a: Input<'_>,
        b: Input<'_>,
        params: &[Input<'_>],
        out: &mut [f64],
    ) -> Result<()> {
        let n = self.check(a, b, params)?;
        if out.len() != n {
            return Err(Error::new(
                ErrorKind::Length,
                format!(
                    "the output has {} elements, but there are {n} integrals",
                    out.len()
                ),
            ));
        }
        if !matches!(self.rule, QuadRule::GaussLegendre(_)) {
            let r = self.run(a, b, params)?;
            if let Some(e) = r.status.iter().position(|s| *s != QuadStatus::Converged) {
                return Err(not_converged(&r, e));
            }
            out.copy_from_slice(&r.value);
            return Ok(());
        }
        let mut inputs = vec![a, b];
        inputs.extend_from_slice(params);
        let codes = self.codes_for(&inputs, n, false)?;
        let work = n.saturating_mul(self.nodes.len());
        let piece =
            |(c, v): (usize, &mut [f64])| self.run_fixed(&inputs, &codes, c * CHUNK, v, false);
        if self.parallel.threads != 1 && work >= self.parallel.min_len && n > CHUNK {
            let pieces: Vec<_> = out.chunks_mut(CHUNK).enumerate().collect();
            self.parallel
                .install(|| pieces.into_par_iter().for_each(piece))?;
        } else {
            out.chunks_mut(CHUNK).enumerate().for_each(piece);
        }
        Ok(())
    }

    /// The fixed rule for elements `start .. start + value.len()`.
    fn run_fixed(
        &self,
        inputs: &[Input<'_>],
        codes: &Codes,
        start: usize,
        value: &mut [f64],
        reference: bool,
    ) {
        let len = value.len();
        // Runs of elements with the same mode, one call each.
        let scalars =
            !matches!(inputs[0], Input::Array(_)) && !matches!(inputs[1], Input::Array(_));
        let mut k = 0;
        while k < len {
            let mode = mode_at(inputs, start + k);
            let mut end = k + 1;
            if scalars {
                end = len;
            }
            while end < len && mode_at(inputs, start + end) == mode {
                end += 1;
            }
            if reference {
                for (j, v) in value.iter_mut().enumerate().take(end).skip(k) {
                    *v = self.fixed_reference(inputs, start + j, mode);
                }
            } else {
                let func = codes[mode.index()]
                    .as_ref()
                    .and_then(|c| c.fixed)
                    .expect("compiled for a fixed rule");
                let out = value.as_mut_ptr().wrapping_sub(start);
                with_table(
                    inputs.len(),
                    std::ptr::null(),
                    |i| pointer(&inputs[i]),
                    |ptrs| {
                        // SAFETY: the table holds a pointer per input, to an
                        // array of the checked common length (> start + end
                        // - 1) or to one scalar; the code reads elements
                        // `start+k .. start+end` of the arrays and writes the
                        // same elements of `out`, which are `value[k..end]`.
                        unsafe {
                            func(ptrs.as_ptr(), out, (start + k) as i64, (start + end) as i64)
                        }
                    },
                );
            }
            k = end;
        }
    }

    /// Elements `start .. start + value.len()`.
    #[allow(clippy::too_many_arguments)]
    fn run_range(
        &self,
        inputs: &[Input<'_>],
        codes: &Codes,
        start: usize,
        value: &mut [f64],
        error: &mut [f64],
        intervals: &mut [u32],
        status: &mut [QuadStatus],
        reference: bool,
    ) -> Result<()> {
        let len = value.len();
        match self.rule {
            QuadRule::GaussLegendre(_) => {
                error.fill(f64::NAN);
                self.run_fixed(inputs, codes, start, value, reference);
            }
            QuadRule::GaussKronrod {
                epsabs,
                epsrel,
                limit,
            } => {
                let mut list = Intervals::with_limit(limit)?;
                let mut scratch = Vec::new();
                let mut args = vec![0.0; 1 + inputs.len() - 2];
                let kronrod: [Option<KronrodFn>; 4] =
                    std::array::from_fn(|m| codes[m].as_ref().and_then(|c| c.kronrod));
                let first_fns: [Option<FirstFn>; 4] =
                    std::array::from_fn(|m| codes[m].as_ref().and_then(|c| c.first));
                // The first pass: every element's whole interval, in runs of
                // one mode, vectorised across elements.
                let mut first = [0.0f64; 4 * ADAPTIVE_CHUNK];
                let first = &mut first[..4 * len];
                if !reference {
                    let scalars = !matches!(inputs[0], Input::Array(_))
                        && !matches!(inputs[1], Input::Array(_));
                    let mut k = 0;
                    while k < len {
                        let mode = mode_at(inputs, start + k);
                        let mut end = if scalars { len } else { k + 1 };
                        while end < len && mode_at(inputs, start + end) == mode {
                            end += 1;
                        }
                        let func = first_fns[mode.index()].expect("compiled for the adaptive rule");
                        let out = first.as_mut_ptr().wrapping_sub(4 * start);
                        with_table(
                            inputs.len(),
                            std::ptr::null(),
                            |i| pointer(&inputs[i]),
                            |ptrs| {
                                // SAFETY: the table holds a pointer per input, to an
                                // array of the checked common length (> start + end
                                // - 1) or to one scalar; the code reads elements
                                // `start+k .. start+end` of the arrays and writes
                                // `out[4e .. 4e+4]` for those elements, which is
                                // `first[4k .. 4end]` (`len <= ADAPTIVE_CHUNK`).
                                unsafe {
                                    func(
                                        ptrs.as_ptr(),
                                        out,
                                        (start + k) as i64,
                                        (start + end) as i64,
                                    )
                                }
                            },
                        );
                        k = end;
                    }
                }
                with_table(
                    inputs.len(),
                    std::ptr::null(),
                    |i| pointer(&inputs[i]),
                    |ptrs| {
                        for j in 0..len {
                            let e = start + j;
                            let (a, b) = (value_at(inputs, 0, e), value_at(inputs, 1, e));
                            let swap = a > b;
                            let (lo, hi) = if swap { (b, a) } else { (a, b) };
                            let mode = Mode::of(lo, hi);
                            let (t0, t1, base) = match mode {
                                Mode::Finite => (lo, hi, 0.0),
                                Mode::Upper => (0.0, 1.0, lo),
                                Mode::Lower => (0.0, 1.0, hi),
                                Mode::Both => (0.0, 1.0, 0.0),
                            };
                            let (v, er, count, st) = if lo == hi {
                                (0.0, 0.0, 1, QuadStatus::Converged)
                            } else if reference {
                                for (p, input) in args[1..].iter_mut().zip(&inputs[2..]) {
                                    *p = input_value(input, e);
                                }
                                let mut rule = |l: f64, h: f64| {
                                    kronrod_reference(
                                        &self.program,
                                        &self.slots,
                                        &mut args,
                                        &mut scratch,
                                        mode,
                                        base,
                                        l,
                                        h,
                                    )
                                };
                                let whole = rule(t0, t1);
                                adaptive(&mut rule, whole, &mut list, t0, t1, epsabs, epsrel, limit)
                            } else {
                                let func =
                                    kronrod[mode.index()].expect("compiled for the adaptive rule");
                                let mut rule = |l: f64, h: f64| {
                                    let mut out = [0.0; 4];
                                    // SAFETY: the table holds a pointer per input, to an
                                    // array of the checked common length (> e) or to one
                                    // scalar; the code reads element `e` of the arrays
                                    // and writes the four values of `out`.
                                    unsafe {
                                        func(ptrs.as_ptr(), e as i64, l, h, base, out.as_mut_ptr())
                                    };
                                    out
                                };
                                let whole = [
                                    first[4 * j],
                                    first[4 * j + 1],
                                    first[4 * j + 2],
                                    first[4 * j + 3],
                                ];
                                adaptive(&mut rule, whole, &mut list, t0, t1, epsabs, epsrel, limit)
                            };
                            value[j] = if swap { -v } else { v };
                            error[j] = er;
                            intervals[j] = count;
                            status[j] = st;
                        }
                    },
                );
            }
        }
        Ok(())
    }

    /// The fixed rule at element `e` by the interpreter, in the compiled
    /// code's order.
    fn fixed_reference(&self, inputs: &[Input<'_>], e: usize, mode: Mode) -> f64 {
        let (a, b) = (value_at(inputs, 0, e), value_at(inputs, 1, e));
        let swap = a > b;
        let (lo, hi) = if swap { (b, a) } else { (a, b) };
        let mut args = vec![0.0; inputs.len() - 1];
        for (p, input) in args[1..].iter_mut().zip(&inputs[2..]) {
            *p = input_value(input, e);
        }
        let mut scratch = Vec::new();
        let nodes = quad_codegen::fixed_nodes(mode, &self.nodes);
        let (centre, length) = if mode == Mode::Finite {
            let (l, h) = (0.5 * lo, 0.5 * hi);
            (l + h, h - l)
        } else {
            (0.5, 0.5)
        };
        let base = if mode == Mode::Lower { hi } else { lo };
        let mut acc = -0.0;
        for (&t, &w) in nodes.iter().zip(&self.weights) {
            let x = if mode == Mode::Finite {
                centre + length * t
            } else {
                t
            };
            let f = mapped(
                &self.program,
                &self.slots,
                &mut args,
                &mut scratch,
                mode,
                base,
                x,
            );
            acc += w * f;
        }
        let r = length * acc;
        if swap { -r } else { r }
    }
}

/// The error for element `e` that did not converge.
fn not_converged(r: &Quadrature, e: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "the integral at element {e} did not converge: {} (value {}, error estimate {}, {} intervals)",
            r.status[e].describe(),
            r.value[e],
            r.error[e],
            r.intervals[e]
        ),
    )
}

fn input_value(input: &Input<'_>, e: usize) -> f64 {
    match input {
        Input::Array(a) => a[e],
        Input::Scalar(v) => *v,
    }
}

fn value_at(inputs: &[Input<'_>], k: usize, e: usize) -> f64 {
    input_value(&inputs[k], e)
}

fn pointer(input: &Input<'_>) -> *const f64 {
    match input {
        Input::Array(a) => a.as_ptr(),
        Input::Scalar(v) => v as *const f64,
    }
}

fn mode_at(inputs: &[Input<'_>], e: usize) -> Mode {
    let (a, b) = (value_at(inputs, 0, e), value_at(inputs, 1, e));
    let (lo, hi) = if a > b { (b, a) } else { (a, b) };
    Mode::of(lo, hi)
}

/// The formula at `x` (argument 0; the parameters are already in `args`).
fn at(program: &Program, slots: &[u32], args: &mut [f64], scratch: &mut Vec<f64>, x: f64) -> f64 {
    args[0] = x;
    interp::eval(program, slots, args, scratch)
}

/// The integrand in the mode's variable, as `quad_codegen` computes it.
fn mapped(
    program: &Program,
    slots: &[u32],
    args: &mut [f64],
    scratch: &mut Vec<f64>,
    mode: Mode,
    base: f64,
    t: f64,
) -> f64 {
    if mode == Mode::Finite {
        return at(program, slots, args, scratch, t);
    }
    let u = (1.0 - t) / t;
    let f = match mode {
        Mode::Upper => at(program, slots, args, scratch, base + u),
        Mode::Lower => at(program, slots, args, scratch, base - u),
        _ => {
            let plus = at(program, slots, args, scratch, u);
            plus + at(program, slots, args, scratch, -u)
        }
    };
    (f / t) / t
}

/// A sum as a balanced tree: the sum of the first `len/2` terms plus the
/// sum of the rest, recursively (`len >= 1`). The Kronrod rule's four sums
/// use it, compiled and in the twin: dependency chains of 4 additions
/// instead of 11.
fn tree_sum(terms: &[f64]) -> f64 {
    if terms.len() == 1 {
        return terms[0];
    }
    let (left, right) = terms.split_at(terms.len() / 2);
    tree_sum(left) + tree_sum(right)
}

/// The 21-point rule on `[lo, hi]` by the interpreter, in the order of
/// `quad_codegen::compile_kronrod` (QUADPACK's `dqk21`, its sums as
/// [`tree_sum`]s):
/// `[result, abserr, resabs, resasc]` before [`scale_error`].
#[allow(clippy::too_many_arguments)]
fn kronrod_reference(
    program: &Program,
    slots: &[u32],
    args: &mut [f64],
    scratch: &mut Vec<f64>,
    mode: Mode,
    base: f64,
    lo: f64,
    hi: f64,
) -> [f64; 4] {
    let (l, h) = (0.5 * lo, 0.5 * hi);
    let centr = l + h;
    let hlgth = h - l;
    let fc = mapped(program, slots, args, scratch, mode, base, centr);
    let mut fv1 = [0.0; 10];
    let mut fv2 = [0.0; 10];
    for j in 0..10 {
        let absc = hlgth * XGK[j];
        // The compiled code evaluates the pair as the two lanes of a vector.
        fv1[j] = mapped(program, slots, args, scratch, mode, base, centr - absc);
        fv2[j] = mapped(program, slots, args, scratch, mode, base, centr + absc);
    }
    let centre = WGK[10] * fc;
    let mut k_terms = [0.0; 11];
    let mut abs_terms = [0.0; 11];
    let mut g_terms = [0.0; 5];
    k_terms[0] = centre;
    abs_terms[0] = centre.abs();
    for j in 0..10 {
        let fsum = fv1[j] + fv2[j];
        if j % 2 == 1 {
            g_terms[j / 2] = WG[j / 2] * fsum;
        }
        k_terms[j + 1] = WGK[j] * fsum;
        abs_terms[j + 1] = WGK[j] * (fv1[j].abs() + fv2[j].abs());
    }
    let resk = tree_sum(&k_terms);
    let resg = tree_sum(&g_terms);
    let resabs = tree_sum(&abs_terms);
    let reskh = resk * 0.5;
    let mut asc_terms = [0.0; 11];
    asc_terms[0] = WGK[10] * (fc - reskh).abs();
    for j in 0..10 {
        asc_terms[j + 1] = WGK[j] * ((fv1[j] - reskh).abs() + (fv2[j] - reskh).abs());
    }
    let resasc = tree_sum(&asc_terms);
    let dh = hlgth.abs();
    [
        resk * hlgth,
        ((resk - resg) * hlgth).abs(),
        resabs * dh,
        resasc * dh,
    ]
}

/// QUADPACK's scaling of the raw error `|K21 - G10|`: `resasc·min(1,
/// (200·err/resasc)^1.5)` (the power as `r·sqrt(r)`), and no less than `50·ε·resabs`. Returns the
/// value, the error and `resasc`.
fn scale_error(raw: [f64; 4]) -> (f64, f64, f64) {
    let [result, mut abserr, resabs, resasc] = raw;
    if resasc != 0.0 && abserr != 0.0 {
        let r = 200.0 * abserr / resasc;
        abserr = resasc * (r * r.sqrt()).min(1.0);
    }
    if resabs > f64::MIN_POSITIVE / (50.0 * f64::EPSILON) {
        abserr = abserr.max(50.0 * f64::EPSILON * resabs);
    }
    (result, abserr, resasc)
}

/// The intervals of one element: `(lo, hi, value, error)`.
struct Intervals(Vec<[f64; 4]>);

impl Intervals {
    fn with_limit(limit: usize) -> Result<Intervals> {
        let mut v = Vec::new();
        v.try_reserve_exact(limit)
            .map_err(|_| crate::alloc::too_large(4 * limit as u128, "the intervals"))?;
        Ok(Intervals(v))
    }
}

/// QUADPACK `qags`' bisection without extrapolation, from `whole` (the
/// 21-point rule on `[lo, hi]`, from the first pass), with `rule`
/// applying the rule to one interval. The same code serves the
/// compiled rule and its twin, so equal rule results give equal
/// subdivisions. Returns value, error, intervals and status.
#[allow(clippy::too_many_arguments)]
fn adaptive(
    rule: &mut impl FnMut(f64, f64) -> [f64; 4],
    whole: [f64; 4],
    list: &mut Intervals,
    lo: f64,
    hi: f64,
    epsabs: f64,
    epsrel: f64,
    limit: usize,
) -> (f64, f64, u32, QuadStatus) {
    let list = &mut list.0;
    list.clear();
    let (result, abserr, resasc) = scale_error(whole);
    list.push([lo, hi, result, abserr]);
    let mut area = result;
    let mut errsum = abserr;
    let finish = |list: &Vec<[f64; 4]>, errsum: f64, status| {
        let value = list.iter().fold(0.0, |s, i| s + i[2]);
        (value, errsum, list.len() as u32, status)
    };
    // QUADPACK's first test: an estimate equal to resasc has saturated
    // and says nothing, so such an interval is bisected.
    let errbnd = epsabs.max(epsrel * area.abs());
    if !area.is_finite() || !errsum.is_finite() {
        return finish(list, errsum, QuadStatus::NonFinite);
    }
    if abserr == 0.0 || (abserr <= errbnd && abserr != resasc) {
        return finish(list, errsum, QuadStatus::Converged);
    }
    loop {
        if !area.is_finite() || !errsum.is_finite() {
            return finish(list, errsum, QuadStatus::NonFinite);
        }
        if list.len() > 1 && errsum <= epsabs.max(epsrel * area.abs()) {
            return finish(list, errsum, QuadStatus::Converged);
        }
        if list.len() >= limit {
            return finish(list, errsum, QuadStatus::LimitReached);
        }
        let mut worst = 0;
        for (k, i) in list.iter().enumerate() {
            if i[3] > list[worst][3] {
                worst = k;
            }
        }
        let [a, b, r, err] = list[worst];
        let mid = 0.5 * a + 0.5 * b;
        if !(a < mid && mid < b) {
            return finish(list, errsum, QuadStatus::Roundoff);
        }
        let (r1, e1, _) = scale_error(rule(a, mid));
        let (r2, e2, _) = scale_error(rule(mid, b));
        let area12 = r1 + r2;
        let erro12 = e1 + e2;
        errsum = errsum + erro12 - err;
        area = area + area12 - r;
        list[worst] = [a, mid, r1, e1];
        list.push([mid, b, r2, e2]);
    }
}
