//! `pow(x, y)`.
//!
//! `|x|^y = e^(y*log|x|)`, with `log|x|` as a sum of two doubles accurate to
//! about 2^-68 relative, so that `y*log|x|`, up to 746 in magnitude where the
//! result is neither 0 nor infinite, still has an absolute error near 2^-59:
//!
//! - `|x| = 2^k * m` with `sqrt(1/2) <= m < sqrt(2)` (subnormals normalized
//!   first; `log::split`), `s + s_lo = (m - 1)/(m + 1)` to ~2^-104
//!   (`m - 1` is exact, `m + 1` is an exact sum of two doubles, and the
//!   remainder of the division is exact with `fma`), `|s| <= 0.1716`.
//! - `log(m) = 2*atanh(s + s_lo) = 2s + s^3*(2/3 + 2/5 s^2 + s^4*P(s^2))
//!   + 2*s_lo/(1 - s^2)`, `P` the Taylor series `2/7 + 2/9 z + … + 2/25 z^9`
//!   (truncation below 2^-70 relative). `2s` is exact, the `s^3` term (at
//!   most 1% of `2s`) is a product of two-doubles with `2/3` and `2/5 s^2`
//!   carried exactly, and only `s^4*P` (at most 2^-12 of `2/3`) is plain
//!   double arithmetic: relative error ~2^-68.5 (rounding), 2^-70.9
//!   (truncation). `k*ln2` is added with `ln2` to 85 bits.
//! - `y*log|x| = p + p_lo` exactly up to the rounding of `y*lo` (`fma`),
//!   clamped to `[-746, 710]` (beyond, the result is 0 or infinite whatever
//!   the low part), then `e^(p + p_lo) = 2^k * (1 + hi + lo)` by `exp`'s own
//!   reduction and series (`exp::exp_parts`, which folds `p_lo` into the
//!   reduced argument), and `exp::one_plus_scaled`, which rounds once even
//!   where the result is subnormal (and overflows to infinity by rounding).
//!
//! Error: the final rounding (0.5 ulp), plus `|y*log|x|| * 2^-68 <=
//! 2^-58.5` relative from the logarithm and about 2^-57.5 from the
//! exponential's series and tail sums: below 0.57 ulp, subnormal results
//! included (0.537 measured over 10,000,000 inputs; the README has the table).
//! The interpreter and the JIT compute the same bits, so the bound holds for
//! both.
//!
//! Special values follow C99 Annex F (glibc `pow`), selected per lane at the
//! end: `pow(x, ±0) = 1` and `pow(1, y) = 1` even for NaN, `pow(-1, ±inf) =
//! 1`, NaN otherwise propagates; a negative finite `x` with a non-integer
//! finite `y` gives NaN; a negative `x` (zero and infinity included) with an
//! odd integer `y` gives the result its sign (`|y| >= 2^53` is even).

use super::Arith;
use super::exp::{exp_parts, one_plus_scaled};
use super::log::{LN2_HI, LN2_LO, split};
use super::util::{clamp, normalize, odd, poly, two_prod, two_sum, with_sign_of};

/// `2/3` and `2/3 - TWO_THIRDS`.
const TWO_THIRDS: f64 = 0.666_666_666_666_666_6;
const TWO_THIRDS_LO: f64 = 3.700_743_415_417_188e-17;
/// `2/5` and `2/5 - TWO_FIFTHS`.
const TWO_FIFTHS: f64 = 0.4;
const TWO_FIFTHS_LO: f64 = -2.220_446_049_250_313_2e-17;

/// `2/7, 2/9, …, 2/25`: the series of `2*atanh(s)` from `s^7`, in `s^2`.
const P: [f64; 10] = {
    let mut out = [0.0; 10];
    let mut i = 0;
    while i < 10 {
        out[i] = 2.0 / (2 * i + 7) as f64;
        i += 1;
    }
    out
};

/// 2^52: at and above it every double is an integer.
const TWO52: f64 = 4_503_599_627_370_496.0;
/// 2^53: at and above it every double is an even integer.
const TWO53: f64 = 9_007_199_254_740_992.0;

/// `log(x)` as `(hi, lo)`, relative error near 2^-68, for positive finite
/// `x` (subnormals included); other inputs give meaningless parts.
fn log_two_double<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F) {
    let (kf, m) = split(a, x);
    // s + s_lo = (m - 1) / (m + 1).
    let one = a.f(1.0);
    let num = a.sub(m, one); // exact
    let den = a.add(m, one);
    let den_m1 = a.sub(den, one); // exact
    let den_lo = a.sub(m, den_m1); // exact: m + 1 = den + den_lo
    let s = a.div(num, den);
    let ns = a.neg(s);
    let rem = a.fma(ns, den, num); // exact
    let rem = a.fma(ns, den_lo, rem);
    let s_lo = a.div(rem, den);

    // s^2 = z + z_lo exactly.
    let z = a.mul(s, s);
    let nz = a.neg(z);
    let z_lo = a.fma(s, s, nz);
    let zz = a.mul(z, z);
    let pz = poly(a, z, &P);
    let w = a.mul(zz, pz); // s^4*P(s^2), at most 2^-12

    // c = 2/3 + 2/5 z + w as (c, c_lo).
    let (t5, t5_lo) = (a.f(TWO_FIFTHS), a.f(TWO_FIFTHS_LO));
    let (q, q_err) = two_prod(a, t5, z);
    let q_lo = a.fma(t5, z_lo, q_err);
    let q_lo = a.fma(t5_lo, z, q_lo);
    let t3 = a.f(TWO_THIRDS);
    let (c, c_err) = normalize(a, t3, q); // |2/3| > |q|
    let t3_lo = a.f(TWO_THIRDS_LO);
    let c_lo = a.add(q_lo, t3_lo);
    let c_lo = a.add(c_lo, w);
    let c_lo = a.add(c_err, c_lo);

    // s^3 = s*(z + z_lo) as (u, u_lo).
    let (u, u_err) = two_prod(a, s, z);
    let u_lo = a.fma(s, z_lo, u_err);

    // t = s^3 * c as (t, t_lo).
    let (t, t_err) = two_prod(a, u, c);
    let t_lo = a.fma(u, c_lo, t_err);
    let t_lo = a.fma(u_lo, c, t_lo);

    // 2s + t + 2*s_lo*(1 + z + z^2 + z^3) + t_lo.
    let two = a.f(2.0);
    let s2 = a.mul(two, s); // exact
    let (h, e) = normalize(a, s2, t); // |t| < |2s| / 100
    let s2_lo = a.mul(two, s_lo);
    let one_z = a.add(one, z);
    let geo = a.fma(one_z, zz, one_z);
    let lo = a.fma(s2_lo, geo, t_lo);
    let lo = a.add(e, lo);

    // + k*ln2.
    let ln2_hi = a.f(LN2_HI);
    let kh = a.mul(kf, ln2_hi); // exact
    let (hi, e) = two_sum(a, kh, h);
    let ln2_lo = a.f(LN2_LO);
    let lo = a.fma(kf, ln2_lo, lo);
    let lo = a.add(e, lo);
    normalize(a, hi, lo)
}

/// `pow(x, y)` (`x^y` in formulas).
pub(super) fn pow<A: Arith>(a: &mut A, x: A::F, y: A::F) -> A::F {
    let (zero, one) = (a.f(0.0), a.f(1.0));
    let (inf, nan) = (a.f(f64::INFINITY), a.f(f64::NAN));
    let ax = a.abs(x);
    let ay = a.abs(y);

    // Whether y is an integer, and an odd one: below 2^52, y + 2^52 has
    // y's integer part in its low bits.
    let two52 = a.f(TWO52);
    let shifted = a.add(ay, two52);
    let back = a.sub(shifted, two52);
    let small = a.lt(ay, two52);
    let whole = a.eq(back, ay);
    let big = a.le(two52, ay);
    let is_int = a.or(whole, big);
    let low = a.select(small, shifted, ay);
    let low = a.bits_of(low);
    let low_odd = odd(a, low);
    let two53 = a.f(TWO53);
    let below53 = a.lt(ay, two53);
    let is_odd = a.and(is_int, low_odd);
    let is_odd = a.and(is_odd, below53);

    // |x|^y for finite nonzero x and finite y.
    let (l, l_lo) = log_two_double(a, ax);
    let (p, p_err) = two_prod(a, y, l);
    let p_lo = a.fma(y, l_lo, p_err);
    let pc = clamp(a, p, -746.0, 710.0);
    // Out of range (overflow, underflow, or an infinite product whose error
    // term is not a number): the clamped value alone decides.
    let in_range = a.eq(pc, p);
    let p_lo = a.select(in_range, p_lo, zero);
    let (hi, lo, k) = exp_parts(a, pc, Some(p_lo));
    let v = one_plus_scaled(a, hi, lo, &k);

    // x = ±0 or ±inf (y finite, nonzero): 0 or inf by the signs.
    let x_zero = a.eq(ax, zero);
    let y_neg = a.lt(y, zero);
    let inf_if_x_zero = a.select(x_zero, inf, zero);
    let zero_if_x_zero = a.select(x_zero, zero, inf);
    let edge = a.select(y_neg, inf_if_x_zero, zero_if_x_zero);
    let x_inf = a.eq(ax, inf);
    let x_edge = a.or(x_zero, x_inf);
    let v = a.select(x_edge, edge, v);

    // The sign: negative x (-0 and -inf included) and odd y.
    let signed = with_sign_of(a, v, x);
    let v = a.select(is_odd, signed, v);
    // Negative finite x, non-integer y: NaN.
    let ninf = a.f(f64::NEG_INFINITY);
    let x_neg = a.lt(x, zero);
    let x_finite = a.lt(ninf, x);
    let x_neg = a.and(x_neg, x_finite);
    let int_or_nan = a.select(is_int, v, nan);
    let v = a.select(x_neg, int_or_nan, v);

    // y = ±inf: 1 at |x| = 1, else 0 or inf by |x| < 1 and the sign of y.
    let x_small = a.lt(ax, one);
    let inf_if_small = a.select(x_small, inf, zero);
    let zero_if_small = a.select(x_small, zero, inf);
    let y_edge = a.select(y_neg, inf_if_small, zero_if_small);
    let x_unit = a.eq(ax, one);
    let y_edge = a.select(x_unit, one, y_edge);
    let y_inf = a.eq(ay, inf);
    let v = a.select(y_inf, y_edge, v);

    // NaN propagates, except to pow(1, y) and pow(x, ±0), which are 1.
    let x_nan = a.is_nan(x);
    let y_nan = a.is_nan(y);
    let any_nan = a.or(x_nan, y_nan);
    let sum = a.add(x, y);
    let v = a.select(any_nan, sum, v);
    let x_one = a.eq(x, one);
    let v = a.select(x_one, one, v);
    let y_zero = a.eq(y, zero);
    a.select(y_zero, one, v)
}
