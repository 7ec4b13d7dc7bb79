//! Grids: a formula of index variables over a 1-D or 2-D index space,
//! with no index arrays built.
//!
//! In 1-D the formula sees `i = 0, 1, …, n-1`; in 2-D it sees `i` (the row,
//! `0..rows`) and `j` (the column, `0..cols`), and the output is row-major:
//! `out[i*cols + j]`. Indices are f64 values; parameters are scalars.

use std::sync::Arc;

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use rayon::prelude::*;

use super::loops::{counted_loop, data_flags, element_address};
use super::{CHUNK, Parallel, reference, unroll};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::Program;
use crate::jit::codegen::{Emitter, Lanes, depends_on, splat_all};
use crate::jit::{Code, JitOptions, build_function};
use crate::simd::Width;
use crate::wide::{Plan, Source};

/// Column indices per block-evaluator call.
const INDEX_PIECE: usize = 4096;

/// `f(params, out, i0, rows, cols)`: fills `rows × cols` values of `out`
/// for rows `i0..i0+rows` (in 1-D, `rows` is 1, `i0` the first index and
/// the index runs along the columns).
type GridFn =
    unsafe extern "C" fn(params: *const f64, out: *mut f64, i0: i64, rows: i64, cols: i64);

/// A formula over an index space. Built by [`Engine::grid`](crate::Engine::grid).
///
/// ```
/// let g = exprjit::Engine::new().grid("i*10 + j", 2, &[])?;
/// let mut out = [0.0; 6];
/// g.run2(2, 3, &[], &mut out)?;
/// assert_eq!(out, [0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct GridKernel {
    program: Arc<Program>,
    /// Slots over (i, j, params…) in 2-D or (i, params…) in 1-D.
    slots: Vec<u32>,
    dims: usize,
    params: Vec<Arc<str>>,
    func: GridFn,
    _code: Code,
    /// The block evaluator's plan (AVX2 or AVX-512), with whether the
    /// width was forced (it then runs rows of every length).
    wide: Option<(Plan, bool)>,
    parallel: Parallel,
}

impl std::fmt::Debug for GridKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GridKernel")
            .field("formula", &self.program.text)
            .field("dims", &self.dims)
            .finish_non_exhaustive()
    }
}

impl GridKernel {
    pub(crate) fn new(
        program: Program,
        slots: Vec<u32>,
        dims: usize,
        params: Vec<Arc<str>>,
        jit: JitOptions,
    ) -> Result<GridKernel> {
        // Inputs of the block evaluator: (i, j, params…) in 2-D, (i,
        // params…) in 1-D; the column index is the array.
        let is_array: Vec<bool> = (0..dims + params.len()).map(|k| k == dims - 1).collect();
        let forced = jit.width != Width::Auto;
        let wide = Plan::new(&program, &slots, &is_array, jit.width.resolve()?, forced)
            .map(|p| (p, forced));
        let code = compile_grid(&program, &slots, dims, params.len(), jit, wide.is_none())?;
        // SAFETY: `code.entry` is the function just built with five i64
        // parameters and no result in the target's default calling
        // convention, which is `GridFn`'s ABI.
        let func = unsafe { std::mem::transmute::<*const u8, GridFn>(code.entry) };
        Ok(GridKernel {
            program: Arc::new(program),
            slots,
            dims,
            params,
            func,
            _code: code,
            wide,
            parallel: Parallel::default(),
        })
    }

    /// Uses `parallel` for later runs.
    pub fn with_parallel(mut self, parallel: Parallel) -> GridKernel {
        self.parallel = parallel;
        self
    }

    fn check(
        &self,
        dims: usize,
        rows: usize,
        cols: usize,
        params: &[f64],
        out: &[f64],
    ) -> Result<()> {
        if dims != self.dims {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!("this grid kernel is {}-D; call run{}", self.dims, self.dims),
            ));
        }
        if params.len() != self.params.len() {
            let list: Vec<&str> = self.params.iter().map(|n| &**n).collect();
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "expected {} parameters ({}), got {}",
                    self.params.len(),
                    list.join(", "),
                    params.len()
                ),
            ));
        }
        let n = rows
            .checked_mul(cols)
            .filter(|&n| i64::try_from(n).is_ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Length,
                    format!("a {rows} × {cols} grid is too large"),
                )
            })?;
        if out.len() != n {
            return Err(Error::new(
                ErrorKind::Length,
                format!(
                    "the output has {} elements; a {rows} × {cols} grid needs {n}",
                    out.len()
                ),
            ));
        }
        Ok(())
    }

    /// Fills `out[i] = f(i)` for `i` in `0..out.len()` (1-D).
    pub fn run1(&self, params: &[f64], out: &mut [f64]) -> Result<()> {
        self.check(1, 1, out.len(), params, out)?;
        let n = out.len();
        if self.parallel.wants(n) {
            self.parallel.install(|| {
                out.par_chunks_mut(CHUNK)
                    .enumerate()
                    .for_each(|(c, piece)| {
                        self.call(params, piece, c * CHUNK, 1, piece.len());
                    });
            })?;
        } else {
            self.call(params, out, 0, 1, n);
        }
        Ok(())
    }

    /// Fills `out[i*cols + j] = f(i, j)` for a `rows × cols` grid (2-D).
    pub fn run2(&self, rows: usize, cols: usize, params: &[f64], out: &mut [f64]) -> Result<()> {
        self.check(2, rows, cols, params, out)?;
        if rows == 0 || cols == 0 {
            return Ok(());
        }
        let rows_per_chunk = (CHUNK / cols).max(1);
        if self.parallel.wants(rows * cols) && rows > rows_per_chunk {
            self.parallel.install(|| {
                out.par_chunks_mut(rows_per_chunk * cols)
                    .enumerate()
                    .for_each(|(c, piece)| {
                        self.call(params, piece, c * rows_per_chunk, piece.len() / cols, cols);
                    });
            })?;
        } else {
            self.call(params, out, 0, rows, cols);
        }
        Ok(())
    }

    fn call(&self, params: &[f64], out: &mut [f64], i0: usize, rows: usize, cols: usize) {
        if rows == 0 || cols == 0 {
            return;
        }
        // `run1` and `run2` pass whole rows of a checked output; the code
        // writes `rows * cols` elements, so this must hold for the call to
        // be sound, and a release build checks it too.
        assert_eq!(out.len(), rows * cols, "grid chunk of whole rows");
        if let Some((plan, forced)) = &self.wide
            && (*forced || cols >= super::WIDE_MIN_LEN)
        {
            self.call_wide(plan, params, out, i0, rows, cols);
            return;
        }
        // SAFETY: `params` has the compiled number of values (checked by
        // `check`) and `out` exactly `rows * cols` writable elements
        // (asserted above), which is all the code writes; it reads nothing
        // else.
        unsafe {
            (self.func)(
                params.as_ptr(),
                out.as_mut_ptr(),
                i0 as i64,
                rows as i64,
                cols as i64,
            )
        };
    }

    /// The rows on the block evaluator: per row, the column indices in
    /// pieces of [`INDEX_PIECE`] as the array input, the row index and
    /// the parameters as scalars.
    fn call_wide(
        &self,
        plan: &Plan,
        params: &[f64],
        out: &mut [f64],
        i0: usize,
        rows: usize,
        cols: usize,
    ) {
        let mut index = vec![0.0; INDEX_PIECE.min(cols)];
        for (r, row) in out.chunks_mut(cols).take(rows).enumerate() {
            let (row_value, col0) = if self.dims == 1 {
                (None, i0)
            } else {
                (Some((i0 + r) as f64), 0)
            };
            for (p, piece) in row.chunks_mut(INDEX_PIECE).enumerate() {
                let first = col0 + p * INDEX_PIECE;
                let index = &mut index[..piece.len()];
                for (t, x) in index.iter_mut().enumerate() {
                    *x = (first + t) as f64;
                }
                let sources: Vec<Source<'_>> = row_value
                    .map(Source::Scalar)
                    .into_iter()
                    .chain(std::iter::once(Source::Array(index)))
                    .chain(params.iter().map(|&v| Source::Scalar(v)))
                    .collect();
                plan.run(&self.program, &sources, &mut [piece]);
            }
        }
    }

    /// The same grid by the reference interpreter (`rows` is 1 in 1-D).
    pub fn run_reference(
        &self,
        rows: usize,
        cols: usize,
        params: &[f64],
        out: &mut [f64],
    ) -> Result<()> {
        self.check(self.dims, rows, cols, params, out)?;
        reference::grid(
            &self.program,
            &self.slots,
            self.dims,
            rows,
            cols,
            params,
            out,
        );
        Ok(())
    }
}

fn compile_grid(
    program: &Program,
    slots: &[u32],
    dims: usize,
    n_params: usize,
    jit: JitOptions,
    inline_math: bool,
) -> Result<Code> {
    // Argument positions: i, j (2-D), params. Which variables are indices?
    let is_arg =
        |position: usize| -> Vec<bool> { slots.iter().map(|&s| s as usize == position).collect() };
    let (i_arg, j_arg) = (is_arg(0), if dims == 2 { is_arg(1) } else { is_arg(0) });
    let any_index: Vec<bool> = i_arg.iter().zip(&j_arg).map(|(a, b)| *a || *b).collect();
    // Nodes that change along a row (with the column index), and nodes that
    // change at all; the rest are computed once, the row-level ones once a row.
    let varies_in_row = depends_on(program, &j_arg);
    let varies = depends_on(program, &any_index);
    let first_param = dims;

    build_function(&[types::I64; 5], &[], jit, |fb, p, call_conv| {
        let (params_ptr, out, i0, rows, cols) = (p[0], p[1], p[2], p[3], p[4]);
        let readonly = MemFlagsData::trusted().with_readonly();
        let params: Vec<Value> = (0..n_params)
            .map(|k| {
                fb.ins()
                    .load(types::F64, readonly, params_ptr, (k * 8) as i32)
            })
            .collect();
        let flags = data_flags();
        let zero = fb.ins().iconst(types::I64, 0);
        let mut vector = Emitter::new(Lanes::X2, call_conv).with_inline_math(inline_math);
        let mut scalar = Emitter::new(Lanes::Scalar, call_conv).with_inline_math(inline_math);
        // Variable values given the index values (None where not known yet).
        let vars_for = |i: Option<Value>, j: Option<Value>| -> Vec<Option<Value>> {
            slots
                .iter()
                .map(|&s| match s as usize {
                    0 if dims == 1 => j,
                    0 => i,
                    1 if dims == 2 => j,
                    k => Some(params[k - first_param]),
                })
                .collect()
        };
        let mut constant = vec![None; program.nodes.len()];
        scalar.emit_where(fb, program, &vars_for(None, None), &mut constant, |n| {
            !varies[n]
        });
        // Lane offsets [2u, 2u+1] for unrolled copy u.
        let unroll = unroll(program);
        let offsets: Vec<Value> = (0..unroll)
            .map(|u| {
                let lo = fb.ins().f64const(2.0 * u as f64);
                let hi = fb.ins().f64const(2.0 * u as f64 + 1.0);
                let v = fb.ins().splat(types::F64X2, lo);
                fb.ins().insertlane(v, hi, 1)
            })
            .collect();
        let root = program.root().index();

        counted_loop(fb, zero, rows, 1, &[], |fb, r, _| {
            let row_index = fb.ins().iadd(i0, r);
            let i_f = fb.ins().fcvt_from_sint(types::F64, row_index);
            let row_start = fb.ins().imul(r, cols);
            let row_base = element_address(fb, out, row_start);
            // In 1-D the index runs along the columns, offset by i0.
            let col_offset = if dims == 1 { i0 } else { zero };
            let mut per_row = constant.clone();
            if dims == 2 {
                scalar.emit_where(fb, program, &vars_for(Some(i_f), None), &mut per_row, |n| {
                    !varies_in_row[n]
                });
            }
            let per_row_x2 = splat_all(fb, &per_row);
            let step = (2 * unroll) as i64;
            let (done, _) = counted_loop(fb, zero, cols, step, &[], |fb, j, _| {
                let jj = fb.ins().iadd(j, col_offset);
                let j_f = fb.ins().fcvt_from_sint(types::F64, jj);
                let j_v = fb.ins().splat(types::F64X2, j_f);
                let addr = element_address(fb, row_base, j);
                for (u, &off) in offsets.iter().enumerate() {
                    let col = fb.ins().fadd(j_v, off);
                    let mut values = per_row_x2.clone();
                    vector.emit_where(fb, program, &vars_for(None, Some(col)), &mut values, |n| {
                        varies_in_row[n]
                    });
                    let v = values[root].expect("root emitted");
                    fb.ins().store(flags, v, addr, (u * 16) as i32);
                }
                Vec::new()
            });
            counted_loop(fb, done, cols, 1, &[], |fb, j, _| {
                let jj = fb.ins().iadd(j, col_offset);
                let col = fb.ins().fcvt_from_sint(types::F64, jj);
                let mut values = per_row.clone();
                scalar.emit_where(fb, program, &vars_for(None, Some(col)), &mut values, |n| {
                    varies_in_row[n]
                });
                let v = values[root].expect("root emitted");
                let addr = element_address(fb, row_base, j);
                fb.ins().store(flags, v, addr, 0);
                Vec::new()
            });
            Vec::new()
        });
        fb.ins().return_(&[]);
    })
}
