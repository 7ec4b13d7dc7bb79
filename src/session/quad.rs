//! `:quad F ; k = A .. B [; options]`: the integral of a formula of `k`
//! and session values, by the quadrature kernel; one number, or an array
//! summary when a parameter or a limit is an array.

use super::Session;
use super::values::{Value, describe};
use crate::{Error, ErrorKind, Input, QuadRule, QuadStatus, Result};

const USAGE: &str = "use :quad FORMULA ; k = A .. B, e.g. :quad k*x^2 ; k = 0 .. 100 \
(options: ; n=10 for 10-point Gauss–Legendre, ; epsabs=1e-10 ; epsrel=1e-10 ; limit=100)";

fn usage(what: &str) -> Error {
    Error::new(ErrorKind::Syntax, format!("{what}; {USAGE}"))
}

impl Session {
    pub(super) fn quad_command(&mut self, rest: &str) -> Result<String> {
        let parts: Vec<&str> = rest.split(';').map(str::trim).collect();
        if parts.len() < 2 || parts[0].is_empty() {
            return Err(usage("`:quad` needs a formula and a range"));
        }
        let formula = parts[0];
        let (var, range) = parts[1]
            .split_once('=')
            .ok_or_else(|| usage(&format!("`{}` is not a range `k = A .. B`", parts[1])))?;
        let var = var.trim();
        crate::check_name(var)?;
        let (a_text, b_text) = range.split_once("..").ok_or_else(|| {
            usage(&format!(
                "`{}` has no `..` between the limits",
                range.trim()
            ))
        })?;
        let mut rule = QuadRule::adaptive();
        for option in &parts[2..] {
            let (key, value) = option
                .split_once('=')
                .ok_or_else(|| usage(&format!("`{option}` is not an option `name=value`")))?;
            let (key, value) = (key.trim(), value.trim());
            let number: f64 = value.parse().map_err(|_| {
                Error::new(
                    ErrorKind::InvalidValue,
                    format!("`{value}` is not a number (in `{option}`)"),
                )
            })?;
            match (key, &mut rule) {
                ("n", _) => {
                    if number.fract() != 0.0 || number < 0.0 {
                        return Err(Error::new(
                            ErrorKind::InvalidValue,
                            format!("n = {value}: the number of points is a whole number"),
                        ));
                    }
                    rule = QuadRule::GaussLegendre(number as usize);
                }
                ("epsabs", QuadRule::GaussKronrod { epsabs, .. }) => *epsabs = number,
                ("epsrel", QuadRule::GaussKronrod { epsrel, .. }) => *epsrel = number,
                ("limit", QuadRule::GaussKronrod { limit, .. }) => {
                    if number.fract() != 0.0 || number < 0.0 {
                        return Err(Error::new(
                            ErrorKind::InvalidValue,
                            format!("limit = {value}: the subdivision limit is a whole number"),
                        ));
                    }
                    *limit = number as usize;
                }
                ("epsabs" | "epsrel" | "limit", _) => {
                    return Err(usage(&format!(
                        "`{key}` is an option of the adaptive rule, not of n={}",
                        match rule {
                            QuadRule::GaussLegendre(n) => n,
                            _ => 0,
                        }
                    )));
                }
                _ => return Err(usage(&format!("unknown option `{key}`"))),
            }
        }
        let a = self.evaluate(a_text.trim())?;
        let b = self.evaluate(b_text.trim())?;
        let engine = self.engine(self.rewrites);
        let expr = self.parse(&engine, formula)?;
        let params: Vec<&str> = expr.variables().into_iter().filter(|v| *v != var).collect();
        // Unknown names get a position and a suggestion.
        let mut known: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        known.push(var);
        expr.interpreter(&known)?;
        let (inputs, _) = self.inputs(&params)?;
        let kernel = engine
            .quad(formula, var, &params, rule)?
            .with_parallel(self.parallel(self.threads));
        fn input(v: &Value) -> Input<'_> {
            match v {
                Value::Scalar(x) => Input::Scalar(*x),
                Value::Array(x) => Input::Array(x),
            }
        }
        let r = kernel.run(input(&a), input(&b), &inputs)?;
        let arrays = matches!(a, Value::Array(_))
            || matches!(b, Value::Array(_))
            || inputs.iter().any(|i| matches!(i, Input::Array(_)));
        let mut out = if arrays {
            describe(&Value::Array(std::sync::Arc::new(r.value.clone())))
        } else {
            describe(&Value::Scalar(r.value.first().copied().unwrap_or(0.0)))
        };
        let failed: Vec<usize> = r
            .status
            .iter()
            .enumerate()
            .filter(|(_, s)| !matches!(s, QuadStatus::Converged | QuadStatus::Fixed))
            .map(|(e, _)| e)
            .collect();
        if let Some(&e) = failed.first() {
            out.push_str(&format!(
                "\nwarning: {} of {} integrals did not converge (first: element {e}, {:?}, error estimate {:.1e})",
                failed.len(),
                r.value.len(),
                r.status[e],
                r.error[e]
            ));
        }
        Ok(out)
    }
}
