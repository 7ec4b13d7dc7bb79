//! `exprjit.recurrence`: a state updated by formulas for `steps` steps in
//! compiled code; the last state, every k-th state, or (with arrays of
//! initial values or parameters) a parallel ensemble.

use exprjit::{Engine, Keep, Recurrence, RecurrenceSpec};
use numpy::{PyArray1, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::cache::Cache;
use crate::convert::{self, Arg, Raw};
use crate::errors::IntoPy;
use crate::run::{self, STEP_PIECE};

/// Recurrences by (states, updates, definitions, parameter names, input
/// names, threads).
type Key = (
    Vec<String>,
    Vec<String>,
    Vec<(String, String)>,
    Vec<String>,
    Vec<String>,
    usize,
);
static KERNELS: Cache<Key, Recurrence> = Cache::new();

/// `(name, value)` pairs of a dict with string keys.
fn pairs<'py>(
    d: Option<&Bound<'py, PyDict>>,
    what: &str,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let Some(d) = d else { return Ok(Vec::new()) };
    d.iter()
        .map(|(k, v)| {
            let k: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!("the keys of `{what}` must be names (strings)"))
            })?;
            Ok((k, v))
        })
        .collect()
}

fn formula_text(name: &str, what: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    v.extract().map_err(|_| {
        PyTypeError::new_err(format!("`{what}[{name:?}]` must be a formula (a string)"))
    })
}

/// A `Vec` of `n` values, or `MemoryError`.
fn room(n: usize, what: &str) -> PyResult<Vec<f64>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| PyMemoryError::new_err(format!("cannot allocate {n} values for {what}")))?;
    Ok(v)
}

/// The value of a prepared input at flat element `m` (scalars broadcast).
fn at(arg: &Arg<'_>, m: usize) -> PyResult<f64> {
    match arg {
        Arg::Scalar(v) => Ok(*v),
        Arg::Array(a) => a
            .as_slice()
            .map(|s| s[m])
            .map_err(|e| PyValueError::new_err(e.to_string())),
    }
}

/// Runs a recurrence. See `exprjit.recurrence` (python/exprjit/__init__.py)
/// for the documentation.
#[pyfunction]
#[pyo3(signature = (update, init, steps, define=None, params=None, inputs=None, every=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn recurrence<'py>(
    py: Python<'py>,
    update: &Bound<'py, PyDict>,
    init: &Bound<'py, PyDict>,
    steps: usize,
    define: Option<&Bound<'py, PyDict>>,
    params: Option<&Bound<'py, PyDict>>,
    inputs: Option<&Bound<'py, PyDict>>,
    every: Option<usize>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    run::check_threads(threads)?;
    let updates = pairs(Some(update), "update")?;
    let state: Vec<String> = updates.iter().map(|(k, _)| k.clone()).collect();
    let update_text: Vec<String> = updates
        .iter()
        .map(|(k, v)| formula_text(k, "update", v))
        .collect::<PyResult<_>>()?;
    let defines: Vec<(String, String)> = pairs(define, "define")?
        .iter()
        .map(|(k, v)| Ok((k.clone(), formula_text(k, "define", v)?)))
        .collect::<PyResult<_>>()?;
    let init_pairs = pairs(Some(init), "init")?;
    for (k, _) in &init_pairs {
        if !state.contains(k) {
            return Err(PyValueError::new_err(format!(
                "`init` gives `{k}`, which is not a state variable (the states: {})",
                state.join(", ")
            )));
        }
    }
    let mut raws: Vec<Raw<'py>> = Vec::new();
    for s in &state {
        let v = init.get_item(s)?.ok_or_else(|| {
            PyValueError::new_err(format!("`init` has no value for the state variable `{s}`"))
        })?;
        raws.push(convert::input(s, &v)?);
    }
    let param_pairs = pairs(params, "params")?;
    let param_names: Vec<String> = param_pairs.iter().map(|(k, _)| k.clone()).collect();
    for (k, v) in &param_pairs {
        raws.push(convert::input(k, v)?);
    }
    let input_pairs = pairs(inputs, "inputs")?;
    let input_names: Vec<String> = input_pairs.iter().map(|(k, _)| k.clone()).collect();
    let mut input_arrays = Vec::new();
    for (k, v) in &input_pairs {
        let raw = convert::input(k, v)?;
        let ndim = match &raw {
            Raw::Scalar(_) => 0,
            Raw::Array(a) => a.ndim(),
        };
        if ndim != 1 {
            return Err(PyValueError::new_err(format!(
                "the per-step input `{k}` must be a 1-D array (one value per step), not {ndim}-D"
            )));
        }
        let p = convert::prepare(&[k.as_str()], vec![raw])?;
        input_arrays.push(p);
    }

    let state_r: Vec<&str> = state.iter().map(String::as_str).collect();
    let update_r: Vec<&str> = update_text.iter().map(String::as_str).collect();
    let define_r: Vec<(&str, &str)> = defines
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let params_r: Vec<&str> = param_names.iter().map(String::as_str).collect();
    let inputs_r: Vec<&str> = input_names.iter().map(String::as_str).collect();
    let key = (
        state.clone(),
        update_text.clone(),
        defines.clone(),
        param_names.clone(),
        input_names.clone(),
        run::thread_key(threads),
    );
    let rec = KERNELS
        .get_or_build(key, || {
            Engine::new()
                .recurrence(RecurrenceSpec {
                    state: &state_r,
                    update: &update_r,
                    define: &define_r,
                    params: &params_r,
                    inputs: &inputs_r,
                })
                .map(|r| r.with_parallel(run::parallel(threads)))
        })
        .py_err(py)?;
    let rec: &Recurrence = &rec;

    let mut names: Vec<&str> = state_r.clone();
    names.extend(&params_r);
    let prepared = convert::prepare(&names, raws)?;
    let input_slices: Vec<&[f64]> = input_arrays
        .iter()
        .map(|p| match &p.args[0] {
            Arg::Array(a) => a
                .as_slice()
                .map_err(|e| PyValueError::new_err(e.to_string())),
            Arg::Scalar(_) => Err(PyValueError::new_err("a per-step input has one value")),
        })
        .collect::<PyResult<_>>()?;
    let w = state.len();

    if prepared.any_array {
        if every.is_some() {
            return Err(PyValueError::new_err(
                "`every` keeps the states of one run; with arrays of initial values or \
                 parameters (an ensemble) only the last states are returned",
            ));
        }
        return ensemble(py, rec, &state, &prepared, w, &input_slices, steps);
    }
    let values = prepared.scalars().unwrap_or_default();
    let (initial, pvals) = values.split_at(w);
    match every {
        None => {
            let mut s = initial.to_vec();
            let mut start = 0;
            while start < steps {
                let len = STEP_PIECE.min(steps - start);
                let t = run::detached(py, len, || {
                    rec.run_from(start, &s, pvals, &input_slices, len, Keep::Last)
                })?
                .py_err(py)?;
                s = t.last;
                start += len;
            }
            // Arguments are checked even for zero steps.
            if steps == 0 {
                rec.run_from(0, &s, pvals, &input_slices, 0, Keep::Last)
                    .py_err(py)?;
            }
            if w == 1 {
                return Ok(s[0].into_pyobject(py)?.into_any());
            }
            let d = PyDict::new(py);
            for (name, v) in state.iter().zip(&s) {
                d.set_item(name, v)?;
            }
            Ok(d.into_any())
        }
        Some(k) => {
            if k == 0 {
                return Err(PyValueError::new_err("`every` must be at least 1"));
            }
            let rows = steps / k;
            let total = (rows + 1)
                .checked_mul(w)
                .ok_or_else(|| PyMemoryError::new_err("the kept states do not fit in memory"))?;
            let mut kept = room(total, "the kept states")?;
            kept.extend_from_slice(initial);
            let mut s = initial.to_vec();
            let rows_per_piece = (STEP_PIECE / k).max(1);
            let mut r0 = 0;
            while r0 < rows {
                let r = rows_per_piece.min(rows - r0);
                let t = run::detached(py, r * k, || {
                    rec.run_from(r0 * k, &s, pvals, &input_slices, r * k, Keep::Every(k))
                })?
                .py_err(py)?;
                kept.extend_from_slice(&t.states[w..]);
                s = t.last;
                r0 += r;
            }
            // Checks the arguments (also when there are no whole rows).
            rec.run_from(rows * k, &s, pvals, &input_slices, steps % k, Keep::Last)
                .py_err(py)?;
            columns(py, &state, &kept, w, None)
        }
    }
}

/// One array per state variable from row-major `values` (`w` per row),
/// reshaped to `shape` if given; the array itself when there is one state.
fn columns<'py>(
    py: Python<'py>,
    state: &[String],
    values: &[f64],
    w: usize,
    shape: Option<&[usize]>,
) -> PyResult<Bound<'py, PyAny>> {
    let rows = values.len() / w;
    let mut arrays = Vec::with_capacity(w);
    for s in 0..w {
        let mut col = room(rows, "a state's values")?;
        col.extend((0..rows).map(|r| values[r * w + s]));
        let a = PyArray1::from_vec(py, col);
        let a = match shape {
            Some(shape) => a.reshape(shape.to_vec())?.into_any(),
            None => a.into_any(),
        };
        arrays.push(a);
    }
    if w == 1 {
        return Ok(arrays.remove(0));
    }
    let d = PyDict::new(py);
    for (name, a) in state.iter().zip(arrays) {
        d.set_item(name, a)?;
    }
    Ok(d.into_any())
}

/// An ensemble: one run per element of the broadcast initial values and
/// parameters, in pieces of steps (the same bits as one run).
fn ensemble<'py>(
    py: Python<'py>,
    rec: &Recurrence,
    state: &[String],
    prepared: &convert::Prepared<'_>,
    w: usize,
    inputs: &[&[f64]],
    steps: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let members = prepared.len();
    let p = prepared.args.len() - w;
    let mut s = room(members * w, "the ensemble's states")?;
    let mut pv = room(members * p, "the ensemble's parameters")?;
    for m in 0..members {
        for a in &prepared.args[..w] {
            s.push(at(a, m)?);
        }
        for a in &prepared.args[w..] {
            pv.push(at(a, m)?);
        }
    }
    let per_piece = (STEP_PIECE / members.max(1)).max(1);
    let mut start = 0;
    loop {
        let len = per_piece.min(steps - start);
        s = run::detached(py, members.saturating_mul(len), || {
            rec.run_ensemble_from(start, &s, &pv, inputs, len)
        })?
        .py_err(py)?;
        start += len;
        if start >= steps {
            break;
        }
    }
    columns(py, state, &s, w, Some(&prepared.shape))
}
