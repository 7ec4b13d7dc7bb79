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
pub(super) fn round_mul<A: Arith>(a: &mut A, x: A::F, c: f64) -> Rounded<A> {
    let (c, magic) = (a.f(c), a.f(MAGIC));
    let t = a.fma(x, c, magic);
    let f = a.sub(t, magic);
    let bits = a.to_bits(t);
    let magic_bits = a.i(MAGIC_BITS);
    let i = a.isub(bits, magic_bits);
    Rounded { f, i }
}

/// `2^k` for an integer `-1022 <= k <= 1023` given as an integer value.
pub(super) fn pow2<A: Arith>(a: &mut A, k: A::I) -> A::F {
    let bias = a.i(1023);
    let biased = a.iadd(k, bias);
    let bits = a.shl(biased, 52);
    a.from_bits(bits)
}

/// `x * 2^k` for an integer-valued `k` (as float and integer) with
/// `|k| <= 2100`: two steps, so that neither power of two leaves the normal
/// range; only the last multiplication can round (to a subnormal, zero or
/// infinity).
pub(super) fn scale<A: Arith>(a: &mut A, x: A::F, k: &Rounded<A>) -> A::F {
    let half = round_mul(a, k.f, 0.5);
    let rest = a.isub(k.i, half.i);
    let s1 = pow2(a, half.i);
    let s2 = pow2(a, rest);
    let y = a.mul(x, s1);
    a.mul(y, s2)
}

/// `c[0] + x*(c[1] + x*(c[2] + …))`, by Horner's rule with `fma`.
pub(super) fn poly<A: Arith>(a: &mut A, x: A::F, c: &[f64]) -> A::F {
    let (&last, rest) = c.split_last().expect("a polynomial has coefficients");
    let mut acc = a.f(last);
    for &k in rest.iter().rev() {
        let k = a.f(k);
        acc = a.fma(acc, x, k);
    }
    acc
}

/// `a + b` as an exact sum `(s, e)`: `s` the rounded sum, `e` its error.
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
pub(super) fn two_prod<A: Arith>(a: &mut A, x: A::F, y: A::F) -> (A::F, A::F) {
    let p = a.mul(x, y);
    let np = a.neg(p);
    let e = a.fma(x, y, np);
    (p, e)
}

/// `hi < x`-style clamp: `x` limited to `[lo, hi]`; NaN stays NaN.
pub(super) fn clamp<A: Arith>(a: &mut A, x: A::F, lo: f64, hi: f64) -> A::F {
    let (lo, hi) = (a.f(lo), a.f(hi));
    let below = a.lt(x, lo);
    let x = a.select(below, lo, x);
    let above = a.lt(hi, x);
    a.select(above, hi, x)
}

/// `x` where `x` is ±0 (keeping its sign), else `y`.
pub(super) fn keep_zero<A: Arith>(a: &mut A, x: A::F, y: A::F) -> A::F {
    let zero = a.f(0.0);
    let is_zero = a.eq(x, zero);
    a.select(is_zero, x, y)
}

/// Flips the sign of `x` where bit `bit` of the integer `k` is set.
pub(super) fn flip_sign_by_bit<A: Arith>(a: &mut A, x: A::F, k: A::I, bit: u32) -> A::F {
    let shifted = a.shl(k, 63 - bit);
    let sign = a.i(1 << 63);
    let mask = a.iand(shifted, sign);
    let bits = a.to_bits(x);
    let flipped = a.ixor(bits, mask);
    a.from_bits(flipped)
}

/// A per-lane condition: bit 0 of the integer `k` is set.
pub(super) fn odd<A: Arith>(a: &mut A, k: A::I) -> A::M {
    // (k & 1) | bits(2^52) is 2^52 or 2^52 + 1.
    let one = a.i(1);
    let low = a.iand(k, one);
    let two52 = a.i(0x4330_0000_0000_0000);
    let bits = a.ior(low, two52);
    let v = a.from_bits(bits);
    let odd_value = a.f(4_503_599_627_370_497.0);
    a.eq(v, odd_value)
}
