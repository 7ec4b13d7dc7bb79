//! `exprjit.cdist` / `pdist` / `first_within`: a formula of `a` and `b`
//! over the columns of every pair of rows of two matrices, reduced (sum,
//! min, max) and finished; SciPy's metric names for the common four.

use exprjit::{Compare, Engine, PairwiseKernel, Reduce};
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::cache::Cache;
use crate::errors::IntoPy;
use crate::run;

/// Pairwise kernels by (metric name or formula, reduce, finish, threads).
type Key = (String, String, Option<String>, usize);
static KERNELS: Cache<Key, PairwiseKernel> = Cache::new();

/// SciPy's metric names that `Engine::pairwise_metric` knows.
const METRICS: [&str; 4] = ["sqeuclidean", "euclidean", "cityblock", "chebyshev"];

/// The kernel for a metric name, or for `metric` as a formula of `a`, `b`.
fn kernel(
    py: Python<'_>,
    metric: &str,
    reduce: &str,
    finish: Option<&str>,
    threads: Option<usize>,
) -> PyResult<std::sync::Arc<PairwiseKernel>> {
    run::check_threads(threads)?;
    let named = METRICS.contains(&metric);
    if named && (reduce != "sum" || finish.is_some()) {
        return Err(PyValueError::new_err(format!(
            "`reduce` and `finish` go with a formula of a and b, not with metric={metric:?}"
        )));
    }
    let how = match reduce {
        "sum" => Reduce::Sum,
        "min" => Reduce::Min,
        "max" => Reduce::Max,
        r => {
            return Err(PyValueError::new_err(format!(
                "unknown reduce={r:?}; use \"sum\", \"min\" or \"max\""
            )));
        }
    };
    let key = (
        metric.to_string(),
        reduce.to_string(),
        finish.map(str::to_string),
        run::thread_key(threads),
    );
    KERNELS
        .get_or_build(key, || {
            let e = Engine::new();
            let k = if named {
                e.pairwise_metric(metric)
            } else {
                e.pairwise(metric, how, finish)
            };
            k.map(|k| k.with_parallel(run::parallel(threads)))
        })
        .py_err(py)
}

/// The row-major data and shape of a matrix (C-contiguous: the Python
/// layer makes it so).
fn rows<'a>(m: &'a PyReadonlyArray2<'_, f64>, name: &str) -> PyResult<(&'a [f64], usize, usize)> {
    let (n, d) = (m.shape()[0], m.shape()[1]);
    let s = m
        .as_slice()
        .map_err(|_| PyValueError::new_err(format!("`{name}` must be C-contiguous float64")))?;
    Ok((s, n, d))
}

/// The `n × m` matrix of the pairs of rows of `xa` and `xb` (of `xa`
/// against itself when `xb` is None: one triangle for the named metrics).
/// See `exprjit.cdist` (python/exprjit/__init__.py) for the documentation.
#[pyfunction]
#[pyo3(signature = (xa, xb, metric, reduce, finish, threads=None))]
pub fn cdist<'py>(
    py: Python<'py>,
    xa: PyReadonlyArray2<'py, f64>,
    xb: Option<PyReadonlyArray2<'py, f64>>,
    metric: &str,
    reduce: &str,
    finish: Option<&str>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let k = kernel(py, metric, reduce, finish, threads)?;
    let (a, n, d) = rows(&xa, "XA")?;
    let (out, m) = match &xb {
        None => {
            let work = n.saturating_mul(n).saturating_mul(d);
            (run::detached(py, work, || k.run_self(a, d))?, n)
        }
        Some(xb) => {
            let (b, m, _) = rows(xb, "XB")?;
            let work = n.saturating_mul(m).saturating_mul(d);
            (run::detached(py, work, || k.run(a, b, d))?, m)
        }
    };
    let out = out.py_err(py)?;
    Ok(PyArray1::from_vec(py, out).reshape([n, m])?.into_any())
}

/// Per row of `xa`, the index of the first row of `xb` whose value passes
/// `value OP threshold`, or -1. See `exprjit.first_within`.
#[pyfunction]
#[pyo3(signature = (xa, xb, threshold, metric, compare, reduce, finish, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn first_within<'py>(
    py: Python<'py>,
    xa: PyReadonlyArray2<'py, f64>,
    xb: PyReadonlyArray2<'py, f64>,
    threshold: f64,
    metric: &str,
    compare: &str,
    reduce: &str,
    finish: Option<&str>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let op = match compare {
        "<" => Compare::Lt,
        "<=" => Compare::Le,
        ">" => Compare::Gt,
        ">=" => Compare::Ge,
        c => {
            return Err(PyValueError::new_err(format!(
                "unknown compare={c:?}; use \"<\", \"<=\", \">\" or \">=\""
            )));
        }
    };
    let k = kernel(py, metric, reduce, finish, threads)?;
    let (a, n, d) = rows(&xa, "XA")?;
    let (b, m, _) = rows(&xb, "XB")?;
    let work = n.saturating_mul(m).saturating_mul(d);
    let hits = run::detached(py, work, || k.any(a, b, d, op, threshold))?.py_err(py)?;
    Ok(PyArray1::from_vec(py, hits))
}
