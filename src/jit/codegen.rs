//! IR nodes to Cranelift instructions.
//!
//! [`emit`] translates a [`Program`] into straight-line Cranelift IR inside a
//! function being built, given a value for each variable. Kernels reuse it
//! inside their loops. Each operation gives the same bits as its meaning in
//! [`crate::ir::ops`]; library functions are indirect calls to the very
//! pointers the interpreter calls.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{AbiParam, InstBuilder, SigRef, Signature, Value, types};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;

use crate::ir::{BinaryOp, Callee, Node, Program, UnaryOp};

/// Emits `program` into `fb` at its current block, with `vars[i]` the value
/// of variable `i`, and returns the root's value.
pub fn emit(
    fb: &mut FunctionBuilder<'_>,
    program: &Program,
    vars: &[Value],
    call_conv: CallConv,
) -> Value {
    let mut sigs: [Option<SigRef>; 5] = [None; 5];
    let mut values: Vec<Value> = Vec::with_capacity(program.nodes.len());
    let mut zero: Option<Value> = None;
    let mut one: Option<Value> = None;
    let consts = |fb: &mut FunctionBuilder<'_>, slot: &mut Option<Value>, v: f64| {
        *slot.get_or_insert_with(|| fb.ins().f64const(v))
    };
    for node in &program.nodes {
        let v = match node {
            Node::Const(bits) => fb.ins().f64const(f64::from_bits(*bits)),
            Node::Var(i) => vars[*i as usize],
            Node::Unary(op, a) => {
                let a = values[a.index()];
                match op {
                    UnaryOp::Neg => fb.ins().fneg(a),
                    UnaryOp::Abs => fb.ins().fabs(a),
                    UnaryOp::Sqrt => fb.ins().sqrt(a),
                    UnaryOp::Floor => fb.ins().floor(a),
                    UnaryOp::Ceil => fb.ins().ceil(a),
                    UnaryOp::Trunc => fb.ins().trunc(a),
                    UnaryOp::Not => {
                        let z = consts(fb, &mut zero, 0.0);
                        let o = consts(fb, &mut one, 1.0);
                        let c = fb.ins().fcmp(FloatCC::Equal, a, z);
                        fb.ins().select(c, o, z)
                    }
                }
            }
            Node::Binary(op, l, r) => {
                let (a, b) = (values[l.index()], values[r.index()]);
                let compare = |fb: &mut FunctionBuilder<'_>,
                               cc: FloatCC,
                               zero: &mut Option<Value>,
                               one: &mut Option<Value>| {
                    let z = *zero.get_or_insert_with(|| fb.ins().f64const(0.0));
                    let o = *one.get_or_insert_with(|| fb.ins().f64const(1.0));
                    let c = fb.ins().fcmp(cc, a, b);
                    fb.ins().select(c, o, z)
                };
                match op {
                    BinaryOp::Add => fb.ins().fadd(a, b),
                    BinaryOp::Sub => fb.ins().fsub(a, b),
                    BinaryOp::Mul => fb.ins().fmul(a, b),
                    BinaryOp::Div => fb.ins().fdiv(a, b),
                    BinaryOp::Lt => compare(fb, FloatCC::LessThan, &mut zero, &mut one),
                    BinaryOp::Le => compare(fb, FloatCC::LessThanOrEqual, &mut zero, &mut one),
                    BinaryOp::Gt => compare(fb, FloatCC::GreaterThan, &mut zero, &mut one),
                    BinaryOp::Ge => compare(fb, FloatCC::GreaterThanOrEqual, &mut zero, &mut one),
                    BinaryOp::Eq => compare(fb, FloatCC::Equal, &mut zero, &mut one),
                    // Unordered or not equal: NaN != NaN is true, as in C.
                    BinaryOp::Ne => compare(fb, FloatCC::NotEqual, &mut zero, &mut one),
                    BinaryOp::And | BinaryOp::Or => {
                        let z = consts(fb, &mut zero, 0.0);
                        let o = consts(fb, &mut one, 1.0);
                        let ca = fb.ins().fcmp(FloatCC::NotEqual, a, z);
                        let cb = fb.ins().fcmp(FloatCC::NotEqual, b, z);
                        let c = if *op == BinaryOp::And {
                            fb.ins().band(ca, cb)
                        } else {
                            fb.ins().bor(ca, cb)
                        };
                        fb.ins().select(c, o, z)
                    }
                    BinaryOp::Min | BinaryOp::Max => {
                        // Cranelift's fmin/fmax propagate NaN and order -0
                        // below +0; C's ignore a NaN operand.
                        let m = if *op == BinaryOp::Min {
                            fb.ins().fmin(a, b)
                        } else {
                            fb.ins().fmax(a, b)
                        };
                        let a_nan = fb.ins().fcmp(FloatCC::Unordered, a, a);
                        let b_nan = fb.ins().fcmp(FloatCC::Unordered, b, b);
                        let m = fb.ins().select(b_nan, a, m);
                        fb.ins().select(a_nan, b, m)
                    }
                }
            }
            Node::Select(c, a, b) => {
                let z = consts(fb, &mut zero, 0.0);
                let cond = fb.ins().fcmp(FloatCC::NotEqual, values[c.index()], z);
                fb.ins().select(cond, values[a.index()], values[b.index()])
            }
            Node::Fma(a, b, c) => {
                fb.ins()
                    .fma(values[a.index()], values[b.index()], values[c.index()])
            }
            Node::Call(callee, args) => {
                let address = match callee {
                    Callee::Math(f) => f.ptr().address(),
                    Callee::Native(n) => program.natives[*n as usize].func.address(),
                };
                let sig = *sigs[args.len()].get_or_insert_with(|| {
                    let mut s = Signature::new(call_conv);
                    s.params
                        .extend((0..args.len()).map(|_| AbiParam::new(types::F64)));
                    s.returns.push(AbiParam::new(types::F64));
                    fb.import_signature(s)
                });
                let callee = fb.ins().iconst(types::I64, address as i64);
                let args: Vec<Value> = args.iter().map(|a| values[a.index()]).collect();
                let call = fb.ins().call_indirect(sig, callee, &args);
                fb.inst_results(call)[0]
            }
        };
        values.push(v);
    }
    values[program.root.index()]
}
