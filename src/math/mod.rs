//! Inline math: the algorithms behind `sin`, `cos`, `exp`, `log`, … in
//! [`MathMode::Fast`], written once over the [`Arith`] operations.
//!
//! Each algorithm is a generic function of an [`Arith`] implementation. The
//! interpreter (and constant folding) run it on plain `f64`s ([`Scalar`]);
//! the code generator runs the very same function on Cranelift values, on
//! scalars or on f64x2 lanes (`jit::mathgen`). Every [`Arith`] operation is
//! exactly specified (IEEE arithmetic, `fma` with one rounding, integer
//! operations on the bits, per-lane selects), so both give the same bits.
//!
//! Which function has which algorithm is a column of the function table
//! (`crate::functions`), which dispatches to the algorithms here. This
//! module imports nothing of the crate but [`NativeFn`], and never
//! Cranelift.

pub(crate) mod asin;
pub(crate) mod atan;
pub(crate) mod cbrt;
pub(crate) mod exp;
pub(crate) mod log;
pub(crate) mod pow;
mod pow_tables;
mod scalar;
pub(crate) mod trig;
mod util;

pub use scalar::Scalar;

use crate::native::NativeFn;

/// Which implementation of the library functions formulas call.
///
/// ```
/// use exprjit::{Engine, MathMode};
/// let fast = Engine::new().parse("cos(x)")?;
/// let libm = Engine::new().with_math(MathMode::Libm).parse("cos(x)")?;
/// let (a, b) = (fast.eval(&[("x", 1.0)])?, libm.eval(&[("x", 1.0)])?);
/// assert!((a - b).abs() <= f64::EPSILON * b.abs());
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MathMode {
    /// exprjit's own algorithms, inline in the generated code on SIMD lanes
    /// (within 1 ulp; see the README's accuracy table). Functions without
    /// an inline form call the C library as in `Libm`.
    #[default]
    Fast,
    /// Calls to the system C library (glibc), one per lane.
    Libm,
}

impl MathMode {
    /// `"fast"` or `"libm"`.
    pub fn name(self) -> &'static str {
        match self {
            MathMode::Fast => "fast",
            MathMode::Libm => "libm",
        }
    }

    /// Reads `"fast"` or `"libm"`.
    pub fn from_name(name: &str) -> Option<MathMode> {
        match name {
            "fast" => Some(MathMode::Fast),
            "libm" => Some(MathMode::Libm),
            _ => None,
        }
    }
}

/// The operations the inline algorithms are written in.
///
/// `F` is a float (one `f64`, or a vector of lanes), `I` the same number of
/// 64-bit integers, `M` a per-lane truth mask. Integer operations wrap.
pub trait Arith {
    /// A float value.
    type F: Copy;
    /// A 64-bit integer value (float bits).
    type I: Copy;
    /// A per-lane condition.
    type M: Copy;

    /// A float constant.
    fn f(&mut self, v: f64) -> Self::F;
    /// An integer constant.
    fn i(&mut self, v: u64) -> Self::I;
    /// `a + b`.
    fn add(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a - b`.
    fn sub(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b`.
    fn mul(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a / b`.
    fn div(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b + c`, rounded once.
    fn fma(&mut self, a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    /// `-a`.
    fn neg(&mut self, a: Self::F) -> Self::F;
    /// `|a|`.
    fn abs(&mut self, a: Self::F) -> Self::F;
    /// `sqrt(a)`, correctly rounded.
    fn sqrt(&mut self, a: Self::F) -> Self::F;
    /// `a < b` (false when either is NaN).
    fn lt(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// `a <= b` (false when either is NaN).
    fn le(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// `a == b` (false when either is NaN).
    fn eq(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// `a` is NaN.
    fn is_nan(&mut self, a: Self::F) -> Self::M;
    /// Both conditions.
    fn and(&mut self, a: Self::M, b: Self::M) -> Self::M;
    /// Either condition.
    fn or(&mut self, a: Self::M, b: Self::M) -> Self::M;
    /// The opposite condition.
    fn not(&mut self, a: Self::M) -> Self::M;
    /// `m ? a : b` per lane.
    fn select(&mut self, m: Self::M, a: Self::F, b: Self::F) -> Self::F;
    /// The bits of a float.
    fn bits_of(&mut self, a: Self::F) -> Self::I;
    /// The float with these bits.
    fn float_of(&mut self, a: Self::I) -> Self::F;
    /// `a + b`, wrapping.
    fn iadd(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// `a - b`, wrapping.
    fn isub(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// `a & b`.
    fn iand(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// `a | b`.
    fn ior(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// `a ^ b`.
    fn ixor(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// `a << n`.
    fn shl(&mut self, a: Self::I, n: u32) -> Self::I;
    /// `a >> n`, logical.
    fn ushr(&mut self, a: Self::I, n: u32) -> Self::I;
    /// `table[index & (table.len() - 1)]` per lane: an entry (of 1, 2 or 4
    /// values) of a constant table, the index masked to the table, so that
    /// no index reaches outside it.
    ///
    /// # Panics
    ///
    /// If `table.len()` is not a power of two, or `W` not 1, 2 or 4.
    fn lookup<const W: usize>(
        &mut self,
        table: &'static [[f64; W]],
        index: Self::I,
    ) -> [Self::F; W];
    /// `value`, except in the lanes where `cond` holds, where it is `slow`
    /// called on those lanes of `args` (a rarely taken path: huge arguments
    /// of `sin` and friends).
    fn fallback(
        &mut self,
        cond: Self::M,
        value: Self::F,
        args: &[Self::F],
        slow: NativeFn,
    ) -> Self::F;
}
