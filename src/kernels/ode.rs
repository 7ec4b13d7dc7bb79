//! ODE initial value problems: `y' = f(t, y)` solved inside compiled code,
//! by the classical RK4 with a fixed step or by adaptive Dormand–Prince
//! 5(4) as SciPy's `solve_ivp(method="RK45")` does it.
//!
//! One compiled call per solve: the stepping loop, the stages, the error
//! norm, the step control and the output at `t_eval` all run inside it
//! (`ode_codegen`); the reference twin (`ode_steps`) runs the same method
//! with the same arithmetic through the interpreter.

use std::sync::Arc;

use rayon::prelude::*;

use super::Parallel;
use super::ode_codegen::{self as codegen, Kind, Programs, SolveFn};
use super::ode_steps::{self as steps, Outcome, Setup, Twin};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::Program;
use crate::jit::{Code, JitOptions};

/// The most state variables an ODE system may have: the right-hand sides
/// are emitted inline seven times per step, so code size grows with it.
pub const MAX_ODE_STATES: usize = 256;

/// What an ODE system is made of; see [`Engine::ode`](crate::Engine::ode).
///
/// The right-hand sides may use the state variables, the time `t`, the
/// parameters and the definitions.
#[derive(Debug, Clone, Copy, Default)]
pub struct OdeSpec<'a> {
    /// State variable names.
    pub state: &'a [&'a str],
    /// One right-hand side `y'` per state variable, in the same order.
    pub rhs: &'a [&'a str],
    /// Helper definitions `(name, formula)`, substituted into the
    /// right-hand sides; each may use the ones before it.
    pub define: &'a [(&'a str, &'a str)],
    /// Parameter names: scalars fixed for a solve.
    pub params: &'a [&'a str],
}

/// The integration method (named after `solve_ivp`'s `method`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OdeMethod {
    /// Classical fourth-order Runge–Kutta with step `h`; the last step
    /// ends at the end of the interval. Output at `t_eval` comes from the
    /// cubic Hermite interpolant of each step.
    Rk4 {
        /// The step size, positive.
        h: f64,
    },
    /// Dormand–Prince 5(4) with adaptive steps (SciPy's `RK45`).
    Rk45,
}

/// How to solve: `solve_ivp`'s arguments.
///
/// ```
/// use exprjit::{OdeMethod, OdeOptions};
/// let opts = OdeOptions { rtol: 1e-9, atol: &[1e-12], ..OdeOptions::new(0.0, 20.0) };
/// assert_eq!(opts.method, OdeMethod::Rk45);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OdeOptions<'a> {
    /// The interval `(t0, t_end)`, finite, `t0 < t_end` (forward only).
    pub t_span: (f64, f64),
    /// The method; [`OdeMethod::Rk45`] by default.
    pub method: OdeMethod,
    /// Relative tolerance (RK45), positive; SciPy's default `1e-3`.
    pub rtol: f64,
    /// Absolute tolerance (RK45): one value for all states, or one per
    /// state, each positive; SciPy's default `1e-6`.
    pub atol: &'a [f64],
    /// Times to report the state at, sorted, inside `t_span`; from the
    /// method's continuous extension, not by shortening steps.
    pub t_eval: &'a [f64],
    /// The most steps (accepted plus rejected) a solve may take.
    pub max_steps: usize,
}

impl OdeOptions<'static> {
    /// Options for `t_span = (t0, t_end)` with SciPy's defaults otherwise
    /// (RK45, `rtol = 1e-3`, `atol = 1e-6`), no `t_eval`, and at most
    /// 10 million steps.
    pub fn new(t0: f64, t_end: f64) -> OdeOptions<'static> {
        OdeOptions {
            t_span: (t0, t_end),
            method: OdeMethod::Rk45,
            rtol: 1e-3,
            atol: &[1e-6],
            t_eval: &[],
            max_steps: 10_000_000,
        }
    }
}

/// Counts of a solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OdeStats {
    /// Accepted steps.
    pub accepted: u64,
    /// Rejected steps (RK45).
    pub rejected: u64,
    /// Right-hand-side evaluations (of the whole system).
    pub nfev: u64,
}

/// The result of a solve.
#[derive(Debug, Clone, PartialEq)]
pub struct OdeSolution {
    /// The time reached: the end of `t_span`.
    pub t: f64,
    /// The state at `t`.
    pub y: Vec<f64>,
    /// The states at the `t_eval` times, one row of `width` values each.
    pub y_eval: Vec<f64>,
    /// State variables per row.
    pub width: usize,
    /// Steps and right-hand-side evaluations.
    pub stats: OdeStats,
}

impl OdeSolution {
    /// The state at `t_eval[r]`.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.y_eval[r * self.width..(r + 1) * self.width]
    }
}

/// A compiled ODE system. Built by [`Engine::ode`](crate::Engine::ode).
///
/// ```
/// use exprjit::{Engine, OdeOptions, OdeSpec};
///
/// // y' = -y from y(0) = 1: y(1) = 1/e.
/// let ode = Engine::new().ode(OdeSpec { state: &["y"], rhs: &["-y"], ..Default::default() })?;
/// let opts = OdeOptions { rtol: 1e-10, atol: &[1e-12], t_eval: &[0.5], ..OdeOptions::new(0.0, 1.0) };
/// let sol = ode.solve(&[1.0], &[], &opts)?;
/// assert!((sol.y[0] - (-1.0f64).exp()).abs() < 1e-9);
/// assert!((sol.row(0)[0] - (-0.5f64).exp()).abs() < 1e-9);
/// // The reference twin takes the same steps and gives the same bits.
/// assert_eq!(ode.solve_reference(&[1.0], &[], &opts)?, sol);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct OdeKernel {
    rhs: Arc<Program>,
    factor: Arc<Program>,
    first: Arc<Program>,
    /// Slots of the right-hand sides' variables in `[y…, t, params…]`.
    slots: Vec<u32>,
    state: Vec<Arc<str>>,
    params: Vec<Arc<str>>,
    jit: JitOptions,
    rk45: std::sync::OnceLock<Result<(SolveFn, Code)>>,
    rk4: std::sync::OnceLock<Result<(SolveFn, Code)>>,
    parallel: Parallel,
}

impl std::fmt::Debug for OdeKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OdeKernel")
            .field("state", &self.state)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// A solve's settings, checked, with `atol` widened to one per state.
struct Checked<'a> {
    setup: Setup<'a>,
    atol: Vec<f64>,
    kind: Kind,
}

impl OdeKernel {
    pub(crate) fn new(
        rhs: Program,
        factor: Program,
        first: Program,
        slots: Vec<u32>,
        state: Vec<Arc<str>>,
        params: Vec<Arc<str>>,
        jit: JitOptions,
    ) -> OdeKernel {
        OdeKernel {
            rhs: Arc::new(rhs),
            factor: Arc::new(factor),
            first: Arc::new(first),
            slots,
            state,
            params,
            jit,
            rk45: Default::default(),
            rk4: Default::default(),
            parallel: Parallel::default(),
        }
    }

    /// Uses `parallel` for ensembles.
    pub fn with_parallel(mut self, parallel: Parallel) -> OdeKernel {
        self.parallel = parallel;
        self
    }

    /// Number of state variables.
    pub fn width(&self) -> usize {
        self.state.len()
    }

    /// The state variable names.
    pub fn state_names(&self) -> impl Iterator<Item = &str> {
        self.state.iter().map(|s| &**s)
    }

    /// The parameter names.
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.params.iter().map(|s| &**s)
    }

    /// Compiles the solver for `kind` (once per kernel and method).
    fn code(&self, kind: Kind) -> Result<SolveFn> {
        let cell = match kind {
            Kind::Rk45 => &self.rk45,
            Kind::Rk4 => &self.rk4,
        };
        let built = cell.get_or_init(|| {
            let programs = Programs {
                rhs: &self.rhs,
                slots: &self.slots,
                n: self.state.len(),
                n_params: self.params.len(),
                factor: &self.factor,
                first: &self.first,
            };
            let code = codegen::compile(&programs, kind, self.jit)?;
            // SAFETY: `code.entry` is the function just built with seven
            // i64 parameters and one i64 result in the target's default
            // calling convention, which is `SolveFn`'s ABI; the code lives
            // as long as the `Code` stored beside the pointer.
            let func = unsafe { std::mem::transmute::<*const u8, SolveFn>(code.entry) };
            Ok((func, code))
        });
        match built {
            Ok((f, _)) => Ok(*f),
            Err(e) => Err(e.clone()),
        }
    }

    /// Compiles the code `opts.method` needs now rather than on the first solve.
    pub fn prepare(&self, method: OdeMethod) -> Result<()> {
        self.code(match method {
            OdeMethod::Rk45 => Kind::Rk45,
            OdeMethod::Rk4 { .. } => Kind::Rk4,
        })
        .map(|_| ())
    }

    fn check<'a>(&self, y0: &[f64], params: &[f64], opts: &OdeOptions<'a>) -> Result<Checked<'a>> {
        let n = self.state.len();
        let invalid = |m: String| Err(Error::new(ErrorKind::InvalidValue, m));
        if y0.len() != n {
            let list: Vec<&str> = self.state_names().collect();
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "expected {n} initial values y0 ({}), got {}",
                    list.join(", "),
                    y0.len()
                ),
            ));
        }
        if params.len() != self.params.len() {
            let list: Vec<&str> = self.param_names().collect();
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
        let (t0, t_end) = opts.t_span;
        let span = format!("({}, {})", fmt(t0), fmt(t_end));
        if !t0.is_finite() || !t_end.is_finite() {
            return invalid(format!(
                "t_span {span} is not finite: both ends must be numbers"
            ));
        }
        if t_end <= t0 {
            return invalid(format!(
                "t_span {span} is {}: the end must be after the start \
                 (backward integration is not supported; substitute t = -s)",
                if t_end == t0 { "empty" } else { "reversed" }
            ));
        }
        for (i, &te) in opts.t_eval.iter().enumerate() {
            if !(t0..=t_end).contains(&te) {
                return invalid(format!(
                    "t_eval[{i}] = {} is outside t_span {span}",
                    fmt(te)
                ));
            }
            if i > 0 && te < opts.t_eval[i - 1] {
                return invalid(format!(
                    "t_eval is not sorted: t_eval[{i}] = {} comes after t_eval[{}] = {}",
                    fmt(te),
                    i - 1,
                    fmt(opts.t_eval[i - 1])
                ));
            }
        }
        let max_steps = u64::try_from(opts.max_steps).unwrap_or(u64::MAX);
        if max_steps == 0 {
            return invalid("max_steps must be at least 1".to_string());
        }
        let mut atol = vec![0.0; n];
        let (kind, h, steps) = match opts.method {
            OdeMethod::Rk45 => {
                if !(opts.rtol.is_finite() && opts.rtol > 0.0) {
                    return invalid(format!(
                        "rtol = {} must be a positive number",
                        fmt(opts.rtol)
                    ));
                }
                match opts.atol.len() {
                    1 => atol.fill(opts.atol[0]),
                    len if len == n => atol.copy_from_slice(opts.atol),
                    len => {
                        return Err(Error::new(
                            ErrorKind::Length,
                            format!(
                                "atol has {len} values; give one for all states or one per state ({n})"
                            ),
                        ));
                    }
                }
                for (i, &a) in atol.iter().enumerate() {
                    if !(a.is_finite() && a > 0.0) {
                        let who = if opts.atol.len() == 1 {
                            String::new()
                        } else {
                            format!(" (for `{}`)", self.state[i])
                        };
                        return invalid(format!(
                            "atol = {}{who} must be a positive number",
                            fmt(a)
                        ));
                    }
                }
                (Kind::Rk45, 0.0, 0)
            }
            OdeMethod::Rk4 { h } => {
                if !(h.is_finite() && h > 0.0) {
                    return invalid(format!("rk4 step h = {} must be a positive number", fmt(h)));
                }
                atol.fill(1.0);
                // Steps of h, the last one possibly shorter; a count within
                // 1e-6 of a whole number is taken as whole (so the last
                // step is never a sliver left by rounding).
                let q = (t_end - t0) / h;
                let count = if (q - q.round()).abs() <= 1e-6 {
                    q.round()
                } else {
                    q.ceil()
                }
                .max(1.0);
                if count > max_steps as f64 {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        format!(
                            "rk4 with h = {} needs {count:e} steps over {span}, more than max_steps = {max_steps}",
                            fmt(h)
                        ),
                    ));
                }
                (Kind::Rk4, h, count as u64)
            }
        };
        Ok(Checked {
            setup: Setup {
                t0,
                t_end,
                rtol: opts.rtol,
                atol: &[],
                t_eval: opts.t_eval,
                max_steps,
                h,
                steps,
            },
            atol,
            kind,
        })
    }

    /// The error (or solution) for what a solve came to.
    fn conclude(
        &self,
        out: Outcome,
        y: Vec<f64>,
        y_eval: Vec<f64>,
        opts: &OdeOptions<'_>,
    ) -> Result<OdeSolution> {
        let n = self.state.len();
        let solve = |m: String| Err(Error::new(ErrorKind::Solve, m));
        match out.status {
            steps::DONE => Ok(OdeSolution {
                t: out.t,
                y: y[..n].to_vec(),
                y_eval,
                width: n,
                stats: OdeStats {
                    accepted: out.accepted,
                    rejected: out.rejected,
                    nfev: out.nfev,
                },
            }),
            steps::TOO_SMALL => solve(format!(
                "the step size fell to {}, below what f64 resolves at t = {} \
                 (after {} steps): the problem is probably stiff",
                fmt(out.h),
                fmt(out.t),
                out.accepted
            )),
            steps::BUDGET => solve(format!(
                "the step budget of {} steps (max_steps) was used up at t = {} of {}; \
                 raise max_steps or loosen rtol/atol",
                opts.max_steps,
                fmt(out.t),
                fmt(opts.t_span.1)
            )),
            steps::NOT_FINITE | steps::NOT_FINITE_START => {
                let which = (0..n)
                    .find(|&i| !y[i].is_finite() || !y[n + i].is_finite())
                    .unwrap_or(0);
                let (v, d) = (y[which], y[n + which]);
                let name = &self.state[which];
                let what = if v.is_finite() {
                    format!("{name}' = {}", fmt(d))
                } else {
                    format!("{name} = {}", fmt(v))
                };
                if out.status == steps::NOT_FINITE_START {
                    solve(format!(
                        "the initial state or its derivative is not finite at t = {}: {what}",
                        fmt(out.t)
                    ))
                } else {
                    solve(format!(
                        "the state became NaN or infinite in the step from t = {} to t = {}: {what}",
                        fmt(out.t),
                        fmt(out.t + out.h)
                    ))
                }
            }
            s => solve(format!("unknown solver status {s} (a bug in exprjit)")),
        }
    }

    fn buffers(&self, y0: &[f64], rows: usize) -> Result<(Vec<f64>, Vec<f64>)> {
        let n = self.state.len();
        let mut y = vec![0.0; 2 * n];
        y[..n].copy_from_slice(y0);
        let len = rows.checked_mul(n).ok_or_else(|| {
            crate::alloc::too_large(rows as u128 * n as u128, "the states at t_eval")
        })?;
        Ok((y, crate::alloc::zeros(len, "the states at t_eval")?))
    }

    /// Solves from `y0` with parameter values `params` (in the order of
    /// [`OdeSpec::params`]): one call into compiled code.
    pub fn solve(&self, y0: &[f64], params: &[f64], opts: &OdeOptions<'_>) -> Result<OdeSolution> {
        let c = self.check(y0, params, opts)?;
        let func = self.code(c.kind)?;
        let n = self.state.len();
        let (mut y, mut y_eval) = self.buffers(y0, opts.t_eval.len())?;
        let s = &c.setup;
        let mut cfg = vec![
            s.t0,
            s.t_end,
            s.rtol,
            s.h,
            s.max_steps.min(1 << 62) as f64,
            s.steps as f64,
        ];
        cfg.extend(&c.atol);
        let mut counts = [0i64; 3];
        // SAFETY: the code reads `n` values of `y` and writes at most `2n`
        // (it has `2n`); reads `params` (checked: one per parameter) and
        // `cfg` (6 + n values, written at 0 and 3); reads `t_eval[i]` for
        // `i < n_eval = t_eval.len()` and writes rows `i < n_eval` of `n`
        // values to `y_eval` (`n_eval · n` values); writes 3 counts.
        let status = unsafe {
            func(
                y.as_mut_ptr(),
                params.as_ptr(),
                cfg.as_mut_ptr(),
                opts.t_eval.as_ptr(),
                opts.t_eval.len() as i64,
                y_eval.as_mut_ptr(),
                counts.as_mut_ptr(),
            )
        };
        let out = Outcome {
            status,
            t: cfg[0],
            h: cfg[3],
            accepted: counts[0] as u64,
            rejected: counts[1] as u64,
            nfev: counts[2] as u64,
        };
        debug_assert!(n > 0);
        self.conclude(out, y, y_eval, opts)
    }

    /// The same solve by the reference twin (the interpreter, the same
    /// steps and arithmetic): equal to [`solve`](OdeKernel::solve) bit for
    /// bit, step counts included, errors included.
    pub fn solve_reference(
        &self,
        y0: &[f64],
        params: &[f64],
        opts: &OdeOptions<'_>,
    ) -> Result<OdeSolution> {
        let c = self.check(y0, params, opts)?;
        let (mut y, mut y_eval) = self.buffers(y0, opts.t_eval.len())?;
        let setup = Setup {
            atol: &c.atol,
            ..c.setup
        };
        let mut twin = Twin {
            program: &self.rhs,
            slots: &self.slots,
            params,
            factor: &self.factor,
            first: &self.first,
            args: Vec::new(),
            scratch: Vec::new(),
        };
        let out = match c.kind {
            Kind::Rk45 => steps::rk45(&mut twin, &setup, &mut y, &mut y_eval),
            Kind::Rk4 => steps::rk4(&mut twin, &setup, &mut y, &mut y_eval),
        };
        self.conclude(out, y, y_eval, opts)
    }

    /// Solves one problem per member: `y0` holds `members × width` values
    /// and `params` `members × params` (one row per member). Members run in
    /// parallel (as [`with_parallel`](OdeKernel::with_parallel) says);
    /// each result equals [`solve`](OdeKernel::solve) of that member alone.
    /// The first failing member's error names it.
    ///
    /// ```
    /// use exprjit::{Engine, OdeOptions, OdeSpec};
    /// let ode = Engine::new().ode(OdeSpec { state: &["y"], rhs: &["-k*y"], params: &["k"], ..Default::default() })?;
    /// let sols = ode.solve_ensemble(&[1.0, 2.0], &[1.0, 0.5], &OdeOptions::new(0.0, 1.0))?;
    /// assert_eq!(sols[1], ode.solve(&[2.0], &[0.5], &OdeOptions::new(0.0, 1.0))?);
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn solve_ensemble(
        &self,
        y0: &[f64],
        params: &[f64],
        opts: &OdeOptions<'_>,
    ) -> Result<Vec<OdeSolution>> {
        let (w, p) = (self.state.len(), self.params.len());
        let members = super::ensemble_members(y0.len(), w, params.len(), p)?;
        // Check the options and compile once, before any thread starts.
        if members > 0 {
            let c = self.check(&y0[..w], &params[..p], opts)?;
            self.code(c.kind)?;
        }
        let one = |m: usize| -> Result<OdeSolution> {
            self.solve(&y0[m * w..(m + 1) * w], &params[m * p..(m + 1) * p], opts)
                .map_err(|e| member_error(m, e))
        };
        // Each member is many steps: parallel from two members on.
        if self.parallel.threads != 1 && self.parallel.min_len != usize::MAX && members >= 2 {
            self.parallel
                .install(|| (0..members).into_par_iter().map(one).collect())?
        } else {
            (0..members).map(one).collect()
        }
    }
}

fn fmt(x: f64) -> String {
    crate::format::format_f64(x)
}

fn member_error(m: usize, e: Error) -> Error {
    let msg = format!("ensemble member {m}: {}", e.message());
    let mut out = Error::new(e.kind(), msg);
    if let Some(h) = e.help() {
        out = out.with_help(h);
    }
    out
}
