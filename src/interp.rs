//! The reference interpreter: evaluates a [`Program`] node by node.
//!
//! It defines what a formula means; the JIT must return the same bits. It
//! calls [`crate::ir::ops`] for every operation, the same functions constant
//! folding uses, and library functions through the pointers the JIT calls.

use crate::ir::{Node, Program, ops};

/// Evaluates `program`'s first root with variable `i` taken from `args[slots[i]]`.
///
/// `scratch` is reused between calls to avoid allocating; `slots` must map
/// every variable to an index within `args` (the public wrappers check).
pub fn eval(program: &Program, slots: &[u32], args: &[f64], scratch: &mut Vec<f64>) -> f64 {
    eval_nodes(program, slots, args, scratch);
    scratch[program.root().index()]
}

/// Evaluates every root of `program` into `out` (one value per root).
pub fn eval_all(
    program: &Program,
    slots: &[u32],
    args: &[f64],
    scratch: &mut Vec<f64>,
    out: &mut [f64],
) {
    eval_nodes(program, slots, args, scratch);
    for (o, r) in out.iter_mut().zip(&program.roots) {
        *o = scratch[r.index()];
    }
}

/// Fills `scratch` with the value of every node.
fn eval_nodes(program: &Program, slots: &[u32], args: &[f64], scratch: &mut Vec<f64>) {
    scratch.clear();
    scratch.reserve(program.nodes.len());
    let mut call_args: Vec<f64> = Vec::new();
    for node in &program.nodes {
        let v = match node {
            Node::Const(bits) => f64::from_bits(*bits),
            Node::Var(i) => args[slots[*i as usize] as usize],
            Node::Unary(op, a) => ops::unary(*op, scratch[a.index()]),
            Node::Binary(op, a, b) => ops::binary(*op, scratch[a.index()], scratch[b.index()]),
            Node::Select(c, a, b) => {
                ops::select(scratch[c.index()], scratch[a.index()], scratch[b.index()])
            }
            Node::Fma(a, b, c) => {
                ops::fma(scratch[a.index()], scratch[b.index()], scratch[c.index()])
            }
            Node::Call(callee, ids) => {
                call_args.clear();
                call_args.extend(ids.iter().map(|a| scratch[a.index()]));
                ops::call(*callee, &program.natives, program.math, &call_args)
            }
        };
        scratch.push(v);
    }
}
