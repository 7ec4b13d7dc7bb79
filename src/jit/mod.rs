//! Native code through Cranelift: target set-up, one JIT module per compiled
//! formula, and freeing it when the last handle drops.
//!
//! Each compiled formula owns its own `JITModule`, so dropping the formula
//! frees its code ([`JITModule::free_memory`]); the generated code calls only
//! the fixed function table, through absolute addresses, so no relocation
//! can fall out of range however far apart the modules land.

pub mod codegen;
mod mathgen;
mod resident;

use std::sync::{Arc, Mutex, OnceLock};

use cranelift_codegen::ir::{AbiParam, InstBuilder, MemFlagsData, types};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};

use crate::error::{Error, ErrorKind, Result};
use crate::ir::Program;
use crate::simd::Width;
use codegen::{Emitter, Lanes};

/// Code generation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JitOptions {
    /// Run Cranelift's IR verifier before compiling (10–25% of compile
    /// time). Default: on in debug builds, off in release builds.
    pub verify: bool,
    /// The vector width of maps and grids (`crate::simd`).
    pub width: Width,
}

impl Default for JitOptions {
    fn default() -> JitOptions {
        JitOptions {
            verify: cfg!(debug_assertions),
            width: Width::Auto,
        }
    }
}

/// The host target, configured once per verifier setting.
fn isa(verify: bool) -> Result<OwnedTargetIsa> {
    static ISAS: [OnceLock<std::result::Result<OwnedTargetIsa, String>>; 2] =
        [OnceLock::new(), OnceLock::new()];
    ISAS[usize::from(verify)]
        .get_or_init(|| {
            let mut flags = settings::builder();
            let set = |f: &mut settings::Builder, k: &str, v: &str| {
                f.set(k, v).map_err(|e| format!("setting {k}={v}: {e}"))
            };
            set(&mut flags, "opt_level", "speed")?;
            set(
                &mut flags,
                "enable_verifier",
                if verify { "true" } else { "false" },
            )?;
            set(&mut flags, "is_pic", "false")?;
            set(&mut flags, "use_colocated_libcalls", "false")?;
            let builder = cranelift_native::builder()
                .map_err(|e| format!("this machine is not supported by Cranelift: {e}"))?;
            builder
                .finish(settings::Flags::new(flags))
                .map_err(|e| format!("configuring the target: {e}"))
        })
        .clone()
        .map_err(|e| Error::new(ErrorKind::Codegen, e))
}

fn codegen_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Codegen,
        format!("{what}: {e} (this is a bug in exprjit; please report the formula)"),
    )
}

/// Owns a JIT module; frees its code when dropped.
///
/// Shared by `Arc` among every handle to the code it holds.
pub(crate) struct CodeMemory {
    module: Mutex<Option<JITModule>>,
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        let module = match self.module.get_mut() {
            Ok(m) => m.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(module) = module {
            // SAFETY: the last `Arc<CodeMemory>` is being dropped, and every
            // function pointer into this module is stored next to such an
            // `Arc` (see `ScalarCode`), so no pointer into the code can be
            // called after this.
            unsafe { module.free_memory() };
        }
    }
}

/// Finalized machine code: the entry address and the memory that holds it.
#[derive(Clone)]
pub(crate) struct Code {
    /// The function's entry; valid while `memory` lives.
    pub(crate) entry: *const u8,
    memory: Arc<CodeMemory>,
}

// SAFETY: `entry` is the address of immutable, finalized machine code that
// stays mapped while `memory` lives; sharing or sending the address between
// threads is as safe as sharing a function pointer.
unsafe impl Send for Code {}
// SAFETY: as above; the code is never written after finalization.
unsafe impl Sync for Code {}

impl Code {
    /// Keeps the code alive (for handles that store a typed pointer).
    pub(crate) fn memory(&self) -> Arc<CodeMemory> {
        self.memory.clone()
    }
}

/// What the compiler made of a formula, for people to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Cranelift IR as generated, before Cranelift's optimizations.
    pub clif: String,
    /// The machine code, as Cranelift's disassembly of its own output.
    pub asm: String,
}

/// Builds one function with the given parameter and return types: `body`
/// fills it in, starting in the entry block with the parameters' values.
pub(crate) fn build_function(
    params: &[types::Type],
    returns: &[types::Type],
    options: JitOptions,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &[cranelift_codegen::ir::Value], CallConv),
) -> Result<Code> {
    build_function_listed(params, returns, options, body, None)
}

/// [`build_function`], optionally recording the IR and machine code.
fn build_function_listed(
    params: &[types::Type],
    returns: &[types::Type],
    options: JitOptions,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &[cranelift_codegen::ir::Value], CallConv),
    listing: Option<&mut Listing>,
) -> Result<Code> {
    build_function_as(None, params, returns, options, body, listing)
}

/// [`build_function_listed`] with the function's own calling convention
/// (`None`: the target's default, which `body` is told in either case).
fn build_function_as(
    own_call_conv: Option<CallConv>,
    params: &[types::Type],
    returns: &[types::Type],
    options: JitOptions,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &[cranelift_codegen::ir::Value], CallConv),
    mut listing: Option<&mut Listing>,
) -> Result<Code> {
    let isa = isa(options.verify)?;
    let call_conv = isa.default_call_conv();
    let frontend = isa.frontend_config();
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let mut ctx = module.make_context();
    if let Some(conv) = own_call_conv {
        ctx.func.signature.call_conv = conv;
    }
    ctx.func
        .signature
        .params
        .extend(params.iter().map(|&t| AbiParam::new(t)));
    ctx.func
        .signature
        .returns
        .extend(returns.iter().map(|&t| AbiParam::new(t)));
    let id = module
        .declare_function("formula", Linkage::Local, &ctx.func.signature)
        .map_err(|e| codegen_error("declaring the function", e))?;
    let mut fb_ctx = FunctionBuilderContext::new();
    {
        let mut fb = FunctionBuilder::new(&mut ctx.func, &mut fb_ctx);
        let entry = fb.create_block();
        fb.append_block_params_for_function_params(entry);
        fb.switch_to_block(entry);
        fb.seal_block(entry);
        let values = fb.block_params(entry).to_vec();
        body(&mut fb, &values, call_conv);
        fb.seal_all_blocks();
        fb.finalize(frontend);
    }
    if let Some(listing) = listing.as_deref_mut() {
        listing.clif = ctx.func.display().to_string();
        ctx.set_disasm(true);
    }

    module
        .define_function(id, &mut ctx)
        .map_err(|e| codegen_error("compiling", e))?;
    if let Some(listing) = listing {
        listing.asm = ctx
            .compiled_code()
            .and_then(|c| c.vcode.clone())
            .unwrap_or_default();
    }
    module
        .finalize_definitions()
        .map_err(|e| codegen_error("finalizing", e))?;
    let entry = module.get_finalized_function(id);
    Ok(Code {
        entry,
        memory: Arc::new(CodeMemory {
            module: Mutex::new(Some(module)),
        }),
    })
}

/// The signature of a compiled scalar formula: arguments in, value out.
pub(crate) type ScalarFn = unsafe extern "C" fn(args: *const f64) -> f64;

/// A compiled scalar function and the memory that holds it.
#[derive(Clone)]
pub(crate) struct ScalarCode {
    /// Never called with fewer than `n_args` readable f64s (checked by the caller).
    pub(crate) func: ScalarFn,
    /// Keeps `func`'s code alive.
    _memory: Arc<CodeMemory>,
}

/// Compiles the first root of `program` as `f(args) -> f64`, where
/// variable `i` is read from `args[slots[i]]`.
pub(crate) fn compile_scalar(
    program: &Program,
    slots: &[u32],
    options: JitOptions,
) -> Result<ScalarCode> {
    compile_scalar_listed(program, slots, options, None)
}

/// The Cranelift IR and machine code of the scalar function for `program`.
pub(crate) fn list_scalar(
    program: &Program,
    slots: &[u32],
    options: JitOptions,
) -> Result<Listing> {
    let mut listing = Listing::default();
    compile_scalar_listed(program, slots, options, Some(&mut listing))?;
    Ok(listing)
}

fn compile_scalar_listed(
    program: &Program,
    slots: &[u32],
    options: JitOptions,
    listing: Option<&mut Listing>,
) -> Result<ScalarCode> {
    let code = build_function_listed(
        &[types::I64],
        &[types::F64],
        options,
        |fb, params, call_conv| {
            let args = params[0];
            let flags = MemFlagsData::trusted().with_readonly();
            let vars: Vec<_> = slots
                .iter()
                .map(|&slot| fb.ins().load(types::F64, flags, args, (slot * 8) as i32))
                .collect();
            // One call computes one value: calling the scalar form of the
            // inline math keeps compile time low and gives the same bits.
            let mut emitter = Emitter::new(Lanes::Scalar, call_conv).with_inline_math(false);
            let result = emitter.emit(fb, program, &vars)[0];
            fb.ins().return_(&[result]);
        },
        listing,
    )?;
    // SAFETY: `code.entry` is the entry of the function just finalized with
    // the signature built above (one pointer in, one f64 out, the target's
    // default C calling convention), so it has the type `ScalarFn`. Its
    // memory lives as long as the `CodeMemory` stored beside it.
    let func: ScalarFn = unsafe { std::mem::transmute::<*const u8, ScalarFn>(code.entry) };
    Ok(ScalarCode {
        func,
        _memory: code.memory(),
    })
}
