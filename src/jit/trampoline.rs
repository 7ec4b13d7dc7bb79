//! Register-preserving entry points for the inline math's rare slow paths.
//!
//! A slow path (`sin` of a huge argument, say) calls a Rust function with
//! the C calling convention, which may overwrite every vector register. A
//! loop that contains such a call, even one never taken, must therefore keep
//! every value that lives across it in memory: the hoisted constants of a
//! vector loop, and the state of a recurrence, which then goes through a
//! store and a load on every step, on the critical path. Calling through a
//! trampoline with Cranelift's `preserve_all` convention instead, the call
//! site clobbers nothing, and the trampoline (compiled once per slow
//! function and kept for the life of the process) saves and restores what
//! its own call overwrites. `preserve_all` has no return values, so the
//! trampoline stores the result through a pointer it is given.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, types};
use cranelift_codegen::isa::CallConv;

use super::codegen::{Emitter, Lanes};
use super::{Code, JitOptions, build_function_as};
use crate::error::Result;
use crate::functions::NativeFn;

/// The trampoline's calling convention.
pub(crate) const CALL_CONV: CallConv = CallConv::PreserveAll;

/// The address of a trampoline taking `slow`'s arguments (f64s) and then a
/// pointer to an f64, where it stores `slow`'s result. The trampolines are
/// few (one per slow-path function in `crate::math`) and never freed.
pub(crate) fn preserving(slow: NativeFn) -> Result<usize> {
    static CODE: OnceLock<Mutex<HashMap<usize, Code>>> = OnceLock::new();
    let mut code = CODE
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let key = slow.address();
    if let Some(c) = code.get(&key) {
        return Ok(c.entry as usize);
    }
    let arity = slow.arity();
    let mut params = vec![types::F64; arity];
    params.push(types::I64);
    let built = build_function_as(
        Some(CALL_CONV),
        &params,
        &[],
        JitOptions::default(),
        |fb, p, call_conv| {
            let mut emitter = Emitter::new(Lanes::Scalar, call_conv);
            let result = emitter.call(fb, key, &p[..arity]);
            fb.ins().store(MemFlagsData::trusted(), result, p[arity], 0);
            fb.ins().return_(&[]);
        },
        None,
    )?;
    let entry = built.entry as usize;
    code.insert(key, built);
    Ok(entry)
}
