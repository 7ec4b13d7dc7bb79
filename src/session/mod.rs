//! The interactive session behind the `exprjit` command, as a library type:
//! the binary feeds it lines (from a terminal, a pipe or a script) and
//! prints what it answers; tests drive it the same way.
//!
//! One module per job: this one holds the [`Session`] and dispatches lines
//! and `:commands` (one table, `COMMANDS`, feeds dispatch, `:help` and
//! completion); `values` (values, summaries, fallible allocation),
//! `constructors` (`linspace`, `arange`, `rand`, `randn`), `reductions`
//! (`sum`, `mean`, `minof`, `maxof`), `timed` (`:time`, `:compare`),
//! `runs` (`:recur`, `:grid`, `:sweep`), `ode` (`:ode`), `quad` (`:quad`),
//! [`timing`] (the one timing
//! routine), `report` (timing reports as text and JSON), `help`, `script`
//! (errors located in a script's lines) and `svg` (the sweep's plot).

mod accuracy;
mod constructors;
mod help;
mod ode;
mod quad;
mod reductions;
mod report;
mod runs;
mod script;
mod svg;
mod timed;
mod timing;
mod values;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::{Engine, Error, ErrorKind, Expr, Input, MathMode, Parallel, Precision, Result, Width};
use constructors::Rng;
use reductions::{REDUCTIONS, Reduction};
use values::{vars_table, zeros};

pub use constructors::CONSTRUCTORS;
pub use report::Report;
pub use timing::Timing;
pub use values::{Value, describe};

/// What the session answers to a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Text to print (possibly empty).
    Text(String),
    /// The session is over.
    Quit,
}

/// A `:command`: the names it answers to (the first is the one completed
/// and listed), its lines in `:help`, and what it does with the rest of
/// the line.
struct Command {
    names: &'static [&'static str],
    help: &'static str,
    run: fn(&mut Session, &str) -> Result<Reply>,
}

/// Every command: the dispatcher, `:help` and completion all read this
/// table, so none can be missing from one of them.
const COMMANDS: &[Command] = &[
    Command {
        names: &["time"],
        help: "  :time FORMULA              compile time; best and median per call, JIT and interpreter
       options before the formula: --threads N, --no-rewrites, --math libm|fast",
        run: |s, rest| s.time_command(rest).map(Reply::Text),
    },
    Command {
        names: &["compare"],
        help: "  :compare F1 ; F2 ; …       one timing table, e.g. :compare x^3 ; pow(x, 3) ; x*x*x",
        run: |s, rest| s.compare(rest).map(Reply::Text),
    },
    Command {
        names: &["recur"],
        help: "  :recur y <- F ; t = G ; steps=1e6 [; every=K]
                             a recurrence from the session's y (state updates use <-,
                             helper definitions =; i is the step index); every=K keeps
                             every K-th state in y_path",
        run: |s, rest| s.recur(rest).map(Reply::Text),
    },
    Command {
        names: &["ode"],
        help: "  :ode y' = F ; y(0) = 1 ; t = 0 .. 1 [; rtol=1e-9 ; atol=1e-12]
                             an ODE system solved in compiled code (adaptive rk45, or
                             method=rk4 ; h=0.001); other names are session scalars;
                             every=K (rk4) or t_eval=N keep states in y_path, t_path;
                             :time :ode … times it",
        run: |s, rest| s.ode(rest).map(Reply::Text),
    },
    Command {
        names: &["grid"],
        help: "  :grid F ; 1000 x 1000      a formula of i, j (or of i alone: ; N) over a grid",
        run: |s, rest| s.grid(rest).map(Reply::Text),
    },
    Command {
        names: &["quad"],
        help: "  :quad F ; k = A .. B       the integral of F over k from A to B (limits may be inf,
                             -inf or arrays; an array in F or the limits gives one integral
                             per element); options: ; n=10 (Gauss–Legendre), ; epsabs=E
                             ; epsrel=R ; limit=L (adaptive Gauss–Kronrod, the default)",
        run: |s, rest| s.quad_command(rest).map(Reply::Text),
    },
    Command {
        names: &["sweep"],
        help: "  :sweep [--out F.svg] [--max N] FORMULA
                             ns/element and speed-up for sizes 10 to 1e7, table and plot",
        run: |s, rest| s.sweep(rest).map(Reply::Text),
    },
    Command {
        names: &["ir"],
        help: "  :ir FORMULA                the formula after rewrites, and the Cranelift IR",
        run: |s, rest| s.ir(rest, false).map(Reply::Text),
    },
    Command {
        names: &["asm"],
        help: "  :asm FORMULA               the machine code",
        run: |s, rest| s.ir(rest, true).map(Reply::Text),
    },
    Command {
        names: &["vars"],
        help: "  :vars                      variables with length and memory",
        run: |s, _| Ok(Reply::Text(vars_table(&s.vars))),
    },
    Command {
        names: &["seed"],
        help: "  :seed N                    seed rand and randn",
        run: |s, rest| s.seed(rest).map(Reply::Text),
    },
    Command {
        names: &["rewrites"],
        help: "  :rewrites on|off           constant folding, exact identities, x^n as multiplies",
        run: |s, rest| Ok(Reply::Text(s.rewrites_command(rest))),
    },
    Command {
        names: &["threads"],
        help: "  :threads N                 threads for array formulas (0: all cores, 1: serial)",
        run: |s, rest| Ok(Reply::Text(s.threads_command(rest))),
    },
    Command {
        names: &["math"],
        help: "  :math fast|libm            inline vector math (default) or C library calls",
        run: |s, rest| s.math_command(rest).map(Reply::Text),
    },
    Command {
        names: &["accuracy"],
        help: "  :accuracy F ; x = VALUES   digits F keeps in f64 and dd against exact values,
                             where fewer than 8 and 12 remain, the operation that
                             cancels (a caret under it); plot to accuracy.svg (--out F)",
        run: |s, rest| s.accuracy_command(rest).map(Reply::Text),
    },
    Command {
        names: &["width"],
        help: "  :width auto|f64x2|avx2|avx512  vector width of maps and grids (auto: the
                             widest this CPU has; every width gives the same bits)",
        run: |s, rest| s.width_command(rest).map(Reply::Text),
    },
    Command {
        names: &["precision"],
        help: "  :precision f64|dd          f64 arithmetic (default) or double-double (~32 digits)",
        run: |s, rest| s.precision_command(rest).map(Reply::Text),
    },
    Command {
        names: &["clear"],
        help: "  :clear                     forget all variables",
        run: |s, _| {
            s.vars.clear();
            Ok(Reply::Text("all variables forgotten".to_string()))
        },
    },
    Command {
        names: &["help", "h"],
        help: "  :help [functions]          this text (also :h); what each function does",
        run: |_, rest| {
            Ok(Reply::Text(if rest.trim() == "functions" {
                help::functions()
            } else {
                help::text()
            }))
        },
    },
    Command {
        names: &["quit", "q", "exit"],
        help: "  :quit                      leave (also Ctrl-D); Ctrl-C stops a long run",
        run: |_, _| Ok(Reply::Quit),
    },
];

/// The interactive session of the `exprjit` command as a library type:
/// variables, settings and commands; the binary feeds it lines and prints
/// what it answers.
///
/// ```
/// use exprjit::{Reply, Session};
///
/// let mut s = Session::new();
/// s.line("x = linspace(0, 1, 5)");
/// let Reply::Text(out) = s.line("x^3") else { panic!() };
/// assert_eq!(out, "array of 5: first 0, last 1, min 0, max 1, mean 0.3125");
/// let Reply::Text(out) = s.line("sum(x^2)") else { panic!() };
/// assert_eq!(out, "1.875");
/// ```
pub struct Session {
    vars: BTreeMap<String, Value>,
    rewrites: bool,
    math: MathMode,
    precision: Precision,
    width: Width,
    threads: usize,
    rng: Rng,
    interrupt: Arc<AtomicBool>,
    budget: Duration,
    progress: Option<Box<dyn FnMut(usize, usize)>>,
    /// The script the lines come from, if they come from one.
    source: Option<String>,
    /// Lines handled since the source was named (or since the start).
    line_no: usize,
    /// Lines that ended in an error.
    failures: usize,
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

impl Session {
    /// An empty session: rewrites on, all cores, seed 0.
    pub fn new() -> Session {
        Session {
            vars: BTreeMap::new(),
            rewrites: true,
            math: MathMode::default(),
            precision: Precision::default(),
            width: Width::default(),
            threads: 0,
            rng: Rng::new(0),
            interrupt: Arc::new(AtomicBool::new(false)),
            budget: Duration::from_millis(300),
            progress: None,
            source: None,
            line_no: 0,
            failures: 0,
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

    /// Chooses `f64` (the default) or double-double arithmetic for
    /// everything the session compiles from now on (`:precision`).
    pub fn set_precision(&mut self, precision: Precision) {
        self.precision = precision;
    }

    /// Chooses the vector width of maps and grids the session compiles
    /// from now on (`:width`); [`Width::Auto`] by default.
    pub fn set_width(&mut self, width: Width) {
        self.width = width;
    }

    /// Time spent per measurement after the first call (default 300 ms).
    pub fn set_budget(&mut self, budget: Duration) {
        self.budget = budget;
    }

    /// Names the script the following lines come from (a file name, or
    /// `<stdin>`), one [`line`](Session::line) call per line of it from
    /// line 1 on: errors then say where they are as `--> NAME:LINE:COLUMN`
    /// and show the script's line, as a compiler would.
    pub fn set_source(&mut self, name: impl Into<String>) {
        self.source = Some(name.into());
        self.line_no = 0;
    }

    /// How many lines so far ended in an error (a script that ran with
    /// failures should exit non-zero).
    pub fn failures(&self) -> usize {
        self.failures
    }

    /// Names for completion: variables, functions, constructors,
    /// reductions, commands, constants.
    pub fn completions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.vars.keys().cloned().collect();
        // The function table's names (`crate::functions`).
        names.extend(crate::functions::builtin_names().map(String::from));
        names.extend(CONSTRUCTORS.iter().map(|s| s.to_string()));
        names.extend(REDUCTIONS.iter().map(|(s, _)| s.to_string()));
        names.extend(COMMANDS.iter().map(|c| format!(":{}", c.names[0])));
        names.extend(crate::functions::constant_names().map(String::from));
        names
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    /// Handles one line.
    pub fn line(&mut self, line: &str) -> Reply {
        self.line_no += 1;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            return Reply::Text(String::new());
        }
        let result = match text.strip_prefix(':') {
            Some(command) => {
                let (name, rest) = command
                    .split_once(char::is_whitespace)
                    .unwrap_or((command, ""));
                self.command(name, rest.trim())
            }
            None => self.statement(text).map(Reply::Text),
        };
        result.unwrap_or_else(|e| {
            self.failures += 1;
            Reply::Text(match &self.source {
                Some(source) => script::located(&e, source, self.line_no, line),
                None => e.to_string(),
            })
        })
    }

    /// A `:command` from the table.
    fn command(&mut self, name: &str, rest: &str) -> Result<Reply> {
        match COMMANDS.iter().find(|c| c.names.contains(&name)) {
            Some(c) => (c.run)(self, rest),
            None => Err(Error::new(
                ErrorKind::Syntax,
                format!("unknown command `:{name}`; type :help"),
            )),
        }
    }

    fn seed(&mut self, rest: &str) -> Result<String> {
        let seed = rest.parse::<u64>().map_err(|_| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("`{rest}` is not a seed; use :seed 42"),
            )
        })?;
        self.rng = Rng::new(seed);
        Ok(format!("seed {seed}"))
    }

    fn rewrites_command(&mut self, rest: &str) -> String {
        match rest {
            "on" | "off" => {
                self.rewrites = rest == "on";
                format!("rewrites {rest}")
            }
            _ => format!("rewrites are {}", if self.rewrites { "on" } else { "off" }),
        }
    }

    fn math_command(&mut self, rest: &str) -> Result<String> {
        match MathMode::from_name(rest) {
            Some(m) => {
                self.math = m;
                Ok(format!("math {}", m.name()))
            }
            None if rest.is_empty() => Ok(format!("math is {}", self.math.name())),
            None => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("`{rest}` is not a math mode; use :math fast or :math libm"),
            )),
        }
    }

    fn precision_command(&mut self, rest: &str) -> Result<String> {
        match Precision::from_name(rest) {
            Some(p) => {
                self.precision = p;
                Ok(format!("precision {}", p.name()))
            }
            None if rest.is_empty() => Ok(format!("precision is {}", self.precision.name())),
            None => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("`{rest}` is not a precision; use :precision f64 or :precision dd"),
            )),
        }
    }

    fn width_command(&mut self, rest: &str) -> Result<String> {
        match Width::from_name(rest) {
            Some(w) => {
                w.resolve()?;
                self.width = w;
                Ok(format!("width {}", w.name()))
            }
            None if rest.is_empty() => Ok(format!(
                "width is {} (this CPU's widest: {})",
                self.width.name(),
                Width::widest().name()
            )),
            None => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("`{rest}` is not a width; use :width auto, f64x2, avx2 or avx512"),
            )),
        }
    }

    fn threads_command(&mut self, rest: &str) -> String {
        match rest.parse::<usize>() {
            Ok(t) => {
                self.threads = t;
                format!(
                    "threads {}",
                    if t == 0 {
                        "all".to_string()
                    } else {
                        t.to_string()
                    }
                )
            }
            Err(_) => format!("threads are {}", self.threads),
        }
    }

    fn engine(&self, rewrites: bool) -> Engine {
        Engine::new()
            .with_rewrites(rewrites)
            .with_math(self.math)
            .with_precision(self.precision)
            .with_width(self.width)
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

    /// `name = value` or a value.
    fn statement(&mut self, line: &str) -> Result<String> {
        if let Some((name, rhs)) = line.split_once('=')
            && !rhs.starts_with('=')
            && !name.ends_with(['<', '>', '!', '='])
        {
            let name = name.trim();
            crate::check_name(name)?;
            let value = self.value(rhs, &format!("`{name}`"))?;
            let shown = describe(&value);
            self.vars.insert(name.to_string(), value);
            return Ok(format!("{name} = {shown}"));
        }
        self.value(line, "the result").map(|v| describe(&v))
    }

    /// An array constructor, a reduction or a formula; `what` names the
    /// value in an out-of-memory error.
    fn value(&mut self, text: &str, what: &str) -> Result<Value> {
        if let Some(v) = self.constructor(text, what)? {
            return Ok(v);
        }
        if let Some((how, formula)) = Reduction::split(text) {
            return self.reduce(how, formula).map(Value::Scalar);
        }
        self.evaluate_for(text, what)
    }

    /// Parses a formula; a reduction's name inside it (`sqrt(sum(x))`)
    /// gets an error saying reductions are whole lines.
    fn parse(&self, engine: &Engine, formula: &str) -> Result<Expr> {
        engine.parse(formula).map_err(|e| {
            let Some(span) = e.span() else { return e };
            let Some(name) = formula.get(span.start..span.end) else {
                return e;
            };
            match e.kind() {
                ErrorKind::UnknownFunction => {
                    reductions::misplaced(name, span, formula).unwrap_or(e)
                }
                ErrorKind::Arity
                    if e.help().is_none()
                        && (name.starts_with("min(") || name.starts_with("max(")) =>
                {
                    e.with_help(
                        "the smallest or largest element of an array is minof(x) or maxof(x)",
                    )
                }
                _ => e,
            }
        })
    }

    /// The inputs for `names` from the session's variables, and the arrays'
    /// common length (`None` if all are scalars); `formula` is bound
    /// against the known names first, so an unknown one is a positioned
    /// error with a suggestion.
    fn inputs_for<'v>(
        &'v self,
        names: &[&str],
        formula: &Expr,
    ) -> Result<(Vec<Input<'v>>, Option<usize>)> {
        let known: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        formula.interpreter(&known)?;
        self.inputs(names)
    }

    /// The inputs for `names` and the arrays' common length.
    fn inputs<'v>(&'v self, names: &[&str]) -> Result<(Vec<Input<'v>>, Option<usize>)> {
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
        self.evaluate_for(formula, "the result")
    }

    /// Evaluates a formula; an array result is allocated for `what`.
    fn evaluate_for(&self, formula: &str, what: &str) -> Result<Value> {
        let engine = self.engine(self.rewrites);
        let expr = self.parse(&engine, formula)?;
        let names = expr.variables();
        let (inputs, len) = self.inputs_for(&names, &expr)?;
        match len {
            None => Ok(Value::Scalar(
                expr.compile(&names)?.call(&scalars(&inputs))?,
            )),
            Some(n) => {
                let map = engine
                    .map(&[formula], &names)?
                    .with_parallel(self.parallel(self.threads));
                let mut out = zeros(n, what)?;
                map.run(&inputs, &mut [&mut out])?;
                Ok(Value::Array(Arc::new(out)))
            }
        }
    }

    fn ir(&self, formula: &str, asm: bool) -> Result<String> {
        let expr = self.parse(&self.engine(self.rewrites), formula)?;
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
}

/// The values of all-scalar inputs (an array, which callers rule out
/// first, reads as NaN).
fn scalars(inputs: &[Input<'_>]) -> Vec<f64> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Scalar(v) => *v,
            Input::Array(_) => f64::NAN,
        })
        .collect()
}

/// The inputs cut to their first `n` elements (scalars stay).
fn head<'a>(inputs: &[Input<'a>], n: usize) -> Vec<Input<'a>> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Array(a) => Input::Array(&a[..n]),
            s => *s,
        })
        .collect()
}

/// `name(inner)` where the parenthesis after `name` closes at the very end
/// of `text`: the name and what is inside.
fn whole_call(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let open = text.find('(')?;
    let name = text[..open].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let inner = &text[open + 1..];
    let mut depth = 1usize;
    for (i, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return (i + 1 == inner.len()).then_some((name, &inner[..i]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits call arguments at top-level commas.
fn split_args(text: &str) -> Vec<&str> {
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                args.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = &text[start..];
    if !last.trim().is_empty() || !args.is_empty() {
        args.push(last);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_dispatched_completed_and_helped() {
        let mut s = Session::new();
        let completions = s.completions();
        let help = help::text();
        for c in COMMANDS {
            let name = c.names[0];
            assert!(
                completions.contains(&format!(":{name}")),
                ":{name} is not completed"
            );
            assert!(
                help.lines().any(|l| l.starts_with(&format!("  :{name}"))),
                ":{name} is not in :help"
            );
            assert!(
                c.help.starts_with(&format!("  :{name}")),
                "the help of :{name} is about another command"
            );
            for alias in c.names {
                let out = match s.line(&format!(":{alias}")) {
                    Reply::Text(t) => t,
                    Reply::Quit => continue,
                };
                assert!(!out.contains("unknown command"), ":{alias}: {out}");
            }
        }
        // The three the old completion list missed.
        for name in [":recur", ":grid", ":sweep"] {
            assert!(completions.iter().any(|c| c == name), "{name}");
        }
        // And every `:word` that starts a help line is a command.
        for line in help.lines() {
            if let Some(rest) = line.strip_prefix("  :") {
                let word = rest.split_whitespace().next().unwrap_or("");
                assert!(
                    COMMANDS.iter().any(|c| c.names.contains(&word)),
                    ":{word} is in :help but not a command"
                );
            }
        }
    }

    #[test]
    fn whole_calls_and_arguments() {
        assert_eq!(whole_call("sum((a-b)^2)"), Some(("sum", "(a-b)^2")));
        assert_eq!(whole_call(" rand( (3) ) "), Some(("rand", " (3) ")));
        assert_eq!(whole_call("sum(a) + sum(b)"), None);
        assert_eq!(whole_call("sum(a"), None);
        assert_eq!(whole_call("2*sum(a)"), None);
        assert_eq!(split_args("0, max(1, 2), 3"), ["0", " max(1, 2)", " 3"]);
        assert!(split_args(" ").is_empty());
    }
}
