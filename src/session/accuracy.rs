//! `:accuracy [--out FILE] FORMULA ; x = VALUES`: the accuracy report of a
//! formula over one variable's values (`Expr::accuracy`), printed, and a
//! plot of correct digits against the variable for f64 and dd.

use super::Session;
use super::svg::{Panel, Series, chart};
use super::values::Value;
use crate::{Error, ErrorKind, Result};

const USAGE: &str = ":accuracy [--out FILE] FORMULA ; x = VALUES   \
(e.g. :accuracy (1-cos(x))/x^2 ; x = linspace(1e-8, 1, 1e4))";

impl Session {
    pub(super) fn accuracy_command(&mut self, rest: &str) -> Result<String> {
        let mut text = rest.trim();
        let mut file = "accuracy.svg".to_string();
        if let Some(r) = text.strip_prefix("--out") {
            let r = r.trim_start();
            let end = r.find(char::is_whitespace).unwrap_or(r.len());
            file = r[..end].to_string();
            text = r[end..].trim_start();
        }
        let (formula, binding) = text
            .split_once(';')
            .ok_or_else(|| Error::new(ErrorKind::Syntax, format!("usage: {USAGE}")))?;
        let (var, values) = binding
            .split_once('=')
            .ok_or_else(|| Error::new(ErrorKind::Syntax, format!("usage: {USAGE}")))?;
        let (formula, var) = (formula.trim(), var.trim());
        if formula.is_empty() {
            return Err(Error::new(ErrorKind::Syntax, format!("usage: {USAGE}")));
        }
        crate::check_name(var)?;
        let xs: Vec<f64> = match self.value(values.trim(), "the accuracy report's values")? {
            Value::Scalar(v) => vec![v],
            Value::Array(a) => a.to_vec(),
        };
        let engine = self.engine(self.rewrites);
        let expr = self.parse(&engine, formula)?;
        let report = expr.accuracy(var, &xs)?;
        let points = |d: &[f64]| -> Vec<(f64, f64)> {
            report
                .points
                .iter()
                .zip(d)
                .filter(|(_, d)| !d.is_nan())
                .map(|(x, d)| (*x, *d))
                .collect()
        };
        let svg = chart(
            &format!("exprjit: correct digits of {formula}"),
            var,
            &[Panel {
                title: "correct significant digits",
                y_label: "digits",
                log_y: false,
                series: vec![
                    Series {
                        name: "f64",
                        colour: "#d62728",
                        points: points(&report.f64_digits),
                    },
                    Series {
                        name: "dd",
                        colour: "#1f77b4",
                        points: points(&report.dd_digits),
                    },
                ],
            }],
        );
        std::fs::write(&file, svg).map_err(|e| {
            Error::new(ErrorKind::InvalidValue, format!("cannot write {file}: {e}"))
        })?;
        let skipped = report.points.iter().filter(|x| **x <= 0.0).count();
        let note = if skipped > 0 {
            format!(" ({skipped} points at {var} <= 0 not drawn: the x axis is logarithmic)")
        } else {
            String::new()
        };
        Ok(format!("{}\nplot written to {file}{note}", report.text()))
    }
}
