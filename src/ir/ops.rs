//! The scalar meaning of every IR operation: the reference semantics.
//!
//! The interpreter and constant folding call these functions; the code
//! generator emits instruction sequences that produce the same bits (see
//! `jit::codegen`). A library function is, in `MathMode::Libm` and for the
//! functions without an inline form, the C library's pointer, which the JIT
//! code calls too; in `MathMode::Fast` it is the inline algorithm's Rust
//! form on `Scalar` (`MathFn::fast_fn`), which the JIT emits inline on lanes
//! (kernels) or calls compiled once per process (`jit/resident.rs`): other
//! code, the same operations in the same order, so the same bits.

use super::{BinaryOp, Callee, UnaryOp};
use crate::functions::Native;
use crate::math::MathMode;

/// 1.0 for true, 0.0 for false.
#[inline]
pub fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Applies a one-operand operation.
#[inline]
pub fn unary(op: UnaryOp, a: f64) -> f64 {
    match op {
        UnaryOp::Neg => -a,
        UnaryOp::Not => truth(a == 0.0),
        UnaryOp::Abs => a.abs(),
        UnaryOp::Sqrt => a.sqrt(),
        UnaryOp::Floor => a.floor(),
        UnaryOp::Ceil => a.ceil(),
        UnaryOp::Trunc => a.trunc(),
    }
}

/// Applies a two-operand operation.
#[inline]
pub fn binary(op: BinaryOp, a: f64, b: f64) -> f64 {
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        BinaryOp::Lt => truth(a < b),
        BinaryOp::Le => truth(a <= b),
        BinaryOp::Gt => truth(a > b),
        BinaryOp::Ge => truth(a >= b),
        BinaryOp::Eq => truth(a == b),
        BinaryOp::Ne => truth(a != b),
        BinaryOp::And => truth(a != 0.0 && b != 0.0),
        BinaryOp::Or => truth(a != 0.0 || b != 0.0),
        BinaryOp::Min => fmin(a, b),
        BinaryOp::Max => fmax(a, b),
    }
}

/// C `fmin` with a defined zero sign: NaN operands are ignored, and of two
/// equal operands the one with the sign bit set wins (`min(-0, 0)` is -0).
#[inline]
pub fn fmin(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() || a < b {
        a
    } else if b < a {
        b
    } else {
        f64::from_bits(a.to_bits() | b.to_bits())
    }
}

/// C `fmax` with a defined zero sign: NaN operands are ignored, and
/// `max(-0, 0)` is +0.
#[inline]
pub fn fmax(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() || a > b {
        a
    } else if b > a {
        b
    } else {
        f64::from_bits(a.to_bits() & b.to_bits())
    }
}

/// `if(c, a, b)`.
#[inline]
pub fn select(c: f64, a: f64, b: f64) -> f64 {
    if c != 0.0 { a } else { b }
}

/// `fma(a, b, c)`: `a*b + c` rounded once.
#[inline]
pub fn fma(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// Calls a library function (its inline form in [`MathMode::Fast`]) or a
/// registered function.
#[inline]
pub fn call(callee: Callee, natives: &[Native], math: MathMode, args: &[f64]) -> f64 {
    match callee {
        Callee::Math(f) => match (math, f.fast_fn()) {
            (MathMode::Fast, Some(fast)) => fast.call(args),
            _ => f.ptr().call(args),
        },
        Callee::Native(i) => natives[i as usize].func.call(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_ignore_nan_and_order_zeros() {
        assert_eq!(fmin(f64::NAN, 1.0), 1.0);
        assert_eq!(fmax(1.0, f64::NAN), 1.0);
        assert!(fmin(f64::NAN, f64::NAN).is_nan());
        assert_eq!(fmin(0.0, -0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(fmin(-0.0, 0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(fmax(-0.0, 0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(fmax(0.0, -0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(fmin(-3.0, 2.0), -3.0);
        assert_eq!(fmax(f64::NEG_INFINITY, -1e308), -1e308);
    }

    #[test]
    fn logic_treats_nan_as_true() {
        assert_eq!(unary(UnaryOp::Not, f64::NAN), 0.0);
        assert_eq!(unary(UnaryOp::Not, -0.0), 1.0);
        assert_eq!(binary(BinaryOp::And, f64::NAN, 2.0), 1.0);
        assert_eq!(binary(BinaryOp::Ne, f64::NAN, f64::NAN), 1.0);
        assert_eq!(binary(BinaryOp::Eq, f64::NAN, f64::NAN), 0.0);
        assert_eq!(select(f64::NAN, 1.0, 2.0), 1.0);
    }
}
