//! `exprjit.quad`: the integral of a formula over one variable, per
//! element of broadcast limits and parameters (adaptive Gauss–Kronrod as
//! QUADPACK's `qags` without extrapolation, or fixed Gauss–Legendre).

use exprjit::{Engine, QuadKernel, QuadRule, QuadStatus};
use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::cache::Cache;
use crate::convert;
use crate::errors::IntoPy;
use crate::run;

/// Quadrature kernels by (formula, variable, parameter names, rule as
/// `(n, epsabs bits, epsrel bits, limit)`, threads).
type Key = (String, String, Vec<String>, (usize, u64, u64, usize), usize);
static KERNELS: Cache<Key, QuadKernel> = Cache::new();

/// The status code of an element (QUADPACK's `ier` where one exists).
fn code(s: QuadStatus) -> i8 {
    match s {
        QuadStatus::Converged | QuadStatus::Fixed => 0,
        QuadStatus::LimitReached => 1,
        QuadStatus::Roundoff => 2,
        QuadStatus::NonFinite => 3,
    }
}

/// The integrals and their details, flat, with the broadcast shape.
type Flat<'py> = (
    Vec<usize>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
);

/// Integrates `text` over `var` from `a` to `b` for every element of the
/// broadcast `a`, `b` and parameter values (`names`/`values`). `n` picks
/// the `n`-point Gauss–Legendre rule, else the adaptive rule with
/// `epsabs`, `epsrel`, `limit`. Returns (shape, values, error estimates,
/// intervals, status codes), the arrays with that shape. See
/// `exprjit.quad` (python/exprjit/__init__.py) for the documentation.
#[pyfunction]
#[pyo3(signature = (text, var, a, b, names, values, n, epsabs, epsrel, limit, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn quad<'py>(
    py: Python<'py>,
    text: &str,
    var: &str,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    names: Vec<String>,
    values: Vec<Bound<'py, PyAny>>,
    n: Option<usize>,
    epsabs: f64,
    epsrel: f64,
    limit: usize,
    threads: Option<usize>,
) -> PyResult<Flat<'py>> {
    run::check_threads(threads)?;
    if names.len() != values.len() {
        return Err(PyValueError::new_err(format!(
            "{} parameter names for {} values",
            names.len(),
            values.len()
        )));
    }
    let rule = match n {
        Some(n) => QuadRule::GaussLegendre(n),
        None => QuadRule::GaussKronrod {
            epsabs,
            epsrel,
            limit,
        },
    };
    let rule_key = match rule {
        QuadRule::GaussLegendre(n) => (n, 0, 0, 0),
        QuadRule::GaussKronrod {
            epsabs,
            epsrel,
            limit,
        } => (0, epsabs.to_bits(), epsrel.to_bits(), limit),
    };
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let key = (
        text.to_string(),
        var.to_string(),
        names.clone(),
        rule_key,
        run::thread_key(threads),
    );
    let kernel = KERNELS
        .get_or_build(key, || {
            Engine::new()
                .quad(text, var, &name_refs, rule)
                .map(|k| k.with_parallel(run::parallel(threads)))
        })
        .py_err(py)?;
    let mut all: Vec<&str> = vec!["a", "b"];
    all.extend(&name_refs);
    let mut raws = vec![convert::input("a", a)?, convert::input("b", b)?];
    for (name, v) in names.iter().zip(&values) {
        raws.push(convert::input(name, v)?);
    }
    let prepared = convert::prepare(&all, raws)?;
    let inputs = prepared.inputs()?;
    let elements = prepared.len();
    let nodes = n.unwrap_or(21);
    let r = run::detached(py, elements.saturating_mul(nodes), || {
        kernel.run(inputs[0], inputs[1], &inputs[2..])
    })?
    .py_err(py)?;
    drop(inputs);
    let shape = prepared.shape.clone();
    let shaped = |a: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyAny>> {
        if shape.is_empty() {
            Ok(a)
        } else {
            a.call_method1("reshape", (shape.clone(),))
        }
    };
    let status: Vec<i8> = r.status.iter().map(|s| code(*s)).collect();
    Ok((
        shape.clone(),
        shaped(PyArray1::from_vec(py, r.value).into_any())?,
        shaped(PyArray1::from_vec(py, r.error).into_any())?,
        shaped(PyArray1::from_vec(py, r.intervals).into_any())?,
        shaped(PyArray1::from_vec(py, status).into_any())?,
    ))
}
