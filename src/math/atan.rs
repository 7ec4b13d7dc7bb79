//! `atan`.
//!
//! `|x| > 1` is folded to `1/|x|` (`atan a = pi/2 - atan(1/a)`), then
//! arguments above `tan(pi/8)` to `(y - 1)/(y + 1)` (`atan y = pi/4 +
//! atan((y-1)/(y+1))`), both quotients kept as sums of two doubles; on the
//! remaining `|w| <= tan(pi/8)` the Taylor series `w - w^3/3 + …` to `w^41`
//! (truncation below 2^-60 relative); the constant and the series are added
//! with their error terms, rounding once at the end.

use super::Arith;
use super::util::{keep_zero, poly, two_sum, with_sign_of};

/// `tan(pi/8)`, the second fold's threshold.
const TAN_PI_8: f64 = 0.414_213_562_373_095_03;
/// pi/4 and pi/2 as sums of two doubles.
const PI_4: f64 = std::f64::consts::FRAC_PI_4;
const PI_4_LO: f64 = 3.061_616_997_868_383e-17;
const PI_2: f64 = std::f64::consts::FRAC_PI_2;
const PI_2_LO: f64 = 6.123_233_995_736_766e-17;

/// `(-1)^k / (2k+1)` for k = 1..=20: `(atan w - w) / w^3` in `w^2`.
const P: [f64; 20] = {
    let mut out = [0.0; 20];
    let mut i = 0;
    let mut sign = -1.0;
    while i < 20 {
        out[i] = sign / (2 * i + 3) as f64;
        sign = -sign;
        i += 1;
    }
    out
};

/// `n / d` for two-double `n` and `d`, as `(q, q_lo)`.
fn divide<A: Arith>(a: &mut A, n: A::F, n_lo: A::F, d: A::F, d_lo: A::F) -> (A::F, A::F) {
    let q = a.div(n, d);
    let nq = a.neg(q);
    let resid = a.fma(nq, d, n);
    let resid = a.add(resid, n_lo);
    let resid = a.fma(nq, d_lo, resid);
    let q_lo = a.div(resid, d);
    (q, q_lo)
}

/// Arctangent.
pub(super) fn atan<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let (zero, one) = (a.f(0.0), a.f(1.0));
    let big = a.lt(one, ax);
    let (inv, inv_lo) = divide(a, one, zero, ax, zero);
    let y = a.select(big, inv, ax);
    let y_lo = a.select(big, inv_lo, zero);

    let threshold = a.f(TAN_PI_8);
    let mid = a.lt(threshold, y);
    let m1 = a.f(-1.0);
    let (n, ne) = two_sum(a, y, m1);
    let n_lo = a.add(ne, y_lo);
    let (d, de) = two_sum(a, y, one);
    let d_lo = a.add(de, y_lo);
    let (q, q_lo) = divide(a, n, n_lo, d, d_lo);
    let w = a.select(mid, q, y);
    let w_lo = a.select(mid, q_lo, y_lo);

    // atan(w + w_lo) = w + w^3 P(w^2) + w_lo / (1 + w^2)
    let z = a.mul(w, w);
    let p = poly(a, z, &P);
    let w3 = a.mul(w, z);
    let nz = a.neg(z);
    let corr = a.fma(nz, w_lo, w_lo);
    let t = a.fma(w3, p, corr);

    // base + sign * (w + t)
    let (pi4, pi4_lo) = (a.f(PI_4), a.f(PI_4_LO));
    let (pi2, pi2_lo) = (a.f(PI_2), a.f(PI_2_LO));
    let base = a.select(big, pi2, zero);
    let base = a.select(mid, pi4, base);
    let base_lo = a.select(big, pi2_lo, zero);
    let base_lo = a.select(mid, pi4_lo, base_lo);
    let nw = a.neg(w);
    let nt = a.neg(t);
    let w = a.select(big, nw, w);
    let t = a.select(big, nt, t);
    let (s, e) = two_sum(a, base, w);
    let lo = a.add(base_lo, t);
    let tail = a.add(e, lo);
    let v = a.add(s, tail);

    // At ±inf, pi/2 (1/inf's error term is NaN).
    let inf = a.f(f64::INFINITY);
    let is_inf = a.eq(ax, inf);
    let v = a.select(is_inf, pi2, v);
    let v = with_sign_of(a, v, x);
    keep_zero(a, x, v)
}
