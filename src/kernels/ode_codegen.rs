//! The ODE solvers as one compiled function each: the whole stepping loop,
//! the stages, the error norm, the step control and the dense output run
//! inside it. The arithmetic is `ode_steps`'s, emitted through [`Gen`];
//! the control flow mirrors `ode_steps::rk45` and `ode_steps::rk4` branch
//! for branch, with the solver's state in Cranelift variables.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{Block, InstBuilder, MemFlagsData, Value, types};
use cranelift_frontend::{FunctionBuilder, Variable};

use super::loops::data_flags;
use super::ode_steps::{self as steps, Ops};
use crate::error::Result;
use crate::ir::Program;
use crate::jit::codegen::{Emitter, Lanes, depends_on};
use crate::jit::{Code, JitOptions, build_function};

/// `f(y, params, cfg, t_eval, n_eval, out, counts) -> status`.
///
/// - `y`: `2n` values; the initial state in, the final state out (on a
///   non-finite failure: the new state and its derivative);
/// - `cfg`: `t0, t_end, rtol, h (RK4), max_steps, steps (RK4), atol[n]` in,
///   and `cfg[0]` the time reached, `cfg[3]` the last step size out;
/// - `counts`: accepted, rejected, right-hand-side evaluations out (i64);
/// - `out`: `n_eval` rows of `n`, the states at `t_eval`.
pub(super) type SolveFn = unsafe extern "C" fn(
    y: *mut f64,
    params: *const f64,
    cfg: *mut f64,
    t_eval: *const f64,
    n_eval: i64,
    out: *mut f64,
    counts: *mut i64,
) -> i64;

/// Which method to compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Rk45,
    Rk4,
}

/// The programs a solver is made of.
pub(super) struct Programs<'a> {
    pub rhs: &'a Program,
    /// Slots of the right-hand sides' variables in `[y…, t, params…]`.
    pub slots: &'a [u32],
    pub n: usize,
    pub n_params: usize,
    pub factor: &'a Program,
    pub first: &'a Program,
}

/// [`Ops`] on Cranelift values: emits each operation at the current block.
struct Gen<'f, 'b, 'p> {
    fb: &'f mut FunctionBuilder<'b>,
    emitter: Emitter,
    control: Emitter,
    p: &'p Programs<'p>,
    params: Vec<Value>,
    hoisted: Vec<Option<Value>>,
    varies: Vec<bool>,
}

impl Ops for Gen<'_, '_, '_> {
    type V = Value;
    type B = Value;
    fn k(&mut self, x: f64) -> Value {
        self.fb.ins().f64const(x)
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fdiv(a, b)
    }
    fn sqrt(&mut self, a: Value) -> Value {
        self.fb.ins().sqrt(a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.fb.ins().fabs(a)
    }
    fn lt(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fcmp(FloatCC::LessThan, a, b)
    }
    fn le(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fcmp(FloatCC::LessThanOrEqual, a, b)
    }
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().bor(a, b)
    }
    fn and(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().band(a, b)
    }
    fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        self.fb.ins().select(c, a, b)
    }
    fn rhs(&mut self, t: Value, y: &[Value]) -> Vec<Value> {
        let mut args: Vec<Value> = y.to_vec();
        args.push(t);
        args.extend(&self.params);
        let vars: Vec<Option<Value>> = self
            .p
            .slots
            .iter()
            .map(|&s| Some(args[s as usize]))
            .collect();
        let mut values = self.hoisted.clone();
        let varies = &self.varies;
        self.emitter
            .emit_where(self.fb, self.p.rhs, &vars, &mut values, |n| varies[n]);
        self.p
            .rhs
            .roots
            .iter()
            .map(|r| values[r.index()].expect("roots are emitted"))
            .collect()
    }
    fn factor(&mut self, err: Value) -> Value {
        self.control.emit(self.fb, self.p.factor, &[err])[0]
    }
    fn first(&mut self, d: Value) -> Value {
        self.control.emit(self.fb, self.p.first, &[d])[0]
    }
}

impl Gen<'_, '_, '_> {
    fn var(&mut self, ty: types::Type, init: Value) -> Variable {
        let v = self.fb.declare_var(ty);
        self.fb.def_var(v, init);
        v
    }
    fn vars(&mut self, init: &[Value]) -> Vec<Variable> {
        init.iter().map(|&v| self.var(types::F64, v)).collect()
    }
    fn get(&mut self, vars: &[Variable]) -> Vec<Value> {
        vars.iter().map(|&v| self.fb.use_var(v)).collect()
    }
    fn set(&mut self, vars: &[Variable], values: &[Value]) {
        for (&v, &x) in vars.iter().zip(values) {
            self.fb.def_var(v, x);
        }
    }
    /// Whether every value is finite (`x - x == 0` for each).
    fn finite(&mut self, values: &[Value]) -> Value {
        let zero = self.fb.ins().f64const(0.0);
        let mut all: Option<Value> = None;
        for &v in values {
            let d = self.fb.ins().fsub(v, v);
            let ok = self.fb.ins().fcmp(FloatCC::Equal, d, zero);
            all = Some(match all {
                None => ok,
                Some(a) => self.fb.ins().band(a, ok),
            });
        }
        all.expect("at least one value")
    }
    /// `ode_steps::min_step(t)`: `10·(next_up(t) − t)`.
    fn min_step(&mut self, t: Value) -> Value {
        let fb = &mut *self.fb;
        let bits = fb.ins().bitcast(types::I64, MemFlagsData::new(), t);
        let up = fb.ins().iadd_imm_s(bits, 1);
        let down = fb.ins().iadd_imm_s(bits, -1);
        let positive = fb
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, bits, 0);
        let next = fb.ins().select(positive, up, down);
        let zero = fb.ins().f64const(0.0);
        let is_zero = fb.ins().fcmp(FloatCC::Equal, t, zero);
        let one = fb.ins().iconst(types::I64, 1);
        let next = fb.ins().select(is_zero, one, next);
        let next = fb.ins().bitcast(types::F64, MemFlagsData::new(), next);
        let gap = fb.ins().fsub(next, t);
        let ten = fb.ins().f64const(10.0);
        fb.ins().fmul(ten, gap)
    }
    fn store_row(&mut self, base: Value, values: &[Value]) {
        for (i, &v) in values.iter().enumerate() {
            self.fb.ins().store(data_flags(), v, base, (i * 8) as i32);
        }
    }
    /// Stores the counters and `t`, `h` and returns `status`.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        status: i64,
        cfg: Value,
        counts: Value,
        t: Value,
        h: Value,
        acc: Variable,
        rej: Variable,
        nfev: Variable,
    ) {
        let flags = data_flags();
        self.fb.ins().store(flags, t, cfg, 0);
        self.fb.ins().store(flags, h, cfg, 24);
        for (slot, var) in [acc, rej, nfev].into_iter().enumerate() {
            let v = self.fb.use_var(var);
            self.fb.ins().store(flags, v, counts, (slot * 8) as i32);
        }
        let s = self.fb.ins().iconst(types::I64, status);
        self.fb.ins().return_(&[s]);
    }
    fn block(&mut self) -> Block {
        self.fb.create_block()
    }
    fn switch(&mut self, b: Block) {
        self.fb.switch_to_block(b);
    }
}

/// Compiles the solver `kind` for the programs `p`.
pub(super) fn compile(p: &Programs<'_>, kind: Kind, jit: JitOptions) -> Result<Code> {
    let params = [types::I64; 7];
    build_function(&params, &[types::I64], jit, |fb, args, call_conv| {
        let (y_ptr, params_ptr, cfg, teval, n_eval, out, counts) = (
            args[0], args[1], args[2], args[3], args[4], args[5], args[6],
        );
        let n = p.n;
        let flags = data_flags();
        let readonly = flags.with_readonly();
        let params: Vec<Value> = (0..p.n_params)
            .map(|j| {
                fb.ins()
                    .load(types::F64, readonly, params_ptr, (j * 8) as i32)
            })
            .collect();
        // Nodes of the parameters alone are computed once, up front.
        let param_vars: Vec<Option<Value>> = p
            .slots
            .iter()
            .map(|&s| {
                let s = s as usize;
                (s > n).then(|| params[s - n - 1])
            })
            .collect();
        let varying: Vec<bool> = param_vars.iter().map(Option::is_none).collect();
        let varies = depends_on(p.rhs, &varying);
        let mut emitter = Emitter::new(Lanes::Scalar, call_conv);
        let mut hoisted = vec![None; p.rhs.nodes.len()];
        emitter.emit_where(fb, p.rhs, &param_vars, &mut hoisted, |i| !varies[i]);
        let mut g = Gen {
            fb,
            emitter,
            control: Emitter::new(Lanes::Scalar, call_conv).with_inline_math(false),
            p,
            params,
            hoisted,
            varies,
        };
        let load = |g: &mut Gen<'_, '_, '_>, base: Value, at: usize| {
            g.fb.ins().load(types::F64, flags, base, (at * 8) as i32)
        };
        let t0 = load(&mut g, cfg, 0);
        let t_end = load(&mut g, cfg, 1);
        let rtol = load(&mut g, cfg, 2);
        let h_fixed = load(&mut g, cfg, 3);
        let max_steps = load(&mut g, cfg, 4);
        let max_steps = g.fb.ins().fcvt_to_sint_sat(types::I64, max_steps);
        let n_steps = load(&mut g, cfg, 5);
        let n_steps = g.fb.ins().fcvt_to_sint_sat(types::I64, n_steps);
        let atol: Vec<Value> = (0..n).map(|i| load(&mut g, cfg, 6 + i)).collect();
        let y0: Vec<Value> = (0..n).map(|i| load(&mut g, y_ptr, i)).collect();
        let zero_i = g.fb.ins().iconst(types::I64, 0);
        let one_i = g.fb.ins().iconst(types::I64, 1);
        let acc = g.var(types::I64, zero_i);
        let rej = g.var(types::I64, zero_i);
        let nfev = g.var(types::I64, one_i);
        let idx = g.var(types::I64, zero_i);
        let f0 = g.rhs(t0, &y0);

        // A non-finite start.
        let start_ok = {
            let all: Vec<Value> = y0.iter().chain(&f0).copied().collect();
            g.finite(&all)
        };
        let (bad_start, go) = (g.block(), g.block());
        g.fb.ins().brif(start_ok, go, &[], bad_start, &[]);
        g.switch(bad_start);
        g.store_row(y_ptr, &y0);
        let y_f = g.fb.ins().iadd_imm_s(y_ptr, (n * 8) as i64);
        g.store_row(y_f, &f0);
        g.finish(
            steps::NOT_FINITE_START,
            cfg,
            counts,
            t0,
            h_fixed,
            acc,
            rej,
            nfev,
        );
        g.switch(go);

        // The dense-output loop after a step from (t, y_old) to t_new:
        // rows for every t_eval[idx] <= t_new, by `dense`.
        let dense_loop = |g: &mut Gen<'_, '_, '_>,
                          t_new: Value,
                          dense: &mut dyn FnMut(&mut Gen<'_, '_, '_>, Value) -> Vec<Value>,
                          after: Block| {
            let (check, cmp, point) = (g.block(), g.block(), g.block());
            g.fb.ins().jump(check, &[]);
            g.switch(check);
            let i = g.fb.use_var(idx);
            let more = g.fb.ins().icmp(IntCC::SignedLessThan, i, n_eval);
            g.fb.ins().brif(more, cmp, &[], after, &[]);
            g.switch(cmp);
            let off = g.fb.ins().ishl_imm_u(i, 3);
            let addr = g.fb.ins().iadd(teval, off);
            let te = g.fb.ins().load(types::F64, readonly, addr, 0);
            let inside = g.fb.ins().fcmp(FloatCC::LessThanOrEqual, te, t_new);
            g.fb.ins().brif(inside, point, &[], after, &[]);
            g.switch(point);
            let row = dense(g, te);
            let off = g.fb.ins().imul_imm_s(i, (n * 8) as i64);
            let base = g.fb.ins().iadd(out, off);
            g.store_row(base, &row);
            let i2 = g.fb.ins().iadd_imm_s(i, 1);
            g.fb.def_var(idx, i2);
            g.fb.ins().jump(check, &[]);
        };

        match kind {
            Kind::Rk45 => {
                let h_first = steps::initial_step(&mut g, t0, t_end, &y0, &f0, rtol, &atol);
                let two = g.fb.ins().iconst(types::I64, 2);
                g.fb.def_var(nfev, two);
                let t_var = g.var(types::F64, t0);
                let h_var = g.var(types::F64, h_first);
                let y_var = g.vars(&y0);
                let f_var = g.vars(&f0);
                let (head, attempt, reject, accept, after, done) = (
                    g.block(),
                    g.block(),
                    g.block(),
                    g.block(),
                    g.block(),
                    g.block(),
                );
                let (too_small, budget, bad) = (g.block(), g.block(), g.block());
                let no = g.fb.ins().iconst(types::I8, 0);
                let rejected = g.var(types::I8, no);
                g.fb.ins().jump(head, &[]);

                // head: the step floor at t, and the step clamped to it.
                g.switch(head);
                let t = g.fb.use_var(t_var);
                let floor = g.min_step(t);
                let h_abs = g.fb.use_var(h_var);
                let below = g.lt(h_abs, floor);
                let h_abs = g.select(below, floor, h_abs);
                g.fb.def_var(h_var, h_abs);
                let no = g.fb.ins().iconst(types::I8, 0);
                g.fb.def_var(rejected, no);
                let y = g.get(&y_var);
                let f = g.get(&f_var);
                g.fb.ins().jump(attempt, &[]);

                // attempt: one trial step.
                g.switch(attempt);
                let h_abs = g.fb.use_var(h_var);
                let small = g.lt(h_abs, floor);
                let next = g.block();
                g.fb.ins().brif(small, too_small, &[], next, &[]);
                g.switch(next);
                let (a, r) = (g.fb.use_var(acc), g.fb.use_var(rej));
                let tried = g.fb.ins().iadd(a, r);
                let spent =
                    g.fb.ins()
                        .icmp(IntCC::SignedGreaterThanOrEqual, tried, max_steps);
                let next = g.block();
                g.fb.ins().brif(spent, budget, &[], next, &[]);
                g.switch(next);
                let t_try = g.add(t, h_abs);
                let over = g.sub(t_try, t_end);
                let zero = g.k(0.0);
                let past = g.lt(zero, over);
                let t_new = g.select(past, t_end, t_try);
                let h = g.sub(t_new, t);
                let h_abs = g.abs(h);
                g.fb.def_var(h_var, h_abs);
                let mut k = vec![f.clone()];
                let y_new = steps::dp5_trial(&mut g, t, h, &y, &mut k);
                let nf = g.fb.use_var(nfev);
                let nf = g.fb.ins().iadd_imm_s(nf, 6);
                g.fb.def_var(nfev, nf);
                let ok = {
                    let all: Vec<Value> = y_new.iter().chain(&k[6]).copied().collect();
                    g.finite(&all)
                };
                let next = g.block();
                g.fb.ins().brif(ok, next, &[], bad, &[]);
                g.switch(next);
                let err = steps::dp5_error(&mut g, h, &y, &y_new, &k, rtol, &atol);
                let one = g.k(1.0);
                let good = g.lt(err, one);
                g.fb.ins().brif(good, accept, &[], reject, &[]);

                // reject: shrink and try again.
                g.switch(reject);
                let factor = steps::reject_factor(&mut g, err);
                let h_abs = g.fb.use_var(h_var);
                let h_abs = g.mul(h_abs, factor);
                g.fb.def_var(h_var, h_abs);
                let yes = g.fb.ins().iconst(types::I8, 1);
                g.fb.def_var(rejected, yes);
                let r = g.fb.use_var(rej);
                let r = g.fb.ins().iadd_imm_s(r, 1);
                g.fb.def_var(rej, r);
                g.fb.ins().jump(attempt, &[]);

                // accept: the next step size, output at t_eval, move on.
                g.switch(accept);
                let was = g.fb.use_var(rejected);
                let after_reject = g.fb.ins().icmp_imm_s(IntCC::NotEqual, was, 0);
                let factor = steps::accept_factor(&mut g, err, after_reject);
                let h_abs = g.fb.use_var(h_var);
                let h_abs = g.mul(h_abs, factor);
                g.fb.def_var(h_var, h_abs);
                let a = g.fb.use_var(acc);
                let a = g.fb.ins().iadd_imm_s(a, 1);
                g.fb.def_var(acc, a);
                let mut dense =
                    |g: &mut Gen<'_, '_, '_>, te: Value| steps::dp5_dense(g, &k, h, t, &y, te);
                dense_loop(&mut g, t_new, &mut dense, after);

                g.switch(after);
                g.fb.def_var(t_var, t_new);
                g.set(&y_var, &y_new);
                g.set(&f_var, &k[6]);
                let d = g.sub(t_new, t_end);
                let zero = g.k(0.0);
                let reached = g.le(zero, d);
                g.fb.ins().brif(reached, done, &[], head, &[]);

                g.switch(done);
                {
                    let y_end = g.get(&y_var);
                    g.store_row(y_ptr, &y_end);
                    let t_reached = g.fb.use_var(t_var);
                    let h_next = g.fb.use_var(h_var);
                    g.finish(steps::DONE, cfg, counts, t_reached, h_next, acc, rej, nfev);
                }

                for (block, status) in [(too_small, steps::TOO_SMALL), (budget, steps::BUDGET)] {
                    g.switch(block);
                    g.store_row(y_ptr, &y);
                    let h_abs = g.fb.use_var(h_var);
                    g.finish(status, cfg, counts, t, h_abs, acc, rej, nfev);
                }

                g.switch(bad);
                g.store_row(y_ptr, &y_new);
                let y_f = g.fb.ins().iadd_imm_s(y_ptr, (n * 8) as i64);
                g.store_row(y_f, &k[6]);
                g.finish(steps::NOT_FINITE, cfg, counts, t, h, acc, rej, nfev);
            }
            Kind::Rk4 => {
                let y_var = g.vars(&y0);
                let f_var = g.vars(&f0);
                let step = g.var(types::I64, zero_i);
                let (head, body, after, done, bad) =
                    (g.block(), g.block(), g.block(), g.block(), g.block());
                g.fb.ins().jump(head, &[]);

                g.switch(head);
                let j = g.fb.use_var(step);
                let more = g.fb.ins().icmp(IntCC::SignedLessThan, j, n_steps);
                g.fb.ins().brif(more, body, &[], done, &[]);

                g.switch(body);
                let y = g.get(&y_var);
                let f = g.get(&f_var);
                let jf = g.fb.ins().fcvt_from_sint(types::F64, j);
                let jh = g.mul(jf, h_fixed);
                let t = g.add(t0, jh);
                let j1 = g.fb.ins().iadd_imm_s(j, 1);
                let j1f = g.fb.ins().fcvt_from_sint(types::F64, j1);
                let j1h = g.mul(j1f, h_fixed);
                let t_grid = g.add(t0, j1h);
                let last = g.fb.ins().icmp(IntCC::Equal, j1, n_steps);
                let t_next = g.fb.ins().select(last, t_end, t_grid);
                let y_new = steps::rk4_step(&mut g, t, t_next, &y, &f);
                let f_new = g.rhs(t_next, &y_new);
                let nf = g.fb.use_var(nfev);
                let nf = g.fb.ins().iadd_imm_s(nf, 4);
                g.fb.def_var(nfev, nf);
                let ok = {
                    let all: Vec<Value> = y_new.iter().chain(&f_new).copied().collect();
                    g.finite(&all)
                };
                let next = g.block();
                g.fb.ins().brif(ok, next, &[], bad, &[]);
                g.switch(next);
                let a = g.fb.use_var(acc);
                let a = g.fb.ins().iadd_imm_s(a, 1);
                g.fb.def_var(acc, a);
                let mut dense = |g: &mut Gen<'_, '_, '_>, te: Value| {
                    steps::hermite(g, t, t_next, &y, &f, &y_new, &f_new, te)
                };
                dense_loop(&mut g, t_next, &mut dense, after);

                g.switch(after);
                g.set(&y_var, &y_new);
                g.set(&f_var, &f_new);
                g.fb.def_var(step, j1);
                g.fb.ins().jump(head, &[]);

                g.switch(bad);
                g.store_row(y_ptr, &y_new);
                let y_f = g.fb.ins().iadd_imm_s(y_ptr, (n * 8) as i64);
                g.store_row(y_f, &f_new);
                let h = g.sub(t_next, t);
                g.finish(steps::NOT_FINITE, cfg, counts, t, h, acc, rej, nfev);

                g.switch(done);
                let y = g.get(&y_var);
                g.store_row(y_ptr, &y);
                g.finish(steps::DONE, cfg, counts, t_end, h_fixed, acc, rej, nfev);
            }
        }
    })
}
