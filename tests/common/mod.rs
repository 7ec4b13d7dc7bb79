//! Helpers shared by the integration tests and benches: a seeded RNG, a
//! random formula generator over the whole grammar, awkward inputs, and
//! ulp distances.
#![allow(dead_code)]

pub mod harness;

/// A source of choices for the generators: SplitMix64 (seeded), or the
/// bytes a fuzzer chose (then zeros once they run out).
pub struct Rng {
    state: u64,
    bytes: Option<Vec<u8>>,
    pos: usize,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: seed,
            bytes: None,
            pos: 0,
        }
    }

    /// Choices read from `data`, one byte for a small choice.
    pub fn from_bytes(data: &[u8]) -> Rng {
        Rng {
            state: 0,
            bytes: Some(data.to_vec()),
            pos: 0,
        }
    }

    fn byte(&mut self) -> u8 {
        let b = self
            .bytes
            .as_ref()
            .and_then(|b| b.get(self.pos))
            .copied()
            .unwrap_or(0);
        self.pos += 1;
        b
    }

    pub fn next_u64(&mut self) -> u64 {
        if self.bytes.is_some() {
            return (0..8).fold(0u64, |v, _| (v << 8) | u64::from(self.byte()));
        }
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        if self.bytes.is_some() && n <= 256 {
            return usize::from(self.byte()) % n;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Values that break careless code: signed zeros, infinities, NaN,
/// subnormals, the extremes, integers, and values near 1.
pub const AWKWARD: [f64; 26] = [
    0.0,
    -0.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    -1e-310,
    f64::MAX,
    -f64::MAX,
    1e300,
    -1e-300,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    3.0,
    -3.0,
    9007199254740992.0,
    0.1,
    1.0000000000000002,
    0.9999999999999999,
    std::f64::consts::PI,
    -710.5,
];

/// An input: half the time awkward, otherwise a random value of random
/// magnitude and sign.
pub fn input(rng: &mut Rng) -> f64 {
    if rng.chance(0.4) {
        return *rng.pick(&AWKWARD);
    }
    match rng.below(4) {
        0 => (rng.below(21) as f64) - 10.0,
        1 => (rng.unit() - 0.5) * 20.0,
        2 => {
            let exp = rng.below(80) as i32 - 40;
            let sign = if rng.chance(0.5) { -1.0 } else { 1.0 };
            sign * (1.0 + rng.unit()) * 2f64.powi(exp)
        }
        _ => f64::from_bits(rng.next_u64()),
    }
}

pub const VARS: [&str; 5] = ["x", "y", "z", "t", "h"];

const FUNCS1: [&str; 29] = [
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "exp", "exp2", "expm1", "log", "ln", "log2", "log10", "log1p", "sqrt", "cbrt", "abs", "floor",
    "ceil", "round", "trunc", "sign", "-",
];
const FUNCS2: [&str; 6] = ["atan2", "pow", "hypot", "min", "max", "fmod"];
// `min` and `max` again: they take any number of arguments from two.
const FUNCS3: [&str; 5] = ["clamp", "fma", "if", "min", "max"];
const BINOPS: [&str; 18] = [
    "+", "-", "*", "/", "%", "^", "**", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "+", "*", "-",
];

/// A random number literal in one of the forms the grammar accepts.
pub fn literal(rng: &mut Rng) -> String {
    match rng.below(9) {
        0 => format!("{}", rng.below(10)),
        1 => format!("{}", rng.below(1000)),
        2 => format!("{:.3}", rng.unit() * 10.0),
        3 => format!(".{}", rng.below(100)),
        4 => format!("{}.", rng.below(100)),
        5 => format!("{:.2}e{}", rng.unit() * 10.0, rng.below(40) as i32 - 20),
        6 => format!("{}E+{}", rng.below(10), rng.below(5)),
        7 => (*rng.pick(&["pi", "e", "inf", "nan", "0", "1", "2", "0.5"])).to_string(),
        _ => format!("{}", rng.below(17)),
    }
}

/// A random formula with about `size` operations over the whole grammar,
/// in the variables [`VARS`].
pub fn formula(rng: &mut Rng, size: usize) -> String {
    formula_in(rng, size, &VARS)
}

/// A random formula with about `size` operations in the variables `vars`.
pub fn formula_in(rng: &mut Rng, size: usize, vars: &[&str]) -> String {
    let formula = |rng: &mut Rng, size: usize| formula_in(rng, size, vars);
    if size <= 1 {
        return if rng.chance(0.6) {
            (*rng.pick(vars)).to_string()
        } else {
            literal(rng)
        };
    }
    let rest = size - 1;
    match rng.below(12) {
        0..=3 => {
            let left = rng.below(rest.max(1)) + 1;
            let op = *rng.pick(&BINOPS);
            let a = formula(rng, left);
            let b = formula(rng, rest.saturating_sub(left).max(1));
            // Integer exponents exercise the power rewrite.
            if (op == "^" || op == "**") && rng.chance(0.5) {
                let n = rng.below(35) as i32 - 17;
                return if n < 0 {
                    format!("({a}){op}({n})")
                } else {
                    format!("({a}){op}{n}")
                };
            }
            if rng.chance(0.5) {
                format!("({a} {op} {b})")
            } else {
                format!("{a}{op}{b}")
            }
        }
        4..=6 => {
            let f = *rng.pick(&FUNCS1);
            let a = formula(rng, rest);
            if f == "-" {
                let prefix = *rng.pick(&["-", "+", "!", "- -"]);
                format!("{prefix}({a})")
            } else {
                format!("{f}({a})")
            }
        }
        7..=8 => {
            let f = *rng.pick(&FUNCS2);
            let left = rng.below(rest.max(1)) + 1;
            let a = formula(rng, left);
            let b = formula(rng, rest.saturating_sub(left).max(1));
            format!("{f}({a}, {b})")
        }
        9 => {
            let f = *rng.pick(&FUNCS3);
            let third = (rest / 3).max(1);
            let a = formula(rng, third);
            let b = formula(rng, third);
            let c = formula(rng, rest.saturating_sub(2 * third).max(1));
            format!("{f}({a}, {b}, {c})")
        }
        _ => {
            // A repeated subexpression, to exercise sharing.
            let a = formula(rng, rest / 2 + 1);
            let op = *rng.pick(&["+", "*", "-", "/"]);
            format!("({a}){op}({a})")
        }
    }
}

/// True when two results are the same for our purposes: identical bits, or
/// both NaN (NaN payloads are not part of the contract).
pub fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Distance from `got` to `expected` in units in the last place of
/// `expected` (one ulp of 0 is the smallest subnormal).
pub fn ulp_distance(got: f64, expected: f64) -> f64 {
    if got.to_bits() == expected.to_bits() || (got.is_nan() && expected.is_nan()) {
        return 0.0;
    }
    if !got.is_finite() || !expected.is_finite() {
        return f64::INFINITY;
    }
    let e = expected.abs();
    let ulp = if e == 0.0 {
        5e-324
    } else if e == f64::MAX {
        f64::MAX - f64::from_bits(f64::MAX.to_bits() - 1)
    } else {
        f64::from_bits(e.to_bits() + 1) - e
    };
    (got - expected).abs() / ulp
}

// Double-double arithmetic (about 106 bits) for reference values.
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

fn dd_mul(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (p, e) = two_prod(a.0, b.0);
    quick_two_sum(p, e + (a.0 * b.1 + a.1 * b.0))
}

/// `x^n` correctly rounded (to far better than an ulp) for normal results,
/// computed in double-double.
pub fn exact_powi(x: f64, n: i32) -> f64 {
    let (mut r, mut s, mut e) = ((1.0, 0.0), (x, 0.0), n.unsigned_abs());
    while e > 0 {
        if e & 1 == 1 {
            r = dd_mul(r, s);
        }
        e >>= 1;
        if e > 0 {
            s = dd_mul(s, s);
        }
    }
    if n >= 0 {
        r.0 + r.1
    } else {
        let q1 = 1.0 / r.0;
        let rem = (-q1).mul_add(r.0, 1.0) - q1 * r.1;
        q1 + rem / r.0
    }
}

/// One formula per operator and built-in function (of `x` and `y`), with
/// the rewrites' special cases: what every engine and width is checked on
/// with every pair of [`AWKWARD`] inputs.
#[allow(dead_code)]
pub const OPERATIONS: &[&str] = &[
    "x + y",
    "x - y",
    "x * y",
    "x / y",
    "x % y",
    "x ^ y",
    "x < y",
    "x <= y",
    "x > y",
    "x >= y",
    "x == y",
    "x != y",
    "x && y",
    "x || y",
    "!x",
    "-x",
    "+x",
    "min(x, y)",
    "max(x, y)",
    "atan2(x, y)",
    "pow(x, y)",
    "hypot(x, y)",
    "fmod(x, y)",
    "fma(x, y, x)",
    "clamp(x, y, 1)",
    "clamp(x, -1, y)",
    "if(x, y, 2)",
    "sign(x)",
    "abs(x)",
    "sqrt(x)",
    "floor(x)",
    "ceil(x)",
    "round(x)",
    "trunc(x)",
    "sin(x)",
    "cos(x)",
    "tan(x)",
    "asin(x)",
    "acos(x)",
    "atan(x)",
    "sinh(x)",
    "cosh(x)",
    "tanh(x)",
    "asinh(x)",
    "acosh(x)",
    "atanh(x)",
    "exp(x)",
    "exp2(x)",
    "expm1(x)",
    "log(x)",
    "log2(x)",
    "log10(x)",
    "log1p(x)",
    "cbrt(x)",
    "x^2",
    "x^-3",
    "x^7",
    "x^16",
    "x/4",
    "x*1",
    "x*-1",
    "x - 0",
    "x + -0",
];
