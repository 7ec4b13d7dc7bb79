//! `sin`, `cos` and `tan`.
//!
//! `x = q*pi/2 + r` with `|r| <= pi/4` (a little more when `x*2/pi` rounds
//! across a half), `pi/2` in three doubles (159 bits) and `r` kept as a sum
//! of two doubles; then minimax polynomials for `sin r` (to `r^15`) and
//! `cos r` (to `r^16`), each within 2^-63 of the function relative to the
//! result (coefficients from `tools/remez_trig.py`), and the quadrant from
//! the low bits of `q`.
//!
//! The reduction is short, because a recurrence waits for it: `r` is one
//! fused multiply-add from `x - q*A` (exact), and the low part is computed
//! beside it, exactly while `|q*B| <= |x - q*A| / 2`. Lanes where that
//! fails (within 2^-33 of a nonzero multiple of pi/2) and lanes with
//! `|x| >= 2^20` call musl's `sin`/`cos`/`tan` (the `libm` crate) instead,
//! whose Payne–Hanek reduction is exact (`cos(1e22)` is right, and so is
//! the double closest to a multiple of pi/2, 6381956970095103 * 2^797,
//! where glibc 2.36's `cos` is 8 ulp off).

use super::Arith;
use super::util::{divide, flip_sign_by_bit, keep_zero, normalize, odd, poly, round_mul};
use crate::native::NativeFn;

const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// pi/2 = A + B + C to 159 bits.
const PIO2_A: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_B: f64 = 6.123_233_995_736_766e-17;
const PIO2_C: f64 = -1.497_384_904_859_169_8e-33;
/// Above this the fast reduction is not used.
const HUGE: f64 = 1_048_576.0;
/// Below this `|x - q*A|` (with `q != 0`) the low part of the reduction may
/// be inexact: `2^-33 > 2 * max |q*B|` for `|x| < 2^20`.
const CLOSE: f64 = 1.164_153_218_269_348_1e-10;

/// `(sin r - r) / r^3` as a polynomial in `r^2` on `|r| <= pi/4 + 1e-6`:
/// weighted minimax, error below 2^-63 relative to `sin r`.
const S: [f64; 7] = [
    -0.166_666_666_666_666_66,
    0.008_333_333_333_333_04,
    -0.000_198_412_698_409_592_85,
    2.755_731_907_188_010_8e-6,
    -2.505_207_028_341_340_7e-8,
    1.605_422_047_843_772_5e-10,
    -7.384_541_080_778_829e-13,
];
/// `(cos r - 1 + r^2/2) / r^4` as a polynomial in `r^2`, same interval:
/// error below 2^-63 relative to `cos r`.
const C: [f64; 6] = [
    0.041_666_666_666_666_595,
    -0.001_388_888_888_887_334_2,
    2.480_158_728_900_208e-5,
    -2.755_731_421_703_886e-7,
    2.087_570_539_602_896_6e-9,
    -1.135_874_923_988_833_8e-11,
];

/// The reduction: `x - q*pi/2` as `r + r_lo`.
struct Reduced<A: Arith> {
    q: super::util::Rounded<A>,
    r: A::F,
    r_lo: A::F,
    /// Lanes that must take the exact slow path.
    slow: A::M,
}

/// `x - q*pi/2`; see the module comment for when `r_lo` is exact.
#[inline(always)]
fn reduce<A: Arith>(a: &mut A, x: A::F) -> Reduced<A> {
    let q = round_mul(a, x, TWO_OVER_PI);
    let ma = a.f(-PIO2_A);
    let r1 = a.fma(q.f, ma, x); // exact for |q| < 2^20
    let mb = a.f(-PIO2_B);
    let r = a.fma(q.f, mb, r1);
    // -q*B = p + pe exactly.
    let p = a.mul(q.f, mb);
    let np = a.neg(p);
    let pe = a.fma(q.f, mb, np);
    let mc = a.f(-PIO2_C);
    let pe_c = a.fma(q.f, mc, pe);
    // r1 - r is exact (Sterbenz) while |q*B| <= |r1|/2, and is then -p
    // plus the rounding error of r, so adding p leaves that error.
    let u = a.sub(r1, r);
    let v = a.add(u, p);
    let r_lo = a.add(v, pe_c);

    let ax = a.abs(x);
    let huge = a.f(HUGE);
    let huge = a.le(huge, ax);
    let ar1 = a.abs(r1);
    let close = a.f(CLOSE);
    let close = a.lt(ar1, close);
    let half = a.f(0.5);
    let nonzero_q = a.lt(half, ax);
    let close = a.and(close, nonzero_q);
    let slow = a.or(huge, close);
    Reduced { q, r, r_lo, slow }
}

/// `sin(r + r_lo)` as `(hi, lo)`.
#[inline(always)]
fn sin_parts<A: Arith>(a: &mut A, r: A::F, r_lo: A::F) -> (A::F, A::F) {
    let z = a.mul(r, r);
    let s = poly(a, z, &S);
    let r3 = a.mul(r, z);
    let t = a.mul(r3, s);
    // r_lo * cos(r) ~ r_lo * (1 - z/2)
    let mhalf = a.f(-0.5);
    let hz = a.mul(mhalf, z);
    let c = a.fma(hz, r_lo, r_lo);
    let lo = a.add(t, c);
    (r, lo)
}

/// `cos(r + r_lo)` as `(hi, lo)`.
#[inline(always)]
fn cos_parts<A: Arith>(a: &mut A, r: A::F, r_lo: A::F) -> (A::F, A::F) {
    let z = a.mul(r, r);
    let nz = a.neg(z);
    let z_lo = a.fma(r, r, nz);
    let half = a.f(0.5);
    let hz = a.mul(half, z);
    let one = a.f(1.0);
    let w = a.sub(one, hz);
    let d = a.sub(one, w); // exact
    let corr = a.sub(d, hz); // the rounding error of w, exactly
    let hz_lo = a.mul(half, z_lo);
    let corr = a.sub(corr, hz_lo);
    let c = poly(a, z, &C);
    let zz = a.mul(z, z);
    let tail = a.mul(zz, c);
    let nr = a.neg(r);
    let tail = a.fma(nr, r_lo, tail);
    let lo = a.add(corr, tail);
    (w, lo)
}

extern "C" fn exact_sin(x: f64) -> f64 {
    libm::sin(x)
}
extern "C" fn exact_cos(x: f64) -> f64 {
    libm::cos(x)
}
extern "C" fn exact_tan(x: f64) -> f64 {
    libm::tan(x)
}

/// Sends the lanes the reduction flagged (huge `|x|`, infinities, close
/// to a multiple of pi/2) to `exact`.
#[inline(always)]
fn slow_lanes<A: Arith>(
    a: &mut A,
    red: &Reduced<A>,
    x: A::F,
    v: A::F,
    exact: extern "C" fn(f64) -> f64,
) -> A::F {
    a.fallback(red.slow, v, &[x], NativeFn::Arity1(exact))
}

/// What `sin` and `cos` both compute: the reduction, `sin` and `cos` of
/// the reduced argument, and whether the quadrant swaps them.
struct Quadrant<A: Arith> {
    red: Reduced<A>,
    sv: A::F,
    cv: A::F,
    swap: A::M,
}

#[inline(always)]
fn quadrant<A: Arith>(a: &mut A, x: A::F) -> Quadrant<A> {
    let red = reduce(a, x);
    let (r, r_lo) = (red.r, red.r_lo);
    let (sh, sl) = sin_parts(a, r, r_lo);
    let (ch, cl) = cos_parts(a, r, r_lo);
    let sv = a.add(sh, sl);
    let cv = a.add(ch, cl);
    let swap = odd(a, red.q.i);
    Quadrant { red, sv, cv, swap }
}

/// `sin(x)` from its quadrant.
#[inline(always)]
fn sin_of<A: Arith>(a: &mut A, k: &Quadrant<A>, x: A::F) -> A::F {
    let v = a.select(k.swap, k.cv, k.sv);
    let v = flip_sign_by_bit(a, v, k.red.q.i, 1);
    let v = keep_zero(a, x, v);
    slow_lanes(a, &k.red, x, v, exact_sin)
}

/// `cos(x)` from its quadrant.
#[inline(always)]
fn cos_of<A: Arith>(a: &mut A, k: &Quadrant<A>, x: A::F) -> A::F {
    let v = a.select(k.swap, k.sv, k.cv);
    let one = a.i(1);
    let q1 = a.iadd(k.red.q.i, one);
    let v = flip_sign_by_bit(a, v, q1, 1);
    slow_lanes(a, &k.red, x, v, exact_cos)
}

/// Sine.
#[inline(always)]
pub(crate) fn sin<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let k = quadrant(a, x);
    sin_of(a, &k, x)
}

/// Cosine.
#[inline(always)]
pub(crate) fn cos<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let k = quadrant(a, x);
    cos_of(a, &k, x)
}

/// `(sin(x), cos(x))`, the same bits as [`sin`] and [`cos`]: the two
/// share the reduction and both polynomials, which each computes anyway.
#[inline(always)]
pub(crate) fn sin_cos<A: Arith>(a: &mut A, x: A::F) -> (A::F, A::F) {
    let k = quadrant(a, x);
    (sin_of(a, &k, x), cos_of(a, &k, x))
}

/// Tangent: `sin/cos` (even quadrants) or `-cos/sin` (odd), the quotient
/// of the two-double values corrected once.
#[inline(always)]
pub(crate) fn tan<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let red = reduce(a, x);
    let (q, r, r_lo) = (&red.q, red.r, red.r_lo);
    let (sh, sl) = sin_parts(a, r, r_lo);
    let (ch, cl) = cos_parts(a, r, r_lo);
    let swap = odd(a, q.i);
    let (sh, sl) = normalize(a, sh, sl);
    let (ch, cl) = normalize(a, ch, cl);
    let (nh, nl) = (a.select(swap, ch, sh), a.select(swap, cl, sl));
    let (dh, dl) = (a.select(swap, sh, ch), a.select(swap, sl, cl));
    let (t, corr) = divide(a, nh, nl, dh, dl);
    let v = a.add(t, corr);
    let nv = a.neg(v);
    let v = a.select(swap, nv, v);
    let v = keep_zero(a, x, v);
    slow_lanes(a, &red, x, v, exact_tan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::Scalar;

    #[test]
    fn sin_cos_is_sin_and_cos() {
        let mut xs = vec![
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5e-324,
            1e-300,
            1e22,
            -3e15,
            std::f64::consts::FRAC_PI_2,
            std::f64::consts::PI,
            -1e6 * std::f64::consts::PI,
        ];
        let mut v = 0.37f64;
        for _ in 0..20_000 {
            v = (v * 1.618_033_988_749 + 0.1).fract();
            xs.push((v - 0.5) * 2000.0);
        }
        for x in xs {
            let (s, c) = sin_cos(&mut Scalar, x);
            let (s1, c1) = (sin(&mut Scalar, x), cos(&mut Scalar, x));
            assert!(
                s.to_bits() == s1.to_bits() || (s.is_nan() && s1.is_nan()),
                "sin {x}"
            );
            assert!(
                c.to_bits() == c1.to_bits() || (c.is_nan() && c1.is_nan()),
                "cos {x}"
            );
        }
    }
}
