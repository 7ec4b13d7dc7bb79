//! The fixed function table and the registry of native functions.
//!
//! Every function a formula can call is either a built-in listed here or a
//! native function a tool author registered. Library functions (`sin`, `pow`,
//! …) are `extern "C"` wrappers: the interpreter calls them through the very
//! same pointers the JIT code calls, so both backends get identical bits.
//!
//! Most functions come from the system C library through `std` (glibc on
//! Linux). `asinh`, `acosh` and `atanh` come from the `libm` crate (a port of
//! musl's libm), because `std` computes those with short formulas that lose
//! accuracy near 1 and 0.

use crate::error::{Error, ErrorKind, Result};

/// A built-in library function.
///
/// In [`crate::MathMode::Libm`] the JIT and the interpreter call the same
/// C-library pointer ([`MathFn::ptr`]); in [`crate::MathMode::Fast`] most
/// have an inline form ([`crate::math::fast_fn`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum MathFn {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Exp,
    Exp2,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Cbrt,
    Round,
    Atan2,
    Pow,
    Hypot,
    Fmod,
}

/// A function pointer with a fixed arity, callable from Rust and from JIT code.
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

    /// Calls it; `args.len()` must equal the arity (checked when the formula was lowered).
    #[inline]
    pub(crate) fn call(self, args: &[f64]) -> f64 {
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

macro_rules! wrappers1 {
    ($($name:ident => $body:expr;)*) => {
        $(extern "C" fn $name(x: f64) -> f64 { $body(x) })*
    };
}
macro_rules! wrappers2 {
    ($($name:ident => $body:expr;)*) => {
        $(extern "C" fn $name(x: f64, y: f64) -> f64 { $body(x, y) })*
    };
}

wrappers1! {
    ej_sin => f64::sin;
    ej_cos => f64::cos;
    ej_tan => f64::tan;
    ej_asin => f64::asin;
    ej_acos => f64::acos;
    ej_atan => f64::atan;
    ej_sinh => f64::sinh;
    ej_cosh => f64::cosh;
    ej_tanh => f64::tanh;
    ej_asinh => libm::asinh;
    ej_acosh => libm::acosh;
    ej_atanh => libm::atanh;
    ej_exp => f64::exp;
    ej_exp2 => f64::exp2;
    ej_expm1 => f64::exp_m1;
    ej_log => f64::ln;
    ej_log2 => f64::log2;
    ej_log10 => f64::log10;
    ej_log1p => f64::ln_1p;
    ej_cbrt => f64::cbrt;
    ej_round => f64::round;
}
wrappers2! {
    ej_atan2 => f64::atan2;
    ej_pow => f64::powf;
    ej_hypot => f64::hypot;
    ej_fmod => |x: f64, y: f64| x % y;
}

impl MathFn {
    /// Every library function, in declaration order.
    pub const ALL: [MathFn; 25] = [
        MathFn::Sin,
        MathFn::Cos,
        MathFn::Tan,
        MathFn::Asin,
        MathFn::Acos,
        MathFn::Atan,
        MathFn::Sinh,
        MathFn::Cosh,
        MathFn::Tanh,
        MathFn::Asinh,
        MathFn::Acosh,
        MathFn::Atanh,
        MathFn::Exp,
        MathFn::Exp2,
        MathFn::Expm1,
        MathFn::Log,
        MathFn::Log2,
        MathFn::Log10,
        MathFn::Log1p,
        MathFn::Cbrt,
        MathFn::Round,
        MathFn::Atan2,
        MathFn::Pow,
        MathFn::Hypot,
        MathFn::Fmod,
    ];

    /// The name a formula uses (`log` for the natural logarithm).
    pub fn name(self) -> &'static str {
        match self {
            MathFn::Sin => "sin",
            MathFn::Cos => "cos",
            MathFn::Tan => "tan",
            MathFn::Asin => "asin",
            MathFn::Acos => "acos",
            MathFn::Atan => "atan",
            MathFn::Sinh => "sinh",
            MathFn::Cosh => "cosh",
            MathFn::Tanh => "tanh",
            MathFn::Asinh => "asinh",
            MathFn::Acosh => "acosh",
            MathFn::Atanh => "atanh",
            MathFn::Exp => "exp",
            MathFn::Exp2 => "exp2",
            MathFn::Expm1 => "expm1",
            MathFn::Log => "log",
            MathFn::Log2 => "log2",
            MathFn::Log10 => "log10",
            MathFn::Log1p => "log1p",
            MathFn::Cbrt => "cbrt",
            MathFn::Round => "round",
            MathFn::Atan2 => "atan2",
            MathFn::Pow => "pow",
            MathFn::Hypot => "hypot",
            MathFn::Fmod => "fmod",
        }
    }

    /// The shared implementation, called by both the interpreter and JIT code.
    pub fn ptr(self) -> NativeFn {
        use NativeFn::{Arity1 as A1, Arity2 as A2};
        match self {
            MathFn::Sin => A1(ej_sin),
            MathFn::Cos => A1(ej_cos),
            MathFn::Tan => A1(ej_tan),
            MathFn::Asin => A1(ej_asin),
            MathFn::Acos => A1(ej_acos),
            MathFn::Atan => A1(ej_atan),
            MathFn::Sinh => A1(ej_sinh),
            MathFn::Cosh => A1(ej_cosh),
            MathFn::Tanh => A1(ej_tanh),
            MathFn::Asinh => A1(ej_asinh),
            MathFn::Acosh => A1(ej_acosh),
            MathFn::Atanh => A1(ej_atanh),
            MathFn::Exp => A1(ej_exp),
            MathFn::Exp2 => A1(ej_exp2),
            MathFn::Expm1 => A1(ej_expm1),
            MathFn::Log => A1(ej_log),
            MathFn::Log2 => A1(ej_log2),
            MathFn::Log10 => A1(ej_log10),
            MathFn::Log1p => A1(ej_log1p),
            MathFn::Cbrt => A1(ej_cbrt),
            MathFn::Round => A1(ej_round),
            MathFn::Atan2 => A2(ej_atan2),
            MathFn::Pow => A2(ej_pow),
            MathFn::Hypot => A2(ej_hypot),
            MathFn::Fmod => A2(ej_fmod),
        }
    }

    /// Number of arguments.
    pub fn arity(self) -> usize {
        self.ptr().arity()
    }
}

/// What a built-in name means when it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    /// A library call.
    Math(MathFn),
    /// `sqrt abs floor ceil trunc`: exact operations with native instructions.
    Exact(crate::ir::UnaryOp),
    /// `min`, `max`: C `fmin`/`fmax`.
    MinMax(crate::ir::BinaryOp),
    /// `fma(a, b, c)`: one rounding.
    Fma,
    /// `if(c, a, b)`.
    If,
    /// `clamp(x, lo, hi)`.
    Clamp,
    /// `sign(x)`.
    Sign,
}

/// Every built-in function name with its arity and meaning (`ln` is an alias of `log`).
pub(crate) fn builtin(name: &str) -> Option<(usize, Builtin)> {
    use crate::ir::{BinaryOp, UnaryOp};
    let b = match name {
        "sqrt" => Builtin::Exact(UnaryOp::Sqrt),
        "abs" => Builtin::Exact(UnaryOp::Abs),
        "floor" => Builtin::Exact(UnaryOp::Floor),
        "ceil" => Builtin::Exact(UnaryOp::Ceil),
        "trunc" => Builtin::Exact(UnaryOp::Trunc),
        "min" => Builtin::MinMax(BinaryOp::Min),
        "max" => Builtin::MinMax(BinaryOp::Max),
        "fma" => return Some((3, Builtin::Fma)),
        "if" => return Some((3, Builtin::If)),
        "clamp" => return Some((3, Builtin::Clamp)),
        "sign" => Builtin::Sign,
        "ln" => Builtin::Math(MathFn::Log),
        _ => {
            let f = MathFn::ALL.into_iter().find(|f| f.name() == name)?;
            return Some((f.arity(), Builtin::Math(f)));
        }
    };
    let arity = match b {
        Builtin::MinMax(_) => 2,
        _ => 1,
    };
    Some((arity, b))
}

/// Names of all built-in functions, for suggestions and completion.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    const EXTRA: [&str; 12] = [
        "sqrt", "abs", "floor", "ceil", "trunc", "min", "max", "fma", "if", "clamp", "sign", "ln",
    ];
    MathFn::ALL.into_iter().map(MathFn::name).chain(EXTRA)
}

/// The reserved constants and their values.
pub(crate) fn constant(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(std::f64::consts::PI),
        "e" => Some(std::f64::consts::E),
        _ => None,
    }
}

/// True if `name` is an identifier of the language: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A registered native function: its name and pointer.
#[derive(Debug, Clone)]
pub struct Native {
    /// The name formulas call it by.
    pub name: String,
    /// The function.
    pub func: NativeFn,
}

/// The native functions a tool author registered, in registration order.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    natives: Vec<Native>,
}

impl Registry {
    /// Adds `func` under `name`; the name must be a free identifier.
    pub fn register(&mut self, name: &str, func: NativeFn) -> Result<()> {
        let reject = |why: String| Err(Error::new(ErrorKind::Registration, why));
        if !is_identifier(name) {
            return reject(format!(
                "cannot register `{name}`: a function name must match [A-Za-z_][A-Za-z0-9_]*"
            ));
        }
        if builtin(name).is_some() || constant(name).is_some() {
            return reject(format!(
                "cannot register `{name}`: it is a built-in name of the language"
            ));
        }
        if let Some(slot) = self.natives.iter_mut().find(|n| n.name == name) {
            slot.func = func;
            return Ok(());
        }
        self.natives.push(Native {
            name: name.to_string(),
            func,
        });
        Ok(())
    }

    /// The index and entry of a registered function.
    pub fn lookup(&self, name: &str) -> Option<(usize, &Native)> {
        self.natives
            .iter()
            .enumerate()
            .find(|(_, n)| n.name == name)
    }

    /// All registered functions.
    pub fn all(&self) -> &[Native] {
        &self.natives
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_math_function_has_a_distinct_name_and_is_found_by_it() {
        for f in MathFn::ALL {
            assert_eq!(builtin(f.name()), Some((f.arity(), Builtin::Math(f))));
        }
        let mut names: Vec<_> = builtin_names().collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn wrappers_compute_the_named_function() {
        assert_eq!(MathFn::Fmod.ptr().call(&[-7.0, 3.0]), -1.0);
        assert_eq!(MathFn::Pow.ptr().call(&[2.0, 10.0]), 1024.0);
        assert_eq!(MathFn::Round.ptr().call(&[-2.5]), -3.0);
        assert_eq!(MathFn::Acosh.ptr().call(&[1.0]), 0.0);
    }

    #[test]
    fn registration_rejects_bad_and_reserved_names() {
        extern "C" fn one() -> f64 {
            1.0
        }
        let mut r = Registry::default();
        assert!(r.register("sin", NativeFn::Arity0(one)).is_err());
        assert!(r.register("pi", NativeFn::Arity0(one)).is_err());
        assert!(r.register("2x", NativeFn::Arity0(one)).is_err());
        assert!(r.register("one", NativeFn::Arity0(one)).is_ok());
        assert_eq!(r.lookup("one").map(|(i, _)| i), Some(0));
    }
}
