//! Snapshots of rendered errors, one or more for every error kind: the
//! message, the hint, the position and the caret, exactly as a user sees them.

use exprjit::{Engine, ErrorKind, Limits};

extern "C" fn one() -> f64 {
    1.0
}

/// Parses, binds `args`, calls with `values`: the error rendered.
fn error(text: &str, args: &[&str], values: &[f64]) -> (ErrorKind, String) {
    let e = Engine::new()
        .parse(text)
        .and_then(|e| e.compile(args))
        .and_then(|f| f.call(values))
        .expect_err("should fail");
    (e.kind(), e.to_string())
}

#[track_caller]
fn check(got: (ErrorKind, String), kind: ErrorKind, want: &str) {
    assert_eq!(got.0, kind, "{}", got.1);
    assert_eq!(
        got.1, want,
        "\n--- got ---\n{}\n--- want ---\n{want}",
        got.1
    );
}

#[test]
fn syntax_errors() {
    check(
        error("2 x", &[], &[]),
        ErrorKind::Syntax,
        "error: expected an operator or the end of the formula, found `x`
  (two values with no operator between them; write `2*x` to multiply)
 --> line 1, column 3
  |
1 | 2 x
  |   ^",
    );
    check(
        error("1 +", &[], &[]),
        ErrorKind::Syntax,
        "error: expected a number, a name, a function call or `(`, found the end of the formula
  (the formula ends after `+`, which needs something after it)
 --> line 1, column 4 (end of the formula)
  |
1 | 1 +
  |    ^",
    );
    check(
        error("max(x,\n    y", &["x", "y"], &[1.0, 2.0]),
        ErrorKind::Syntax,
        "error: expected an operator, `,` or `)`, found the end of the formula
  (the formula ends after `y`, which needs something after it)
 --> line 2, column 6 (end of the formula)
  |
2 |     y
  |      ^",
    );
    check(
        error("1e+", &[], &[]),
        ErrorKind::Syntax,
        "error: malformed number `1e+`: the exponent needs digits
 --> line 1, column 1
  |
1 | 1e+
  | ^^^",
    );
    check(
        error("√2 + 1", &[], &[]),
        ErrorKind::Syntax,
        "error: expected a number, a name, a function call or `(`, found `√`
  (`√` is not part of the language; write `sqrt(x)`)
 --> line 1, column 1
  |
1 | √2 + 1
  | ^",
    );
    check(
        error("sin(1))", &[], &[]),
        ErrorKind::Syntax,
        "error: expected an operator or the end of the formula, found `)`
  (this `)` has no matching `(`)
 --> line 1, column 7
  |
1 | sin(1))
  |       ^",
    );
    check(
        error("a = 1", &["a"], &[1.0]),
        ErrorKind::Syntax,
        "error: expected an operator or the end of the formula, found `=`
  (`=` is not an operator: use `==` to compare; a formula cannot assign)
 --> line 1, column 3
  |
1 | a = 1
  |   ^",
    );
}

#[test]
fn name_errors() {
    check(
        error("sqr(2)", &[], &[]),
        ErrorKind::UnknownFunction,
        "error: unknown function `sqr`
  (did you mean `sqrt`?)
 --> line 1, column 1
  |
1 | sqr(2)
  | ^^^",
    );
    check(
        error("1 + atan2(1)", &[], &[]),
        ErrorKind::Arity,
        "error: `atan2` takes 2 arguments, but 1 was given
 --> line 1, column 5
  |
1 | 1 + atan2(1)
  |     ^^^^^^^^",
    );
    check(
        error("2 * sin", &[], &[]),
        ErrorKind::FunctionAsValue,
        "error: `sin` is a function; it needs arguments in parentheses
  (call it, e.g. `sin(x)`)
 --> line 1, column 5
  |
1 | 2 * sin
  |     ^^^",
    );
    check(
        error("pi(2)", &[], &[]),
        ErrorKind::ConstantAsFunction,
        "error: `pi` is a constant, not a function
  (to multiply, write `pi*(…)`)
 --> line 1, column 1
  |
1 | pi(2)
  | ^^",
    );
}

#[test]
fn binding_and_call_errors() {
    check(
        error("alpha * 2", &["alpah"], &[1.0]),
        ErrorKind::UnboundVariable,
        "error: no value for the variable `alpha`
  (did you mean `alpah`?)
 --> line 1, column 1
  |
1 | alpha * 2
  | ^^^^^",
    );
    check(
        error("x + 1", &[], &[]),
        ErrorKind::UnboundVariable,
        "error: no value for the variable `x`
  (give it a value, e.g. `x=1`)
 --> line 1, column 1
  |
1 | x + 1
  | ^",
    );
    check(
        error("pi + 1", &["pi"], &[3.0]),
        ErrorKind::ReservedName,
        "error: `pi` is a reserved constant and cannot be given a value",
    );
    check(
        error("x", &["x", "cos"], &[1.0, 2.0]),
        ErrorKind::ReservedName,
        "error: `cos` is a built-in function and cannot be a variable",
    );
    check(
        error("x", &["x", "2y"], &[1.0, 2.0]),
        ErrorKind::InvalidName,
        "error: `2y` is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
    );
    check(
        error("x", &["x", "x"], &[1.0, 2.0]),
        ErrorKind::DuplicateName,
        "error: `x` is given twice",
    );
    check(
        error("x + y", &["x", "y"], &[1.0]),
        ErrorKind::ArgumentCount,
        "error: expected 2 values (x, y), got 1",
    );
    check(
        error("x", &["x"], &[1.0, 2.0]),
        ErrorKind::ArgumentCount,
        "error: expected 1 value (x), got 2",
    );
}

#[test]
fn limit_errors() {
    let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let e = Engine::new().parse(&deep).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert_eq!(
        e.message(),
        "the formula nests more than 256 levels deep (Limits::max_depth)"
    );
    assert_eq!(e.line_col(), Some((1, 257)));

    let minus = format!("{}1", "-".repeat(100_000));
    let e = Engine::new().parse(&minus).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert_eq!(e.line_col(), Some((1, 257)));

    let small = Limits {
        max_nodes: 5,
        ..Limits::default()
    };
    check(
        Engine::new()
            .with_limits(small)
            .parse("a + b + c + d")
            .map(|_| ())
            .map_err(|e| (e.kind(), e.to_string()))
            .unwrap_err(),
        ErrorKind::Limit,
        "error: the formula has more than 5 operations (Limits::max_nodes)
 --> line 1, column 13
  |
1 | a + b + c + d
  |             ^",
    );
    let short = Limits {
        max_text_len: 4,
        ..Limits::default()
    };
    check(
        Engine::new()
            .with_limits(short)
            .parse("1 + 2")
            .map(|_| ())
            .map_err(|e| (e.kind(), e.to_string()))
            .unwrap_err(),
        ErrorKind::Limit,
        "error: the formula is 5 bytes long; the limit is 4 (Limits::max_text_len)",
    );
}

#[test]
fn registration_errors() {
    let one = exprjit::NativeFn::Arity0(one);
    let e = Engine::new().with_function("sin", one).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Registration);
    assert_eq!(
        e.to_string(),
        "error: cannot register `sin`: it is a built-in name of the language"
    );
    let e = Engine::new().with_function("my fn", one).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: cannot register `my fn`: a function name must match [A-Za-z_][A-Za-z0-9_]*"
    );
    let engine = Engine::new().with_function("one", one).unwrap();
    let e = engine.parse("one(2)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Arity);
    assert_eq!(e.message(), "`one` takes 0 arguments, but 1 was given");
}
