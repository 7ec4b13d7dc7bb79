//! The fuzz targets' bodies, shared with `tests/fuzz_regressions.rs` so every
//! crash or mismatch a fuzzer finds is replayed by `cargo test`.

use super::{Rng, VARS, formula, formula_in, input, same};
use exprjit::unstable::CHUNK;
use exprjit::{Engine, Input, Reduce};

/// Any text through parse, rewrite, render and compile: never a panic; when
/// it compiles, the JIT agrees with the interpreter.
pub fn parse_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for engine in [Engine::new(), Engine::new().with_rewrites(false)] {
        let Ok(expr) = engine.parse(&text) else {
            continue;
        };
        let _ = expr.rewritten();
        let vars = expr.variables();
        let args = vec![0.5; vars.len()];
        let f = expr.compile(&vars).expect("a parsed formula compiles");
        let i = expr.interpreter(&vars).expect("and binds");
        let (a, b) = (f.call(&args).unwrap(), i.call(&args).unwrap());
        assert!(same(a, b), "{text:?}: jit {a:?}, interpreter {b:?}");
    }
}

/// A formula over the whole grammar and inputs, both chosen by the bytes:
/// the JIT and the interpreter agree bit for bit, rewrites on and off.
pub fn jit_vs_interpreter(data: &[u8]) {
    let mut rng = Rng::from_bytes(data);
    let size = 1 + rng.below(40);
    let text = formula(&mut rng, size);
    let args: Vec<f64> = VARS.iter().map(|_| input(&mut rng)).collect();
    for engine in [Engine::new(), Engine::new().with_rewrites(false)] {
        let expr = engine
            .parse(&text)
            .unwrap_or_else(|e| panic!("generated {text:?}: {e}"));
        let (a, b) = (
            expr.compile(&VARS).unwrap().call(&args).unwrap(),
            expr.interpreter(&VARS).unwrap().call(&args).unwrap(),
        );
        assert!(
            same(a, b),
            "{text} at {args:?}: jit {a:?}, interpreter {b:?}"
        );
    }
}

/// Map and reduce with fuzzer-chosen formulas, lengths (equal or not) and
/// broadcast patterns: the kernels agree with their references, or both
/// refuse with the same kind of error.
pub fn kernels(data: &[u8]) {
    let mut rng = Rng::from_bytes(data);
    let size = 1 + rng.below(12);
    let text = formula_in(&mut rng, size, &["x", "y", "z"]);
    let n = match rng.below(256) {
        250.. => 3 * CHUNK + rng.below(8),
        k => k % 70,
    };
    let layout = rng.below(8);
    let arrays: Vec<Vec<f64>> = (0..3)
        .map(|_| {
            let len = if rng.below(16) == 0 { n + 1 } else { n };
            (0..len).map(|_| input(&mut rng)).collect()
        })
        .collect();
    let inputs: Vec<Input> = arrays
        .iter()
        .enumerate()
        .map(|(k, a)| {
            if layout & (1 << k) != 0 {
                Input::Array(a)
            } else {
                Input::Scalar(a.first().copied().unwrap_or(1.0))
            }
        })
        .collect();
    let engine = Engine::new();
    let map = engine.map(&[&text], &["x", "y", "z"]).unwrap();
    let (mut got, mut want) = (vec![0.0; n], vec![0.0; n]);
    let (a, b) = (
        map.run(&inputs, &mut [&mut got]),
        map.run_reference(&inputs, &mut [&mut want]),
    );
    match (a, b) {
        (Ok(()), Ok(())) => {
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(same(*g, *w), "map {text} element {k}: {g:?} vs {w:?}");
            }
        }
        (Err(e), Err(f)) => assert_eq!(e.kind(), f.kind(), "{text}"),
        (a, b) => panic!("map {text}: jit {a:?}, reference {b:?}"),
    }
    let how = [Reduce::Sum, Reduce::Min, Reduce::Max][rng.below(3)];
    let r = engine.reduce(&text, &["x", "y", "z"], how).unwrap();
    match (r.run(&inputs), r.run_reference(&inputs)) {
        (Ok(g), Ok(w)) => assert!(same(g, w), "{how:?} {text}: {g:?} vs {w:?}"),
        (Err(e), Err(f)) => assert_eq!(e.kind(), f.kind(), "{text}"),
        (a, b) => panic!("{how:?} {text}: jit {a:?}, reference {b:?}"),
    }
}
