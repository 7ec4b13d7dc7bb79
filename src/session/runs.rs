//! `:recur`, `:grid` and `:sweep`: set up and time the other kernels, and
//! time a formula over array sizes with a plot.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use super::report::{Units, run_lines, sweep_table};
use super::svg::{Panel, Series, chart};
use super::timing::{INTERPRETED, measure};
use super::values::{Value, room, summary, zeros};
use super::{Session, head};
use crate::{Error, ErrorKind, Input, Keep, RecurrenceSpec, Result, format_f64};

/// The most steps `:recur` runs: a run cannot be stopped with Ctrl-C
/// once it has started, and 1e12 steps take minutes to hours.
const MAX_STEPS: f64 = 1e12;

fn usage(text: &str) -> Error {
    Error::new(ErrorKind::Syntax, format!("usage: {text}"))
}

impl Session {
    /// A scalar formula of session values, as a count of `what`; `cap`,
    /// when given, is the session's limit for it.
    fn count(&self, text: &str, what: &str, cap: Option<(f64, &str)>) -> Result<usize> {
        // 2^64: the first whole number a usize cannot hold.
        const LIMIT: f64 = 18_446_744_073_709_551_616.0;
        let v = match self.evaluate(text)? {
            Value::Scalar(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 => v,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("{what} must be a whole number, got `{}`", text.trim()),
                ));
            }
        };
        if let Some((limit, why)) = cap
            && v > limit
        {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("{what} is {v:e}, more than the session's limit of {limit:e} ({why})"),
            ));
        }
        if v >= LIMIT {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("{what} is {v:e}, more than 2^64 - 1"),
            ));
        }
        Ok(v as usize)
    }

    fn scalar(&self, name: &str, hint: &str) -> Result<f64> {
        match self.vars.get(name) {
            Some(Value::Scalar(v)) => Ok(*v),
            Some(Value::Array(_)) => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("`{name}` is an array; {hint}"),
            )),
            None => Err(Error::new(
                ErrorKind::UnboundVariable,
                format!("no value for `{name}`; {hint}"),
            )),
        }
    }

    /// `:recur y <- F ; t = G ; steps=N ; every=K`.
    pub(super) fn recur(&mut self, text: &str) -> Result<String> {
        const USAGE: &str = ":recur y <- y + h*y^2*cos(t+y) ; t = i*h ; steps=1e6 [; every=1000]";
        let (mut state, mut update, mut define) = (Vec::new(), Vec::new(), Vec::new());
        let (mut steps, mut every) = (None, None);
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some((name, f)) = part.split_once("<-") {
                state.push(name.trim());
                update.push(f.trim());
            } else if let Some(n) = part.strip_prefix("steps=") {
                let why = "a run cannot be stopped by Ctrl-C once it has started";
                steps = Some(self.count(n, "steps", Some((MAX_STEPS, why)))?);
            } else if let Some(k) = part.strip_prefix("every=") {
                every = Some(self.count(k, "every", None)?);
            } else if let Some((name, f)) = part.split_once('=') {
                define.push((name.trim(), f.trim()));
            } else {
                return Err(usage(USAGE));
            }
        }
        let steps = steps.ok_or_else(|| usage(USAGE))?;
        if state.is_empty() {
            return Err(usage(USAGE));
        }
        // Every other name is a parameter (a session scalar) or a per-step
        // input (a session array).
        let engine = self.engine(self.rewrites);
        let mut others: Vec<String> = Vec::new();
        for f in update.iter().chain(define.iter().map(|d| &d.1)) {
            for v in self.parse(&engine, f)?.variables() {
                let taken = state.contains(&v) || v == "i" || define.iter().any(|d| d.0 == v);
                if !taken && !others.iter().any(|o| o == v) {
                    others.push(v.to_string());
                }
            }
        }
        let (mut params, mut param_values, mut inputs, mut input_values) =
            (vec![], vec![], vec![], vec![]);
        for name in &others {
            match self.vars.get(name) {
                Some(Value::Scalar(v)) => {
                    params.push(name.as_str());
                    param_values.push(*v);
                }
                Some(Value::Array(a)) => {
                    inputs.push(name.as_str());
                    input_values.push(a.clone());
                }
                None => {
                    return Err(Error::new(
                        ErrorKind::UnboundVariable,
                        format!("no value for `{name}`; give it one first, e.g. {name} = 0.001"),
                    ));
                }
            }
        }
        let initial: Vec<f64> = state
            .iter()
            .map(|s| {
                self.scalar(
                    s,
                    &format!("give the state a starting value first, e.g. {s} = 1"),
                )
            })
            .collect::<Result<_>>()?;
        let t0 = Instant::now();
        let rec = engine.recurrence(RecurrenceSpec {
            state: &state,
            update: &update,
            define: &define,
            params: &params,
            inputs: &inputs,
        })?;
        let compile = t0.elapsed().as_secs_f64();
        let input_refs: Vec<&[f64]> = input_values.iter().map(|a| &a[..]).collect();
        let keep = every.map_or(Keep::Last, Keep::Every);
        let result = rec.run(&initial, &param_values, &input_refs, steps, keep)?;
        let part = steps.min(INTERPRETED);
        let m = measure(
            self.budget,
            &self.interrupt,
            steps,
            || {
                let _ = rec.run(&initial, &param_values, &input_refs, steps, Keep::Last);
            },
            Some(part),
            || {
                let _ = rec.run_reference(&initial, &param_values, &input_refs, part, Keep::Last);
            },
        )?;
        let finals: Vec<String> = state
            .iter()
            .zip(&result.last)
            .map(|(s, v)| format!("{s} = {}", format_f64(*v)))
            .collect();
        let mut out = format!("{} after {steps} steps", finals.join(", "));
        if let Some(k) = every {
            let names: Vec<String> = state.iter().map(|s| format!("{s}_path")).collect();
            let mut paths = Vec::with_capacity(state.len());
            for (j, name) in names.iter().enumerate() {
                let mut path = room(result.rows(), &format!("`{name}`"))?;
                path.extend((0..result.rows()).map(|r| result.row(r)[j]));
                paths.push(path);
            }
            for (name, path) in names.iter().zip(paths) {
                self.vars.insert(name.clone(), Value::Array(Arc::new(path)));
            }
            let _ = write!(
                out,
                "\nkept {} states (every {k} steps) in {}",
                result.rows(),
                names.join(", ")
            );
        }
        let units = Units {
            call: "run",
            unit: "step",
            decimals: 2,
            show_part: true,
        };
        let _ = write!(out, "\n{}", run_lines(compile, &m, steps, &units));
        Ok(out)
    }

    /// `:grid FORMULA ; ROWS x COLS` or `:grid FORMULA ; N`.
    pub(super) fn grid(&self, text: &str) -> Result<String> {
        const USAGE: &str = ":grid sin(i*h)*cos(j*h) ; 1000 x 1000   (or ; N for a 1-D grid of i)";
        let (formula, size) = text.rsplit_once(';').ok_or_else(|| usage(USAGE))?;
        let (dims, rows, cols) = match size.split_once('x') {
            Some((r, c)) => (
                2,
                self.count(r, "rows", None)?,
                self.count(c, "columns", None)?,
            ),
            None => (1, 1, self.count(size, "the size", None)?),
        };
        let engine = self.engine(self.rewrites);
        let expr = self.parse(&engine, formula)?;
        let index: &[&str] = if dims == 2 { &["i", "j"] } else { &["i"] };
        let params: Vec<&str> = expr
            .variables()
            .into_iter()
            .filter(|v| !index.contains(v))
            .collect();
        let values: Vec<f64> = params
            .iter()
            .map(|p| self.scalar(p, "grid parameters are scalars"))
            .collect::<Result<_>>()?;
        let t0 = Instant::now();
        let grid = engine
            .grid(formula, dims, &params)?
            .with_parallel(self.parallel(self.threads));
        let compile = t0.elapsed().as_secs_f64();
        let n = rows.checked_mul(cols).ok_or_else(|| {
            Error::new(
                ErrorKind::Limit,
                format!("a {rows} × {cols} grid has more than 2^64 - 1 elements"),
            )
        })?;
        let mut out = zeros(n, "the grid")?;
        let run = |out: &mut [f64]| {
            if dims == 2 {
                grid.run2(rows, cols, &values, out)
            } else {
                grid.run1(&values, out)
            }
        };
        run(&mut out)?;
        let summary = summary(&out);
        // The interpreter on whole rows (2-D) or the first elements (1-D).
        let part_rows = if dims == 2 {
            rows.min((INTERPRETED / cols.max(1)).max(1))
        } else {
            1
        };
        let part_cols = if dims == 2 {
            cols
        } else {
            cols.min(INTERPRETED)
        };
        let mut part = vec![0.0; part_rows * part_cols];
        let m = measure(
            self.budget,
            &self.interrupt,
            n,
            || {
                let _ = run(&mut out);
            },
            Some(part_rows * part_cols),
            || {
                let _ = grid.run_reference(part_rows, part_cols, &values, &mut part);
            },
        )?;
        let units = Units {
            call: "grid",
            unit: "element",
            decimals: 3,
            show_part: false,
        };
        Ok(format!("{summary}\n{}", run_lines(compile, &m, n, &units)))
    }

    /// `:sweep FORMULA [--out FILE] [--max N]`: ns per element and speed-up
    /// over array sizes, as a table and an SVG plot.
    pub(super) fn sweep(&mut self, text: &str) -> Result<String> {
        let mut formula = text.trim();
        let mut file = "sweep.svg".to_string();
        let mut max = 10_000_000usize;
        loop {
            if let Some(r) = formula.strip_prefix("--out") {
                let r = r.trim_start();
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                file = r[..end].to_string();
                formula = r[end..].trim_start();
            } else if let Some(r) = formula.strip_prefix("--max") {
                let r = r.trim_start();
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                max = self.count(&r[..end], "--max", None)?;
                formula = r[end..].trim_start();
            } else {
                break;
            }
        }
        if formula.is_empty() {
            return Err(usage(
                ":sweep [--out FILE] [--max N] FORMULA   (e.g. :sweep x^3)",
            ));
        }
        let engine = self.engine(self.rewrites);
        let expr = self.parse(&engine, formula)?;
        let names = expr.variables();
        let (_, len) = self.inputs_for(&names, &expr)?;
        // Owned (shared) copies, so progress reports can borrow the session.
        let base: Vec<Value> = names
            .iter()
            .filter_map(|n| self.vars.get(*n).cloned())
            .collect();
        if len.is_none() {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "a sweep needs an array variable in the formula, e.g. x = rand(1e6)",
            ));
        }
        let map = engine
            .map(&[formula], &names)?
            .with_parallel(self.parallel(self.threads));
        let sizes: Vec<usize> = (2..=14)
            .map(|k| 10f64.powf(k as f64 / 2.0).round() as usize)
            .filter(|&n| n <= max.max(10))
            .collect();
        let budget = self.budget / 4;
        let mut rows = Vec::new();
        for (k, &n) in sizes.iter().enumerate() {
            if let Some(progress) = &mut self.progress {
                progress(k, sizes.len());
            }
            // Arrays of n elements: the session's arrays, repeated or cut.
            let mut arrays: Vec<Option<Vec<f64>>> = Vec::with_capacity(base.len());
            for v in &base {
                arrays.push(match v {
                    Value::Array(a) => {
                        let mut r = room(n, "the sweep's arrays")?;
                        r.extend((0..n).map(|e| a[e % a.len()]));
                        Some(r)
                    }
                    Value::Scalar(_) => None,
                });
            }
            let inputs: Vec<Input> = base
                .iter()
                .zip(&arrays)
                .map(|(v, a)| match (v, a) {
                    (_, Some(a)) => Input::Array(a),
                    (Value::Scalar(s), None) => Input::Scalar(*s),
                    (Value::Array(_), None) => Input::Scalar(f64::NAN),
                })
                .collect();
            let mut out = zeros(n, "the sweep's result")?;
            // The interpreter only on the sizes it takes in reasonable time.
            let timed = (n <= INTERPRETED).then_some(n);
            let mut sub_out = vec![0.0; timed.unwrap_or(0)];
            let sub = head(&inputs, timed.unwrap_or(0));
            let m = measure(
                budget,
                &self.interrupt,
                n,
                || {
                    let _ = map.run(&inputs, &mut [&mut out]);
                },
                timed,
                || {
                    let _ = map.run_reference(&sub, &mut [&mut sub_out]);
                },
            )?;
            rows.push((
                n,
                m.jit.median * 1e9 / n as f64,
                m.interpreter.map(|t| t.median * 1e9 / n as f64),
            ));
        }
        if let Some(progress) = &mut self.progress {
            progress(sizes.len(), sizes.len());
        }
        let mut table = sweep_table(&rows);
        let svg = chart(
            &format!("exprjit: {formula}"),
            "array length",
            &[
                Panel {
                    title: "time per element",
                    y_label: "ns per element",
                    log_y: true,
                    series: vec![
                        Series {
                            name: "JIT",
                            colour: "#d62728",
                            points: rows.iter().map(|r| (r.0 as f64, r.1)).collect(),
                        },
                        Series {
                            name: "interpreter",
                            colour: "#1f77b4",
                            points: rows
                                .iter()
                                .filter_map(|r| r.2.map(|i| (r.0 as f64, i)))
                                .collect(),
                        },
                    ],
                },
                Panel {
                    title: "speed-up of the JIT over the interpreter",
                    y_label: "speed-up (x)",
                    log_y: false,
                    series: vec![Series {
                        name: "speed-up",
                        colour: "#2ca02c",
                        points: rows
                            .iter()
                            .filter_map(|r| r.2.map(|i| (r.0 as f64, i / r.1)))
                            .collect(),
                    }],
                },
            ],
        );
        std::fs::write(&file, svg).map_err(|e| {
            Error::new(ErrorKind::InvalidValue, format!("cannot write {file}: {e}"))
        })?;
        let _ = write!(table, "\nplot written to {file}");
        Ok(table)
    }
}
