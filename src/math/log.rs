//! `log`, `log2`, `log10` and `log1p`.
//!
//! `x = 2^k * m` with `sqrt(1/2) <= m < sqrt(2)`, `f = m - 1`, and
//! `log(1 + f) = f - f^2/2 + s*(f^2/2 + R)` with `s = f/(2 + f)` and `R` the
//! series of `2*atanh(s)/s - 2` in `s^2` (to `s^22`, truncation below 2^-60
//! relative). `f - f^2/2` is kept as a sum of two doubles, so that scaling by
//! `1/ln2` or `1/ln10` and adding `k` round only once at the end.

use super::Arith;
use super::util::{keep_zero, poly, split_exponent, two_sum};

/// `ln2` to 32 bits: `k * LN2_HI` is exact.
pub(super) const LN2_HI: f64 = 0.693_147_180_601_954_5;
/// `ln2 - LN2_HI`.
pub(super) const LN2_LO: f64 = -4.200_915_072_681_084_6e-11;
/// `1/ln2` and its tail.
const INV_LN2: f64 = std::f64::consts::LOG2_E;
const INV_LN2_LO: f64 = 2.035_527_374_093_103_3e-17;
/// `1/ln10` and its tail.
const INV_LN10: f64 = std::f64::consts::LOG10_E;
const INV_LN10_LO: f64 = 1.098_319_650_216_765e-17;
/// `log10(2)` to 32 bits, and the rest.
const LOG10_2_HI: f64 = 0.301_029_995_665_885_5;
const LOG10_2_LO: f64 = -1.904_312_846_716_427_4e-12;

/// `2/3, 2/5, …, 2/23`.
const R: [f64; 11] = {
    let mut out = [0.0; 11];
    let mut i = 0;
    while i < 11 {
        out[i] = 2.0 / (2 * i + 3) as f64;
        i += 1;
    }
    out
};

/// `x = 2^k * m` as `(k, m)`, `k` an integer-valued float and
/// `sqrt(1/2) <= m < sqrt(2)`, for positive finite `x` (subnormals
/// included; other inputs give meaningless parts).
#[inline(always)]
fn split<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F) {
    // Subnormals: scale into the normal range first.
    let min_normal = a.f(f64::MIN_POSITIVE);
    let tiny = a.lt(x, min_normal);
    let two54 = a.f(18_014_398_509_481_984.0);
    let scaled = a.mul(x, two54);
    let xs = a.select(tiny, scaled, x);
    let zero = a.f(0.0);
    let fifty_four = a.f(54.0);
    let adjust = a.select(tiny, fifty_four, zero);

    // Shift the exponent boundary from 1 to sqrt(1/2).
    const SQRT_HALF_HI: u64 = 0x3FE6_A09E_0000_0000;
    let (k, m, _) = split_exponent(a, xs, SQRT_HALF_HI);
    let kf = a.sub(k, adjust);
    (kf, m)
}

/// `log(x) = k*ln2 + hi + lo` for positive finite `x` (other inputs give
/// meaningless parts; callers select the special results).
#[inline(always)]
fn log_parts<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F, A::F) {
    let (kf, m) = split(a, x);
    let one = a.f(1.0);
    let f = a.sub(m, one); // exact
    let two = a.f(2.0);
    let d = a.add(two, f);
    let s = a.div(f, d);
    let z = a.mul(s, s);
    let rp = poly(a, z, &R);
    let r = a.mul(z, rp);
    let half = a.f(0.5);
    let hf = a.mul(half, f); // exact
    let hfsq = a.mul(hf, f);
    let nhfsq = a.neg(hfsq);
    let hfsq_lo = a.fma(hf, f, nhfsq);
    let hi = a.sub(f, hfsq);
    let fd = a.sub(f, hi); // exact
    let err = a.sub(fd, hfsq); // the rounding error of hi, exactly
    let err = a.sub(err, hfsq_lo);
    let t = a.add(hfsq, r);
    let lo = a.fma(s, t, err);
    (kf, hi, lo)
}

/// The result for `x` outside `(0, inf)`: `-inf` at ±0, `inf` at `inf`,
/// NaN below 0 and at NaN; `v` inside.
#[inline(always)]
fn log_special<A: Arith>(a: &mut A, x: A::F, v: A::F) -> A::F {
    let (zero, inf) = (a.f(0.0), a.f(f64::INFINITY));
    let (ninf, nan) = (a.f(f64::NEG_INFINITY), a.f(f64::NAN));
    let is_inf = a.eq(x, inf);
    let spec = a.select(is_inf, inf, nan);
    let is_zero = a.eq(x, zero);
    let spec = a.select(is_zero, ninf, spec);
    let pos = a.lt(zero, x);
    let finite = a.lt(x, inf);
    let ok = a.and(pos, finite);
    a.select(ok, v, spec)
}

/// `k*ln2 + hi + lo (+ extra)`, rounded once.
#[inline(always)]
fn assemble_ln<A: Arith>(a: &mut A, kf: A::F, hi: A::F, lo: A::F, extra: A::F) -> A::F {
    let ln2_hi = a.f(LN2_HI);
    let kh = a.mul(kf, ln2_hi); // exact
    let (w, e) = two_sum(a, kh, hi);
    let ln2_lo = a.f(LN2_LO);
    let kl = a.fma(kf, ln2_lo, extra);
    let lo = a.add(lo, kl);
    let tail = a.add(e, lo);
    a.add(w, tail)
}

/// Natural logarithm.
#[inline(always)]
pub(crate) fn log<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let (kf, hi, lo) = log_parts(a, x);
    let zero = a.f(0.0);
    let v = assemble_ln(a, kf, hi, lo, zero);
    log_special(a, x, v)
}

/// `(hi + lo) * (c + c_lo)` as `(p, p_lo)`.
#[inline(always)]
fn times<A: Arith>(a: &mut A, hi: A::F, lo: A::F, c: f64, c_lo: f64) -> (A::F, A::F) {
    let (c, c_lo) = (a.f(c), a.f(c_lo));
    let p = a.mul(hi, c);
    let np = a.neg(p);
    let err = a.fma(hi, c, np);
    let t = a.mul(hi, c_lo);
    let t = a.fma(lo, c, t);
    let p_lo = a.add(err, t);
    (p, p_lo)
}

/// Base-2 logarithm.
#[inline(always)]
pub(crate) fn log2<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let (kf, hi, lo) = log_parts(a, x);
    let (p, p_lo) = times(a, hi, lo, INV_LN2, INV_LN2_LO);
    let (w, e) = two_sum(a, kf, p);
    let tail = a.add(e, p_lo);
    let v = a.add(w, tail);
    log_special(a, x, v)
}

/// Base-10 logarithm.
#[inline(always)]
pub(crate) fn log10<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let (kf, hi, lo) = log_parts(a, x);
    let (p, p_lo) = times(a, hi, lo, INV_LN10, INV_LN10_LO);
    let c_hi = a.f(LOG10_2_HI);
    let kh = a.mul(kf, c_hi); // exact
    let (w, e) = two_sum(a, kh, p);
    let c_lo = a.f(LOG10_2_LO);
    let kl = a.fma(kf, c_lo, p_lo);
    let tail = a.add(e, kl);
    let v = a.add(w, tail);
    log_special(a, x, v)
}

/// `log(1 + x)`, accurate near 0.
#[inline(always)]
pub(crate) fn log1p<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let one = a.f(1.0);
    let u = a.add(one, x);
    // log(u + d) = log(u) + d/u to first order, d = x - (u - 1) the
    // rounding error of u.
    let um1 = a.sub(u, one);
    let d = a.sub(x, um1);
    let c = a.div(d, u);
    let (kf, hi, lo) = log_parts(a, u);
    let v = assemble_ln(a, kf, hi, lo, c);
    // Special values, decided on x: -1 gives -inf, below -1 NaN.
    let (m1, inf) = (a.f(-1.0), a.f(f64::INFINITY));
    let (ninf, nan) = (a.f(f64::NEG_INFINITY), a.f(f64::NAN));
    let is_inf = a.eq(x, inf);
    let spec = a.select(is_inf, inf, nan);
    let is_m1 = a.eq(x, m1);
    let spec = a.select(is_m1, ninf, spec);
    let above = a.lt(m1, x);
    let finite = a.lt(x, inf);
    let ok = a.and(above, finite);
    let v = a.select(ok, v, spec);
    keep_zero(a, x, v)
}
