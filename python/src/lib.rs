//! `exprjit._exprjit`: the compiled half of the Python package.
//!
//! One module per job: [`errors`] (exprjit errors as Python exceptions),
//! [`convert`] (NumPy inputs and outputs), [`run`] (threads, the GIL and
//! Ctrl-C), [`formula`] (`compile` / `Formula`, also what `evaluate` calls),
//! [`recurrence`], [`grid`], [`ode`] (`solve_ivp`), [`quad`] and
//! [`pairwise`] (`cdist`, `first_within`) (their compiled kernels kept in
//! [`cache`]). The Python layer
//! (`python/exprjit/__init__.py`) adds `evaluate`'s caller-frame name
//! lookup and its cache of compiled formulas.
//!
//! Only the public API of the `exprjit` crate is used.

mod cache;
mod convert;
mod errors;
mod formula;
mod grid;
mod ode;
mod pairwise;
mod quad;
mod recurrence;
mod run;

use pyo3::prelude::*;

/// The extension module. Adding a function: write it in its own module
/// (taking `threads: Option<usize>` and running compiled code through
/// [`run::detached`]), then add one `add_function` line here and the
/// re-export and stub in `python/exprjit/`.
#[pymodule]
fn _exprjit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("FormulaError", m.py().get_type::<errors::FormulaError>())?;
    m.add("SolverError", m.py().get_type::<errors::SolverError>())?;
    m.add_class::<formula::Formula>()?;
    m.add_function(wrap_pyfunction!(formula::variables, m)?)?;
    m.add_function(wrap_pyfunction!(recurrence::recurrence, m)?)?;
    m.add_function(wrap_pyfunction!(grid::grid, m)?)?;
    m.add_function(wrap_pyfunction!(ode::solve_ivp, m)?)?;
    m.add_function(wrap_pyfunction!(quad::quad, m)?)?;
    m.add_function(wrap_pyfunction!(pairwise::cdist, m)?)?;
    m.add_function(wrap_pyfunction!(pairwise::first_within, m)?)?;
    m.add_function(wrap_pyfunction!(run::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(run::get_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(run::inside_peak, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
