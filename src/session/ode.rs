//! `:ode`: solve an ODE system from the session, and `:time :ode …`.
//!
//! ```text
//! :ode y' = y^2*cos(t+y) ; y(0) = 1 ; t = 0 .. 1
//! :ode x' = s*(y-x) ; y' = x*(r-z)-y ; z' = x*y-b*z ; x(0) = 1 ; y(0) = 1 ; z(0) = 1 ; t = 0 .. 20 ; rtol=1e-9 ; atol=1e-12
//! ```
//!
//! Parts, separated by `;`: `NAME' = F` (a right-hand side), `NAME(T0) = V`
//! (a starting value, `T0` the interval's start), `t = A .. B` (the
//! interval), the options `method=rk45|rk4`, `h=` (rk4's step), `rtol=`,
//! `atol=`, `max_steps=`, `every=K` (rk4: keep every K-th step) and
//! `t_eval=N` (N evenly spaced times), and `NAME = F` (a definition). Every
//! other name is a session scalar, passed as a parameter.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use super::Session;
use super::report::{Units, run_lines};
use super::timing::{INTERPRETED, measure};
use super::values::{Value, room};
use crate::{
    Error, ErrorKind, OdeKernel, OdeMethod, OdeOptions, OdeSolution, OdeSpec, Result, format_f64,
};

const USAGE: &str = ":ode y' = y^2*cos(t+y) ; y(0) = 1 ; t = 0 .. 1 [; rtol=1e-9 ; atol=1e-12] \
                     [; method=rk4 ; h=0.001 ; every=K] [; t_eval=N]";

fn usage() -> Error {
    Error::new(ErrorKind::Syntax, format!("usage: {USAGE}"))
}

/// The most rows `every=`/`t_eval=` keep: they become session arrays.
const MAX_ROWS: f64 = 1e8;

/// A parsed `:ode` line, ready to solve.
struct Problem {
    kernel: OdeKernel,
    state: Vec<String>,
    y0: Vec<f64>,
    params: Vec<f64>,
    t_span: (f64, f64),
    method: OdeMethod,
    rtol: f64,
    atol: f64,
    max_steps: usize,
    t_eval: Vec<f64>,
    /// `every=K`, when given.
    every: Option<usize>,
    compile: f64,
}

impl Problem {
    fn options(&self) -> OdeOptions<'_> {
        OdeOptions {
            t_span: self.t_span,
            method: self.method,
            rtol: self.rtol,
            atol: std::slice::from_ref(&self.atol),
            t_eval: &self.t_eval,
            max_steps: self.max_steps,
        }
    }
}

impl Session {
    /// A session-value formula as a number.
    fn ode_number(&self, text: &str, what: &str) -> Result<f64> {
        match self.evaluate(text)? {
            Value::Scalar(v) => Ok(v),
            Value::Array(_) => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("{what} must be a number, got the array `{}`", text.trim()),
            )),
        }
    }

    /// A session-value formula as a whole number of at most `cap`.
    fn ode_count(&self, text: &str, what: &str, cap: f64) -> Result<usize> {
        let v = self.ode_number(text, what)?;
        if !(v.is_finite() && v >= 1.0 && v.fract() == 0.0) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "{what} must be a whole number of at least 1, got `{}`",
                    text.trim()
                ),
            ));
        }
        if v > cap {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("{what} is {v:e}, more than the session's limit of {cap:e}"),
            ));
        }
        Ok(v as usize)
    }

    fn ode_problem(&self, text: &str) -> Result<Problem> {
        let (mut state, mut rhs, mut define) = (Vec::new(), Vec::new(), Vec::new());
        let mut starts: Vec<(String, &str, &str)> = Vec::new();
        let (mut span, mut method, mut h, mut rtol, mut atol) = (None, None, None, None, None);
        let (mut max_steps, mut every, mut points) = (None, None, None);
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((left, right)) = part.split_once('=') else {
                return Err(usage());
            };
            let (left, right) = (left.trim(), right.trim());
            if let Some(name) = left.strip_suffix('\'') {
                state.push(name.trim().to_string());
                rhs.push(right);
            } else if let Some((name, at)) = left.split_once('(')
                && let Some(at) = at.strip_suffix(')')
            {
                starts.push((name.trim().to_string(), at, right));
            } else if left == "t" {
                let (a, b) = right.split_once("..").ok_or_else(|| {
                    Error::new(
                        ErrorKind::Syntax,
                        format!("the interval is `t = START .. END`, got `t = {right}`"),
                    )
                })?;
                let a = self.ode_number(a, "the interval's start")?;
                let b = self.ode_number(b, "the interval's end")?;
                span = Some((a, b));
            } else {
                match left {
                    "method" => {
                        method = Some(match right {
                            "rk45" | "RK45" => "rk45",
                            "rk4" | "RK4" => "rk4",
                            _ => {
                                return Err(Error::new(
                                    ErrorKind::InvalidValue,
                                    format!("method={right}: the methods are rk45 and rk4"),
                                ));
                            }
                        })
                    }
                    "h" => h = Some(self.ode_number(right, "h")?),
                    "rtol" => rtol = Some(self.ode_number(right, "rtol")?),
                    "atol" => atol = Some(self.ode_number(right, "atol")?),
                    "max_steps" => max_steps = Some(self.ode_count(right, "max_steps", 1e15)?),
                    "every" => every = Some(self.ode_count(right, "every", f64::MAX)?),
                    "t_eval" => points = Some(self.ode_count(right, "t_eval", MAX_ROWS)?),
                    _ => define.push((left, right)),
                }
            }
        }
        if state.is_empty() {
            return Err(usage());
        }
        let (t0, t1) = span.ok_or_else(|| {
            Error::new(
                ErrorKind::Syntax,
                "give the interval, e.g. `; t = 0 .. 1`".to_string(),
            )
        })?;
        let mut y0 = Vec::with_capacity(state.len());
        for s in &state {
            let given: Vec<&(String, &str, &str)> =
                starts.iter().filter(|(n, _, _)| n == s).collect();
            let Some((_, at, value)) = given.first() else {
                return Err(Error::new(
                    ErrorKind::UnboundVariable,
                    format!("no starting value for `{s}`; give one, e.g. `; {s}({t0}) = 1`"),
                ));
            };
            if given.len() > 1 {
                return Err(Error::new(
                    ErrorKind::DuplicateName,
                    format!("`{s}` has two starting values"),
                ));
            }
            let at_v = self.ode_number(at, &format!("the time in `{s}({at})`"))?;
            if at_v != t0 {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "`{s}({at})` is a value at t = {}, but the interval starts at t = {}",
                        format_f64(at_v),
                        format_f64(t0)
                    ),
                ));
            }
            y0.push(self.ode_number(value, &format!("`{s}({at})`"))?);
        }
        if let Some((name, _, _)) = starts.iter().find(|(n, _, _)| !state.contains(n)) {
            return Err(Error::new(
                ErrorKind::UnboundVariable,
                format!("`{name}` has a starting value but no right-hand side `{name}' = …`"),
            ));
        }
        let method = match (method, h) {
            (Some("rk4"), Some(h)) => OdeMethod::Rk4 { h },
            (Some("rk4"), None) => {
                return Err(Error::new(
                    ErrorKind::Syntax,
                    "method=rk4 needs a step, e.g. `; h=0.001`",
                ));
            }
            (_, Some(_)) => {
                return Err(Error::new(
                    ErrorKind::Syntax,
                    "h= is rk4's step; add `; method=rk4` (rk45 chooses its own steps)",
                ));
            }
            _ => OdeMethod::Rk45,
        };
        // Other names are parameters: session scalars.
        let engine = self.engine(self.rewrites);
        let mut others: Vec<String> = Vec::new();
        for f in rhs.iter().chain(define.iter().map(|d| &d.1)) {
            for v in self.parse(&engine, f)?.variables() {
                let taken =
                    state.iter().any(|s| s == v) || v == "t" || define.iter().any(|d| d.0 == v);
                if !taken && !others.iter().any(|o| o == v) {
                    others.push(v.to_string());
                }
            }
        }
        let mut params = Vec::with_capacity(others.len());
        for name in &others {
            match self.vars.get(name) {
                Some(Value::Scalar(v)) => params.push(*v),
                Some(Value::Array(_)) => {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!("`{name}` is an array; an ODE's parameters are scalars"),
                    ));
                }
                None => {
                    return Err(Error::new(
                        ErrorKind::UnboundVariable,
                        format!("no value for `{name}`; give it one first, e.g. {name} = 1"),
                    ));
                }
            }
        }
        let t_eval = match (every, points, method) {
            (Some(_), Some(_), _) => {
                return Err(Error::new(
                    ErrorKind::Syntax,
                    "give every=K or t_eval=N, not both",
                ));
            }
            (Some(k), None, OdeMethod::Rk4 { h }) => {
                // t0 + j·k·h, as the solver computes its grid times.
                let rows = ((t1 - t0) / (k as f64 * h)).floor();
                if rows.is_nan() || rows >= MAX_ROWS {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        format!("every={k} keeps {rows:e} states, more than {MAX_ROWS:e}"),
                    ));
                }
                let mut t = room(rows as usize + 1, "the kept times")?;
                t.extend(
                    (0..=rows as usize)
                        .map(|j| t0 + ((j * k) as f64) * h)
                        .filter(|&x| x <= t1),
                );
                t
            }
            (Some(_), None, OdeMethod::Rk45) => {
                return Err(Error::new(
                    ErrorKind::Syntax,
                    "every=K keeps every K-th step of method=rk4; rk45's steps vary, \
                     so use t_eval=N for N evenly spaced times",
                ));
            }
            (None, Some(n), _) => {
                let mut t = room(n, "the t_eval times")?;
                let step = (t1 - t0) / (n.max(2) - 1) as f64;
                t.extend((0..n).map(|j| if j + 1 == n { t1 } else { t0 + j as f64 * step }));
                if n == 1 {
                    t[0] = t1;
                }
                t
            }
            (None, None, _) => Vec::new(),
        };
        let started = Instant::now();
        let state_refs: Vec<&str> = state.iter().map(String::as_str).collect();
        let param_refs: Vec<&str> = others.iter().map(String::as_str).collect();
        let kernel = engine.ode(OdeSpec {
            state: &state_refs,
            rhs: &rhs,
            define: &define,
            params: &param_refs,
        })?;
        kernel.prepare(method)?;
        let compile = started.elapsed().as_secs_f64();
        let defaults = OdeOptions::new(t0, t1);
        Ok(Problem {
            kernel,
            state,
            y0,
            params,
            t_span: (t0, t1),
            method,
            rtol: rtol.unwrap_or(defaults.rtol),
            atol: atol.unwrap_or(defaults.atol[0]),
            max_steps: max_steps.unwrap_or(defaults.max_steps),
            t_eval,
            every,
            compile,
        })
    }

    /// `:ode …`: solves, prints `NAME = VALUE at t = END` per state and the
    /// statistics; `every=`/`t_eval=` keep states in `NAME_path` and the
    /// times in `t_path`.
    pub(super) fn ode(&mut self, text: &str) -> Result<String> {
        let p = self.ode_problem(text)?;
        let sol = p.kernel.solve(&p.y0, &p.params, &p.options())?;
        let mut out = String::new();
        for (name, v) in p.state.iter().zip(&sol.y) {
            let _ = writeln!(
                out,
                "{name} = {} at t = {}",
                format_f64(*v),
                format_f64(sol.t)
            );
        }
        out.push_str(&stats_line(&p, &sol));
        if !p.t_eval.is_empty() {
            let rows = p.t_eval.len();
            let mut names = Vec::with_capacity(p.state.len() + 1);
            let mut paths = Vec::with_capacity(p.state.len() + 1);
            for (j, s) in p.state.iter().enumerate() {
                let name = format!("{s}_path");
                let mut path = room(rows, &format!("`{name}`"))?;
                path.extend((0..rows).map(|r| sol.row(r)[j]));
                names.push(name);
                paths.push(path);
            }
            names.push("t_path".to_string());
            paths.push(p.t_eval.clone());
            for (name, path) in names.iter().zip(paths) {
                self.vars.insert(name.clone(), Value::Array(Arc::new(path)));
            }
            let which = match p.every {
                Some(k) => format!("every {k} steps"),
                None => "evenly spaced".to_string(),
            };
            let _ = write!(
                out,
                "\nkept {rows} states ({which}) in {}",
                names.join(", ")
            );
        }
        Ok(out)
    }

    /// `:time :ode …`: compile time, then the solve timed with the JIT and
    /// with the interpreter twin (rk4: on at most 100,000 steps of it).
    pub(super) fn ode_time(&self, text: &str) -> Result<String> {
        let p = self.ode_problem(text)?;
        let opts = p.options();
        let sol = p.kernel.solve(&p.y0, &p.params, &opts)?;
        let steps = (sol.stats.accepted + sol.stats.rejected) as usize;
        let (part, part_opts) = match p.method {
            OdeMethod::Rk4 { h } if steps > INTERPRETED => (
                INTERPRETED,
                OdeOptions {
                    t_span: (p.t_span.0, p.t_span.0 + INTERPRETED as f64 * h),
                    t_eval: &[],
                    ..opts
                },
            ),
            _ => (steps, opts),
        };
        let m = measure(
            self.budget,
            &self.interrupt,
            steps,
            || {
                let _ = p.kernel.solve(&p.y0, &p.params, &opts);
            },
            Some(part),
            || {
                let _ = p.kernel.solve_reference(&p.y0, &p.params, &part_opts);
            },
        )?;
        let units = Units {
            call: "solve",
            unit: "step",
            decimals: 1,
            show_part: true,
        };
        Ok(format!(
            "{}\n{}",
            stats_line(&p, &sol),
            run_lines(p.compile, &m, steps, &units)
        ))
    }
}

fn stats_line(p: &Problem, sol: &OdeSolution) -> String {
    let method = match p.method {
        OdeMethod::Rk45 => format!(
            "rk45 (rtol {}, atol {})",
            format_f64(p.rtol),
            format_f64(p.atol)
        ),
        OdeMethod::Rk4 { h } => format!("rk4 (h {})", format_f64(h)),
    };
    format!(
        "{method}: {} accepted steps, {} rejected, {} right-hand-side evaluations",
        sol.stats.accepted, sol.stats.rejected, sol.stats.nfev
    )
}
