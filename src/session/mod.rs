//! The interactive session behind the `exprjit` command, as a library type:
//! the binary feeds it lines (from a terminal, a pipe or a script) and
//! prints what it answers; tests drive it the same way.
//!
//! ```
//! use exprjit::{Reply, Session};
//!
//! let mut s = Session::new();
//! s.line("x = linspace(0, 1, 5)");
//! let Reply::Text(out) = s.line("x^3") else { panic!() };
//! assert_eq!(out, "array of 5: first 0, last 1, min 0, max 1, mean 0.3125");
//! ```

mod runs;
mod svg;
pub mod timing;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};
use crate::kernels::{Input, MapKernel, Parallel};
use crate::{Engine, MathMode, format_f64};
use timing::{Timing, human, time_it};

/// A session variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// One number.
    Scalar(f64),
    /// An array.
    Array(Arc<[f64]>),
}

/// What the session answers to a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Text to print (possibly empty).
    Text(String),
    /// The session is over.
    Quit,
}

/// Commands, for `:help` and completion.
pub const COMMANDS: [&str; 12] = [
    ":help",
    ":vars",
    ":time",
    ":compare",
    ":ir",
    ":asm",
    ":seed",
    ":rewrites",
    ":threads",
    ":math",
    ":clear",
    ":quit",
];

/// Array constructors usable on the right of `=`.
pub const CONSTRUCTORS: [&str; 4] = ["linspace", "arange", "rand", "randn"];

const HELP: &str = "\
Values
  h = 0.001                  a scalar (any formula of known values)
  x = linspace(0, 1, 1e6)    an array: also arange(n), arange(a, b, step), rand(n), randn(n)
  y = x^3 + h                a formula over arrays gives an array
Formulas
  y + h*y^2*cos(t+y)         a value, or for arrays: length, first, last, min, max, mean
Commands
  :time FORMULA              compile time; best and median per call, JIT and interpreter
       options before the formula: --threads N, --no-rewrites, --math libm|fast
  :compare F1 ; F2 ; …       one timing table, e.g. :compare x^3 ; pow(x, 3) ; x*x*x
  :recur y <- F ; t = G ; steps=1e6 [; every=K]
                             a recurrence from the session's y (state updates use <-,
                             helper definitions =; i is the step index); every=K keeps
                             every K-th state in y_path
  :grid F ; 1000 x 1000      a formula of i, j (or of i alone: ; N) over a grid
  :sweep [--out F.svg] [--max N] FORMULA
                             ns/element and speed-up for sizes 10 to 1e7, table and plot
  :ir FORMULA                the formula after rewrites, and the Cranelift IR
  :asm FORMULA               the machine code
  :vars                      variables with length and memory
  :seed N                    seed rand and randn
  :rewrites on|off           constant folding, exact identities, x^n as multiplies
  :threads N                 threads for array formulas (0: all cores, 1: serial)
  :math fast|libm            inline vector math (default) or C library calls
  :clear                     forget all variables
  :quit                      leave (also Ctrl-D); Ctrl-C stops a long run";

/// Session state: variables and settings.
pub struct Session {
    vars: BTreeMap<String, Value>,
    rewrites: bool,
    math: MathMode,
    threads: usize,
    rng: u64,
    interrupt: Arc<AtomicBool>,
    budget: Duration,
    progress: Option<Box<dyn FnMut(usize, usize)>>,
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

/// A parsed `:time`-style option list and the formula after it.
struct TimeOptions<'a> {
    threads: Option<usize>,
    rewrites: Option<bool>,
    math: Option<MathMode>,
    formula: &'a str,
}

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
        let formula: String = self
            .formula
            .chars()
            .flat_map(|c| match c {
                '"' => "\\\"".chars().collect::<Vec<_>>(),
                '\\' => "\\\\".chars().collect(),
                c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).chars().collect(),
                c => vec![c],
            })
            .collect();
        format!(
            "{{\"formula\": \"{formula}\", \"elements\": {}, \"compile_s\": {:e}, \"jit\": {}, \"interpreter\": {}, \"speedup\": {}}}",
            self.elements,
            self.compile,
            timing(&self.jit),
            self.interpreter.as_ref().map_or("null".to_string(), timing),
            self.speedup()
                .map_or("null".to_string(), |s| format!("{s:e}"))
        )
    }
}

impl Session {
    /// An empty session: rewrites on, all cores, seed 0.
    pub fn new() -> Session {
        Session {
            vars: BTreeMap::new(),
            rewrites: true,
            math: MathMode::default(),
            threads: 0,
            rng: 0,
            interrupt: Arc::new(AtomicBool::new(false)),
            budget: Duration::from_millis(300),
            progress: None,
        }
    }

    /// Called with (done, total) as a long command (`:sweep`) goes on.
    pub fn set_progress(&mut self, progress: impl FnMut(usize, usize) + 'static) {
        self.progress = Some(Box::new(progress));
    }

    /// Set this flag (from a Ctrl-C handler) to stop a running measurement.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// Chooses inline math (`MathMode::Fast`, the default) or C library
    /// calls for everything the session compiles from now on (`:math`).
    pub fn set_math(&mut self, math: MathMode) {
        self.math = math;
    }

    /// Time spent per measurement after the first call (default 300 ms).
    pub fn set_budget(&mut self, budget: Duration) {
        self.budget = budget;
    }

    /// Names for completion: variables, functions, constructors, commands.
    pub fn completions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.vars.keys().cloned().collect();
        names.extend(crate::functions::builtin_names().map(String::from));
        names.extend(CONSTRUCTORS.iter().map(|s| s.to_string()));
        names.extend(COMMANDS.iter().map(|s| s.to_string()));
        names.extend(crate::functions::constant_names().map(String::from));
        names
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    /// Handles one line.
    pub fn line(&mut self, line: &str) -> Reply {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Reply::Text(String::new());
        }
        let result = match line.strip_prefix(':') {
            Some(command) => {
                let (name, rest) = command
                    .split_once(char::is_whitespace)
                    .unwrap_or((command, ""));
                match self.command(name, rest.trim()) {
                    Some(r) => r,
                    None => return Reply::Quit,
                }
            }
            None => self.statement(line),
        };
        Reply::Text(match result {
            Ok(s) => s,
            Err(e) => e.to_string(),
        })
    }

    /// A command; `None` means quit.
    fn command(&mut self, name: &str, rest: &str) -> Option<Result<String>> {
        Some(match name {
            "q" | "quit" | "exit" => return None,
            "h" | "help" if rest.trim() == "functions" => Ok(crate::functions::help(true)),
            "h" | "help" => Ok(format!("{HELP}\n{}", crate::functions::help(false))),
            "vars" => Ok(self.list_vars()),
            "clear" => {
                self.vars.clear();
                Ok("all variables forgotten".to_string())
            }
            "seed" => rest
                .parse::<u64>()
                .map(|s| {
                    self.rng = s;
                    format!("seed {s}")
                })
                .map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!("`{rest}` is not a seed; use :seed 42"),
                    )
                }),
            "rewrites" => match rest {
                "on" | "off" => {
                    self.rewrites = rest == "on";
                    Ok(format!("rewrites {rest}"))
                }
                _ => Ok(format!(
                    "rewrites are {}",
                    if self.rewrites { "on" } else { "off" }
                )),
            },
            "math" => match MathMode::from_name(rest) {
                Some(m) => {
                    self.math = m;
                    Ok(format!("math {}", m.name()))
                }
                None if rest.is_empty() => Ok(format!("math is {}", self.math.name())),
                None => Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("`{rest}` is not a math mode; use :math fast or :math libm"),
                )),
            },
            "threads" => match rest.parse::<usize>() {
                Ok(t) => {
                    self.threads = t;
                    Ok(format!(
                        "threads {}",
                        if t == 0 {
                            "all".to_string()
                        } else {
                            t.to_string()
                        }
                    ))
                }
                Err(_) => Ok(format!("threads are {}", self.threads)),
            },
            "ir" => self.ir(rest, false),
            "asm" => self.ir(rest, true),
            "time" => self.time_command(rest),
            "compare" => self.compare(rest),
            "recur" => self.recur(rest),
            "grid" => self.grid(rest),
            "sweep" => self.sweep(rest),
            other => Err(Error::new(
                ErrorKind::Syntax,
                format!("unknown command `:{other}`; type :help"),
            )),
        })
    }

    fn engine(&self, rewrites: bool) -> Engine {
        Engine::new().with_rewrites(rewrites).with_math(self.math)
    }

    fn parallel(&self, threads: usize) -> Parallel {
        match threads {
            1 => Parallel::serial(),
            t => Parallel {
                threads: t,
                ..Parallel::default()
            },
        }
    }

    /// Runs a line that is not a `:command`: an assignment `name = value`
    /// or a formula; returns what [`line`](Session::line) would print.
    pub fn execute(&mut self, line: &str) -> Result<String> {
        self.statement(line.trim())
    }

    /// `name = value` or a formula.
    fn statement(&mut self, line: &str) -> Result<String> {
        if let Some((name, rhs)) = line.split_once('=')
            && !rhs.starts_with('=')
            && !name.ends_with(['<', '>', '!', '='])
        {
            let name = name.trim();
            crate::bind::check_name(name)?;
            let value = match self.constructor(rhs.trim())? {
                Some(v) => v,
                None => self.evaluate(rhs)?,
            };
            let shown = describe(&value);
            self.vars.insert(name.to_string(), value);
            return Ok(format!("{name} = {shown}"));
        }
        if let Some(v) = self.constructor(line)? {
            return Ok(describe(&v));
        }
        self.evaluate(line).map(|v| describe(&v))
    }

    /// `linspace(…)`, `arange(…)`, `rand(n)`, `randn(n)`, or `None` if `text` is not one.
    fn constructor(&mut self, text: &str) -> Result<Option<Value>> {
        let Some((name, args)) = text.split_once('(') else {
            return Ok(None);
        };
        let name = name.trim();
        if !CONSTRUCTORS.contains(&name) || !args.trim_end().ends_with(')') {
            return Ok(None);
        }
        let args = args.trim_end().trim_end_matches(')');
        let values: Vec<f64> = split_args(args)
            .iter()
            .map(|a| match self.evaluate(a)? {
                Value::Scalar(v) => Ok(v),
                Value::Array(_) => Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("`{a}` must be a number"),
                )),
            })
            .collect::<Result<_>>()?;
        let count = |v: f64| -> Result<usize> {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1e9 {
                Ok(v as usize)
            } else {
                Err(Error::new(
                    ErrorKind::Length,
                    format!(
                        "{} is not an array length (a whole number up to 1e9)",
                        format_f64(v)
                    ),
                ))
            }
        };
        let wrong = |usage: &str| Err(Error::new(ErrorKind::Arity, format!("usage: {usage}")));
        let array: Vec<f64> = match (name, values.as_slice()) {
            ("linspace", &[a, b, n]) => {
                let n = count(n)?;
                let step = if n > 1 { (b - a) / (n - 1) as f64 } else { 0.0 };
                (0..n)
                    .map(|k| {
                        if k + 1 == n && n > 1 {
                            b
                        } else {
                            a + step * k as f64
                        }
                    })
                    .collect()
            }
            ("linspace", _) => return wrong("linspace(start, stop, n)"),
            ("arange", &[n]) => (0..count(n)?).map(|k| k as f64).collect(),
            ("arange", &[a, b, step]) => {
                if step == 0.0 || !step.is_finite() {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        "arange needs a finite, non-zero step",
                    ));
                }
                let n = count(((b - a) / step).ceil().max(0.0))?;
                (0..n).map(|k| a + step * k as f64).collect()
            }
            ("arange", _) => return wrong("arange(n) or arange(start, stop, step)"),
            ("rand", &[n]) => (0..count(n)?).map(|_| self.uniform()).collect(),
            ("randn", &[n]) => (0..count(n)?).map(|_| self.normal()).collect(),
            _ => return wrong(&format!("{name}(n)")),
        };
        Ok(Some(Value::Array(array.into())))
    }

    fn uniform(&mut self) -> f64 {
        // SplitMix64.
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        // Box–Muller.
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// The variables a formula uses, checked, with their inputs.
    fn inputs_for<'v>(
        &'v self,
        names: &[&str],
        formula: &crate::Expr,
    ) -> Result<(Vec<Input<'v>>, Option<usize>)> {
        // Binding against the known names gives a positioned error, with a
        // suggestion, for a variable the session does not have.
        let known: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        formula.interpreter(&known)?;
        let mut inputs = Vec::with_capacity(names.len());
        let mut len: Option<(usize, &str)> = None;
        for name in names {
            match self.vars.get(*name) {
                Some(Value::Scalar(v)) => inputs.push(Input::Scalar(*v)),
                Some(Value::Array(a)) => {
                    if let Some((n, first)) = len
                        && n != a.len()
                    {
                        return Err(Error::new(
                            ErrorKind::Length,
                            format!("`{first}` has {n} elements but `{name}` has {}", a.len()),
                        ));
                    }
                    len = Some((a.len(), name));
                    inputs.push(Input::Array(a));
                }
                None => {
                    return Err(Error::new(
                        ErrorKind::UnboundVariable,
                        format!("no value for the variable `{name}`"),
                    ));
                }
            }
        }
        Ok((inputs, len.map(|(n, _)| n)))
    }

    /// Evaluates a formula over the session's variables.
    fn evaluate(&self, formula: &str) -> Result<Value> {
        let engine = self.engine(self.rewrites);
        let expr = engine.parse(formula)?;
        let names = expr.variables();
        let (inputs, len) = self.inputs_for(&names, &expr)?;
        match len {
            None => {
                let values: Vec<f64> = inputs
                    .iter()
                    .map(|i| match i {
                        Input::Scalar(v) => *v,
                        Input::Array(_) => f64::NAN,
                    })
                    .collect();
                Ok(Value::Scalar(expr.compile(&names)?.call(&values)?))
            }
            Some(_) => {
                let map = engine
                    .map(&[formula], &names)?
                    .with_parallel(self.parallel(self.threads));
                let mut out = map.eval(&inputs)?;
                Ok(Value::Array(out.remove(0).into()))
            }
        }
    }

    fn list_vars(&self) -> String {
        if self.vars.is_empty() {
            return "no variables yet; try x = linspace(0, 1, 1e6)".to_string();
        }
        let mut out = format!(
            "{:<12} {:<8} {:>10} {:>10}",
            "name", "kind", "length", "memory"
        );
        for (name, value) in &self.vars {
            let (kind, len) = match value {
                Value::Scalar(_) => ("scalar", 1),
                Value::Array(a) => ("array", a.len()),
            };
            let bytes = len * 8;
            let memory = if bytes < 1 << 10 {
                format!("{bytes} B")
            } else if bytes < 1 << 20 {
                format!("{:.1} KiB", bytes as f64 / 1024.0)
            } else {
                format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
            };
            let _ = write!(out, "\n{name:<12} {kind:<8} {len:>10} {memory:>10}");
        }
        out
    }

    fn ir(&self, formula: &str, asm: bool) -> Result<String> {
        let expr = self.engine(self.rewrites).parse(formula)?;
        let names = expr.variables();
        let listing = expr.listing(&names)?;
        Ok(if asm {
            // Cranelift's unwind annotations are not instructions.
            let lines: Vec<&str> = listing
                .asm
                .lines()
                .filter(|l| !l.trim_start().starts_with("unwind "))
                .collect();
            lines.join("\n")
        } else {
            format!(
                "rewritten: {}\narguments: ({})\n{}",
                expr.rewritten(),
                names.join(", "),
                listing.clif.trim_end()
            )
        })
    }

    fn time_options<'a>(&self, text: &'a str) -> Result<TimeOptions<'a>> {
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

    fn time_command(&self, text: &str) -> Result<String> {
        let opts = self.time_options(text)?;
        self.time(&opts).map(|r| r.text())
    }

    /// Times `formula` (JIT and interpreter) with the session's variables.
    pub fn time_formula(&self, formula: &str) -> Result<Report> {
        self.time(&TimeOptions {
            threads: None,
            rewrites: None,
            math: None,
            formula,
        })
    }

    fn time(&self, opts: &TimeOptions<'_>) -> Result<Report> {
        let interrupted = || Error::new(ErrorKind::Limit, "interrupted");
        let engine = self
            .engine(opts.rewrites.unwrap_or(self.rewrites))
            .with_math(opts.math.unwrap_or(self.math));
        let formula = opts.formula;
        let t0 = Instant::now();
        let expr = engine.parse(formula)?;
        let names = expr.variables();
        let (inputs, len) = self.inputs_for(&names, &expr)?;
        match len {
            None => {
                let values: Vec<f64> = inputs
                    .iter()
                    .map(|i| {
                        if let Input::Scalar(v) = i {
                            *v
                        } else {
                            f64::NAN
                        }
                    })
                    .collect();
                let f = expr.compile(&names)?;
                let compile = t0.elapsed().as_secs_f64();
                let interp = expr.interpreter(&names)?;
                let jit = time_it(
                    || {
                        std::hint::black_box(f.call(std::hint::black_box(&values)).ok());
                    },
                    self.budget,
                    &self.interrupt,
                )
                .ok_or_else(interrupted)?;
                let interpreter = time_it(
                    || {
                        std::hint::black_box(interp.call(std::hint::black_box(&values)).ok());
                    },
                    self.budget,
                    &self.interrupt,
                )
                .ok_or_else(interrupted)?;
                Ok(Report {
                    formula: formula.to_string(),
                    elements: 1,
                    compile,
                    jit,
                    interpreter: Some(interpreter),
                })
            }
            Some(n) => {
                let map: MapKernel = engine
                    .map(&[formula], &names)?
                    .with_parallel(self.parallel(opts.threads.unwrap_or(self.threads)));
                map.prepare(&inputs)?;
                let compile = t0.elapsed().as_secs_f64();
                let mut out = vec![0.0; n];
                let jit = time_it(
                    || {
                        let _ = map.run(&inputs, &mut [&mut out]);
                    },
                    self.budget,
                    &self.interrupt,
                )
                .ok_or_else(interrupted)?;
                // The interpreter is slow: time it on at most 100,000 elements.
                let m = n.min(100_000);
                let sub: Vec<Input> = inputs
                    .iter()
                    .map(|i| match i {
                        Input::Array(a) => Input::Array(&a[..m]),
                        s => *s,
                    })
                    .collect();
                let mut out = vec![0.0; m];
                let interp = time_it(
                    || {
                        let _ = map.run_reference(&sub, &mut [&mut out]);
                    },
                    self.budget,
                    &self.interrupt,
                )
                .ok_or_else(interrupted)?;
                // Scale the interpreter's time to the full length.
                let scale = n as f64 / m.max(1) as f64;
                let interpreter = Timing {
                    best: interp.best * scale,
                    median: interp.median * scale,
                    ..interp
                };
                Ok(Report {
                    formula: formula.to_string(),
                    elements: n,
                    compile,
                    jit,
                    interpreter: Some(interpreter),
                })
            }
        }
    }

    fn compare(&self, text: &str) -> Result<String> {
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
        let width = formulas
            .iter()
            .map(|f| f.chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        let mut out = format!(
            "{:<width$}  {:>10}  {:>11}  {:>10}  {:>14}  {:>8}",
            "formula", "compile", "jit median", "ns/elem", "interp ns/elem", "speed-up"
        );
        for f in formulas {
            let r = self.time_formula(f)?;
            let n = r.elements as f64;
            let _ = write!(
                out,
                "\n{:<width$}  {:>10}  {:>11}  {:>10.3}  {:>14.3}  {:>7.1}x",
                f,
                human(r.compile),
                human(r.jit.median),
                r.jit.median * 1e9 / n,
                r.interpreter.map_or(f64::NAN, |i| i.median * 1e9 / n),
                r.speedup().unwrap_or(f64::NAN)
            );
        }
        Ok(out)
    }
}

/// A value as the session shows it: a number, or an array summary.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Scalar(v) => format_f64(*v),
        Value::Array(a) if a.is_empty() => "empty array".to_string(),
        Value::Array(a) => {
            let min = a.iter().copied().fold(f64::NAN, crate::ir::ops::fmin);
            let max = a.iter().copied().fold(f64::NAN, crate::ir::ops::fmax);
            let mean = a.iter().sum::<f64>() / a.len() as f64;
            format!(
                "array of {}: first {}, last {}, min {}, max {}, mean {}",
                a.len(),
                format_f64(a[0]),
                format_f64(a[a.len() - 1]),
                format_f64(min),
                format_f64(max),
                format_f64(mean)
            )
        }
    }
}

/// Splits call arguments at top-level commas.
fn split_args(text: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() || !args.is_empty() {
        args.push(current);
    }
    args
}
