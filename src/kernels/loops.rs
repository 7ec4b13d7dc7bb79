//! Loop shapes for kernels, in Cranelift IR.
//!
//! Cranelift does no loop rotation or unrolling of its own, so kernels ask
//! for rotated loops here (the test is at the bottom, one branch per
//! iteration) and unroll their bodies themselves.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{BlockArg, InstBuilder, MemFlagsData, Value, types};
use cranelift_frontend::FunctionBuilder;

/// Emits a rotated counted loop over `i = start, start+step, …` while
/// `i + step <= end` (signed 64-bit), with `carried` values threaded through
/// iterations: `body(fb, i, carried)` returns the next carried values.
/// Returns the first index not processed and the final carried values.
pub(crate) fn counted_loop(
    fb: &mut FunctionBuilder<'_>,
    start: Value,
    end: Value,
    step: i64,
    carried: &[Value],
    mut body: impl FnMut(&mut FunctionBuilder<'_>, Value, &[Value]) -> Vec<Value>,
) -> (Value, Vec<Value>) {
    let body_block = fb.create_block();
    let exit_block = fb.create_block();
    fb.append_block_param(body_block, types::I64);
    fb.append_block_param(exit_block, types::I64);
    for &v in carried {
        let ty = fb.func.dfg.value_type(v);
        fb.append_block_param(body_block, ty);
        fb.append_block_param(exit_block, ty);
    }
    let args = |i: Value, rest: &[Value]| -> Vec<BlockArg> {
        std::iter::once(i)
            .chain(rest.iter().copied())
            .map(BlockArg::from)
            .collect()
    };

    let first_end = fb.ins().iadd_imm_s(start, step);
    let enter = fb.ins().icmp(IntCC::SignedLessThanOrEqual, first_end, end);
    let entry_args = args(start, carried);
    fb.ins()
        .brif(enter, body_block, &entry_args, exit_block, &entry_args);

    fb.switch_to_block(body_block);
    let params = fb.block_params(body_block).to_vec();
    let next = body(fb, params[0], &params[1..]);
    let i2 = fb.ins().iadd_imm_s(params[0], step);
    let next_end = fb.ins().iadd_imm_s(i2, step);
    let again = fb.ins().icmp(IntCC::SignedLessThanOrEqual, next_end, end);
    let back_args = args(i2, &next);
    fb.ins()
        .brif(again, body_block, &back_args, exit_block, &back_args);

    fb.switch_to_block(exit_block);
    let out = fb.block_params(exit_block).to_vec();
    (out[0], out[1..].to_vec())
}

/// Flags for loads from caller buffers: in bounds (checked by the safe
/// wrapper), not necessarily aligned.
pub(crate) fn data_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// The address of element `i` (an i64 index) of an f64 array at `base`.
pub(crate) fn element_address(fb: &mut FunctionBuilder<'_>, base: Value, i: Value) -> Value {
    let offset = fb.ins().ishl_imm_u(i, 3);
    fb.ins().iadd(base, offset)
}
