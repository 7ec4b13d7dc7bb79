//! N-digit evaluation (`Expr::eval_digits`, `exprjit eval --digits`) against
//! mpmath reference values stored in `tests/data/digits/cases.tsv` (made by
//! `tools/digits_reference.py`): every built-in function, awkward arguments.

use exprjit::{Engine, ErrorKind, NativeFn};

const J6: &str = "-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7";

#[test]
fn every_function_matches_mpmath() {
    let data = include_str!("data/digits/cases.tsv");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [formula, bindings, digits, expected] = cols[..] else {
            panic!("bad line {line:?}");
        };
        let pairs: Vec<(&str, &str)> = bindings
            .split_whitespace()
            .map(|b| b.split_once('=').expect("name=value"))
            .collect();
        let digits: usize = digits.parse().unwrap();
        let got = exprjit::parse(formula)
            .and_then(|e| e.eval_digits(&pairs, digits))
            .unwrap_or_else(|e| format!("error: {e}"));
        if got != expected {
            wrong.push(format!(
                "{formula} at {bindings}: got {got}, mpmath {expected}"
            ));
        }
        checked += 1;
    }
    assert!(checked >= 70, "only {checked} cases read");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every built-in function appears in the reference data.
#[test]
fn the_data_covers_every_builtin() {
    let data = include_str!("data/digits/cases.tsv");
    for name in exprjit::unstable::builtin_names() {
        assert!(
            data.lines().any(|l| l.starts_with(&format!("{name}("))
                || l.split('\t')
                    .next()
                    .unwrap_or("")
                    .contains(&format!("{name}("))),
            "no reference case calls `{name}`"
        );
    }
}

/// The seed of issue 15 at z = 0.01: float64 gives -0 here. The issue's
/// "Done when" line quotes `…058867021869730e-18`, which is what mpmath
/// prints at `mp.dps = 60` (the formula cancels 24 digits); at 100 digits,
/// and from `besselj(6.5, z)·sqrt(pi/(2z))`, mpmath gives the value below.
#[test]
fn j6_at_small_z_to_40_digits() {
    let v = exprjit::parse(J6)
        .unwrap()
        .eval_digits(&[("z", "0.01")], 40)
        .unwrap();
    assert_eq!(v, "7.399982733352341163658692058932812496071e-18");
    let f64_value = exprjit::eval(J6, &[("z", 0.01)]).unwrap();
    assert!(f64_value.abs() < 1e-12, "float64 loses every digit here");
}

#[test]
fn inputs_are_the_exact_decimals_typed() {
    let e = exprjit::parse("x - 0.1").unwrap();
    // In f64, 0.1 + 2^-56 … differs; as decimals they are equal.
    assert_eq!(e.eval_digits(&[("x", "0.1")], 20).unwrap(), "0");
    assert_eq!(
        e.eval_digits(&[("x", "0.1000000000000000000000000001")], 5)
            .unwrap(),
        "1.0000e-28"
    );
    // Magnitudes far apart: the small term survives.
    let e = exprjit::parse("(x + y) - x").unwrap();
    assert_eq!(
        e.eval_digits(&[("x", "1e300"), ("y", "3e-300")], 3)
            .unwrap(),
        "3.00e-300"
    );
}

#[test]
fn specials_follow_ieee() {
    let d = |f: &str| exprjit::parse(f).unwrap().eval_digits(&[], 10).unwrap();
    assert_eq!(d("1/0"), "inf");
    assert_eq!(d("-1/0"), "-inf");
    assert_eq!(d("log(0)"), "-inf");
    assert_eq!(d("sqrt(-1)"), "NaN");
    assert_eq!(d("0/0"), "NaN");
    assert_eq!(d("max(nan, 2)"), "2.000000000e+0");
    assert_eq!(d("pow(-8, 1/3)"), "NaN");
    assert_eq!(d("pow(0, -1)"), "inf");
    assert_eq!(d("pow(nan, 0)"), "1.000000000e+0");
    assert_eq!(d("atanh(1)"), "inf");
}

#[test]
fn digits_that_do_not_settle_hit_the_cap() {
    // tan at the double nearest pi/2 of each precision grows with it.
    let e = exprjit::parse("tan(pi/2)").unwrap();
    let err = e.eval_digits(&[], 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(err.message().contains("did not settle"), "{err}");
}

#[test]
fn bad_requests_are_clear_errors() {
    let e = exprjit::parse("x + y").unwrap();
    let err = e.eval_digits(&[("x", "1")], 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnboundVariable);
    assert!(err.message().contains("`y`"));
    let err = e.eval_digits(&[("x", "1"), ("y", "0x10")], 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    let err = e.eval_digits(&[("x", "1"), ("x", "2")], 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateName);
    for n in [0, 10_001] {
        let err = e.eval_digits(&[("x", "1"), ("y", "2")], n).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit);
    }
}

#[test]
fn native_functions_are_named_in_the_error() {
    extern "C" fn twice(x: f64) -> f64 {
        2.0 * x
    }
    let engine = Engine::new()
        .with_function("twice", NativeFn::Arity1(twice))
        .unwrap();
    let e = engine.parse("1 + twice(x)").unwrap();
    let err = e.eval_digits(&[("x", "1")], 10).unwrap_err();
    assert!(err.message().contains("`twice`"), "{err}");
    assert!(err.message().contains("native"), "{err}");
    assert_eq!(err.span().map(|s| (s.start, s.end)), Some((4, 9)));
}

#[cfg(feature = "cli")]
#[test]
fn the_command_prints_the_digits() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_exprjit"))
        .args(["eval", "--digits", "40", J6, "z=0.01"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "7.399982733352341163658692058932812496071e-18"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_exprjit"))
        .args(["eval", "--digits=x", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--digits"));
}
