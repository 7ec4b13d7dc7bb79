//! `atan`, `atan2`, and the angle `asin` and `acos` are built on.
//!
//! Every one of them is an [`angle`]: `atan(n/d)` for `0 <= n <= d`, the
//! smaller of two non-negative values (kept as sums of two doubles) over
//! the larger, then `pi/2 - ` that where they were swapped and `pi - ` that
//! for a negative `x`. `atan x` is the angle of the point `(1, |x|)`,
//! `atan2(y, x)` that of `(|x|, |y|)`, `asin x` and `acos x` those of
//! `(sqrt(1 - x^2), |x|)` and `(|x|, sqrt(1 - x^2))` (`asin.rs`).
//!
//! The quotient `q = n/d` is a sum of two doubles (the remainder by `fma`);
//! above `tan(pi/8)` it is folded to `(n - d)/(n + d)` (`atan q = pi/4 +
//! atan((q-1)/(q+1))`), numerator and denominator again exact sums, so the
//! reduced argument `w` carries an error near 2^-100. On `|w| <= tan(pi/8)`
//! the Taylor series `w - w^3/3 + …` to `w^41` (truncation below 2^-60
//! relative) plus the first-order term of `w`'s error; the base (`0`,
//! `pi/4`, `pi/2`, `3pi/4` or `pi`, each two doubles), `w` and the series
//! tail are added with their error terms, rounding once at the end. The
//! tail `w^3 P(w^2)` is at most 0.07 of the result and carries a few
//! roundings of its own, about 0.2 ulp of the result at worst; with the
//! final rounding the error stays below 0.75 ulp (the README's table).
//!
//! A quotient below 2^-60 is the angle itself (`atan q = q (1 - q^2/3 …)`),
//! correctly rounded by the division; its error term is dropped there, as it
//! may have underflowed (or be NaN for `1/inf`). `atan2` scales both
//! arguments by a power of two so that the larger lies in `[2^-850,
//! 2^1000]`: the sum `n + d` cannot overflow, and wherever the quotient is
//! not tiny the remainders are exact (`n >= 2^-910`). Its special values
//! (zeros, infinities, NaN) are substituted before and after.

use super::Arith;
use super::util::{divide, poly, two_sum, with_sign_of};

/// `tan(pi/8)`, the second fold's threshold.
const TAN_PI_8: f64 = 0.414_213_562_373_095_03;
/// Below this a quotient is its own arctangent.
const TINY: f64 = pow2(-60);
/// pi/4, pi/2, 3pi/4 and pi as sums of two doubles.
const PI_4: f64 = std::f64::consts::FRAC_PI_4;
const PI_4_LO: f64 = 3.061_616_997_868_383e-17;
const PI_2: f64 = std::f64::consts::FRAC_PI_2;
const PI_2_LO: f64 = 6.123_233_995_736_766e-17;
const PI_3_4: f64 = 2.356_194_490_192_345;
const PI_3_4_LO: f64 = 9.184_850_993_605_148e-17;
const PI: f64 = std::f64::consts::PI;
const PI_LO: f64 = 1.224_646_799_147_353_2e-16;

/// `atan2` scales arguments above this down by [`DOWN`] …
const HUGE: f64 = pow2(1000);
const DOWN: f64 = pow2(-100);
/// … and arguments below this up by [`UP`].
const SMALL: f64 = pow2(-850);
const UP: f64 = pow2(1000);

/// `2^k` for a normal power of two.
const fn pow2(k: i32) -> f64 {
    f64::from_bits(((1023 + k) as u64) << 52)
}

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

/// The angle of the point `(x + x_lo, y + y_lo)` (both non-negative) in
/// `[0, pi/2]`, or its supplement `pi - angle` in the lanes where `x_neg`
/// holds (a negative `x`); rounded once.
///
/// The larger of the two must lie in `[2^-850, 2^1000]` (or be `+inf` with
/// the other finite), their low parts must be below 2^-50 of them, and
/// they must not both be zero; NaN gives NaN.
#[inline(always)]
pub(super) fn angle<A: Arith>(
    a: &mut A,
    (y, y_lo): (A::F, A::F),
    (x, x_lo): (A::F, A::F),
    x_neg: Option<A::M>,
) -> A::F {
    let zero = a.f(0.0);
    // atan(y/x) = pi/2 - atan(x/y): the smaller over the larger.
    let swap = a.lt(x, y);
    let (n, n_lo) = (a.select(swap, x, y), a.select(swap, x_lo, y_lo));
    let (d, d_lo) = (a.select(swap, y, x), a.select(swap, y_lo, x_lo));
    let (q, q_lo) = divide(a, n, n_lo, d, d_lo);
    let tiny = a.f(TINY);
    let tiny = a.lt(q, tiny);
    let q_lo = a.select(tiny, zero, q_lo);

    // atan(n/d) = pi/4 + atan((n - d)/(n + d)) above tan(pi/8).
    let threshold = a.f(TAN_PI_8);
    let mid = a.lt(threshold, q);
    let nd = a.neg(d);
    let (s, se) = two_sum(a, n, nd);
    let s_lo = a.sub(n_lo, d_lo);
    let s_lo = a.add(se, s_lo);
    let (u, ue) = two_sum(a, n, d);
    let u_lo = a.add(n_lo, d_lo);
    let u_lo = a.add(ue, u_lo);
    let (m, m_lo) = divide(a, s, s_lo, u, u_lo);
    let w = a.select(mid, m, q);
    let w_lo = a.select(mid, m_lo, q_lo);

    // atan(w + w_lo) = w + w^3 P(w^2) + w_lo / (1 + w^2)
    let z = a.mul(w, w);
    let p = poly(a, z, &P);
    let w3 = a.mul(w, z);
    let nz = a.neg(z);
    let corr = a.fma(nz, w_lo, w_lo);
    let t = a.fma(w3, p, corr);

    // base + sign * (w + t); the sign is negative where exactly one of
    // `swap` and `x_neg` holds.
    let (one, m1) = (a.f(1.0), a.f(-1.0));
    let sign = a.select(swap, m1, one);
    let (pi4, pi4_lo) = (a.f(PI_4), a.f(PI_4_LO));
    let (pi2, pi2_lo) = (a.f(PI_2), a.f(PI_2_LO));
    let (side, side_lo, corner, corner_lo, sign) = match x_neg {
        None => (zero, zero, pi4, pi4_lo, sign),
        Some(x_neg) => {
            let (pi, pi_lo) = (a.f(PI), a.f(PI_LO));
            let (pi34, pi34_lo) = (a.f(PI_3_4), a.f(PI_3_4_LO));
            let nsign = a.neg(sign);
            (
                a.select(x_neg, pi, zero),
                a.select(x_neg, pi_lo, zero),
                a.select(x_neg, pi34, pi4),
                a.select(x_neg, pi34_lo, pi4_lo),
                a.select(x_neg, nsign, sign),
            )
        }
    };
    let base = a.select(swap, pi2, side);
    let base_lo = a.select(swap, pi2_lo, side_lo);
    let base = a.select(mid, corner, base);
    let base_lo = a.select(mid, corner_lo, base_lo);
    let w = a.mul(sign, w);
    let t = a.mul(sign, t);
    let (s, e) = two_sum(a, base, w);
    let lo = a.add(base_lo, t);
    let tail = a.add(e, lo);
    let v = a.add(s, tail);
    a.abs(v)
}

/// Arctangent: the angle of `(1, |x|)`, with the sign of `x`.
#[inline(always)]
pub(crate) fn atan<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    let (zero, one) = (a.f(0.0), a.f(1.0));
    let v = angle(a, (ax, zero), (one, zero), None);
    with_sign_of(a, v, x)
}

/// `atan2(y, x)`: the angle of the point `(x, y)` in `[-pi, pi]`, with C99's
/// special values (`atan2(±0, -0) = ±pi`, `atan2(±0, +0) = ±0`,
/// `atan2(±inf, -inf) = ±3pi/4`, …).
#[inline(always)]
pub(crate) fn atan2<A: Arith>(a: &mut A, y: A::F, x: A::F) -> A::F {
    let (ay, ax) = (a.abs(y), a.abs(x));
    let (zero, one, inf) = (a.f(0.0), a.f(1.0), a.f(f64::INFINITY));
    // y = ±0: the angle is 0 or pi whatever x is (NaN aside), as for x = 1.
    let y_zero = a.eq(ay, zero);
    let ax = a.select(y_zero, one, ax);
    // Both infinite: the angle of (1, 1).
    let y_inf = a.eq(ay, inf);
    let x_inf = a.eq(ax, inf);
    let both_inf = a.and(y_inf, x_inf);
    let ay = a.select(both_inf, one, ay);
    let ax = a.select(both_inf, one, ax);
    // Scale both by 2^-100 or 2^1000 (exactly, or harmlessly: see the top).
    let x_smaller = a.lt(ax, ay);
    let larger = a.select(x_smaller, ay, ax);
    let (huge, small) = (a.f(HUGE), a.f(SMALL));
    let is_huge = a.lt(huge, larger);
    let is_small = a.lt(larger, small);
    let (down, up) = (a.f(DOWN), a.f(UP));
    let k = a.select(is_small, up, one);
    let k = a.select(is_huge, down, k);
    let ay = a.mul(ay, k);
    let ax = a.mul(ax, k);
    // x < 0 by its sign bit, so that -0 counts.
    let sx = with_sign_of(a, one, x);
    let x_neg = a.lt(sx, zero);
    let v = angle(a, (ay, zero), (ax, zero), Some(x_neg));
    let y_nan = a.is_nan(y);
    let x_nan = a.is_nan(x);
    let nan = a.or(y_nan, x_nan);
    let sum = a.add(y, x);
    let v = a.select(nan, sum, v);
    with_sign_of(a, v, y)
}
