//! The accuracy report (`Expr::accuracy`, the session's `:accuracy`): a
//! formula of one variable in `f64` (the JIT's map kernel) and in
//! double-double against the N-digit evaluator at each sampled point, the
//! ranges that keep fewer than k digits, and the operation whose operands
//! cancel most there.

use astro_float_num::Consts;

use super::{Ast, AstKind, Infix, eval_digits, eval_nodes, exact_decimal, exp_of};
use crate::dd::Precision;
use crate::error::{Error, ErrorKind, Result, Span};
use crate::kernels::Input;
use crate::limits::Limits;
use crate::syntax;
use crate::{Engine, Expr};

/// The most points evaluated in high precision; more are sampled evenly.
pub const MAX_SAMPLES: usize = 1000;
/// The digit thresholds the report gives ranges for.
pub const THRESHOLDS: [u32; 2] = [8, 12];
/// Digits shown for a result equal to the exact value rounded to f64 (a
/// relative error below 1e-16 reads as this many).
pub const FULL_DIGITS: f64 = 16.0;

/// The operation that loses the digits: where it is and how much cancels.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss {
    /// The operator's position in the formula text.
    pub operator: Span,
    /// The whole sub-expression it applies to.
    pub expression: Span,
    /// The average bits cancelled there over the points below the lowest
    /// threshold: log2 of the larger operand over the result.
    pub bits: f64,
    /// The formula with a caret under the operator and `~` under its
    /// operands, like an error.
    pub caret: String,
}

/// An accuracy report of a formula over a variable's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    /// The formula as typed.
    pub formula: String,
    /// The variable.
    pub variable: String,
    /// How many values were given.
    pub given: usize,
    /// The values evaluated (all, or 1000 evenly spaced).
    pub points: Vec<f64>,
    /// Correct significant digits of the `f64` result at each point (0 to
    /// 16; NaN where the exact digits did not settle).
    pub f64_digits: Vec<f64>,
    /// The same for the double-double result.
    pub dd_digits: Vec<f64>,
    /// Largest relative error of the `f64` result.
    pub max_rel_error: f64,
    /// Median relative error of the `f64` result.
    pub median_rel_error: f64,
    /// For each of the thresholds (8 and 12), the ranges of the variable (first and
    /// last sampled value of each run) where `f64` keeps fewer digits.
    pub below: Vec<(u32, Vec<(f64, f64)>)>,
    /// The cancelling operation, where `f64` keeps fewer than the lowest
    /// threshold anywhere.
    pub loss: Option<Loss>,
    /// The fewest and the median digits `dd` keeps on the points below
    /// the lowest threshold.
    pub dd_in_ranges: Option<(f64, f64)>,
    /// Points whose exact value did not settle (left out of the numbers).
    pub unsettled: usize,
}

/// Correct digits of `v` against `exact`, and the relative error.
fn digits_of(v: f64, exact: f64) -> (f64, f64) {
    if v.to_bits() == exact.to_bits() || (v.is_nan() && exact.is_nan()) {
        return (FULL_DIGITS, 0.0);
    }
    if exact == 0.0 {
        return if v == 0.0 {
            (FULL_DIGITS, 0.0)
        } else {
            (0.0, f64::INFINITY)
        };
    }
    if !exact.is_finite() || !v.is_finite() {
        return (0.0, f64::INFINITY);
    }
    let rel = ((v - exact) / exact).abs();
    if rel == 0.0 {
        return (FULL_DIGITS, 0.0);
    }
    ((-rel.log10()).clamp(0.0, FULL_DIGITS) + 0.0, rel)
}

fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

impl Expr {
    /// How many digits the formula keeps in `f64` (and in double-double)
    /// over the values `xs` of its one variable `var`, against the N-digit
    /// evaluator; where it keeps fewer than 8 or 12; and the operation
    /// whose operands cancel most there. At most 1000 evenly
    /// spaced values are evaluated.
    ///
    /// ```
    /// let expr = exprjit::parse("(1 - cos(x)) / x^2")?;
    /// let xs: Vec<f64> = (1..=50).map(|i| 1e-8 * i as f64).collect();
    /// let report = expr.accuracy("x", &xs)?;
    /// let loss = report.loss.expect("1 - cos(x) cancels for small x");
    /// assert_eq!(&expr.text()[loss.operator.start..loss.operator.end], "-");
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn accuracy(&self, var: &str, xs: &[f64]) -> Result<Accuracy> {
        let program = self.program();
        crate::bind::check_name(var)?;
        if let Some(other) = program.vars.iter().find(|v| &*v.name != var) {
            return Err(Error::at(
                ErrorKind::UnboundVariable,
                format!(
                    "`{}` has no value: the accuracy report varies `{var}` alone",
                    other.name
                ),
                other.span,
                &other.text,
            ));
        }
        if xs.is_empty() {
            return Err(Error::new(
                ErrorKind::Length,
                "the accuracy report needs at least one value",
            ));
        }
        let n = xs.len();
        let points: Vec<f64> = if n <= MAX_SAMPLES {
            xs.to_vec()
        } else {
            (0..MAX_SAMPLES)
                .map(|i| {
                    xs[(i as f64 * (n - 1) as f64 / (MAX_SAMPLES - 1) as f64).round() as usize]
                })
                .collect()
        };
        let text = &*program.text;
        let run = |precision: Precision| -> Result<Vec<f64>> {
            let k = Engine::new()
                .with_math(program.math)
                .with_precision(precision)
                .map(&[text], &[var])?;
            Ok(k.eval(&[Input::Array(&points)])?.remove(0))
        };
        let mut exact = Vec::with_capacity(points.len());
        let mut unsettled = 0;
        for &x in &points {
            let value = match exact_decimal(x) {
                Some(dec) => match eval_digits(program, &[(var, &dec)], 20) {
                    Ok(v) => v.text.parse::<f64>().unwrap_or(f64::NAN),
                    Err(e) if e.kind() == ErrorKind::Limit => {
                        unsettled += 1;
                        f64::NAN
                    }
                    Err(e) => return Err(e),
                },
                None => f64::NAN,
            };
            exact.push(value);
        }
        // The maps after the exact values: a registered native function
        // gets the digits evaluator's error naming it.
        let f = run(Precision::F64)?;
        let d = run(Precision::Dd)?;
        let mut f64_digits = Vec::with_capacity(points.len());
        let mut dd_digits = Vec::with_capacity(points.len());
        let mut rels = Vec::with_capacity(points.len());
        for i in 0..points.len() {
            if exact[i].is_nan() && !points[i].is_nan() && exact_decimal(points[i]).is_some() {
                f64_digits.push(f64::NAN);
                dd_digits.push(f64::NAN);
                continue;
            }
            let (df, rf) = digits_of(f[i], exact[i]);
            f64_digits.push(df);
            rels.push(rf);
            dd_digits.push(digits_of(d[i], exact[i]).0);
        }
        let max_rel_error = rels.iter().copied().fold(0.0, f64::max);
        let median_rel_error = median(&rels);
        let below: Vec<(u32, Vec<(f64, f64)>)> = THRESHOLDS
            .iter()
            .map(|&k| {
                let mut runs: Vec<(f64, f64)> = Vec::new();
                let mut open: Option<(f64, f64)> = None;
                for (x, dg) in points.iter().zip(&f64_digits) {
                    if *dg < f64::from(k) {
                        open = Some(open.map_or((*x, *x), |(a, _)| (a, *x)));
                    } else if !dg.is_nan() {
                        runs.extend(open.take());
                    }
                }
                runs.extend(open);
                (k, runs)
            })
            .collect();
        let low = f64::from(THRESHOLDS[0]);
        let bad: Vec<usize> = (0..points.len()).filter(|&i| f64_digits[i] < low).collect();
        let (loss, dd_in_ranges) = if bad.is_empty() {
            (None, None)
        } else {
            let dd_bad: Vec<f64> = bad.iter().map(|&i| dd_digits[i]).collect();
            let fewest = dd_bad.iter().copied().fold(f64::INFINITY, f64::min);
            let chosen: Vec<f64> = if bad.len() <= 50 {
                bad.iter().map(|&i| points[i]).collect()
            } else {
                (0..50)
                    .map(|j| points[bad[j * (bad.len() - 1) / 49]])
                    .collect()
            };
            (
                worst_cancellation(text, var, &chosen)?,
                Some((fewest, median(&dd_bad))),
            )
        };
        Ok(Accuracy {
            formula: text.to_string(),
            variable: var.to_string(),
            given: n,
            points,
            f64_digits,
            dd_digits,
            max_rel_error,
            median_rel_error,
            below,
            loss,
            dd_in_ranges,
            unsettled,
        })
    }
}

/// The addition, subtraction or `fma` that cancels the most bits on
/// average over `xs` (at 256 bits, so the cancellation measured is the
/// exact operands', not rounding noise), if any cancels 4 bits or more.
fn worst_cancellation(text: &str, var: &str, xs: &[f64]) -> Result<Option<Loss>> {
    let limits = Limits {
        max_text_len: usize::MAX,
        max_depth: usize::MAX,
        max_nodes: usize::MAX,
    };
    let ast = syntax::parse(text, &limits)?;
    let mut cc = Consts::new().map_err(|e| Error::new(ErrorKind::Limit, format!("{e:?}")))?;
    let mut total = vec![0.0f64; ast.nodes.len()];
    let mut counted = 0usize;
    for &x in xs {
        let Some(dec) = exact_decimal(x) else {
            continue;
        };
        let (vals, _, _) = eval_nodes(&ast, &[(var, &dec)], 256, &mut cc)?;
        counted += 1;
        for (i, node) in ast.nodes.iter().enumerate() {
            let ops: Vec<usize> = match &node.kind {
                AstKind::Infix(Infix::Add | Infix::Sub, l, r) => vec![l.0 as usize, r.0 as usize],
                AstKind::Call { name, args, .. } if &**name == "fma" => {
                    args.iter().map(|a| a.0 as usize).collect()
                }
                _ => continue,
            };
            let top = ops
                .iter()
                .filter(|&&o| !vals[o].is_zero() && !vals[o].is_nan() && !vals[o].is_inf())
                .map(|&o| exp_of(&vals[o]))
                .max();
            let Some(top) = top else { continue };
            let r = &vals[i];
            let bits = if r.is_zero() {
                256.0
            } else if r.is_nan() || r.is_inf() {
                0.0
            } else {
                (top - exp_of(r)).max(0) as f64
            };
            total[i] += bits;
        }
    }
    if counted == 0 {
        return Ok(None);
    }
    let (best, sum) = total
        .iter()
        .copied()
        .enumerate()
        .fold((0, 0.0), |a, (i, v)| if v > a.1 { (i, v) } else { a });
    let bits = sum / counted as f64;
    if bits < 4.0 {
        return Ok(None);
    }
    let node = &ast.nodes[best];
    let expression = node.span;
    let operator = operator_span(&ast, best).unwrap_or(expression);
    Ok(Some(Loss {
        operator,
        expression,
        bits,
        caret: caret(text, operator, expression),
    }))
}

/// The span of an infix node's operator: the symbol between its operands.
fn operator_span(ast: &Ast, i: usize) -> Option<Span> {
    let AstKind::Infix(op, l, r) = &ast.nodes[i].kind else {
        return None;
    };
    let (from, to) = (ast.node(*l).span.end, ast.node(*r).span.start);
    let between = ast.text.get(from..to)?;
    let at = between.find(op.symbol())?;
    Some(Span {
        start: from + at,
        end: from + at + op.symbol().len(),
    })
}

/// `text` with `~` under `whole` and `^` under `at` (characters, so
/// multi-byte text lines up).
fn caret(text: &str, at: Span, whole: Span) -> String {
    let mut marks = String::new();
    for (b, _) in text.char_indices() {
        if b >= whole.end {
            break;
        }
        marks.push(if b >= at.start && b < at.end {
            '^'
        } else if b >= whole.start {
            '~'
        } else {
            ' '
        });
    }
    format!("  {text}\n  {}", marks.trim_end())
}

impl Accuracy {
    /// The report as text: errors, ranges, the cancelling operation with a
    /// caret, and what `dd` keeps there.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} over {} = {} values{}: f64 relative error max {:.3e}, median {:.3e}",
            self.formula,
            self.variable,
            self.given,
            if self.points.len() < self.given {
                format!(" ({} sampled)", self.points.len())
            } else {
                String::new()
            },
            self.max_rel_error,
            self.median_rel_error
        );
        if self.unsettled > 0 {
            out.push_str(&format!(
                "\n{} points left out: their exact digits did not settle",
                self.unsettled
            ));
        }
        for (k, runs) in &self.below {
            if runs.is_empty() {
                out.push_str(&format!("\nf64 keeps {k} or more digits everywhere"));
            } else {
                let mut list: Vec<String> = runs
                    .iter()
                    .take(4)
                    .map(|(a, b)| {
                        if a == b {
                            format!("{{{}}}", crate::format_f64(*a))
                        } else {
                            format!("[{}, {}]", crate::format_f64(*a), crate::format_f64(*b))
                        }
                    })
                    .collect();
                if runs.len() > 4 {
                    list.push(format!("and {} more", runs.len() - 4));
                }
                out.push_str(&format!(
                    "\nfewer than {k} digits for {} in {}",
                    self.variable,
                    list.join(", ")
                ));
            }
        }
        if let Some(loss) = &self.loss {
            out.push_str(&format!(
                "\nthe digits are lost here ({:.0} bits cancel on average):\n{}",
                loss.bits, loss.caret
            ));
        } else if self.dd_in_ranges.is_some() {
            out.push_str(
                "\nno addition or subtraction cancels there: the loss is inside a function",
            );
        }
        if let Some((fewest, med)) = self.dd_in_ranges {
            out.push_str(&format!(
                "\n:precision dd keeps {fewest:.1} digits at least there (median {med:.1})"
            ));
        }
        out
    }
}
