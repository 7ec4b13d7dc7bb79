//! The accuracy harness shared by `tests/accuracy.rs` and
//! `examples/accuracy.rs`.
//!
//! - [`reference`]: each library function at [`PREC`] bits with the pure-Rust
//!   arbitrary-precision crate `astro-float` (its trigonometric argument
//!   reduction uses π to the argument's exponent plus the working precision,
//!   so `cos(1e22)` and `sin(1e300)` are right), and the C99 / IEEE special
//!   cases written out exactly.
//! - [`ulp_error`]: `|computed − exact| / ulp(exact)` in the high-precision
//!   domain, as a fractional number of ulps; the ulp is that of the binade of
//!   the exact value, subnormal ulps below 2^-1022 and 2^971 above `f64::MAX`.
//!   A wrong special value (NaN, ±inf, a signed zero) is an infinite error.
//! - [`input`]: seeded, deterministic inputs spanning each function's domain:
//!   a fixed list of special values first, then random draws from the
//!   function's [`components`] (log-uniform over the whole exponent range,
//!   uniform on the central interval, near thresholds and poles, …).
//! - [`measure`]: runs implementations over `n` inputs on rayon's pool, and
//!   [`markdown`] tabulates the result.
#![allow(dead_code)]

use std::cell::RefCell;
use std::f64::consts::{FRAC_PI_2, PI, TAU};
use std::fmt::Write as _;

use astro_float_num::{BigFloat, Consts, RoundingMode, Sign};
use exprjit::NativeFn;
use exprjit::unstable::MathFn;
use rayon::prelude::*;

/// Working precision of the reference, in bits. The reference's relative
/// error is a few units of 2^-PREC, so measured errors are exact to about
/// 2^(53-PREC) ulp; the functions raise it internally where they cancel.
pub const PREC: usize = 128;

/// Rounding of the basic operations.
const RM: RoundingMode = RoundingMode::ToEven;
/// Rounding of the functions: none, so astro-float skips its correct-rounding
/// loop (which raises the precision without bound on exact results such as
/// `pow(2, 2)`); the result is still within a few units of 2^-p.
const FN: RoundingMode = RoundingMode::None;

/// The exact result of a function at an input.
#[derive(Debug)]
pub enum Ref {
    /// A value the result must equal bit for bit (any NaN matches NaN): the
    /// special cases, ±0, ±inf.
    Exact(f64),
    /// A finite nonzero real (or, beyond the double range, a stand-in far
    /// past it: 2^±2000), to be compared in ulps.
    Big(BigFloat),
}

thread_local! {
    static CONSTS: RefCell<Consts> = RefCell::new(Consts::new().expect("astro-float constants cache"));
}

/// `f64` → `BigFloat`, exactly. (astro-float's own `from_f64` halves
/// subnormals, so the bits are taken apart here.)
pub fn big(x: f64) -> BigFloat {
    if x == 0.0 || !x.is_finite() {
        return BigFloat::from_f64(x, 64);
    }
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // x = m · 2^e with an integer m.
    let (m, e) = if field == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), field - 1075)
    };
    let mut b = BigFloat::from_word(m, 64);
    b.set_exponent(b.exponent().expect("nonzero") + e);
    if x < 0.0 { -b } else { b }
}

/// `±2^e`, exactly.
fn pow2(e: i32, negative: bool) -> BigFloat {
    let mut b = big(if negative { -1.0 } else { 1.0 });
    b.set_exponent(e + 1);
    b
}

/// A value past the overflow threshold, with a sign.
fn overflow(negative: bool) -> Ref {
    Ref::Big(pow2(2000, negative))
}

/// A value far below half the least subnormal, with a sign.
fn underflow(negative: bool) -> Ref {
    Ref::Big(pow2(-2000, negative))
}

/// An approximation of a big float as `f64` (the leading 64 bits, truncated;
/// for display and for error magnitudes).
pub fn approx(b: &BigFloat) -> f64 {
    if b.is_nan() {
        return f64::NAN;
    }
    if b.is_inf() {
        return if b.is_negative() {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let Some((words, _, sign, e, _)) = b.as_raw_parts() else {
        return f64::NAN;
    };
    let Some(&top) = words.last() else {
        return 0.0;
    };
    if top == 0 {
        return 0.0;
    }
    // value = top * 2^(e - 64); scale in two steps to avoid premature
    // overflow or underflow of the power of two.
    let k = e - 64;
    let half = k / 2;
    let v = top as f64 * 2f64.powi(half) * 2f64.powi(k - half);
    if sign == Sign::Neg { -v } else { v }
}

/// The reference value of `f` at `args` (the second is ignored for unary
/// functions), or `None` where the harness has no reference (`round`,
/// `fmod`: exact operations).
pub fn reference(f: MathFn, args: [f64; 2]) -> Option<Ref> {
    CONSTS.with(|cc| reference_at(f, args, PREC, &mut cc.borrow_mut()))
}

/// [`reference`] at precision `p` with the given constants cache.
pub fn reference_at(f: MathFn, [x, y]: [f64; 2], p: usize, cc: &mut Consts) -> Option<Ref> {
    use MathFn::*;
    use Ref::{Big, Exact};
    let nan = Exact(f64::NAN);
    let neg = x.is_sign_negative();
    let pi = |cc: &mut Consts, num: f64, den: f64| {
        cc.pi(p + 64, RM)
            .mul(&big(num), p + 64, RM)
            .div(&big(den), p, RM)
    };
    if f.arity() == 1 && x.is_nan() {
        return Some(nan);
    }
    let r = match f {
        Sin | Cos | Tan if x.is_infinite() => nan,
        Sin | Tan if x == 0.0 => Exact(x),
        Cos if x == 0.0 => Exact(1.0),
        Sin | Cos | Tan => Big(trig(f, x, p, cc)),
        Asin | Acos if x.abs() > 1.0 => nan,
        Asin if x == 0.0 => Exact(x),
        Asin => Big(big(x).asin(p, FN, cc)),
        Acos if x == 1.0 => Exact(0.0),
        Acos => Big(big(x).acos(p, FN, cc)),
        Atan => match x {
            0.0 => Exact(x),
            _ if x.is_infinite() => Big(pi(cc, x.signum(), 2.0)),
            _ => Big(big(x).atan(p, FN, cc)),
        },
        Sinh | Cosh | Exp | Exp2 | Expm1 if x.is_infinite() => Exact(match f {
            Cosh => f64::INFINITY,
            Exp | Exp2 if neg => 0.0,
            Expm1 if neg => -1.0,
            _ => x,
        }),
        Sinh | Expm1 if x == 0.0 => Exact(x),
        Cosh | Exp | Exp2 if x == 0.0 => Exact(1.0),
        Sinh if x.abs() > 711.0 => overflow(neg),
        Cosh if x.abs() > 711.0 => overflow(false),
        Sinh => Big(big(x).sinh(p, FN, cc)),
        Cosh => Big(big(x).cosh(p, FN, cc)),
        Tanh => match x {
            0.0 => Exact(x),
            _ if x.is_infinite() => Exact(x.signum()),
            // |tanh x| = 1 - 2e^(-2|x|)/(1 + …) is within 2^-115 of 1.
            _ if x.abs() > 40.0 => {
                Big(pow2(-200, true)
                    .add(&big(1.0), 256, RM)
                    .mul(&big(x.signum()), 256, RM))
            }
            _ => Big(big(x).tanh(p, FN, cc)),
        },
        Asinh => match x {
            _ if x == 0.0 || x.is_infinite() => Exact(x),
            _ => Big(big(x).asinh(p, FN, cc)),
        },
        Acosh => match x {
            _ if x < 1.0 => nan,
            1.0 => Exact(0.0),
            f64::INFINITY => Exact(x),
            _ => Big(big(x).acosh(p, FN, cc)),
        },
        Atanh => match x.abs() {
            a if a > 1.0 => nan,
            1.0 => Exact(f64::INFINITY.copysign(x)),
            0.0 => Exact(x),
            _ => Big(big(x).atanh(p, FN, cc)),
        },
        Exp if x > 710.0 => overflow(false),
        Exp if x < -746.0 => underflow(false),
        Exp => Big(big(x).exp(p, FN, cc)),
        Exp2 if x > 1025.0 => overflow(false),
        Exp2 if x < -1076.0 => underflow(false),
        Exp2 => {
            // 2^x = 2^n · e^(f·ln 2) with n = trunc(x): f = x - n, the
            // fraction bits of x, is exact.
            let n = x.trunc();
            let frac = big(x - n);
            let mut r = if frac.is_zero() {
                big(1.0)
            } else {
                frac.mul(&cc.ln_2(p + 64, RM), p + 64, RM).exp(p, FN, cc)
            };
            r.set_exponent(r.exponent().expect("finite") + n as i32);
            Big(r)
        }
        Expm1 if x > 710.0 => overflow(false),
        Expm1 if x.abs() < 1.0 / 256.0 => Big(series(x, p, true)),
        Expm1 => Big(big(x).exp(p + 64, FN, cc).sub(&big(1.0), p, RM)),
        Log | Log2 | Log10 | Log1p if x == f64::INFINITY => Exact(x),
        Log | Log2 | Log10 if x < 0.0 => nan,
        Log | Log2 | Log10 if x == 0.0 => Exact(f64::NEG_INFINITY),
        Log | Log2 | Log10 if x == 1.0 => Exact(0.0),
        Log => Big(big(x).ln(p, FN, cc)),
        Log2 => Big(big(x).log2(p, FN, cc)),
        Log10 => Big(big(x).log10(p, FN, cc)),
        Log1p if x < -1.0 => nan,
        Log1p if x == -1.0 => Exact(f64::NEG_INFINITY),
        Log1p if x == 0.0 => Exact(x),
        Log1p if x.abs() < 1.0 / 256.0 => Big(series(x, p, false)),
        // 1 + x is exact at p bits for |x| < 2^53 and harmlessly rounded
        // beyond; ln is conditioned by at most 2^8 here.
        Log1p => Big(big(1.0).add(&big(x), p, RM).ln(p + 64, FN, cc)),
        Cbrt if x == 0.0 || x.is_infinite() => Exact(x),
        Cbrt => Big(big(x).cbrt(p, FN)),
        // `args` are `[y, x]`, as `atan2(y, x)` takes them.
        Atan2 => atan2(x, y, p, cc),
        Pow => pow(x, y, p, cc),
        Hypot => match (x, y) {
            _ if x.is_infinite() || y.is_infinite() => Exact(f64::INFINITY),
            _ if x.is_nan() || y.is_nan() => nan,
            (0.0, 0.0) => Exact(0.0),
            _ => {
                let (bx, by) = (big(x), big(y));
                let s = bx.mul(&bx, p, RM).add(&by.mul(&by, p, RM), p, RM);
                Big(s.sqrt(p, RM))
            }
        },
        Round | Fmod => return None,
    };
    Some(r)
}

/// `sin`, `cos` or `tan` of a finite nonzero `x`, reduced here rather than
/// by astro-float (whose reduction misses the hardest case,
/// 6381956970095103·2^797): `x = k·π/2 + r` with |r| <= π/4, `k·π/2`
/// computed with π to `exponent(x) + p + 128` bits, so `r` has an absolute
/// error near 2^-(p+128) and, as no double lies closer than about 2^-62 to a
/// multiple of π/2, a relative error below 2^-(p+64).
fn trig(f: MathFn, x: f64, p: usize, cc: &mut Consts) -> BigFloat {
    let bx = big(x);
    let (r, quadrant) = if x.abs() <= 0.785 {
        (bx, 0)
    } else {
        let ex = bx.exponent().expect("finite").max(0) as usize;
        let w = ex + p + 128;
        let mut half_pi = cc.pi(w, RM);
        half_pi.set_exponent(half_pi.exponent().expect("finite") - 1);
        let q = bx.div(&half_pi, ex + 64, RM);
        let k = q.add(&big(0.5), ex + 64, RM).floor();
        let mut r = bx.sub(&k.mul(&half_pi, w, RM), w, RM);
        r.set_precision(p + 64, RM).expect("precision");
        // k mod 4, exactly: k - 4·floor(k/4).
        let mut k4 = k.clone();
        if !k4.is_zero() {
            k4.set_exponent(k4.exponent().expect("finite") - 2);
        }
        let mut floor4 = k4.floor();
        if !floor4.is_zero() {
            floor4.set_exponent(floor4.exponent().expect("finite") + 2);
        }
        let m = approx(&k.sub(&floor4, ex + 64, RM)) as i32;
        (r, m)
    };
    let w = p + 64;
    match (f, quadrant) {
        (MathFn::Sin, 0) | (MathFn::Cos, 3) => r.sin(w, FN, cc),
        (MathFn::Sin, 1) | (MathFn::Cos, 0) => r.cos(w, FN, cc),
        (MathFn::Sin, 2) | (MathFn::Cos, 1) => -r.sin(w, FN, cc),
        (MathFn::Sin, 3) | (MathFn::Cos, 2) => -r.cos(w, FN, cc),
        (_, 0 | 2) => r.tan(p, FN, cc),
        _ => {
            let c = r.cos(w, FN, cc);
            -c.div(&r.sin(w, FN, cc), p, RM)
        }
    }
}

/// `expm1` (`exp == true`) or `log1p` near 0 by their Taylor series, for
/// |x| < 2^-8: the terms fall by 2^8 each, summed at `p + 32` bits.
fn series(x: f64, p: usize, exp: bool) -> BigFloat {
    let w = p + 32;
    let bx = big(x);
    let mut power = bx.clone(); // x^k
    let mut fact = big(1.0); // k!
    let mut sum = bx.clone();
    let limit = bx.exponent().expect("finite") - w as i32;
    for k in 2..200u32 {
        power = power.mul(&bx, w, RM);
        let term = if exp {
            fact = fact.mul(&big(f64::from(k)), w, RM);
            power.div(&fact, w, RM)
        } else {
            let t = power.div(&big(f64::from(k)), w, RM);
            if k % 2 == 0 { -t } else { t }
        };
        sum = sum.add(&term, w, RM);
        if term.exponent().is_none_or(|e| e < limit) {
            break;
        }
    }
    sum
}

fn atan2(y: f64, x: f64, p: usize, cc: &mut Consts) -> Ref {
    use Ref::{Big, Exact};
    let pi = |cc: &mut Consts, num: f64, den: f64| {
        Big(cc
            .pi(p + 64, RM)
            .mul(&big(num), p + 64, RM)
            .div(&big(den), p, RM))
    };
    let s = if y.is_sign_negative() { -1.0 } else { 1.0 };
    if x.is_nan() || y.is_nan() {
        return Exact(f64::NAN);
    }
    if y == 0.0 {
        return if x.is_sign_positive() {
            Exact(y)
        } else {
            pi(cc, s, 1.0)
        };
    }
    if x == 0.0 {
        return pi(cc, s, 2.0);
    }
    if y.is_infinite() {
        return match x {
            f64::INFINITY => pi(cc, s, 4.0),
            f64::NEG_INFINITY => pi(cc, 3.0 * s, 4.0),
            _ => pi(cc, s, 2.0),
        };
    }
    if x.is_infinite() {
        return if x > 0.0 {
            Exact(0.0 * s)
        } else {
            pi(cc, s, 1.0)
        };
    }
    // atan(|y/x|) has relative condition <= 1; pi - it has no cancellation.
    let t = big(y.abs())
        .div(&big(x.abs()), p + 64, RM)
        .atan(p + 64, FN, cc);
    let r = if x < 0.0 {
        cc.pi(p + 64, RM).sub(&t, p, RM)
    } else {
        t
    };
    Big(r.mul(&big(s), p, RM))
}

/// True if `y` is an odd integer.
fn is_odd(y: f64) -> bool {
    y.fract() == 0.0 && y.abs() < 9007199254740992.0 && (y as i64) % 2 != 0
}

/// `pow(x, y)` with the C99 special cases (Annex F.9.4.4).
fn pow(x: f64, y: f64, p: usize, cc: &mut Consts) -> Ref {
    use Ref::{Big, Exact};
    let inf = f64::INFINITY;
    if y == 0.0 || x == 1.0 {
        return Exact(1.0);
    }
    if x.is_nan() || y.is_nan() {
        return Exact(f64::NAN);
    }
    let odd = is_odd(y);
    if x == 0.0 {
        return Exact(match (y < 0.0, odd) {
            (true, true) => inf.copysign(x),
            (true, false) => inf,
            (false, true) => x,
            (false, false) => 0.0,
        });
    }
    if y.is_infinite() {
        let a = x.abs();
        return Exact(if a == 1.0 {
            1.0
        } else if (a < 1.0) == (y < 0.0) {
            inf
        } else {
            0.0
        });
    }
    if x.is_infinite() {
        let sign = if x < 0.0 && odd { -1.0 } else { 1.0 };
        return Exact(if y < 0.0 { 0.0 } else { inf } * sign);
    }
    if x < 0.0 && y.fract() != 0.0 {
        return Exact(f64::NAN);
    }
    let negative = x < 0.0 && odd;
    let a = x.abs();
    if a == 1.0 {
        return Exact(if negative { -1.0 } else { 1.0 });
    }
    // log2 of the result, roughly, to keep astro-float's exponent in range.
    let t = y * a.log2();
    if t > 1100.0 {
        return overflow(negative);
    }
    if t < -1200.0 {
        return underflow(negative);
    }
    let r = big(a).pow(&big(y), p, FN, cc);
    Big(if negative { -r } else { r })
}

const OVERFLOW_EXP: i32 = 1024;

/// The error of `got` against the exact value, in ulps of the exact value's
/// binade (subnormal ulps below 2^-1022; above `f64::MAX` the top binade's).
///
/// - `Exact` values: NaN must be NaN; ±0 and ±inf must match bit for bit;
///   other exact values are measured like `Big` ones.
/// - A result that rounds to ±inf must be that infinity (an infinity where
///   the exact value is within the double range is an infinite error; past
///   `f64::MAX` it counts as 2^1024).
/// - A zero for a nonzero exact value must carry its sign.
pub fn ulp_error(got: f64, want: &Ref) -> f64 {
    match want {
        Ref::Exact(w) if w.is_nan() => {
            if got.is_nan() {
                0.0
            } else {
                f64::INFINITY
            }
        }
        Ref::Exact(w) if got.to_bits() == w.to_bits() => 0.0,
        Ref::Exact(w) if *w == 0.0 || w.is_infinite() => f64::INFINITY,
        Ref::Exact(w) => big_error(got, &big(*w)),
        Ref::Big(b) => big_error(got, b),
    }
}

fn big_error(got: f64, b: &BigFloat) -> f64 {
    let Some(e) = b.exponent() else {
        return f64::INFINITY;
    };
    if got.is_nan() {
        return f64::INFINITY;
    }
    let negative = b.is_negative();
    if got.is_sign_negative() != negative && (got == 0.0 || got.is_infinite()) {
        return f64::INFINITY;
    }
    let a = b.abs();
    let max = big(f64::MAX);
    if got.is_infinite() {
        // Exactly half an ulp above MAX rounds to inf (to even).
        let threshold = max.add(&pow2(970, false), 64, RM);
        if a >= threshold {
            return 0.0;
        }
        if a > max {
            return approx(&pow2(1024, false).sub(&a, PREC, RM)) / 2f64.powi(971);
        }
        return f64::INFINITY;
    }
    // value in [2^(e-1), 2^e): ulp = 2^(e-1-52), clamped to the double range.
    let ulp_exp = (e - 1).clamp(-1022, OVERFLOW_EXP - 1) - 52;
    let mut d = big(got).sub(b, PREC, RM).abs();
    if d.is_zero() {
        return 0.0;
    }
    let de = d.exponent().expect("finite");
    let scaled = i64::from(de) - i64::from(ulp_exp);
    if scaled > 1100 {
        return f64::INFINITY;
    }
    if scaled < -1100 {
        return 0.0;
    }
    d.set_exponent(scaled as i32);
    approx(&d)
}

/// A seeded splitmix64 generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// 64 random bits.
    pub fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo) as u64 + 1;
        lo + (self.u64() % span) as i64
    }

    /// ±1.
    pub fn sign(&mut self) -> f64 {
        if self.u64() & 1 == 0 { 1.0 } else { -1.0 }
    }

    /// Uniform in [a, b).
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    /// Positive, log-uniform: a binade 2^e with `lo <= e < hi` chosen
    /// uniformly (`lo` down to -1074 reaches the subnormals), then a uniform
    /// significand in it.
    pub fn mag(&mut self, lo: i32, hi: i32) -> f64 {
        let e = self.int(i64::from(lo), i64::from(hi) - 1) as i32;
        if e >= -1022 {
            let m = self.u64() >> 12;
            f64::from_bits((((e + 1023) as u64) << 52) | m)
        } else {
            // Subnormal binade [2^e, 2^(e+1)): bit (e + 1074) set.
            let k = (e + 1074) as u32;
            let low = if k == 0 {
                0
            } else {
                self.u64() & ((1u64 << k) - 1)
            };
            f64::from_bits((1u64 << k) | low)
        }
    }

    /// [`Rng::mag`] with a random sign.
    pub fn logu(&mut self, lo: i32, hi: i32) -> f64 {
        self.sign() * self.mag(lo, hi)
    }

    /// `c` moved by up to 2^bits ulps (a log-uniform distance) either way.
    pub fn near(&mut self, c: f64, bits: u32) -> f64 {
        let k = self.u64() >> (64 - self.int(0, i64::from(bits)) as u32).min(63);
        let k = k as i64 * if self.u64() & 1 == 0 { 1 } else { -1 };
        step(c, k)
    }

    /// `c` moved by up to 2^bits ulps towards `dir`'s sign.
    pub fn near_side(&mut self, c: f64, bits: u32, dir: f64) -> f64 {
        let k = self.u64() >> (64 - self.int(0, i64::from(bits)) as u32).min(63);
        step(c, if dir < 0.0 { -(k as i64) } else { k as i64 })
    }

    /// One of `values`.
    pub fn pick(&mut self, values: &[f64]) -> f64 {
        values[(self.u64() % values.len() as u64) as usize]
    }
}

/// `x` moved by `k` representable doubles (ordered across zero).
pub fn step(x: f64, k: i64) -> f64 {
    let ord = |x: f64| {
        let b = x.to_bits() as i64;
        if b < 0 { i64::MIN - b } else { b }
    };
    let o = ord(x).saturating_add(k);
    let b = if o < 0 { i64::MIN - o } else { o };
    f64::from_bits(b as u64)
}

/// A generator of one input (`[x, 0]` for unary functions, `[y, x]` for
/// `atan2`, `[x, y]` for `pow` and `hypot`).
pub type Gen = fn(&mut Rng) -> [f64; 2];

/// One part of a function's input distribution: a name for the domain
/// column, and its generator. Each part gets an equal share of the draws.
#[derive(Clone, Copy)]
pub struct Component {
    /// Short description (`"[-2π, 2π]"`).
    pub name: &'static str,
    /// The generator.
    pub gen_: Gen,
}

macro_rules! c1 {
    ($name:expr, |$r:ident| $e:expr) => {
        Component {
            name: $name,
            gen_: |$r: &mut Rng| [$e, 0.0],
        }
    };
}
macro_rules! c2 {
    ($name:expr, |$r:ident| $e:expr) => {
        Component {
            name: $name,
            gen_: |$r: &mut Rng| $e,
        }
    };
}

/// All finite doubles, log-uniform over binades, both signs.
const ALL: Component = c1!("±all finite, log-uniform", |r| r.logu(-1074, 1024));
const UNIT: Component = c1!("[-1, 1]", |r| r.uniform(-1.0, 1.0));
const TINY: Component = c1!("0 < |x| < 1, log-uniform", |r| r.logu(-1074, 0));
const POSITIVE: Component = c1!("(0, max], log-uniform", |r| r.mag(-1074, 1024));
const NEAR_ONE: Component = c1!("1 ± 2^-7", |r| r.near(1.0, 45));

/// The parts of `f`'s input distribution.
pub fn components(f: MathFn) -> Vec<Component> {
    use MathFn::*;
    match f {
        Sin | Cos | Tan => vec![
            ALL,
            c1!("[-2π, 2π]", |r| r.uniform(-TAU, TAU)),
            c1!("|x| < 1e6", |r| r.uniform(-1e6, 1e6)),
            c1!("near kπ/2, |k| < 2^50", |r| {
                let k = r.mag(0, 50).floor() * r.sign();
                r.near(k * FRAC_PI_2, 12)
            }),
        ],
        Asin | Acos => vec![
            UNIT,
            c1!("near ±1", |r| r.sign() * r.near_side(1.0, 50, -1.0)),
            TINY,
            c1!("near ±0.5", |r| {
                let s = r.sign();
                r.near(0.5 * s, 44)
            }),
        ],
        Atan => vec![ALL, c1!("[-4, 4]", |r| r.uniform(-4.0, 4.0)), UNIT],
        Sinh | Cosh => vec![
            ALL,
            c1!("[-711, 711]", |r| r.uniform(-711.0, 711.0)),
            UNIT,
            c1!("near ±710.48 (overflow)", |r| {
                let s = r.sign();
                s * r.near(710.4758600739439, 40)
            }),
        ],
        Tanh => vec![
            ALL,
            c1!("[-20, 20]", |r| r.uniform(-20.0, 20.0)),
            UNIT,
            TINY,
        ],
        Asinh => vec![ALL, c1!("[-2, 2]", |r| r.uniform(-2.0, 2.0))],
        Acosh => vec![
            c1!("[1, max], log-uniform", |r| 1.0 + r.mag(-60, 1024)),
            c1!("just above 1", |r| r.near_side(1.0, 45, 1.0)),
            c1!("[1, 10]", |r| r.uniform(1.0, 10.0)),
        ],
        Atanh => vec![
            UNIT,
            c1!("near ±1", |r| r.sign() * r.near_side(1.0, 50, -1.0)),
            TINY,
        ],
        Exp => vec![
            c1!("[-746, 710]", |r| r.uniform(-746.0, 710.0)),
            ALL,
            c1!("|x| < 1, log-uniform", |r| r.logu(-60, 0)),
            c1!("near 709.78, -708.40, -745.13", |r| {
                let c = r.pick(&[709.782712893384, -708.3964185322641, -745.1332191019411]);
                r.near(c, 40)
            }),
        ],
        Exp2 => vec![
            c1!("[-1076, 1025]", |r| r.uniform(-1076.0, 1025.0)),
            ALL,
            c1!("|x| < 1, log-uniform", |r| r.logu(-60, 0)),
            c1!("near 1024, -1022, -1074, -1075", |r| {
                let c = r.pick(&[1024.0, -1022.0, -1074.0, -1075.0]);
                r.near(c, 40)
            }),
        ],
        Expm1 => vec![
            c1!("[-40, 710]", |r| r.uniform(-40.0, 710.0)),
            TINY,
            UNIT,
            ALL,
            c1!("near 709.78", |r| r.near(709.782712893384, 40)),
        ],
        Log | Log2 | Log10 => vec![
            POSITIVE,
            NEAR_ONE,
            c1!("[0.5, 2]", |r| r.uniform(0.5, 2.0)),
            c1!("near 2^k, 10^k", |r| {
                let c = if r.u64() & 1 == 0 {
                    2f64.powi(r.int(-1074, 1023) as i32)
                } else {
                    10f64.powi(r.int(-300, 300) as i32)
                };
                r.near(c, 20)
            }),
        ],
        Log1p => vec![
            TINY,
            UNIT,
            c1!("just above -1", |r| r.near_side(-1.0, 45, 1.0)),
            POSITIVE,
        ],
        Cbrt => vec![
            ALL,
            c1!("[-10, 10]", |r| r.uniform(-10.0, 10.0)),
            c1!("exact cubes k^3, |k| < 2^17", |r| {
                let k = r.int(-(1 << 17), 1 << 17) as f64;
                k * k * k
            }),
        ],
        Atan2 => vec![
            c2!("±all finite, both", |r| [
                r.logu(-1074, 1024),
                r.logu(-1074, 1024)
            ]),
            c2!("[-10, 10]²", |r| [
                r.uniform(-10.0, 10.0),
                r.uniform(-10.0, 10.0)
            ]),
            c2!("y/x log-uniform", |r| {
                let x = r.logu(-500, 500);
                [x * r.logu(-60, 60), x]
            }),
            c2!("x < 0, y tiny", |r| [r.logu(-1074, -900), -r.mag(-10, 10)]),
        ],
        Pow => vec![
            c2!("x > 0 all, y: |log2 result| < 1100", |r| {
                let x = r.mag(-1074, 1024);
                let t = r.uniform(-1100.0, 1050.0);
                let l = x.log2();
                [x, if l == 0.0 { t } else { t / l }]
            }),
            c2!("x ∈ [0, 10], y ∈ [-50, 50]", |r| [
                r.uniform(0.0, 10.0),
                r.uniform(-50.0, 50.0)
            ]),
            c2!("x near 1, |y| large", |r| {
                let x = r.near(1.0, 40);
                let t = r.uniform(-1100.0, 1050.0);
                let l = x.log2();
                [x, if l == 0.0 { t } else { t / l }]
            }),
            c2!("x < 0 all, y integer", |r| {
                let x = -r.mag(-1074, 1024);
                let t = r.uniform(-1100.0, 1050.0);
                [x, (t / x.abs().log2()).round()]
            }),
            c2!("±x ∈ [2^-16, 2^16], y ∈ [-64, 64] integer", |r| [
                r.logu(-16, 16),
                r.int(-64, 64) as f64
            ]),
        ],
        Hypot => vec![
            c2!("±all finite, both", |r| [
                r.logu(-1074, 1024),
                r.logu(-1074, 1024)
            ]),
            c2!("[-10, 10]²", |r| [
                r.uniform(-10.0, 10.0),
                r.uniform(-10.0, 10.0)
            ]),
            c2!("|y| ≪ |x|", |r| {
                let x = r.logu(-500, 500);
                [x, x * r.logu(-80, 0)]
            }),
        ],
        Round | Fmod => vec![ALL],
    }
}

const COMMON: [f64; 30] = [
    0.0,
    -0.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    -2.0,
    10.0,
    0.1,
    f64::MAX,
    -f64::MAX,
    f64::MIN_POSITIVE,
    -f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    2.225073858507201e-308, // largest subnormal
    1e-300,
    -1e-300,
    1e-8,
    1e300,
    -1e300,
    1e22,
    -1e22,
    PI,
    -PI,
    FRAC_PI_2,
];

/// The fixed special inputs of `f`, tried first.
pub fn specials(f: MathFn) -> Vec<[f64; 2]> {
    use MathFn::*;
    let u = |v: &[f64]| -> Vec<[f64; 2]> { v.iter().map(|&x| [x, 0.0]).collect() };
    let grid = |xs: &[f64], ys: &[f64]| -> Vec<[f64; 2]> {
        xs.iter()
            .flat_map(|&x| ys.iter().map(move |&y| [x, y]))
            .collect()
    };
    let mut v = u(&COMMON);
    match f {
        Sin | Cos | Tan => {
            let mut extra = vec![
                6381956970095103.0 * 2f64.powi(797), // nearest double to a multiple of π/2
                5.319372648326541e255,
                2f64.powi(1023),
                1e6 * PI,
                355.0,
                103993.0,
                4.0 * f64::EPSILON,
            ];
            extra.extend((1..=16).map(|k| f64::from(k) * FRAC_PI_2));
            extra.extend((1..=16).map(|k| -f64::from(k) * FRAC_PI_2));
            v.extend(u(&extra));
        }
        Exp | Exp2 | Expm1 | Sinh | Cosh => v.extend(u(&[
            709.782712893384,
            709.7827128933841,
            -745.1332191019411,
            -745.1332191019412,
            -708.3964185322641,
            710.4758600739439,
            -710.4758600739439,
            1024.0,
            1023.9999999999999,
            -1074.0,
            -1075.0,
            -1022.0,
            1e-20,
            -1e-20,
            -37.5,
        ])),
        Log | Log2 | Log10 | Log1p => {
            let mut extra: Vec<f64> = (-22..=22).map(|k| 10f64.powi(k)).collect();
            extra.extend([
                step(1.0, 1),
                step(1.0, -1),
                step(-1.0, 1),
                step(-1.0, -1),
                -0.75,
                4.0,
                1024.0,
            ]);
            v.extend(u(&extra));
        }
        Asin | Acos | Atanh | Acosh => v.extend(u(&[
            step(1.0, 1),
            step(1.0, -1),
            step(-1.0, 1),
            step(-1.0, -1),
            0.75,
            -0.75,
        ])),
        Cbrt => v.extend(u(&[8.0, -27.0, 1e-309, 0.001, 3.0])),
        Pow => {
            let xs = [
                0.0,
                -0.0,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                1.0,
                -1.0,
                0.5,
                -0.5,
                2.0,
                -2.0,
                10.0,
                -10.0,
                f64::MAX,
                -f64::MAX,
                5e-324,
                -5e-324,
                f64::MIN_POSITIVE,
                step(1.0, 1),
                step(1.0, -1),
            ];
            let ys = [
                0.0,
                -0.0,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                1.0,
                -1.0,
                2.0,
                -2.0,
                3.0,
                -3.0,
                0.5,
                -0.5,
                1.5,
                -1.5,
                9007199254740991.0,
                -9007199254740991.0,
                2f64.powi(60),
                f64::MAX,
                -f64::MAX,
                1023.0,
                1024.0,
                -1074.0,
                -1075.0,
                1e-300,
            ];
            v = grid(&xs, &ys);
        }
        Atan2 | Hypot => {
            let vals = [
                0.0,
                -0.0,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                1.0,
                -1.0,
                f64::MAX,
                -f64::MAX,
                f64::MIN_POSITIVE,
                -f64::MIN_POSITIVE,
                5e-324,
                -5e-324,
                2.0,
                -3.0,
            ];
            v = grid(&vals, &vals);
        }
        _ => {}
    }
    v
}

/// A short description of the inputs `f` is measured on.
pub fn domain(f: MathFn) -> String {
    let parts: Vec<&str> = components(f).iter().map(|c| c.name).collect();
    format!("{}; {} specials", parts.join("; "), specials(f).len())
}

/// The `i`-th input of `f`: the specials first, then seeded random draws
/// (the same for every run, thread count and `n`).
pub fn input(f: MathFn, i: u64, specials: &[[f64; 2]], parts: &[Component]) -> [f64; 2] {
    if let Some(s) = specials.get(i as usize) {
        return *s;
    }
    let mut r = Rng::new(
        0x5EED_0000_0000_0000 ^ ((f as u64) << 40) ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D),
    );
    let c = parts[(r.u64() % parts.len() as u64) as usize];
    (c.gen_)(&mut r)
}

/// Calls a scalar implementation.
pub fn call(g: NativeFn, [a, b]: [f64; 2]) -> f64 {
    match g {
        NativeFn::Arity1(h) => h(a),
        NativeFn::Arity2(h) => h(a, b),
        _ => f64::NAN,
    }
}

/// The worst case of one implementation over a run.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Maximum error in ulps (infinite for a wrong special value).
    pub max: f64,
    /// Index of the input with the maximum error (lowest on ties).
    pub index: u64,
    /// That input.
    pub worst: [f64; 2],
    /// What the implementation returned there.
    pub got: f64,
    /// The reference there (approximately, for display).
    pub want: f64,
    /// Inputs with an error above 0.5 ulp (not correctly rounded).
    pub above_half: u64,
    /// Maximum error over the random draws only (the specials left out).
    pub max_drawn: f64,
}

impl Default for Stats {
    fn default() -> Stats {
        Stats {
            max: -1.0,
            index: u64::MAX,
            worst: [f64::NAN; 2],
            got: f64::NAN,
            want: f64::NAN,
            above_half: 0,
            max_drawn: -1.0,
        }
    }
}

impl Stats {
    fn merge(self, o: Stats) -> Stats {
        let above_half = self.above_half + o.above_half;
        let max_drawn = self.max_drawn.max(o.max_drawn);
        let best = if o.max > self.max || (o.max == self.max && o.index < self.index) {
            o
        } else {
            self
        };
        Stats {
            above_half,
            max_drawn,
            ..best
        }
    }
}

/// The measurement of one function.
#[derive(Debug, Clone)]
pub struct Row {
    /// The function.
    pub f: MathFn,
    /// Inputs tried.
    pub n: u64,
    /// One entry per implementation measured, in the order given.
    pub stats: Vec<Stats>,
    /// Wall time.
    pub secs: f64,
}

fn want_approx(r: &Ref) -> f64 {
    match r {
        Ref::Exact(w) => *w,
        Ref::Big(b) => approx(b),
    }
}

/// Measures each implementation in `impls` on the first `n` inputs of `f`,
/// in parallel on rayon's pool. `None` where `f` has no reference.
pub fn measure(f: MathFn, n: u64, impls: &[NativeFn]) -> Option<Row> {
    reference(f, [1.0, 1.0])?;
    let start = std::time::Instant::now();
    let sp = specials(f);
    let parts = components(f);
    let k = impls.len();
    let stats = (0..n as usize)
        .into_par_iter()
        .with_min_len(64)
        .fold(
            || vec![Stats::default(); k],
            |mut acc, i| {
                let i = i as u64;
                let args = input(f, i, &sp, &parts);
                let want = reference(f, args).expect("a reference");
                for (s, &g) in acc.iter_mut().zip(impls) {
                    let got = call(g, args);
                    let err = ulp_error(got, &want);
                    if err > 0.5 {
                        s.above_half += 1;
                    }
                    if i as usize >= sp.len() && err > s.max_drawn {
                        s.max_drawn = err;
                    }
                    if err > s.max || (err == s.max && i < s.index) {
                        *s = Stats {
                            max: err,
                            index: i,
                            worst: args,
                            got,
                            want: want_approx(&want),
                            ..*s
                        };
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![Stats::default(); k],
            |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
        );
    Some(Row {
        f,
        n,
        stats,
        secs: start.elapsed().as_secs_f64(),
    })
}

/// The largest error `f`'s fast form may have: 1 ulp, 2 for `pow`.
pub fn bound(f: MathFn) -> f64 {
    if f == MathFn::Pow { 2.0 } else { 1.0 }
}

/// An input formatted to round-trip.
pub fn show_input(f: MathFn, a: [f64; 2]) -> String {
    if f.arity() == 1 {
        format!("{:e}", a[0])
    } else {
        format!("({:e}, {:e})", a[0], a[1])
    }
}

/// A maximum error for the table.
pub fn show_ulp(max: f64) -> String {
    if max < 0.0 {
        "–".to_string()
    } else if max.is_infinite() {
        "inf".to_string()
    } else if max >= 1000.0 {
        format!("{max:.3e}")
    } else {
        format!("{max:.3}")
    }
}

/// A markdown table of rows measured with `labels.len()` implementations
/// each: function | (max ulp | worst input) per implementation | inputs
/// tried | domain. A row's missing implementation shows as `–`.
pub fn markdown(rows: &[Row], labels: &[&str]) -> String {
    let mut s = String::from("| function |");
    for l in labels {
        let _ = write!(s, " {l} max ulp | {l} worst input |");
    }
    s.push_str(" inputs tried | domain |\n|---|");
    for _ in labels {
        s.push_str("---:|---|");
    }
    s.push_str("---:|---|\n");
    for r in rows {
        let _ = write!(s, "| `{}` |", r.f.name());
        for st in &r.stats {
            if st.max < 0.0 {
                s.push_str(" – | – |");
            } else {
                let _ = write!(s, " {} | {} |", show_ulp(st.max), show_input(r.f, st.worst));
            }
        }
        let _ = writeln!(s, " {} | {} |", r.n, domain(r.f).replace('|', "\\|"));
    }
    s
}

/// Details of each worst case: got vs the reference.
pub fn details(rows: &[Row], labels: &[&str]) -> String {
    let mut s = String::new();
    for r in rows {
        for (st, l) in r.stats.iter().zip(labels) {
            if st.max >= 0.0 {
                let _ = writeln!(
                    s,
                    "{:>6} {:<5} max {:>10} at {} got {:e} want ≈{:e}; \
                     max over the random draws {}; {} of {} inputs above 0.5 ulp",
                    r.f.name(),
                    l,
                    show_ulp(st.max),
                    show_input(r.f, st.worst),
                    st.got,
                    st.want,
                    show_ulp(st.max_drawn),
                    st.above_half,
                    r.n
                );
            }
        }
    }
    s
}
