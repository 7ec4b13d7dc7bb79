//! Timing reports as the session prints them: `:time` (text, and JSON for
//! `exprjit time --json`), the `:compare` table, the timing lines of
//! `:recur` and `:grid`, and the `:sweep` table.

use std::fmt::Write as _;

use super::timing::{Measured, Timing, human};

/// One timed formula.
#[derive(Debug, Clone)]
pub struct Report {
    /// The formula.
    pub formula: String,
    /// Elements per call (1 for a scalar formula).
    pub elements: usize,
    /// Seconds from text to runnable code.
    pub compile: f64,
    /// The compiled code.
    pub jit: Timing,
    /// The reference interpreter on the same work.
    pub interpreter: Option<Timing>,
}

impl Report {
    /// A report of `formula` over `elements` from a measurement.
    pub(super) fn new(formula: &str, elements: usize, compile: f64, m: &Measured) -> Report {
        Report {
            formula: formula.to_string(),
            elements,
            compile,
            jit: m.jit,
            interpreter: m.interpreter,
        }
    }

    /// Median speed-up of the JIT over the interpreter.
    pub fn speedup(&self) -> Option<f64> {
        self.interpreter.map(|i| i.median / self.jit.median)
    }

    /// The report as text.
    pub fn text(&self) -> String {
        let n = self.elements as f64;
        let line = |name: &str, t: &Timing| {
            format!(
                "{name:<11} best {}, median {} per call ({} runs × {} loop{}), {:.3} ns/element",
                human(t.best),
                human(t.median),
                t.runs,
                t.loops,
                if t.loops == 1 { "" } else { "s" },
                t.median * 1e9 / n
            )
        };
        let mut out = format!(
            "compile     {}\n{}",
            human(self.compile),
            line("jit", &self.jit)
        );
        if let Some(i) = &self.interpreter {
            let _ = write!(
                out,
                "\n{}\nspeed-up    {:.1}x",
                line("interpreter", i),
                self.speedup().unwrap_or(0.0)
            );
        }
        out
    }

    /// The report as one JSON object.
    pub fn json(&self) -> String {
        let timing = |t: &Timing| {
            format!(
                "{{\"best_s\": {:e}, \"median_s\": {:e}, \"runs\": {}, \"loops\": {}, \"ns_per_element\": {:e}}}",
                t.best,
                t.median,
                t.runs,
                t.loops,
                t.median * 1e9 / self.elements as f64
            )
        };
        format!(
            "{{\"formula\": \"{}\", \"elements\": {}, \"compile_s\": {:e}, \"jit\": {}, \"interpreter\": {}, \"speedup\": {}}}",
            json_string(&self.formula),
            self.elements,
            self.compile,
            timing(&self.jit),
            self.interpreter.as_ref().map_or("null".to_string(), timing),
            self.speedup()
                .map_or("null".to_string(), |s| format!("{s:e}"))
        )
    }
}

/// The inside of a JSON string: quotes, backslashes and control
/// characters escaped.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `:compare`: one row per report.
pub(super) fn compare_table(reports: &[Report]) -> String {
    let width = reports
        .iter()
        .map(|r| r.formula.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = format!(
        "{:<width$}  {:>10}  {:>11}  {:>10}  {:>14}  {:>8}",
        "formula", "compile", "jit median", "ns/elem", "interp ns/elem", "speed-up"
    );
    for r in reports {
        let n = r.elements as f64;
        let _ = write!(
            out,
            "\n{:<width$}  {:>10}  {:>11}  {:>10.3}  {:>14.3}  {:>7.1}x",
            r.formula,
            human(r.compile),
            human(r.jit.median),
            r.jit.median * 1e9 / n,
            r.interpreter.map_or(f64::NAN, |i| i.median * 1e9 / n),
            r.speedup().unwrap_or(f64::NAN)
        );
    }
    out
}

/// How a kernel run is reported by [`run_lines`]: "per run, ns/step".
pub(super) struct Units {
    /// One call of the kernel: `run`, `grid`.
    pub call: &'static str,
    /// One unit of work: `step`, `element`.
    pub unit: &'static str,
    /// Decimals of the time per unit.
    pub decimals: usize,
    /// Whether to say how many units the interpreter was timed on when
    /// it was fewer than the whole.
    pub show_part: bool,
}

/// The timing lines of `:recur` and `:grid`: compile, JIT and interpreter
/// medians per call and per unit of `whole`, speed-up.
pub(super) fn run_lines(compile: f64, m: &Measured, whole: usize, u: &Units) -> String {
    let per = |t: &Timing| t.median * 1e9 / whole.max(1) as f64;
    let d = u.decimals;
    let mut out = format!(
        "compile     {}\njit         median {} per {}, {:.d$} ns/{}",
        human(compile),
        human(m.jit.median),
        u.call,
        per(&m.jit),
        u.unit,
    );
    if let Some(interp) = &m.interpreter {
        let _ = write!(
            out,
            "\ninterpreter median {} per {}, {:.d$} ns/{}{}\nspeed-up    {:.1}x",
            human(interp.median),
            u.call,
            per(interp),
            u.unit,
            if u.show_part && m.interpreted < whole {
                format!(" (timed on {} {}s)", m.interpreted, u.unit)
            } else {
                String::new()
            },
            m.speedup().unwrap_or(f64::NAN)
        );
    }
    out
}

/// `:sweep`'s table: size, JIT and interpreter ns/element, speed-up.
pub(super) fn sweep_table(rows: &[(usize, f64, Option<f64>)]) -> String {
    let mut table = format!(
        "{:>10}  {:>12}  {:>15}  {:>9}",
        "n", "jit ns/elem", "interp ns/elem", "speed-up"
    );
    for (n, j, i) in rows {
        let _ = match i {
            Some(i) => write!(table, "\n{n:>10}  {j:>12.3}  {i:>15.3}  {:>8.1}x", i / j),
            None => write!(table, "\n{n:>10}  {j:>12.3}  {:>15}  {:>9}", "-", "-"),
        };
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(median: f64) -> Timing {
        Timing {
            best: median,
            median,
            runs: 7,
            loops: 1,
        }
    }

    #[test]
    fn run_lines_as_recur_and_grid_print_them() {
        let m = Measured {
            jit: timing(1e-3),
            interpreter: Some(timing(3e-3)),
            interpreted: 10,
        };
        let steps = Units {
            call: "run",
            unit: "step",
            decimals: 2,
            show_part: true,
        };
        assert_eq!(
            run_lines(2e-4, &m, 1000, &steps),
            "compile     200 µs\njit         median 1.00 ms per run, 1000.00 ns/step\n\
             interpreter median 3.00 ms per run, 3000.00 ns/step (timed on 10 steps)\n\
             speed-up    3.0x"
        );
        let grid = Units {
            call: "grid",
            unit: "element",
            decimals: 3,
            show_part: false,
        };
        assert!(run_lines(2e-4, &m, 1000, &grid).contains("per grid, 3000.000 ns/element\n"));
    }

    #[test]
    fn json_escapes_the_formula() {
        assert_eq!(json_string("a\"b\\c\nd"), "a\\\"b\\\\c\\u000ad");
    }
}
