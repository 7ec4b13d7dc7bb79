//! Recurrences: a state of one or more variables updated together each
//! step, `n` steps inside the JIT loop.
//!
//! Update formulas may use the state variables (their values before the
//! step), the step index `i` (0, 1, 2, … as f64), parameters (scalars fixed
//! for the run), per-step inputs (arrays indexed by the step) and
//! definitions (named helper formulas such as `t = i*h`, substituted).

use std::sync::Arc;

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use rayon::prelude::*;

use super::loops::{counted_loop, data_flags, element_address};
use super::{Parallel, reference};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::Program;
use crate::jit::codegen::{Emitter, Lanes, depends_on};
use crate::jit::{Code, JitOptions, build_function};

/// What a recurrence is made of; see [`Engine::recurrence`](crate::Engine::recurrence).
#[derive(Debug, Clone, Copy, Default)]
pub struct RecurrenceSpec<'a> {
    /// State variable names.
    pub state: &'a [&'a str],
    /// One update formula per state variable, in the same order; all
    /// updates see the state from before the step.
    pub update: &'a [&'a str],
    /// Helper definitions `(name, formula)`, substituted into the updates;
    /// each may use the ones before it.
    pub define: &'a [(&'a str, &'a str)],
    /// Parameter names: scalars fixed for a run.
    pub params: &'a [&'a str],
    /// Per-step input names: arrays with at least one value per step.
    pub inputs: &'a [&'a str],
}

/// Which states a run keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only the state after the last step.
    Last,
    /// The initial state and the state after every `k`-th step.
    Every(usize),
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// Kept states, one row of `width` values each (empty for [`Keep::Last`]).
    pub states: Vec<f64>,
    /// The state after the last step.
    pub last: Vec<f64>,
    /// State variables per row.
    pub width: usize,
}

impl Trajectory {
    /// Kept row `r`.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.states[r * self.width..(r + 1) * self.width]
    }

    /// Number of kept rows.
    pub fn rows(&self) -> usize {
        self.states.len() / self.width.max(1)
    }
}

/// `f(state, params, inputs, out, rows, k, i0)`: runs `rows × k` steps from
/// step `i0`, updating `state` in place and writing the state after every
/// `k` steps as a row of `out`.
type StepFn = unsafe extern "C" fn(
    state: *mut f64,
    params: *const f64,
    inputs: *const *const f64,
    out: *mut f64,
    rows: i64,
    k: i64,
    i0: i64,
);

/// A compiled recurrence. Built by [`Engine::recurrence`](crate::Engine::recurrence).
///
/// ```
/// use exprjit::{Engine, Keep, RecurrenceSpec};
///
/// // Euler steps of y' = y^2 cos(t + y), t = i*h.
/// let euler = Engine::new().recurrence(RecurrenceSpec {
///     state: &["y"],
///     update: &["y + h*y^2*cos(t+y)"],
///     define: &[("t", "i*h")],
///     params: &["h"],
///     ..Default::default()
/// })?;
/// let run = euler.run(&[1.0], &[0.001], &[], 1000, Keep::Last)?;
/// assert!(run.last[0] > 0.0);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct Recurrence {
    program: Arc<Program>,
    /// Slots: state (m), `i`, params, inputs.
    slots: Vec<u32>,
    width: usize,
    params: Vec<Arc<str>>,
    inputs: Vec<Arc<str>>,
    func: StepFn,
    _code: Code,
    parallel: Parallel,
}

impl std::fmt::Debug for Recurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recurrence")
            .field("update", &self.program.text)
            .finish_non_exhaustive()
    }
}

impl Recurrence {
    pub(crate) fn new(
        program: Program,
        slots: Vec<u32>,
        width: usize,
        params: Vec<Arc<str>>,
        inputs: Vec<Arc<str>>,
        jit: JitOptions,
    ) -> Result<Recurrence> {
        let code = compile_steps(&program, &slots, width, params.len(), inputs.len(), jit)?;
        // SAFETY: `code.entry` is the function just built with seven i64
        // parameters (four pointers and three counts) and no result in the target's
        // default calling convention, which is `StepFn`'s ABI.
        let func = unsafe { std::mem::transmute::<*const u8, StepFn>(code.entry) };
        Ok(Recurrence {
            program: Arc::new(program),
            slots,
            width,
            params,
            inputs,
            func,
            _code: code,
            parallel: Parallel::default(),
        })
    }

    /// Uses `parallel` for ensembles.
    pub fn with_parallel(mut self, parallel: Parallel) -> Recurrence {
        self.parallel = parallel;
        self
    }

    /// Number of state variables.
    pub fn width(&self) -> usize {
        self.width
    }

    fn check(
        &self,
        initial: &[f64],
        params: &[f64],
        inputs: &[&[f64]],
        steps: usize,
        keep: Keep,
    ) -> Result<()> {
        let count = |what: &str, want: usize, got: usize, names: &[Arc<str>]| {
            if want == got {
                return Ok(());
            }
            let list: Vec<&str> = names.iter().map(|n| &**n).collect();
            Err(Error::new(
                ErrorKind::ArgumentCount,
                format!("expected {want} {what} ({}), got {got}", list.join(", ")),
            ))
        };
        if initial.len() != self.width {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "expected {} initial state values, got {}",
                    self.width,
                    initial.len()
                ),
            ));
        }
        count("parameters", self.params.len(), params.len(), &self.params)?;
        count(
            "per-step inputs",
            self.inputs.len(),
            inputs.len(),
            &self.inputs,
        )?;
        for (input, name) in inputs.iter().zip(&self.inputs) {
            if input.len() < steps {
                return Err(Error::new(
                    ErrorKind::Length,
                    format!(
                        "per-step input `{name}` has {} values, but the run has {steps} steps",
                        input.len()
                    ),
                ));
            }
        }
        if keep == Keep::Every(0) {
            return Err(Error::new(
                ErrorKind::Length,
                "Keep::Every(0): the stride must be at least 1",
            ));
        }
        if i64::try_from(steps).is_err() {
            return Err(Error::new(
                ErrorKind::Length,
                format!("{steps} steps is too many"),
            ));
        }
        Ok(())
    }

    /// Runs `steps` steps from `initial`, keeping the states `keep` asks for.
    pub fn run(
        &self,
        initial: &[f64],
        params: &[f64],
        inputs: &[&[f64]],
        steps: usize,
        keep: Keep,
    ) -> Result<Trajectory> {
        self.run_from(0, initial, params, inputs, steps, keep)
    }

    /// Like [`run`](Recurrence::run), but the steps are numbered from
    /// `first`: `i` runs over `first..first + steps`, and per-step inputs
    /// are read at those indices (they need `first + steps` values). A long
    /// run split into pieces, each starting from the state the one before
    /// ended in, gives the same bits as one run, so a caller can stop
    /// between pieces (the Python package checks for Ctrl-C there).
    ///
    /// ```
    /// use exprjit::{Engine, Keep, RecurrenceSpec};
    /// let euler = Engine::new().recurrence(RecurrenceSpec {
    ///     state: &["y"],
    ///     update: &["y + h*y^2*cos(t+y)"],
    ///     define: &[("t", "i*h")],
    ///     params: &["h"],
    ///     ..Default::default()
    /// })?;
    /// let whole = euler.run(&[1.0], &[0.001], &[], 1000, Keep::Last)?;
    /// let half = euler.run_from(0, &[1.0], &[0.001], &[], 500, Keep::Last)?;
    /// let rest = euler.run_from(500, &half.last, &[0.001], &[], 500, Keep::Last)?;
    /// assert_eq!(rest.last[0].to_bits(), whole.last[0].to_bits());
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn run_from(
        &self,
        first: usize,
        initial: &[f64],
        params: &[f64],
        inputs: &[&[f64]],
        steps: usize,
        keep: Keep,
    ) -> Result<Trajectory> {
        let end = first.checked_add(steps).ok_or_else(|| {
            Error::new(
                ErrorKind::Length,
                format!("steps {first} + {steps} is too many"),
            )
        })?;
        // Inputs are checked for `first + steps` values, and the step
        // index must fit the compiled i64 counter.
        self.check(initial, params, inputs, end, keep)?;
        let mut state = initial.to_vec();
        let mut states = Vec::new();
        let in_ptrs: Vec<*const f64> = inputs.iter().map(|a| a.as_ptr()).collect();
        let mut scratch = vec![0.0; self.width];
        let go = |state: &mut [f64], out: &mut [f64], rows: usize, k: usize, i0: usize| {
            if rows == 0 || k == 0 {
                return;
            }
            // SAFETY: `state` holds `width` values; `params` and `inputs`
            // match the compiled counts (checked); every input has at least
            // `steps >= i0 + rows*k` values (checked), and the code reads
            // input values only at step indices below `i0 + rows*k`; `out`
            // has room for `rows` rows of `width` (callers size it).
            unsafe {
                (self.func)(
                    state.as_mut_ptr(),
                    params.as_ptr(),
                    in_ptrs.as_ptr(),
                    out.as_mut_ptr(),
                    rows as i64,
                    k as i64,
                    i0 as i64,
                )
            };
        };
        match keep {
            Keep::Last => go(&mut state, &mut scratch, 1, steps, first),
            Keep::Every(k) => {
                let rows = steps / k;
                let len = (rows + 1).checked_mul(self.width).ok_or_else(|| {
                    crate::alloc::too_large(
                        (rows as u128 + 1) * self.width as u128,
                        "the kept states",
                    )
                })?;
                states = crate::alloc::zeros(len, "the kept states")?;
                states[..self.width].copy_from_slice(initial);
                go(&mut state, &mut states[self.width..], rows, k, first);
                go(&mut state, &mut scratch, 1, steps % k, first + rows * k);
            }
        }
        Ok(Trajectory {
            states,
            last: state,
            width: self.width,
        })
    }

    /// The same run by the reference interpreter.
    pub fn run_reference(
        &self,
        initial: &[f64],
        params: &[f64],
        inputs: &[&[f64]],
        steps: usize,
        keep: Keep,
    ) -> Result<Trajectory> {
        self.check(initial, params, inputs, steps, keep)?;
        reference::recurrence(
            &self.program,
            &self.slots,
            self.width,
            initial,
            params,
            inputs,
            steps,
            keep,
        )
    }

    /// Runs one independent recurrence per member: `initial` holds
    /// `members × width` values and `params` `members × params` (one row per
    /// member); all members share the per-step inputs. Returns the last
    /// states, `members × width`. Members run in parallel when there is
    /// enough work; results do not depend on it.
    pub fn run_ensemble(
        &self,
        initial: &[f64],
        params: &[f64],
        inputs: &[&[f64]],
        steps: usize,
    ) -> Result<Vec<f64>> {
        self.run_ensemble_from(0, initial, params, inputs, steps)
    }

    /// Like [`run_ensemble`](Recurrence::run_ensemble), with the steps
    /// numbered from `first` (see [`run_from`](Recurrence::run_from)):
    /// an ensemble run in pieces gives the same bits as one run.
    pub fn run_ensemble_from(
        &self,
        first: usize,
        initial: &[f64],
        params: &[f64],
        inputs: &[&[f64]],
        steps: usize,
    ) -> Result<Vec<f64>> {
        let (w, p) = (self.width, self.params.len());
        let members = super::ensemble_members(initial.len(), w, params.len(), p)?;
        let run_member = |m: usize| -> Result<Vec<f64>> {
            let t = self.run_from(
                first,
                &initial[m * w..(m + 1) * w],
                &params[m * p..(m + 1) * p],
                inputs,
                steps,
                Keep::Last,
            )?;
            Ok(t.last)
        };
        let rows: Vec<Vec<f64>> =
            if self.parallel.wants(members.saturating_mul(steps.max(1))) && members > 1 {
                self.parallel.install(|| {
                    (0..members)
                        .into_par_iter()
                        .map(run_member)
                        .collect::<Result<_>>()
                })??
            } else {
                (0..members).map(run_member).collect::<Result<_>>()?
            };
        Ok(rows.concat())
    }
}

fn compile_steps(
    program: &Program,
    slots: &[u32],
    width: usize,
    n_params: usize,
    n_inputs: usize,
    jit: JitOptions,
) -> Result<Code> {
    let i64s = [types::I64; 7];
    build_function(&i64s, &[], jit, |fb, p, call_conv| {
        let (state_ptr, params_ptr, inputs_ptr, out, rows, k, i0) =
            (p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        let trusted = MemFlagsData::trusted();
        let readonly = trusted.with_readonly();
        let state: Vec<Value> = (0..width)
            .map(|s| {
                fb.ins()
                    .load(types::F64, trusted, state_ptr, (s * 8) as i32)
            })
            .collect();
        let params: Vec<Value> = (0..n_params)
            .map(|j| {
                fb.ins()
                    .load(types::F64, readonly, params_ptr, (j * 8) as i32)
            })
            .collect();
        let bases: Vec<Value> = (0..n_inputs)
            .map(|j| {
                fb.ins()
                    .load(types::I64, readonly, inputs_ptr, (j * 8) as i32)
            })
            .collect();
        let zero = fb.ins().iconst(types::I64, 0);
        let flags = data_flags();
        let mut emitter = Emitter::new(Lanes::Scalar, call_conv);
        // Nodes of the parameters alone are computed once, before the loop.
        let param_vars: Vec<Option<Value>> = slots
            .iter()
            .map(|&s| {
                let s = s as usize;
                (width < s && s <= width + n_params).then(|| params[s - width - 1])
            })
            .collect();
        let varying: Vec<bool> = param_vars.iter().map(Option::is_none).collect();
        let varies = depends_on(program, &varying);
        let mut hoisted = vec![None; program.nodes.len()];
        emitter.emit_where(fb, program, &param_vars, &mut hoisted, |n| !varies[n]);

        // Carried through both loops: the state and the step index (an
        // integer in a register the calls preserve; `i` is its f64 value).
        let mut carried = state.clone();
        carried.push(i0);
        let (_, carried) = counted_loop(fb, zero, rows, 1, &carried, |fb, row, carried| {
            let (_, carried) = counted_loop(fb, zero, k, 1, carried, |fb, _, c| {
                let step = c[width];
                let i_f = fb.ins().fcvt_from_sint(types::F64, step);
                // Argument order: state, i, params, inputs.
                let mut args: Vec<Value> = c[..width].to_vec();
                args.push(i_f);
                args.extend(&params);
                for &base in &bases {
                    let a = element_address(fb, base, step);
                    args.push(fb.ins().load(types::F64, flags, a, 0));
                }
                let vars: Vec<Option<Value>> =
                    slots.iter().map(|&s| Some(args[s as usize])).collect();
                let mut values = hoisted.clone();
                emitter.emit_where(fb, program, &vars, &mut values, |n| varies[n]);
                let mut next: Vec<Value> = program
                    .roots
                    .iter()
                    .map(|r| values[r.index()].expect("roots are emitted"))
                    .collect();
                next.push(fb.ins().iadd_imm_s(step, 1));
                next
            });
            let row_offset = fb.ins().imul_imm_s(row, (width * 8) as i64);
            let row_addr = fb.ins().iadd(out, row_offset);
            for (s, &v) in carried[..width].iter().enumerate() {
                fb.ins().store(flags, v, row_addr, (s * 8) as i32);
            }
            carried
        });
        for (s, &v) in carried[..width].iter().enumerate() {
            fb.ins().store(trusted, v, state_ptr, (s * 8) as i32);
        }
        fb.ins().return_(&[]);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_states_too_large_for_memory_are_an_error() {
        let rec = crate::Engine::new()
            .recurrence(RecurrenceSpec {
                state: &["y"],
                update: &["y + 1"],
                ..Default::default()
            })
            .unwrap();
        let steps = 1_000_000_000_000_000_000;
        for run in [Recurrence::run, Recurrence::run_reference] {
            let e = run(&rec, &[0.0], &[], &[], steps, Keep::Every(1)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Limit);
            assert_eq!(
                e.message(),
                "cannot allocate 1000000000000000001 values (8.0 EB) for the kept states"
            );
        }
        let t = rec.run(&[0.0], &[], &[], 4, Keep::Every(2)).unwrap();
        assert_eq!(t.states, [0.0, 2.0, 4.0]);
    }
}
