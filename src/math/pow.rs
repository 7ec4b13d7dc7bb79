//! `pow(x, y)`.
//!
//! `|x|^y = e^(y*log|x|)`, with `log|x|` as a sum of two doubles accurate to
//! about 2^-69 relative, so that `y*log|x|`, up to 746 in magnitude where the
//! result is neither 0 nor infinite, still has an absolute error near 2^-60.
//! Both halves are table-driven (`pow_tables.rs`, written by
//! `tools/pow_tables.py`, read with `Arith::lookup`, whose index is masked to
//! the table whatever the input's bits):
//!
//! - `|x| = 2^k * m` with `0.703125 <= m < 1.40625`, 256 intervals of `m`
//!   (the top 8 fraction bits), each with a 9-bit `invc` near `1/m`
//!   for which `r = m*invc - 1` is exact (`fma`, `|r| < 2^-8`), and
//!   `-log(invc)` to ~2^-95 absolute (`invc = 1` next to 1, so `log x` near
//!   1 is `log1p(r)` alone, without cancellation). `log|x| = k*ln2 -
//!   log(invc) + log1p(r)`, `log1p(r) = r - r^2/2 + r^3*P(r)`, `P` the
//!   Taylor series to `r^9/9` (truncation below 2^-75 relative). `k*ln2_hi -
//!   log(invc)_hi` is exact by the table's construction, `r` is added by an
//!   exact sum, `-r^2/2` exactly as a product; only `r^3*P(r)` (below 2^-17
//!   of `r`) and the low parts are plain double arithmetic: relative error
//!   ~2^-69.
//! - `y*log|x| = p + p_lo` exactly up to the rounding of `y*lo` (`fma`).
//! - Where the result is a normal number (`-708 <= p <= 709`): `p =
//!   (128k + j)*ln2/128 + r`, `|r| <= ln2/256` (with `ln2/128` to 106 bits,
//!   `p_lo` added to `r`), `e^r - 1 = r + r^2*E(r)` to `r^5/120`
//!   (truncation below 2^-60 relative), times `2^(j/128)` from the table as
//!   a sum of two doubles, rounded once; `k` is then added to the exponent
//!   bits (exact).
//!
//! Error: the final rounding (0.5 ulp), plus `|p| * 2^-69 <= 2^-59.5`
//! relative from the logarithm and about 2^-59.5 from the reduction, the
//! series and the last `fma`: below 0.53 ulp (0.511 measured over
//! 10,000,000 inputs, 0.506 over the 100,000 of `cargo test`; the README has
//! the table).
//!
//! **Fast path and slow path.** `pow` computes the above on every lane and
//! hands the lanes that are not ordinary to `pow_full` through
//! `Arith::fallback` (a branch taken only when some lane needs it; the call
//! is a Rust function on `Scalar`). Ordinary: `x` normal, positive, or
//! negative with `y` an integer below 2^52 (the sign then follows `y`'s low
//! bit), and a normal result (which excludes NaN and infinite `y`).
//! `pow_full` is the one definition of everything else, and computes the
//! fast path's bits on ordinary inputs (the same functions; a unit test
//! checks it):
//!
//! - subnormal `x` is scaled by 2^54 first;
//! - results outside the normal range: `p` clamped to `[-746, 710]` (beyond,
//!   the result is 0 or infinite whatever the low part), then `e^(p + p_lo)
//!   = 2^k * (1 + hi + lo)` by `exp`'s own reduction and series
//!   (`exp::exp_parts`) and `exp::one_plus_scaled`, which rounds once even
//!   where the result is subnormal (and overflows to infinity by rounding):
//!   below 0.57 ulp there;
//! - special values follow C99 Annex F (glibc `pow`), selected per lane at
//!   the end: `pow(x, ±0) = 1` and `pow(1, y) = 1` even for NaN, `pow(-1,
//!   ±inf) = 1`, NaN otherwise propagates; a negative finite `x` with a
//!   non-integer finite `y` gives NaN; a negative `x` (zero and infinity
//!   included) with an odd integer `y` gives the result its sign (`|y| >=
//!   2^53` is even).
//!
//! The interpreter and the JIT run the same generic `pow` (and the same
//! `pow_full` on the same lanes), so they compute the same bits.

use super::exp::{exp_parts, one_plus_scaled};
use super::log::{LN2_HI, LN2_LO};
use super::pow_tables::{EXP2, LOG};
use super::util::{
    clamp, normalize, odd, poly, round_mul, split_exponent, two_prod, two_sum, with_sign_of,
};
use super::{Arith, Scalar};
use crate::native::NativeFn;

/// The bits of 0.703125: `m` lies in `[0.703125, 1.40625)`, and 1 is a
/// boundary of the table's intervals.
const BASE_BITS: u64 = 0x3FE6_8000_0000_0000;

/// `1/3, -1/4, …, 1/9`: `(log1p(r) - r + r^2/2) / r^3`.
const P: [f64; 7] = {
    let mut out = [0.0; 7];
    let mut i = 0;
    while i < 7 {
        let v = 1.0 / (i + 3) as f64;
        out[i] = if i % 2 == 0 { v } else { -v };
        i += 1;
    }
    out
};

/// 2^52: at and above it every double is an integer.
const TWO52: f64 = 4_503_599_627_370_496.0;
/// 2^53: at and above it every double is an even integer.
const TWO53: f64 = 9_007_199_254_740_992.0;

/// Where the result is a normal number for sure: `y*log|x|` in this range
/// (`e^-708 > 2^-1022`, `e^709 < f64::MAX`).
const FAST_MIN: f64 = -708.0;
const FAST_MAX: f64 = 709.0;

/// `128/ln2`, and `ln2/128` as a sum of two doubles.
const N_OVER_LN2: f64 = 184.664_965_233_787_3;
const LN2_OVER_N: f64 = 0.005_415_212_348_124_572_5;
const LN2_OVER_N_LO: f64 = 1.811_755_323_317_421_5e-19;

/// `1/2, 1/6, 1/24, 1/120`: `(e^r - 1 - r) / r^2`.
const E: [f64; 4] = [0.5, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0];

/// `log(x) + (hi, lo)` for positive normal `x` (relative error near
/// 2^-69); with `adjust`, `log(x) - adjust*ln2` (subnormal inputs scaled by
/// `2^adjust` first). Other inputs give meaningless parts (the table index
/// is masked, so they still read the table).
#[inline(always)]
fn log_two_double<A: Arith>(a: &mut A, x: A::F, adjust: Option<A::F>) -> (A::F, A::F) {
    // x = 2^k * m, 0.703125 <= m < 1.40625.
    let (mut kf, m, b2) = split_exponent(a, x, BASE_BITS);
    if let Some(adjust) = adjust {
        kf = a.sub(kf, adjust);
    }

    // The interval: the top 8 fraction bits (`lookup` keeps those).
    let j = a.ushr(b2, 44);
    let [invc, logc_hi, logc_lo, _] = a.lookup(&LOG, j);
    let minus_one = a.f(-1.0);
    let r = a.fma(m, invc, minus_one); // exact, |r| < 2^-8

    // log1p(r) = r + q + q_lo + r^3*P(r), q + q_lo = -r^2/2 exactly.
    let minus_half = a.f(-0.5);
    let h = a.mul(minus_half, r); // exact
    let (q, q_lo) = two_prod(a, h, r);
    let z = a.mul(r, r);
    let r3 = a.mul(z, r);
    let pr = poly(a, r, &P);
    let tail = a.mul(r3, pr);

    // k*ln2 + logc + r + q, the large parts summed exactly.
    let ln2_hi = a.f(LN2_HI);
    let kh = a.mul(kf, ln2_hi); // exact
    let s1 = a.add(kh, logc_hi); // exact: both multiples of 2^-42, |s1| < 2^10
    let (s2, e2) = two_sum(a, s1, r);
    let (hi, e3) = normalize(a, s2, q); // |q| <= r^2/2 is far below |s2|
    let ln2_lo = a.f(LN2_LO);
    let lo = a.fma(kf, ln2_lo, logc_lo);
    let lo = a.add(lo, q_lo);
    let lo = a.add(lo, tail);
    let e = a.add(e2, e3);
    let lo = a.add(lo, e);
    (hi, lo)
}

/// `y*(l + l_lo)` as `(p, p_lo)`, exact up to the rounding of `y*l_lo`.
#[inline(always)]
fn times<A: Arith>(a: &mut A, y: A::F, l: A::F, l_lo: A::F) -> (A::F, A::F) {
    let (p, p_err) = two_prod(a, y, l);
    let p_lo = a.fma(y, l_lo, p_err);
    (p, p_lo)
}

/// Whether `y*log|x| = p` is where the fast exponential applies: a normal
/// result (false for NaN).
#[inline(always)]
fn normal_range<A: Arith>(a: &mut A, p: A::F) -> A::M {
    let (p_min, p_max) = (a.f(FAST_MIN), a.f(FAST_MAX));
    let above = a.le(p_min, p);
    let below = a.le(p, p_max);
    a.and(above, below)
}

/// `e^(p + p_lo)` where [`normal_range`] holds: `p = (k*128 + j)*ln2/128
/// + r`, `|r| <= ln2/256` (plus `p_lo`), `e^r - 1 = r + r^2*E(r)`
/// (truncation below 2^-60 relative), times `2^(j/128)` from the table as a
/// sum of two doubles, rounded once, then `2^k` added to the exponent bits
/// (exact: the result is normal). Other `p` give meaningless values.
#[inline(always)]
fn exp_normal<A: Arith>(a: &mut A, p: A::F, p_lo: A::F) -> A::F {
    let kn = round_mul(a, p, N_OVER_LN2);
    let l_hi = a.f(-LN2_OVER_N);
    let r = a.fma(kn.f, l_hi, p);
    let l_lo = a.f(-LN2_OVER_N_LO);
    let r = a.fma(kn.f, l_lo, r);
    let r = a.add(r, p_lo);
    let z = a.mul(r, r);
    let pe = poly(a, r, &E);
    let q = a.fma(z, pe, r); // e^r - 1
    // `lookup` keeps the low 7 bits of kn: j.
    let [t_hi, t_lo] = a.lookup(&EXP2, kn.i);
    let s = a.fma(t_hi, q, t_lo);
    let v = a.add(t_hi, s);
    // + k in the exponent: bits 7.. of kn (two's complement) at bit 52.
    let k = a.ushr(kn.i, 7);
    let k = a.shl(k, 52);
    let bits = a.bits_of(v);
    let bits = a.iadd(bits, k);
    a.float_of(bits)
}

/// Whether `|y|` is an integer below 2^52, and `|y| + 2^52`, which then
/// has `|y|` in its low bits.
#[inline(always)]
fn small_integer<A: Arith>(a: &mut A, ay: A::F) -> (A::M, A::F) {
    let two52 = a.f(TWO52);
    let shifted = a.add(ay, two52);
    let back = a.sub(shifted, two52);
    let whole = a.eq(back, ay);
    let small = a.lt(ay, two52);
    let int = a.and(whole, small);
    (int, shifted)
}

/// `pow(x, y)` (`x^y` in formulas): the fast path for ordinary arguments,
/// [`pow_full`] (called per lane) for the others.
#[inline(always)]
pub(crate) fn pow<A: Arith>(a: &mut A, x: A::F, y: A::F) -> A::F {
    let (l, l_lo) = pow_log(a, x);
    pow_with_log(a, x, y, l, l_lo)
}

/// The first half of [`pow`]: `log|x|` as a two-double, which powers of
/// one base share.
#[inline(always)]
pub(crate) fn pow_log<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F) {
    let ax = a.abs(x);
    log_two_double(a, ax, None)
}

/// The rest of [`pow`], given [`pow_log`]`(x)`: `pow_with_log(x, y,
/// pow_log(x))` is `pow(x, y)`, bit for bit.
#[inline(always)]
pub(crate) fn pow_with_log<A: Arith>(a: &mut A, x: A::F, y: A::F, l: A::F, l_lo: A::F) -> A::F {
    let ax = a.abs(x);
    let ay = a.abs(y);
    let (p, p_lo) = times(a, y, l, l_lo);
    let v = exp_normal(a, p, p_lo);
    // x's sign where y is odd, without a select: bit 0 of y moved to the
    // sign bit masks x's. Only negative x with integer y reach the result
    // this way (other negative x take the slow path).
    let (int, shifted) = small_integer(a, ay);
    let shifted = a.bits_of(shifted);
    let odd_sign = a.shl(shifted, 63);
    let xb = a.bits_of(x);
    let sign = a.iand(xb, odd_sign);
    let vb = a.bits_of(v);
    let vb = a.ior(vb, sign);
    let v = a.float_of(vb);

    // Ordinary: x normal and positive, or negative with y an integer below
    // 2^52; y*log|x| (finite, so y is) where the result is normal. There
    // `pow_full` computes the same bits: the same log and exponential, and
    // none of its special cases applies.
    let (min_normal, max) = (a.f(f64::MIN_POSITIVE), a.f(f64::MAX));
    let x_normal = a.le(min_normal, ax);
    let x_finite = a.le(ax, max);
    let x_ok = a.and(x_normal, x_finite);
    let p_ok = normal_range(a, p);
    let zero = a.f(0.0);
    let x_pos = a.lt(zero, x);
    let sign_ok = a.or(x_pos, int);
    let ok = a.and(x_ok, p_ok);
    let ok = a.and(ok, sign_ok);
    let rare = a.not(ok);
    a.fallback(rare, v, &[x, y], NativeFn::Arity2(pow_slow))
}

/// [`pow_full`] on one pair: `pow`'s slow path.
extern "C" fn pow_slow(x: f64, y: f64) -> f64 {
    pow_full(&mut Scalar, x, y)
}

/// `pow(x, y)` for every input: the fast path's algorithm with subnormal
/// `x`, subnormal, zero and infinite results, and the special values.
#[inline(always)]
fn pow_full<A: Arith>(a: &mut A, x: A::F, y: A::F) -> A::F {
    let (zero, one) = (a.f(0.0), a.f(1.0));
    let (inf, nan) = (a.f(f64::INFINITY), a.f(f64::NAN));
    let ax = a.abs(x);
    let ay = a.abs(y);

    // Whether y is an integer, and an odd one (|y| >= 2^53 is even).
    let (int, shifted) = small_integer(a, ay);
    let shifted = a.bits_of(shifted);
    let small_odd = odd(a, shifted);
    let is_odd = a.and(int, small_odd);
    let two52 = a.f(TWO52);
    let big = a.le(two52, ay);
    let is_int = a.or(int, big);
    let low = a.bits_of(ay);
    let low_odd = odd(a, low);
    let two53 = a.f(TWO53);
    let below53 = a.lt(ay, two53);
    let big_odd = a.and(big, low_odd);
    let big_odd = a.and(big_odd, below53);
    let is_odd = a.or(is_odd, big_odd);

    // |x|^y for finite nonzero x and finite y; subnormal x scaled first.
    let min_normal = a.f(f64::MIN_POSITIVE);
    let tiny = a.lt(ax, min_normal);
    let two54 = a.f(18_014_398_509_481_984.0);
    let scaled = a.mul(ax, two54);
    let xs = a.select(tiny, scaled, ax);
    let fifty_four = a.f(54.0);
    let adjust = a.select(tiny, fifty_four, zero);
    let (l, l_lo) = log_two_double(a, xs, Some(adjust));
    let (p, p_lo) = times(a, y, l, l_lo);
    let pc = clamp(a, p, -746.0, 710.0);
    // Out of range (overflow, underflow, or an infinite product whose error
    // term is not a number): the clamped value alone decides.
    let in_range = a.eq(pc, p);
    let p_lo = a.select(in_range, p_lo, zero);
    let (hi, lo, k) = exp_parts(a, pc, Some(p_lo));
    let v = one_plus_scaled(a, hi, lo, &k);
    // Where the result is normal, the fast path's exponential.
    let normal = normal_range(a, p);
    let v_normal = exp_normal(a, p, p_lo);
    let v = a.select(normal, v_normal, v);

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

#[cfg(test)]
mod tests {
    use super::{Scalar, pow, pow_full};

    /// Where the fast path keeps its value (no fallback), the full
    /// algorithm computes the same bits: the fast path is the full
    /// algorithm with the special cases left out, not a second one.
    #[test]
    fn the_fast_path_is_the_full_algorithm() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let unit = |b: u64| (b >> 11) as f64 / (1u64 << 53) as f64;
        for i in 0..200_000 {
            let (bx, by) = (next(), next());
            let (x, y) = match i % 4 {
                // Ordinary: moderate x, moderate y.
                0 => (unit(bx) * 20.0, (unit(by) - 0.5) * 40.0),
                // Near the normal-range edges of the result.
                1 => (1.0 + unit(bx), (unit(by) - 0.5) * 2100.0),
                // Negative x, integer y.
                2 => (-(unit(bx) * 8.0), ((by % 81) as f64) - 40.0),
                // Any bits.
                _ => (f64::from_bits(bx), f64::from_bits(by)),
            };
            let fast = pow(&mut Scalar, x, y);
            let full = pow_full(&mut Scalar, x, y);
            assert!(
                fast.to_bits() == full.to_bits() || (fast.is_nan() && full.is_nan()),
                "pow({x:?}, {y:?}): fast {fast:?}, full {full:?}"
            );
        }
    }
}
