//! The JIT against the reference interpreter, bit for bit (NaN equals NaN),
//! on seeded random formulas over the whole grammar and awkward inputs.

mod common;

use common::{Rng, VARS, formula, input, same};
use exprjit::{Engine, MathMode};

/// Formulas × rewrite settings × inputs ≥ 100,000 (formula, input) pairs.
const FORMULAS: usize = 1_000;
const INPUTS_PER_FORMULA: usize = 36;

#[test]
fn jit_agrees_with_the_interpreter_bit_for_bit() {
    let mut rng = Rng::new(0x5EED_0001);
    let mut pairs = 0usize;
    let mut mismatches = Vec::new();
    // Fast math (inline algorithms) with and without rewrites, and libm.
    let engines = [
        Engine::new(),
        Engine::new().with_rewrites(false),
        Engine::new().with_math(MathMode::Libm),
    ];
    for i in 0..FORMULAS {
        let size = 1 + rng.below(if i % 10 == 0 { 60 } else { 16 });
        let text = formula(&mut rng, size);
        for engine in &engines {
            let expr = engine
                .parse(&text)
                .unwrap_or_else(|e| panic!("generated formula did not parse: {text}\n{e}"));
            let jit = expr.compile(&VARS).unwrap();
            let interp = expr.interpreter(&VARS).unwrap();
            for _ in 0..INPUTS_PER_FORMULA {
                let args: Vec<f64> = VARS.iter().map(|_| input(&mut rng)).collect();
                let (a, b) = (jit.call(&args).unwrap(), interp.call(&args).unwrap());
                pairs += 1;
                if !same(a, b) && mismatches.len() < 20 {
                    mismatches.push(format!("{text} at {args:?}: jit {a:?}, interpreter {b:?}"));
                }
            }
        }
    }
    assert!(pairs >= 100_000, "only {pairs} pairs");
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}

/// The comparison is not vacuous: it tells apart values that differ only in
/// the last bit or the sign of zero, and it catches two programs that differ
/// (`x^3` rewritten to multiplies against `pow(x, 3)` called as is).
#[test]
fn the_comparison_can_fail() {
    assert!(!same(0.0, -0.0));
    assert!(!same(1.0, 1.0000000000000002));
    assert!(!same(f64::NAN, 1.0));
    assert!(same(f64::NAN, -f64::NAN));

    let rewritten = Engine::new().parse("x^3").unwrap().compile(&["x"]).unwrap();
    let pow = Engine::new()
        .with_rewrites(false)
        .parse("x^3")
        .unwrap()
        .interpreter(&["x"])
        .unwrap();
    let mut rng = Rng::new(7);
    let differing = (0..10_000)
        .map(|_| 1.0 + rng.unit())
        .find(|&x| !same(rewritten.call(&[x]).unwrap(), pow.call(&[x]).unwrap()));
    assert!(differing.is_some(), "x*x*x and pow(x, 3) never differed");
}

/// Awkward inputs in every position for every operator and function, with
/// no random formula shape in the way.
#[test]
fn every_operation_on_every_awkward_input() {
    let ops = common::OPERATIONS;
    for &text in ops {
        for engine in [
            Engine::new(),
            Engine::new().with_rewrites(false),
            Engine::new().with_math(MathMode::Libm),
        ] {
            let expr = engine.parse(text).unwrap();
            let jit = expr.compile(&["x", "y"]).unwrap();
            let interp = expr.interpreter(&["x", "y"]).unwrap();
            for &x in &common::AWKWARD {
                for &y in &common::AWKWARD {
                    let (a, b) = (jit.call(&[x, y]).unwrap(), interp.call(&[x, y]).unwrap());
                    assert!(
                        same(a, b),
                        "{text} at x={x:?} y={y:?}: jit {a:?}, interpreter {b:?}"
                    );
                }
            }
        }
    }
}
