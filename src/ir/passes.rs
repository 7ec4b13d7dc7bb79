//! Rewrites: constant folding, exact algebraic simplifications, and integer
//! powers as multiply chains.
//!
//! Every rewrite here gives the same bits as the original for every input
//! (NaN payloads aside), with one documented exception that is the point of
//! the product: `x^n` / `pow(x, n)` for an integer literal `n` with
//! `|n| <=` [`MAX_INT_POW`] becomes a square-and-multiply chain, which differs
//! from `pow` by at most [`INT_POW_MAX_ULP`] ulp (`tests/powi_ulp.rs`). `x^-n`
//! is `1/(x^n)`, so where `x^n` overflows or underflows it gives 0 or inf
//! where `pow` may still give a tiny or huge finite value.
//!
//! One forward sweep over the DAG does it all: operands are rewritten before
//! their users, so each rule sees simplified operands. Folding calls
//! [`super::ops`], the same functions the interpreter runs.

use super::{BinaryOp, Builder, Callee, Id, Node, Program, UnaryOp, map_operands, ops};
use crate::functions::MathFn;

/// The largest `|n|` for which `x^n` becomes a multiply chain; beyond it
/// `pow` is called (so a huge `n` never blows up the code). A chain's error
/// grows with `n` (about 0.7 ulp per unit of `n`, measured: 5 ulp at `n = 8`,
/// 11 at `n = 16`), so the limit keeps it within a few ulp of `pow`.
pub const MAX_INT_POW: u32 = 4;

/// The largest difference, in ulp, between a rewritten `x^n` and `pow(x, n)`
/// where neither overflows nor underflows (measured by `tests/powi_ulp.rs`).
pub const INT_POW_MAX_ULP: u64 = 4;

/// Rewrites `program`; the result computes the same function.
pub fn optimize(program: &Program) -> Program {
    let mut b = Builder::new();
    let mut map: Vec<Id> = Vec::with_capacity(program.nodes.len());
    for node in &program.nodes {
        let node = map_operands(node.clone(), |a| map[a.index()]);
        let id = simplify(&mut b, node, program);
        map.push(id);
    }
    let roots: Vec<Id> = program.roots.iter().map(|r| map[r.index()]).collect();
    let (nodes, roots) = b.finish(&roots);
    Program {
        nodes,
        roots,
        vars: program.vars.clone(),
        natives: program.natives.clone(),
        text: program.text.clone(),
        math: program.math,
    }
}

/// Adds `node` to `b`, rewritten if a rule applies.
fn simplify(b: &mut Builder, node: Node, program: &Program) -> Id {
    if let Some(v) = fold(b, &node, program) {
        return b.constant(v);
    }
    match node {
        Node::Unary(UnaryOp::Neg, a) => {
            if let Node::Unary(UnaryOp::Neg, inner) = *b.node(a) {
                return inner; // -(-a) flips the sign bit twice
            }
            b.add(Node::Unary(UnaryOp::Neg, a))
        }
        // Commutative operands in a canonical order, so `b*a` shares `a*b`.
        Node::Binary(op, l, r) if op.is_commutative() && r < l => simplify_binary(b, op, r, l),
        Node::Binary(op, l, r) => simplify_binary(b, op, l, r),
        Node::Select(c, x, y) => {
            if x == y {
                return x;
            }
            b.add(Node::Select(c, x, y))
        }
        Node::Call(Callee::Math(MathFn::Pow), args) => match int_exponent(b, args[1]) {
            Some(n) => int_pow(b, args[0], n),
            None => b.add(Node::Call(Callee::Math(MathFn::Pow), args)),
        },
        other => b.add(other),
    }
}

/// The value of `node` if all its operands are constants (never for native
/// calls: a registered function may be costly or keep state).
fn fold(b: &Builder, node: &Node, program: &Program) -> Option<f64> {
    let c = |id: Id| b.const_of(id);
    Some(match *node {
        Node::Unary(op, a) => ops::unary(op, c(a)?),
        Node::Binary(op, l, r) => ops::binary(op, c(l)?, c(r)?),
        Node::Select(k, x, y) => ops::select(c(k)?, c(x)?, c(y)?),
        Node::Fma(x, y, z) => ops::fma(c(x)?, c(y)?, c(z)?),
        Node::Call(callee @ Callee::Math(_), ref args) => {
            let values: Option<Vec<f64>> = args.iter().map(|&a| c(a)).collect();
            ops::call(callee, &program.natives, program.math, &values?)
        }
        _ => return None,
    })
}

fn simplify_binary(b: &mut Builder, op: BinaryOp, l: Id, r: Id) -> Id {
    let (cl, cr) = (b.const_of(l), b.const_of(r));
    let is = |v: Option<f64>, bits: f64| v.is_some_and(|v| v.to_bits() == bits.to_bits());
    match op {
        // a*1 = 1*a = a and a/1 = a exactly.
        BinaryOp::Mul if is(cr, 1.0) => l,
        BinaryOp::Mul if is(cl, 1.0) => r,
        BinaryOp::Div if is(cr, 1.0) => l,
        // a*(-1) = -a exactly.
        BinaryOp::Mul if is(cr, -1.0) => b.add(Node::Unary(UnaryOp::Neg, l)),
        BinaryOp::Mul if is(cl, -1.0) => b.add(Node::Unary(UnaryOp::Neg, r)),
        // a + (-0) = a and a - (+0) = a for every a, -0 included
        // (but a + 0 is not: -0 + 0 is +0).
        BinaryOp::Add if is(cr, -0.0) => l,
        BinaryOp::Add if is(cl, -0.0) => r,
        BinaryOp::Sub if is(cr, 0.0) => l,
        // a / 2^k = a * 2^-k exactly when 2^-k is a normal number: both are
        // the correctly rounded value of the same real number.
        BinaryOp::Div if cr.is_some_and(exact_reciprocal) => {
            let inv = b.constant(1.0 / cr.unwrap_or(1.0));
            b.add(Node::Binary(BinaryOp::Mul, l, inv))
        }
        _ => b.add(Node::Binary(op, l, r)),
    }
}

/// True if `c` is a power of two whose reciprocal is a normal f64.
fn exact_reciprocal(c: f64) -> bool {
    let bits = c.abs().to_bits();
    let mantissa = bits & ((1 << 52) - 1);
    let exponent = (bits >> 52) as i64 - 1023;
    c.is_normal() && mantissa == 0 && (-1022..=1022).contains(&exponent)
}

/// The exponent as an integer, if it is an integer constant within the chain limit.
fn int_exponent(b: &Builder, id: Id) -> Option<i32> {
    let v = b.const_of(id)?;
    (v.fract() == 0.0 && v.abs() <= f64::from(MAX_INT_POW)).then_some(v as i32)
}

/// `x^n` by square-and-multiply; `x^0` is 1 (even for NaN, as `pow`) and
/// `x^-n` is `1/(x^n)`.
fn int_pow(b: &mut Builder, x: Id, n: i32) -> Id {
    if n == 0 {
        return b.constant(1.0);
    }
    let mut e = n.unsigned_abs();
    let mut result: Option<Id> = None;
    let mut square = x;
    loop {
        if e & 1 == 1 {
            result = Some(match result {
                None => square,
                Some(r) => b.add(Node::Binary(BinaryOp::Mul, r.min(square), r.max(square))),
            });
        }
        e >>= 1;
        if e == 0 {
            break;
        }
        square = b.add(Node::Binary(BinaryOp::Mul, square, square));
    }
    let positive = result.expect("n != 0 sets a bit");
    if n < 0 {
        let one = b.constant(1.0);
        b.add(Node::Binary(BinaryOp::Div, one, positive))
    } else {
        positive
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::Registry;
    use crate::ir::lower::lower;
    use crate::ir::print::render;
    use crate::limits::Limits;
    use crate::syntax::parse;

    fn rewrite(text: &str) -> String {
        let p = lower(
            &parse(text, &Limits::default()).unwrap(),
            &Registry::default(),
        )
        .unwrap();
        let o = optimize(&p);
        o.verify().unwrap();
        render(&o)
    }

    #[test]
    fn folds_constants_with_runtime_functions() {
        assert_eq!(rewrite("1 + 2 * 3"), "7");
        assert_eq!(rewrite("2 * pi * x"), "6.283185307179586*x");
        assert_eq!(rewrite("cos(0) + x"), "1 + x");
        assert_eq!(rewrite("0/0 + x"), "(0/0) + x");
    }

    #[test]
    fn only_exact_identities() {
        assert_eq!(rewrite("x * 1"), "x");
        assert_eq!(rewrite("x + 0"), "x + 0");
        assert_eq!(rewrite("x - 0"), "x");
        assert_eq!(rewrite("x * 0"), "x*0");
        assert_eq!(rewrite("x - x"), "x - x");
        assert_eq!(rewrite("- -x"), "x");
        assert_eq!(rewrite("x / 4"), "x*0.25");
        assert_eq!(rewrite("x / 3"), "x/3");
        assert_eq!(rewrite("if(y, x, x)"), "x");
    }

    #[test]
    fn integer_powers_become_multiply_chains() {
        assert_eq!(rewrite("x^0"), "1");
        assert_eq!(rewrite("x^1"), "x");
        assert_eq!(rewrite("x^2"), "x*x");
        assert_eq!(rewrite("x^3"), "x*(x*x)");
        assert_eq!(rewrite("pow(x, 4)"), "x*x*(x*x)");
        assert_eq!(rewrite("x^-2"), "1/(x*x)");
        assert_eq!(rewrite("x^0.5"), "x^0.5");
        assert_eq!(rewrite("x^1000000000"), "x^1000000000");
        assert_eq!(rewrite("x^-4"), "1/(x*x*(x*x))");
        assert_eq!(rewrite("x^5"), "x^5");
        // Square-and-multiply: x^4 is two squarings.
        let p = lower(
            &parse("x^4", &Limits::default()).unwrap(),
            &Registry::default(),
        )
        .unwrap();
        assert_eq!(optimize(&p).len(), 3);
    }
}
