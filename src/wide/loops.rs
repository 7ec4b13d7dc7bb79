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

/// `d[i] = f(a[i])` for `nv` vectors.
///
/// # Safety
///
/// `a` readable and `d` writable for `nv * W::LANES` f64s (they may be the
/// same array).
#[inline(always)]
unsafe fn map1<W: Wide>(
    mut w: W,
    a: *const f64,
    d: *mut f64,
    nv: usize,
    f: impl Fn(&mut W, W::F) -> W::F,
) {
    for i in 0..nv {
        let at = i * W::LANES;
        // SAFETY: `at + LANES <= nv * LANES`, inside both arrays.
        unsafe {
            let x = w.load(a.add(at));
            let r = f(&mut w, x);
            w.store(d.add(at), r);
        }
    }
}

/// `d[i] = f(a[i], b[i])`, an operand broadcast or not.
///
/// # Safety
///
/// As [`map1`], for every `Src::Ptr` operand.
#[inline(always)]
unsafe fn map2<W: Wide>(
    mut w: W,
    a: Src,
    b: Src,
    d: *mut f64,
    nv: usize,
    f: impl Fn(&mut W, W::F, W::F) -> W::F,
) {
    match (a, b) {
        (Src::Ptr(a), Src::Ptr(b)) => {
            for i in 0..nv {
                let at = i * W::LANES;
                // SAFETY: `at + LANES <= nv * LANES`, inside every array.
                unsafe {
                    let (x, y) = (w.load(a.add(at)), w.load(b.add(at)));
                    let r = f(&mut w, x, y);
                    w.store(d.add(at), r);
                }
            }
        }
        (Src::Ptr(a), Src::Splat(b)) => {
            let y = w.f(b);
            for i in 0..nv {
                let at = i * W::LANES;
                // SAFETY: as above.
                unsafe {
                    let x = w.load(a.add(at));
                    let r = f(&mut w, x, y);
                    w.store(d.add(at), r);
                }
            }
        }
        (Src::Splat(a), Src::Ptr(b)) => {
            let x = w.f(a);
            for i in 0..nv {
                let at = i * W::LANES;
                // SAFETY: as above.
                unsafe {
                    let y = w.load(b.add(at));
                    let r = f(&mut w, x, y);
                    w.store(d.add(at), r);
                }
            }
        }
        (Src::Splat(a), Src::Splat(b)) => {
            let (x, y) = (w.f(a), w.f(b));
            let r = f(&mut w, x, y);
            for i in 0..nv {
                // SAFETY: as above.
                unsafe { w.store(d.add(i * W::LANES), r) };
            }
        }
    }
}

/// `d[i] = f(a[i], b[i], c[i])`.
///
/// # Safety
///
/// As [`map1`], for all three operands.
#[inline(always)]
unsafe fn map3<W: Wide>(
    mut w: W,
    [a, b, c]: [*const f64; 3],
    d: *mut f64,
    nv: usize,
    f: impl Fn(&mut W, W::F, W::F, W::F) -> W::F,
) {
    for i in 0..nv {
        let at = i * W::LANES;
        // SAFETY: `at + LANES <= nv * LANES`, inside every array.
        unsafe {
            let (x, y, z) = (w.load(a.add(at)), w.load(b.add(at)), w.load(c.add(at)));
            let r = f(&mut w, x, y, z);
            w.store(d.add(at), r);
        }
    }
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
/// As [`map1`].
#[inline(always)]
unsafe fn unary<W: Wide>(w: W, op: UnaryOp, a: *const f64, d: *mut f64, nv: usize) {
    // SAFETY: (each arm) the caller's guarantee, passed on.
    unsafe {
        match op {
            UnaryOp::Neg => map1(w, a, d, nv, |w, x| w.neg(x)),
            UnaryOp::Not => map1(w, a, d, nv, |w, x| {
                let zero = w.f(0.0);
                let m = w.eq(x, zero);
                truth(w, m)
            }),
            UnaryOp::Abs => map1(w, a, d, nv, |w, x| w.abs(x)),
            UnaryOp::Sqrt => map1(w, a, d, nv, |w, x| w.sqrt(x)),
            UnaryOp::Floor => map1(w, a, d, nv, |w, x| w.floor(x)),
            UnaryOp::Ceil => map1(w, a, d, nv, |w, x| w.ceil(x)),
            UnaryOp::Trunc => map1(w, a, d, nv, |w, x| w.trunc(x)),
        }
    }
}

/// Two-operand step.
///
/// # Safety
///
/// As [`map2`].
#[inline(always)]
unsafe fn binary<W: Wide>(w: W, op: BinaryOp, a: Src, b: Src, d: *mut f64, nv: usize) {
    // SAFETY: (each arm) the caller's guarantee, passed on.
    unsafe {
        match op {
            BinaryOp::Add => map2(w, a, b, d, nv, |w, x, y| w.add(x, y)),
            BinaryOp::Sub => map2(w, a, b, d, nv, |w, x, y| w.sub(x, y)),
            BinaryOp::Mul => map2(w, a, b, d, nv, |w, x, y| w.mul(x, y)),
            BinaryOp::Div => map2(w, a, b, d, nv, |w, x, y| w.div(x, y)),
            BinaryOp::Lt => map2(w, a, b, d, nv, |w, x, y| {
                let m = w.lt(x, y);
                truth(w, m)
            }),
            BinaryOp::Le => map2(w, a, b, d, nv, |w, x, y| {
                let m = w.le(x, y);
                truth(w, m)
            }),
            BinaryOp::Gt => map2(w, a, b, d, nv, |w, x, y| {
                let m = w.lt(y, x);
                truth(w, m)
            }),
            BinaryOp::Ge => map2(w, a, b, d, nv, |w, x, y| {
                let m = w.le(y, x);
                truth(w, m)
            }),
            BinaryOp::Eq => map2(w, a, b, d, nv, |w, x, y| {
                let m = w.eq(x, y);
                truth(w, m)
            }),
            BinaryOp::Ne => map2(w, a, b, d, nv, |w, x, y| {
                let m = w.ne(x, y);
                truth(w, m)
            }),
            BinaryOp::And => map2(w, a, b, d, nv, |w, x, y| {
                let (p, q) = (nonzero(w, x), nonzero(w, y));
                let m = w.and(p, q);
                truth(w, m)
            }),
            BinaryOp::Or => map2(w, a, b, d, nv, |w, x, y| {
                let (p, q) = (nonzero(w, x), nonzero(w, y));
                let m = w.or(p, q);
                truth(w, m)
            }),
            BinaryOp::Min => map2(w, a, b, d, nv, |w, x, y| fmin(w, x, y)),
            BinaryOp::Max => map2(w, a, b, d, nv, |w, x, y| fmax(w, x, y)),
        }
    }
}

/// `if(c, a, b)` step.
///
/// # Safety
///
/// As [`map3`].
#[inline(always)]
unsafe fn select<W: Wide>(w: W, ops: [*const f64; 3], d: *mut f64, nv: usize) {
    // SAFETY: the caller's guarantee, passed on.
    unsafe {
        map3(w, ops, d, nv, |w, c, x, y| {
            let m = nonzero(w, c);
            w.select(m, x, y)
        })
    }
}

/// `fma(a, b, c)` step.
///
/// # Safety
///
/// As [`map3`].
#[inline(always)]
unsafe fn fma<W: Wide>(w: W, ops: [*const f64; 3], d: *mut f64, nv: usize) {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { map3(w, ops, d, nv, |w, x, y, z| w.fma(x, y, z)) }
}

/// `d[i] = $alg(a[i])` for `nv` vectors, the algorithm called directly
/// in the loop (a function item passed as a closure would be called
/// through a shim compiled without the width's features).
macro_rules! lanes1 {
    ($w:ident, $a:ident, $d:ident, $nv:ident, $alg:path) => {
        for i in 0..$nv {
            let at = i * W::LANES;
            // SAFETY: `at + LANES <= nv * LANES`, inside both arrays (the
            // caller's guarantee).
            unsafe {
                let x = $w.load($a.add(at));
                let r = $alg(&mut $w, x);
                $w.store($d.add(at), r);
            }
        }
    };
}

/// `d[i] = $alg(a[i], b[i])`, either operand possibly broadcast.
macro_rules! lanes2 {
    ($w:ident, $a:ident, $b:ident, $d:ident, $nv:ident, $alg:path) => {
        let load = |w: W, s: Src, at: usize| -> Option<W::F> {
            match s {
                // SAFETY: as in `lanes1`.
                Src::Ptr(p) => Some(unsafe { w.load(p.add(at)) }),
                Src::Splat(_) => None,
            }
        };
        let (xs, ys) = match ($a, $b) {
            (Src::Splat(x), Src::Splat(y)) => (Some($w.f(x)), Some($w.f(y))),
            (Src::Splat(x), _) => (Some($w.f(x)), None),
            (_, Src::Splat(y)) => (None, Some($w.f(y))),
            _ => (None, None),
        };
        for i in 0..$nv {
            let at = i * W::LANES;
            let x = match xs {
                Some(x) => x,
                None => load($w, $a, at).expect("an array operand"),
            };
            let y = match ys {
                Some(y) => y,
                None => load($w, $b, at).expect("an array operand"),
            };
            let r = $alg(&mut $w, x, y);
            // SAFETY: as in `lanes1`.
            unsafe { $w.store($d.add(at), r) };
        }
    };
}

/// A library function's inline form, on arrays. Returns false for a
/// function without one (the caller calls it lane by lane).
///
/// # Safety
///
/// As [`map2`]; `args` holds the function's arity of operands.
#[inline(always)]
unsafe fn math<W: Wide>(mut w: W, f: MathFn, args: &[Src], d: *mut f64, nv: usize) -> bool {
    let a = args[0];
    {
        match f {
            MathFn::Atan2 => {
                let b = args[1];
                lanes2!(w, a, b, d, nv, atan::atan2);
            }
            MathFn::Pow => {
                let b = args[1];
                lanes2!(w, a, b, d, nv, pow::pow);
            }
            _ => {
                // One operand, which varies (else the call would be hoisted).
                let Src::Ptr(p) = a else { return false };
                match f {
                    MathFn::Sin => {
                        lanes1!(w, p, d, nv, trig::sin);
                    }
                    MathFn::Cos => {
                        lanes1!(w, p, d, nv, trig::cos);
                    }
                    MathFn::Tan => {
                        lanes1!(w, p, d, nv, trig::tan);
                    }
                    MathFn::Asin => {
                        lanes1!(w, p, d, nv, asin::asin);
                    }
                    MathFn::Acos => {
                        lanes1!(w, p, d, nv, asin::acos);
                    }
                    MathFn::Atan => {
                        lanes1!(w, p, d, nv, atan::atan);
                    }
                    MathFn::Sinh => {
                        lanes1!(w, p, d, nv, exp::sinh);
                    }
                    MathFn::Cosh => {
                        lanes1!(w, p, d, nv, exp::cosh);
                    }
                    MathFn::Tanh => {
                        lanes1!(w, p, d, nv, exp::tanh);
                    }
                    MathFn::Exp => {
                        lanes1!(w, p, d, nv, exp::exp);
                    }
                    MathFn::Exp2 => {
                        lanes1!(w, p, d, nv, exp::exp2);
                    }
                    MathFn::Expm1 => {
                        lanes1!(w, p, d, nv, exp::expm1);
                    }
                    MathFn::Log => {
                        lanes1!(w, p, d, nv, log::log);
                    }
                    MathFn::Log2 => {
                        lanes1!(w, p, d, nv, log::log2);
                    }
                    MathFn::Log10 => {
                        lanes1!(w, p, d, nv, log::log10);
                    }
                    MathFn::Log1p => {
                        lanes1!(w, p, d, nv, log::log1p);
                    }
                    MathFn::Cbrt => {
                        lanes1!(w, p, d, nv, cbrt::cbrt);
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
/// As [`map1`], for both outputs.
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
/// As [`map2`], for `x`, every exponent and every output.
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
    /// As [`map1`].
    unsafe fn unary(self, op: UnaryOp, a: *const f64, d: *mut f64, nv: usize);
    /// See [`binary`].
    ///
    /// # Safety
    ///
    /// As [`map2`].
    unsafe fn binary(self, op: BinaryOp, a: Src, b: Src, d: *mut f64, nv: usize);
    /// See [`select`].
    ///
    /// # Safety
    ///
    /// As [`map3`].
    unsafe fn select(self, ops: [*const f64; 3], d: *mut f64, nv: usize);
    /// See [`fma`].
    ///
    /// # Safety
    ///
    /// As [`map3`].
    unsafe fn fma(self, ops: [*const f64; 3], d: *mut f64, nv: usize);
    /// See [`math`].
    ///
    /// # Safety
    ///
    /// As [`map2`].
    unsafe fn math(self, f: MathFn, args: &[Src], d: *mut f64, nv: usize) -> bool;
    /// See [`sin_cos`].
    ///
    /// # Safety
    ///
    /// As [`map1`], for both outputs.
    unsafe fn sin_cos(self, a: *const f64, ds: *mut f64, dc: *mut f64, nv: usize);
    /// See [`pow_group`].
    ///
    /// # Safety
    ///
    /// As [`map2`], for `x`, every exponent and every output.
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
