//! Double-double precision ([`Precision::Dd`]): a pass that rewrites a
//! program into one computing every node as an unevaluated sum `hi + lo` of
//! two `f64`s (~106 significant bits), returning the `f64` nearest to it.
//!
//! The output is an ordinary IR program of `f64` operations (the
//! error-free transformations are spelled in `+ − × fma` nodes), so the
//! interpreter, the JIT and every kernel (map, reduce, recurrence, grid)
//! run it unchanged, and the JIT agrees with the interpreter bit for bit as
//! for any program. The rewrites are not applied to its result: they would
//! undo the error-free transformations' exact cancellations.
//!
//! Operations: `+ − × ÷ sqrt` (Dekker/Knuth with `fma`, as in the QD
//! library), integer constant powers (square and multiply in dd), `exp`
//! (reduction by ln 2, Taylor series of `expm1` at 2^-10 of the argument,
//! ten doublings), `log` (one Newton step on `exp` from the `f64` log),
//! `sin cos tan` (reduction by a three-part π/2, Taylor series of both),
//! `pow` (`exp(y·log x)`; integer constant exponents by squaring). Special
//! values follow the plain `f64` operation: where its result is infinite,
//! NaN (or, for the functions, zero, or past the ranges the reductions
//! cover) the `f64` result is used with a zero low part. Every other
//! function, comparison, `floor`-like operation and `min`/`max` works on
//! the high part in `f64` (the low part of `abs`, `neg`, `select`,
//! `min`/`max` is kept; the functions without a dd form return `f64` with
//! a zero low part).

use std::sync::Arc;

use crate::functions::MathFn;
use crate::ir::{BinaryOp, Builder, Callee, Id, Node, Program, UnaryOp};

/// The arithmetic formulas are evaluated in.
///
/// ```
/// use exprjit::{Engine, Precision};
/// let f = "-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7";
/// let dd = Engine::new().with_precision(Precision::Dd).parse(f)?;
/// let v = dd.eval(&[("z", 0.5)])?;
/// assert!((v / 1.146651076740942088e-7 - 1.0).abs() < 1e-15);
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    /// IEEE double precision, one rounding per operation (the default).
    #[default]
    F64,
    /// Double-double: every operation on `hi + lo` pairs (~32 significant
    /// digits), the result rounded to the nearest `f64`.
    Dd,
}

impl Precision {
    /// `"f64"` or `"dd"`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::Dd => "dd",
        }
    }

    /// Reads `"f64"` or `"dd"`.
    pub fn from_name(name: &str) -> Option<Precision> {
        match name {
            "f64" => Some(Precision::F64),
            "dd" => Some(Precision::Dd),
            _ => None,
        }
    }
}

/// A double-double value: two node ids.
#[derive(Debug, Clone, Copy)]
struct D {
    hi: Id,
    lo: Id,
}

/// Builds double-double operations as IR nodes.
struct T {
    b: Builder,
}

/// 1/n! as double-doubles, n = 0..=32, computed once in f64 double-double
/// arithmetic (exact to ~2^-104 relative).
fn inv_factorials() -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(33);
    let mut v = (1.0f64, 0.0f64);
    out.push(v);
    for n in 1..=32u32 {
        v = rt::div_f(v, f64::from(n));
        out.push(v);
    }
    out
}

/// Double-double arithmetic on plain `f64`s, for constants.
mod rt {
    pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
        let s = a + b;
        let bb = s - a;
        (s, (a - (s - bb)) + (b - bb))
    }
    pub fn quick(a: f64, b: f64) -> (f64, f64) {
        let s = a + b;
        (s, b - (s - a))
    }
    pub fn mul_f(x: (f64, f64), y: f64) -> (f64, f64) {
        let p = x.0 * y;
        let e = x.0.mul_add(y, -p);
        quick(p, x.1.mul_add(y, e))
    }
    pub fn sub(x: (f64, f64), y: (f64, f64)) -> (f64, f64) {
        let (s1, s2) = two_sum(x.0, -y.0);
        let (t1, t2) = two_sum(x.1, -y.1);
        let (s1, s2) = quick(s1, s2 + t1);
        quick(s1, s2 + t2)
    }
    pub fn div_f(x: (f64, f64), y: f64) -> (f64, f64) {
        let q1 = x.0 / y;
        let r = sub(x, mul_f((q1, 0.0), y));
        let q2 = r.0 / y;
        let r = sub(r, mul_f((q2, 0.0), y));
        let q3 = r.0 / y;
        let (q1, q2) = quick(q1, q2);
        let (s, e) = two_sum(q1, q3);
        quick(s, e + q2)
    }
}

/// π/2 in three parts and ln 2 in two (from the QD library's constants,
/// checked against astro-float in the tests).
const PIO2: [f64; 3] = [
    std::f64::consts::FRAC_PI_2,
    6.123_233_995_736_766e-17,
    -1.497_384_904_859_169_8e-33,
];
const LN2: [f64; 2] = [std::f64::consts::LN_2, 2.319_046_813_846_299_6e-17];

impl T {
    fn c(&mut self, v: f64) -> Id {
        self.b.constant(v)
    }
    fn bin(&mut self, op: BinaryOp, a: Id, b: Id) -> Id {
        self.b.add(Node::Binary(op, a, b))
    }
    fn add(&mut self, a: Id, b: Id) -> Id {
        self.bin(BinaryOp::Add, a, b)
    }
    fn sub(&mut self, a: Id, b: Id) -> Id {
        self.bin(BinaryOp::Sub, a, b)
    }
    fn mul(&mut self, a: Id, b: Id) -> Id {
        self.bin(BinaryOp::Mul, a, b)
    }
    fn div(&mut self, a: Id, b: Id) -> Id {
        self.bin(BinaryOp::Div, a, b)
    }
    fn un(&mut self, op: UnaryOp, a: Id) -> Id {
        self.b.add(Node::Unary(op, a))
    }
    fn fma(&mut self, a: Id, b: Id, c: Id) -> Id {
        self.b.add(Node::Fma(a, b, c))
    }
    fn sel(&mut self, c: Id, a: Id, b: Id) -> Id {
        self.b.add(Node::Select(c, a, b))
    }
    fn seld(&mut self, c: Id, a: D, b: D) -> D {
        D {
            hi: self.sel(c, a.hi, b.hi),
            lo: self.sel(c, a.lo, b.lo),
        }
    }
    fn call(&mut self, f: MathFn, args: &[Id]) -> Id {
        self.b.add(Node::Call(Callee::Math(f), args.into()))
    }
    fn zero(&mut self) -> Id {
        self.c(0.0)
    }
    fn f(&mut self, hi: Id) -> D {
        let lo = self.zero();
        D { hi, lo }
    }
    fn cd(&mut self, v: (f64, f64)) -> D {
        D {
            hi: self.c(v.0),
            lo: self.c(v.1),
        }
    }
    /// 1 where `|v|` is finite (NaN: 0).
    fn finite(&mut self, v: Id) -> Id {
        let a = self.un(UnaryOp::Abs, v);
        let inf = self.c(f64::INFINITY);
        self.bin(BinaryOp::Lt, a, inf)
    }

    fn two_sum(&mut self, a: Id, b: Id) -> D {
        let s = self.add(a, b);
        let bb = self.sub(s, a);
        let sb = self.sub(s, bb);
        let e1 = self.sub(a, sb);
        let e2 = self.sub(b, bb);
        D {
            hi: s,
            lo: self.add(e1, e2),
        }
    }
    fn quick(&mut self, a: Id, b: Id) -> D {
        let s = self.add(a, b);
        let t = self.sub(s, a);
        D {
            hi: s,
            lo: self.sub(b, t),
        }
    }
    fn two_prod(&mut self, a: Id, b: Id) -> D {
        let p = self.mul(a, b);
        let np = self.un(UnaryOp::Neg, p);
        D {
            hi: p,
            lo: self.fma(a, b, np),
        }
    }
    fn neg(&mut self, x: D) -> D {
        D {
            hi: self.un(UnaryOp::Neg, x.hi),
            lo: self.un(UnaryOp::Neg, x.lo),
        }
    }
    fn add_raw(&mut self, x: D, y: D) -> D {
        let s = self.two_sum(x.hi, y.hi);
        let t = self.two_sum(x.lo, y.lo);
        let s2 = self.add(s.lo, t.hi);
        let u = self.quick(s.hi, s2);
        let u2 = self.add(u.lo, t.lo);
        self.quick(u.hi, u2)
    }
    fn sub_raw(&mut self, x: D, y: D) -> D {
        let ny = self.neg(y);
        self.add_raw(x, ny)
    }
    fn mul_raw(&mut self, x: D, y: D) -> D {
        let p = self.two_prod(x.hi, y.hi);
        let e = self.fma(x.hi, y.lo, p.lo);
        let e = self.fma(x.lo, y.hi, e);
        self.quick(p.hi, e)
    }
    fn mul_f_raw(&mut self, x: D, y: Id) -> D {
        let p = self.two_prod(x.hi, y);
        let e = self.fma(x.lo, y, p.lo);
        self.quick(p.hi, e)
    }
    fn div_raw(&mut self, x: D, y: D) -> D {
        let q1 = self.div(x.hi, y.hi);
        let q1y = self.mul_f_raw(y, q1);
        let r = self.sub_raw(x, q1y);
        let q2 = self.div(r.hi, y.hi);
        let q2y = self.mul_f_raw(y, q2);
        let r = self.sub_raw(r, q2y);
        let q3 = self.div(r.hi, y.hi);
        let q = self.quick(q1, q2);
        let q3 = self.f(q3);
        self.add_raw(q, q3)
    }
    /// The dd result where the plain `f64` result `naive` is finite (and,
    /// with `nonzero`, not zero), else `naive` with a zero low part.
    fn guard(&mut self, naive: Id, dd: D, nonzero: bool) -> D {
        let mut ok = self.finite(naive);
        if nonzero {
            let z = self.zero();
            let nz = self.bin(BinaryOp::Ne, naive, z);
            ok = self.bin(BinaryOp::And, ok, nz);
        }
        let n = self.f(naive);
        self.seld(ok, dd, n)
    }
    /// A dd sum that is exactly zero takes the `f64` sum's signed zero.
    fn signed_zero(&mut self, naive: Id, r: D) -> D {
        let z = self.zero();
        let is0 = self.bin(BinaryOp::Eq, r.hi, z);
        let n = self.f(naive);
        self.seld(is0, n, r)
    }
    fn add_d(&mut self, x: D, y: D) -> D {
        let naive = self.add(x.hi, y.hi);
        let r = self.add_raw(x, y);
        let r = self.signed_zero(naive, r);
        self.guard(naive, r, false)
    }
    fn sub_d(&mut self, x: D, y: D) -> D {
        let naive = self.sub(x.hi, y.hi);
        let r = self.sub_raw(x, y);
        let r = self.signed_zero(naive, r);
        self.guard(naive, r, false)
    }
    fn mul_d(&mut self, x: D, y: D) -> D {
        let naive = self.mul(x.hi, y.hi);
        let r = self.mul_raw(x, y);
        self.guard(naive, r, true)
    }
    fn div_d(&mut self, x: D, y: D) -> D {
        let naive = self.div(x.hi, y.hi);
        let r = self.div_raw(x, y);
        self.guard(naive, r, true)
    }
    fn sqrt_d(&mut self, x: D) -> D {
        // q = sqrt(hi); q + (x - q²)/(2q).
        let q = self.un(UnaryOp::Sqrt, x.hi);
        let qq = self.two_prod(q, q);
        let r = self.sub_raw(x, qq);
        let two_q = self.add(q, q);
        let d = self.div(r.hi, two_q);
        let v = self.quick(q, d);
        self.guard(q, v, true)
    }
    /// `floor` or `ceil` of a dd: of hi, corrected by lo where hi is an
    /// integer and lo is not zero.
    fn round_d(&mut self, op: UnaryOp, a: D) -> D {
        let fh = self.un(op, a.hi);
        let eq = self.bin(BinaryOp::Eq, fh, a.hi);
        let z = self.zero();
        let lo_nz = self.bin(BinaryOp::Ne, a.lo, z);
        let is_int = self.bin(BinaryOp::And, eq, lo_nz);
        let fl = self.un(op, a.lo);
        let sum = self.quick(fh, fl);
        let whole = self.f(fh);
        self.seld(is_int, sum, whole)
    }

    /// `x^n` for an integer constant `n` (square and multiply; a negative
    /// `n` is one division at the end).
    fn powi_d(&mut self, x: D, n: i64) -> D {
        let one = self.cd((1.0, 0.0));
        let mut m = n.unsigned_abs();
        let mut acc = one;
        let mut base = x;
        let mut first = true;
        while m > 0 {
            if m & 1 == 1 {
                acc = if first { base } else { self.mul_raw(acc, base) };
                first = false;
            }
            m >>= 1;
            if m > 0 {
                base = self.mul_raw(base, base);
            }
        }
        let r = if n < 0 { self.div_raw(one, acc) } else { acc };
        // The f64 chain of the highs gives the special values (and
        // overflow and underflow) without a `pow` call.
        let mut naive = self.c(1.0);
        let mut m = n.unsigned_abs();
        let mut base = x.hi;
        while m > 0 {
            if m & 1 == 1 {
                naive = self.mul(naive, base);
            }
            m >>= 1;
            if m > 0 {
                base = self.mul(base, base);
            }
        }
        if n < 0 {
            let one = self.c(1.0);
            naive = self.div(one, naive);
        }
        if n == 0 {
            // x^0 = 1 for every x, NaN included.
            return self.cd((1.0, 0.0));
        }
        self.guard(naive, r, true)
    }

    /// `2^k` for an integer-valued `k` with `|k| <= 1023`, exactly: the
    /// product of the powers of its binary digits.
    fn pow2(&mut self, k: Id) -> Id {
        let a = self.un(UnaryOp::Abs, k);
        let mut p = self.c(1.0);
        let one = self.c(1.0);
        let half = self.c(0.5);
        let two = self.c(2.0);
        for i in 0..10 {
            let s = self.c(0.5f64.powi(i));
            let s2 = self.c(0.5f64.powi(i + 1));
            let q = self.mul(a, s);
            let q = self.un(UnaryOp::Floor, q);
            let q2 = self.mul(a, s2);
            let q2 = self.un(UnaryOp::Floor, q2);
            let q2 = self.mul(q2, two);
            let bit = self.sub(q, q2);
            let bit = self.bin(BinaryOp::Ge, bit, half);
            let f = self.c(2f64.powi(1 << i));
            let m = self.sel(bit, f, one);
            p = self.mul(p, m);
        }
        let z = self.zero();
        let neg = self.bin(BinaryOp::Lt, k, z);
        let inv = self.div(one, p);
        self.sel(neg, inv, p)
    }
    /// `x · 2^k`, `k` integer-valued with `|k| <= 2046`, in two exact steps.
    fn scale(&mut self, x: D, k: Id) -> D {
        let half = self.c(0.5);
        let hk = self.mul(k, half);
        let k1 = self.un(UnaryOp::Trunc, hk);
        let k2 = self.sub(k, k1);
        let p1 = self.pow2(k1);
        let p2 = self.pow2(k2);
        let h = self.mul(x.hi, p1);
        let h = self.mul(h, p2);
        let l = self.mul(x.lo, p1);
        let l = self.mul(l, p2);
        D { hi: h, lo: l }
    }
    /// Horner in dd: `c[0] + x·(c[1] + x·(…))`.
    fn horner(&mut self, x: D, cs: &[(f64, f64)]) -> D {
        let mut acc = self.cd(*cs.last().expect("coefficients"));
        for &c in cs.iter().rev().skip(1) {
            let m = self.mul_raw(acc, x);
            let c = self.cd(c);
            acc = self.add_raw(m, c);
        }
        acc
    }
    /// `exp(x)` without the special-value guard.
    fn exp_raw(&mut self, x: D, fact: &[(f64, f64)]) -> D {
        let inv_ln2 = self.c(std::f64::consts::LOG2_E);
        let t = self.mul(x.hi, inv_ln2);
        let h = self.c(0.5);
        let th = self.add(t, h);
        let k = self.un(UnaryOp::Floor, th);
        // r = x - k·ln2 (two parts of ln 2, each product exact as a pair).
        let l0 = self.c(LN2[0]);
        let kl = self.two_prod(k, l0);
        let r = self.sub_raw(x, kl);
        let l1 = self.c(LN2[1]);
        let kl2 = self.two_prod(k, l1);
        let r = self.sub_raw(r, kl2);
        // s = r / 2^10; expm1(s) by Taylor; then (1+p)^2 - 1 = p(2 + p), 10 times.
        let sc = self.c(1.0 / 1024.0);
        let s = D {
            hi: self.mul(r.hi, sc),
            lo: self.mul(r.lo, sc),
        };
        // p = s·(1 + s/2 + s²/6 + …) = s · Σ s^n/(n+1)!
        let cs: Vec<(f64, f64)> = fact[1..12].to_vec();
        let poly = self.horner(s, &cs);
        let mut p = self.mul_raw(s, poly);
        let two = self.cd((2.0, 0.0));
        for _ in 0..10 {
            let t = self.add_raw(p, two);
            p = self.mul_raw(p, t);
        }
        let one = self.cd((1.0, 0.0));
        let e = self.add_raw(p, one);
        self.scale(e, k)
    }
    fn exp_d(&mut self, x: D, fact: &[(f64, f64)]) -> D {
        let naive = self.call(MathFn::Exp, &[x.hi]);
        let r = self.exp_raw(x, fact);
        // Past |x| = 708 the scaling leaves the normal range: f64 there.
        let lim = self.c(708.0);
        let ax = self.un(UnaryOp::Abs, x.hi);
        let inr = self.bin(BinaryOp::Lt, ax, lim);
        let g = self.guard(naive, r, true);
        let n = self.f(naive);
        self.seld(inr, g, n)
    }
    fn log_raw(&mut self, x: D, fact: &[(f64, f64)]) -> D {
        // Scale tiny and huge x into range: log x = log(x·2^s) - s·ln2.
        let small = self.c(2f64.powi(-500));
        let big = self.c(2f64.powi(500));
        let is_small = self.bin(BinaryOp::Lt, x.hi, small);
        let is_big = self.bin(BinaryOp::Gt, x.hi, big);
        let up = self.c(600.0);
        let down = self.c(-600.0);
        let z = self.zero();
        let s = self.sel(is_big, down, z);
        let s = self.sel(is_small, up, s);
        let f = self.pow2(s);
        let xs = D {
            hi: self.mul(x.hi, f),
            lo: self.mul(x.lo, f),
        };
        // y = log(hi); y + x·exp(-y) - 1.
        let y0 = self.call(MathFn::Log, &[xs.hi]);
        let ny = self.un(UnaryOp::Neg, y0);
        let ny = self.f(ny);
        let e = self.exp_raw(ny, fact);
        let xe = self.mul_raw(xs, e);
        let one = self.cd((1.0, 0.0));
        let d = self.sub_raw(xe, one);
        let y0 = self.f(y0);
        let y = self.add_raw(y0, d);
        // - s·ln2
        let ln2 = self.cd((LN2[0], LN2[1]));
        let sl = self.mul_f_raw(ln2, s);
        self.sub_raw(y, sl)
    }
    fn log_d(&mut self, x: D, fact: &[(f64, f64)]) -> D {
        let naive = self.call(MathFn::Log, &[x.hi]);
        let r = self.log_raw(x, fact);
        // x = 1 exactly: log is 0 exactly.
        let one = self.c(1.0);
        let z = self.zero();
        let is_one = self.bin(BinaryOp::Eq, x.hi, one);
        let lo0 = self.bin(BinaryOp::Eq, x.lo, z);
        let exact = self.bin(BinaryOp::And, is_one, lo0);
        let g = self.guard(naive, r, true);
        let zz = self.f(z);
        let pos = self.bin(BinaryOp::Gt, x.hi, z);
        let fin = self.finite(x.hi);
        let ok = self.bin(BinaryOp::And, pos, fin);
        let n = self.f(naive);
        let g = self.seld(ok, g, n);
        self.seld(exact, zz, g)
    }
    /// sin and cos of `x` (|x.hi| < 2^30), by reduction with π/2 in three
    /// parts and both Taylor series.
    fn sincos_raw(&mut self, x: D, fact: &[(f64, f64)]) -> (D, D) {
        let two_pi = self.c(std::f64::consts::FRAC_2_PI);
        let t = self.mul(x.hi, two_pi);
        let h = self.c(0.5);
        let t = self.add(t, h);
        let k = self.un(UnaryOp::Floor, t);
        let p1 = self.c(PIO2[0]);
        let p2 = self.c(PIO2[1]);
        let p3 = self.c(PIO2[2]);
        let a = self.two_prod(k, p1);
        let r = self.sub_raw(x, a);
        let b = self.two_prod(k, p2);
        let r = self.sub_raw(r, b);
        let c = self.mul(k, p3);
        let c = self.f(c);
        let r = self.sub_raw(r, c);
        let r2 = self.mul_raw(r, r);
        // sin r = r·Σ (-1)^n r^2n/(2n+1)!, cos r = Σ (-1)^n r^2n/(2n)!.
        let sc: Vec<(f64, f64)> = (0..16)
            .map(|n| {
                let v = fact[2 * n + 1];
                if n % 2 == 1 { (-v.0, -v.1) } else { v }
            })
            .collect();
        let cc: Vec<(f64, f64)> = (0..16)
            .map(|n| {
                let v = fact[2 * n];
                if n % 2 == 1 { (-v.0, -v.1) } else { v }
            })
            .collect();
        let sp = self.horner(r2, &sc);
        let s = self.mul_raw(r, sp);
        let c = self.horner(r2, &cc);
        // Quadrant q = k mod 4.
        let quarter = self.c(0.25);
        let four = self.c(4.0);
        let kq = self.mul(k, quarter);
        let kq = self.un(UnaryOp::Floor, kq);
        let kq = self.mul(kq, four);
        let q = self.sub(k, kq);
        let ns = self.neg(s);
        let nc = self.neg(c);
        let is = |t: &mut T, v: f64| {
            let cv = t.c(v);
            t.bin(BinaryOp::Eq, q, cv)
        };
        let q1 = is(self, 1.0);
        let q2 = is(self, 2.0);
        let q3 = is(self, 3.0);
        // sin: s, c, -s, -c; cos: c, -s, -c, s.
        let sin = self.seld(q3, nc, s);
        let sin = self.seld(q2, ns, sin);
        let sin = self.seld(q1, c, sin);
        let cos = self.seld(q3, s, c);
        let cos = self.seld(q2, nc, cos);
        let cos = self.seld(q1, ns, cos);
        (sin, cos)
    }
    fn trig_d(&mut self, f: MathFn, x: D, fact: &[(f64, f64)]) -> D {
        let naive = self.call(f, &[x.hi]);
        let (s, c) = self.sincos_raw(x, fact);
        let r = match f {
            MathFn::Sin => s,
            MathFn::Cos => c,
            _ => self.div_raw(s, c),
        };
        let lim = self.c(2f64.powi(30));
        let ax = self.un(UnaryOp::Abs, x.hi);
        let inr = self.bin(BinaryOp::Lt, ax, lim);
        // sin(±0) = ±0, tan(±0) = ±0 exactly.
        let z = self.zero();
        let is0 = self.bin(BinaryOp::Eq, x.hi, z);
        let g = self.guard(naive, r, false);
        let n = self.f(naive);
        let g = self.seld(inr, g, n);
        if f == MathFn::Cos {
            g
        } else {
            let x0 = self.f(x.hi);
            self.seld(is0, x0, g)
        }
    }
    fn pow_d(&mut self, x: D, y: D, fact: &[(f64, f64)]) -> D {
        let naive = self.call(MathFn::Pow, &[x.hi, y.hi]);
        let l = self.log_raw(x, fact);
        let yl = self.mul_raw(y, l);
        let r = self.exp_raw(yl, fact);
        // The dd path where x > 0, |y·log x| < 708 and the f64 result is
        // finite and nonzero.
        let z = self.zero();
        let pos = self.bin(BinaryOp::Gt, x.hi, z);
        let fin = self.finite(x.hi);
        let lim = self.c(708.0);
        let ayl = self.un(UnaryOp::Abs, yl.hi);
        let inr = self.bin(BinaryOp::Lt, ayl, lim);
        let ok = self.bin(BinaryOp::And, pos, fin);
        let ok = self.bin(BinaryOp::And, ok, inr);
        let g = self.guard(naive, r, true);
        let n = self.f(naive);
        let g = self.seld(ok, g, n);
        // y = 0 or x = 1: exactly 1 (as f64 says).
        let one = self.c(1.0);
        let y0 = self.bin(BinaryOp::Eq, y.hi, z);
        let x1 = self.bin(BinaryOp::Eq, x.hi, one);
        let xl0 = self.bin(BinaryOp::Eq, x.lo, z);
        let x1 = self.bin(BinaryOp::And, x1, xl0);
        let exact = self.bin(BinaryOp::Or, y0, x1);
        self.seld(exact, n, g)
    }
}

/// The program computing `program` in double-double, rounded to `f64` at
/// each root.
pub fn transform(program: &Program) -> Program {
    let fact = inv_factorials();
    let mut t = T { b: Builder::new() };
    let mut map: Vec<D> = Vec::with_capacity(program.nodes.len());
    for node in &program.nodes {
        let get = |id: &Id| map[id.index()];
        let v = match node {
            Node::Const(bits) => {
                let hi = t.b.add(Node::Const(*bits));
                t.f(hi)
            }
            Node::Var(i) => {
                let hi = t.b.add(Node::Var(*i));
                t.f(hi)
            }
            Node::Unary(op, a) => {
                let a = get(a);
                match op {
                    UnaryOp::Neg => t.neg(a),
                    UnaryOp::Abs => {
                        let z = t.zero();
                        let neg = t.bin(BinaryOp::Lt, a.hi, z);
                        let n = t.neg(a);
                        t.seld(neg, n, a)
                    }
                    UnaryOp::Sqrt => t.sqrt_d(a),
                    UnaryOp::Not => {
                        let hi = t.un(UnaryOp::Not, a.hi);
                        t.f(hi)
                    }
                    UnaryOp::Floor => t.round_d(UnaryOp::Floor, a),
                    UnaryOp::Ceil => t.round_d(UnaryOp::Ceil, a),
                    UnaryOp::Trunc => {
                        // Toward zero: floor above zero, ceil below.
                        let f = t.round_d(UnaryOp::Floor, a);
                        let c = t.round_d(UnaryOp::Ceil, a);
                        let z = t.zero();
                        let neg = t.bin(BinaryOp::Lt, a.hi, z);
                        t.seld(neg, c, f)
                    }
                }
            }
            Node::Binary(op, a, b) => {
                let (a, b) = (get(a), get(b));
                match op {
                    BinaryOp::Add => t.add_d(a, b),
                    BinaryOp::Sub => t.sub_d(a, b),
                    BinaryOp::Mul => t.mul_d(a, b),
                    BinaryOp::Div => t.div_d(a, b),
                    BinaryOp::Min | BinaryOp::Max => {
                        let m = t.bin(*op, a.hi, b.hi);
                        let from_a = t.bin(BinaryOp::Eq, m, a.hi);
                        let lo = t.sel(from_a, a.lo, b.lo);
                        D { hi: m, lo }
                    }
                    cmp => {
                        // Compare hi, then lo where the highs are equal.
                        let by_hi = t.bin(*cmp, a.hi, b.hi);
                        let v = if matches!(cmp, BinaryOp::And | BinaryOp::Or) {
                            // Truth of a dd is truth of its hi.
                            by_hi
                        } else {
                            // Equal finite highs: compare the lows.
                            let eq_hi = t.bin(BinaryOp::Eq, a.hi, b.hi);
                            let fin = t.finite(a.hi);
                            let use_lo = t.bin(BinaryOp::And, eq_hi, fin);
                            let by_lo = t.bin(*cmp, a.lo, b.lo);
                            t.sel(use_lo, by_lo, by_hi)
                        };
                        t.f(v)
                    }
                }
            }
            Node::Select(c, a, b) => {
                let (c, a, b) = (get(c), get(a), get(b));
                // The condition's hi is 0 only for a zero dd (lo is 0 then).
                t.seld(c.hi, a, b)
            }
            Node::Fma(a, b, c) => {
                let (a, b, c) = (get(a), get(b), get(c));
                let p = t.mul_raw(a, b);
                let s = t.add_raw(p, c);
                let naive = t.fma(a.hi, b.hi, c.hi);
                let s = t.signed_zero(naive, s);
                t.guard(naive, s, false)
            }
            Node::Call(callee, args) => {
                let args: Vec<D> = args.iter().map(|a| map[a.index()]).collect();
                match callee {
                    Callee::Math(f @ (MathFn::Sin | MathFn::Cos | MathFn::Tan)) => {
                        t.trig_d(*f, args[0], &fact)
                    }
                    Callee::Math(MathFn::Exp) => t.exp_d(args[0], &fact),
                    Callee::Math(MathFn::Log) => t.log_d(args[0], &fact),
                    Callee::Math(MathFn::Pow) => {
                        let exponent = &program.nodes[match node_args(node) {
                            [_, e] => e.index(),
                            _ => unreachable!("pow has two arguments"),
                        }];
                        match exponent.as_const() {
                            Some(n) if n.fract() == 0.0 && n.abs() <= 1024.0 => {
                                t.powi_d(args[0], n as i64)
                            }
                            _ => t.pow_d(args[0], args[1], &fact),
                        }
                    }
                    _ => {
                        let his: Vec<Id> = args.iter().map(|a| a.hi).collect();
                        let hi = t.b.add(Node::Call(*callee, his.into()));
                        t.f(hi)
                    }
                }
            }
        };
        map.push(v);
    }
    let roots: Vec<Id> = program
        .roots
        .iter()
        .map(|r| {
            let v = map[r.index()];
            // The f64 nearest hi + lo (hi itself where it is not finite or
            // lo is zero, which keeps the sign of a zero).
            let s = t.add(v.hi, v.lo);
            let z = t.zero();
            let lo_nz = t.bin(BinaryOp::Ne, v.lo, z);
            let fin = t.finite(v.hi);
            let use_sum = t.bin(BinaryOp::And, fin, lo_nz);
            t.sel(use_sum, s, v.hi)
        })
        .collect();
    let (nodes, roots) = t.b.finish(&roots);
    Program {
        nodes,
        roots,
        vars: program.vars.clone(),
        natives: Arc::clone(&program.natives),
        text: program.text.clone(),
        math: program.math,
    }
}

fn node_args(node: &Node) -> &[Id] {
    match node {
        Node::Call(_, args) => args,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_exact_to_dd() {
        // 1/3! · 6 = 1 to ~2^-104.
        let f = inv_factorials();
        let v = rt::mul_f(f[3], 6.0);
        assert_eq!(v.0, 1.0);
        assert!(v.1.abs() < 1e-31);
    }

    #[test]
    fn the_constants_parts_sum_to_pi_over_2_and_ln_2() {
        use astro_float_num::{BigFloat, Consts, RoundingMode};
        let mut cc = Consts::new().unwrap();
        let rm = RoundingMode::ToEven;
        let p = 320;
        let rest = |exact: BigFloat, parts: &[f64]| {
            let mut r = exact;
            for &x in parts {
                r = r.sub(&BigFloat::from_f64(x, 64), p, rm);
            }
            r.abs()
        };
        let pio2 = cc.pi(p, rm).div(&BigFloat::from_f64(2.0, 64), p, rm);
        let r = rest(pio2, &PIO2);
        // Three parts: π/2 to about 2^-160 (|π/2 - sum| < 1e-48).
        assert!(r.cmp(&BigFloat::from_f64(1e-48, 64)) == Some(-1), "{r}");
        let r = rest(cc.ln_2(p, rm), &LN2);
        assert!(r.cmp(&BigFloat::from_f64(1e-32, 64)) == Some(-1), "{r}");
    }
}
