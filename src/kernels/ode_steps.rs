//! The arithmetic of the ODE methods, written once over [`Ops`] and run by
//! both sides: the reference twin ([`Twin`], plain `f64`s and the
//! interpreter) and the code generator (`ode_codegen`, Cranelift values).
//!
//! Everything between two branches of the solver (a Dormand–Prince trial
//! step, its error norm, the dense output, the first-step guess, an RK4
//! step, the Hermite interpolant) is a function here, so both sides do the
//! same operations in the same order. The only operation that is not
//! IEEE-basic, `x^(-1/5)` (and `x^(1/5)` in the first-step guess), is a
//! one-line formula program (`0.9*err^(-0.2)`, `(0.01/d)^0.2`) that the
//! twin interprets and the JIT emits: the crate's own `pow` (or libm's, in
//! `MathMode::Libm`), which agree bit for bit by the crate's invariant.
//! The control flow (accept, reject, stop) is written twice: in
//! [`rk45`]/[`rk4`] below and in `ode_codegen`, branch for branch.
//!
//! The method follows SciPy's `RK45` (`scipy/integrate/_ivp/rk.py` and
//! `common.py`): Dormand–Prince 5(4) with FSAL, the error estimate `h·Σ
//! E_s k_s`, scaled by `atol + max(|y|, |y_new|)·rtol` and measured in the
//! RMS norm, the step factor `0.9·err^(-1/5)` clamped to `[0.2, 10]` (at
//! most 1 right after a rejection), Hairer–Nørsett–Wanner's first-step
//! selection, a step floor of 10 ulp of `t`, and Shampine's quartic
//! continuous extension for output at `t_eval`.

use crate::interp;
use crate::ir::Program;

/// Dormand–Prince 5(4): nodes.
pub(super) const C: [f64; 7] = [0.0, 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0];

/// Dormand–Prince 5(4): the stage matrix, row `s` for stage `s`.
pub(super) const A: [[f64; 5]; 6] = [
    [0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0],
    [
        19372.0 / 6561.0,
        -25360.0 / 2187.0,
        64448.0 / 6561.0,
        -212.0 / 729.0,
        0.0,
    ],
    [
        9017.0 / 3168.0,
        -355.0 / 33.0,
        46732.0 / 5247.0,
        49.0 / 176.0,
        -5103.0 / 18656.0,
    ],
];

/// Dormand–Prince 5(4): the fifth-order weights.
pub(super) const B: [f64; 6] = [
    35.0 / 384.0,
    0.0,
    500.0 / 1113.0,
    125.0 / 192.0,
    -2187.0 / 6784.0,
    11.0 / 84.0,
];

/// Dormand–Prince 5(4): the error weights (fifth minus fourth order, as
/// SciPy's `E`), over the seven stages (the last is the FSAL stage).
pub(super) const E: [f64; 7] = [
    -71.0 / 57600.0,
    0.0,
    71.0 / 16695.0,
    -71.0 / 1920.0,
    17253.0 / 339200.0,
    -22.0 / 525.0,
    1.0 / 40.0,
];

/// Shampine's continuous extension (SciPy's `P`): the coefficients of
/// `x, x², x³, x⁴` per stage.
pub(super) const P: [[f64; 4]; 7] = [
    [
        1.0,
        -8048581381.0 / 2820520608.0,
        8663915743.0 / 2820520608.0,
        -12715105075.0 / 11282082432.0,
    ],
    [0.0, 0.0, 0.0, 0.0],
    [
        0.0,
        131558114200.0 / 32700410799.0,
        -68118460800.0 / 10900136933.0,
        87487479700.0 / 32700410799.0,
    ],
    [
        0.0,
        -1754552775.0 / 470086768.0,
        14199869525.0 / 1410260304.0,
        -10690763975.0 / 1880347072.0,
    ],
    [
        0.0,
        127303824393.0 / 49829197408.0,
        -318862633887.0 / 49829197408.0,
        701980252875.0 / 199316789632.0,
    ],
    [
        0.0,
        -282668133.0 / 205662961.0,
        2019193451.0 / 616988883.0,
        -1453857185.0 / 822651844.0,
    ],
    [
        0.0,
        40617522.0 / 29380423.0,
        -110615467.0 / 29380423.0,
        69997945.0 / 29380423.0,
    ],
];

/// SciPy's step-control constants.
// (The safety factor 0.9 is part of FACTOR_FORMULA.)
pub(super) const MIN_FACTOR: f64 = 0.2;
pub(super) const MAX_FACTOR: f64 = 10.0;

/// The step-factor formula (`SAFETY·err^(-1/5)`, `-1/5` as Python computes it).
pub(super) const FACTOR_FORMULA: &str = "0.9*err^(-0.2)";
/// The first-step formula `(0.01/max(d1, d2))^(1/5)`.
pub(super) const FIRST_FORMULA: &str = "(0.01/d)^0.2";

/// Solver outcomes, as the compiled code returns them.
pub(super) const DONE: i64 = 0;
pub(super) const TOO_SMALL: i64 = 1;
pub(super) const BUDGET: i64 = 2;
pub(super) const NOT_FINITE: i64 = 3;
pub(super) const NOT_FINITE_START: i64 = 4;

/// The operations the methods are written in. `V` is a value (an `f64`,
/// or a Cranelift value), `B` a condition.
pub(super) trait Ops {
    type V: Copy;
    type B: Copy;
    fn k(&mut self, x: f64) -> Self::V;
    fn add(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn sub(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn mul(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn div(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn sqrt(&mut self, a: Self::V) -> Self::V;
    fn abs(&mut self, a: Self::V) -> Self::V;
    /// `a < b` (false if either is NaN).
    fn lt(&mut self, a: Self::V, b: Self::V) -> Self::B;
    /// `a <= b`.
    fn le(&mut self, a: Self::V, b: Self::V) -> Self::B;
    fn or(&mut self, a: Self::B, b: Self::B) -> Self::B;
    fn and(&mut self, a: Self::B, b: Self::B) -> Self::B;
    /// `c ? a : b`.
    fn select(&mut self, c: Self::B, a: Self::V, b: Self::V) -> Self::V;
    /// The right-hand sides at `(t, y)`.
    fn rhs(&mut self, t: Self::V, y: &[Self::V]) -> Vec<Self::V>;
    /// [`FACTOR_FORMULA`] at `err`.
    fn factor(&mut self, err: Self::V) -> Self::V;
    /// [`FIRST_FORMULA`] at `d`.
    fn first(&mut self, d: Self::V) -> Self::V;

    /// Python's `max(a, b)`: `b` if `b > a`, else `a`.
    fn max_py(&mut self, a: Self::V, b: Self::V) -> Self::V {
        let c = self.lt(a, b);
        self.select(c, b, a)
    }
    /// Python's `min(a, b)`: `b` if `b < a`, else `a`.
    fn min_py(&mut self, a: Self::V, b: Self::V) -> Self::V {
        let c = self.lt(b, a);
        self.select(c, b, a)
    }
    /// `Σ_j coef[j]·v[j]` over the nonzero coefficients, left to right.
    fn dot(&mut self, v: &[Self::V], coef: &[f64]) -> Option<Self::V> {
        let mut acc: Option<Self::V> = None;
        for (&x, &c) in v.iter().zip(coef) {
            if c == 0.0 {
                continue;
            }
            let c = self.k(c);
            let term = self.mul(x, c);
            acc = Some(match acc {
                None => term,
                Some(a) => self.add(a, term),
            });
        }
        acc
    }
}

/// SciPy's `norm`: `sqrt(Σ x_i²) / sqrt(n)`, the sum left to right.
pub(super) fn rms<O: Ops>(o: &mut O, x: &[O::V]) -> O::V {
    let mut acc = o.mul(x[0], x[0]);
    for &v in &x[1..] {
        let sq = o.mul(v, v);
        acc = o.add(acc, sq);
    }
    let root = o.sqrt(acc);
    let n = o.k((x.len() as f64).sqrt());
    o.div(root, n)
}

/// One Dormand–Prince trial step of size `h` from `(t, y)` with
/// `k[0] = f(t, y)`: fills stages `k[1..7]` (the last at the new point)
/// and returns the new state.
pub(super) fn dp5_trial<O: Ops>(
    o: &mut O,
    t: O::V,
    h: O::V,
    y: &[O::V],
    k: &mut Vec<Vec<O::V>>,
) -> Vec<O::V> {
    let n = y.len();
    k.truncate(1);
    for s in 1..6 {
        let ch = o.k(C[s]);
        let ch = o.mul(ch, h);
        let ts = o.add(t, ch);
        let ys: Vec<O::V> = (0..n)
            .map(|i| {
                let col: Vec<O::V> = (0..s).map(|j| k[j][i]).collect();
                let dot = o.dot(&col, &A[s][..s]).expect("a nonzero coefficient");
                let dy = o.mul(dot, h);
                o.add(y[i], dy)
            })
            .collect();
        let f = o.rhs(ts, &ys);
        k.push(f);
    }
    let y_new: Vec<O::V> = (0..n)
        .map(|i| {
            let col: Vec<O::V> = (0..6).map(|j| k[j][i]).collect();
            let dot = o.dot(&col, &B).expect("a nonzero weight");
            let dy = o.mul(h, dot);
            o.add(y[i], dy)
        })
        .collect();
    let t_new = o.add(t, h);
    let f_new = o.rhs(t_new, &y_new);
    k.push(f_new);
    y_new
}

/// The scaled RMS norm of the error estimate of a trial step.
pub(super) fn dp5_error<O: Ops>(
    o: &mut O,
    h: O::V,
    y: &[O::V],
    y_new: &[O::V],
    k: &[Vec<O::V>],
    rtol: O::V,
    atol: &[O::V],
) -> O::V {
    let scaled: Vec<O::V> = (0..y.len())
        .map(|i| {
            let a = o.abs(y[i]);
            let b = o.abs(y_new[i]);
            let m = o.max_py(a, b);
            let m = o.mul(m, rtol);
            let scale = o.add(atol[i], m);
            let col: Vec<O::V> = k.iter().map(|ks| ks[i]).collect();
            let dot = o.dot(&col, &E).expect("a nonzero weight");
            let err = o.mul(dot, h);
            o.div(err, scale)
        })
        .collect();
    rms(o, &scaled)
}

/// The continuous extension of the step `(t_old, y_old) → t_old + h` at `te`.
pub(super) fn dp5_dense<O: Ops>(
    o: &mut O,
    k: &[Vec<O::V>],
    h: O::V,
    t_old: O::V,
    y_old: &[O::V],
    te: O::V,
) -> Vec<O::V> {
    let d = o.sub(te, t_old);
    let x = o.div(d, h);
    let mut p = [x; 4];
    for j in 1..4 {
        p[j] = o.mul(p[j - 1], x);
    }
    (0..y_old.len())
        .map(|i| {
            let col: Vec<O::V> = k.iter().map(|ks| ks[i]).collect();
            let q: Vec<O::V> = (0..4)
                .map(|j| {
                    let coef: Vec<f64> = P.iter().map(|row| row[j]).collect();
                    o.dot(&col, &coef).expect("a nonzero coefficient")
                })
                .collect();
            let mut acc = o.mul(q[0], p[0]);
            for j in 1..4 {
                let term = o.mul(q[j], p[j]);
                acc = o.add(acc, term);
            }
            let dy = o.mul(h, acc);
            o.add(dy, y_old[i])
        })
        .collect()
}

/// SciPy's `select_initial_step` (forward, no `max_step`): returns the
/// first step; calls the right-hand side once.
pub(super) fn initial_step<O: Ops>(
    o: &mut O,
    t0: O::V,
    t_end: O::V,
    y0: &[O::V],
    f0: &[O::V],
    rtol: O::V,
    atol: &[O::V],
) -> O::V {
    let n = y0.len();
    let length = o.sub(t_end, t0);
    let scale: Vec<O::V> = (0..n)
        .map(|i| {
            let a = o.abs(y0[i]);
            let a = o.mul(a, rtol);
            o.add(atol[i], a)
        })
        .collect();
    let ys: Vec<O::V> = (0..n).map(|i| o.div(y0[i], scale[i])).collect();
    let d0 = rms(o, &ys);
    let fs: Vec<O::V> = (0..n).map(|i| o.div(f0[i], scale[i])).collect();
    let d1 = rms(o, &fs);
    let small = o.k(1e-5);
    let c0 = o.lt(d0, small);
    let c1 = o.lt(d1, small);
    let tiny = o.or(c0, c1);
    let guess = {
        let c = o.k(0.01);
        let a = o.mul(c, d0);
        o.div(a, d1)
    };
    let micro = o.k(1e-6);
    let h0 = o.select(tiny, micro, guess);
    let h0 = o.min_py(h0, length);
    let y1: Vec<O::V> = (0..n)
        .map(|i| {
            let d = o.mul(h0, f0[i]);
            o.add(y0[i], d)
        })
        .collect();
    let t1 = o.add(t0, h0);
    let f1 = o.rhs(t1, &y1);
    let ds: Vec<O::V> = (0..n)
        .map(|i| {
            let d = o.sub(f1[i], f0[i]);
            o.div(d, scale[i])
        })
        .collect();
    let d2 = rms(o, &ds);
    let d2 = o.div(d2, h0);
    let eps = o.k(1e-15);
    let c1 = o.le(d1, eps);
    let c2 = o.le(d2, eps);
    let flat = o.and(c1, c2);
    let thousandth = o.k(1e-3);
    let a = o.mul(h0, thousandth);
    let flat_h = o.max_py(micro, a);
    let d = o.max_py(d1, d2);
    let curved_h = o.first(d);
    let h1 = o.select(flat, flat_h, curved_h);
    let hundred = o.k(100.0);
    let m = o.mul(hundred, h0);
    let m = o.min_py(m, h1);
    o.min_py(m, length)
}

/// The step factor after an accepted step with error norm `err < 1`.
pub(super) fn accept_factor<O: Ops>(o: &mut O, err: O::V, after_reject: O::B) -> O::V {
    let zero = o.k(0.0);
    let max = o.k(MAX_FACTOR);
    let f = o.factor(err);
    let f = o.min_py(max, f);
    let is_zero = {
        let a = o.le(err, zero);
        let b = o.le(zero, err);
        o.and(a, b)
    };
    let f = o.select(is_zero, max, f);
    let one = o.k(1.0);
    let capped = o.min_py(one, f);
    o.select(after_reject, capped, f)
}

/// The step factor after a rejected step.
pub(super) fn reject_factor<O: Ops>(o: &mut O, err: O::V) -> O::V {
    let f = o.factor(err);
    let min = o.k(MIN_FACTOR);
    o.max_py(min, f)
}

/// One classical RK4 step from `(t, y)`, `k1 = f(t, y)`, to `t_next`.
pub(super) fn rk4_step<O: Ops>(
    o: &mut O,
    t: O::V,
    t_next: O::V,
    y: &[O::V],
    k1: &[O::V],
) -> Vec<O::V> {
    let n = y.len();
    let h = o.sub(t_next, t);
    let half = o.k(0.5);
    let h2 = o.mul(h, half);
    let tm = o.add(t, h2);
    let along = |o: &mut O, k: &[O::V], step: O::V| -> Vec<O::V> {
        (0..n)
            .map(|i| {
                let d = o.mul(step, k[i]);
                o.add(y[i], d)
            })
            .collect()
    };
    let y2 = along(o, k1, h2);
    let k2 = o.rhs(tm, &y2);
    let y3 = along(o, &k2, h2);
    let k3 = o.rhs(tm, &y3);
    let y4 = along(o, &k3, h);
    let k4 = o.rhs(t_next, &y4);
    let sixth = o.k(6.0);
    let h6 = o.div(h, sixth);
    let two = o.k(2.0);
    (0..n)
        .map(|i| {
            let a = o.mul(two, k2[i]);
            let b = o.mul(two, k3[i]);
            let s = o.add(k1[i], a);
            let s = o.add(s, b);
            let s = o.add(s, k4[i]);
            let d = o.mul(h6, s);
            o.add(y[i], d)
        })
        .collect()
}

/// The cubic Hermite interpolant of an RK4 step at `te`.
#[allow(clippy::too_many_arguments)]
pub(super) fn hermite<O: Ops>(
    o: &mut O,
    t: O::V,
    t_next: O::V,
    y0: &[O::V],
    f0: &[O::V],
    y1: &[O::V],
    f1: &[O::V],
    te: O::V,
) -> Vec<O::V> {
    let h = o.sub(t_next, t);
    let d = o.sub(te, t);
    let x = o.div(d, h);
    let one = o.k(1.0);
    let two = o.k(2.0);
    let three = o.k(3.0);
    let xm = o.sub(one, x);
    let xm2 = o.mul(xm, xm);
    let x2 = o.mul(x, x);
    let a = o.mul(two, x);
    let a = o.add(one, a);
    let h00 = o.mul(a, xm2);
    let h10 = o.mul(x, xm2);
    let b = o.mul(two, x);
    let b = o.sub(three, b);
    let h01 = o.mul(x2, b);
    let c = o.sub(x, one);
    let h11 = o.mul(x2, c);
    let h10 = o.mul(h10, h);
    let h11 = o.mul(h11, h);
    (0..y0.len())
        .map(|i| {
            let a = o.mul(h00, y0[i]);
            let b = o.mul(h10, f0[i]);
            let c = o.mul(h01, y1[i]);
            let d = o.mul(h11, f1[i]);
            let s = o.add(a, b);
            let s = o.add(s, c);
            o.add(s, d)
        })
        .collect()
}

/// The smallest f64 above `t` (`f64::next_up`, spelled out as the JIT does it).
pub(super) fn next_up(t: f64) -> f64 {
    if t == 0.0 {
        return f64::from_bits(1);
    }
    let bits = t.to_bits() as i64;
    f64::from_bits(if bits >= 0 { bits + 1 } else { bits - 1 } as u64)
}

/// SciPy's step floor at `t`: `10·(next_up(t) − t)`.
pub(super) fn min_step(t: f64) -> f64 {
    10.0 * (next_up(t) - t)
}

/// The right-hand sides and the two control formulas, interpreted.
pub(super) struct Twin<'a> {
    pub program: &'a Program,
    /// Slots of the right-hand sides' variables in `[y…, t, params…]`.
    pub slots: &'a [u32],
    pub params: &'a [f64],
    pub factor: &'a Program,
    pub first: &'a Program,
    pub args: Vec<f64>,
    pub scratch: Vec<f64>,
}

impl Ops for Twin<'_> {
    type V = f64;
    type B = bool;
    fn k(&mut self, x: f64) -> f64 {
        x
    }
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    fn sqrt(&mut self, a: f64) -> f64 {
        a.sqrt()
    }
    fn abs(&mut self, a: f64) -> f64 {
        a.abs()
    }
    fn lt(&mut self, a: f64, b: f64) -> bool {
        a < b
    }
    fn le(&mut self, a: f64, b: f64) -> bool {
        a <= b
    }
    fn or(&mut self, a: bool, b: bool) -> bool {
        a || b
    }
    fn and(&mut self, a: bool, b: bool) -> bool {
        a && b
    }
    fn select(&mut self, c: bool, a: f64, b: f64) -> f64 {
        if c { a } else { b }
    }
    fn rhs(&mut self, t: f64, y: &[f64]) -> Vec<f64> {
        self.args.clear();
        self.args.extend_from_slice(y);
        self.args.push(t);
        self.args.extend_from_slice(self.params);
        let mut out = vec![0.0; y.len()];
        interp::eval_all(
            self.program,
            self.slots,
            &self.args,
            &mut self.scratch,
            &mut out,
        );
        out
    }
    fn factor(&mut self, err: f64) -> f64 {
        interp::eval(self.factor, &[0], &[err], &mut self.scratch)
    }
    fn first(&mut self, d: f64) -> f64 {
        interp::eval(self.first, &[0], &[d], &mut self.scratch)
    }
}

/// What a solve came to (both sides fill the same fields).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Outcome {
    pub status: i64,
    /// The time reached (the end, or where the solve stopped).
    pub t: f64,
    /// The step size tried when it stopped (failures).
    pub h: f64,
    pub accepted: u64,
    pub rejected: u64,
    pub nfev: u64,
}

/// The settings of one solve, checked.
pub(super) struct Setup<'a> {
    pub t0: f64,
    pub t_end: f64,
    pub rtol: f64,
    /// One per state.
    pub atol: &'a [f64],
    pub t_eval: &'a [f64],
    pub max_steps: u64,
    /// RK4 only: the step and the number of steps.
    pub h: f64,
    pub steps: u64,
}

fn finite(v: &[f64]) -> bool {
    // `x - x == 0` in the compiled code: the same test.
    v.iter().all(|x| x.is_finite())
}

/// The reference adaptive Dormand–Prince solve: `y` holds the initial
/// state and gets the final one (on a non-finite failure: the new state,
/// then its derivative, `2n` values); `out` gets one row per `t_eval`.
pub(super) fn rk45(o: &mut Twin<'_>, s: &Setup<'_>, y: &mut [f64], out: &mut [f64]) -> Outcome {
    let n = s.atol.len();
    let mut t = s.t0;
    let mut ys = y[..n].to_vec();
    let mut f = o.rhs(t, &ys);
    let mut done = Outcome {
        status: DONE,
        t,
        h: s.h,
        accepted: 0,
        rejected: 0,
        nfev: 1,
    };
    if !(finite(&ys) && finite(&f)) {
        done.status = NOT_FINITE_START;
        y[..n].copy_from_slice(&ys);
        y[n..2 * n].copy_from_slice(&f);
        return done;
    }
    let mut h_abs = initial_step(o, t, s.t_end, &ys, &f, s.rtol, s.atol);
    done.nfev += 1;
    let mut idx = 0;
    let mut k: Vec<Vec<f64>> = Vec::with_capacity(7);
    loop {
        let floor = min_step(t);
        if h_abs < floor {
            h_abs = floor;
        }
        let mut rejected = false;
        let (t_new, h, y_new, err) = loop {
            if h_abs < floor {
                done.status = TOO_SMALL;
                done.t = t;
                done.h = h_abs;
                y[..n].copy_from_slice(&ys);
                return done;
            }
            if done.accepted + done.rejected >= s.max_steps {
                done.status = BUDGET;
                done.t = t;
                done.h = h_abs;
                y[..n].copy_from_slice(&ys);
                return done;
            }
            let mut t_new = t + h_abs;
            if t_new - s.t_end > 0.0 {
                t_new = s.t_end;
            }
            let h = t_new - t;
            h_abs = h.abs();
            k.clear();
            k.push(f.clone());
            let y_new = dp5_trial(o, t, h, &ys, &mut k);
            done.nfev += 6;
            if !(finite(&y_new) && finite(&k[6])) {
                done.status = NOT_FINITE;
                done.t = t;
                done.h = h;
                y[..n].copy_from_slice(&y_new);
                y[n..2 * n].copy_from_slice(&k[6]);
                return done;
            }
            let err = dp5_error(o, h, &ys, &y_new, &k, s.rtol, s.atol);
            if err < 1.0 {
                break (t_new, h, y_new, err);
            }
            h_abs *= reject_factor(o, err);
            rejected = true;
            done.rejected += 1;
        };
        h_abs *= accept_factor(o, err, rejected);
        done.accepted += 1;
        while idx < s.t_eval.len() && s.t_eval[idx] <= t_new {
            let v = dp5_dense(o, &k, h, t, &ys, s.t_eval[idx]);
            out[idx * n..(idx + 1) * n].copy_from_slice(&v);
            idx += 1;
        }
        t = t_new;
        ys = y_new;
        f = k[6].clone();
        if t_new - s.t_end >= 0.0 {
            break;
        }
    }
    done.t = t;
    done.h = h_abs;
    y[..n].copy_from_slice(&ys);
    done
}

/// The reference RK4 solve: `s.steps` steps, step `j` from `t0 + j·h` to
/// `t0 + (j+1)·h` (the last to `t_end`); `y` and `out` as in [`rk45`].
pub(super) fn rk4(o: &mut Twin<'_>, s: &Setup<'_>, y: &mut [f64], out: &mut [f64]) -> Outcome {
    let n = s.atol.len();
    let mut ys = y[..n].to_vec();
    let mut f = o.rhs(s.t0, &ys);
    let mut done = Outcome {
        status: DONE,
        t: s.t0,
        h: s.h,
        accepted: 0,
        rejected: 0,
        nfev: 1,
    };
    if !(finite(&ys) && finite(&f)) {
        done.status = NOT_FINITE_START;
        y[..n].copy_from_slice(&ys);
        y[n..2 * n].copy_from_slice(&f);
        return done;
    }
    let mut idx = 0;
    for j in 0..s.steps {
        let t = s.t0 + (j as f64) * s.h;
        let t_next = if j + 1 == s.steps {
            s.t_end
        } else {
            s.t0 + ((j + 1) as f64) * s.h
        };
        let y_new = rk4_step(o, t, t_next, &ys, &f);
        let f_new = o.rhs(t_next, &y_new);
        done.nfev += 4;
        if !(finite(&y_new) && finite(&f_new)) {
            done.status = NOT_FINITE;
            done.t = t;
            done.h = t_next - t;
            y[..n].copy_from_slice(&y_new);
            y[n..2 * n].copy_from_slice(&f_new);
            return done;
        }
        done.accepted += 1;
        while idx < s.t_eval.len() && s.t_eval[idx] <= t_next {
            let v = hermite(o, t, t_next, &ys, &f, &y_new, &f_new, s.t_eval[idx]);
            out[idx * n..(idx + 1) * n].copy_from_slice(&v);
            idx += 1;
        }
        ys = y_new;
        f = f_new;
    }
    done.t = s.t_end;
    y[..n].copy_from_slice(&ys);
    done
}
