//! Cranelift code for the quadrature kernel: the fixed Gauss–Legendre rule
//! over a run of elements (two elements per f64x2 vector, the nodes
//! unrolled), and one application of the 21-point Gauss–Kronrod rule to
//! one interval of one element (the ten node pairs `c ± h·xₖ` as the two
//! lanes of a vector). The arithmetic, operation by operation, is the one
//! `quad::reference_*` performs; the tests hold them to the same bits.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use cranelift_frontend::FunctionBuilder;

use super::loops::{counted_loop, data_flags, element_address};
use super::quad::Mode;
use super::quad_rules::{WG, WGK, XGK};
use crate::error::Result;
use crate::ir::{BinaryOp, Program, UnaryOp};
use crate::jit::codegen::{Emitter, Lanes, depends_on, splat_all};
use crate::jit::{Code, JitOptions, build_function};

/// `f(ins, out, start, end)`: `ins` holds a pointer per input (`a`, `b`,
/// then the parameters: to the array, or to the scalar); writes
/// `out[e]` for `e` in `start..end`.
pub(super) type FixedFn =
    unsafe extern "C" fn(ins: *const *const f64, out: *mut f64, start: i64, end: i64);

/// `f(ins, e, lo, hi, base, out)`: the 21-point rule on `[lo, hi]` for
/// element `e` (in the mapped variable for infinite modes, whose finite
/// limit is `base`); writes `[result, abserr, resabs, resasc]` (before
/// QUADPACK's scaling of `abserr`, which `quad::scale_error` does).
pub(super) type KronrodFn = unsafe extern "C" fn(
    ins: *const *const f64,
    e: i64,
    lo: f64,
    hi: f64,
    base: f64,
    out: *mut f64,
);

/// The integrand's program and which of its nodes vary with the
/// integration variable (argument 0; the parameters are arguments 1…).
struct Integrand<'p> {
    program: &'p Program,
    slots: &'p [u32],
    varies: Vec<bool>,
}

impl<'p> Integrand<'p> {
    fn new(program: &'p Program, slots: &'p [u32]) -> Integrand<'p> {
        let is_var: Vec<bool> = slots.iter().map(|&s| s == 0).collect();
        Integrand {
            program,
            slots,
            varies: depends_on(program, &is_var),
        }
    }

    /// The nodes that do not depend on the integration variable, given the
    /// parameters' values (in the emitter's lanes).
    fn invariants(
        &self,
        fb: &mut FunctionBuilder<'_>,
        em: &mut Emitter,
        params: &[Value],
    ) -> Vec<Option<Value>> {
        let vars: Vec<Option<Value>> = self
            .slots
            .iter()
            .map(|&s| (s != 0).then(|| params[s as usize - 1]))
            .collect();
        let mut values = vec![None; self.program.nodes.len()];
        em.emit_where(fb, self.program, &vars, &mut values, |n| !self.varies[n]);
        values
    }

    /// The formula at `x`.
    fn at(
        &self,
        fb: &mut FunctionBuilder<'_>,
        em: &mut Emitter,
        invariants: &[Option<Value>],
        x: Value,
    ) -> Value {
        let vars: Vec<Option<Value>> = self.slots.iter().map(|&s| (s == 0).then_some(x)).collect();
        let mut values = invariants.to_vec();
        em.emit_where(fb, self.program, &vars, &mut values, |n| self.varies[n]);
        values[self.program.root().index()].expect("the root is emitted")
    }

    /// The integrand in the mode's variable `t`: `f(t)` on a finite
    /// interval, else `(f(x(t)) / t) / t` with `x = base ± (1-t)/t`, or
    /// `f(u) + f(-u)` for `u = (1-t)/t` over the whole line.
    fn mapped(
        &self,
        fb: &mut FunctionBuilder<'_>,
        em: &mut Emitter,
        invariants: &[Option<Value>],
        mode: Mode,
        base: Value,
        t: Value,
    ) -> Value {
        if mode == Mode::Finite {
            return self.at(fb, em, invariants, t);
        }
        let one = em.constant(fb, 1.0);
        let one_minus = em.binary(fb, BinaryOp::Sub, one, t);
        let u = em.binary(fb, BinaryOp::Div, one_minus, t);
        let f = match mode {
            Mode::Upper => {
                let x = em.binary(fb, BinaryOp::Add, base, u);
                self.at(fb, em, invariants, x)
            }
            Mode::Lower => {
                let x = em.binary(fb, BinaryOp::Sub, base, u);
                self.at(fb, em, invariants, x)
            }
            _ => {
                let plus = self.at(fb, em, invariants, u);
                let neg = em.unary(fb, UnaryOp::Neg, u);
                let minus = self.at(fb, em, invariants, neg);
                em.binary(fb, BinaryOp::Add, plus, minus)
            }
        };
        let f = em.binary(fb, BinaryOp::Div, f, t);
        em.binary(fb, BinaryOp::Div, f, t)
    }
}

/// Loads input `k` of the table (`a`, `b`, parameters) for element `e`
/// in `em`'s lanes: an array element (pair), or the scalar splatted.
fn load_input(
    fb: &mut FunctionBuilder<'_>,
    lanes: Lanes,
    source: (bool, Value),
    e: Value,
) -> Value {
    let (array, base) = source;
    if array {
        let at = element_address(fb, base, e);
        fb.ins().load(lanes.ty(), data_flags(), at, 0)
    } else if lanes == Lanes::X2 {
        fb.ins().splat(types::F64X2, base)
    } else {
        base
    }
}

/// Per input, whether it is an array and its base pointer (or scalar value).
fn sources(fb: &mut FunctionBuilder<'_>, ins: Value, is_array: &[bool]) -> Vec<(bool, Value)> {
    let trusted = MemFlagsData::trusted().with_readonly();
    is_array
        .iter()
        .enumerate()
        .map(|(k, &array)| {
            let p = fb.ins().load(types::I64, trusted, ins, (k * 8) as i32);
            if array {
                (true, p)
            } else {
                (false, fb.ins().load(types::F64, trusted, p, 0))
            }
        })
        .collect()
}

/// The fixed rule's nodes and weights as the code uses them: on a finite
/// interval the Gauss–Legendre nodes `t` on [-1, 1]; for infinite modes
/// the nodes mapped to (0, 1] as `0.5 + 0.5·t`.
pub(super) fn fixed_nodes(mode: Mode, nodes: &[f64]) -> Vec<f64> {
    if mode == Mode::Finite {
        nodes.to_vec()
    } else {
        nodes.iter().map(|&t| 0.5 + 0.5 * t).collect()
    }
}

/// The start of every rule's code for element `e`: its limits ordered as
/// `lo <= hi` (`swap` where `a > b`, whose integral is negated), and the
/// integrand's nodes that do not depend on the variable.
struct ElementStart {
    swap: Value,
    lo: Value,
    hi: Value,
    invariants: Vec<Option<Value>>,
}

fn element_start(
    fb: &mut FunctionBuilder<'_>,
    em: &mut Emitter,
    integrand: &Integrand<'_>,
    srcs: &[(bool, Value)],
    e: Value,
) -> ElementStart {
    let lanes = em.lanes();
    let a = load_input(fb, lanes, srcs[0], e);
    let b = load_input(fb, lanes, srcs[1], e);
    let params: Vec<Value> = srcs[2..]
        .iter()
        .map(|&s| load_input(fb, lanes, s, e))
        .collect();
    let swap = fb.ins().fcmp(FloatCC::GreaterThan, a, b);
    let lo = em.select(fb, swap, b, a);
    let hi = em.select(fb, swap, a, b);
    let invariants = integrand.invariants(fb, em, &params);
    ElementStart {
        swap,
        lo,
        hi,
        invariants,
    }
}
/// Emits one element (pair) of the fixed rule and stores it.
#[allow(clippy::too_many_arguments)]
fn fixed_element(
    fb: &mut FunctionBuilder<'_>,
    em: &mut Emitter,
    integrand: &Integrand<'_>,
    mode: Mode,
    srcs: &[(bool, Value)],
    nodes: &[f64],
    weights: &[f64],
    out: Value,
    e: Value,
) {
    let ElementStart {
        swap,
        lo,
        hi,
        invariants,
    } = element_start(fb, em, integrand, srcs, e);
    let half = em.constant(fb, 0.5);
    let (centre, length) = if mode == Mode::Finite {
        let l = em.binary(fb, BinaryOp::Mul, half, lo);
        let h = em.binary(fb, BinaryOp::Mul, half, hi);
        (
            em.binary(fb, BinaryOp::Add, l, h),
            em.binary(fb, BinaryOp::Sub, h, l),
        )
    } else {
        (half, half)
    };
    let base = if mode == Mode::Lower { hi } else { lo };
    let mut acc = em.constant(fb, -0.0);
    for (&t, &w) in nodes.iter().zip(weights) {
        let t = em.constant(fb, t);
        let x = if mode == Mode::Finite {
            let ht = em.binary(fb, BinaryOp::Mul, length, t);
            em.binary(fb, BinaryOp::Add, centre, ht)
        } else {
            t
        };
        let f = integrand.mapped(fb, em, &invariants, mode, base, x);
        let w = em.constant(fb, w);
        let wf = em.binary(fb, BinaryOp::Mul, w, f);
        acc = em.binary(fb, BinaryOp::Add, acc, wf);
    }
    let r = em.binary(fb, BinaryOp::Mul, length, acc);
    let neg = em.unary(fb, UnaryOp::Neg, r);
    let r = em.select(fb, swap, neg, r);
    let at = element_address(fb, out, e);
    fb.ins().store(data_flags(), r, at, 0);
}

/// Compiles the fixed rule with `nodes`/`weights` (from [`fixed_nodes`])
/// for one mode and input layout.
pub(super) fn compile_fixed(
    program: &Program,
    slots: &[u32],
    is_array: &[bool],
    mode: Mode,
    nodes: &[f64],
    weights: &[f64],
    jit: JitOptions,
) -> Result<(FixedFn, Code)> {
    let integrand = Integrand::new(program, slots);
    let code = build_function(
        &[types::I64, types::I64, types::I64, types::I64],
        &[],
        jit,
        |fb, params, call_conv| {
            let (ins, out, start, end) = (params[0], params[1], params[2], params[3]);
            let srcs = sources(fb, ins, is_array);
            let mut vector = Emitter::new(Lanes::X2, call_conv);
            let mut scalar = Emitter::new(Lanes::Scalar, call_conv);
            let (done, _) = counted_loop(fb, start, end, 2, &[], |fb, e, _| {
                fixed_element(
                    fb,
                    &mut vector,
                    &integrand,
                    mode,
                    &srcs,
                    nodes,
                    weights,
                    out,
                    e,
                );
                vec![]
            });
            counted_loop(fb, done, end, 1, &[], |fb, e, _| {
                fixed_element(
                    fb,
                    &mut scalar,
                    &integrand,
                    mode,
                    &srcs,
                    nodes,
                    weights,
                    out,
                    e,
                );
                vec![]
            });
            fb.ins().return_(&[]);
        },
    )?;
    // SAFETY: `code.entry` is the function just built with four i64
    // parameters and no result in the target's default calling
    // convention, which is `FixedFn`'s ABI.
    let func = unsafe { std::mem::transmute::<*const u8, FixedFn>(code.entry) };
    Ok((func, code))
}

/// `terms` summed as `quad::tree_sum` does: the sum of the first
/// `len/2` and the sum of the rest, recursively.
fn tree_emit(
    fb: &mut FunctionBuilder<'_>,
    terms: &[Value],
    add: &mut impl FnMut(&mut FunctionBuilder<'_>, Value, Value) -> Value,
) -> Value {
    if terms.len() == 1 {
        return terms[0];
    }
    let (left, right) = terms.split_at(terms.len() / 2);
    let l = tree_emit(fb, left, add);
    let r = tree_emit(fb, right, add);
    add(fb, l, r)
}

/// Compiles the 21-point Gauss–Kronrod rule on one interval for one mode
/// and input layout (QUADPACK's `dqk21`, with its four sums taken as
/// balanced trees of their terms, see `quad::tree_sum`).
pub(super) fn compile_kronrod(
    program: &Program,
    slots: &[u32],
    is_array: &[bool],
    mode: Mode,
    jit: JitOptions,
) -> Result<(KronrodFn, Code)> {
    let integrand = Integrand::new(program, slots);
    let code = build_function(
        &[
            types::I64,
            types::I64,
            types::F64,
            types::F64,
            types::F64,
            types::I64,
        ],
        &[],
        jit,
        |fb, p, call_conv| {
            let (ins, e, lo, hi, base, out) = (p[0], p[1], p[2], p[3], p[4], p[5]);
            let srcs = sources(fb, ins, is_array);
            let mut vector = Emitter::new(Lanes::X2, call_conv);
            let mut s = Emitter::new(Lanes::Scalar, call_conv);
            let params: Vec<Value> = srcs[2..]
                .iter()
                .map(|&src| load_input(fb, Lanes::Scalar, src, e))
                .collect();
            let inv = integrand.invariants(fb, &mut s, &params);
            let inv_x2 = splat_all(fb, &inv);
            let base_x2 = fb.ins().splat(types::F64X2, base);

            let half = s.constant(fb, 0.5);
            let l = s.binary(fb, BinaryOp::Mul, half, lo);
            let h = s.binary(fb, BinaryOp::Mul, half, hi);
            let centr = s.binary(fb, BinaryOp::Add, l, h);
            let hlgth = s.binary(fb, BinaryOp::Sub, h, l);

            let fc = integrand.mapped(fb, &mut s, &inv, mode, base, centr);
            let mut fv1 = Vec::with_capacity(10);
            let mut fv2 = Vec::with_capacity(10);
            for &xk in &XGK[..10] {
                let xk = s.constant(fb, xk);
                let absc = s.binary(fb, BinaryOp::Mul, hlgth, xk);
                let x1 = s.binary(fb, BinaryOp::Sub, centr, absc);
                let x2 = s.binary(fb, BinaryOp::Add, centr, absc);
                let v = fb.ins().splat(types::F64X2, x1);
                let v = fb.ins().insertlane(v, x2, 1);
                let fv = integrand.mapped(fb, &mut vector, &inv_x2, mode, base_x2, v);
                fv1.push(fb.ins().extractlane(fv, 0));
                fv2.push(fb.ins().extractlane(fv, 1));
            }

            let c = |s: &mut Emitter, fb: &mut FunctionBuilder<'_>, v: f64| s.constant(fb, v);
            // Terms computed independently, then summed as a balanced tree
            // (`tree_sum`): short dependency chains; the twin sums alike.
            let w10 = c(&mut s, fb, WGK[10]);
            let centre = s.binary(fb, BinaryOp::Mul, w10, fc);
            let mut k_terms = vec![centre];
            let mut abs_terms = vec![s.unary(fb, UnaryOp::Abs, centre)];
            let mut g_terms = Vec::with_capacity(5);
            for j in 0..10 {
                let fsum = s.binary(fb, BinaryOp::Add, fv1[j], fv2[j]);
                if j % 2 == 1 {
                    let wg = c(&mut s, fb, WG[j / 2]);
                    g_terms.push(s.binary(fb, BinaryOp::Mul, wg, fsum));
                }
                let wk = c(&mut s, fb, WGK[j]);
                k_terms.push(s.binary(fb, BinaryOp::Mul, wk, fsum));
                let a1 = s.unary(fb, UnaryOp::Abs, fv1[j]);
                let a2 = s.unary(fb, UnaryOp::Abs, fv2[j]);
                let a = s.binary(fb, BinaryOp::Add, a1, a2);
                abs_terms.push(s.binary(fb, BinaryOp::Mul, wk, a));
            }
            let mut add = |fb: &mut FunctionBuilder<'_>, x: Value, y: Value| {
                s.binary(fb, BinaryOp::Add, x, y)
            };
            let resk = tree_emit(fb, &k_terms, &mut add);
            let resg = tree_emit(fb, &g_terms, &mut add);
            let resabs = tree_emit(fb, &abs_terms, &mut add);
            let reskh = s.binary(fb, BinaryOp::Mul, resk, half);
            let d = s.binary(fb, BinaryOp::Sub, fc, reskh);
            let d = s.unary(fb, UnaryOp::Abs, d);
            let mut asc_terms = vec![s.binary(fb, BinaryOp::Mul, w10, d)];
            for j in 0..10 {
                let d1 = s.binary(fb, BinaryOp::Sub, fv1[j], reskh);
                let d1 = s.unary(fb, UnaryOp::Abs, d1);
                let d2 = s.binary(fb, BinaryOp::Sub, fv2[j], reskh);
                let d2 = s.unary(fb, UnaryOp::Abs, d2);
                let sum = s.binary(fb, BinaryOp::Add, d1, d2);
                let wk = c(&mut s, fb, WGK[j]);
                asc_terms.push(s.binary(fb, BinaryOp::Mul, wk, sum));
            }
            let resasc = tree_emit(fb, &asc_terms, &mut |fb, x, y| {
                s.binary(fb, BinaryOp::Add, x, y)
            });
            let dh = s.unary(fb, UnaryOp::Abs, hlgth);
            let result = s.binary(fb, BinaryOp::Mul, resk, hlgth);
            let resabs = s.binary(fb, BinaryOp::Mul, resabs, dh);
            let resasc = s.binary(fb, BinaryOp::Mul, resasc, dh);
            let diff = s.binary(fb, BinaryOp::Sub, resk, resg);
            let err = s.binary(fb, BinaryOp::Mul, diff, hlgth);
            let err = s.unary(fb, UnaryOp::Abs, err);
            let flags = MemFlagsData::trusted();
            for (k, v) in [result, err, resabs, resasc].into_iter().enumerate() {
                fb.ins().store(flags, v, out, (k * 8) as i32);
            }
            fb.ins().return_(&[]);
        },
    )?;
    // SAFETY: `code.entry` is the function just built with parameters
    // (i64, i64, f64, f64, f64, i64) and no result in the target's default
    // calling convention, which is `KronrodFn`'s ABI.
    let func = unsafe { std::mem::transmute::<*const u8, KronrodFn>(code.entry) };
    Ok((func, code))
}

/// `f(ins, out, start, end)`: the 21-point rule on each element's whole
/// (mapped) interval, for `e` in `start..end`, two elements per f64x2
/// vector; writes `[result, abserr, resabs, resasc]` at `out[4e..4e+4]`.
pub(super) type FirstFn =
    unsafe extern "C" fn(ins: *const *const f64, out: *mut f64, start: i64, end: i64);

/// The 21-point rule in `em`'s lanes (each lane its own element) on
/// `[lo, hi]`: the same operations, in the same order, as
/// [`compile_kronrod`] performs on one element.
#[allow(clippy::too_many_arguments)]
fn kronrod_lanes(
    fb: &mut FunctionBuilder<'_>,
    s: &mut Emitter,
    integrand: &Integrand<'_>,
    inv: &[Option<Value>],
    mode: Mode,
    base: Value,
    lo: Value,
    hi: Value,
) -> [Value; 4] {
    let half = s.constant(fb, 0.5);
    let l = s.binary(fb, BinaryOp::Mul, half, lo);
    let h = s.binary(fb, BinaryOp::Mul, half, hi);
    let centr = s.binary(fb, BinaryOp::Add, l, h);
    let hlgth = s.binary(fb, BinaryOp::Sub, h, l);
    let fc = integrand.mapped(fb, s, inv, mode, base, centr);
    let mut fv1 = Vec::with_capacity(10);
    let mut fv2 = Vec::with_capacity(10);
    for &xk in &XGK[..10] {
        let xk = s.constant(fb, xk);
        let absc = s.binary(fb, BinaryOp::Mul, hlgth, xk);
        let x1 = s.binary(fb, BinaryOp::Sub, centr, absc);
        let x2 = s.binary(fb, BinaryOp::Add, centr, absc);
        fv1.push(integrand.mapped(fb, s, inv, mode, base, x1));
        fv2.push(integrand.mapped(fb, s, inv, mode, base, x2));
    }
    let w10 = s.constant(fb, WGK[10]);
    let centre = s.binary(fb, BinaryOp::Mul, w10, fc);
    let mut k_terms = vec![centre];
    let mut abs_terms = vec![s.unary(fb, UnaryOp::Abs, centre)];
    let mut g_terms = Vec::with_capacity(5);
    for j in 0..10 {
        let fsum = s.binary(fb, BinaryOp::Add, fv1[j], fv2[j]);
        if j % 2 == 1 {
            let wg = s.constant(fb, WG[j / 2]);
            g_terms.push(s.binary(fb, BinaryOp::Mul, wg, fsum));
        }
        let wk = s.constant(fb, WGK[j]);
        k_terms.push(s.binary(fb, BinaryOp::Mul, wk, fsum));
        let a1 = s.unary(fb, UnaryOp::Abs, fv1[j]);
        let a2 = s.unary(fb, UnaryOp::Abs, fv2[j]);
        let a = s.binary(fb, BinaryOp::Add, a1, a2);
        abs_terms.push(s.binary(fb, BinaryOp::Mul, wk, a));
    }
    let mut add =
        |fb: &mut FunctionBuilder<'_>, x: Value, y: Value| s.binary(fb, BinaryOp::Add, x, y);
    let resk = tree_emit(fb, &k_terms, &mut add);
    let resg = tree_emit(fb, &g_terms, &mut add);
    let resabs = tree_emit(fb, &abs_terms, &mut add);
    let reskh = s.binary(fb, BinaryOp::Mul, resk, half);
    let d = s.binary(fb, BinaryOp::Sub, fc, reskh);
    let d = s.unary(fb, UnaryOp::Abs, d);
    let mut asc_terms = vec![s.binary(fb, BinaryOp::Mul, w10, d)];
    for j in 0..10 {
        let d1 = s.binary(fb, BinaryOp::Sub, fv1[j], reskh);
        let d1 = s.unary(fb, UnaryOp::Abs, d1);
        let d2 = s.binary(fb, BinaryOp::Sub, fv2[j], reskh);
        let d2 = s.unary(fb, UnaryOp::Abs, d2);
        let sum = s.binary(fb, BinaryOp::Add, d1, d2);
        let wk = s.constant(fb, WGK[j]);
        asc_terms.push(s.binary(fb, BinaryOp::Mul, wk, sum));
    }
    let resasc = tree_emit(fb, &asc_terms, &mut |fb, x, y| {
        s.binary(fb, BinaryOp::Add, x, y)
    });
    let dh = s.unary(fb, UnaryOp::Abs, hlgth);
    let result = s.binary(fb, BinaryOp::Mul, resk, hlgth);
    let resabs = s.binary(fb, BinaryOp::Mul, resabs, dh);
    let resasc = s.binary(fb, BinaryOp::Mul, resasc, dh);
    let diff = s.binary(fb, BinaryOp::Sub, resk, resg);
    let err = s.binary(fb, BinaryOp::Mul, diff, hlgth);
    let err = s.unary(fb, UnaryOp::Abs, err);
    [result, err, resabs, resasc]
}

/// One element (pair) of the first pass: limits ordered, mapped for the
/// mode, the rule applied, the four values stored.
fn first_element(
    fb: &mut FunctionBuilder<'_>,
    em: &mut Emitter,
    integrand: &Integrand<'_>,
    mode: Mode,
    srcs: &[(bool, Value)],
    out: Value,
    e: Value,
) {
    let ElementStart {
        swap: _,
        lo,
        hi,
        invariants: inv,
    } = element_start(fb, em, integrand, srcs, e);
    let lanes = em.lanes();
    let (t0, t1, base) = match mode {
        Mode::Finite => (lo, hi, lo),
        _ => {
            let zero = em.constant(fb, 0.0);
            let one = em.constant(fb, 1.0);
            let base = if mode == Mode::Lower { hi } else { lo };
            (zero, one, base)
        }
    };
    let values = kronrod_lanes(fb, em, integrand, &inv, mode, base, t0, t1);
    let four = fb.ins().ishl_imm_u(e, 2);
    let at = element_address(fb, out, four);
    let flags = data_flags();
    for (k, v) in values.into_iter().enumerate() {
        match lanes {
            Lanes::Scalar => {
                fb.ins().store(flags, v, at, (k * 8) as i32);
            }
            Lanes::X2 => {
                for lane in 0..2u8 {
                    let x = fb.ins().extractlane(v, lane);
                    fb.ins()
                        .store(flags, x, at, (k * 8 + lane as usize * 32) as i32);
                }
            }
        }
    }
}

/// Compiles the first pass of the adaptive rule for one mode and layout:
/// every element's whole interval, vectorised across elements.
pub(super) fn compile_first(
    program: &Program,
    slots: &[u32],
    is_array: &[bool],
    mode: Mode,
    jit: JitOptions,
) -> Result<(FirstFn, Code)> {
    let integrand = Integrand::new(program, slots);
    let code = build_function(
        &[types::I64, types::I64, types::I64, types::I64],
        &[],
        jit,
        |fb, params, call_conv| {
            let (ins, out, start, end) = (params[0], params[1], params[2], params[3]);
            let srcs = sources(fb, ins, is_array);
            let mut vector = Emitter::new(Lanes::X2, call_conv);
            let mut scalar = Emitter::new(Lanes::Scalar, call_conv);
            let (done, _) = counted_loop(fb, start, end, 2, &[], |fb, e, _| {
                first_element(fb, &mut vector, &integrand, mode, &srcs, out, e);
                vec![]
            });
            counted_loop(fb, done, end, 1, &[], |fb, e, _| {
                first_element(fb, &mut scalar, &integrand, mode, &srcs, out, e);
                vec![]
            });
            fb.ins().return_(&[]);
        },
    )?;
    // SAFETY: `code.entry` is the function just built with four i64
    // parameters and no result in the target's default calling
    // convention, which is `FirstFn`'s ABI.
    let func = unsafe { std::mem::transmute::<*const u8, FirstFn>(code.entry) };
    Ok((func, code))
}
