//! N-digit evaluation: a formula in arbitrary-precision arithmetic
//! (`astro-float`), with the inputs and the formula's own literals taken as
//! the exact decimals typed.
//!
//! The evaluator walks the formula's syntax tree, not the IR: the IR holds
//! constants as `f64` bits, so `0.1` there is already rounded; the tree keeps
//! each literal's text. Every operation has the meaning lowering gives it
//! (`x^y` is `pow`, `%` is `fmod`, `if`/`clamp`/`sign`/`min`/`max` as in
//! `ir::lower`), evaluated at `p` bits. [`eval_digits`] raises `p` until two
//! successive precisions round to the same `N` significant digits, and
//! fails with a [`ErrorKind::Limit`] error when [`MAX_BITS`] is reached first.

use astro_float_num::{BigFloat, Consts, Radix, RoundingMode, Sign};

use crate::error::{Error, ErrorKind, Result};
use crate::functions::{self, Builtin, MathFn};
use crate::ir::Program;
use crate::limits::Limits;
use crate::syntax::{self, Ast, AstKind, Infix, Prefix};

pub mod accuracy;
pub mod ulps;

/// The most significant digits one evaluation may ask for.
pub const MAX_DIGITS: usize = 5_000;
/// The highest working precision, in bits, before giving up.
pub const MAX_BITS: usize = 1 << 16;

/// Marks a result that is rounding noise of a cancellation (see
/// [`eval_at`]); two successive precisions of noise print as `0`.
const NOISE: &str = "noise";
/// A sum below its largest operand by more than `p - NOISE_BITS` bits is
/// rounding noise at `p` bits.
const NOISE_BITS: i64 = 16;

/// Rounding of the basic operations.
const RM: RoundingMode = RoundingMode::ToEven;
/// Rounding of the functions: none, so astro-float skips its own
/// correct-rounding loop (which does not end on exact results such as
/// `pow(2, 2)`); the result is within a few units of 2^-p, and the
/// precision loop here supplies the guard bits.
const FN: RoundingMode = RoundingMode::None;

/// The value of a formula to `digits` significant digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitsValue {
    /// The digits: `d.ddd…e±X` (`digits` significant digits), or `0`,
    /// `inf`, `-inf`, `NaN`.
    pub text: String,
    /// The working precision, in bits, of the evaluation that confirmed them.
    pub bits: usize,
}

/// Evaluates `program` (whose text is re-read for its literals) with the
/// decimal `bindings` to `digits` significant digits.
pub fn eval_digits(
    program: &Program,
    bindings: &[(&str, &str)],
    digits: usize,
) -> Result<DigitsValue> {
    if digits == 0 || digits > MAX_DIGITS {
        return Err(Error::new(
            ErrorKind::Limit,
            format!("digits must be between 1 and {MAX_DIGITS}, not {digits}"),
        ));
    }
    let limits = Limits {
        max_text_len: usize::MAX,
        max_depth: usize::MAX,
        max_nodes: usize::MAX,
    };
    let ast = syntax::parse(&program.text, &limits)?;
    check_natives(&ast, program)?;
    let inputs = bind_inputs(program, bindings)?;
    // Start with the digits asked for (or the most significant digits of any
    // typed decimal, if more), 32 guard bits, and the spread of the typed
    // decimals' magnitudes: so `(1 + 1e-300) - 1` keeps the small term and
    // two decimals that differ in their last digit stay apart.
    let (spread, longest, capped) = exponent_spread(&ast, &inputs);
    let want = digits.max(longest);
    let mut p = (want as f64 * std::f64::consts::LOG2_10).ceil() as usize + 32 + spread;
    p = p.min(MAX_BITS / 2);
    let mut cc = consts()?;
    let text = |(v, noise): (BigFloat, bool), cc: &mut Consts| -> Result<String> {
        if noise {
            Ok(NOISE.to_string())
        } else {
            round_text(&v, digits, cc)
        }
    };
    // Evaluates at `p` bits or more: an operation may ask for more
    // (`fmod` of operands far apart), up to the cap.
    let run = |p: &mut usize, cc: &mut Consts| -> Result<(BigFloat, bool)> {
        loop {
            let (v, noise, need) = eval_at(&ast, &inputs, *p, cc)?;
            if need <= *p {
                return Ok((v, noise));
            }
            if need > MAX_BITS {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!(
                        "an operation needs {need} bits of working precision, more than the cap of {MAX_BITS}"
                    ),
                )
                .with_help("fmod(x, y) with x/y beyond 2^65000 has no digits to give"));
            }
            *p = need;
        }
    };
    let mut last = text(run(&mut p, &mut cc)?, &mut cc)?;
    loop {
        let mut next_p = (p * 2).min(MAX_BITS);
        let next = text(run(&mut next_p, &mut cc)?, &mut cc)?;
        if next == last {
            if next == NOISE && capped {
                return Err(Error::new(
                    ErrorKind::Limit,
                    "the result cancels to below the working precision, and the typed values \
                     span more than it can hold: it cannot be told from 0",
                ));
            }
            let next = if next == NOISE { "0".to_string() } else { next };
            return Ok(DigitsValue {
                text: next,
                bits: next_p,
            });
        }
        if next_p >= MAX_BITS {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "the {digits} digits did not settle by {MAX_BITS} bits of working precision: \
                     {p} bits gave {last}, {next_p} bits gave {next}"
                ),
            )
            .with_help("the formula loses more digits than the cap allows (a cancellation, or an argument near a pole); ask for fewer digits"));
        }
        last = next;
        p = next_p;
    }
}

/// The exact decimal expansion of a finite `f64` (`m·5^k` digits and a
/// power of ten), so the digits evaluator sees the very value a compiled
/// formula sees; `None` for NaN and infinities.
pub fn exact_decimal(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let field = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if field == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), field - 1075)
    };
    Some(if e >= 0 {
        format!("{sign}{}", big_mul(m, e.unsigned_abs(), 2))
    } else {
        // m·2^e = m·5^-e · 10^e
        format!("{sign}{}e{e}", big_mul(m, e.unsigned_abs(), 5))
    })
}

/// `m·b^k` in decimal (base-10^9 limbs).
fn big_mul(m: u64, k: u32, b: u64) -> String {
    const L: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = vec![m % L, (m / L) % L, m / (L * L)];
    for _ in 0..k {
        let mut carry = 0u64;
        for l in limbs.iter_mut() {
            let v = *l * b + carry;
            *l = v % L;
            carry = v / L;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut s = limbs.last().map_or_else(String::new, u64::to_string);
    for l in limbs.iter().rev().skip(1) {
        s.push_str(&format!("{l:09}"));
    }
    s
}

fn consts() -> Result<Consts> {
    Consts::new().map_err(|e| {
        Error::new(
            ErrorKind::Limit,
            format!("arbitrary-precision constants: {e:?}"),
        )
    })
}

/// A clear error for every call of a registered native function.
fn check_natives(ast: &Ast, program: &Program) -> Result<()> {
    for node in &ast.nodes {
        if let AstKind::Call {
            name, name_span, ..
        } = &node.kind
            && functions::builtin(name).is_none()
            && program.natives.iter().any(|n| n.name == **name)
        {
            return Err(Error::at(
                ErrorKind::UnknownFunction,
                format!("`{name}` is a registered native function; it has no N-digit form"),
                *name_span,
                &ast.text,
            )
            .with_help("only built-in functions can be evaluated to N digits"));
        }
    }
    Ok(())
}

/// The decimal text of each variable of the tree, by name (checked: every
/// variable bound, every binding a variable of the formula or at least a
/// valid name given once, every value a decimal).
fn bind_inputs<'a>(
    program: &Program,
    bindings: &[(&'a str, &'a str)],
) -> Result<Vec<(&'a str, &'a str)>> {
    for (k, (name, value)) in bindings.iter().enumerate() {
        crate::bind::check_name(name)?;
        if bindings[..k].iter().any(|b| b.0 == *name) {
            return Err(Error::new(
                ErrorKind::DuplicateName,
                format!("`{name}` is given twice"),
            ));
        }
        if !is_decimal(value) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "`{name}={value}`: not a decimal number (digits, an optional `.` and exponent)"
                ),
            ));
        }
    }
    for v in &program.vars {
        if !bindings.iter().any(|b| b.0 == &*v.name) {
            return Err(Error::at(
                ErrorKind::UnboundVariable,
                format!("`{}` has no value", v.name),
                v.span,
                &v.text,
            )
            .with_help(format!("give it one, e.g. `{}=1.5`", v.name)));
        }
    }
    Ok(bindings.to_vec())
}

/// `[+-]digits[.digits][e[+-]digits]` (or `.digits`): the decimals taken
/// exactly.
pub fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mant_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exp_ok = match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.len() <= 9 && digits(e)
        }
    };
    mant_ok && exp_ok
}

/// The decimal exponent of a decimal text (0 for zero).
fn decimal_exponent(s: &str) -> i64 {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    let int = int.trim_start_matches('0');
    if !int.is_empty() {
        return exp + int.len() as i64 - 1;
    }
    match frac.bytes().position(|b| b != b'0') {
        Some(z) => exp - z as i64 - 1,
        None => 0,
    }
}

/// The spread, in bits, between the largest and smallest nonzero literal
/// or input (capped at a quarter of [`MAX_BITS`]), and the most significant
/// digits any of them has (capped at [`MAX_DIGITS`]).
fn exponent_spread(ast: &Ast, inputs: &[(&str, &str)]) -> (usize, usize, bool) {
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    let mut longest = 0;
    let mut see = |t: &str| {
        longest = longest.max(significant_digits(t));
        if t.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            let e = decimal_exponent(t);
            lo = lo.min(e);
            hi = hi.max(e);
        }
    };
    for node in &ast.nodes {
        if let AstKind::Number(_) = node.kind {
            see(&ast.text[node.span.start..node.span.end]);
        }
    }
    for (_, v) in inputs {
        see(v);
    }
    if lo > hi {
        return (0, longest.min(MAX_DIGITS), false);
    }
    let bits = ((hi - lo) as f64 * std::f64::consts::LOG2_10).ceil() as usize;
    (
        bits.min(MAX_BITS / 4),
        longest.min(MAX_DIGITS),
        bits > MAX_BITS / 4,
    )
}

/// The significant digits of a decimal text (`0.00120` has 3).
fn significant_digits(s: &str) -> usize {
    let mant = s.split(['e', 'E']).next().unwrap_or("");
    let ds: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let ds = ds.trim_start_matches('0');
    ds.len()
}

fn big(v: i64, p: usize) -> BigFloat {
    BigFloat::from_i64(v, p.max(64))
}

fn truth(b: bool) -> BigFloat {
    big(b as i64, 64)
}

/// True unless zero (NaN counts as true, as in `ops::truth`).
fn is_true(x: &BigFloat) -> bool {
    x.is_nan() || !x.is_zero()
}

/// `a` compared with `b`; `None` if either is NaN.
fn compare(a: &BigFloat, b: &BigFloat) -> Option<std::cmp::Ordering> {
    a.cmp(b).map(|c| c.cmp(&0))
}

/// Evaluates the tree at `p` bits; the flag is set when the value is
/// rounding noise: a sum or difference (or `fma`) that cancelled to below
/// its largest operand's rounding error at `p` bits, or such noise
/// multiplied, divided, negated or taken the absolute value of. An exact
/// zero (`0.1 + 0.2 - 0.3` with the decimals taken exactly) is noise at
/// every precision and so prints as `0`.
fn eval_at(
    ast: &Ast,
    inputs: &[(&str, &str)],
    p: usize,
    cc: &mut Consts,
) -> Result<(BigFloat, bool, usize)> {
    let (mut vals, mut noise, need) = eval_nodes(ast, inputs, p, cc)?;
    let flag = noise.pop().expect("an AST has a root");
    Ok((vals.pop().expect("an AST has a root"), flag, need))
}

/// A remainder `r` of `x` by `y` within the operands' rounding error
/// (`p - NOISE_BITS` bits below the larger) of 0 or of `|y|` becomes a
/// signed 0 marked as noise (the last flag).
fn fmod_edge(r: BigFloat, x: &BigFloat, y: &BigFloat, p: usize, noise: &mut [bool]) -> BigFloat {
    if r.is_nan() || r.is_inf() || y.is_zero() || y.is_inf() || y.is_nan() || x.is_inf() {
        return r;
    }
    let tol = exp_of(x).max(exp_of(y)) - p as i64 + NOISE_BITS;
    let near_zero = r.is_zero() || exp_of(&r) < tol;
    let gap = y.abs().sub(&r.abs(), p, RM);
    let near_y = !gap.is_zero() && exp_of(&gap) < tol || gap.is_zero();
    if near_zero || near_y {
        if let Some(last) = noise.last_mut() {
            *last = true;
        }
        let z = big(0, 64);
        if r.is_negative() { z.neg() } else { z }
    } else {
        r
    }
}

/// The largest trigonometric argument, as a binary exponent: beyond it the
/// reduction needs π to more bits than the precision cap.
const MAX_TRIG_EXPONENT: i64 = 1 << 14;

/// Every node's value at `p` bits, its noise flag (see [`eval_at`]), and
/// the precision some operation needs to be right (`fmod` of operands
/// whose quotient has more integer bits than `p`; at most `p` otherwise).
fn eval_nodes(
    ast: &Ast,
    inputs: &[(&str, &str)],
    p: usize,
    cc: &mut Consts,
) -> Result<(Vec<BigFloat>, Vec<bool>, usize)> {
    eval_nodes_with(ast, inputs, p, cc)
}

/// Where the variables' values come from: typed decimals (the digits
/// mode) or exact binary values ([`ulps`]).
trait Bind {
    /// The value of the variable `name` (bound: checked before) at `p` bits.
    fn value(&self, name: &str, p: usize, cc: &mut Consts) -> BigFloat;
}

impl Bind for [(&str, &str)] {
    fn value(&self, name: &str, p: usize, cc: &mut Consts) -> BigFloat {
        let text = self
            .iter()
            .find(|b| b.0 == name)
            .map(|b| b.1)
            .expect("every variable is bound (checked)");
        BigFloat::parse(text, Radix::Dec, p, RM, cc)
    }
}

/// [`eval_nodes`] with the variables' values from `inputs`.
fn eval_nodes_with<B: Bind + ?Sized>(
    ast: &Ast,
    inputs: &B,
    p: usize,
    cc: &mut Consts,
) -> Result<(Vec<BigFloat>, Vec<bool>, usize)> {
    let mut need = p;
    let mut fmod_need = |a: &BigFloat, b: &BigFloat| {
        if !a.is_zero() && !b.is_zero() && !a.is_inf() && !b.is_inf() {
            let gap = exp_of(a) - exp_of(b);
            if gap > 0 {
                need = need.max(2 * (gap as usize + 96));
            }
        }
    };
    use std::cmp::Ordering::{Greater, Less};
    let mut vals: Vec<BigFloat> = Vec::with_capacity(ast.nodes.len());
    let mut noise: Vec<bool> = Vec::with_capacity(ast.nodes.len());
    let cancelled = |r: &BigFloat, ops: &[&BigFloat]| {
        let top = ops.iter().map(|o| exp_of(o)).max().unwrap_or(0);
        r.is_zero()
            && ops.iter().any(|o| !o.is_zero())
            && !ops.iter().any(|o| o.is_inf() || o.is_nan())
            || (!r.is_zero()
                && !r.is_inf()
                && !r.is_nan()
                && exp_of(r) < top - p as i64 + NOISE_BITS)
    };
    for node in &ast.nodes {
        let is_noise = |i: &crate::syntax::AstId| noise[i.0 as usize];
        let flag = match &node.kind {
            AstKind::Prefix(Prefix::Neg | Prefix::Plus, a) => is_noise(a),
            AstKind::Infix(Infix::Mul, l, r) => is_noise(l) || is_noise(r),
            // Noise over anything is noise; a number over noise is not (an
            // exact zero divisor gives ±inf, a rounding residue never
            // settles).
            AstKind::Infix(Infix::Div, l, _) => is_noise(l),
            AstKind::Infix(Infix::Add | Infix::Sub, l, r) => {
                is_noise(l) && is_noise(r) || {
                    let (a, b) = (&vals[l.0 as usize], &vals[r.0 as usize]);
                    let v = if matches!(node.kind, AstKind::Infix(Infix::Add, ..)) {
                        a.add(b, p, RM)
                    } else {
                        a.sub(b, p, RM)
                    };
                    cancelled(&v, &[a, b])
                }
            }
            AstKind::Call { name, args, .. } if &**name == "fma" => {
                let (a, b, c) = (
                    &vals[args[0].0 as usize],
                    &vals[args[1].0 as usize],
                    &vals[args[2].0 as usize],
                );
                let ab = a.mul_full_prec(b);
                let v = ab.add(c, p, RM);
                cancelled(&v, &[&ab, c])
            }
            AstKind::Call { name, args, .. } if &**name == "abs" => is_noise(&args[0]),
            _ => false,
        };
        noise.push(flag);
        let v = match &node.kind {
            AstKind::Number(_) => {
                let t = &ast.text[node.span.start..node.span.end];
                BigFloat::parse(t, Radix::Dec, p, RM, cc)
            }
            AstKind::Name(name) => match &**name {
                "pi" => cc.pi(p, RM),
                "e" => cc.e(p, RM),
                "inf" => astro_float_num::INF_POS,
                "nan" => astro_float_num::NAN,
                _ => inputs.value(name, p, cc),
            },
            AstKind::Prefix(op, a) => {
                let a = &vals[a.0 as usize];
                match op {
                    Prefix::Plus => a.clone(),
                    Prefix::Neg => a.neg(),
                    Prefix::Not => truth(!is_true(a)),
                }
            }
            AstKind::Infix(op, l, r) => {
                let (a, b) = (&vals[l.0 as usize], &vals[r.0 as usize]);
                let ord = compare(a, b);
                match op {
                    Infix::Add => a.add(b, p, RM),
                    Infix::Sub => a.sub(b, p, RM),
                    Infix::Mul => a.mul(b, p, RM),
                    Infix::Div => div(a, b, p),
                    Infix::Rem => {
                        fmod_need(a, b);
                        call(MathFn::Fmod, &[a.clone(), b.clone()], p, cc)
                    }
                    Infix::Pow => call(MathFn::Pow, &[a.clone(), b.clone()], p, cc),
                    Infix::Lt => truth(ord == Some(Less)),
                    Infix::Le => truth(matches!(ord, Some(o) if o != Greater)),
                    Infix::Gt => truth(ord == Some(Greater)),
                    Infix::Ge => truth(matches!(ord, Some(o) if o != Less)),
                    Infix::Eq => truth(ord == Some(std::cmp::Ordering::Equal)),
                    Infix::Ne => truth(ord != Some(std::cmp::Ordering::Equal)),
                    Infix::And => truth(is_true(a) && is_true(b)),
                    Infix::Or => truth(is_true(a) || is_true(b)),
                }
            }
            AstKind::Call { name, args, .. } => {
                let args: Vec<BigFloat> = args.iter().map(|a| vals[a.0 as usize].clone()).collect();
                let (_, builtin) =
                    functions::builtin(name).expect("natives were rejected, names resolved");
                match builtin {
                    Builtin::Math(MathFn::Sin | MathFn::Cos | MathFn::Tan)
                        if exp_of(&args[0]) > MAX_TRIG_EXPONENT =>
                    {
                        return Err(Error::at(
                            ErrorKind::Limit,
                            format!(
                                "`{name}` of a number beyond 2^{MAX_TRIG_EXPONENT} needs π to more bits than the precision cap"
                            ),
                            node.span,
                            &ast.text,
                        ));
                    }
                    Builtin::Math(MathFn::Fmod) => fmod_need(&args[0], &args[1]),
                    _ => {}
                }
                builtin_value(builtin, &args, p, cc)
            }
        };
        // `fmod` at a multiple of y: a remainder within rounding error of 0
        // or of |y| is the discontinuity seen through rounded operands
        // (`1e20 % 0.1` is 0 in decimals, 0.1 - tiny in binary).
        let v = match &node.kind {
            AstKind::Infix(Infix::Rem, l, r) => {
                fmod_edge(v, &vals[l.0 as usize], &vals[r.0 as usize], p, &mut noise)
            }
            AstKind::Call { name, args, .. } if &**name == "fmod" => fmod_edge(
                v,
                &vals[args[0].0 as usize],
                &vals[args[1].0 as usize],
                p,
                &mut noise,
            ),
            _ => v,
        };
        vals.push(v);
    }
    Ok((vals, noise, need))
}

fn div(a: &BigFloat, b: &BigFloat, p: usize) -> BigFloat {
    if b.is_zero() && !a.is_nan() {
        // IEEE: ±inf for a nonzero numerator, NaN for 0/0.
        if a.is_zero() {
            return astro_float_num::NAN;
        }
        let neg = a.is_negative() != b.is_negative();
        return if neg {
            astro_float_num::INF_NEG
        } else {
            astro_float_num::INF_POS
        };
    }
    a.div(b, p, RM)
}

/// C `fmin`/`fmax` on big floats: a NaN operand is ignored.
fn min_max(a: &BigFloat, b: &BigFloat, max: bool) -> BigFloat {
    if a.is_nan() {
        return b.clone();
    }
    if b.is_nan() {
        return a.clone();
    }
    match compare(a, b) {
        Some(std::cmp::Ordering::Less) => {
            if max {
                b.clone()
            } else {
                a.clone()
            }
        }
        Some(std::cmp::Ordering::Greater) => {
            if max {
                a.clone()
            } else {
                b.clone()
            }
        }
        _ => a.clone(),
    }
}

fn builtin_value(builtin: Builtin, args: &[BigFloat], p: usize, cc: &mut Consts) -> BigFloat {
    use std::cmp::Ordering::{Greater, Less};
    let x = &args[0];
    match builtin {
        Builtin::Math(f) => call(f, args, p, cc),
        Builtin::Sqrt => {
            if x.is_zero() {
                x.clone()
            } else {
                x.sqrt(p, RM)
            }
        }
        Builtin::Abs => x.abs(),
        Builtin::Floor => x.floor(),
        Builtin::Ceil => x.ceil(),
        Builtin::Trunc => x.int(),
        Builtin::Min | Builtin::Max => args[1..].iter().fold(x.clone(), |acc, y| {
            min_max(&acc, y, builtin == Builtin::Max)
        }),
        Builtin::Fma => args[0].mul_full_prec(&args[1]).add(&args[2], p, RM),
        Builtin::If => {
            if is_true(x) {
                args[1].clone()
            } else {
                args[2].clone()
            }
        }
        Builtin::Clamp => {
            let (lo, hi) = (&args[1], &args[2]);
            if compare(x, lo) == Some(Less) {
                lo.clone()
            } else if compare(x, hi) == Some(Greater) {
                hi.clone()
            } else {
                x.clone()
            }
        }
        Builtin::Sign => match x.cmp(&big(0, 64)).map(|c| c.cmp(&0)) {
            Some(Greater) => big(1, 64),
            Some(Less) => big(-1, 64),
            _ => x.clone(),
        },
    }
}

/// The binary exponent of a finite nonzero value (0 otherwise).
fn exp_of(x: &BigFloat) -> i64 {
    if x.is_zero() || x.is_nan() || x.is_inf() {
        0
    } else {
        x.exponent().map_or(0, |e| e as i64)
    }
}

/// A library function at `p` bits, with the C99 special values.
fn call(f: MathFn, args: &[BigFloat], p: usize, cc: &mut Consts) -> BigFloat {
    use MathFn::*;
    let x = &args[0];
    let one = big(1, 64);
    // Guard bits for functions whose result is much smaller than their
    // argument's scale (`expm1`, `log1p` near 0).
    let small = (-exp_of(x)).max(0) as usize;
    match f {
        Sin => x.sin(p, FN, cc),
        Cos => x.cos(p, FN, cc),
        Tan => x.tan(p, FN, cc),
        Asin => x.asin(p, FN, cc),
        Acos => x.acos(p, FN, cc),
        Atan => x.atan(p, FN, cc),
        Sinh => x.sinh(p, FN, cc),
        Cosh => x.cosh(p, FN, cc),
        Tanh => x.tanh(p, FN, cc),
        Asinh => x.asinh(p, FN, cc),
        Acosh => x.acosh(p, FN, cc),
        Atanh => {
            if x.abs().cmp(&one) == Some(0) {
                let inf = astro_float_num::INF_POS;
                if x.is_negative() { inf.neg() } else { inf }
            } else {
                x.atanh(p, FN, cc)
            }
        }
        Exp => x.exp(p, FN, cc),
        Exp2 => big(2, 64).pow(x, p, FN, cc),
        Expm1 => {
            if x.is_zero() {
                x.clone()
            } else if small > p {
                // |x| < 2^-p: x + x^2/2 is exact to well past p bits.
                x.add(&x.mul(x, p, RM).div(&big(2, 64), p, RM), p, RM)
            } else {
                let q = p + small + 8;
                x.exp(q, FN, cc).sub(&one, p, RM)
            }
        }
        Log => ln(x, p, cc),
        Log2 => {
            if x.is_zero() {
                astro_float_num::INF_NEG
            } else {
                x.log2(p, FN, cc)
            }
        }
        Log10 => {
            if x.is_zero() {
                astro_float_num::INF_NEG
            } else {
                x.log10(p, FN, cc)
            }
        }
        Log1p => {
            if x.is_zero() {
                x.clone()
            } else if small > p {
                x.sub(&x.mul(x, p, RM).div(&big(2, 64), p, RM), p, RM)
            } else {
                ln(&x.add_full_prec(&one), p + small + 8, cc)
            }
        }
        Cbrt => {
            if x.is_zero() {
                x.clone()
            } else {
                x.cbrt(p, FN)
            }
        }
        Round => {
            // Halves away from zero: trunc(|x| + 1/2), with the sign of x.
            if x.is_nan() || x.is_inf() || x.is_zero() {
                return x.clone();
            }
            let half = BigFloat::parse("0.5", Radix::Dec, 64, RM, cc);
            let r = x.abs().add_full_prec(&half).floor();
            if x.is_negative() { r.neg() } else { r }
        }
        Atan2 => atan2(x, &args[1], p, cc),
        Pow => pow(x, &args[1], p, cc),
        Hypot => {
            let y = &args[1];
            if x.is_inf() || y.is_inf() {
                return astro_float_num::INF_POS;
            }
            let s = x.mul_full_prec(x).add(&y.mul_full_prec(y), p + 8, RM);
            if s.is_zero() { s } else { s.sqrt(p, RM) }
        }
        Fmod => {
            let y = &args[1];
            if x.is_nan() || y.is_nan() || x.is_inf() || y.is_zero() {
                astro_float_num::NAN
            } else if y.is_inf() {
                x.clone()
            } else {
                x.rem(y)
            }
        }
    }
}

fn ln(x: &BigFloat, p: usize, cc: &mut Consts) -> BigFloat {
    if x.is_zero() {
        astro_float_num::INF_NEG
    } else {
        x.ln(p, FN, cc)
    }
}

fn atan2(y: &BigFloat, x: &BigFloat, p: usize, cc: &mut Consts) -> BigFloat {
    if x.is_nan() || y.is_nan() {
        return astro_float_num::NAN;
    }
    let pi = cc.pi(p + 8, RM);
    let half_pi = pi.div(&big(2, 64), p + 8, RM);
    let signed = |v: BigFloat| if y.is_negative() { v.neg() } else { v };
    if y.is_zero() {
        // atan2(±0, x): ±0 for x > 0, ±pi for x < 0 (x = ±0 taken as +0).
        return if x.is_negative() {
            signed(pi)
        } else {
            y.clone()
        };
    }
    if x.is_zero() {
        return signed(half_pi);
    }
    if y.is_inf() || x.is_inf() {
        let quarter = pi.div(&big(4, 64), p, RM);
        return match (y.is_inf(), x.is_inf(), x.is_negative()) {
            (true, true, false) => signed(quarter),
            (true, true, true) => signed(quarter.mul(&big(3, 64), p, RM)),
            (true, false, _) => signed(half_pi),
            (false, true, false) => signed(big(0, 64)),
            (false, true, true) => signed(pi),
            _ => unreachable!(),
        };
    }
    let a = y.div(x, p + 8, RM).atan(p + 8, FN, cc);
    if x.is_negative() {
        if y.is_negative() {
            a.sub(&pi, p, RM)
        } else {
            a.add(&pi, p, RM)
        }
    } else {
        a
    }
}

/// `pow` with the C99 special cases; a negative base needs an integer
/// exponent.
fn pow(x: &BigFloat, y: &BigFloat, p: usize, cc: &mut Consts) -> BigFloat {
    let one = big(1, 64);
    if y.is_zero() || x.cmp(&one) == Some(0) {
        return one;
    }
    if x.is_nan() || y.is_nan() {
        return astro_float_num::NAN;
    }
    let y_int = y.is_inf() || y.is_int();
    let odd = !y.is_inf() && y_int && !y.div(&big(2, 64), p, RM).is_int();
    if x.is_negative() && !y_int {
        return astro_float_num::NAN;
    }
    let ax = x.abs();
    let r = if x.is_zero() || ax.is_inf() {
        let zero_like = x.is_zero() == y.is_positive();
        if zero_like {
            big(0, 64)
        } else {
            astro_float_num::INF_POS
        }
    } else if y.is_inf() {
        let c = ax.cmp(&one).unwrap_or(0);
        if c == 0 {
            return one;
        } else if (c > 0) == y.is_positive() {
            astro_float_num::INF_POS
        } else {
            big(0, 64)
        }
    } else {
        ax.pow(y, p, FN, cc)
    };
    if x.is_negative() && odd { r.neg() } else { r }
}

/// `x` rounded to `digits` significant decimal digits (ties to even on the
/// decimal text of the `p`-bit value), as `d.ddd…e±X`.
fn round_text(x: &BigFloat, digits: usize, cc: &mut Consts) -> Result<String> {
    if x.is_nan() {
        return Ok("NaN".to_string());
    }
    if x.is_inf() {
        return Ok(if x.is_negative() { "-inf" } else { "inf" }.to_string());
    }
    if x.is_zero() {
        return Ok(if x.sign() == Some(Sign::Neg) {
            "-0"
        } else {
            "0"
        }
        .to_string());
    }
    let s = x
        .format(Radix::Dec, RoundingMode::ToEven, cc)
        .map_err(|e| {
            Error::new(
                ErrorKind::Limit,
                format!("decimal conversion failed: {e:?}"),
            )
        })?;
    // astro-float writes `[-]d.ddd…e[+-]X`; read the digits and exponent.
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.as_str()),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (body, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let lead = all.iter().position(|&d| d != 0).unwrap_or(all.len());
    if lead == all.len() {
        return Ok("0".to_string());
    }
    // Decimal exponent of the first nonzero digit.
    let mut e10 = exp + int.len() as i64 - 1 - lead as i64;
    let mut ds: Vec<u8> = all[lead..].to_vec();
    if ds.len() > digits {
        let tail = &ds[digits..];
        let first = tail[0];
        let rest_nonzero = tail[1..].iter().any(|&d| d != 0);
        ds.truncate(digits);
        let up = first > 5 || (first == 5 && (rest_nonzero || ds[digits - 1] % 2 == 1));
        if up {
            let mut i = digits;
            loop {
                if i == 0 {
                    ds.insert(0, 1);
                    ds.truncate(digits);
                    e10 += 1;
                    break;
                }
                i -= 1;
                if ds[i] == 9 {
                    ds[i] = 0;
                } else {
                    ds[i] += 1;
                    break;
                }
            }
        }
    }
    while ds.len() < digits {
        ds.push(0);
    }
    let mut out = String::with_capacity(digits + 8);
    if neg {
        out.push('-');
    }
    out.push((b'0' + ds[0]) as char);
    if digits > 1 {
        out.push('.');
        out.extend(ds[1..].iter().map(|&d| (b'0' + d) as char));
    }
    out.push('e');
    if e10 >= 0 {
        out.push('+');
    }
    out.push_str(&e10.to_string());
    Ok(out)
}

impl crate::Expr {
    /// The formula's value to `digits` significant digits, in
    /// arbitrary-precision arithmetic, with each variable bound to the exact
    /// decimal given as text (and the formula's literals taken as typed).
    ///
    /// The working precision is raised until two successive precisions
    /// give the same digits; a formula that needs more than 2^16 bits is a
    /// [`ErrorKind::Limit`] error, as is `digits` outside `1..=5000`.
    /// Registered native functions have no N-digit form: calling one is an
    /// error naming it. The text is `d.ddd…e±X`, or `0`, `inf`, `-inf`,
    /// `NaN`.
    ///
    /// ```
    /// let expr = exprjit::parse("1/x - 10")?;
    /// assert_eq!(expr.eval_digits(&[("x", "0.1")], 5)?, "0");
    /// let j = exprjit::parse("(1 + x) - 1")?;
    /// assert_eq!(j.eval_digits(&[("x", "1e-30")], 3)?, "1.00e-30");
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn eval_digits(&self, bindings: &[(&str, &str)], digits: usize) -> Result<String> {
        eval_digits(self.program(), bindings, digits).map(|v| v.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_recognised() {
        for ok in ["1", "-1.5", ".5", "5.", "1e-300", "+2E+3", "0.000"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in [
            "", ".", "1e", "e5", "1.2.3", "abc", "inf", "nan", "1e+", "0x10",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
        assert_eq!(decimal_exponent("0.00123"), -3);
        assert_eq!(decimal_exponent("123.4e5"), 7);
        assert_eq!(decimal_exponent("0"), 0);
    }

    #[test]
    fn rounding_to_digits_carries() {
        let mut cc = Consts::new().unwrap();
        let x = BigFloat::parse("9.9996", Radix::Dec, 128, RM, &mut cc);
        assert_eq!(round_text(&x, 4, &mut cc).unwrap(), "1.000e+1");
        let x = BigFloat::parse("-0.00012345", Radix::Dec, 128, RM, &mut cc);
        assert_eq!(round_text(&x, 3, &mut cc).unwrap(), "-1.23e-4");
        assert_eq!(round_text(&x, 1, &mut cc).unwrap(), "-1e-4");
    }
}
