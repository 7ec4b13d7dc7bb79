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
//! This module never imports Cranelift.

mod asin;
mod atan;
mod cbrt;
mod exp;
mod log;
mod pow;
mod pow_tables;
mod scalar;
mod trig;
mod util;

pub use scalar::Scalar;

use crate::functions::{MathFn, NativeFn};

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

/// Whether `f` has an inline form (in [`MathMode::Fast`]).
pub fn has_inline(f: MathFn) -> bool {
    fast_fn(f).is_some()
}

/// Emits (or, on [`Scalar`], computes) the inline form of `f` on `args`.
///
/// # Panics
///
/// If `f` has no inline form ([`has_inline`]) or `args` is not `f`'s arity.
pub fn inline<A: Arith>(a: &mut A, f: MathFn, args: &[A::F]) -> A::F {
    let x = args[0];
    match f {
        MathFn::Sin => trig::sin(a, x),
        MathFn::Cos => trig::cos(a, x),
        MathFn::Tan => trig::tan(a, x),
        MathFn::Asin => asin::asin(a, x),
        MathFn::Acos => asin::acos(a, x),
        MathFn::Atan => atan::atan(a, x),
        MathFn::Atan2 => atan::atan2(a, x, args[1]),
        MathFn::Cbrt => cbrt::cbrt(a, x),
        MathFn::Sinh => exp::sinh(a, x),
        MathFn::Cosh => exp::cosh(a, x),
        MathFn::Tanh => exp::tanh(a, x),
        MathFn::Exp => exp::exp(a, x),
        MathFn::Exp2 => exp::exp2(a, x),
        MathFn::Expm1 => exp::expm1(a, x),
        MathFn::Log => log::log(a, x),
        MathFn::Log2 => log::log2(a, x),
        MathFn::Log10 => log::log10(a, x),
        MathFn::Log1p => log::log1p(a, x),
        MathFn::Pow => pow::pow(a, x, args[1]),
        other => panic!("`{}` has no inline form", other.name()),
    }
}

macro_rules! scalar_forms {
    ($($name:ident => $f:ident;)*) => {
        $(extern "C" fn $name(x: f64) -> f64 {
            inline(&mut Scalar, MathFn::$f, &[x])
        })*
    };
    (arity 2: $($name:ident => $f:ident;)*) => {
        $(extern "C" fn $name(x: f64, y: f64) -> f64 {
            inline(&mut Scalar, MathFn::$f, &[x, y])
        })*
    };
}

scalar_forms! {
    fast_sin => Sin;
    fast_cos => Cos;
    fast_tan => Tan;
    fast_asin => Asin;
    fast_acos => Acos;
    fast_atan => Atan;
    fast_cbrt => Cbrt;
    fast_sinh => Sinh;
    fast_cosh => Cosh;
    fast_tanh => Tanh;
    fast_exp => Exp;
    fast_exp2 => Exp2;
    fast_expm1 => Expm1;
    fast_log => Log;
    fast_log2 => Log2;
    fast_log10 => Log10;
    fast_log1p => Log1p;
}

scalar_forms! {
    arity 2:
    fast_atan2 => Atan2;
    fast_pow => Pow;
}

/// The inline (fast-mode) form of `f` as a scalar function: what the
/// interpreter and constant folding call in [`MathMode::Fast`]. `None` where
/// `f` has no inline form and calls the C library in both modes.
///
/// ```
/// use exprjit::functions::MathFn;
/// let cos = exprjit::math::fast_fn(MathFn::Cos).unwrap();
/// let exprjit::NativeFn::Arity1(cos) = cos else { unreachable!() };
/// assert_eq!(cos(0.0), 1.0);
/// ```
pub fn fast_fn(f: MathFn) -> Option<NativeFn> {
    use NativeFn::{Arity1 as A1, Arity2 as A2};
    Some(match f {
        MathFn::Sin => A1(fast_sin),
        MathFn::Cos => A1(fast_cos),
        MathFn::Tan => A1(fast_tan),
        MathFn::Asin => A1(fast_asin),
        MathFn::Acos => A1(fast_acos),
        MathFn::Atan => A1(fast_atan),
        MathFn::Atan2 => A2(fast_atan2),
        MathFn::Cbrt => A1(fast_cbrt),
        MathFn::Sinh => A1(fast_sinh),
        MathFn::Cosh => A1(fast_cosh),
        MathFn::Tanh => A1(fast_tanh),
        MathFn::Exp => A1(fast_exp),
        MathFn::Exp2 => A1(fast_exp2),
        MathFn::Expm1 => A1(fast_expm1),
        MathFn::Log => A1(fast_log),
        MathFn::Log2 => A1(fast_log2),
        MathFn::Log10 => A1(fast_log10),
        MathFn::Log1p => A1(fast_log1p),
        MathFn::Pow => A2(fast_pow),
        _ => return None,
    })
}
