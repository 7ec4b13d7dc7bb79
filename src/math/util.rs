//! Building blocks shared by the algorithms: rounding to an integer, powers
//! of two from integers, polynomials, exact sums and products.

use super::Arith;

/// 1.5 * 2^52: adding it rounds a float below 2^51 in magnitude to an
/// integer, which then sits in the low bits of the sum's representation.
pub(super) const MAGIC: f64 = 6_755_399_441_055_744.0;
const MAGIC_BITS: u64 = 0x4338_0000_0000_0000;

/// An integer-valued float and the same integer (two's complement, in the
/// low bits) as an integer value.
pub(super) struct Rounded<A: Arith> {
    pub f: A::F,
    pub i: A::I,
}

/// `round(x * c)` to the nearest integer (ties to even), for |x * c| < 2^51.
#[inline(always)]
pub(super) fn round_mul<A: Arith>(a: &mut A, x: A::F, c: f64) -> Rounded<A> {
    let (c, magic) = (a.f(c), a.f(MAGIC));
    let t = a.fma(x, c, magic);
    let f = a.sub(t, magic);
    let bits = a.bits_of(t);
    let magic_bits = a.i(MAGIC_BITS);
    let i = a.isub(bits, magic_bits);
    Rounded { f, i }
}

/// `2^k` for an integer `-1022 <= k <= 1023` given as an integer value.
#[inline(always)]
pub(super) fn pow2<A: Arith>(a: &mut A, k: A::I) -> A::F {
    let bias = a.i(1023);
    let biased = a.iadd(k, bias);
    let bits = a.shl(biased, 52);
    a.float_of(bits)
}

/// `x * 2^k` for an integer-valued `k` (as float and integer) with
/// `|k| <= 2100`: two steps, so that neither power of two leaves the normal
/// range; only the last multiplication can round (to a subnormal, zero or
/// infinity).
#[inline(always)]
pub(super) fn scale<A: Arith>(a: &mut A, x: A::F, k: &Rounded<A>) -> A::F {
    let half = round_mul(a, k.f, 0.5);
    let rest = a.isub(k.i, half.i);
    let s1 = pow2(a, half.i);
    let s2 = pow2(a, rest);
    let y = a.mul(x, s1);
    a.mul(y, s2)
}

/// `c[0] + c[1]*x + c[2]*x^2 + …`, by Estrin's scheme with `fma`: pairs
/// of terms combined with `x^2`, pairs of pairs with `x^4`, and so on, so
/// the dependency chain is logarithmic in the degree (Horner's is linear,
/// and latency is what limits a long polynomial in a vector loop).
#[inline(always)]
#[allow(unused_assignments)] // the last level's square is not read
pub(super) fn poly<A: Arith>(a: &mut A, x: A::F, c: &[f64]) -> A::F {
    assert!(
        (1..=2 * MAX_TERMS).contains(&c.len()),
        "a polynomial has 1 to {} coefficients",
        2 * MAX_TERMS
    );
    // No allocation: the interpreter runs this on every call. Unrolled by
    // hand with constant indices (the guards fold once `c.len()` is known,
    // after inlining), so that a compiled loop keeps the terms in registers:
    // rustc does not unroll the loops of the plain form, and kept them in
    // memory on the stack.
    let mut terms = [x; MAX_TERMS];
    let len = c.len();
    let mut n = len.div_ceil(2);
    macro_rules! pairs {
        ($($i:literal)*) => {$(
            if $i < n {
                terms[$i] = if 2 * $i + 1 < len {
                    let (c0, c1) = (a.f(c[2 * $i]), a.f(c[2 * $i + 1]));
                    a.fma(c1, x, c0)
                } else {
                    a.f(c[2 * $i])
                };
            }
        )*};
    }
    pairs!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    let mut power = a.mul(x, x);
    // One level: adjacent terms combined with `power` (x^2, x^4, …); an
    // odd one out moves up as it is.
    macro_rules! level {
        ($($k:literal)*) => {
            if n > 1 {
                $(
                    if 2 * $k < n {
                        terms[$k] = if 2 * $k + 1 < n {
                            a.fma(terms[2 * $k + 1], power, terms[2 * $k])
                        } else {
                            terms[2 * $k]
                        };
                    }
                )*
                n = n.div_ceil(2);
                if n > 1 {
                    power = a.mul(power, power);
                }
            }
        };
    }
    // 16 terms take four levels.
    level!(0 1 2 3 4 5 6 7);
    level!(0 1 2 3 4 5 6 7);
    level!(0 1 2 3 4 5 6 7);
    level!(0 1 2 3 4 5 6 7);
    debug_assert_eq!(n, 1);
    terms[0]
}

/// Pairs of coefficients [`poly`] takes at most.
const MAX_TERMS: usize = 16;

/// `x = 2^k * m` for positive normal `x`, with `m` in `[b, 2b)` where `b`
/// is the double whose bits are `base_bits` (`1/2 <= b < 1`): `k` as an
/// integer-valued float, `m`, and the bits of `x` shifted so that their low
/// 52 bits are `m`'s fraction above `b` (the top ones index a table).
#[inline(always)]
pub(super) fn split_exponent<A: Arith>(a: &mut A, x: A::F, base_bits: u64) -> (A::F, A::F, A::I) {
    let bits = a.bits_of(x);
    let offset = a.i(0x3FF0_0000_0000_0000 - base_bits);
    let shifted = a.iadd(bits, offset);
    let biased = a.ushr(shifted, 52);
    let two52 = a.i(0x4330_0000_0000_0000);
    let kbits = a.ior(biased, two52);
    let kraw = a.float_of(kbits);
    let unbias = a.f(4_503_599_627_371_519.0); // 2^52 + 1023
    let k = a.sub(kraw, unbias);
    let mask = a.i(0x000F_FFFF_FFFF_FFFF);
    let frac = a.iand(shifted, mask);
    let base = a.i(base_bits);
    let mbits = a.iadd(frac, base);
    let m = a.float_of(mbits);
    (k, m, shifted)
}

/// `a + b` as an exact sum `(s, e)`: `s` the rounded sum, `e` its error.
#[inline(always)]
pub(super) fn two_sum<A: Arith>(a: &mut A, x: A::F, y: A::F) -> (A::F, A::F) {
    let s = a.add(x, y);
    let yy = a.sub(s, x);
    let xx = a.sub(s, yy);
    let dy = a.sub(y, yy);
    let dx = a.sub(x, xx);
    let e = a.add(dx, dy);
    (s, e)
}

/// `x * y` as an exact product `(p, e)`.
#[inline(always)]
pub(super) fn two_prod<A: Arith>(a: &mut A, x: A::F, y: A::F) -> (A::F, A::F) {
    let p = a.mul(x, y);
    let np = a.neg(p);
    let e = a.fma(x, y, np);
    (p, e)
}

/// `(n + n_lo) / (d + d_lo)` for two-doubles `n` and `d`, as `(q, q_lo)`:
/// the rounded quotient and a correction from its exact remainder (`fma`),
/// good to about 2^-100 relative while the remainder does not underflow.
#[inline(always)]
pub(super) fn divide<A: Arith>(
    a: &mut A,
    n: A::F,
    n_lo: A::F,
    d: A::F,
    d_lo: A::F,
) -> (A::F, A::F) {
    let q = a.div(n, d);
    let nq = a.neg(q);
    let resid = a.fma(nq, d, n);
    let resid = a.add(resid, n_lo);
    let resid = a.fma(nq, d_lo, resid);
    let q_lo = a.div(resid, d);
    (q, q_lo)
}

/// `hi < x`-style clamp: `x` limited to `[lo, hi]`; NaN stays NaN.
#[inline(always)]
pub(super) fn clamp<A: Arith>(a: &mut A, x: A::F, lo: f64, hi: f64) -> A::F {
    let (lo, hi) = (a.f(lo), a.f(hi));
    let below = a.lt(x, lo);
    let x = a.select(below, lo, x);
    let above = a.lt(hi, x);
    a.select(above, hi, x)
}

/// `x` where `x` is ±0 (keeping its sign), else `y`.
#[inline(always)]
pub(super) fn keep_zero<A: Arith>(a: &mut A, x: A::F, y: A::F) -> A::F {
    let zero = a.f(0.0);
    let is_zero = a.eq(x, zero);
    a.select(is_zero, x, y)
}

/// `|v|` with the sign of `x` (`v` non-negative or NaN): the sign bit
/// of `x` ORed into `v`.
#[inline(always)]
pub(super) fn with_sign_of<A: Arith>(a: &mut A, v: A::F, x: A::F) -> A::F {
    let sign_mask = a.i(1 << 63);
    let xb = a.bits_of(x);
    let sign = a.iand(xb, sign_mask);
    let vb = a.bits_of(v);
    let vb = a.ior(vb, sign);
    a.float_of(vb)
}

/// `hi + lo` as the rounded sum and its error, for `|hi| >= |lo|` (fast
/// two-sum).
#[inline(always)]
pub(super) fn normalize<A: Arith>(a: &mut A, hi: A::F, lo: A::F) -> (A::F, A::F) {
    let s = a.add(hi, lo);
    let d = a.sub(hi, s);
    let e = a.add(d, lo);
    (s, e)
}

/// Flips the sign of `x` where bit `bit` of the integer `k` is set.
#[inline(always)]
pub(super) fn flip_sign_by_bit<A: Arith>(a: &mut A, x: A::F, k: A::I, bit: u32) -> A::F {
    let shifted = a.shl(k, 63 - bit);
    let sign = a.i(1 << 63);
    let mask = a.iand(shifted, sign);
    let bits = a.bits_of(x);
    let flipped = a.ixor(bits, mask);
    a.float_of(flipped)
}

/// A per-lane condition: bit 0 of the integer `k` is set.
#[inline(always)]
pub(super) fn odd<A: Arith>(a: &mut A, k: A::I) -> A::M {
    // (k & 1) | bits(2^52) is 2^52 or 2^52 + 1.
    let one = a.i(1);
    let low = a.iand(k, one);
    let two52 = a.i(0x4330_0000_0000_0000);
    let bits = a.ior(low, two52);
    let v = a.float_of(bits);
    let odd_value = a.f(4_503_599_627_370_497.0);
    a.eq(v, odd_value)
}
