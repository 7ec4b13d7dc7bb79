//! The `exprjit` command: with no arguments an interactive session for
//! evaluating and timing formulas; `eval`, `time` and `run` for shells and
//! scripts.

mod repl;

use std::process::ExitCode;

use exprjit::Session;
use exprjit::{Engine, Error, ErrorKind, MathMode, Precision, Width, format_f64};

const USAGE: &str = "\
usage:
  exprjit                              interactive session (type :help)
  exprjit eval EXPR [name=value]…      print the value of EXPR and exit
  exprjit eval --digits N EXPR [name=value]…
                                       N correct significant digits, in
                                       arbitrary precision, values taken as
                                       the exact decimals typed
  exprjit eval --precision=dd EXPR [name=value]…
                                       in double-double arithmetic (~32 digits),
                                       rounded to f64 (also for time)
  exprjit time EXPR [name=SPEC]… [--json] [--math=libm] [--precision=dd]
                                       [--width=auto|f64x2|avx2|avx512]
                                       time EXPR; SPEC is a number or an array
                                       such as linspace(0,1,1e6), rand(1e6)
  exprjit run FILE                     run session lines from FILE (- or a pipe:
                                       standard input); errors say FILE:LINE:COLUMN
  exprjit --help                       this text (also -h, and --help after a command)

Values may be numbers, `nan`, `inf` or `-inf`. Errors of eval and time go to stderr
with exit status 2; run (and piped input) goes on after an error and exits with
status 1 if any line failed.";

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(2)
}

/// `--help` anywhere after a command, or `-h` as its only argument (`-h`
/// with bindings is the formula `-h`).
fn wants_help(args: &[String]) -> bool {
    args.iter().any(|a| a == "--help") || args == ["-h"]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str);
    if matches!(command, Some("eval" | "time" | "run")) && wants_help(&args[1..]) {
        repl::say(USAGE);
        return ExitCode::SUCCESS;
    }
    match command {
        None => repl::run(),
        Some("eval") => match eval(&args[1..]) {
            Ok(v) => {
                repl::say(&v);
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Some("time") => match time(&args[1..]) {
            Ok(text) => {
                repl::say(&text);
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Some("run") => match args.get(1).map(String::as_str) {
            Some("-") => repl::run_lines(std::io::stdin().lock(), repl::STDIN),
            Some(path) => match std::fs::File::open(path) {
                Ok(file) => repl::run_lines(std::io::BufReader::new(file), path),
                Err(e) => fail(format!("error: cannot read {path}: {e}")),
            },
            None => fail("error: `run` needs a file of session lines (- for standard input)"),
        },
        Some("-h" | "--help" | "help") => {
            repl::say(USAGE);
            ExitCode::SUCCESS
        }
        Some(other) => fail(format!("error: unknown command `{other}`\n\n{USAGE}")),
    }
}

/// `eval [--digits N] EXPR name=value ...`: compiles and runs natively, or
/// evaluates to N digits in arbitrary precision.
fn eval(args: &[String]) -> Result<String, Error> {
    let (digits, args) = digits_flag(args)?;
    let (precision, args) = precision_flag(&args)?;
    let Some((text, bindings)) = args.split_first() else {
        return Err(Error::new(
            ErrorKind::Syntax,
            "`eval` needs a formula, e.g. exprjit eval 'x^2' x=3",
        ));
    };
    if digits.is_some() && precision == Precision::Dd {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "`--digits` and `--precision=dd` are two different evaluations; give one",
        ));
    }
    if let Some(digits) = digits {
        let mut pairs = Vec::with_capacity(bindings.len());
        for b in bindings {
            let Some((name, value)) = b.split_once('=') else {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("`{b}` is not a binding; write name=value, e.g. x=0.1"),
                ));
            };
            pairs.push((name.trim(), value.trim()));
        }
        return exprjit::parse(text)?.eval_digits(&pairs, digits);
    }
    let mut names = Vec::with_capacity(bindings.len());
    let mut values = Vec::with_capacity(bindings.len());
    for b in bindings {
        let (name, value) = parse_binding(b)?;
        names.push(name);
        values.push(value);
    }
    let expr = Engine::new().with_precision(precision).parse(text)?;
    Ok(format_f64(expr.compile(&names)?.call(&values)?))
}

/// Takes `--precision=f64|dd` (or `--precision f64|dd`) out of the arguments.
fn precision_flag(args: &[String]) -> Result<(Precision, Vec<String>), Error> {
    let mut precision = Precision::F64;
    let mut rest = Vec::with_capacity(args.len());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--precision" {
            Some(it.next().map(String::as_str).unwrap_or(""))
        } else {
            a.strip_prefix("--precision=")
        };
        match value {
            Some(v) => {
                precision = Precision::from_name(v).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!("`--precision={v}`: the precision is f64 or dd"),
                    )
                })?;
            }
            None => rest.push(a.clone()),
        }
    }
    Ok((precision, rest))
}

/// Takes `--digits N` or `--digits=N` out of `eval`'s arguments.
fn digits_flag(args: &[String]) -> Result<(Option<usize>, Vec<String>), Error> {
    let mut digits = None;
    let mut rest = Vec::with_capacity(args.len());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--digits" {
            Some(it.next().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidValue,
                    "`--digits` needs a count, e.g. --digits 40",
                )
            })?)
        } else {
            a.strip_prefix("--digits=").map(|_| a)
        };
        match value {
            Some(v) => {
                let v = v.strip_prefix("--digits=").unwrap_or(v);
                let n = v.parse::<usize>().map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!("`--digits {v}`: the count is a whole number, e.g. 40"),
                    )
                })?;
                digits = Some(n);
            }
            None => rest.push(a.clone()),
        }
    }
    Ok((digits, rest))
}

/// `time EXPR name=SPEC ... [--json]`: a session measurement from the shell.
fn time(args: &[String]) -> Result<String, Error> {
    let (precision, args) = precision_flag(args)?;
    let args = &args[..];
    let json = args.iter().any(|a| a == "--json");
    let math = args.iter().find_map(|a| a.strip_prefix("--math="));
    let width = args.iter().find_map(|a| a.strip_prefix("--width="));
    let mut rest = args
        .iter()
        .filter(|a| *a != "--json" && !a.starts_with("--math=") && !a.starts_with("--width="));
    let Some(formula) = rest.next() else {
        return Err(Error::new(
            ErrorKind::Syntax,
            "`time` needs a formula, e.g. exprjit time 'x^3' 'x=linspace(0,1,1e6)'",
        ));
    };
    let mut session = Session::new();
    session.set_precision(precision);
    if let Some(mode) = math {
        let mode = MathMode::from_name(mode).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("`--math={mode}`: the math mode is fast or libm"),
            )
        })?;
        session.set_math(mode);
    }
    if let Some(w) = width {
        let w = Width::from_name(w).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("`--width={w}`: the width is auto, f64x2, avx2 or avx512"),
            )
        })?;
        session.set_width(w);
    }
    for spec in rest {
        let Some((name, value)) = spec.split_once('=') else {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("`{spec}` is not a binding; write name=value or name=linspace(0,1,1e6)"),
            ));
        };
        session.execute(&format!("{name} = {value}"))?;
    }
    let report = session.time_formula(formula)?;
    Ok(if json { report.json() } else { report.text() })
}

/// `name=value` → (name, value), with the name checked.
fn parse_binding(b: &str) -> Result<(&str, f64), Error> {
    let Some((name, value)) = b.split_once('=') else {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("`{b}` is not a binding; write name=value, e.g. x=1.5"),
        ));
    };
    let name = name.trim();
    exprjit::check_name(name)?;
    let value = value.trim().parse::<f64>().map_err(|_| {
        Error::new(
            ErrorKind::InvalidValue,
            format!("`{value}` is not a number (in `{b}`); use e.g. 1.5, -2e3, nan, inf"),
        )
    })?;
    Ok((name, value))
}
