//! IR nodes to Cranelift instructions, on scalars or on f64x2 lanes.
//!
//! [`emit`] translates a [`Program`] into straight-line Cranelift IR at the
//! current block of a function being built, given a value for each
//! variable, and returns the value of each root. Kernels call it inside
//! their loops, once per unrolled step. Every operation gives the same bits
//! as its meaning in [`crate::ir::ops`], lane by lane: the arithmetic is
//! IEEE-exact, NaN and signed-zero behaviour is spelled out; library
//! functions without an inline form (and all of them in `MathMode::Libm`)
//! are indirect calls (one per lane) to the very pointers the interpreter
//! calls, and the inline math is the interpreter's algorithm emitted on
//! Cranelift values (`jit::mathgen`) or called in its resident compiled
//! form (`jit::resident`).

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{
    AbiParam, ConstantData, Endianness, InstBuilder, MemFlagsData, SigRef, Signature,
    StackSlotData, StackSlotKind, Type, Value, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;

use super::mathgen::Clif;
use crate::ir::{BinaryOp, Callee, Node, Program, UnaryOp};
use crate::math::MathMode;

/// Whether values are single f64s or pairs of lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lanes {
    /// One `f64`.
    Scalar,
    /// Two `f64` lanes in one 128-bit vector (`f64x2`).
    X2,
}

impl Lanes {
    /// The Cranelift type of a value.
    pub fn ty(self) -> Type {
        match self {
            Lanes::Scalar => types::F64,
            Lanes::X2 => types::F64X2,
        }
    }

    /// Number of f64s in a value.
    pub fn count(self) -> usize {
        match self {
            Lanes::Scalar => 1,
            Lanes::X2 => 2,
        }
    }
}

/// Emits code for a program; holds what is shared between unrolled copies.
pub struct Emitter {
    lanes: Lanes,
    call_conv: CallConv,
    sigs: [Option<SigRef>; 5],
    inline_math: bool,
    pooled_constants: bool,
}

impl Emitter {
    /// An emitter for values of `lanes`, calling functions with `call_conv`.
    pub fn new(lanes: Lanes, call_conv: CallConv) -> Emitter {
        Emitter {
            lanes,
            call_conv,
            sigs: [None; 5],
            inline_math: true,
            pooled_constants: false,
        }
    }

    /// Whether fast-mode math is emitted inline (the default: kernels) or
    /// as calls to its resident compiled scalar form (the same bits):
    /// single scalar functions use calls, which compile faster.
    pub fn with_inline_math(mut self, inline: bool) -> Emitter {
        self.inline_math = inline;
        self
    }

    /// Whether the inline math's scalar constants are loads from the
    /// constant pool (`jit::resident`'s scalar functions) rather than
    /// Cranelift's `f64const`, which x86-64 builds in an integer register
    /// and moves over (two instructions, one on the shuffle port, where the
    /// load is one). Off by default: in a loop a load would be repeated on
    /// every iteration or hoisted into a register for the whole loop.
    pub(crate) fn with_pooled_constants(mut self, pooled: bool) -> Emitter {
        self.pooled_constants = pooled;
        self
    }

    /// See [`with_pooled_constants`](Emitter::with_pooled_constants).
    pub(crate) fn pooled_constants(&self) -> bool {
        self.pooled_constants
    }

    /// A constant, splatted across the lanes.
    pub fn constant(&self, fb: &mut FunctionBuilder<'_>, v: f64) -> Value {
        match self.lanes {
            Lanes::Scalar => fb.ins().f64const(v),
            Lanes::X2 => vector_constant(fb, types::F64X2, v.to_bits()),
        }
    }

    /// Whether values are scalars or lanes.
    pub fn lanes(&self) -> Lanes {
        self.lanes
    }

    /// `cond ? a : b` per lane, for a condition from `fcmp` on these lanes.
    pub(crate) fn select(
        &self,
        fb: &mut FunctionBuilder<'_>,
        cond: Value,
        a: Value,
        b: Value,
    ) -> Value {
        match self.lanes {
            Lanes::Scalar => fb.ins().select(cond, a, b),
            Lanes::X2 => {
                let mask = fb.ins().bitcast(
                    types::F64X2,
                    MemFlagsData::new().with_endianness(Endianness::Little),
                    cond,
                );
                fb.ins().bitselect(mask, a, b)
            }
        }
    }

    /// Calls a scalar function of `args.len()` f64 arguments, once per lane.
    pub(crate) fn call(
        &mut self,
        fb: &mut FunctionBuilder<'_>,
        address: usize,
        args: &[Value],
    ) -> Value {
        let call_conv = self.call_conv;
        let sig = *self.sigs[args.len()].get_or_insert_with(|| {
            let mut s = Signature::new(call_conv);
            s.params
                .extend((0..args.len()).map(|_| AbiParam::new(types::F64)));
            s.returns.push(AbiParam::new(types::F64));
            fb.import_signature(s)
        });
        let call_lane = |fb: &mut FunctionBuilder<'_>, lane_args: &[Value]| {
            let callee = fb.ins().iconst(types::I64, address as i64);
            let call = fb.ins().call_indirect(sig, callee, lane_args);
            fb.inst_results(call)[0]
        };
        match self.lanes {
            Lanes::Scalar => call_lane(fb, args),
            Lanes::X2 => {
                let mut result = None;
                for lane in 0..2u8 {
                    let lane_args: Vec<Value> = args
                        .iter()
                        .map(|&a| fb.ins().extractlane(a, lane))
                        .collect();
                    let r = call_lane(fb, &lane_args);
                    result = Some(match result {
                        None => fb.ins().splat(types::F64X2, r),
                        Some(v) => fb.ins().insertlane(v, r, lane),
                    });
                }
                result.expect("two lanes")
            }
        }
    }

    /// `slow` on `args` per lane, like [`call`](Emitter::call), but through
    /// a register-preserving trampoline (see `jit::resident`), so that
    /// values living across this rarely taken call can stay in registers.
    /// Falls back to a plain call if the trampoline cannot be built.
    pub(crate) fn call_preserving(
        &mut self,
        fb: &mut FunctionBuilder<'_>,
        slow: crate::native::NativeFn,
        args: &[Value],
    ) -> Value {
        let Ok(trampoline) = super::resident::trampoline(slow) else {
            return self.call(fb, slow.address(), args);
        };
        let mut sig = Signature::new(super::resident::TRAMPOLINE_CALL_CONV);
        sig.params
            .extend((0..args.len()).map(|_| AbiParam::new(types::F64)));
        sig.params.push(AbiParam::new(types::I64));
        let sig = fb.import_signature(sig);
        let slot =
            fb.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 4));
        for lane in 0..self.lanes.count() {
            let mut lane_args: Vec<Value> = match self.lanes {
                Lanes::Scalar => args.to_vec(),
                Lanes::X2 => args
                    .iter()
                    .map(|&a| fb.ins().extractlane(a, lane as u8))
                    .collect(),
            };
            lane_args.push(fb.ins().stack_addr(types::I64, slot, (lane * 8) as i32));
            let callee = fb.ins().iconst(types::I64, trampoline as i64);
            fb.ins().call_indirect(sig, callee, &lane_args);
        }
        fb.ins().stack_load(types::I64, self.lanes.ty(), slot, 0)
    }

    /// `fma` per lane (a vector `fma` needs the FMA extension; without it
    /// each lane calls the C library's `fma`, which rounds the same).
    pub(crate) fn fma(&self, fb: &mut FunctionBuilder<'_>, a: Value, b: Value, c: Value) -> Value {
        match self.lanes {
            Lanes::Scalar => fb.ins().fma(a, b, c),
            Lanes::X2 if host_has_fma() => fb.ins().fma(a, b, c),
            Lanes::X2 => {
                let mut result = None;
                for lane in 0..2u8 {
                    let (x, y, z) = (
                        fb.ins().extractlane(a, lane),
                        fb.ins().extractlane(b, lane),
                        fb.ins().extractlane(c, lane),
                    );
                    let r = fb.ins().fma(x, y, z);
                    result = Some(match result {
                        None => fb.ins().splat(types::F64X2, r),
                        Some(v) => fb.ins().insertlane(v, r, lane),
                    });
                }
                result.expect("two lanes")
            }
        }
    }

    /// A one-operand operation.
    pub fn unary(&mut self, fb: &mut FunctionBuilder<'_>, op: UnaryOp, a: Value) -> Value {
        match op {
            UnaryOp::Neg => fb.ins().fneg(a),
            UnaryOp::Abs => fb.ins().fabs(a),
            UnaryOp::Sqrt => fb.ins().sqrt(a),
            UnaryOp::Floor => fb.ins().floor(a),
            UnaryOp::Ceil => fb.ins().ceil(a),
            UnaryOp::Trunc => fb.ins().trunc(a),
            UnaryOp::Not => {
                let (z, o) = (self.constant(fb, 0.0), self.constant(fb, 1.0));
                let c = fb.ins().fcmp(FloatCC::Equal, a, z);
                self.select(fb, c, o, z)
            }
        }
    }

    /// A two-operand operation.
    pub fn binary(
        &mut self,
        fb: &mut FunctionBuilder<'_>,
        op: BinaryOp,
        a: Value,
        b: Value,
    ) -> Value {
        let compare = |cc| Some(cc);
        let cc = match op {
            BinaryOp::Lt => compare(FloatCC::LessThan),
            BinaryOp::Le => compare(FloatCC::LessThanOrEqual),
            BinaryOp::Gt => compare(FloatCC::GreaterThan),
            BinaryOp::Ge => compare(FloatCC::GreaterThanOrEqual),
            BinaryOp::Eq => compare(FloatCC::Equal),
            // Unordered or not equal: NaN != NaN is true, as in C.
            BinaryOp::Ne => compare(FloatCC::NotEqual),
            _ => None,
        };
        if let Some(cc) = cc {
            let (z, o) = (self.constant(fb, 0.0), self.constant(fb, 1.0));
            let c = fb.ins().fcmp(cc, a, b);
            return self.select(fb, c, o, z);
        }
        match op {
            BinaryOp::Add => fb.ins().fadd(a, b),
            BinaryOp::Sub => fb.ins().fsub(a, b),
            BinaryOp::Mul => fb.ins().fmul(a, b),
            BinaryOp::Div => fb.ins().fdiv(a, b),
            BinaryOp::And | BinaryOp::Or => {
                let (z, o) = (self.constant(fb, 0.0), self.constant(fb, 1.0));
                let ca = fb.ins().fcmp(FloatCC::NotEqual, a, z);
                let cb = fb.ins().fcmp(FloatCC::NotEqual, b, z);
                let c = if op == BinaryOp::And {
                    fb.ins().band(ca, cb)
                } else {
                    fb.ins().bor(ca, cb)
                };
                self.select(fb, c, o, z)
            }
            _ => {
                // Min or Max. Cranelift's fmin/fmax propagate NaN and order
                // -0 below +0; C's ignore a NaN operand.
                let m = if op == BinaryOp::Min {
                    fb.ins().fmin(a, b)
                } else {
                    fb.ins().fmax(a, b)
                };
                let a_nan = fb.ins().fcmp(FloatCC::Unordered, a, a);
                let b_nan = fb.ins().fcmp(FloatCC::Unordered, b, b);
                let m = self.select(fb, b_nan, a, m);
                self.select(fb, a_nan, b, m)
            }
        }
    }

    /// Emits `program` with `vars[i]` the value of variable `i`, and returns
    /// the value of each root.
    pub fn emit(
        &mut self,
        fb: &mut FunctionBuilder<'_>,
        program: &Program,
        vars: &[Value],
    ) -> Vec<Value> {
        let vars: Vec<Option<Value>> = vars.iter().copied().map(Some).collect();
        let mut values = vec![None; program.nodes.len()];
        self.emit_where(fb, program, &vars, &mut values, |_| true);
        program
            .roots
            .iter()
            .map(|r| values[r.index()].expect("every node emitted"))
            .collect()
    }

    /// Emits the nodes `include` selects that have no value yet, into
    /// `values` (one slot per node). Their operands must have values
    /// already, or be selected too; a selected variable node needs its
    /// entry in `vars`. Kernels use this to hoist loop-invariant nodes:
    /// emit those first, outside the loop, then the rest inside it.
    pub fn emit_where(
        &mut self,
        fb: &mut FunctionBuilder<'_>,
        program: &Program,
        vars: &[Option<Value>],
        values: &mut [Option<Value>],
        include: impl Fn(usize) -> bool,
    ) {
        for (index, node) in program.nodes.iter().enumerate() {
            if values[index].is_some() || !include(index) {
                continue;
            }
            let at = |id: crate::ir::Id| values[id.index()].expect("operands are emitted first");
            let v = match node {
                Node::Const(bits) => self.constant(fb, f64::from_bits(*bits)),
                Node::Var(i) => vars[*i as usize].expect("a value for every emitted variable"),
                Node::Unary(op, a) => self.unary(fb, *op, at(*a)),
                Node::Binary(op, l, r) => self.binary(fb, *op, at(*l), at(*r)),
                Node::Select(c, a, b) => {
                    let z = self.constant(fb, 0.0);
                    let cond = fb.ins().fcmp(FloatCC::NotEqual, at(*c), z);
                    self.select(fb, cond, at(*a), at(*b))
                }
                Node::Fma(a, b, c) => self.fma(fb, at(*a), at(*b), at(*c)),
                Node::Call(Callee::Math(f), args)
                    if self.inline_math && program.math == MathMode::Fast && f.has_inline() =>
                {
                    let args: Vec<Value> = args.iter().map(|&a| at(a)).collect();
                    let mut clif = Clif { emitter: self, fb };
                    f.inline(&mut clif, &args).expect("an inline form")
                }
                Node::Call(callee, args) => {
                    let address = match callee {
                        Callee::Math(f) => match (program.math, f.fast_fn()) {
                            // The compiled form where it can be built (it
                            // uses the host's `fma`), else the Rust one.
                            (MathMode::Fast, Some(fast)) => super::resident::math_function(*f)
                                .unwrap_or_else(|_| fast.address()),
                            _ => f.ptr().address(),
                        },
                        Callee::Native(n) => program.natives[*n as usize].func.address(),
                    };
                    let args: Vec<Value> = args.iter().map(|&a| at(a)).collect();
                    self.call(fb, address, &args)
                }
            };
            values[index] = Some(v);
        }
    }
}

/// A 128-bit vector constant with both 64-bit lanes `bits`: one load from
/// the constant pool, which Cranelift can fold into the instruction using
/// it (a splat of a scalar constant would be rebuilt on every use).
pub(crate) fn vector_constant(fb: &mut FunctionBuilder<'_>, ty: Type, bits: u64) -> Value {
    let bytes: Vec<u8> = bits.to_le_bytes().repeat(2);
    let handle = fb.func.dfg.constants.insert(ConstantData::from(bytes));
    fb.ins().vconst(ty, handle)
}

/// Whether the host has fused multiply-add instructions (Cranelift's
/// native target enables them when it does).
fn host_has_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        cfg!(target_arch = "aarch64")
    }
}

/// For each node, whether it depends on a variable flagged in `varying`.
pub fn depends_on(program: &Program, varying: &[bool]) -> Vec<bool> {
    let mut out = Vec::with_capacity(program.nodes.len());
    for node in &program.nodes {
        let d = match node {
            Node::Var(v) => varying[*v as usize],
            // A native function may not be pure in time; never hoist it.
            Node::Call(Callee::Native(_), _) => true,
            other => crate::ir::operands(other).any(|a| out[a.index()]),
        };
        out.push(d);
    }
    out
}

/// Splats scalar values into f64x2 values.
pub fn splat_all(fb: &mut FunctionBuilder<'_>, values: &[Option<Value>]) -> Vec<Option<Value>> {
    values
        .iter()
        .map(|v| v.map(|v| fb.ins().splat(types::F64X2, v)))
        .collect()
}
