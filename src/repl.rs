//! A minimal interactive session: assignments, formulas, timing. Issue 5
//! grows it into the full REPL.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use exprjit::{Engine, format_f64};

const HELP: &str = "\
  x = 1.5            give a variable a value (any formula of known values)
  y + h*y^2*cos(t)   evaluate a formula (compiled to native code)
  :time FORMULA      compile time, and ns per call for the JIT and the interpreter
  :ir FORMULA        the formula after rewrites
  :vars              list variables
  :rewrites on|off   turn rewrites (folding, x^n as multiplies) on or off
  :help              this text
  :quit              leave (also Ctrl-D)
Functions: sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh exp exp2
expm1 log ln log2 log10 log1p sqrt cbrt abs floor ceil round trunc sign
atan2 pow hypot min max fmod clamp fma if; constants pi e.";

/// Session state: variables and settings.
pub struct Session {
    vars: BTreeMap<String, f64>,
    rewrites: bool,
}

impl Session {
    fn engine(&self) -> Engine {
        Engine::new().with_rewrites(self.rewrites)
    }

    fn names_and_values(&self) -> (Vec<&str>, Vec<f64>) {
        (
            self.vars.keys().map(String::as_str).collect(),
            self.vars.values().copied().collect(),
        )
    }

    /// Handles one line; returns what to print, or None to quit.
    pub fn line(&mut self, line: &str) -> Option<String> {
        let line = line.trim();
        if line.is_empty() {
            return Some(String::new());
        }
        let (cmd, rest) = match line.strip_prefix(':') {
            Some(c) => c.split_once(char::is_whitespace).unwrap_or((c, "")),
            None => ("", line),
        };
        let rest = rest.trim();
        let result = match cmd {
            "" => self.evaluate(rest),
            "q" | "quit" | "exit" => return None,
            "help" | "h" => Ok(HELP.to_string()),
            "vars" => Ok(self
                .vars
                .iter()
                .map(|(k, v)| format!("{k} = {}", format_f64(*v)))
                .collect::<Vec<_>>()
                .join("\n")),
            "ir" => self.engine().parse(rest).map(|e| e.rewritten()),
            "time" => self.time(rest),
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
            other => Ok(format!("unknown command `:{other}`; type :help")),
        };
        Some(match result {
            Ok(s) => s,
            Err(e) => e.to_string(),
        })
    }

    fn evaluate(&mut self, line: &str) -> Result<String, exprjit::Error> {
        // `name = formula` assigns (but `a == b` compares).
        if let Some((name, formula)) = line.split_once('=') {
            let name = name.trim();
            if !formula.starts_with('=') && exprjit::functions::is_identifier(name) {
                exprjit::check_name(name)?;
                let v = self.value(formula)?;
                self.vars.insert(name.to_string(), v);
                return Ok(format!("{name} = {}", format_f64(v)));
            }
        }
        self.value(line).map(format_f64)
    }

    fn value(&self, formula: &str) -> Result<f64, exprjit::Error> {
        let (names, values) = self.names_and_values();
        self.engine().parse(formula)?.compile(&names)?.call(&values)
    }

    fn time(&self, formula: &str) -> Result<String, exprjit::Error> {
        let (names, values) = self.names_and_values();
        let t0 = Instant::now();
        let expr = self.engine().parse(formula)?;
        let f = expr.compile(&names)?;
        let compile = t0.elapsed();
        let interp = expr.interpreter(&names)?;
        let per_call = |call: &dyn Fn() -> f64| {
            let n = 200_000u32;
            let t = Instant::now();
            let mut acc = 0.0;
            for _ in 0..n {
                acc += std::hint::black_box(call());
            }
            std::hint::black_box(acc);
            t.elapsed().as_nanos() as f64 / f64::from(n)
        };
        let jit = per_call(&|| f.call(std::hint::black_box(&values)).unwrap_or(f64::NAN));
        let int = per_call(&|| {
            interp
                .call(std::hint::black_box(&values))
                .unwrap_or(f64::NAN)
        });
        Ok(format!(
            "compile {:.1} µs; per call: jit {jit:.1} ns, interpreter {int:.1} ns ({:.1}x)",
            compile.as_secs_f64() * 1e6,
            int / jit
        ))
    }
}

/// Runs the session on stdin/stdout.
pub fn run() -> ExitCode {
    let mut session = Session {
        vars: BTreeMap::new(),
        rewrites: true,
    };
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        println!(
            "exprjit {} — type a formula, or :help",
            env!("CARGO_PKG_VERSION")
        );
    }
    let mut out = std::io::stdout();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            print!("> ");
            let _ = out.flush();
        }
        let Some(Ok(line)) = lines.next() else { break };
        match session.line(&line) {
            None => break,
            Some(s) if s.is_empty() => {}
            Some(s) => println!("{s}"),
        }
    }
    ExitCode::SUCCESS
}
