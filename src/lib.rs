//! exprjit compiles formulas people type (`y + h*y^2*cos(t+y)`, `x^3`) to
//! native code with Cranelift in microseconds.
//!
//! ```
//! let expr = exprjit::parse("y + h*y^2*cos(t+y)")?;
//! let step = expr.compile(&["y", "t", "h"])?;   // native code
//! let reference = expr.interpreter(&["y", "t", "h"])?;
//! let args = [1.0, 0.0, 0.001];
//! assert_eq!(step.call(&args)?, 1.000540302305868);
//! assert_eq!(step.call(&args)?.to_bits(), reference.call(&args)?.to_bits());
//! # Ok::<(), exprjit::Error>(())
//! ```
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`syntax`] (text → AST) → [`ir::lower`] (AST → DAG) → [`ir::passes`]
//! (rewrites) → [`interp`] (the reference) or [`jit`] (Cranelift). See
//! `ARCHITECTURE.md` for the invariants.

mod api;
mod bind;
pub mod error;
mod format;
pub mod functions;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod kernels;
mod limits;
pub mod math;
pub mod session;
pub mod syntax;

pub use api::{Compiled, Engine, Expr, Interpreter, eval, parse};
pub use bind::check_name;
pub use error::{Error, ErrorKind, Result, Span};
pub use format::format_f64;
pub use functions::NativeFn;
pub use jit::{JitOptions, Listing};
pub use kernels::{
    GridKernel, Input, Keep, MapKernel, Parallel, Recurrence, RecurrenceSpec, Reduce, ReduceKernel,
    Trajectory,
};
pub use limits::Limits;
pub use math::MathMode;

/// The README's examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
