//! `exprjit.grid`: a formula over a 1-D index `i` or a 2-D index `(i, j)`.

use exprjit::{Engine, GridKernel};
use numpy::{PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::cache::Cache;
use crate::convert::{self, Raw};
use crate::errors::IntoPy;
use crate::run;

/// Grid kernels by (formula, dimensions, parameter names, threads).
type Key = (String, usize, Vec<String>, usize);
static KERNELS: Cache<Key, GridKernel> = Cache::new();

/// Fills an array of `shape` (an int or a 1- or 2-tuple) with the formula
/// at every index. See `exprjit.grid` in python/exprjit/__init__.py.
#[pyfunction]
#[pyo3(signature = (text, shape, names, values, threads=None))]
pub fn grid<'py>(
    py: Python<'py>,
    text: &str,
    shape: &Bound<'py, PyAny>,
    names: Vec<String>,
    values: Vec<Bound<'py, PyAny>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    run::check_threads(threads)?;
    let dims: Vec<usize> = if let Ok(n) = shape.extract::<usize>() {
        vec![n]
    } else {
        shape.extract().map_err(|_| {
            PyTypeError::new_err("`shape` must be an int or a tuple of one or two ints >= 0")
        })?
    };
    if dims.is_empty() || dims.len() > 2 {
        return Err(PyValueError::new_err(format!(
            "a grid has 1 or 2 dimensions; `shape` has {}",
            dims.len()
        )));
    }
    let mut params = Vec::with_capacity(values.len());
    for (name, v) in names.iter().zip(&values) {
        match convert::input(name, v)? {
            Raw::Scalar(x) => params.push(x),
            Raw::Array(a) if a.shape().iter().product::<usize>() == 1 => params.push(
                a.readonly()
                    .as_array()
                    .iter()
                    .next()
                    .copied()
                    .unwrap_or(f64::NAN),
            ),
            Raw::Array(_) => {
                return Err(PyTypeError::new_err(format!(
                    "the grid parameter `{name}` must be a scalar, not an array"
                )));
            }
        }
    }
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let key = (
        text.to_string(),
        dims.len(),
        names.clone(),
        run::thread_key(threads),
    );
    let kernel = KERNELS
        .get_or_build(key, || {
            Engine::new()
                .grid(text, dims.len(), &name_refs)
                .map(|k| k.with_parallel(run::parallel(threads)))
        })
        .py_err(py)?;
    let (rows, cols) = if dims.len() == 2 {
        (dims[0], dims[1])
    } else {
        (1, dims[0])
    };
    let n = rows
        .checked_mul(cols)
        .ok_or_else(|| PyValueError::new_err(format!("a {rows} × {cols} grid is too large")))?;
    let out = convert::empty(py, &dims)?;
    {
        let mut rw = out.readwrite();
        let slice = rw
            .as_slice_mut()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let r = if dims.len() == 2 {
            run::detached(py, n, || kernel.run2(rows, cols, &params, slice))?
        } else {
            run::detached(py, n, || kernel.run1(&params, slice))?
        };
        r.py_err(py)?;
    }
    Ok(out.into_any())
}
