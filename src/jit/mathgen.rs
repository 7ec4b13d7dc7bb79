//! [`Arith`] on Cranelift values: emits the inline math algorithms of
//! [`crate::math`] as instructions, on scalars or on f64x2 lanes.
//!
//! Each operation is one instruction (or a short fixed sequence) with
//! exactly the meaning [`crate::math::Scalar`] gives it, so the generated
//! code computes the interpreter's bits in every lane.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{BlockArg, Endianness, InstBuilder, MemFlagsData, Type, Value, types};
use cranelift_frontend::FunctionBuilder;

use super::codegen::{Emitter, Lanes};
use crate::functions::NativeFn;
use crate::math::Arith;

/// Emits the math algorithms into `fb` through an [`Emitter`].
pub(crate) struct Clif<'e, 'f, 'b> {
    pub(crate) emitter: &'e mut Emitter,
    pub(crate) fb: &'f mut FunctionBuilder<'b>,
}

impl Clif<'_, '_, '_> {
    fn lanes(&self) -> Lanes {
        self.emitter.lanes()
    }

    fn int_type(&self) -> Type {
        match self.lanes() {
            Lanes::Scalar => types::I64,
            Lanes::X2 => types::I64X2,
        }
    }

    fn cast(&mut self, to: Type, v: Value) -> Value {
        let flags = match self.lanes() {
            Lanes::Scalar => MemFlagsData::new(),
            Lanes::X2 => MemFlagsData::new().with_endianness(Endianness::Little),
        };
        self.fb.ins().bitcast(to, flags, v)
    }
}

impl Arith for Clif<'_, '_, '_> {
    type F = Value;
    type I = Value;
    type M = Value;

    fn f(&mut self, v: f64) -> Value {
        self.emitter.constant(self.fb, v)
    }
    fn i(&mut self, v: u64) -> Value {
        match self.lanes() {
            Lanes::Scalar => self.fb.ins().iconst(types::I64, v as i64),
            Lanes::X2 => super::codegen::vector_constant(self.fb, types::I64X2, v),
        }
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fdiv(a, b)
    }
    fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        self.emitter.fma(self.fb, a, b, c)
    }
    fn neg(&mut self, a: Value) -> Value {
        self.fb.ins().fneg(a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.fb.ins().fabs(a)
    }
    fn sqrt(&mut self, a: Value) -> Value {
        self.fb.ins().sqrt(a)
    }
    fn lt(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fcmp(FloatCC::LessThan, a, b)
    }
    fn le(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fcmp(FloatCC::LessThanOrEqual, a, b)
    }
    fn eq(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fcmp(FloatCC::Equal, a, b)
    }
    fn is_nan(&mut self, a: Value) -> Value {
        self.fb.ins().fcmp(FloatCC::Unordered, a, a)
    }
    fn and(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().band(a, b)
    }
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().bor(a, b)
    }
    fn not(&mut self, a: Value) -> Value {
        self.fb.ins().bnot(a)
    }
    fn select(&mut self, m: Value, a: Value, b: Value) -> Value {
        self.emitter.select(self.fb, m, a, b)
    }
    fn bits_of(&mut self, a: Value) -> Value {
        let ty = self.int_type();
        self.cast(ty, a)
    }
    fn float_of(&mut self, a: Value) -> Value {
        let ty = self.lanes().ty();
        self.cast(ty, a)
    }
    fn iadd(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().iadd(a, b)
    }
    fn isub(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().isub(a, b)
    }
    fn iand(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().band(a, b)
    }
    fn ior(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().bor(a, b)
    }
    fn ixor(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().bxor(a, b)
    }
    fn shl(&mut self, a: Value, n: u32) -> Value {
        let n = self.fb.ins().iconst(types::I32, i64::from(n));
        self.fb.ins().ishl(a, n)
    }
    fn ushr(&mut self, a: Value, n: u32) -> Value {
        let n = self.fb.ins().iconst(types::I32, i64::from(n));
        self.fb.ins().ushr(a, n)
    }
    fn lookup(&mut self, table: &'static [f64], index: Value) -> Value {
        // The index is masked to the table (a power of two long), so every
        // load reads an entry of the table, which lives as long as the
        // process: the code may keep its address.
        assert!(table.len().is_power_of_two(), "table length a power of two");
        let mask = self.i(table.len() as u64 - 1);
        let index = self.fb.ins().band(index, mask);
        let base = self.fb.ins().iconst(types::I64, table.as_ptr() as i64);
        let flags = MemFlagsData::trusted().with_readonly();
        let load = |fb: &mut FunctionBuilder<'_>, i: Value| {
            let offset = fb.ins().ishl_imm_u(i, 3);
            let address = fb.ins().iadd(base, offset);
            fb.ins().load(types::F64, flags, address, 0)
        };
        match self.lanes() {
            Lanes::Scalar => load(self.fb, index),
            Lanes::X2 => {
                let i0 = self.fb.ins().extractlane(index, 0);
                let i1 = self.fb.ins().extractlane(index, 1);
                let v0 = load(self.fb, i0);
                let v1 = load(self.fb, i1);
                let v = self.fb.ins().scalar_to_vector(types::F64X2, v0);
                self.fb.ins().insertlane(v, v1, 1)
            }
        }
    }
    fn fallback(&mut self, cond: Value, value: Value, args: &[Value], slow: NativeFn) -> Value {
        // Branch around the slow path unless some lane needs it.
        let any = match self.lanes() {
            Lanes::Scalar => cond,
            Lanes::X2 => self.fb.ins().vany_true(cond),
        };
        let slow_block = self.fb.create_block();
        let join = self.fb.create_block();
        let ty = self.lanes().ty();
        self.fb.append_block_param(join, ty);
        self.fb
            .ins()
            .brif(any, slow_block, &[], join, &[BlockArg::from(value)]);
        self.fb.switch_to_block(slow_block);
        self.fb.seal_block(slow_block);
        let called = self.emitter.call_preserving(self.fb, slow, args);
        let merged = self.emitter.select(self.fb, cond, called, value);
        self.fb.ins().jump(join, &[BlockArg::from(merged)]);
        self.fb.switch_to_block(join);
        self.fb.seal_block(join);
        self.fb.block_params(join)[0]
    }
}
