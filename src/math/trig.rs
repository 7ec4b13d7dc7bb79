//! `sin`, `cos` and `tan`.
//!
//! `x = q*pi/2 + r` with `|r| <= pi/4` (a little more when `x*2/pi` rounds
//! across a half), `pi/2` in three doubles (159 bits) and `r` kept as a sum
//! of two doubles; then the Taylor series of `sin r` (to `r^19`) and
//! `cos r` (to `r^18`), truncation below 2^-60 relative, and the quadrant
//! from the low bits of `q`. For `|x| >= 2^20` the lanes concerned call
//! musl's `sin`/`cos`/`tan` (the `libm` crate) instead, whose Payne–Hanek
//! reduction is exact (`cos(1e22)` is right, and so is the double closest
//! to a multiple of pi/2, 6381956970095103 * 2^797, where glibc 2.36's
//! `cos` is 8 ulp off).

use super::Arith;
use super::util::{
    divide, flip_sign_by_bit, keep_zero, normalize, odd, poly, round_mul, two_prod, two_sum,
};
use crate::functions::NativeFn;

const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// pi/2 = A + B + C to 159 bits.
const PIO2_A: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_B: f64 = 6.123_233_995_736_766e-17;
const PIO2_C: f64 = -1.497_384_904_859_169_8e-33;
/// Above this the fast reduction is not used.
const HUGE: f64 = 1_048_576.0;

/// `(-1)^k / (2k+3)!` for k = 0..9: `(sin r - r) / r^3` in `r^2`.
const S: [f64; 9] = alternating_inverse_factorials(3);
/// `(-1)^k / (2k+4)!` for k = 0..8: `(cos r - 1 + r^2/2) / r^4` in `r^2`.
const C: [f64; 8] = {
    let full: [f64; 9] = alternating_inverse_factorials(4);
    let mut out = [0.0; 8];
    let mut i = 0;
    while i < 8 {
        out[i] = -full[i];
        i += 1;
    }
    out
};

const fn alternating_inverse_factorials<const N: usize>(first: u32) -> [f64; N] {
    let mut out = [0.0; N];
    let mut fact = 1.0;
    let mut n = 1;
    while n < first {
        n += 1;
        fact *= n as f64;
    }
    let mut i = 0;
    let mut sign = -1.0;
    while i < N {
        out[i] = sign / fact;
        sign = -sign;
        n += 1;
        fact *= n as f64;
        n += 1;
        fact *= n as f64;
        i += 1;
    }
    out
}

/// `x - q*pi/2` as `(q, r, r_lo)`.
fn reduce<A: Arith>(a: &mut A, x: A::F) -> (super::util::Rounded<A>, A::F, A::F) {
    let q = round_mul(a, x, TWO_OVER_PI);
    let nq = a.neg(q.f);
    let pa = a.f(PIO2_A);
    let r1 = a.fma(nq, pa, x); // exact for |q| < 2^20
    let pb = a.f(PIO2_B);
    let (p, p_lo) = two_prod(a, q.f, pb);
    let np = a.neg(p);
    let (r2, e) = two_sum(a, r1, np);
    let pc = a.f(PIO2_C);
    let qc = a.fma(q.f, pc, p_lo);
    let lo = a.sub(e, qc);
    let (r, r_lo) = two_sum(a, r2, lo);
    (q, r, r_lo)
}

/// `sin(r + r_lo)` as `(hi, lo)`.
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

/// Sends lanes with `|x| >= 2^20` (and infinities) to `slow`.
fn huge_fallback<A: Arith>(a: &mut A, x: A::F, v: A::F, slow: extern "C" fn(f64) -> f64) -> A::F {
    let ax = a.abs(x);
    let huge = a.f(HUGE);
    let is_huge = a.le(huge, ax);
    a.fallback(is_huge, v, &[x], NativeFn::Arity1(slow))
}

/// Sine.
pub(super) fn sin<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let (q, r, r_lo) = reduce(a, x);
    let (sh, sl) = sin_parts(a, r, r_lo);
    let (ch, cl) = cos_parts(a, r, r_lo);
    let sv = a.add(sh, sl);
    let cv = a.add(ch, cl);
    let swap = odd(a, q.i);
    let v = a.select(swap, cv, sv);
    let v = flip_sign_by_bit(a, v, q.i, 1);
    let v = keep_zero(a, x, v);
    huge_fallback(a, x, v, exact_sin)
}

/// Cosine.
pub(super) fn cos<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let (q, r, r_lo) = reduce(a, x);
    let (sh, sl) = sin_parts(a, r, r_lo);
    let (ch, cl) = cos_parts(a, r, r_lo);
    let sv = a.add(sh, sl);
    let cv = a.add(ch, cl);
    let swap = odd(a, q.i);
    let v = a.select(swap, sv, cv);
    let one = a.i(1);
    let q1 = a.iadd(q.i, one);
    let v = flip_sign_by_bit(a, v, q1, 1);
    huge_fallback(a, x, v, exact_cos)
}

/// Tangent: `sin/cos` (even quadrants) or `-cos/sin` (odd), the quotient
/// of the two-double values corrected once.
pub(super) fn tan<A: Arith>(a: &mut A, x: A::F) -> A::F {
    let (q, r, r_lo) = reduce(a, x);
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
    huge_fallback(a, x, v, exact_tan)
}
