//! [`NativeFn`]: a plain `extern "C"` function of `f64`s, the one shape of
//! function that compiled code and the interpreter both call (the C
//! library, the inline math's slow paths, and functions a host registers).
//!
//! The bottom of the module graph: it imports nothing of the crate.

/// A function pointer with a fixed arity, callable from Rust and from JIT
/// code: what a host registers with [`crate::Engine::with_function`].
///
/// ```
/// extern "C" fn gauss(x: f64) -> f64 {
///     (-x * x / 2.0).exp()
/// }
/// let f = exprjit::NativeFn::Arity1(gauss);
/// assert_eq!(f.arity(), 1);
/// ```
#[derive(Debug, Clone, Copy)]
pub enum NativeFn {
    /// `f() -> f64`
    Arity0(extern "C" fn() -> f64),
    /// `f(a) -> f64`
    Arity1(extern "C" fn(f64) -> f64),
    /// `f(a, b) -> f64`
    Arity2(extern "C" fn(f64, f64) -> f64),
    /// `f(a, b, c) -> f64`
    Arity3(extern "C" fn(f64, f64, f64) -> f64),
    /// `f(a, b, c, d) -> f64`
    Arity4(extern "C" fn(f64, f64, f64, f64) -> f64),
}

impl NativeFn {
    /// The number of arguments.
    pub fn arity(self) -> usize {
        match self {
            NativeFn::Arity0(_) => 0,
            NativeFn::Arity1(_) => 1,
            NativeFn::Arity2(_) => 2,
            NativeFn::Arity3(_) => 3,
            NativeFn::Arity4(_) => 4,
        }
    }

    /// The code address, for the JIT's indirect call.
    pub(crate) fn address(self) -> usize {
        match self {
            NativeFn::Arity0(f) => f as usize,
            NativeFn::Arity1(f) => f as usize,
            NativeFn::Arity2(f) => f as usize,
            NativeFn::Arity3(f) => f as usize,
            NativeFn::Arity4(f) => f as usize,
        }
    }

    /// Calls it with `args`; NaN when `args.len()` is not the arity (which
    /// lowering rules out for every call a formula makes).
    #[inline]
    pub fn call(self, args: &[f64]) -> f64 {
        match (self, args) {
            (NativeFn::Arity0(f), []) => f(),
            (NativeFn::Arity1(f), &[a]) => f(a),
            (NativeFn::Arity2(f), &[a, b]) => f(a, b),
            (NativeFn::Arity3(f), &[a, b, c]) => f(a, b, c),
            (NativeFn::Arity4(f), &[a, b, c, d]) => f(a, b, c, d),
            _ => f64::NAN,
        }
    }
}
