//! Reductions: the sum, minimum or maximum of a formula over arrays.
//!
//! The order of the operations is part of the result, so it is fixed:
//! the range is split into chunks of [`CHUNK`] elements; within a chunk,
//! element `k` (of those the vector loop covers) goes to partial
//! `k % (2 * unroll)` ([`unroll`](super::unroll)); the partials combine as described in
//! [`reference::reduce`]; the tail elements follow in order; chunk results
//! combine left to right. Serial and parallel runs use the same chunks.

use std::sync::Arc;

use cranelift_codegen::ir::{InstBuilder, types};
use rayon::prelude::*;

use super::body::ElementBody;
use super::loops::counted_loop;
use super::{
    CHUNK, Input, LayoutCache, Parallel, array_len, layout, reference, unroll, with_table,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{BinaryOp, Program, ops};
use crate::jit::codegen::{Emitter, Lanes};
use crate::jit::{Code, JitOptions, build_function};

/// How values combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reduce {
    /// The sum; an empty sum is +0.
    Sum,
    /// The minimum, as `min` (C `fmin`): NaN values are skipped; the
    /// minimum of nothing (or of only NaNs) is NaN.
    Min,
    /// The maximum, as `max` (C `fmax`), likewise.
    Max,
}

impl Reduce {
    /// The value that changes nothing: `-0 + x = x` for every `x`, and
    /// `fmin(NaN, x) = x`.
    pub(crate) fn identity(self) -> f64 {
        match self {
            Reduce::Sum => -0.0,
            Reduce::Min | Reduce::Max => f64::NAN,
        }
    }

    /// Combines two values.
    pub(crate) fn apply(self, acc: f64, v: f64) -> f64 {
        ops::binary(self.op(), acc, v)
    }

    pub(crate) fn op(self) -> BinaryOp {
        match self {
            Reduce::Sum => BinaryOp::Add,
            Reduce::Min => BinaryOp::Min,
            Reduce::Max => BinaryOp::Max,
        }
    }
}

/// `f(inputs, n) -> partial result over elements 0..n`.
type ReduceFn = unsafe extern "C" fn(inputs: *const *const f64, n: i64) -> f64;

struct ReduceCode {
    func: ReduceFn,
    _code: Code,
}

/// A formula reduced over arrays. Built by [`Engine::reduce`](crate::Engine::reduce).
///
/// ```
/// use exprjit::{Engine, Input, Reduce};
///
/// let dist2 = Engine::new().reduce("(a-b)^2", &["a", "b"], Reduce::Sum)?;
/// let (a, b) = ([1.0, 2.0, 3.0], [1.0, 0.0, 0.0]);
/// assert_eq!(dist2.run(&[Input::from(&a), Input::from(&b)])?, 13.0);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct ReduceKernel {
    program: Arc<Program>,
    args: Arc<[Arc<str>]>,
    slots: Vec<u32>,
    how: Reduce,
    jit: JitOptions,
    parallel: Parallel,
    cache: LayoutCache<ReduceCode>,
}

impl std::fmt::Debug for ReduceKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReduceKernel")
            .field("formula", &self.program.text)
            .field("how", &self.how)
            .finish_non_exhaustive()
    }
}

impl ReduceKernel {
    pub(crate) fn new(
        program: Program,
        args: Arc<[Arc<str>]>,
        slots: Vec<u32>,
        how: Reduce,
        jit: JitOptions,
    ) -> ReduceKernel {
        ReduceKernel {
            program: Arc::new(program),
            args,
            slots,
            how,
            jit,
            parallel: Parallel::default(),
            cache: LayoutCache::default(),
        }
    }

    /// Uses `parallel` for later runs.
    pub fn with_parallel(mut self, parallel: Parallel) -> ReduceKernel {
        self.parallel = parallel;
        self
    }

    fn len(&self, inputs: &[Input<'_>]) -> Result<usize> {
        array_len(&self.args, inputs)?.ok_or_else(|| {
            Error::new(
                ErrorKind::Length,
                "a reduction needs at least one input array",
            )
        })
    }

    /// The reduction of the formula over the inputs.
    pub fn run(&self, inputs: &[Input<'_>]) -> Result<f64> {
        let n = self.len(inputs)?;
        if n == 0 {
            return Ok(empty(self.how));
        }
        let code = self.cache.get_or_compile(layout(inputs), || {
            compile_reduce(&self.program, &self.slots, inputs, self.how, self.jit)
        })?;
        let chunks = n.div_ceil(CHUNK);
        let chunk = |c: usize| run_chunk(&code, inputs, c * CHUNK, CHUNK.min(n - c * CHUNK));
        let partials: Vec<f64> = if self.parallel.wants(n) {
            self.parallel
                .install(|| (0..chunks).into_par_iter().map(chunk).collect())?
        } else {
            (0..chunks).map(chunk).collect()
        };
        Ok(partials
            .into_iter()
            .fold(self.how.identity(), |a, p| self.how.apply(a, p)))
    }

    /// The same reduction by the reference interpreter, in the same order.
    pub fn run_reference(&self, inputs: &[Input<'_>]) -> Result<f64> {
        let n = self.len(inputs)?;
        if n == 0 {
            return Ok(empty(self.how));
        }
        Ok(reference::reduce(
            &self.program,
            &self.slots,
            inputs,
            self.how,
            n,
        ))
    }
}

fn empty(how: Reduce) -> f64 {
    match how {
        Reduce::Sum => 0.0,
        _ => f64::NAN,
    }
}

fn run_chunk(code: &ReduceCode, inputs: &[Input<'_>], start: usize, len: usize) -> f64 {
    let input_ptr = |k: usize| match &inputs[k] {
        Input::Array(a) => a[start..start + len].as_ptr(),
        Input::Scalar(v) => v as *const f64,
    };
    with_table(inputs.len(), std::ptr::null(), input_ptr, |ptrs| {
        // SAFETY: every array pointer has `len` readable elements (all
        // arrays have the checked common length and `start + len` is within
        // it), every scalar pointer one; the code, compiled for this layout,
        // only reads elements `0..len`.
        unsafe { (code.func)(ptrs.as_ptr(), len as i64) }
    })
}

fn compile_reduce(
    program: &Program,
    slots: &[u32],
    inputs: &[Input<'_>],
    how: Reduce,
    jit: JitOptions,
) -> Result<ReduceCode> {
    let is_array: Vec<bool> = inputs
        .iter()
        .map(|i| matches!(i, Input::Array(_)))
        .collect();
    let code = build_function(
        &[types::I64, types::I64],
        &[types::F64],
        jit,
        |fb, params, call_conv| {
            let (ins, n) = (params[0], params[1]);
            let mut vector = Emitter::new(Lanes::X2, call_conv);
            let mut scalar = Emitter::new(Lanes::Scalar, call_conv);
            let body = ElementBody::new(fb, program, slots, &is_array, ins, &mut scalar);
            let zero = fb.ins().iconst(types::I64, 0);
            let identity = vector.constant(fb, how.identity());
            let op = how.op();

            let unroll = unroll(program);
            let accs = vec![identity; unroll];
            let step = (2 * unroll) as i64;
            let (done, accs) = counted_loop(fb, zero, n, step, &accs, |fb, i, accs| {
                let addrs = body.addresses(fb, i);
                let mut next = Vec::with_capacity(unroll);
                for (u, &acc) in accs.iter().enumerate() {
                    let v = body.vector_roots(fb, &mut vector, &addrs, (u * 16) as i32)[0];
                    next.push(vector.binary(fb, op, acc, v));
                }
                next
            });
            let mut lanes = accs[0];
            for &acc in &accs[1..] {
                lanes = vector.binary(fb, op, lanes, acc);
            }
            let l0 = fb.ins().extractlane(lanes, 0);
            let l1 = fb.ins().extractlane(lanes, 1);
            let total = scalar.binary(fb, op, l0, l1);

            let (_, total) = counted_loop(fb, done, n, 1, &[total], |fb, i, acc| {
                let v = body.scalar_roots(fb, &mut scalar, i)[0];
                vec![scalar.binary(fb, op, acc[0], v)]
            });
            fb.ins().return_(&[total[0]]);
        },
    )?;
    // SAFETY: `code.entry` is the function just built with two i64
    // parameters and an f64 result in the target's default calling
    // convention, which is `ReduceFn`'s ABI.
    let func = unsafe { std::mem::transmute::<*const u8, ReduceFn>(code.entry) };
    Ok(ReduceCode { func, _code: code })
}
