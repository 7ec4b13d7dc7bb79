//! The kernels' reference semantics, run by the interpreter element by
//! element. The JIT kernels must produce the same bits; where the order of
//! operations matters (reductions), this module defines it.

use super::recurrence::{Keep, Trajectory};
use super::{CHUNK, Input, Reduce, unroll};
use crate::error::Result;
use crate::interp;
use crate::ir::Program;

fn value(input: &Input<'_>, index: usize) -> f64 {
    match input {
        Input::Array(a) => a[index],
        Input::Scalar(v) => *v,
    }
}

/// `outputs[j][e]` = root `j` at element `e`, for `e` in `0..n`.
pub fn map(
    program: &Program,
    slots: &[u32],
    inputs: &[Input<'_>],
    outputs: &mut [&mut [f64]],
    n: usize,
) {
    let mut scratch = Vec::new();
    let mut args = vec![0.0; inputs.len()];
    let mut values = vec![0.0; program.roots.len()];
    for e in 0..n {
        for (a, input) in args.iter_mut().zip(inputs) {
            *a = value(input, e);
        }
        interp::eval_all(program, slots, &args, &mut scratch, &mut values);
        for (out, v) in outputs.iter_mut().zip(&values) {
            out[e] = *v;
        }
    }
}

/// The reduction of the first root over elements `0..n` (`n > 0`).
///
/// The order: chunks of [`CHUNK`] elements, combined left to right from
/// the identity (`-0` for sums, NaN for min and max). In a chunk of `len`
/// elements, the first `len - len % (2*U)` go round-robin into `2*U`
/// partials (element `k` into partial `k % (2*U)`, `U` being
/// [`unroll`](super::unroll) of the program), each
/// starting from the identity; partials `2u + lane` fold over `u` into two
/// lane results, which combine `lane0 op lane1`; the remaining elements
/// then combine into that, in order.
pub fn reduce(
    program: &Program,
    slots: &[u32],
    inputs: &[Input<'_>],
    how: Reduce,
    n: usize,
) -> f64 {
    let mut scratch = Vec::new();
    let mut args = vec![0.0; inputs.len()];
    let mut at = |e: usize, scratch: &mut Vec<f64>| {
        for (a, input) in args.iter_mut().zip(inputs) {
            *a = value(input, e);
        }
        interp::eval(program, slots, &args, scratch)
    };
    let unroll = unroll(program);
    let width = 2 * unroll;
    let mut total = how.identity();
    for start in (0..n).step_by(CHUNK) {
        let len = CHUNK.min(n - start);
        let covered = len - len % width;
        let mut partials = vec![how.identity(); width];
        for k in 0..covered {
            let v = at(start + k, &mut scratch);
            partials[k % width] = how.apply(partials[k % width], v);
        }
        let mut lanes = [partials[0], partials[1]];
        for u in 1..unroll {
            for (lane, l) in lanes.iter_mut().enumerate() {
                *l = how.apply(*l, partials[2 * u + lane]);
            }
        }
        let mut chunk = how.apply(lanes[0], lanes[1]);
        for k in covered..len {
            chunk = how.apply(chunk, at(start + k, &mut scratch));
        }
        total = how.apply(total, chunk);
    }
    total
}

/// Runs a recurrence step by step; argument order: state, `i`, params, inputs.
#[allow(clippy::too_many_arguments)]
pub fn recurrence(
    program: &Program,
    slots: &[u32],
    width: usize,
    initial: &[f64],
    params: &[f64],
    inputs: &[&[f64]],
    steps: usize,
    keep: Keep,
) -> Result<Trajectory> {
    let mut scratch = Vec::new();
    let mut state = initial.to_vec();
    let mut next = vec![0.0; width];
    let mut args = vec![0.0; width + 1 + params.len() + inputs.len()];
    let mut states = Vec::new();
    if let Keep::Every(k) = keep {
        // The kept states are allocated up front, so a size memory cannot
        // hold is an error before any step runs.
        let rows = steps / k.max(1) + 1;
        let reserved = match rows.checked_mul(width) {
            Some(len) => states.try_reserve_exact(len).is_ok(),
            None => false,
        };
        if !reserved {
            return Err(crate::alloc::too_large(
                rows as u128 * width as u128,
                "the kept states",
            ));
        }
        states.extend_from_slice(initial);
    }
    for step in 0..steps {
        args[..width].copy_from_slice(&state);
        args[width] = step as f64;
        args[width + 1..width + 1 + params.len()].copy_from_slice(params);
        for (a, input) in args[width + 1 + params.len()..].iter_mut().zip(inputs) {
            *a = input[step];
        }
        interp::eval_all(program, slots, &args, &mut scratch, &mut next);
        std::mem::swap(&mut state, &mut next);
        if let Keep::Every(k) = keep
            && (step + 1).is_multiple_of(k)
        {
            states.extend_from_slice(&state);
        }
    }
    Ok(Trajectory {
        states,
        last: state,
        width,
    })
}

/// Fills a grid: `out[i*cols + j] = f(i, j, params)` in 2-D, `out[j] =
/// f(j, params)` in 1-D (`rows` is 1).
pub fn grid(
    program: &Program,
    slots: &[u32],
    dims: usize,
    rows: usize,
    cols: usize,
    params: &[f64],
    out: &mut [f64],
) {
    let mut scratch = Vec::new();
    let offset = if dims == 1 { 1 } else { 2 };
    let mut args = vec![0.0; offset + params.len()];
    args[offset..].copy_from_slice(params);
    for i in 0..rows {
        for j in 0..cols {
            if dims == 1 {
                args[0] = j as f64;
            } else {
                args[0] = i as f64;
                args[1] = j as f64;
            }
            out[i * cols + j] = interp::eval(program, slots, &args, &mut scratch);
        }
    }
}
