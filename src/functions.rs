//! The function table: every built-in function, declared once.
//!
//! Each row of [`library_functions!`] names a library function once: its
//! variant, the name formulas use, its arguments, the C library entry
//! ([`MathMode::Libm`](crate::MathMode::Libm), and every mode for functions
//! without an inline form), the inline algorithm in `crate::math` if it has
//! one ([`MathMode::Fast`](crate::MathMode::Fast)), and a one-line doc. The
//! other built-ins (exact operations such as `sqrt`, and the forms lowering
//! spells in IR operations, such as `if` and `clamp`) are the rows of
//! [`OTHER_BUILTINS`]. Lowering, constant folding, the interpreter, code
//! generation, printing, the session's help and completion and the README
//! check all read these two tables; no other list of function names exists.
//!
//! Most C library entries are `std`'s (glibc on Linux). `asinh`, `acosh` and
//! `atanh` come from the `libm` crate (a port of musl's libm), because `std`
//! computes those with short formulas that lose accuracy near 1 and 0.

use crate::error::{Error, ErrorKind, Result};
use crate::math::{Arith, Scalar, asin, atan, cbrt, exp, log, pow, trig};
use crate::native::NativeFn;

/// `f64`, once per argument name (a type-position helper for the table).
macro_rules! f64_for {
    ($arg:ident) => {
        f64
    };
}

/// `f` (a path to a function of `f64`s, or to a generic algorithm called on
/// [`Scalar`] when `on_scalar` is given) as an `extern "C"` [`NativeFn`].
macro_rules! extern_c {
    ($f:path, ($($arg:ident),+)) => {{
        extern "C" fn c($($arg: f64),+) -> f64 {
            $f($($arg),+)
        }
        NativeFn::from(c as extern "C" fn($(f64_for!($arg)),+) -> f64)
    }};
    (on_scalar $f:path, ($($arg:ident),+)) => {{
        extern "C" fn c($($arg: f64),+) -> f64 {
            $f(&mut Scalar, $($arg),+)
        }
        NativeFn::from(c as extern "C" fn($(f64_for!($arg)),+) -> f64)
    }};
}

/// Calls the algorithm `$alg` on `$arith` with the values of `$slice`, one
/// per argument name.
macro_rules! call_inline {
    ($alg:path, $arith:expr, $slice:expr, $name:literal, ($($arg:ident),+)) => {{
        let &[$($arg),+] = $slice else {
            panic!("`{}` takes {} arguments", $name, [$(stringify!($arg)),+].len())
        };
        $alg($arith, $($arg),+)
    }};
}

/// Declares [`MathFn`] and everything derived from its rows.
macro_rules! library_functions {
    ($(
        $variant:ident $name:literal $args:tt
            libm $libm:path, inline [$($alg:path)?], $doc:literal;
    )*) => {
        /// A built-in library function: a call in the IR, to the C library
        /// or to an inline algorithm depending on the math mode.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MathFn {
            $(#[doc = $doc] $variant,)*
        }

        impl MathFn {
            /// Every library function, in table order.
            pub const ALL: [MathFn; [$($name),*].len()] = [$(MathFn::$variant),*];

            /// The name a formula uses (`log` for the natural logarithm).
            pub fn name(self) -> &'static str {
                match self {
                    $(MathFn::$variant => $name,)*
                }
            }

            /// The argument names, for help text (`["y", "x"]` for `atan2`).
            pub fn params(self) -> &'static [&'static str] {
                match self {
                    $(MathFn::$variant => &params!$args,)*
                }
            }

            /// The one-line description.
            pub fn doc(self) -> &'static str {
                match self {
                    $(MathFn::$variant => $doc,)*
                }
            }

            /// Number of arguments.
            pub fn arity(self) -> usize {
                self.params().len()
            }

            /// The C library implementation, called by both the interpreter
            /// and JIT code (through the same pointer).
            pub fn ptr(self) -> NativeFn {
                match self {
                    $(MathFn::$variant => extern_c!($libm, $args),)*
                }
            }

            /// The inline (fast-mode) algorithm as a scalar function: what
            /// the interpreter and constant folding call in
            /// [`MathMode::Fast`](crate::MathMode::Fast). `None` where the
            /// function has no inline form and calls the C library in both
            /// modes.
            pub fn fast_fn(self) -> Option<NativeFn> {
                match self {
                    $($(MathFn::$variant => Some(extern_c!(on_scalar $alg, $args)),)?)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }

            /// Whether the function has an inline form.
            pub fn has_inline(self) -> bool {
                self.fast_fn().is_some()
            }

            /// Emits (or, on [`Scalar`], computes) the inline form on `args`;
            /// `None` if the function has none.
            ///
            /// # Panics
            ///
            /// If `args` is not the function's arity.
            pub(crate) fn inline<A: Arith>(self, a: &mut A, args: &[A::F]) -> Option<A::F> {
                match self {
                    $($(MathFn::$variant => Some(call_inline!($alg, a, args, $name, $args)),)?)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

/// `["x", "y"]` from `(x, y)`.
macro_rules! params {
    ($($arg:ident),+) => {
        [$(stringify!($arg)),+]
    };
}

fn fmod(x: f64, y: f64) -> f64 {
    x % y
}

library_functions! {
    Sin "sin" (x) libm f64::sin, inline [trig::sin], "sine (radians)";
    Cos "cos" (x) libm f64::cos, inline [trig::cos], "cosine (radians)";
    Tan "tan" (x) libm f64::tan, inline [trig::tan], "tangent (radians)";
    Asin "asin" (x) libm f64::asin, inline [asin::asin], "arcsine, in [-pi/2, pi/2]";
    Acos "acos" (x) libm f64::acos, inline [asin::acos], "arccosine, in [0, pi]";
    Atan "atan" (x) libm f64::atan, inline [atan::atan], "arctangent, in [-pi/2, pi/2]";
    Sinh "sinh" (x) libm f64::sinh, inline [exp::sinh], "hyperbolic sine";
    Cosh "cosh" (x) libm f64::cosh, inline [exp::cosh], "hyperbolic cosine";
    Tanh "tanh" (x) libm f64::tanh, inline [exp::tanh], "hyperbolic tangent";
    Asinh "asinh" (x) libm libm::asinh, inline [], "inverse hyperbolic sine";
    Acosh "acosh" (x) libm libm::acosh, inline [], "inverse hyperbolic cosine";
    Atanh "atanh" (x) libm libm::atanh, inline [], "inverse hyperbolic tangent";
    Exp "exp" (x) libm f64::exp, inline [exp::exp], "e^x";
    Exp2 "exp2" (x) libm f64::exp2, inline [exp::exp2], "2^x";
    Expm1 "expm1" (x) libm f64::exp_m1, inline [exp::expm1], "e^x - 1, accurate near 0";
    Log "log" (x) libm f64::ln, inline [log::log], "natural logarithm (also `ln`)";
    Log2 "log2" (x) libm f64::log2, inline [log::log2], "base-2 logarithm";
    Log10 "log10" (x) libm f64::log10, inline [log::log10], "base-10 logarithm";
    Log1p "log1p" (x) libm f64::ln_1p, inline [log::log1p], "log(1 + x), accurate near 0";
    Cbrt "cbrt" (x) libm f64::cbrt, inline [cbrt::cbrt], "cube root (negative for negative x)";
    Round "round" (x) libm f64::round, inline [], "nearest integer, halves away from zero";
    Atan2 "atan2" (y, x) libm f64::atan2, inline [atan::atan2], "angle of the point (x, y), in [-pi, pi]";
    Pow "pow" (x, y) libm f64::powf, inline [pow::pow], "x^y (also `x^y` and `x**y`)";
    Hypot "hypot" (x, y) libm f64::hypot, inline [], "sqrt(x^2 + y^2) without overflow";
    Fmod "fmod" (x, y) libm fmod, inline [], "remainder of x/y with the sign of x (also `x % y`)";
}

impl From<extern "C" fn(f64) -> f64> for NativeFn {
    fn from(f: extern "C" fn(f64) -> f64) -> NativeFn {
        NativeFn::Arity1(f)
    }
}

impl From<extern "C" fn(f64, f64) -> f64> for NativeFn {
    fn from(f: extern "C" fn(f64, f64) -> f64) -> NativeFn {
        NativeFn::Arity2(f)
    }
}

/// How many arguments a built-in takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more.
    AtLeast(usize),
}

impl Arity {
    /// Whether `n` arguments are accepted.
    pub(crate) fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k,
        }
    }
}

/// What a built-in name means when it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    /// A library call.
    Math(MathFn),
    /// `sqrt(x)`, correctly rounded.
    Sqrt,
    /// `abs(x)`.
    Abs,
    /// `floor(x)`.
    Floor,
    /// `ceil(x)`.
    Ceil,
    /// `trunc(x)`.
    Trunc,
    /// `min(a, b, …)`: C `fmin`, folded left.
    Min,
    /// `max(a, b, …)`: C `fmax`, folded left.
    Max,
    /// `fma(a, b, c)`: one rounding.
    Fma,
    /// `if(c, a, b)`.
    If,
    /// `clamp(x, lo, hi)`.
    Clamp,
    /// `sign(x)`.
    Sign,
}

/// One built-in that is not a library function: its name, arguments (a
/// trailing `…` means "or more"), meaning and one-line doc.
pub(crate) struct OtherBuiltin {
    pub(crate) name: &'static str,
    pub(crate) params: &'static [&'static str],
    pub(crate) arity: Arity,
    pub(crate) meaning: Builtin,
    pub(crate) doc: &'static str,
}

const fn other(
    name: &'static str,
    params: &'static [&'static str],
    arity: Arity,
    meaning: Builtin,
    doc: &'static str,
) -> OtherBuiltin {
    OtherBuiltin {
        name,
        params,
        arity,
        meaning,
        doc,
    }
}

/// Every built-in that is not a row of [`library_functions!`]: exact
/// operations with native instructions, the forms lowering spells in IR
/// operations, and the alias `ln`.
pub(crate) const OTHER_BUILTINS: &[OtherBuiltin] = {
    use Arity::{AtLeast, Exactly};
    &[
        other(
            "sqrt",
            &["x"],
            Exactly(1),
            Builtin::Sqrt,
            "square root, correctly rounded",
        ),
        other("abs", &["x"], Exactly(1), Builtin::Abs, "absolute value"),
        other(
            "floor",
            &["x"],
            Exactly(1),
            Builtin::Floor,
            "largest integer <= x",
        ),
        other(
            "ceil",
            &["x"],
            Exactly(1),
            Builtin::Ceil,
            "smallest integer >= x",
        ),
        other(
            "trunc",
            &["x"],
            Exactly(1),
            Builtin::Trunc,
            "integer part, toward zero",
        ),
        other(
            "sign",
            &["x"],
            Exactly(1),
            Builtin::Sign,
            "1 for x > 0, -1 for x < 0, x itself for ±0 and NaN",
        ),
        other(
            "min",
            &["a", "b", "…"],
            AtLeast(2),
            Builtin::Min,
            "smallest argument (C fmin, folded left: a NaN argument is ignored)",
        ),
        other(
            "max",
            &["a", "b", "…"],
            AtLeast(2),
            Builtin::Max,
            "largest argument (C fmax, folded left: a NaN argument is ignored)",
        ),
        other(
            "clamp",
            &["x", "lo", "hi"],
            Exactly(3),
            Builtin::Clamp,
            "lo if x < lo, hi if x > hi, else x (NaN stays NaN)",
        ),
        other(
            "fma",
            &["a", "b", "c"],
            Exactly(3),
            Builtin::Fma,
            "a*b + c with one rounding",
        ),
        other(
            "if",
            &["c", "a", "b"],
            Exactly(3),
            Builtin::If,
            "a where c != 0 (NaN too), else b",
        ),
        other(
            "ln",
            &["x"],
            Exactly(1),
            Builtin::Math(MathFn::Log),
            "natural logarithm (alias of `log`)",
        ),
    ]
};

/// A built-in function as the help text and completion see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FunctionDoc {
    /// The name formulas call.
    pub(crate) name: &'static str,
    /// The argument names (a trailing `…`: any number more).
    pub(crate) params: &'static [&'static str],
    /// The one-line description.
    pub(crate) doc: &'static str,
}

impl FunctionDoc {
    /// `name(a, b)`.
    pub(crate) fn signature(&self) -> String {
        format!("{}({})", self.name, self.params.join(", "))
    }
}

/// Every built-in function, library functions first, in table order.
pub(crate) fn all_builtins() -> impl Iterator<Item = FunctionDoc> {
    MathFn::ALL
        .into_iter()
        .map(|f| FunctionDoc {
            name: f.name(),
            params: f.params(),
            doc: f.doc(),
        })
        .chain(OTHER_BUILTINS.iter().map(|o| FunctionDoc {
            name: o.name,
            params: o.params,
            doc: o.doc,
        }))
}

/// The session's help on functions: the names in one paragraph, or (with
/// `detail`) one line per function with its arguments and meaning.
pub(crate) fn help(detail: bool) -> String {
    if detail {
        let rows: Vec<(String, &str)> = all_builtins().map(|f| (f.signature(), f.doc)).collect();
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let mut text = String::from("Functions\n");
        for (signature, doc) in rows {
            let pad = width - signature.chars().count();
            text += &format!("  {signature}{:pad$}  {doc}\n", "");
        }
        let constants: Vec<&str> = constant_names().collect();
        text + &format!("Constants: {}.", constants.join(" "))
    } else {
        let mut text = String::from("Functions:");
        let mut line = text.len();
        for name in builtin_names() {
            if line + 1 + name.len() > 80 {
                text += "\n";
                line = 0;
            } else {
                text += " ";
                line += 1;
            }
            text += name;
            line += name.len();
        }
        let constants: Vec<&str> = constant_names().collect();
        text + &format!(
            "\n(:help functions says what each does); constants {}.",
            constants.join(" ")
        )
    }
}

/// The arity and meaning of a built-in function name.
pub(crate) fn builtin(name: &str) -> Option<(Arity, Builtin)> {
    if let Some(o) = OTHER_BUILTINS.iter().find(|o| o.name == name) {
        return Some((o.arity, o.meaning));
    }
    let f = MathFn::ALL.into_iter().find(|f| f.name() == name)?;
    Some((Arity::Exactly(f.arity()), Builtin::Math(f)))
}

/// Names of all built-in functions, for suggestions and completion.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    all_builtins().map(|f| f.name)
}

/// The reserved constants and their values.
pub(crate) const CONSTANTS: [(&str, f64); 4] = [
    ("pi", std::f64::consts::PI),
    ("e", std::f64::consts::E),
    ("inf", f64::INFINITY),
    ("nan", f64::NAN),
];

/// The names of the reserved constants.
pub(crate) fn constant_names() -> impl Iterator<Item = &'static str> {
    CONSTANTS.iter().map(|c| c.0)
}

/// The value of a reserved constant.
pub(crate) fn constant(name: &str) -> Option<f64> {
    CONSTANTS.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// True if `name` is an identifier of the language: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_identifier(name: &str) -> bool {
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
    fn every_builtin_has_a_distinct_name_and_is_found_by_it() {
        for f in MathFn::ALL {
            assert_eq!(
                builtin(f.name()),
                Some((Arity::Exactly(f.arity()), Builtin::Math(f)))
            );
            assert_eq!(f.fast_fn().is_some(), f.has_inline(), "{}", f.name());
        }
        for o in OTHER_BUILTINS {
            assert_eq!(builtin(o.name), Some((o.arity, o.meaning)));
        }
        let mut names: Vec<_> = builtin_names().collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(n, 37);
    }

    #[test]
    fn wrappers_compute_the_named_function() {
        assert_eq!(MathFn::Fmod.ptr().call(&[-7.0, 3.0]), -1.0);
        assert_eq!(MathFn::Pow.ptr().call(&[2.0, 10.0]), 1024.0);
        assert_eq!(MathFn::Round.ptr().call(&[-2.5]), -3.0);
        assert_eq!(MathFn::Acosh.ptr().call(&[1.0]), 0.0);
        assert_eq!(
            MathFn::Atan2.ptr().call(&[1.0, 0.0]),
            std::f64::consts::FRAC_PI_2
        );
        assert_eq!(
            MathFn::Atan2.fast_fn().unwrap().call(&[1.0, 0.0]),
            std::f64::consts::FRAC_PI_2
        );
        assert_eq!(MathFn::Cos.fast_fn().unwrap().call(&[0.0]), 1.0);
        assert!(MathFn::Hypot.fast_fn().is_none());
    }

    #[test]
    fn the_inline_forms_are_the_documented_set() {
        let inline: Vec<&str> = MathFn::ALL
            .iter()
            .filter(|f| f.has_inline())
            .map(|f| f.name())
            .collect();
        assert_eq!(
            inline.join(" "),
            "sin cos tan asin acos atan sinh cosh tanh exp exp2 expm1 log log2 log10 log1p cbrt atan2 pow"
        );
    }

    /// The README's table of functions, as the function table gives it.
    fn readme_table() -> String {
        let mut t = String::from("| function | meaning |\n| --- | --- |\n");
        for f in all_builtins() {
            t += &format!("| `{}` | {} |\n", f.signature(), f.doc.replace('|', "\\|"));
        }
        t
    }

    #[test]
    fn the_readme_lists_exactly_the_function_table() {
        let readme = include_str!("../README.md");
        let want = readme_table();
        assert!(
            readme.contains(&want),
            "README.md's function table differs from src/functions.rs; it should read:\n{want}"
        );
    }

    #[test]
    fn the_help_lists_every_builtin() {
        let short = help(false);
        let long = help(true);
        for f in all_builtins() {
            assert!(short.split_whitespace().any(|w| w == f.name), "{}", f.name);
            assert!(
                long.contains(&f.signature()) && long.contains(f.doc),
                "{}",
                f.name
            );
        }
        assert!(short.lines().all(|l| l.chars().count() <= 80), "{short}");
        assert!(long.contains("  max(a, b, …)"), "{long}");
    }

    #[test]
    fn registration_rejects_bad_and_reserved_names() {
        extern "C" fn one() -> f64 {
            1.0
        }
        let mut r = Registry::default();
        assert!(r.register("sin", NativeFn::Arity0(one)).is_err());
        assert!(r.register("ln", NativeFn::Arity0(one)).is_err());
        assert!(r.register("pi", NativeFn::Arity0(one)).is_err());
        assert!(r.register("2x", NativeFn::Arity0(one)).is_err());
        assert!(r.register("one", NativeFn::Arity0(one)).is_ok());
        assert_eq!(r.lookup("one").map(|(i, _)| i), Some(0));
    }
}
