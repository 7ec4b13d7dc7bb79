//! `exprjit.solve_ivp`: an ODE system `y' = f(t, y)` solved in compiled
//! code (RK45 as SciPy's, or fixed-step RK4), one problem or a parallel
//! ensemble. The Python layer (`python/exprjit/__init__.py`) turns
//! `solve_ivp`'s arguments into flat float64 arrays and shapes the result.

use exprjit::{Engine, OdeKernel, OdeMethod, OdeOptions, OdeSolution, OdeSpec};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;

use crate::cache::Cache;
use crate::errors::IntoPy;
use crate::run;

/// ODE kernels by (states, right-hand sides, definitions, parameter
/// names, threads).
type Key = (
    Vec<String>,
    Vec<String>,
    Vec<(String, String)>,
    Vec<String>,
    usize,
);
static KERNELS: Cache<Key, OdeKernel> = Cache::new();

/// A slice of a contiguous array (the Python layer makes them so).
fn slice<'a>(a: &'a PyReadonlyArray1<'_, f64>, what: &str) -> PyResult<&'a [f64]> {
    a.as_slice()
        .map_err(|_| PyValueError::new_err(format!("`{what}` must be a contiguous float64 array")))
}

/// Concatenates one field of every solution into a flat array.
fn gather(
    sols: &[OdeSolution],
    per: usize,
    field: impl Fn(&OdeSolution) -> &[f64],
) -> PyResult<Vec<f64>> {
    let total = sols
        .len()
        .checked_mul(per)
        .ok_or_else(|| PyMemoryError::new_err("the ensemble's results do not fit in memory"))?;
    let mut v = Vec::new();
    v.try_reserve_exact(total).map_err(|_| {
        PyMemoryError::new_err(format!("cannot allocate {total} values for the results"))
    })?;
    for s in sols {
        v.extend_from_slice(field(s));
    }
    Ok(v)
}

/// The flat results of an ODE solve (or ensemble), for the Python layer.
type Flat<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<u64>>,
    Bound<'py, PyArray1<u64>>,
    Bound<'py, PyArray1<u64>>,
);

/// Solves `members` problems (`y0`: `members × states` values, `params`:
/// `members × parameters`), in parallel when there are several. Returns
/// flat arrays: the final states (`members × states`), the states at
/// `t_eval` (`members × len(t_eval) × states`), and per member the
/// accepted steps, rejected steps and right-hand-side evaluations. See
/// `exprjit.solve_ivp` (python/exprjit/__init__.py) for the documentation.
#[pyfunction]
#[pyo3(signature = (state, rhs, define, param_names, y0, params, t0, t_end, method, h, rtol, atol, t_eval, max_steps, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn solve_ivp<'py>(
    py: Python<'py>,
    state: Vec<String>,
    rhs: Vec<String>,
    define: Vec<(String, String)>,
    param_names: Vec<String>,
    y0: PyReadonlyArray1<'py, f64>,
    params: PyReadonlyArray1<'py, f64>,
    t0: f64,
    t_end: f64,
    method: &str,
    h: Option<f64>,
    rtol: f64,
    atol: PyReadonlyArray1<'py, f64>,
    t_eval: PyReadonlyArray1<'py, f64>,
    max_steps: usize,
    threads: Option<usize>,
) -> PyResult<Flat<'py>> {
    run::check_threads(threads)?;
    let method = match (method, h) {
        ("RK45", None) => OdeMethod::Rk45,
        ("RK45", Some(_)) => {
            return Err(PyValueError::new_err(
                "`h` is the step of method=\"RK4\"; RK45 chooses its own steps",
            ));
        }
        ("RK4", Some(h)) => OdeMethod::Rk4 { h },
        ("RK4", None) => {
            return Err(PyValueError::new_err(
                "method=\"RK4\" takes a fixed step: give `h=`",
            ));
        }
        (m, _) => {
            return Err(PyValueError::new_err(format!(
                "unknown method {m:?}; exprjit.solve_ivp has \"RK45\" and \"RK4\""
            )));
        }
    };
    let key = (
        state.clone(),
        rhs.clone(),
        define.clone(),
        param_names.clone(),
        run::thread_key(threads),
    );
    let state_r: Vec<&str> = state.iter().map(String::as_str).collect();
    let rhs_r: Vec<&str> = rhs.iter().map(String::as_str).collect();
    let define_r: Vec<(&str, &str)> = define
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let params_r: Vec<&str> = param_names.iter().map(String::as_str).collect();
    let kernel = KERNELS
        .get_or_build(key, || {
            Engine::new()
                .ode(OdeSpec {
                    state: &state_r,
                    rhs: &rhs_r,
                    define: &define_r,
                    params: &params_r,
                })
                .map(|k| k.with_parallel(run::parallel(threads)))
        })
        .py_err(py)?;
    let kernel: &OdeKernel = &kernel;
    let (y0s, ps) = (slice(&y0, "y0")?, slice(&params, "params")?);
    let (atol, t_eval) = (slice(&atol, "atol")?, slice(&t_eval, "t_eval")?);
    let opts = OdeOptions {
        t_span: (t0, t_end),
        method,
        rtol,
        atol,
        t_eval,
        max_steps,
    };
    let w = kernel.width();
    // A solve can take long and cannot be cut: the GIL is always released
    // (signals are checked when it returns).
    // One problem is solved alone (its errors do not name a member).
    let sols = run::detached(py, usize::MAX, || {
        if y0s.len() == w {
            kernel.solve(y0s, ps, &opts).map(|s| vec![s])
        } else {
            kernel.solve_ensemble(y0s, ps, &opts)
        }
    })?
    .py_err(py)?;
    let last = gather(&sols, w, |s| &s.y)?;
    let rows = gather(&sols, w * t_eval.len(), |s| &s.y_eval)?;
    let count = |f: fn(&OdeSolution) -> u64| -> Bound<'py, PyArray1<u64>> {
        PyArray1::from_vec(py, sols.iter().map(f).collect())
    };
    Ok((
        PyArray1::from_vec(py, last),
        PyArray1::from_vec(py, rows),
        count(|s| s.stats.accepted),
        count(|s| s.stats.rejected),
        count(|s| s.stats.nfev),
    ))
}
