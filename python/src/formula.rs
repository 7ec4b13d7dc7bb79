//! `exprjit.compile` / `Formula`: a formula compiled once, called many
//! times on scalars (native call) or arrays (the map kernel), reduced with
//! `sum`/`min`/`max`/`mean` (the reduction kernel), and pickled by its text.

use std::sync::{Arc, Mutex};

use exprjit::{Compiled, Engine, Input, MapKernel, MathMode, Precision, Reduce, ReduceKernel};
use numpy::PyArrayMethods;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{self, Raw};
use crate::errors::IntoPy;
use crate::run::{self, MAP_PIECE};

/// Kernels built on first use, one per thread count (a kernel's
/// parallelism is fixed when it is built; each compiles its code on the
/// first run with a given mix of array and scalar inputs).
#[derive(Default)]
struct Kernels {
    maps: Vec<(usize, Arc<MapKernel>)>,
    reductions: Vec<(Reduce, usize, Arc<ReduceKernel>)>,
}

/// A formula compiled to native code, with its arguments in a fixed order.
///
/// `f(*values, out=None, threads=None, **named)`: all-scalar values give a
/// float, arrays give an array of the broadcast shape. `f.sum(...)`,
/// `f.min(...)`, `f.max(...)`, `f.mean(...)` reduce over the broadcast
/// inputs without storing the elementwise result. Pickles by text and
/// arguments (recompiled when unpickled).
#[pyclass(module = "exprjit", frozen)]
pub struct Formula {
    text: String,
    math: MathMode,
    rewrites: bool,
    precision: Precision,
    args: Vec<String>,
    rewritten: String,
    engine: Engine,
    scalar: Compiled,
    kernels: Mutex<Kernels>,
}

impl Formula {
    fn map_kernel(&self, py: Python<'_>, threads: Option<usize>) -> PyResult<Arc<MapKernel>> {
        run::check_threads(threads)?;
        let key = run::thread_key(threads);
        let mut k = self.kernels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, m)) = k.maps.iter().find(|(t, _)| *t == key) {
            return Ok(m.clone());
        }
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let m = Arc::new(
            self.engine
                .map(&[&self.text], &args)
                .py_err(py)?
                .with_parallel(run::parallel(threads)),
        );
        k.maps.push((key, m.clone()));
        Ok(m)
    }

    fn reduce_kernel(
        &self,
        py: Python<'_>,
        how: Reduce,
        threads: Option<usize>,
    ) -> PyResult<Arc<ReduceKernel>> {
        run::check_threads(threads)?;
        let key = run::thread_key(threads);
        let mut k = self.kernels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, _, r)) = k.reductions.iter().find(|(h, t, _)| *h == how && *t == key) {
            return Ok(r.clone());
        }
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let r = Arc::new(
            self.engine
                .reduce(&self.text, &args, how)
                .py_err(py)?
                .with_parallel(run::parallel(threads)),
        );
        k.reductions.push((how, key, r.clone()));
        Ok(r)
    }

    /// The values for the arguments, from positional and keyword values.
    fn bind<'py>(
        &self,
        values: &Bound<'py, PyTuple>,
        named: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Vec<Raw<'py>>> {
        let n = self.args.len();
        if values.len() > n {
            return Err(PyTypeError::new_err(format!(
                "the formula takes {n} values ({}), got {} positional",
                self.args.join(", "),
                values.len()
            )));
        }
        let mut slots: Vec<Option<Bound<'py, PyAny>>> = values.iter().map(Some).collect();
        slots.resize(n, None);
        if let Some(named) = named {
            for (key, value) in named.iter() {
                let key: String = key.extract()?;
                let Some(k) = self.args.iter().position(|a| *a == key) else {
                    return Err(PyTypeError::new_err(format!(
                        "the formula has no argument `{key}` (its arguments: {})",
                        self.args.join(", ")
                    )));
                };
                if slots[k].is_some() {
                    return Err(PyTypeError::new_err(format!(
                        "`{key}` is given twice (by position and by name)"
                    )));
                }
                slots[k] = Some(value);
            }
        }
        slots
            .into_iter()
            .zip(&self.args)
            .map(|(v, name)| match v {
                Some(v) => convert::input(name, &v),
                None => Err(PyTypeError::new_err(format!(
                    "no value for `{name}` (the formula's arguments: {})",
                    self.args.join(", ")
                ))),
            })
            .collect()
    }

    /// The elementwise result for bound values.
    fn apply<'py>(
        &self,
        py: Python<'py>,
        values: Vec<Raw<'py>>,
        out: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let names: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let prepared = convert::prepare(&names, values)?;
        if !prepared.any_array {
            let scalars = prepared.scalars().unwrap_or_default();
            let v = self.scalar.call(&scalars).py_err(py)?;
            return match out {
                None => Ok(v.into_pyobject(py)?.into_any()),
                Some(_) => Err(PyValueError::new_err(
                    "`out` needs at least one array input (all inputs are scalars)",
                )),
            };
        }
        let shape = prepared.shape.clone();
        let n = prepared.len();
        let (target, fresh) = match out {
            Some(o) => (convert::check_out(o, &shape)?, false),
            None => (convert::empty(py, &shape)?, true),
        };
        if n == 0 {
            return Ok(target.into_any());
        }
        let kernel = self.map_kernel(py, threads)?;
        let inputs = prepared.inputs()?;
        match convert::writable(&target)? {
            Some(mut rw) => {
                let slice = rw
                    .as_slice_mut()
                    .map_err(|e| PyValueError::new_err(e.to_string()))?;
                run_map(py, &kernel, &inputs, slice)?;
            }
            None => {
                // `out` overlaps an input: compute aside, then copy.
                debug_assert!(!fresh);
                let tmp = convert::empty(py, &shape)?;
                {
                    let mut rw = tmp.readwrite();
                    let slice = rw
                        .as_slice_mut()
                        .map_err(|e| PyValueError::new_err(e.to_string()))?;
                    run_map(py, &kernel, &inputs, slice)?;
                }
                drop(inputs);
                drop(prepared);
                target.call_method1("__setitem__", (py.Ellipsis(), tmp))?;
            }
        }
        Ok(target.into_any())
    }

    fn reduce(
        &self,
        py: Python<'_>,
        how: Reduce,
        values: &Bound<'_, PyTuple>,
        named: Option<&Bound<'_, PyDict>>,
        threads: Option<usize>,
        mean: bool,
    ) -> PyResult<f64> {
        let values = self.bind(values, named)?;
        let names: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let prepared = convert::prepare(&names, values)?;
        if !prepared.any_array {
            let scalars = prepared.scalars().unwrap_or_default();
            return self.scalar.call(&scalars).py_err(py);
        }
        let n = prepared.len();
        let kernel = self.reduce_kernel(py, how, threads)?;
        let inputs = prepared.inputs()?;
        let total = run::detached(py, n, || kernel.run(&inputs))?.py_err(py)?;
        Ok(if mean { total / n as f64 } else { total })
    }
}

/// Runs a map kernel over `out` in pieces, with the GIL released and
/// signals checked between pieces (elementwise, so the cut changes nothing).
fn run_map(
    py: Python<'_>,
    kernel: &MapKernel,
    inputs: &[Input<'_>],
    out: &mut [f64],
) -> PyResult<()> {
    let n = out.len();
    let mut start = 0;
    for piece in out.chunks_mut(MAP_PIECE) {
        let len = piece.len();
        let ins: Vec<Input<'_>> = inputs
            .iter()
            .map(|i| match i {
                Input::Array(a) => Input::Array(&a[start..start + len]),
                Input::Scalar(v) => Input::Scalar(*v),
            })
            .collect();
        run::detached(py, len, || kernel.run(&ins, &mut [piece]))?.py_err(py)?;
        start += len;
    }
    debug_assert_eq!(start, n);
    Ok(())
}

#[pymethods]
impl Formula {
    /// Compiles `text`; `args` are the argument names in call order
    /// (default: the formula's variables in order of first appearance).
    ///
    /// `math` is `"fast"` (exprjit's inline algorithms, within 1 ulp; the
    /// default) or `"libm"` (the C library); `rewrites=False` compiles the
    /// formula as typed (no `x^3` → `x*(x*x)`, no constant folding);
    /// `precision` is `"f64"` (the default) or `"dd"` (double-double: ~32
    /// significant digits inside, the result rounded to float64).
    #[new]
    #[pyo3(signature = (text, args=None, math="fast", rewrites=true, precision="f64"))]
    fn new(
        py: Python<'_>,
        text: &str,
        args: Option<&Bound<'_, PyAny>>,
        math: &str,
        rewrites: bool,
        precision: &str,
    ) -> PyResult<Formula> {
        let mode = match math {
            "fast" => MathMode::Fast,
            "libm" => MathMode::Libm,
            other => {
                return Err(PyValueError::new_err(format!(
                    "math={other:?}: use \"fast\" or \"libm\""
                )));
            }
        };
        let precision = Precision::from_name(precision).ok_or_else(|| {
            PyValueError::new_err(format!("precision={precision:?}: use \"f64\" or \"dd\""))
        })?;
        let engine = Engine::new()
            .with_math(mode)
            .with_rewrites(rewrites)
            .with_precision(precision);
        let expr = engine.parse(text).py_err(py)?;
        let args: Vec<String> = match args {
            None => expr.variables().into_iter().map(String::from).collect(),
            Some(a) if a.is_instance_of::<pyo3::types::PyString>() => {
                return Err(PyTypeError::new_err(
                    "`args` is a list of names, e.g. ['y', 't', 'h'], not one string",
                ));
            }
            Some(a) => a.extract().map_err(|_| {
                PyTypeError::new_err("`args` must be a list of argument names (strings)")
            })?,
        };
        let scalar = expr.compile(&args).py_err(py)?;
        Ok(Formula {
            math: mode,
            rewrites,
            precision,
            text: text.to_string(),
            rewritten: expr.rewritten(),
            args,
            engine,
            scalar,
            kernels: Mutex::new(Kernels::default()),
        })
    }

    /// The formula as typed.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// The argument names, in call order.
    #[getter]
    fn args<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.args)
    }

    /// The formula after exprjit's rewrites (what is compiled).
    #[getter]
    fn rewritten(&self) -> &str {
        &self.rewritten
    }

    /// `"fast"` or `"libm"`.
    #[getter]
    fn math(&self) -> &'static str {
        self.math.name()
    }

    /// `"f64"` or `"dd"`.
    #[getter]
    fn precision(&self) -> &'static str {
        self.precision.name()
    }

    fn __repr__(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|a| format!("'{a}'")).collect();
        let mut settings = String::new();
        if self.math != MathMode::Fast {
            settings.push_str(", math='libm'");
        }
        if !self.rewrites {
            settings.push_str(", rewrites=False");
        }
        if self.precision != Precision::F64 {
            settings.push_str(", precision='dd'");
        }
        format!(
            "Formula({:?}, args=[{}]{settings}, rewritten={:?})",
            self.text,
            args.join(", "),
            self.rewritten
        )
    }

    /// Pickling: rebuilt from the text, the argument names and the settings.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let this = slf.get();
        let args = (
            this.text.clone(),
            this.args.clone(),
            this.math.name(),
            this.rewrites,
            this.precision.name(),
        );
        PyTuple::new(
            py,
            [
                slf.get_type().into_any(),
                args.into_pyobject(py)?.into_any(),
            ],
        )
    }

    /// Evaluates the formula: a float for scalar values, an array of the
    /// broadcast shape otherwise (written into `out` if given).
    #[pyo3(signature = (*values, out=None, threads=None, **named))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        values: &Bound<'py, PyTuple>,
        out: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
        named: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let values = self.bind(values, named)?;
        self.apply(py, values, out, threads)
    }

    /// The sum over all elements (in exprjit's fixed, thread-independent order).
    #[pyo3(signature = (*values, threads=None, **named))]
    fn sum(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyTuple>,
        threads: Option<usize>,
        named: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<f64> {
        self.reduce(py, Reduce::Sum, values, named, threads, false)
    }

    /// The minimum over all elements (NaNs skipped, as `numpy.nanmin`).
    #[pyo3(signature = (*values, threads=None, **named))]
    fn min(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyTuple>,
        threads: Option<usize>,
        named: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<f64> {
        self.reduce(py, Reduce::Min, values, named, threads, false)
    }

    /// The maximum over all elements (NaNs skipped, as `numpy.nanmax`).
    #[pyo3(signature = (*values, threads=None, **named))]
    fn max(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyTuple>,
        threads: Option<usize>,
        named: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<f64> {
        self.reduce(py, Reduce::Max, values, named, threads, false)
    }

    /// The mean over all elements (the sum divided by the element count).
    #[pyo3(signature = (*values, threads=None, **named))]
    fn mean(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyTuple>,
        threads: Option<usize>,
        named: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<f64> {
        self.reduce(py, Reduce::Sum, values, named, threads, true)
    }
}

/// The variables of `text`, in order of first appearance.
#[pyfunction]
pub fn variables(py: Python<'_>, text: &str) -> PyResult<Vec<String>> {
    let expr = Engine::new().parse(text).py_err(py)?;
    Ok(expr.variables().into_iter().map(String::from).collect())
}
