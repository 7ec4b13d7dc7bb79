//! [`Arith`] on plain `f64`: the interpreter's twin of the inline code.

use super::Arith;
use crate::native::NativeFn;

/// Evaluates the inline algorithms on one `f64` at a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scalar;

impl Arith for Scalar {
    type F = f64;
    type I = u64;
    type M = bool;

    #[inline(always)]
    fn f(&mut self, v: f64) -> f64 {
        v
    }
    #[inline(always)]
    fn i(&mut self, v: u64) -> u64 {
        v
    }
    #[inline(always)]
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    #[inline(always)]
    fn fma(&mut self, a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn neg(&mut self, a: f64) -> f64 {
        -a
    }
    #[inline(always)]
    fn abs(&mut self, a: f64) -> f64 {
        a.abs()
    }
    #[inline(always)]
    fn sqrt(&mut self, a: f64) -> f64 {
        a.sqrt()
    }
    #[inline(always)]
    fn lt(&mut self, a: f64, b: f64) -> bool {
        a < b
    }
    #[inline(always)]
    fn le(&mut self, a: f64, b: f64) -> bool {
        a <= b
    }
    #[inline(always)]
    fn eq(&mut self, a: f64, b: f64) -> bool {
        a == b
    }
    #[inline(always)]
    fn is_nan(&mut self, a: f64) -> bool {
        a.is_nan()
    }
    #[inline(always)]
    fn and(&mut self, a: bool, b: bool) -> bool {
        a && b
    }
    #[inline(always)]
    fn or(&mut self, a: bool, b: bool) -> bool {
        a || b
    }
    #[inline(always)]
    fn not(&mut self, a: bool) -> bool {
        !a
    }
    #[inline(always)]
    fn select(&mut self, m: bool, a: f64, b: f64) -> f64 {
        if m { a } else { b }
    }
    #[inline(always)]
    fn bits_of(&mut self, a: f64) -> u64 {
        a.to_bits()
    }
    #[inline(always)]
    fn float_of(&mut self, a: u64) -> f64 {
        f64::from_bits(a)
    }
    #[inline(always)]
    fn iadd(&mut self, a: u64, b: u64) -> u64 {
        a.wrapping_add(b)
    }
    #[inline(always)]
    fn isub(&mut self, a: u64, b: u64) -> u64 {
        a.wrapping_sub(b)
    }
    #[inline(always)]
    fn iand(&mut self, a: u64, b: u64) -> u64 {
        a & b
    }
    #[inline(always)]
    fn ior(&mut self, a: u64, b: u64) -> u64 {
        a | b
    }
    #[inline(always)]
    fn ixor(&mut self, a: u64, b: u64) -> u64 {
        a ^ b
    }
    #[inline(always)]
    fn shl(&mut self, a: u64, n: u32) -> u64 {
        a << n
    }
    #[inline(always)]
    fn ushr(&mut self, a: u64, n: u32) -> u64 {
        a >> n
    }
    #[inline(always)]
    fn lookup<const W: usize>(&mut self, table: &'static [[f64; W]], index: u64) -> [f64; W] {
        assert!(matches!(W, 1 | 2 | 4), "table entries of 1, 2 or 4 values");
        assert!(table.len().is_power_of_two(), "table length a power of two");
        table[(index & (table.len() as u64 - 1)) as usize]
    }
    #[inline(always)]
    fn fallback(&mut self, cond: bool, value: f64, args: &[f64], slow: NativeFn) -> f64 {
        if cond { slow.call(args) } else { value }
    }
}
