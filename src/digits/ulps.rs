//! The digits mode as an exact reference for `f64` results: a formula
//! evaluated by the N-digit evaluator ([`super::eval_nodes`], the same tree
//! walk and the same operations as [`super::eval_digits`]) with its
//! variables bound to the exact binary values of `f64` inputs (no decimal
//! round trip), and the error of a given `f64` result measured in the
//! big-float arithmetic, in ulps of the exact value.
//!
//! Working precision: [`START_BITS`] bits. A result's error in ulps is
//! `(v - E) / ulp(E)`, and `|E| / ulp(E) < 2^53`, so an exact value `E`
//! known to a relative `2^-q` gives the error to within `2^(53-q)` ulps.
//! The evaluator's operations are each within a few units of `2^-p`; a sum
//! that cancels `c` bits multiplies the relative error by `2^c`. So with
//! `c` the bits cancelled over all sums of the tree and `n` its nodes,
//! `q = p - c - log2(n) - 8` (the margin) and the error is known to within
//! `tol = 2^(53 - q)` ulps. At 256 bits and no cancellation that is about
//! 2^-200 ulp; a dd result carries ~2^-100 relative before its last
//! rounding, so 256 bits decide its rounding except within ~2^-200 ulp of a
//! rounding midpoint. The precision doubles (up to [`super::MAX_BITS`])
//! while the answer is not decided:
//!
//! - `tol` above [`MAX_TOL`] (cancellation ate the working precision), or
//!   the result is the evaluator's rounding noise;
//! - the error within `tol` of 0.5 ulp (an exact value at a rounding
//!   midpoint, to the precision reached): the f64 rounding decision. At
//!   [`MIDPOINT_BITS`] it stops and reports the error it has (0.5 ulp
//!   within `2^-(MIDPOINT_BITS - 100)` or so: an exact midpoint, e.g. of a
//!   power whose exact value has 54 bits).
//!
//! Near a power of two the ulp of `E` is ambiguous (the spacing below is
//! half the one above); when `E` is within its own uncertainty of one, the
//! finer spacing is used, which can only report a larger error.

use astro_float_num::{BigFloat, Consts, RoundingMode};

use super::{Bind, MAX_BITS, RM, check_natives, consts, eval_nodes_with, exp_of};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;
use crate::syntax::{self, Ast, AstKind, Infix};

/// The first working precision, in bits.
pub const START_BITS: usize = 256;
/// The largest uncertainty, in ulps, the reported error may carry.
pub const MAX_TOL: f64 = 1.0 / (1u64 << 40) as f64;
/// The precision at which an error within its uncertainty of 0.5 ulp is
/// reported as it stands.
pub const MIDPOINT_BITS: usize = 4096;

/// The power of two a subnormal input is scaled by to convert it.
const SUBNORMAL_SCALE: i32 = 128;

/// A formula ready to judge `f64` results against its exact value.
#[derive(Debug)]
pub struct UlpReference {
    ast: Ast,
    names: Vec<String>,
    margin: i64,
}

/// The variables' values: exact binary `f64`s, by name.
struct Binary<'a> {
    names: &'a [String],
    xs: &'a [f64],
}

impl Bind for Binary<'_> {
    fn value(&self, name: &str, p: usize, _cc: &mut Consts) -> BigFloat {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .expect("every variable is bound (checked)");
        exact(self.xs[i], p)
    }
}

/// An `f64` as a big float of `p` bits (at least 64), exactly (the
/// special values and subnormals included).
fn exact(x: f64, p: usize) -> BigFloat {
    if x.is_nan() {
        astro_float_num::NAN
    } else if x.is_infinite() {
        if x > 0.0 {
            astro_float_num::INF_POS
        } else {
            astro_float_num::INF_NEG
        }
    } else if x == 0.0 {
        let z = BigFloat::from_i64(0, 64);
        if x.is_sign_negative() { z.neg() } else { z }
    } else if x.is_subnormal() {
        // astro-float reads a subnormal's exponent field 0 as -1023, not
        // -1022 (half the value): scale into the normal range, convert,
        // and scale back exactly.
        let mut b = BigFloat::from_f64(x * 2f64.powi(SUBNORMAL_SCALE), p.max(64));
        b.set_exponent(b.exponent().expect("nonzero") - SUBNORMAL_SCALE);
        b
    } else {
        // Exact: 53 significant bits fit in `p >= 64`.
        BigFloat::from_f64(x, p.max(64))
    }
}

thread_local! {
    /// The constants cache of each thread (π, ln 2, …, grown on demand).
    static CONSTS: std::cell::RefCell<Option<Consts>> = const { std::cell::RefCell::new(None) };
}

impl UlpReference {
    /// The reference for `expr` with its variables in the order of `names`
    /// (every variable of the formula among them; each name given once).
    pub fn new(expr: &crate::Expr, names: &[&str]) -> Result<Self> {
        let program = expr.program();
        for (k, name) in names.iter().enumerate() {
            crate::bind::check_name(name)?;
            if names[..k].contains(name) {
                return Err(Error::new(
                    ErrorKind::DuplicateName,
                    format!("`{name}` is given twice"),
                ));
            }
        }
        for v in &program.vars {
            if !names.contains(&&*v.name) {
                return Err(Error::at(
                    ErrorKind::UnboundVariable,
                    format!("`{}` has no value", v.name),
                    v.span,
                    &v.text,
                ));
            }
        }
        let limits = Limits {
            max_text_len: usize::MAX,
            max_depth: usize::MAX,
            max_nodes: usize::MAX,
        };
        let ast = syntax::parse(&program.text, &limits)?;
        check_natives(&ast, program)?;
        let n = ast.nodes.len().max(1) as f64;
        let margin = n.log2().ceil() as i64 + 8;
        Ok(UlpReference {
            ast,
            names: names.iter().map(|s| s.to_string()).collect(),
            margin,
        })
    }

    /// The error of `v` as the formula's value at `xs`, in ulps of the
    /// exact value: `|v - E| / ulp(E)` (0.5 or less is correctly rounded).
    /// `inf` when `v` is NaN and `E` is not (or the other way round), when
    /// `v` is infinite and `E` does not round to that infinity, or when `E`
    /// is 0 and `v` is not.
    pub fn error_ulps(&self, xs: &[f64], v: f64) -> Result<f64> {
        if xs.len() != self.names.len() {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("{} values for {} variables", xs.len(), self.names.len()),
            ));
        }
        CONSTS.with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none() {
                *c = Some(consts()?);
            }
            let cc = c.as_mut().expect("set above");
            self.judge(xs, v, cc)
        })
    }

    fn judge(&self, xs: &[f64], v: f64, cc: &mut Consts) -> Result<f64> {
        let bind = Binary {
            names: &self.names,
            xs,
        };
        let mut p = START_BITS;
        let mut noise_before = false;
        loop {
            let (vals, noise, need) = eval_nodes_with(&self.ast, &bind, p, cc)?;
            if need > p {
                if need > MAX_BITS {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        format!("an operation needs {need} bits, more than the cap of {MAX_BITS}"),
                    ));
                }
                p = need;
                continue;
            }
            let mut e = vals.last().expect("an AST has a root");
            let is_noise = *noise.last().expect("an AST has a root");
            // Rounding noise at two successive precisions is 0, as in
            // `eval_digits` (an exact cancellation such as `x - x`).
            let zero = BigFloat::from_i64(0, 64);
            if is_noise && noise_before {
                e = &zero;
            }
            let cancelled = cancelled_bits(&self.ast, &vals);
            // log2 of the relative uncertainty of `e`.
            let rel = cancelled + self.margin - p as i64;
            let settled = !is_noise || noise_before;
            match error(e, v, rel, p) {
                Judged::Sure(err) if settled => return Ok(err),
                Judged::Midpoint(err) if settled && p >= MIDPOINT_BITS => return Ok(err),
                _ => {}
            }
            noise_before = is_noise;
            if p >= MAX_BITS {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!(
                        "the exact value is not known well enough to judge the result by {MAX_BITS} bits"
                    ),
                ));
            }
            p = (p * 2).min(MAX_BITS);
        }
    }
}

/// The bits cancelled over all sums (and `fma`s) of the tree: for each,
/// log2 of its largest operand over its result, where positive.
fn cancelled_bits(ast: &Ast, vals: &[BigFloat]) -> i64 {
    let ex = |id: &crate::syntax::AstId| exp_of(&vals[id.0 as usize]);
    let mut bits = 0;
    for (i, node) in ast.nodes.iter().enumerate() {
        // The exponent of the largest operand (of `fma`: its product's).
        let top = match &node.kind {
            AstKind::Infix(Infix::Add | Infix::Sub, l, r) => ex(l).max(ex(r)),
            AstKind::Call { name, args, .. } if &**name == "fma" => {
                (ex(&args[0]) + ex(&args[1])).max(ex(&args[2]))
            }
            _ => continue,
        };
        let r = &vals[i];
        if r.is_zero() || r.is_nan() || r.is_inf() {
            continue;
        }
        bits += (top - exp_of(r)).max(0);
    }
    bits
}

enum Judged {
    /// The error, known to within [`MAX_TOL`] and on a known side of 0.5.
    Sure(f64),
    /// Known to within [`MAX_TOL`], but within its uncertainty of 0.5.
    Midpoint(f64),
    /// Not known well enough.
    Unsure,
}

/// The error of `v` against `e`, which is known to a relative `2^rel`.
fn error(e: &BigFloat, v: f64, rel: i64, p: usize) -> Judged {
    use Judged::Sure;
    let bad = f64::INFINITY;
    if e.is_nan() || v.is_nan() {
        return Sure(if e.is_nan() && v.is_nan() { 0.0 } else { bad });
    }
    if e.is_inf() {
        let same = v.is_infinite() && (v < 0.0) == e.is_negative();
        return Sure(if same { 0.0 } else { bad });
    }
    if e.is_zero() {
        return Sure(if v == 0.0 { 0.0 } else { bad });
    }
    let ee = exp_of(e);
    if v.is_infinite() {
        // E rounds to ±inf from 2^1024 - 2^970 (MAX + half its ulp) up.
        let edge = BigFloat::from_f64(f64::MAX, 64).add(
            &BigFloat::from_f64(2f64.powi(970), 64),
            128,
            RoundingMode::ToEven,
        );
        let over = e.abs().cmp(&edge).is_some_and(|c| c >= 0);
        let same = (v < 0.0) == e.is_negative();
        return Sure(if over && same { 0.0 } else { bad });
    }
    // E in [2^(ee-1), 2^ee): ulp 2^(ee-53), at least 2^-1074, at most 2^971.
    let mut k = (ee - 53).clamp(-1074, 971);
    if ee - 53 > -1074 && ee - 53 <= 971 && near_lower_power_of_two(e, rel) {
        k -= 1;
    }
    let tol_log2 = 53 + rel;
    // (v - E) / 2^k at working precision, exactly scaled.
    let mut d = exact(v, 64).sub(e, p, RM);
    let err = if d.is_zero() {
        0.0
    } else {
        let de = exp_of(&d);
        d.set_exponent((de - k) as _);
        to_f64(&d).abs()
    };
    let tol = pow2(tol_log2);
    if tol > MAX_TOL {
        Judged::Unsure
    } else if (err - 0.5).abs() <= tol {
        Judged::Midpoint(err)
    } else {
        Sure(err)
    }
}

/// `|e|` within a relative `2^rel` above the power of two below it.
fn near_lower_power_of_two(e: &BigFloat, rel: i64) -> bool {
    // |e| scaled to [1, 2), less 1.
    let mut q = e.abs();
    q.set_exponent(1);
    let r = q.sub(&BigFloat::from_i64(1, 64), 64 + (-rel).max(0) as usize, RM);
    r.is_zero() || exp_of(&r) <= rel + 1
}

/// `2^n` as an `f64` (0 or inf outside the range).
fn pow2(n: i64) -> f64 {
    if n < -1022 {
        0.0
    } else if n > 1023 {
        f64::INFINITY
    } else {
        f64::from_bits(((n + 1023) as u64) << 52)
    }
}

/// A finite big float as the nearest-ish `f64` (its top 64 bits; 0 or inf
/// outside the normal range).
fn to_f64(x: &BigFloat) -> f64 {
    let Some((words, _, _, e, _)) = x.as_raw_parts() else {
        return f64::NAN;
    };
    let top = words.last().copied().unwrap_or(0);
    // x = 0.top… × 2^e = top × 2^(e - 64).
    let v = top as f64 * pow2(i64::from(e) - 64);
    if x.is_negative() { -v } else { v }
}
