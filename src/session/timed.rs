//! `:time` and `:compare`: compile a formula (scalar, map over arrays, or
//! reduction) and time it, JIT and interpreter, through the one timing
//! routine.

use std::hint::black_box;
use std::time::Instant;

use super::reductions::Reduction;
use super::report::{Report, compare_table};
use super::timing::{INTERPRETED, measure};
use super::values::zeros;
use super::{Session, head, scalars};
use crate::{Engine, Error, ErrorKind, MathMode, Result};

/// A parsed `:time`-style option list and the formula after it.
struct TimeOptions<'a> {
    threads: Option<usize>,
    rewrites: Option<bool>,
    math: Option<MathMode>,
    formula: &'a str,
}

impl TimeOptions<'_> {
    /// `--no-rewrites`, `--math M`, `--threads N` before the formula.
    fn parse(text: &str) -> Result<TimeOptions<'_>> {
        let mut opts = TimeOptions {
            threads: None,
            rewrites: None,
            math: None,
            formula: text,
        };
        loop {
            let rest = opts.formula.trim_start();
            if let Some(r) = rest.strip_prefix("--no-rewrites") {
                opts.rewrites = Some(false);
                opts.formula = r;
            } else if let Some(r) = rest.strip_prefix("--math") {
                let r = r.trim_start();
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                opts.math = Some(MathMode::from_name(&r[..end]).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        "--math needs fast or libm, e.g. --math libm",
                    )
                })?);
                opts.formula = &r[end..];
            } else if let Some(r) = rest.strip_prefix("--threads") {
                let r = r.trim_start();
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                let t = r[..end].parse::<usize>().map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        "--threads needs a number, e.g. --threads 2",
                    )
                })?;
                opts.threads = Some(t);
                opts.formula = &r[end..];
            } else {
                opts.formula = rest.trim();
                return Ok(opts);
            }
        }
    }
}

impl Session {
    /// `:time [options] FORMULA`.
    pub(super) fn time_command(&self, text: &str) -> Result<String> {
        if let Some(rest) = text.trim_start().strip_prefix(":ode") {
            return self.ode_time(rest);
        }
        self.time(&TimeOptions::parse(text)?).map(|r| r.text())
    }

    /// Times `formula` (JIT and interpreter) with the session's variables:
    /// a scalar formula per call, a formula over arrays as a map kernel, a
    /// reduction (`sum(F)`, …) as a reduce kernel, per element.
    pub fn time_formula(&self, formula: &str) -> Result<Report> {
        self.time(&TimeOptions {
            threads: None,
            rewrites: None,
            math: None,
            formula,
        })
    }

    fn time(&self, opts: &TimeOptions<'_>) -> Result<Report> {
        let engine = self
            .engine(opts.rewrites.unwrap_or(self.rewrites))
            .with_math(opts.math.unwrap_or(self.math));
        let threads = opts.threads.unwrap_or(self.threads);
        let formula = opts.formula;
        let t0 = Instant::now();
        if let Some((how, inner)) = Reduction::split(formula) {
            return self.time_reduction(&engine, how, inner, formula, threads, t0);
        }
        let expr = self.parse(&engine, formula)?;
        let names = expr.variables();
        let (inputs, len) = self.inputs_for(&names, &expr)?;
        match len {
            None => {
                let values = scalars(&inputs);
                let f = expr.compile(&names)?;
                let compile = t0.elapsed().as_secs_f64();
                let interp = expr.interpreter(&names)?;
                let m = measure(
                    self.budget,
                    &self.interrupt,
                    1,
                    || {
                        black_box(f.call(black_box(&values)).ok());
                    },
                    Some(1),
                    || {
                        black_box(interp.call(black_box(&values)).ok());
                    },
                )?;
                Ok(Report::new(formula, 1, compile, &m))
            }
            Some(n) => {
                let map = engine
                    .map(&[formula], &names)?
                    .with_parallel(self.parallel(threads));
                map.prepare(&inputs)?;
                let compile = t0.elapsed().as_secs_f64();
                let mut out = zeros(n, "the timed result")?;
                // The interpreter is slow: time it on the first elements.
                let part = n.min(INTERPRETED);
                let sub = head(&inputs, part);
                let mut sub_out = vec![0.0; part];
                let m = measure(
                    self.budget,
                    &self.interrupt,
                    n,
                    || {
                        let _ = map.run(&inputs, &mut [&mut out]);
                    },
                    Some(part),
                    || {
                        let _ = map.run_reference(&sub, &mut [&mut sub_out]);
                    },
                )?;
                Ok(Report::new(formula, n, compile, &m))
            }
        }
    }

    /// `:time sum(F)` (or `mean`, `minof`, `maxof`): the reduce kernel.
    fn time_reduction(
        &self,
        engine: &Engine,
        how: Reduction,
        inner: &str,
        formula: &str,
        threads: usize,
        t0: Instant,
    ) -> Result<Report> {
        let p = self.prepare_reduction(engine, how, inner, threads)?;
        let names: Vec<&str> = p.names.iter().map(String::as_str).collect();
        let (inputs, _) = self.inputs(&names)?;
        // The kernel compiles on first use: run it on one element.
        p.kernel.run(&head(&inputs, p.len.min(1)))?;
        let compile = t0.elapsed().as_secs_f64();
        let part = p.len.min(INTERPRETED);
        let sub = head(&inputs, part);
        let m = measure(
            self.budget,
            &self.interrupt,
            p.len,
            || {
                black_box(p.kernel.run(black_box(&inputs)).ok());
            },
            Some(part),
            || {
                black_box(p.kernel.run_reference(black_box(&sub)).ok());
            },
        )?;
        Ok(Report::new(formula, p.len, compile, &m))
    }

    /// `:compare F1 ; F2 ; …`: one table.
    pub(super) fn compare(&self, text: &str) -> Result<String> {
        let formulas: Vec<&str> = text
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        if formulas.is_empty() {
            return Err(Error::new(
                ErrorKind::Syntax,
                "usage: :compare F1 ; F2 ; …  (e.g. :compare x^3 ; pow(x, 3) ; x*x*x)",
            ));
        }
        let reports = formulas
            .iter()
            .map(|f| self.time_formula(f))
            .collect::<Result<Vec<_>>>()?;
        Ok(compare_table(&reports))
    }
}
