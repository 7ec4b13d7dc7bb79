//! exprjit errors as Python exceptions.
//!
//! Errors about formula text or names become `exprjit.FormulaError` (a
//! `ValueError`) whose message is the CLI's rendering (`error: …`, the
//! hint, the line with a caret), with `.position` (byte offsets
//! `(start, end)` or `None`), `.line`/`.column` (1-based) and `.hint`.
//! Wrong counts, lengths and shapes are `ValueError`; a code-generation
//! failure (a bug) is `RuntimeError`; an ODE solve that fails on the way
//! (`ErrorKind::Solve`) is `exprjit.SolverError` (a `RuntimeError`).

use exprjit::{Error, ErrorKind};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    exprjit,
    FormulaError,
    PyValueError,
    "A formula (or a name in it) is invalid. `str(e)` is the exprjit CLI's \
     message with a caret under the culprit; `e.position` is the byte range \
     `(start, end)` in the formula (or None), `e.line` / `e.column` the 1-based \
     place, `e.hint` the suggestion (or None)."
);

pyo3::create_exception!(
    exprjit,
    SolverError,
    pyo3::exceptions::PyRuntimeError,
    "An ODE solve failed on the way (`exprjit.solve_ivp`): the step size \
     collapsed (a stiff problem), `max_steps` was used up, or the state \
     became NaN or infinite. `str(e)` says which, where (t) and how many \
     steps were taken."
);

/// Whether an error is about the formula text or its names.
fn is_formula_error(e: &Error) -> bool {
    e.span().is_some()
        || matches!(
            e.kind(),
            ErrorKind::Syntax
                | ErrorKind::UnknownFunction
                | ErrorKind::Arity
                | ErrorKind::FunctionAsValue
                | ErrorKind::ConstantAsFunction
                | ErrorKind::ReservedName
                | ErrorKind::InvalidName
                | ErrorKind::DuplicateName
                | ErrorKind::UnboundVariable
        )
}

/// The Python exception for an exprjit error.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let text = e.to_string();
    if is_formula_error(&e) {
        let err = FormulaError::new_err(text);
        let value = err.value(py);
        let position = e.span().map(|s| (s.start, s.end));
        let (line, column) = match e.line_col() {
            Some((l, c)) => (Some(l), Some(c)),
            None => (None, None),
        };
        // Setting attributes on a fresh exception instance cannot fail
        // short of memory exhaustion; if it does, the message still stands.
        let _ = value.setattr("position", position);
        let _ = value.setattr("line", line);
        let _ = value.setattr("column", column);
        let _ = value.setattr("hint", e.help());
        let _ = value.setattr("kind", format!("{:?}", e.kind()));
        return err;
    }
    match e.kind() {
        ErrorKind::Codegen => PyRuntimeError::new_err(text),
        ErrorKind::Solve => SolverError::new_err(text),
        _ => PyValueError::new_err(text),
    }
}

/// `Result<T, exprjit::Error>` to `PyResult<T>`.
pub trait IntoPy<T> {
    /// Converts the error, if any.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for exprjit::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}
