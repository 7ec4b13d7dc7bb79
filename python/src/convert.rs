//! NumPy inputs and outputs.
//!
//! Each input is a Python/NumPy scalar or anything `numpy.asarray`
//! accepts. Real dtypes (bool, int, uint, float) are read as float64;
//! complex, object, string and other dtypes are a `TypeError` naming the
//! variable. Shapes broadcast as in NumPy. The kernels read contiguous
//! float64 slices, so:
//!
//! - a C-contiguous, aligned, native-endian float64 array of the full
//!   shape is read in place (no copy; read-only arrays included);
//! - an array with one element is a broadcast scalar;
//! - anything else (other dtypes, strided views and transposes, arrays
//!   of a smaller broadcast shape) is copied once into a contiguous
//!   aligned float64 array of the full shape (`numpy.require` /
//!   `numpy.broadcast_to`).

use exprjit::Input;
use numpy::{
    BorrowError, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn,
    PyReadwriteArrayDyn, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt};

/// A cached `numpy.NAME`.
fn numpy_fn<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.import(py, "numpy", name)
}

static EMPTY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static BROADCAST_TO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static REQUIRE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static FLOAT64: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// One input as given: a scalar, or a float64 array of any layout.
pub enum Raw<'py> {
    /// A scalar (Python number, NumPy scalar, 0-d array).
    Scalar(f64),
    /// A float64 array (already converted from other real dtypes).
    Array(Bound<'py, PyArrayDyn<f64>>),
}

/// An input ready for a kernel.
pub enum Arg<'py> {
    /// Broadcast to every element.
    Scalar(f64),
    /// A contiguous float64 array of the full shape, borrowed read-only.
    Array(PyReadonlyArrayDyn<'py, f64>),
}

/// Inputs converted and broadcast to one shape.
pub struct Prepared<'py> {
    /// The broadcast shape (empty when every input is a scalar).
    pub shape: Vec<usize>,
    /// Whether any input is an array (a 0-d array counts as a scalar).
    pub any_array: bool,
    /// One per input, in order.
    pub args: Vec<Arg<'py>>,
}

impl Prepared<'_> {
    /// Elements in the broadcast shape.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// The kernels' view of the inputs. Arrays are C-contiguous by
    /// construction (checked when prepared), so `as_slice` cannot fail.
    pub fn inputs(&self) -> PyResult<Vec<Input<'_>>> {
        self.args
            .iter()
            .map(|a| match a {
                Arg::Scalar(v) => Ok(Input::Scalar(*v)),
                Arg::Array(a) => a
                    .as_slice()
                    .map(Input::Array)
                    .map_err(|e| PyValueError::new_err(e.to_string())),
            })
            .collect()
    }

    /// The scalar values, when every input is a scalar.
    pub fn scalars(&self) -> Option<Vec<f64>> {
        self.args
            .iter()
            .map(|a| match a {
                Arg::Scalar(v) => Some(*v),
                Arg::Array(_) => None,
            })
            .collect()
    }
}

fn dtype_error(name: &str, dtype: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "`{name}` has dtype {dtype}; exprjit computes with real float64 values \
         (bool, int, uint and float arrays are converted, complex and object arrays are not)"
    ))
}

/// Converts an array of any dtype: real ones to float64, others an error.
fn array_input<'py>(name: &str, arr: &Bound<'py, PyUntypedArray>) -> PyResult<Raw<'py>> {
    let py = arr.py();
    if let Ok(f) = arr.cast::<PyArrayDyn<f64>>() {
        return Ok(Raw::Array(f.clone()));
    }
    let dtype = arr.dtype();
    match dtype.kind() {
        b'b' | b'i' | b'u' | b'f' => {
            let float64 = numpy_fn(py, &FLOAT64, "float64")?;
            // `asarray` keeps 0-d arrays 0-d (`ascontiguousarray` would not).
            let converted = numpy_fn(py, &ASARRAY, "asarray")?
                .call1((arr, float64))?
                .cast_into::<PyArrayDyn<f64>>()?;
            Ok(Raw::Array(converted))
        }
        _ => Err(dtype_error(name, &dtype.to_string())),
    }
}

/// Reads one input named `name`.
pub fn input<'py>(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Raw<'py>> {
    if let Ok(arr) = obj.cast::<PyUntypedArray>() {
        return array_input(name, arr);
    }
    if obj.is_instance_of::<PyFloat>()
        || obj.is_instance_of::<PyInt>()
        || obj.is_instance_of::<PyBool>()
    {
        return obj
            .extract::<f64>()
            .map(Raw::Scalar)
            .map_err(|e| PyTypeError::new_err(format!("`{name}`: {}", e.value(obj.py()))));
    }
    let py = obj.py();
    // NumPy scalars (np.float32(1), np.complex128(1j), …) and sequences go
    // through numpy.asarray, so their dtype is checked like an array's.
    let arr = numpy_fn(py, &ASARRAY, "asarray")?
        .call1((obj,))
        .map_err(|e| {
            PyTypeError::new_err(format!(
                "`{name}` is a {} that NumPy cannot read as an array: {}",
                obj.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                e.value(py)
            ))
        })?;
    let arr = arr.cast_into::<PyUntypedArray>()?;
    array_input(name, &arr)
}

/// The NumPy broadcast shape of `shapes`, or a `ValueError` naming the
/// arguments that disagree.
pub fn broadcast(names: &[&str], shapes: &[Option<Vec<usize>>]) -> PyResult<Vec<usize>> {
    let ndim = shapes.iter().flatten().map(Vec::len).max().unwrap_or(0);
    let mut out = vec![1usize; ndim];
    let mut from: Vec<Option<usize>> = vec![None; ndim];
    for (k, shape) in shapes.iter().enumerate() {
        let Some(shape) = shape else { continue };
        let pad = ndim - shape.len();
        for (d, &n) in shape.iter().enumerate() {
            let slot = &mut out[pad + d];
            if n == *slot || n == 1 {
                continue;
            }
            if *slot == 1 {
                *slot = n;
                from[pad + d] = Some(k);
                continue;
            }
            let first = from[pad + d].map_or("?", |j| names[j]);
            let first_shape = from[pad + d]
                .and_then(|j| shapes[j].clone())
                .unwrap_or_default();
            return Err(PyValueError::new_err(format!(
                "shapes do not broadcast: `{first}` has shape {:?}, `{}` has shape {:?}",
                first_shape, names[k], shape
            )));
        }
    }
    Ok(out)
}

/// Converts and broadcasts `values` (named `names`) for a kernel.
pub fn prepare<'py>(names: &[&str], values: Vec<Raw<'py>>) -> PyResult<Prepared<'py>> {
    let shapes: Vec<Option<Vec<usize>>> = values
        .iter()
        .map(|v| match v {
            Raw::Scalar(_) => None,
            Raw::Array(a) => Some(a.shape().to_vec()),
        })
        .collect();
    let any_array = shapes.iter().flatten().any(|s| !s.is_empty());
    let shape = broadcast(names, &shapes)?;
    let mut args = Vec::with_capacity(values.len());
    for raw in values {
        let arg = match raw {
            Raw::Scalar(v) => Arg::Scalar(v),
            Raw::Array(a) => {
                let py = a.py();
                let in_place = a.ndim() > 0
                    && a.shape() == shape.as_slice()
                    && a.is_c_contiguous()
                    && a.is_aligned()
                    && a.dtype().is_native_byteorder() != Some(false);
                if in_place {
                    Arg::Array(a.try_readonly()?)
                } else if a.shape().iter().product::<usize>() == 1 {
                    let view = a.try_readonly()?;
                    let v = view.as_array().iter().next().copied().unwrap_or(f64::NAN);
                    Arg::Scalar(v)
                } else {
                    let float64 = numpy_fn(py, &FLOAT64, "float64")?;
                    let full = if a.shape() == shape.as_slice() {
                        a.into_any()
                    } else {
                        numpy_fn(py, &BROADCAST_TO, "broadcast_to")?.call1((a, shape.clone()))?
                    };
                    // `numpy.require(…, "CA")`: C-contiguous and aligned
                    // (`ascontiguousarray` keeps a misaligned buffer, as a
                    // chunk unpickled by Dask can be).
                    let copy = numpy_fn(py, &REQUIRE, "require")?
                        .call1((full, float64, "CA"))?
                        .cast_into::<PyArrayDyn<f64>>()?;
                    Arg::Array(copy.try_readonly()?)
                }
            }
        };
        args.push(arg);
    }
    Ok(Prepared {
        shape,
        any_array,
        args,
    })
}

/// A new, uninitialised-by-NumPy float64 array (`numpy.empty`) of `shape`.
pub fn empty<'py>(py: Python<'py>, shape: &[usize]) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    let float64 = numpy_fn(py, &FLOAT64, "float64")?;
    Ok(numpy_fn(py, &EMPTY, "empty")?
        .call1((shape.to_vec(), float64))?
        .cast_into::<PyArrayDyn<f64>>()?)
}

/// Checks a user's `out=` array: float64, C-contiguous, writeable, of `shape`.
pub fn check_out<'py>(
    out: &Bound<'py, PyAny>,
    shape: &[usize],
) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    let arr = out
        .cast::<PyUntypedArray>()
        .map_err(|_| PyTypeError::new_err("`out` must be a NumPy float64 array"))?;
    let f = arr.cast::<PyArrayDyn<f64>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "`out` has dtype {}; it must be float64",
            arr.dtype()
        ))
    })?;
    if f.shape() != shape {
        return Err(PyValueError::new_err(format!(
            "`out` has shape {:?}, but the result has shape {:?}",
            f.shape(),
            shape
        )));
    }
    if !f.is_c_contiguous() || !f.is_aligned() {
        return Err(PyValueError::new_err("`out` must be a C-contiguous array"));
    }
    Ok(f.clone())
}

/// Borrows an output array for writing. An `out=` that overlaps an input
/// (`evaluate("2*x", out=x)`) cannot be borrowed while the inputs are;
/// then `None`, and the caller computes into a fresh array and copies.
pub fn writable<'py>(
    out: &Bound<'py, PyArrayDyn<f64>>,
) -> PyResult<Option<PyReadwriteArrayDyn<'py, f64>>> {
    match out.try_readwrite() {
        Ok(rw) => Ok(Some(rw)),
        Err(BorrowError::NotWriteable) => Err(PyValueError::new_err("`out` is read-only")),
        Err(_) => Ok(None),
    }
}
