//! [`Arith`] on Cranelift values: emits the inline math algorithms of
//! [`crate::math`] as instructions, on scalars or on f64x2 lanes.
//!
//! Each operation is one instruction (or a short fixed sequence) with
//! exactly the meaning [`crate::math::Scalar`] gives it, so the generated
//! code computes the interpreter's bits in every lane.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{
    BlockArg, ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value, types,
};
use cranelift_frontend::FunctionBuilder;

use super::codegen::{Emitter, Lanes};
use crate::math::Arith;
use crate::native::NativeFn;

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

impl Clif<'_, '_, '_> {
    /// The address of entry `index & (len - 1)` of the table at `base`
    /// (entries of `2^entry_log2` bytes), one per lane: the index masked and
    /// scaled on the vector, then each lane added to the base. Masked to the table, a
    /// power of two long, every address lies inside it; the tables are
    /// `'static`, so the code may keep their addresses.
    fn table_addresses(
        &mut self,
        base: usize,
        len: usize,
        entry_log2: u8,
        index: Value,
    ) -> Vec<Value> {
        assert!(len.is_power_of_two(), "table length a power of two");
        let mask = self.i(len as u64 - 1);
        let index = self.fb.ins().band(index, mask);
        let offset = self.fb.ins().ishl_imm_u(index, i64::from(entry_log2));
        let base = self.fb.ins().iconst(types::I64, base as i64);
        let lanes: Vec<Value> = match self.lanes() {
            Lanes::Scalar => vec![offset],
            Lanes::X2 => (0..2)
                .map(|l| self.fb.ins().extractlane(offset, l))
                .collect(),
        };
        lanes
            .into_iter()
            .map(|o| self.fb.ins().iadd(base, o))
            .collect()
    }

    /// The low lanes of `a` and `b` (`[a0, b0]`), or with `high` the high
    /// ones (`[a1, b1]`): one unpack instruction.
    fn interleave(&mut self, a: Value, b: Value, high: bool) -> Value {
        let mask: u128 = if high {
            0x1f1e_1d1c_1b1a_1918_0f0e_0d0c_0b0a_0908
        } else {
            0x1716_1514_1312_1110_0706_0504_0302_0100
        };
        let imm = self
            .fb
            .func
            .dfg
            .immediates
            .push(ConstantData::from(mask.to_le_bytes().as_slice()));
        let a = self.cast(types::I8X16, a);
        let b = self.cast(types::I8X16, b);
        let v = self.fb.ins().shuffle(a, b, imm);
        self.cast(types::F64X2, v)
    }
}

impl Arith for Clif<'_, '_, '_> {
    type F = Value;
    type I = Value;
    type M = Value;

    fn f(&mut self, v: f64) -> Value {
        if self.lanes() == Lanes::Scalar && self.emitter.pooled_constants() {
            // One load from the constant pool; lane 0 of a vector register
            // is the scalar register, so the extraction costs nothing.
            let c = super::codegen::vector_constant(self.fb, types::F64X2, v.to_bits());
            return self.fb.ins().extractlane(c, 0);
        }
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
        match self.lanes() {
            // A scalar `fcmp` gives 0 or 1 (an `i8`), which `select` and
            // `brif` read as false or true: `bnot` would make both nonzero.
            Lanes::Scalar => self.fb.ins().bxor_imm_u(a, 1),
            // A vector comparison gives all-zero or all-one lanes.
            Lanes::X2 => self.fb.ins().bnot(a),
        }
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
    fn lookup<const W: usize>(&mut self, table: &'static [[f64; W]], index: Value) -> [Value; W] {
        assert!(matches!(W, 1 | 2 | 4), "table entries of 1, 2 or 4 values");
        let entry_log2 = W.trailing_zeros() as u8 + 3;
        let addresses =
            self.table_addresses(table.as_ptr() as usize, table.len(), entry_log2, index);
        let flags = MemFlagsData::trusted().with_readonly();
        match addresses[..] {
            [a] => std::array::from_fn(|i| self.fb.ins().load(types::F64, flags, a, 8 * i as i32)),
            [a0, a1] if W == 1 => {
                // Two `movsd` loads and an unpack.
                let v0 = self.fb.ins().load(types::F64, flags, a0, 0);
                let v0 = self.fb.ins().scalar_to_vector(types::F64X2, v0);
                let v1 = self.fb.ins().load(types::F64, flags, a1, 0);
                let v1 = self.fb.ins().scalar_to_vector(types::F64X2, v1);
                [self.interleave(v0, v1, false); W]
            }
            [a0, a1] => {
                // 16-byte loads per lane, then the lanes' first values
                // unpacked together, and their second values. `[f64; W]`
                // is 8-byte aligned only: no `aligned` flag.
                let flags = MemFlagsData::new().with_notrap().with_readonly();
                let mut out = [a0; W];
                for pair in 0..W / 2 {
                    let offset = 16 * pair as i32;
                    let v0 = self.fb.ins().load(types::F64X2, flags, a0, offset);
                    let v1 = self.fb.ins().load(types::F64X2, flags, a1, offset);
                    out[2 * pair] = self.interleave(v0, v1, false);
                    out[2 * pair + 1] = self.interleave(v0, v1, true);
                }
                out
            }
            _ => unreachable!("one or two lanes"),
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

#[cfg(test)]
mod tests {
    use cranelift_codegen::ir::{InstBuilder, types};

    use super::Clif;
    use crate::jit::codegen::{Emitter, Lanes};
    use crate::jit::{JitOptions, build_function};
    use crate::math::{Arith, Scalar};
    use crate::native::NativeFn;

    /// What the slow path returns, so that a test sees when it was taken.
    extern "C" fn slow(_: f64) -> f64 {
        42.0
    }

    /// A negated comparison, selected on and sent to the slow path: for
    /// `x < 0`, 2; elsewhere (NaN included) the slow path's 42.
    fn probe<A: Arith>(a: &mut A, x: A::F) -> A::F {
        let zero = a.f(0.0);
        let negative = a.lt(x, zero);
        let rest = a.not(negative);
        let (one, two) = (a.f(1.0), a.f(2.0));
        let v = a.select(rest, one, two);
        a.fallback(rest, v, &[x], NativeFn::Arity1(slow))
    }

    /// `probe` compiled on scalars or on (splatted) f64x2 lanes.
    fn compiled(lanes: Lanes, pooled: bool) -> (crate::jit::Code, extern "C" fn(f64) -> f64) {
        let code = build_function(
            &[types::F64],
            &[types::F64],
            JitOptions {
                verify: true,
                ..JitOptions::default()
            },
            |fb, p, call_conv| {
                let mut emitter = Emitter::new(lanes, call_conv).with_pooled_constants(pooled);
                let x = match lanes {
                    Lanes::Scalar => p[0],
                    Lanes::X2 => fb.ins().splat(types::F64X2, p[0]),
                };
                let mut clif = Clif {
                    emitter: &mut emitter,
                    fb,
                };
                let mut v = probe(&mut clif, x);
                if lanes == Lanes::X2 {
                    v = fb.ins().extractlane(v, 0);
                }
                fb.ins().return_(&[v]);
            },
        )
        .unwrap();
        // SAFETY: `code.entry` is the entry of the function just built with
        // one f64 parameter and one f64 result in the target's default C
        // calling convention; `code` is returned beside it and keeps it alive.
        let f = unsafe { std::mem::transmute::<*const u8, extern "C" fn(f64) -> f64>(code.entry) };
        (code, f)
    }

    /// `Arith::not` of a scalar comparison is the opposite condition for
    /// `select` and `fallback` alike (a scalar `fcmp` is 0 or 1, not a
    /// mask: `bnot` made both nonzero, so every scalar `pow` took its slow
    /// path), with constants built either way.
    #[test]
    fn negated_conditions_select_and_branch_like_the_interpreter() {
        for (lanes, pooled) in [
            (Lanes::Scalar, false),
            (Lanes::Scalar, true),
            (Lanes::X2, false),
        ] {
            let (_code, f) = compiled(lanes, pooled);
            for x in [-1.0, -0.0, 0.0, 1.0, f64::NAN, f64::NEG_INFINITY, 1e300] {
                let want = probe(&mut Scalar, x);
                assert_eq!(
                    f(x).to_bits(),
                    want.to_bits(),
                    "{lanes:?} (pooled constants: {pooled}) at {x:?}"
                );
            }
        }
    }
}
