//! `asin` and `acos`, as angles of the point `(sqrt(1 - x^2), x)`.
//!
//! `c = sqrt(1 - x^2)` is computed as a sum of two doubles: `x^2` exactly
//! by `fma`, `1 - x^2` as an exact sum, renormalized, then its square root
//! with the remainder (exact by `fma`) as correction, good to about 2^-100
//! relative even next to `|x| = 1`, where `1 - x^2` cancels. Then
//! `asin x = ±atan(|x|/c)` and `acos x = atan(c/x)` (plus `pi` for a
//! negative `x`), both through [`angle`], which divides the smaller by the
//! larger and folds and sums as `atan` does (see `atan.rs` for the error
//! budget): `c`'s error adds nothing visible, and the results stay below
//! 0.75 ulp (the README's table).
//!
//! Special values come out of the same arithmetic: `|x| > 1`, ±inf and NaN
//! give NaN (the square root of a negative number); `asin(±0) = ±0`,
//! `asin(±1) = ±pi/2`, `acos(1) = +0`, `acos(-1) = pi`; a subnormal `x` is
//! its own `asin` (a quotient below 2^-60).

use super::Arith;
use super::atan::angle;
use super::util::{normalize, two_prod, with_sign_of};

/// `sqrt(1 - |x|^2)` as `(c, c_lo)`; NaN where `|x| > 1`.
#[inline(always)]
fn cosine<A: Arith>(a: &mut A, ax: A::F) -> (A::F, A::F) {
    let (p, pe) = two_prod(a, ax, ax);
    let (zero, one) = (a.f(0.0), a.f(1.0));
    let np = a.neg(p);
    let (h, he) = normalize(a, one, np);
    let l = a.sub(he, pe);
    let (h, l) = normalize(a, h, l);
    // sqrt(h + l) = s + (h - s^2 + l) / 2s, to second order.
    let s = a.sqrt(h);
    let ns = a.neg(s);
    let r = a.fma(ns, s, h);
    let r = a.add(r, l);
    let twice = a.add(s, s);
    let c_lo = a.div(r, twice);
    // |x| = 1: c = 0 exactly (and 0/0 above).
    let is_zero = a.eq(s, zero);
    let c_lo = a.select(is_zero, zero, c_lo);
    (s, c_lo)
}

/// Arcsine: the angle of `(c, |x|)`, with the sign of `x`.
#[inline(always)]
pub(crate) fn asin<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let c = cosine(a, ax);
    let zero = a.f(0.0);
    let v = angle(a, (ax, zero), c, None);
    with_sign_of(a, v, x)
}

/// Arccosine: the angle of `(x, c)`, in `[0, pi]`.
#[inline(always)]
pub(crate) fn acos<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let c = cosine(a, ax);
    let zero = a.f(0.0);
    let x_neg = a.lt(x, zero);
    angle(a, c, (ax, zero), Some(x_neg))
}
