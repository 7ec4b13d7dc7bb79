//! Reductions: `sum(F)`, `mean(F)`, `minof(F)`, `maxof(F)` over a formula
//! of session arrays and scalars, as a whole line (or `name = sum(F)`), by
//! the reduce kernel. `minof`/`maxof` are not `min`/`max`, which stay the
//! language's elementwise functions of two or more values.

use std::sync::Arc;

use super::{Session, whole_call};
use crate::{Error, ErrorKind, Reduce, ReduceKernel, Result};

/// A reduction the session offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reduction {
    Sum,
    Mean,
    Min,
    Max,
}

/// The reductions' names, for completion and error hints.
pub(super) const REDUCTIONS: [(&str, Reduction); 4] = [
    ("sum", Reduction::Sum),
    ("mean", Reduction::Mean),
    ("minof", Reduction::Min),
    ("maxof", Reduction::Max),
];

impl Reduction {
    /// `sum(F)` (etc.) as the whole of `text`: the reduction and `F`.
    pub fn split(text: &str) -> Option<(Reduction, &str)> {
        let (name, inner) = whole_call(text)?;
        let (_, how) = REDUCTIONS.iter().find(|(n, _)| *n == name)?;
        Some((*how, inner))
    }

    /// The name a user types.
    pub fn name(self) -> &'static str {
        REDUCTIONS
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("sum", |(n, _)| n)
    }

    /// The kernel's combining operation (a mean is a sum, divided after).
    fn kernel(self) -> Reduce {
        match self {
            Reduction::Sum | Reduction::Mean => Reduce::Sum,
            Reduction::Min => Reduce::Min,
            Reduction::Max => Reduce::Max,
        }
    }

    /// The kernel's result over `n` elements as this reduction's value.
    pub fn finish(self, value: f64, n: usize) -> f64 {
        match self {
            Reduction::Mean => value / n as f64,
            _ => value,
        }
    }
}

/// A reduction compiled for the session's values: the kernel, its
/// argument names and the array length.
pub(super) struct Prepared {
    pub kernel: ReduceKernel,
    pub names: Vec<String>,
    pub len: usize,
}

impl Session {
    /// Compiles `how` of `formula` with `engine` over the session's
    /// variables; `threads` as `:threads`.
    pub(super) fn prepare_reduction(
        &self,
        engine: &crate::Engine,
        how: Reduction,
        formula: &str,
        threads: usize,
    ) -> Result<Prepared> {
        let expr = self.parse(engine, formula)?;
        let names = expr.variables();
        let (_, len) = self.inputs_for(&names, &expr)?;
        let Some(len) = len else {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "`{}` reduces over arrays, and `{}` has none; e.g. x = rand(1e6), then {}(x^2)",
                    how.name(),
                    formula.trim(),
                    how.name()
                ),
            ));
        };
        let kernel = engine
            .reduce(formula, &names, how.kernel())?
            .with_parallel(self.parallel(threads));
        Ok(Prepared {
            kernel,
            names: names.iter().map(|n| n.to_string()).collect(),
            len,
        })
    }

    /// The value of `how` of `formula` over the session's variables.
    pub(super) fn reduce(&self, how: Reduction, formula: &str) -> Result<f64> {
        let engine = self.engine(self.rewrites);
        let p = self.prepare_reduction(&engine, how, formula, self.threads)?;
        let names: Vec<&str> = p.names.iter().map(String::as_str).collect();
        let (inputs, _) = self.inputs(&names)?;
        Ok(how.finish(p.kernel.run(&inputs)?, p.len))
    }
}

/// A reduction's name used inside a formula (`sqrt(sum(x))`): an error
/// that says reductions are whole lines, pointing at the name.
pub(super) fn misplaced(name: &str, span: crate::Span, formula: &str) -> Option<Error> {
    let (name, _) = REDUCTIONS.iter().find(|(n, _)| *n == name)?;
    Some(
        Error::new(
            ErrorKind::UnknownFunction,
            format!("`{name}` is a reduction: it must be the whole line, or `name = {name}(…)`"),
        )
        .with_help(format!(
            "reduce first, then use the value: s = {name}(…), then a formula of s"
        ))
        .with_span(span, &Arc::from(formula)),
    )
}
