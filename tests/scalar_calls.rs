//! `Compiled::call` of every inline function against the interpreter, bit
//! for bit. A single compiled formula calls the scalar form of the inline
//! math that `jit/resident.rs` compiles once per process (its own code
//! path: scalar lanes, constants from the constant pool), not the lanes of
//! a kernel, so it gets its own test: ordinary arguments (the fast paths),
//! the awkward values and special exponents (the slow paths), huge
//! trigonometric arguments and arguments next to multiples of pi/2, and
//! `x^n` with `n` beyond the multiplication chains (a `pow` call).

mod common;

use common::{AWKWARD, Rng, same};
use exprjit::unstable::MathFn;
use exprjit::{Engine, MathMode};

/// First arguments: awkward values, slow-path arguments of the
/// trigonometric functions, and ordinary ones over every function's domain.
fn first_arguments() -> Vec<f64> {
    let mut rng = Rng::new(0x5CA1_A2C0);
    let mut xs: Vec<f64> = AWKWARD.to_vec();
    xs.extend([
        1e22,
        -1e22,
        1048576.0,
        -1048575.9,
        3e6,
        709.78,
        -745.1,
        710.5,
        -0.999,
        0.999,
        1e-9,
        -3e-200,
        std::f64::consts::FRAC_1_SQRT_2,
    ]);
    for k in [1.0, 2.0, 3.0, -4.0, 101.0, 65_536.0] {
        let x: f64 = k * std::f64::consts::FRAC_PI_2;
        xs.extend([x, x.next_up(), x.next_down()]);
    }
    for _ in 0..1_000 {
        xs.push(common::input(&mut rng));
        xs.push((rng.unit() - 0.5) * 50.0);
        xs.push(rng.unit() * 2.0 - 1.0);
        xs.push(rng.unit() * 10.0);
    }
    xs
}

/// Second arguments, one per first argument: special exponents, small
/// integers (odd and even, for negative bases), halves, ordinary values.
fn second_arguments(n: usize) -> Vec<f64> {
    const SPECIAL: [f64; 16] = [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1.0,
        -1.0,
        3.0,
        -3.0,
        0.5,
        -0.5,
        9007199254740991.0,
        9007199254740992.0,
        1e300,
        5e-324,
        1023.5,
    ];
    let mut rng = Rng::new(0x5CA1_A2C1);
    (0..n)
        .map(|_| match rng.below(4) {
            0 => *rng.pick(&SPECIAL),
            1 => rng.below(41) as f64 - 20.0,
            2 => (rng.unit() - 0.5) * 20.0,
            _ => common::input(&mut rng),
        })
        .collect()
}

/// Compiles `text` over `vars` and checks every argument pair against the
/// interpreter.
fn check(engine: &Engine, text: &str, vars: &[&str], xs: &[f64], ys: &[f64]) {
    let expr = engine.parse(text).unwrap();
    let compiled = expr.compile(vars).unwrap();
    let interp = expr.interpreter(vars).unwrap();
    for (&x, &y) in xs.iter().zip(ys) {
        let args = &[x, y][..vars.len()];
        let (got, want) = (compiled.call(args).unwrap(), interp.call(args).unwrap());
        assert!(
            same(got, want),
            "{text} at {args:?}: compiled {got:?}, interpreter {want:?}"
        );
    }
}

#[test]
fn scalar_calls_of_every_inline_function_agree_with_the_interpreter() {
    let xs = first_arguments();
    let ys = second_arguments(xs.len());
    let inline: Vec<MathFn> = MathFn::ALL
        .into_iter()
        .filter(|&f| f.has_inline())
        .collect();
    for mode in [MathMode::Fast, MathMode::Libm] {
        let engine = Engine::new().with_math(mode);
        for &f in &inline {
            let (text, vars): (String, &[&str]) = if f.arity() == 2 {
                (format!("{}(x, y)", f.name()), &["x", "y"])
            } else {
                (format!("{}(x)", f.name()), &["x"])
            };
            check(&engine, &text, vars, &xs, &ys);
        }
    }
}

#[test]
fn two_argument_scalar_calls_agree_with_the_interpreter_on_the_awkward_grid() {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for &x in &AWKWARD {
        for &y in &AWKWARD {
            xs.push(x);
            ys.push(y);
        }
    }
    let engine = Engine::new();
    check(&engine, "pow(x, y)", &["x", "y"], &xs, &ys);
    check(&engine, "atan2(x, y)", &["x", "y"], &xs, &ys);
}

/// Integer powers beyond the multiplication chains, and constant
/// exponents: `pow` with a literal second argument.
#[test]
fn powers_with_constant_exponents_agree_with_the_interpreter() {
    let xs = first_arguments();
    let engine = Engine::new();
    for text in [
        "x^5",
        "x^23",
        "x^-7",
        "x^-5",
        "pow(x, 2.5)",
        "x^0.5",
        "x^1e300",
        "x^-1e-300",
        "2^x",
        "(-2)^x",
        "0.5^x",
    ] {
        check(&engine, text, &["x"], &xs, &xs);
    }
}
