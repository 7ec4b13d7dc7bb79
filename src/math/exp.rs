//! `exp`, `exp2` and `expm1`.
//!
//! All three reduce to `x = k*ln2 + r` with `|r| <= ln2/2` (`expm1` uses
//! `k = 0` below 0.5), evaluate `e^r - 1 = r + r^2*Q(r)` with `Q` the
//! Taylor series to `r^15/15!` (truncation below 2^-60 relative), carry the
//! rounding errors of the reduction and of the last sums explicitly, and
//! scale by `2^k` in two steps so that no intermediate overflows or
//! underflows. A subnormal result is then rounded twice (to 53 bits, then to
//! the subnormal grid: up to 0.75 ulp there); `one_plus_scaled`, which `pow`
//! uses after the shared reduction `exp_parts`, rounds it once.

use super::Arith;
use super::util::{
    Rounded, clamp, divide, keep_zero, normalize, poly, pow2, round_mul, scale, two_sum,
    with_sign_of,
};

/// `1/ln2`.
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `ln2` to 32 bits: `k * LN2_HI` is exact for the `k` that occur.
const LN2_HI: f64 = 0.693_147_180_601_954_5;
/// `ln2 - LN2_HI`.
const LN2_LO: f64 = -4.200_915_072_681_084_6e-11;
/// `ln2` rounded to double.
const LN2: f64 = std::f64::consts::LN_2;
/// `ln2 - LN2`.
const LN2_TAIL: f64 = 2.319_046_813_846_299_6e-17;

const fn inverse_factorials<const N: usize>(first: u32) -> [f64; N] {
    let mut out = [0.0; N];
    let mut i = 0;
    let mut fact = 1.0;
    let mut n = 1;
    while n < first {
        n += 1;
        fact *= n as f64;
    }
    while i < N {
        out[i] = 1.0 / fact;
        n += 1;
        fact *= n as f64;
        i += 1;
    }
    out
}

/// `1/3!, 1/4!, …, 1/15!`: `(e^r - 1 - r - r^2/2) / r^3`.
const Q: [f64; 13] = inverse_factorials::<13>(3);

/// `e^(r + r_lo) - 1` as an unevaluated sum `(hi, lo)`, for `|r| <= 0.5`
/// and `|r_lo|` below an ulp of `r`: `r + r^2/2` exactly, plus a tail
/// (`r^3*Q(r)`, the rounding of `r^2`, and `r_lo*(1 + r)`) that is small
/// enough for its own rounding not to matter.
#[inline(always)]
fn expm1_reduced<A: Arith>(a: &mut A, r: A::F, r_lo: A::F) -> (A::F, A::F) {
    let z = a.mul(r, r);
    let nz = a.neg(z);
    let z_lo = a.fma(r, r, nz);
    let half = a.f(0.5);
    let h = a.mul(half, z); // exact
    let (s, e) = two_sum(a, r, h);
    let q = poly(a, r, &Q);
    let r3 = a.mul(r, z);
    let t = a.mul(r3, q);
    let t = a.fma(half, z_lo, t);
    let t = a.fma(r_lo, r, t);
    let t = a.add(t, r_lo);
    let tail = a.add(e, t);
    // Fast two-sum: |s| >= |tail|.
    let hi = a.add(s, tail);
    let d = a.sub(s, hi);
    let lo = a.add(d, tail);
    (hi, lo)
}

/// `1 + hi + lo`, rounded once (up to a tiny tail).
#[inline(always)]
fn one_plus<A: Arith>(a: &mut A, hi: A::F, lo: A::F) -> A::F {
    let one = a.f(1.0);
    let s = a.add(one, hi);
    let d = a.sub(one, s);
    let e = a.add(d, hi);
    let tail = a.add(e, lo);
    a.add(s, tail)
}

/// `x - k*ln2` as `(r, r_lo)`.
#[inline(always)]
fn reduce_ln2<A: Arith>(a: &mut A, x: A::F, kf: A::F) -> (A::F, A::F) {
    let nk = a.neg(kf);
    let ln2_hi = a.f(LN2_HI);
    let r_hi = a.fma(nk, ln2_hi, x); // exact
    let ln2_lo = a.f(LN2_LO);
    let p = a.mul(kf, ln2_lo);
    let r = a.sub(r_hi, p);
    let d = a.sub(r_hi, r);
    let r_lo = a.sub(d, p);
    (r, r_lo)
}

/// `e^(x + x_lo) = 2^k * (1 + hi + lo)` as `(hi, lo, k)`, for `|x| <= 746`
/// (callers clamp) and `x_lo` (if any) below an ulp of `x`: the one
/// reduction behind `exp`, `cosh`, `sinh` and `pow` (which passes the low
/// part of `y*log(x)`).
#[inline(always)]
pub(super) fn exp_parts<A: Arith>(
    a: &mut A,
    x: A::F,
    x_lo: Option<A::F>,
) -> (A::F, A::F, Rounded<A>) {
    let k = round_mul(a, x, INV_LN2);
    let (mut r, mut r_lo) = reduce_ln2(a, x, k.f);
    if let Some(x_lo) = x_lo {
        // |r| may be far below |x|: renormalize, so that |r_lo| stays
        // below an ulp of r.
        let t = a.add(r_lo, x_lo);
        (r, r_lo) = two_sum(a, r, t);
    }
    let (hi, lo) = expm1_reduced(a, r, r_lo);
    (hi, lo, k)
}

/// `2^k * (1 + hi + lo)` (the parts from [`exp_parts`]) rounded once,
/// subnormal results included: where the result is below 2^-1022,
/// `2^(k+1022) * (1 + hi + lo)` is added to 1 as a sum of two doubles, so
/// that the one rounding of that sum falls on the subnormal grid (`scale`
/// alone rounds `1 + hi + lo` to 53 bits first, up to 0.75 ulp there).
#[inline(always)]
pub(super) fn one_plus_scaled<A: Arith>(a: &mut A, hi: A::F, lo: A::F, k: &Rounded<A>) -> A::F {
    let e = one_plus(a, hi, lo);
    let normal = scale(a, e, k);
    // y = 2^(k+1022) * (1 + hi + lo) as (y, y_lo); all products exact.
    let bias = a.i(1022);
    let kk = a.iadd(k.i, bias);
    let sh = pow2(a, kk);
    let shh = a.mul(sh, hi);
    let y = a.add(sh, shh);
    let d = a.sub(sh, y); // exact
    let y_err = a.add(d, shh); // exact: |sh| >= |shh|
    let shl = a.mul(sh, lo);
    let y_lo = a.add(y_err, shl);
    // 1 + y + y_lo, rounded once at the grid of [1, 2).
    let one = a.f(1.0);
    let big = a.add(one, y);
    let d = a.sub(one, big); // exact
    let big_err = a.add(d, y); // exact
    let big_lo = a.add(big_err, y_lo);
    let rounded = a.add(big, big_lo);
    let frac = a.sub(rounded, one); // exact
    let tiny = a.f(f64::MIN_POSITIVE);
    let sub = a.mul(frac, tiny); // exact
    let limit = a.f(-1021.5);
    let low_k = a.lt(k.f, limit);
    let below = a.lt(y, one);
    let is_sub = a.and(low_k, below);
    a.select(is_sub, sub, normal)
}

/// `e^x`.
#[inline(always)]
pub(crate) fn exp<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let x = clamp(a, x, -746.0, 710.0);
    let (hi, lo, k) = exp_parts(a, x, None);
    let e = one_plus(a, hi, lo);
    scale(a, e, &k)
}

/// `2^x`.
#[inline(always)]
pub(crate) fn exp2<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let x = clamp(a, x, -1080.0, 1030.0);
    let k = round_mul(a, x, 1.0);
    let r = a.sub(x, k.f); // exact, |r| <= 1/2
    let ln2 = a.f(LN2);
    let u = a.mul(r, ln2);
    let nu = a.neg(u);
    let err = a.fma(r, ln2, nu);
    let tail = a.f(LN2_TAIL);
    let u_lo = a.fma(r, tail, err);
    let (hi, lo) = expm1_reduced(a, u, u_lo);
    let e = one_plus(a, hi, lo);
    scale(a, e, &k)
}

/// `e^x - 1`, accurate near 0.
#[inline(always)]
pub(crate) fn expm1<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let xc = clamp(a, x, -45.0, 710.0);
    let k0 = round_mul(a, xc, INV_LN2);
    let ax = a.abs(xc);
    let half = a.f(0.5);
    let small = a.lt(ax, half);
    let zero = a.f(0.0);
    let kf = a.select(small, zero, k0.f);
    let k: Rounded<A> = round_mul(a, kf, 1.0);
    let (r, r_lo) = reduce_ln2(a, xc, kf);
    let (u_hi, u_lo) = expm1_reduced(a, r, r_lo);

    // Moderate k (x <= 40): (2^k - 1) + 2^k*u_hi + 2^k*u_lo, the first two
    // summed exactly.
    let p = pow2(a, k.i);
    let one = a.f(1.0);
    let pm1 = a.sub(p, one); // exact for -53 <= k <= 53
    let back = a.sub(p, pm1); // exact
    let pm1_err = a.sub(back, one); // (p - 1) - pm1, exactly
    let b = a.mul(p, u_hi); // exact
    let (s, e) = two_sum(a, pm1, b);
    let c = a.mul(p, u_lo);
    let c = a.add(c, pm1_err);
    let tail = a.add(e, c);
    let moderate = a.add(s, tail);

    // Large x: e^x - 1 rounds to e^x.
    let e1 = one_plus(a, u_hi, u_lo);
    let large = scale(a, e1, &k);
    let forty = a.f(40.0);
    let is_large = a.lt(forty, xc);
    let v = a.select(is_large, large, moderate);
    keep_zero(a, x, v)
}

/// `e^x` as an unevaluated sum `(hi, lo)` (error near 2^-100 relative),
/// for `|x| <= 20`.
#[inline(always)]
fn exp_two_double<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F) {
    let k = round_mul(a, x, INV_LN2);
    let (r, r_lo) = reduce_ln2(a, x, k.f);
    let (u_hi, u_lo) = expm1_reduced(a, r, r_lo);
    let one = a.f(1.0);
    let s = a.add(one, u_hi);
    let d = a.sub(one, s);
    let e = a.add(d, u_hi);
    let lo = a.add(e, u_lo);
    let p = pow2(a, k.i); // 2^k, |k| <= 29: exact scaling
    let hi = a.mul(p, s);
    let lo = a.mul(p, lo);
    (hi, lo)
}

/// `e^x / 2` for `0 <= x <= 711` (and NaN), rounded once.
#[inline(always)]
fn half_exp<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let x = clamp(a, x, -746.0, 711.0);
    let (hi, lo, k) = exp_parts(a, x, None);
    let e = one_plus(a, hi, lo);
    let one = a.f(1.0);
    let one_i = a.i(1);
    let k = Rounded::<A> {
        f: a.sub(k.f, one),
        i: a.isub(k.i, one_i),
    };
    scale(a, e, &k)
}

/// A value as an unevaluated sum of two doubles.
type TwoDouble<A> = (<A as Arith>::F, <A as Arith>::F);

/// `(e^y ± e^-y)` for `y = min(|x|, 20)` as unevaluated sums:
/// `((sum, sum_lo), (difference, difference_lo))`.
#[inline(always)]
fn sum_and_difference<A: Arith>(a: &mut A, ax: A::F) -> (TwoDouble<A>, TwoDouble<A>) {
    let y = clamp(a, ax, 0.0, 20.0);
    let (e, e_lo) = exp_two_double(a, y);
    // 1/e as a sum of two doubles.
    let one = a.f(1.0);
    let zero = a.f(0.0);
    let (q, q_lo) = divide(a, one, zero, e, e_lo);
    let (s, se) = two_sum(a, e, q);
    let s_lo = a.add(e_lo, q_lo);
    let s_lo = a.add(se, s_lo);
    let nq = a.neg(q);
    let (d, de) = two_sum(a, e, nq);
    let d_lo = a.sub(e_lo, q_lo);
    let d_lo = a.add(de, d_lo);
    ((s, s_lo), (d, d_lo))
}

/// `1/3!, 1/5!, …, 1/17!`: `(sinh x - x) / x^3` in `x^2`.
const SINH_SERIES: [f64; 8] = every_other_inverse_factorial(3);

/// `1/4!, 1/6!, …, 1/18!`: `(cosh x - 1 - x^2/2) / x^4` in `x^2`.
const COSH_SERIES: [f64; 8] = every_other_inverse_factorial(4);

/// `1/n!, 1/(n+2)!, 1/(n+4)!, …`.
const fn every_other_inverse_factorial(first: u32) -> [f64; 8] {
    let mut fact = 1.0;
    let mut k = 2;
    while k <= first {
        fact *= k as f64;
        k += 1;
    }
    let mut out = [0.0; 8];
    let mut n = first;
    let mut i = 0;
    while i < 8 {
        out[i] = 1.0 / fact;
        fact *= ((n + 1) * (n + 2)) as f64;
        n += 2;
        i += 1;
    }
    out
}

/// For `|x| < 1/2`: `sinh x = x + t` and `cosh x = c + c_lo`, from their
/// series (no cancellation at small `x`).
#[inline(always)]
fn small_sinh_cosh<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F, A::F) {
    let z = a.mul(x, x);
    let nz = a.neg(z);
    let z_lo = a.fma(x, x, nz);
    let s = poly(a, z, &SINH_SERIES);
    let x3 = a.mul(x, z);
    let t = a.mul(x3, s);
    let c = poly(a, z, &COSH_SERIES);
    let zz = a.mul(z, z);
    let half = a.f(0.5);
    let hz = a.mul(half, z); // exact
    let one = a.f(1.0);
    let ch = a.add(one, hz);
    let d = a.sub(one, ch);
    let e = a.add(d, hz);
    let tail = a.fma(half, z_lo, e);
    let ch_lo = a.fma(zz, c, tail);
    (t, ch, ch_lo)
}

/// Hyperbolic cosine: `(e^|x| + e^-|x|)/2`, or `e^|x|/2` above 20.
#[inline(always)]
pub(crate) fn cosh<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let ((s, s_lo), _) = sum_and_difference(a, ax);
    let half = a.f(0.5);
    let v = a.add(s, s_lo);
    let small = a.mul(v, half);
    let large = half_exp(a, ax);
    let twenty = a.f(20.0);
    let is_large = a.lt(twenty, ax);
    a.select(is_large, large, small)
}

/// Hyperbolic sine: `(e^|x| - e^-|x|)/2` with the sign of `x` (no
/// cancellation: both exponentials carry ~100 bits), or `e^|x|/2` above 20.
#[inline(always)]
pub(crate) fn sinh<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let (_, (d, d_lo)) = sum_and_difference(a, ax);
    let half = a.f(0.5);
    let v = a.add(d, d_lo);
    let small = a.mul(v, half);
    let large = half_exp(a, ax);
    let twenty = a.f(20.0);
    let is_large = a.lt(twenty, ax);
    let v = a.select(is_large, large, small);
    let v = with_sign_of(a, v, x);
    // |x| < 1/2: the series.
    let (t, _, _) = small_sinh_cosh(a, x);
    let series = a.add(x, t);
    let lim = a.f(0.5);
    let is_small = a.lt(ax, lim);
    let v = a.select(is_small, series, v);
    keep_zero(a, x, v)
}

/// Hyperbolic tangent: the difference over the sum, or ±1 above 20.
#[inline(always)]
pub(crate) fn tanh<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let ((s, s_lo), (d, d_lo)) = sum_and_difference(a, ax);
    let (q, q_lo) = divide(a, d, d_lo, s, s_lo);
    let v = a.add(q, q_lo);
    let v = with_sign_of(a, v, x);
    // |x| < 1/2: sinh/cosh from the series, divided with a correction.
    let (t, c0, c0_lo) = small_sinh_cosh(a, x);
    // Both as normalized pairs before the corrected division.
    let (c, c_lo) = normalize(a, c0, c0_lo);
    let (n, n_lo) = normalize(a, x, t);
    let (q, q_lo) = divide(a, n, n_lo, c, c_lo);
    let series = a.add(q, q_lo);
    let lim = a.f(0.5);
    let is_small = a.lt(ax, lim);
    let v = a.select(is_small, series, v);
    keep_zero(a, x, v)
}
