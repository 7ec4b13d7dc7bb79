//! `cbrt`.
//!
//! `|x| = 2^(3q + s) * m` with `s` in {0, 1, 2} and `m` in [1, 2), so
//! `cbrt|x| = 2^q * cbrt(a)` with `a = 2^s * m` in [1, 8); a quadratic first
//! guess (3.7 % off), three Newton steps (to ~1e-13), and a last step whose
//! residual `a - y^3` is computed exactly, so only the final rounding is
//! left.

use super::Arith;
use super::util::{keep_zero, pow2, round_mul, two_prod, with_sign_of};

/// Least-squares (relative) fit of `cbrt` on [1, 8).
const GUESS: [f64; 3] = [
    0.801_660_533_888_448_3,
    0.247_798_959_819_615_36,
    -0.012_727_324_536_040_03,
];

/// Cube root, correct for negative `x` (`cbrt(-8) = -2`).
#[inline(always)]
pub(crate) fn cbrt<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let ax = a.abs(x);
    // Subnormals: scale by 2^54 (and the result by 2^-18).
    let min_normal = a.f(f64::MIN_POSITIVE);
    let tiny = a.lt(ax, min_normal);
    let two54 = a.f(18_014_398_509_481_984.0);
    let scaled = a.mul(ax, two54);
    let v = a.select(tiny, scaled, ax);
    let zero = a.f(0.0);
    let eighteen = a.f(18.0);
    let adjust = a.select(tiny, eighteen, zero);

    // Exponent e (unbiased) and mantissa m in [1, 2).
    let bits = a.bits_of(v);
    let biased = a.ushr(bits, 52);
    let two52 = a.i(0x4330_0000_0000_0000);
    let ebits = a.ior(biased, two52);
    let eraw = a.float_of(ebits);
    let unbias = a.f(4_503_599_627_371_519.0); // 2^52 + 1023
    let e = a.sub(eraw, unbias);
    let mmask = a.i(0x000F_FFFF_FFFF_FFFF);
    let mbits = a.iand(bits, mmask);
    let one_bits = a.i(0x3FF0_0000_0000_0000);
    let mbits = a.ior(mbits, one_bits);
    let m = a.float_of(mbits);

    // e = 3q + s.
    let one = a.f(1.0);
    let em1 = a.sub(e, one);
    let q = round_mul(a, em1, 1.0 / 3.0);
    let three = a.f(3.0);
    let m3 = a.f(-3.0);
    let s = a.fma(q.f, m3, e);
    let two = a.f(2.0);
    let four = a.f(4.0);
    let s_is_1 = a.eq(s, one);
    let s_is_2 = a.eq(s, two);
    let p = a.select(s_is_1, two, one);
    let p = a.select(s_is_2, four, p);
    let c = a.mul(m, p); // exact, in [1, 8)

    // First guess and Newton steps y <- (2y + c/y^2) / 3.
    let mut y = super::util::poly(a, c, &GUESS);
    let third = a.f(1.0 / 3.0);
    for _ in 0..3 {
        let y2 = a.mul(y, y);
        let t = a.div(c, y2);
        let s = a.fma(two, y, t);
        y = a.mul(s, third);
    }
    // Last step: y + (c - y^3) / (3 y^2), the residual exact.
    let (y2, y2_lo) = two_prod(a, y, y);
    let (y3, y3_lo) = two_prod(a, y2, y);
    let y3_lo = a.fma(y2_lo, y, y3_lo);
    let r = a.sub(c, y3); // exact: y^3 is within a few ulp of c
    let r = a.sub(r, y3_lo);
    let d = a.mul(three, y2);
    let corr = a.div(r, d);
    let y = a.add(y, corr);

    // Scale by 2^(q - adjust), give it x's sign; ±0, ±inf and NaN are x.
    let k = round_mul(a, adjust, 1.0);
    let k = a.isub(q.i, k.i);
    let scale = pow2(a, k);
    let y = a.mul(y, scale);
    let y = with_sign_of(a, y, x);
    let inf = a.f(f64::INFINITY);
    let finite = a.lt(ax, inf);
    let y = a.select(finite, y, x);
    keep_zero(a, x, y)
}
