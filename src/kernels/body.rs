//! The per-element body shared by maps and reductions: inputs that are
//! arrays or scalars, with every node that depends only on scalar inputs
//! computed once before the loop.

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use cranelift_frontend::FunctionBuilder;

use super::loops::{data_flags, element_address};
use crate::ir::Program;
use crate::jit::codegen::{Emitter, depends_on, splat_all};

/// Loop-invariant values and per-element loads for one input layout.
pub(crate) struct ElementBody<'p> {
    program: &'p Program,
    slots: &'p [u32],
    is_array: Vec<bool>,
    /// Per input: the array base, or the scalar value.
    sources: Vec<Value>,
    /// Per node: whether it changes from element to element.
    varies: Vec<bool>,
    hoisted: Vec<Option<Value>>,
    hoisted_x2: Vec<Option<Value>>,
}

impl<'p> ElementBody<'p> {
    /// Loads the input table at `ins` (a pointer per input: to the array,
    /// or to the scalar) and emits the invariant nodes, in the entry block.
    pub(crate) fn new(
        fb: &mut FunctionBuilder<'_>,
        program: &'p Program,
        slots: &'p [u32],
        is_array: &[bool],
        ins: Value,
        scalar: &mut Emitter,
    ) -> ElementBody<'p> {
        let trusted = MemFlagsData::trusted().with_readonly();
        let sources: Vec<Value> = is_array
            .iter()
            .enumerate()
            .map(|(k, &array)| {
                let p = fb.ins().load(types::I64, trusted, ins, (k * 8) as i32);
                if array {
                    p
                } else {
                    fb.ins().load(types::F64, trusted, p, 0)
                }
            })
            .collect();
        let varying_vars: Vec<bool> = slots.iter().map(|&k| is_array[k as usize]).collect();
        let varies = depends_on(program, &varying_vars);
        let entry_vars: Vec<Option<Value>> = slots
            .iter()
            .map(|&k| (!is_array[k as usize]).then(|| sources[k as usize]))
            .collect();
        let mut hoisted = vec![None; program.nodes.len()];
        scalar.emit_where(fb, program, &entry_vars, &mut hoisted, |n| !varies[n]);
        let hoisted_x2 = splat_all(fb, &hoisted);
        ElementBody {
            program,
            slots,
            is_array: is_array.to_vec(),
            sources,
            varies,
            hoisted,
            hoisted_x2,
        }
    }

    /// Per array input, the address of element `i` (None for scalars).
    pub(crate) fn addresses(&self, fb: &mut FunctionBuilder<'_>, i: Value) -> Vec<Option<Value>> {
        self.is_array
            .iter()
            .zip(&self.sources)
            .map(|(&array, &base)| array.then(|| element_address(fb, base, i)))
            .collect()
    }

    /// The roots for the two lanes at `addrs + offset` bytes.
    pub(crate) fn vector_roots(
        &self,
        fb: &mut FunctionBuilder<'_>,
        vector: &mut Emitter,
        addrs: &[Option<Value>],
        offset: i32,
    ) -> Vec<Value> {
        let vars: Vec<Option<Value>> = self
            .slots
            .iter()
            .map(|&k| {
                addrs[k as usize].map(|a| fb.ins().load(types::F64X2, data_flags(), a, offset))
            })
            .collect();
        let mut values = self.hoisted_x2.clone();
        vector.emit_where(fb, self.program, &vars, &mut values, |n| self.varies[n]);
        self.roots(&values)
    }

    /// The roots for element `i`, on scalars.
    pub(crate) fn scalar_roots(
        &self,
        fb: &mut FunctionBuilder<'_>,
        scalar: &mut Emitter,
        i: Value,
    ) -> Vec<Value> {
        let vars: Vec<Option<Value>> = self
            .slots
            .iter()
            .map(|&k| {
                let k = k as usize;
                self.is_array[k].then(|| {
                    let a = element_address(fb, self.sources[k], i);
                    fb.ins().load(types::F64, data_flags(), a, 0)
                })
            })
            .collect();
        let mut values = self.hoisted.clone();
        scalar.emit_where(fb, self.program, &vars, &mut values, |n| self.varies[n]);
        self.roots(&values)
    }

    fn roots(&self, values: &[Option<Value>]) -> Vec<Value> {
        self.program
            .roots
            .iter()
            .map(|r| values[r.index()].expect("roots are emitted"))
            .collect()
    }
}
