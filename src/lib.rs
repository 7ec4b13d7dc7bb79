//! exprjit compiles formulas people type (`y + h*y^2*cos(t+y)`, `x^3`) to
//! native code with Cranelift in microseconds, and runs them over data in
//! loops that live inside the compiled code.
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
//! The whole interface:
//!
//! - [`Engine`] holds the settings ([`Limits`], [`MathMode`], rewrites,
//!   registered [`NativeFn`]s) and parses formulas into an [`Expr`], which
//!   compiles to a [`Compiled`] function or gives the reference
//!   [`Interpreter`] (the JIT agrees with it bit for bit).
//! - Kernels run the loop inside compiled code: [`MapKernel`] (elementwise,
//!   over [`Input`] arrays or broadcast scalars), [`ReduceKernel`]
//!   ([`Reduce`]: sum, min, max), [`Recurrence`] (from a
//!   [`RecurrenceSpec`], keeping states as [`Keep`] says, into a
//!   [`Trajectory`]), [`GridKernel`], [`OdeKernel`] (an [`OdeSpec`]
//!   solved by [`OdeMethod`] RK4 or adaptive RK45 into an [`OdeSolution`]),
//!   [`QuadKernel`] (integrals per element, [`QuadRule`]) and
//!   [`PairwiseKernel`] (row pairs of two matrices); [`Parallel`] says how they use
//!   threads, and parallel results equal serial ones.
//! - [`Precision`] chooses f64 or double-double arithmetic for everything
//!   an engine compiles; [`Expr::eval_digits`] evaluates in N correct
//!   digits and [`Expr::accuracy`] reports where f64 loses them
//!   ([`Accuracy`], [`Loss`]).
//! - Every failure is an [`Error`] with an [`ErrorKind`], and a [`Span`]
//!   with a caret for errors in formula text.
//! - [`Session`] is the interactive session of the `exprjit` command, as a
//!   library type.
//!
//! No Cranelift, pest or rustyline type appears in this interface. See
//! `ARCHITECTURE.md` for the pipeline and its invariants.

mod alloc;
mod api;
mod bind;
mod dd;
mod digits;
mod error;
mod format;
mod functions;
mod interp;
mod ir;
mod jit;
mod kernels;
mod limits;
mod math;
mod native;
mod session;
mod simd;
mod syntax;
mod wide;

pub use api::{Compiled, Engine, Expr, Interpreter, eval, parse};
pub use bind::check_name;
pub use dd::Precision;
pub use digits::accuracy::{Accuracy, Loss};
pub use error::{Error, ErrorKind, Result, Span};
pub use format::format_f64;
pub use jit::Listing;
pub use kernels::{Compare, PairwiseKernel, QuadKernel, QuadRule, QuadStatus, Quadrature};
pub use kernels::{
    GridKernel, Input, Keep, MapKernel, Parallel, Recurrence, RecurrenceSpec, Reduce, ReduceKernel,
    Trajectory,
};
pub use kernels::{
    MAX_ODE_STATES, OdeKernel, OdeMethod, OdeOptions, OdeSolution, OdeSpec, OdeStats,
};
pub use limits::Limits;
pub use math::MathMode;
pub use native::NativeFn;
pub use session::{Reply, Report, Session, Timing, Value};
pub use simd::Width;

/// Internals for exprjit's own benches, tests and fuzz targets.
///
/// **Not part of the API**: anything here may change or go away in any
/// release, and nothing here is covered by semantic versioning.
#[doc(hidden)]
pub mod unstable {
    /// The digits mode as an exact reference for `f64` results: the error
    /// of a result in ulps of the exact value (tests/dd.rs).
    pub use crate::digits::ulps::UlpReference;
    pub use crate::functions::{MathFn, Registry, builtin_names};
    pub use crate::ir::lower::lower;
    pub use crate::ir::passes::{INT_POW_MAX_ULP, MAX_INT_POW, optimize};
    pub use crate::ir::{Callee, Id, Node, Program, ops};
    pub use crate::kernels::CHUNK;
    pub use crate::kernels::{MAX_GAUSS_POINTS, gauss_legendre, kronrod21};
    pub use crate::math::{Arith, Scalar};
    pub use crate::syntax::{Ast, parse as parse_syntax};

    /// The IR program of a parsed formula (rewritten, if rewrites are on).
    pub fn program(expr: &crate::Expr) -> &Program {
        expr.program()
    }
}

/// The README's examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
