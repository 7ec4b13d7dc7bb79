//! Elementwise maps: one or more formulas (fused, sharing subexpressions)
//! over arrays and broadcast scalars, written into output arrays.

use std::sync::Arc;

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use rayon::prelude::*;

use super::body::ElementBody;
use super::loops::{counted_loop, data_flags, element_address};
use super::{
    CHUNK, Input, LayoutCache, Parallel, array_len, layout, reference, unroll, with_table,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::Program;
use crate::jit::codegen::{Emitter, Lanes};
use crate::jit::{Code, JitOptions, build_function};
use crate::simd::Width;
use crate::wide::{Plan, Source};

/// `f(inputs, outputs, n)`: `inputs[k]` points at array `k` (or at the
/// scalar `k`), `outputs[j]` at output `j`; computes elements `0..n`.
type MapFn = unsafe extern "C" fn(inputs: *const *const f64, outputs: *const *mut f64, n: i64);

struct MapCode {
    func: MapFn,
    _code: Code,
    /// The block evaluator's plan, for AVX2 and AVX-512 widths.
    wide: Option<Plan>,
    /// Whether the width was forced (the plan then runs every length).
    forced: bool,
}

/// One or more formulas compiled to run over arrays. Built by
/// [`Engine::map`](crate::Engine::map).
///
/// ```
/// use exprjit::{Engine, Input};
///
/// let map = Engine::new().map(&["x^3", "k*x + 1"], &["x", "k"])?;
/// let x = [1.0, 2.0, 3.0];
/// let (mut cube, mut line) = ([0.0; 3], [0.0; 3]);
/// map.run(&[Input::from(&x), Input::Scalar(10.0)], &mut [&mut cube, &mut line])?;
/// assert_eq!(cube, [1.0, 8.0, 27.0]);
/// assert_eq!(line, [11.0, 21.0, 31.0]);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct MapKernel {
    program: Arc<Program>,
    args: Arc<[Arc<str>]>,
    slots: Vec<u32>,
    jit: JitOptions,
    parallel: Parallel,
    cache: LayoutCache<MapCode>,
}

impl std::fmt::Debug for MapKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapKernel")
            .field("formulas", &self.program.text)
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

impl MapKernel {
    pub(crate) fn new(
        program: Program,
        args: Arc<[Arc<str>]>,
        slots: Vec<u32>,
        jit: JitOptions,
    ) -> MapKernel {
        MapKernel {
            program: Arc::new(program),
            args,
            slots,
            jit,
            parallel: Parallel::default(),
            cache: LayoutCache::default(),
        }
    }

    /// Uses `parallel` for later runs.
    pub fn with_parallel(mut self, parallel: Parallel) -> MapKernel {
        self.parallel = parallel;
        self
    }

    /// Number of outputs (formulas).
    pub fn outputs(&self) -> usize {
        self.program.roots.len()
    }

    /// Checks inputs and outputs; returns the element count.
    fn check(&self, inputs: &[Input<'_>], outputs: &[&mut [f64]]) -> Result<usize> {
        let len = array_len(&self.args, inputs)?;
        if outputs.len() != self.outputs() {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "expected {} output arrays (one per formula), got {}",
                    self.outputs(),
                    outputs.len()
                ),
            ));
        }
        let n = len.unwrap_or_else(|| outputs[0].len());
        for (j, out) in outputs.iter().enumerate() {
            if out.len() != n {
                return Err(Error::new(
                    ErrorKind::Length,
                    format!(
                        "output {j} has {} elements, but the inputs have {n}{}",
                        out.len(),
                        if len.is_none() {
                            " (the first output's length)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        Ok(n)
    }

    /// Computes every formula at every element into `outputs` (one slice
    /// per formula, each as long as the input arrays).
    pub fn run(&self, inputs: &[Input<'_>], outputs: &mut [&mut [f64]]) -> Result<()> {
        let n = self.check(inputs, outputs)?;
        if n == 0 {
            return Ok(());
        }
        let code = self.cache.get_or_compile(layout(inputs), || {
            compile_map(&self.program, &self.slots, inputs, self.jit)
        })?;
        if self.parallel.wants(n) {
            let mut chunks: Vec<Vec<&mut [f64]>> =
                (0..n.div_ceil(CHUNK)).map(|_| Vec::new()).collect();
            for out in outputs.iter_mut() {
                for (c, piece) in out.chunks_mut(CHUNK).enumerate() {
                    chunks[c].push(piece);
                }
            }
            self.parallel.install(|| {
                chunks
                    .into_par_iter()
                    .enumerate()
                    .for_each(|(c, mut outs)| {
                        run_chunk(&code, &self.program, inputs, c * CHUNK, &mut outs);
                    });
            })?;
        } else {
            run_chunk(&code, &self.program, inputs, 0, outputs);
        }
        Ok(())
    }

    /// Compiles the code for this mix of array and scalar inputs now, so a
    /// later [`run`](MapKernel::run) does not (it would on first use).
    pub fn prepare(&self, inputs: &[Input<'_>]) -> Result<()> {
        array_len(&self.args, inputs)?;
        self.cache.get_or_compile(layout(inputs), || {
            compile_map(&self.program, &self.slots, inputs, self.jit)
        })?;
        Ok(())
    }

    /// Like [`run`](MapKernel::run), allocating the outputs.
    pub fn eval(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f64>>> {
        let n = array_len(&self.args, inputs)?.ok_or_else(|| {
            Error::new(
                ErrorKind::Length,
                "at least one input must be an array to know the output length",
            )
        })?;
        let mut outs = Vec::with_capacity(self.outputs());
        for _ in 0..self.outputs() {
            outs.push(crate::alloc::zeros(n, "the map's outputs")?);
        }
        let mut views: Vec<&mut [f64]> = outs.iter_mut().map(Vec::as_mut_slice).collect();
        self.run(inputs, &mut views)?;
        Ok(outs)
    }

    /// The same computation by the reference interpreter.
    pub fn run_reference(&self, inputs: &[Input<'_>], outputs: &mut [&mut [f64]]) -> Result<()> {
        let n = self.check(inputs, outputs)?;
        reference::map(&self.program, &self.slots, inputs, outputs, n);
        Ok(())
    }
}

/// Runs the kernel on elements `start..start + outs[0].len()`.
fn run_chunk(
    code: &MapCode,
    program: &Program,
    inputs: &[Input<'_>],
    start: usize,
    outs: &mut [&mut [f64]],
) {
    let len = outs[0].len();
    if let Some(plan) = &code.wide
        && (code.forced || len >= super::WIDE_MIN_LEN)
    {
        let sources: Vec<Source<'_>> = inputs
            .iter()
            .map(|i| match i {
                Input::Array(a) => Source::Array(&a[start..start + len]),
                Input::Scalar(v) => Source::Scalar(*v),
            })
            .collect();
        plan.run(program, &sources, outs);
        return;
    }
    let input_ptr = |k: usize| match &inputs[k] {
        Input::Array(a) => a[start..start + len].as_ptr(),
        Input::Scalar(v) => v as *const f64,
    };
    with_table(inputs.len(), std::ptr::null(), input_ptr, |in_ptrs| {
        with_table(
            outs.len(),
            std::ptr::null_mut(),
            |j| outs[j].as_mut_ptr(),
            |out_ptrs| {
                // SAFETY: every array pointer has `len` readable elements from
                // `start` (all arrays are as long as the outputs, checked by
                // `check`), every scalar pointer one; every output pointer has
                // `len` writable elements and outputs do not overlap each other
                // or the inputs (distinct `&mut`). The code was compiled for this
                // layout and reads and writes only elements `0..len` of these.
                unsafe { (code.func)(in_ptrs.as_ptr(), out_ptrs.as_ptr(), len as i64) };
            },
        )
    });
}

/// Generates the map loop for one layout of array and scalar inputs.
fn compile_map(
    program: &Program,
    slots: &[u32],
    inputs: &[Input<'_>],
    jit: JitOptions,
) -> Result<MapCode> {
    let is_array: Vec<bool> = inputs
        .iter()
        .map(|i| matches!(i, Input::Array(_)))
        .collect();
    let forced = jit.width != Width::Auto;
    let wide = Plan::new(program, slots, &is_array, jit.width.resolve()?, forced);
    // With a wide plan the JIT code runs only short arrays: the math is
    // called in its resident compiled form rather than inlined (faster to
    // compile, the same bits).
    let inline_math = wide.is_none();
    let code = build_function(
        &[types::I64, types::I64, types::I64],
        &[],
        jit,
        |fb, params, call_conv| {
            let (ins, outs, n) = (params[0], params[1], params[2]);
            let mut vector = Emitter::new(Lanes::X2, call_conv).with_inline_math(inline_math);
            let mut scalar = Emitter::new(Lanes::Scalar, call_conv).with_inline_math(inline_math);
            let body = ElementBody::new(fb, program, slots, &is_array, ins, &mut scalar);
            let trusted = MemFlagsData::trusted().with_readonly();
            let out_bases: Vec<Value> = (0..program.roots.len())
                .map(|j| fb.ins().load(types::I64, trusted, outs, (j * 8) as i32))
                .collect();
            let zero = fb.ins().iconst(types::I64, 0);
            let flags = data_flags();

            // f64x2 lanes, `unroll` vectors per iteration.
            let unroll = unroll(program);
            let step = (2 * unroll) as i64;
            let (done, _) = counted_loop(fb, zero, n, step, &[], |fb, i, _| {
                let addrs = body.addresses(fb, i);
                let out_addrs: Vec<Value> = out_bases
                    .iter()
                    .map(|&b| element_address(fb, b, i))
                    .collect();
                for u in 0..unroll {
                    let offset = (u * 16) as i32;
                    let roots = body.vector_roots(fb, &mut vector, &addrs, offset);
                    for (r, &a) in roots.iter().zip(&out_addrs) {
                        fb.ins().store(flags, *r, a, offset);
                    }
                }
                Vec::new()
            });

            // Scalar tail.
            counted_loop(fb, done, n, 1, &[], |fb, i, _| {
                let roots = body.scalar_roots(fb, &mut scalar, i);
                for (r, &b) in roots.iter().zip(&out_bases) {
                    let a = element_address(fb, b, i);
                    fb.ins().store(flags, *r, a, 0);
                }
                Vec::new()
            });
            fb.ins().return_(&[]);
        },
    )?;
    // SAFETY: `code.entry` is the function just built with three i64
    // parameters and no result in the target's default calling convention,
    // which is `MapFn`'s ABI (pointers and i64 are 64-bit here).
    let func = unsafe { std::mem::transmute::<*const u8, MapFn>(code.entry) };
    Ok(MapCode {
        func,
        _code: code,
        wide,
        forced,
    })
}
