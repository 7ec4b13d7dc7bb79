//! The `exprjit` command: `exprjit eval EXPR name=value ...`, or with no
//! arguments an interactive session for evaluating and timing formulas.

mod repl;

use std::process::ExitCode;

use exprjit::{Error, ErrorKind, format_f64};

const USAGE: &str = "\
usage:
  exprjit                          interactive session (type :help)
  exprjit eval EXPR [name=value]…  print the value of EXPR and exit
  exprjit --help                   this text

Values may be numbers, `nan`, `inf` or `-inf`. Errors go to stderr with exit status 2.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => repl::run(),
        Some("eval") => match eval(&args[1..]) {
            Ok(v) => {
                println!("{}", format_f64(v));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `eval EXPR name=value ...`: interprets nothing; compiles and runs natively.
fn eval(args: &[String]) -> Result<f64, Error> {
    let Some((text, bindings)) = args.split_first() else {
        return Err(Error::new(
            ErrorKind::Syntax,
            "`eval` needs a formula, e.g. exprjit eval 'x^2' x=3",
        ));
    };
    let mut names = Vec::with_capacity(bindings.len());
    let mut values = Vec::with_capacity(bindings.len());
    for b in bindings {
        let (name, value) = parse_binding(b)?;
        names.push(name);
        values.push(value);
    }
    let expr = exprjit::parse(text)?;
    expr.compile(&names)?.call(&values)
}

/// `name=value` → (name, value), with the name checked.
pub(crate) fn parse_binding(b: &str) -> Result<(&str, f64), Error> {
    let Some((name, value)) = b.split_once('=') else {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("`{b}` is not a binding; write name=value, e.g. x=1.5"),
        ));
    };
    let name = name.trim();
    exprjit::check_name(name)?;
    let value = parse_value(value.trim()).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidValue,
            format!("`{value}` is not a number (in `{b}`); use e.g. 1.5, -2e3, nan, inf"),
        )
    })?;
    Ok((name, value))
}

/// A number as text, including `nan`, `inf`, `-inf` in any case.
pub(crate) fn parse_value(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}
