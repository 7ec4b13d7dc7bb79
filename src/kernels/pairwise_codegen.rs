//! Cranelift code for the pairwise kernel: a tile of `ra` rows of A by
//! `rb` rows of B, each pair's reduction over the columns in one f64x2
//! accumulator (even columns in lane 0, odd in lane 1), the lanes then
//! combined, an odd last column added, and the finishing formula applied.
//! `pairwise::pair_reference` performs the same operations in the same
//! order.

use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::FunctionBuilder;

use super::Reduce;
use super::loops::{counted_loop, data_flags, element_address};
use crate::error::Result;
use crate::ir::{BinaryOp, Node, Program};
use crate::jit::codegen::{Emitter, Lanes};
use crate::jit::{Code, JitOptions, build_function};

/// `f(a, b, d, out, ldo)`: rows `a`, `a + d`, … (`ra` of them) against
/// rows `b`, `b + d`, … (`rb`), `d` columns each; writes
/// `out[r*ldo + c]`.
pub(super) type TileFn =
    unsafe extern "C" fn(a: *const f64, b: *const f64, d: i64, out: *mut f64, ldo: i64);

/// The element formula `f(a, b)` and how its values accumulate.
pub(super) struct PairProgram<'p> {
    pub program: &'p Program,
    /// Per program variable: 0 for `a`, 1 for `b`.
    pub slots: &'p [u32],
    pub how: Reduce,
    /// For a sum of a product `p*q`: the operands, accumulated as
    /// `fma(p, q, acc)` (one rounding).
    pub fused: Option<(usize, usize)>,
    pub finish: Option<(&'p Program, &'p [u32])>,
}

/// The operands of a sum of products, accumulated by `fma`.
pub(super) fn fused_operands(program: &Program, how: Reduce) -> Option<(usize, usize)> {
    match (how, &program.nodes[program.root().index()]) {
        (Reduce::Sum, Node::Binary(BinaryOp::Mul, p, q)) => Some((p.index(), q.index())),
        _ => None,
    }
}

impl PairProgram<'_> {
    /// `acc` combined with `f(x, y)`.
    fn accumulate(
        &self,
        fb: &mut FunctionBuilder<'_>,
        em: &mut Emitter,
        acc: Value,
        x: Value,
        y: Value,
    ) -> Value {
        let vars: Vec<Option<Value>> = self
            .slots
            .iter()
            .map(|&s| Some(if s == 0 { x } else { y }))
            .collect();
        let mut values = vec![None; self.program.nodes.len()];
        let root = self.program.root().index();
        match self.fused {
            Some((p, q)) => {
                em.emit_where(fb, self.program, &vars, &mut values, |n| n != root);
                let (p, q) = (values[p].expect("emitted"), values[q].expect("emitted"));
                em.fma(fb, p, q, acc)
            }
            None => {
                em.emit_where(fb, self.program, &vars, &mut values, |_| true);
                let v = values[root].expect("emitted");
                em.binary(fb, self.how.op(), acc, v)
            }
        }
    }
}

/// Compiles the `ra × rb` tile.
pub(super) fn compile_tile(
    pair: &PairProgram<'_>,
    ra: usize,
    rb: usize,
    jit: JitOptions,
) -> Result<(TileFn, Code)> {
    let code = build_function(
        &[types::I64, types::I64, types::I64, types::I64, types::I64],
        &[],
        jit,
        |fb, p, call_conv| {
            let (a, b, d, out, ldo) = (p[0], p[1], p[2], p[3], p[4]);
            let mut vector = Emitter::new(Lanes::X2, call_conv);
            let mut scalar = Emitter::new(Lanes::Scalar, call_conv);
            let row = |fb: &mut FunctionBuilder<'_>, base: Value, r: usize| {
                let stride = fb.ins().imul_imm_s(d, r as i64);
                element_address(fb, base, stride)
            };
            let a_rows: Vec<Value> = (0..ra).map(|r| row(fb, a, r)).collect();
            let b_rows: Vec<Value> = (0..rb).map(|r| row(fb, b, r)).collect();
            let identity = vector.constant(fb, pair.how.identity());
            let zero = fb.ins().iconst(types::I64, 0);
            let accs = vec![identity; ra * rb];
            let (done, accs) = counted_loop(fb, zero, d, 2, &accs, |fb, k, accs| {
                let xs: Vec<Value> = a_rows
                    .iter()
                    .map(|&r| {
                        let at = element_address(fb, r, k);
                        fb.ins().load(types::F64X2, data_flags(), at, 0)
                    })
                    .collect();
                let ys: Vec<Value> = b_rows
                    .iter()
                    .map(|&r| {
                        let at = element_address(fb, r, k);
                        fb.ins().load(types::F64X2, data_flags(), at, 0)
                    })
                    .collect();
                let mut next = Vec::with_capacity(ra * rb);
                for (i, &x) in xs.iter().enumerate() {
                    for (j, &y) in ys.iter().enumerate() {
                        next.push(pair.accumulate(fb, &mut vector, accs[i * rb + j], x, y));
                    }
                }
                next
            });
            let op = pair.how.op();
            let sums: Vec<Value> = accs
                .iter()
                .map(|&acc| {
                    let l0 = fb.ins().extractlane(acc, 0);
                    let l1 = fb.ins().extractlane(acc, 1);
                    scalar.binary(fb, op, l0, l1)
                })
                .collect();
            // At most one column is left (d is odd).
            let (_, sums) = counted_loop(fb, done, d, 1, &sums, |fb, k, sums| {
                let xs: Vec<Value> = a_rows
                    .iter()
                    .map(|&r| {
                        let at = element_address(fb, r, k);
                        fb.ins().load(types::F64, data_flags(), at, 0)
                    })
                    .collect();
                let ys: Vec<Value> = b_rows
                    .iter()
                    .map(|&r| {
                        let at = element_address(fb, r, k);
                        fb.ins().load(types::F64, data_flags(), at, 0)
                    })
                    .collect();
                let mut next = Vec::with_capacity(ra * rb);
                for (i, &x) in xs.iter().enumerate() {
                    for (j, &y) in ys.iter().enumerate() {
                        next.push(pair.accumulate(fb, &mut scalar, sums[i * rb + j], x, y));
                    }
                }
                next
            });
            for i in 0..ra {
                let row_start = fb.ins().imul_imm_s(ldo, i as i64);
                let row_out = element_address(fb, out, row_start);
                for j in 0..rb {
                    let mut s = sums[i * rb + j];
                    if let Some((fin, slots)) = pair.finish {
                        let vars: Vec<Value> = slots.iter().map(|_| s).collect();
                        s = scalar.emit(fb, fin, &vars)[0];
                    }
                    fb.ins().store(data_flags(), s, row_out, (j * 8) as i32);
                }
            }
            fb.ins().return_(&[]);
        },
    )?;
    // SAFETY: `code.entry` is the function just built with five i64
    // parameters and no result in the target's default calling
    // convention, which is `TileFn`'s ABI.
    let func = unsafe { std::mem::transmute::<*const u8, TileFn>(code.entry) };
    Ok((func, code))
}
