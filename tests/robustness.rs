//! No input text may panic or crash: random and mutated formulas, deep
//! nesting on small stacks, and every limit as an error.

mod common;

use common::{Rng, formula};
use exprjit::{Engine, ErrorKind};

/// Parses, compiles and runs; any outcome but a panic is fine.
fn exercise(engine: &Engine, text: &str) {
    if let Ok(expr) = engine.parse(text) {
        let vars = expr
            .variables()
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>();
        let args = vec![0.5; vars.len()];
        let f = expr.compile(&vars).expect("a parsed formula compiles");
        let i = expr.interpreter(&vars).unwrap();
        assert!(
            common::same(f.call(&args).unwrap(), i.call(&args).unwrap()),
            "{text}"
        );
        let _ = expr.rewritten();
    }
}

#[test]
fn mutated_formulas_never_panic() {
    let engine = Engine::new();
    let mut rng = Rng::new(99);
    let alphabet: Vec<char> = "0123456789.eE+-*/%^!<>=&|(),xyz_ \t\n√$πsinpow"
        .chars()
        .collect();
    for _ in 0..3_000 {
        let size = 1 + rng.below(12);
        let mut chars: Vec<char> = formula(&mut rng, size).chars().collect();
        for _ in 0..1 + rng.below(4) {
            let pos = rng.below(chars.len() + 1);
            match rng.below(3) {
                0 if pos < chars.len() => {
                    chars.remove(pos);
                }
                1 if pos < chars.len() => chars[pos] = *rng.pick(&alphabet),
                _ => chars.insert(pos, *rng.pick(&alphabet)),
            }
        }
        exercise(&engine, &chars.into_iter().collect::<String>());
    }
}

#[test]
fn random_bytes_never_panic() {
    let engine = Engine::new();
    let mut rng = Rng::new(5);
    for _ in 0..3_000 {
        let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next_u64() as u8).collect();
        exercise(&engine, &String::from_utf8_lossy(&bytes));
    }
    exercise(&engine, "x\0+1");
    exercise(&engine, "\u{FEFF}x");
}

/// The deepest formulas the default limits allow, of every nesting kind.
fn deepest() -> Vec<String> {
    let depth = exprjit::Limits::default().max_depth;
    vec![
        format!("{}x{}", "(".repeat(depth - 1), ")".repeat(depth - 1)),
        format!("{}x{}", "sin(".repeat(depth - 1), ")".repeat(depth - 1)),
        format!(
            "{}x{}",
            "-(".repeat(depth / 2 - 1),
            ")".repeat(depth / 2 - 1)
        ),
        format!("2{}", "^-x".repeat(depth / 2 - 1)),
    ]
}

#[test]
fn deepest_allowed_nesting_parses_on_a_2_mib_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for text in deepest() {
                let f = Engine::new().parse(&text).unwrap().compile(&["x"]).unwrap();
                assert!(f.call(&[0.5]).is_ok());
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn deep_nesting_on_a_tiny_stack_is_an_error_not_a_crash() {
    let handle = std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(|| {
            for text in deepest() {
                match Engine::new().parse(&text) {
                    Ok(e) => assert!(e.compile(&["x"]).is_ok()),
                    // pest's own stack guard stops it first.
                    Err(e) => assert_eq!(e.kind(), ErrorKind::Limit, "{e}"),
                }
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn huge_flat_formulas_compile_or_hit_the_size_limit() {
    let engine = Engine::new();
    // Long sums are flat: no nesting, so no depth limit, just size.
    let sum = vec!["x"; 20_000].join(" + ");
    let f = engine.parse(&sum).unwrap().compile(&["x"]).unwrap();
    assert_eq!(f.call(&[1.0]).unwrap(), 20_000.0);
    let too_big = vec!["x"; 60_000].join(" + ");
    assert_eq!(engine.parse(&too_big).unwrap_err().kind(), ErrorKind::Limit);
    // A literal too large for f64 reads as inf, the nearest value.
    assert_eq!(exprjit::eval("1e999", &[]).unwrap(), f64::INFINITY);
}
