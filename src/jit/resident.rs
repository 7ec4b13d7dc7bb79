//! Code compiled once per process and kept: register-preserving
//! trampolines for the inline math's slow paths, and the inline math itself
//! as scalar functions for single compiled formulas. Both are a fixed set
//! (one per slow-path function in `crate::math`, one per function with an
//! inline form), built on first use.
//!
//! **Trampolines.** A slow path (`sin` of a huge argument, say) calls a Rust
//! function with the C calling convention, which may overwrite every vector
//! register. A loop that contains such a call, even one never taken, must
//! therefore keep every value that lives across it in memory: the hoisted
//! constants of a vector loop, and the state of a recurrence, which then
//! goes through a store and a load on every step, on the critical path.
//! Calling through a trampoline with Cranelift's `preserve_all` convention
//! instead, the call site clobbers nothing, and the trampoline saves and
//! restores what its own call overwrites. `preserve_all` has no return
//! values, so the trampoline stores the result through a pointer it is
//! given.
//!
//! **Scalar math functions.** `Expr::compile` calls the inline algorithms
//! rather than inlining them (compile time). Their Rust forms
//! (`MathFn::fast_fn`) are what the interpreter runs; compiled by rustc for a
//! baseline x86-64 they reach `fma` through a libm call, ~25 of them per
//! `cos`. The same algorithm compiled here uses the host's `fma`
//! instruction and gives the same bits (`tests/scalar_calls.rs` checks
//! every function against the interpreter). Its constants are loads from
//! the constant pool (`Emitter::with_pooled_constants`): Cranelift builds
//! an `f64const` in an integer register and moves it over, two
//! instructions on a path that is throughput-bound (a call costs about
//! what one f64x2 iteration of a map kernel does).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, types};
use cranelift_codegen::isa::CallConv;

use super::codegen::{Emitter, Lanes};
use super::mathgen::Clif;
use super::{Code, JitOptions, build_function_as};
use crate::error::Result;
use crate::functions::MathFn;
use crate::native::NativeFn;

/// The trampolines' calling convention.
pub(crate) const TRAMPOLINE_CALL_CONV: CallConv = CallConv::PreserveAll;

/// What a resident function is for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// The trampoline to the function at this address.
    Trampoline(usize),
    /// The scalar inline form of this function.
    Math(MathFn),
}

/// The entry of the resident function for `key`, building it with `build`
/// the first time.
fn resident(key: Key, build: impl FnOnce() -> Result<Code>) -> Result<usize> {
    static CODE: OnceLock<Mutex<HashMap<Key, Code>>> = OnceLock::new();
    let code = CODE.get_or_init(|| Mutex::new(HashMap::new()));
    let lock = || code.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = lock().get(&key) {
        return Ok(c.entry as usize);
    }
    // Built without the lock: building a math function builds the
    // trampolines it calls. Two threads may both build; one copy is kept.
    let built = build()?;
    Ok(lock().entry(key).or_insert(built).entry as usize)
}

/// The address of a trampoline taking `slow`'s arguments (f64s) and then a
/// pointer to an f64, where it stores `slow`'s result.
pub(crate) fn trampoline(slow: NativeFn) -> Result<usize> {
    let address = slow.address();
    resident(Key::Trampoline(address), || {
        let arity = slow.arity();
        let mut params = vec![types::F64; arity];
        params.push(types::I64);
        build_function_as(
            Some(TRAMPOLINE_CALL_CONV),
            &params,
            &[],
            JitOptions::default(),
            |fb, p, call_conv| {
                let mut emitter = Emitter::new(Lanes::Scalar, call_conv);
                let result = emitter.call(fb, address, &p[..arity]);
                fb.ins().store(MemFlagsData::trusted(), result, p[arity], 0);
                fb.ins().return_(&[]);
            },
            None,
        )
    })
}

/// The address of `f`'s inline algorithm compiled as a scalar function of
/// the C calling convention (f64 arguments, f64 result); `f` must have an
/// inline form ([`MathFn::has_inline`]).
pub(crate) fn math_function(f: MathFn) -> Result<usize> {
    resident(Key::Math(f), || {
        let arity = f.arity();
        build_function_as(
            None,
            &vec![types::F64; arity],
            &[types::F64],
            JitOptions::default(),
            |fb, p, call_conv| {
                let mut emitter =
                    Emitter::new(Lanes::Scalar, call_conv).with_pooled_constants(true);
                let mut clif = Clif {
                    emitter: &mut emitter,
                    fb,
                };
                let result = f.inline(&mut clif, p).expect("an inline form");
                fb.ins().return_(&[result]);
            },
            None,
        )
    })
}
