//! The inner loops of the block evaluator, generic over the lane type, and
//! their per-width entry points compiled with the width's target features.
//!
//! Each entry point is a `#[target_feature]` function that instantiates a
//! generic loop on its lane type; everything below it is `#[inline(always)]`
//! (the loops, the [`Wide`] operations, the `crate::math` algorithms), so
//! the whole loop is compiled for the width's instructions.

#![allow(unsafe_code)]

use crate::functions::MathFn;
use crate::ir::{BinaryOp, UnaryOp};
use crate::math::{asin, atan, cbrt, exp, log, pow, trig};
use crate::simd::Wide;

/// An operand of a two-operand step: an array of lanes, or one value for
/// every lane.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Src {
    /// `nv * LANES` readable f64s.
    Ptr(*const f64),
    /// A broadcast value.
    Splat(f64),
}

/// `d[i] = body(x = a[i])` for `nv` vectors of lanes `w`, the body
/// expanded in the loop (a closure would be a function of its own, compiled
/// without the width's features unless inlined, which rustc does not
/// promise).
///
/// The expansion dereferences raw pointers: the caller guarantees `a`
/// readable and `d` writable for `nv * LANES` f64s (they may be the same).
macro_rules! each1 {
    ($w:ident, $a:expr, $d:expr, $nv:expr, |$x:ident| $body:expr) => {{
        let (a, d, nv): (*const f64, *mut f64, usize) = ($a, $d, $nv);
        for i in 0..nv {
            let at = i * W::LANES;
            // SAFETY: `at + LANES <= nv * LANES`, inside both arrays (the
            // caller's guarantee).
            let $x = unsafe { $w.load(a.add(at)) };
            let r = $body;
            // SAFETY: as above.
            unsafe { $w.store(d.add(at), r) };
        }
    }};
}

/// `d[i] = body(x = a[i], y = b[i])`, either operand possibly broadcast
/// (`Src::Splat`); as [`each1`] for every array operand.
macro_rules! each2 {
    ($w:ident, $a:expr, $b:expr, $d:expr, $nv:expr, |$x:ident, $y:ident| $body:expr) => {{
        let (a, b, d, nv): (Src, Src, *mut f64, usize) = ($a, $b, $d, $nv);
        match (a, b) {
            (Src::Ptr(a), Src::Ptr(b)) => {
                for i in 0..nv {
                    let at = i * W::LANES;
                    // SAFETY: `at + LANES <= nv * LANES`, inside every array
                    // (the caller's guarantee).
                    let ($x, $y) = unsafe { ($w.load(a.add(at)), $w.load(b.add(at))) };
                    let r = $body;
                    // SAFETY: as above.
                    unsafe { $w.store(d.add(at), r) };
                }
            }
            (Src::Ptr(a), Src::Splat(b)) => {
                let $y = $w.f(b);
                for i in 0..nv {
                    let at = i * W::LANES;
                    // SAFETY: as above.
                    let $x = unsafe { $w.load(a.add(at)) };
                    let r = $body;
                    // SAFETY: as above.
                    unsafe { $w.store(d.add(at), r) };
                }
            }
            (Src::Splat(a), Src::Ptr(b)) => {
                let $x = $w.f(a);
                for i in 0..nv {
                    let at = i * W::LANES;
                    // SAFETY: as above.
                    let $y = unsafe { $w.load(b.add(at)) };
                    let r = $body;
                    // SAFETY: as above.
                    unsafe { $w.store(d.add(at), r) };
                }
            }
            (Src::Splat(a), Src::Splat(b)) => {
                let ($x, $y) = ($w.f(a), $w.f(b));
                let r = $body;
                for i in 0..nv {
                    // SAFETY: as above.
                    unsafe { $w.store(d.add(i * W::LANES), r) };
                }
            }
        }
    }};
}

/// `d[i] = body(x = a[i], y = b[i], z = c[i])`; as [`each1`] for all three.
macro_rules! each3 {
    ($w:ident, $ops:expr, $d:expr, $nv:expr, |$x:ident, $y:ident, $z:ident| $body:expr) => {{
        let ([a, b, c], d, nv): ([*const f64; 3], *mut f64, usize) = ($ops, $d, $nv);
        for i in 0..nv {
            let at = i * W::LANES;
            // SAFETY: `at + LANES <= nv * LANES`, inside every array (the
            // caller's guarantee).
            let loaded = unsafe { ($w.load(a.add(at)), $w.load(b.add(at)), $w.load(c.add(at))) };
            let ($x, $y, $z) = loaded;
            let r = $body;
            // SAFETY: as above.
            unsafe { $w.store(d.add(at), r) };
        }
    }};
}

/// 1.0 where `m` holds, else 0.0 (`ops::truth`).
#[inline(always)]
fn truth<W: Wide>(w: &mut W, m: W::M) -> W::F {
    let (one, zero) = (w.f(1.0), w.f(0.0));
    w.select(m, one, zero)
}

/// `ops::fmin` per lane.
#[inline(always)]
fn fmin<W: Wide>(w: &mut W, a: W::F, b: W::F) -> W::F {
    let (ab, bb) = (w.bits_of(a), w.bits_of(b));
    let either = w.ior(ab, bb);
    let tie = w.float_of(either);
    let b_less = w.lt(b, a);
    let r = w.select(b_less, b, tie);
    let a_less = w.lt(a, b);
    let r = w.select(a_less, a, r);
    let b_nan = w.is_nan(b);
    let r = w.select(b_nan, a, r);
    let a_nan = w.is_nan(a);
    w.select(a_nan, b, r)
}

/// `ops::fmax` per lane.
#[inline(always)]
fn fmax<W: Wide>(w: &mut W, a: W::F, b: W::F) -> W::F {
    let (ab, bb) = (w.bits_of(a), w.bits_of(b));
    let both = w.iand(ab, bb);
    let tie = w.float_of(both);
    let b_more = w.lt(a, b);
    let r = w.select(b_more, b, tie);
    let a_more = w.lt(b, a);
    let r = w.select(a_more, a, r);
    let b_nan = w.is_nan(b);
    let r = w.select(b_nan, a, r);
    let a_nan = w.is_nan(a);
    w.select(a_nan, b, r)
}

/// `a != 0` per lane (NaN is true).
#[inline(always)]
fn nonzero<W: Wide>(w: &mut W, a: W::F) -> W::M {
    let zero = w.f(0.0);
    w.ne(a, zero)
}

/// One-operand step.
///
/// # Safety
///
/// As [`each1`].
#[inline(always)]
unsafe fn unary<W: Wide>(mut w: W, op: UnaryOp, a: *const f64, d: *mut f64, nv: usize) {
    match op {
        UnaryOp::Neg => each1!(w, a, d, nv, |x| w.neg(x)),
        UnaryOp::Not => each1!(w, a, d, nv, |x| {
            let zero = w.f(0.0);
            let m = w.eq(x, zero);
            truth(&mut w, m)
        }),
        UnaryOp::Abs => each1!(w, a, d, nv, |x| w.abs(x)),
        UnaryOp::Sqrt => each1!(w, a, d, nv, |x| w.sqrt(x)),
        UnaryOp::Floor => each1!(w, a, d, nv, |x| w.floor(x)),
        UnaryOp::Ceil => each1!(w, a, d, nv, |x| w.ceil(x)),
        UnaryOp::Trunc => each1!(w, a, d, nv, |x| w.trunc(x)),
    }
}

/// Two-operand step.
///
/// # Safety
///
/// As [`each2`].
#[inline(always)]
unsafe fn binary<W: Wide>(mut w: W, op: BinaryOp, a: Src, b: Src, d: *mut f64, nv: usize) {
    /// The comparison `m` as 1.0 or 0.0.
    macro_rules! compare {
        (|$x:ident, $y:ident| $m:expr) => {
            each2!(w, a, b, d, nv, |$x, $y| {
                let m = $m;
                truth(&mut w, m)
            })
        };
    }
    match op {
        BinaryOp::Add => each2!(w, a, b, d, nv, |x, y| w.add(x, y)),
        BinaryOp::Sub => each2!(w, a, b, d, nv, |x, y| w.sub(x, y)),
        BinaryOp::Mul => each2!(w, a, b, d, nv, |x, y| w.mul(x, y)),
        BinaryOp::Div => each2!(w, a, b, d, nv, |x, y| w.div(x, y)),
        BinaryOp::Lt => compare!(|x, y| w.lt(x, y)),
        BinaryOp::Le => compare!(|x, y| w.le(x, y)),
        BinaryOp::Gt => compare!(|x, y| w.lt(y, x)),
        BinaryOp::Ge => compare!(|x, y| w.le(y, x)),
        BinaryOp::Eq => compare!(|x, y| w.eq(x, y)),
        BinaryOp::Ne => compare!(|x, y| w.ne(x, y)),
        BinaryOp::And => compare!(|x, y| {
            let (p, q) = (nonzero(&mut w, x), nonzero(&mut w, y));
            w.and(p, q)
        }),
        BinaryOp::Or => compare!(|x, y| {
            let (p, q) = (nonzero(&mut w, x), nonzero(&mut w, y));
            w.or(p, q)
        }),
        BinaryOp::Min => each2!(w, a, b, d, nv, |x, y| fmin(&mut w, x, y)),
        BinaryOp::Max => each2!(w, a, b, d, nv, |x, y| fmax(&mut w, x, y)),
    }
}

/// `if(c, a, b)` step.
///
/// # Safety
///
/// As [`each3`].
#[inline(always)]
unsafe fn select<W: Wide>(mut w: W, ops: [*const f64; 3], d: *mut f64, nv: usize) {
    each3!(w, ops, d, nv, |c, x, y| {
        let m = nonzero(&mut w, c);
        w.select(m, x, y)
    })
}

/// `fma(a, b, c)` step.
///
/// # Safety
///
/// As [`each3`].
#[inline(always)]
unsafe fn fma<W: Wide>(mut w: W, ops: [*const f64; 3], d: *mut f64, nv: usize) {
    each3!(w, ops, d, nv, |x, y, z| w.fma(x, y, z))
}

/// A library function's inline form, on arrays. Returns false for a
/// function without one (the caller calls it lane by lane).
///
/// # Safety
///
/// As [`each2`]; `args` holds the function's arity of operands.
#[inline(always)]
unsafe fn math<W: Wide>(mut w: W, f: MathFn, args: &[Src], d: *mut f64, nv: usize) -> bool {
    let a = args[0];
    {
        match f {
            MathFn::Atan2 => {
                let b = args[1];
                each2!(w, a, b, d, nv, |x, y| atan::atan2(&mut w, x, y));
            }
            MathFn::Pow => {
                let b = args[1];
                each2!(w, a, b, d, nv, |x, y| pow::pow(&mut w, x, y));
            }
            _ => {
                // One operand, which varies (else the call would be hoisted).
                let Src::Ptr(p) = a else { return false };
                match f {
                    MathFn::Sin => {
                        each1!(w, p, d, nv, |x| trig::sin(&mut w, x));
                    }
                    MathFn::Cos => {
                        each1!(w, p, d, nv, |x| trig::cos(&mut w, x));
                    }
                    MathFn::Tan => {
                        each1!(w, p, d, nv, |x| trig::tan(&mut w, x));
                    }
                    MathFn::Asin => {
                        each1!(w, p, d, nv, |x| asin::asin(&mut w, x));
                    }
                    MathFn::Acos => {
                        each1!(w, p, d, nv, |x| asin::acos(&mut w, x));
                    }
                    MathFn::Atan => {
                        each1!(w, p, d, nv, |x| atan::atan(&mut w, x));
                    }
                    MathFn::Sinh => {
                        each1!(w, p, d, nv, |x| exp::sinh(&mut w, x));
                    }
                    MathFn::Cosh => {
                        each1!(w, p, d, nv, |x| exp::cosh(&mut w, x));
                    }
                    MathFn::Tanh => {
                        each1!(w, p, d, nv, |x| exp::tanh(&mut w, x));
                    }
                    MathFn::Exp => {
                        each1!(w, p, d, nv, |x| exp::exp(&mut w, x));
                    }
                    MathFn::Exp2 => {
                        each1!(w, p, d, nv, |x| exp::exp2(&mut w, x));
                    }
                    MathFn::Expm1 => {
                        each1!(w, p, d, nv, |x| exp::expm1(&mut w, x));
                    }
                    MathFn::Log => {
                        each1!(w, p, d, nv, |x| log::log(&mut w, x));
                    }
                    MathFn::Log2 => {
                        each1!(w, p, d, nv, |x| log::log2(&mut w, x));
                    }
                    MathFn::Log10 => {
                        each1!(w, p, d, nv, |x| log::log10(&mut w, x));
                    }
                    MathFn::Log1p => {
                        each1!(w, p, d, nv, |x| log::log1p(&mut w, x));
                    }
                    MathFn::Cbrt => {
                        each1!(w, p, d, nv, |x| cbrt::cbrt(&mut w, x));
                    }
                    _ => return false,
                }
            }
        }
    }
    true
}

/// `ds[i], dc[i] = sin(a[i]), cos(a[i])`, sharing the reduction.
///
/// # Safety
///
/// As [`each1`], for both outputs.
#[inline(always)]
unsafe fn sin_cos<W: Wide>(mut w: W, a: *const f64, ds: *mut f64, dc: *mut f64, nv: usize) {
    for i in 0..nv {
        let at = i * W::LANES;
        // SAFETY: `at + LANES <= nv * LANES`, inside every array.
        unsafe {
            let x = w.load(a.add(at));
            let (s, c) = trig::sin_cos(&mut w, x);
            w.store(ds.add(at), s);
            w.store(dc.add(at), c);
        }
    }
}

/// `ds[k][i] = pow(x[i], ys[k][i])` for every `k`, `log|x|` computed once.
///
/// # Safety
///
/// As [`each2`], for `x`, every exponent and every output.
#[inline(always)]
unsafe fn pow_group<W: Wide>(mut w: W, x: *const f64, ys: &[Src], ds: &[*mut f64], nv: usize) {
    for i in 0..nv {
        let at = i * W::LANES;
        // SAFETY: `at + LANES <= nv * LANES`, inside every array.
        let xv = unsafe { w.load(x.add(at)) };
        let (l, l_lo) = pow::pow_log(&mut w, xv);
        for (y, &d) in ys.iter().zip(ds) {
            let yv = match *y {
                // SAFETY: as above.
                Src::Ptr(p) => unsafe { w.load(p.add(at)) },
                Src::Splat(v) => w.f(v),
            };
            let r = pow::pow_with_log(&mut w, xv, yv, l, l_lo);
            // SAFETY: as above.
            unsafe { w.store(d.add(at), r) };
        }
    }
}

/// The block evaluator's operations for one lane type, each compiled with
/// that width's instructions.
pub(crate) trait Kernels: Wide {
    /// See [`unary`].
    ///
    /// # Safety
    ///
    /// As [`each1`].
    unsafe fn unary(self, op: UnaryOp, a: *const f64, d: *mut f64, nv: usize);
    /// See [`binary`].
    ///
    /// # Safety
    ///
    /// As [`each2`].
    unsafe fn binary(self, op: BinaryOp, a: Src, b: Src, d: *mut f64, nv: usize);
    /// See [`select`].
    ///
    /// # Safety
    ///
    /// As [`each3`].
    unsafe fn select(self, ops: [*const f64; 3], d: *mut f64, nv: usize);
    /// See [`fma`].
    ///
    /// # Safety
    ///
    /// As [`each3`].
    unsafe fn fma(self, ops: [*const f64; 3], d: *mut f64, nv: usize);
    /// See [`math`].
    ///
    /// # Safety
    ///
    /// As [`each2`].
    unsafe fn math(self, f: MathFn, args: &[Src], d: *mut f64, nv: usize) -> bool;
    /// See [`sin_cos`].
    ///
    /// # Safety
    ///
    /// As [`each1`], for both outputs.
    unsafe fn sin_cos(self, a: *const f64, ds: *mut f64, dc: *mut f64, nv: usize);
    /// See [`pow_group`].
    ///
    /// # Safety
    ///
    /// As [`each2`], for `x`, every exponent and every output.
    unsafe fn pow_group(self, x: *const f64, ys: &[Src], ds: &[*mut f64], nv: usize);
}

/// Implements [`Kernels`] for a lane type with its target features.
macro_rules! kernels {
    ($lanes:ty, $features:literal) => {
        impl Kernels for $lanes {
            unsafe fn unary(self, op: UnaryOp, a: *const f64, d: *mut f64, nv: usize) {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, op: UnaryOp, a: *const f64, d: *mut f64, nv: usize) {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { unary(w, op, a, d, nv) }
                }
                // SAFETY: a value of this lane type exists only on a CPU with
                // these features; the pointers are the caller's guarantee.
                unsafe { go(self, op, a, d, nv) }
            }
            unsafe fn binary(self, op: BinaryOp, a: Src, b: Src, d: *mut f64, nv: usize) {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, op: BinaryOp, a: Src, b: Src, d: *mut f64, nv: usize) {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { binary(w, op, a, b, d, nv) }
                }
                // SAFETY: as in `unary`.
                unsafe { go(self, op, a, b, d, nv) }
            }
            unsafe fn select(self, ops: [*const f64; 3], d: *mut f64, nv: usize) {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, ops: [*const f64; 3], d: *mut f64, nv: usize) {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { select(w, ops, d, nv) }
                }
                // SAFETY: as in `unary`.
                unsafe { go(self, ops, d, nv) }
            }
            unsafe fn fma(self, ops: [*const f64; 3], d: *mut f64, nv: usize) {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, ops: [*const f64; 3], d: *mut f64, nv: usize) {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { fma(w, ops, d, nv) }
                }
                // SAFETY: as in `unary`.
                unsafe { go(self, ops, d, nv) }
            }
            unsafe fn math(self, f: MathFn, args: &[Src], d: *mut f64, nv: usize) -> bool {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, f: MathFn, args: &[Src], d: *mut f64, nv: usize) -> bool {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { math(w, f, args, d, nv) }
                }
                // SAFETY: as in `unary`.
                unsafe { go(self, f, args, d, nv) }
            }
            unsafe fn sin_cos(self, a: *const f64, ds: *mut f64, dc: *mut f64, nv: usize) {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, a: *const f64, ds: *mut f64, dc: *mut f64, nv: usize) {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { sin_cos(w, a, ds, dc, nv) }
                }
                // SAFETY: as in `unary`.
                unsafe { go(self, a, ds, dc, nv) }
            }
            unsafe fn pow_group(self, x: *const f64, ys: &[Src], ds: &[*mut f64], nv: usize) {
                #[target_feature(enable = $features)]
                unsafe fn go(w: $lanes, x: *const f64, ys: &[Src], ds: &[*mut f64], nv: usize) {
                    // SAFETY: the caller's guarantee, passed on.
                    unsafe { pow_group(w, x, ys, ds, nv) }
                }
                // SAFETY: as in `unary`.
                unsafe { go(self, x, ys, ds, nv) }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
kernels!(crate::simd::x4::X4, "avx2,fma");
#[cfg(target_arch = "x86_64")]
kernels!(crate::simd::x8::X8, "avx512f,avx2,fma");
