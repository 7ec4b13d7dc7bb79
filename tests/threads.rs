//! A compiled handle is `Send + Sync`: one function called from 8 threads at
//! once gives the interpreter's values.

mod common;

use std::sync::Arc;

use exprjit::{Compiled, Engine};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn handles_are_send_and_sync() {
    assert_send_sync::<Compiled>();
    assert_send_sync::<exprjit::Expr>();
    assert_send_sync::<exprjit::Interpreter>();
    assert_send_sync::<Engine>();
}

#[test]
fn one_compiled_function_called_from_8_threads_at_once() {
    let expr = Engine::new()
        .parse("y + h*y^2*cos(t+y) + sqrt(abs(t)) * sin(y)")
        .unwrap();
    let args = ["y", "t", "h"];
    let f = Arc::new(expr.compile(&args).unwrap());
    let interp = expr.interpreter(&args).unwrap();
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8u64)
        .map(|k| {
            let f = Arc::clone(&f);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut rng = common::Rng::new(k);
                let inputs: Vec<[f64; 3]> = (0..20_000)
                    .map(|_| [common::input(&mut rng), rng.unit(), 1e-3])
                    .collect();
                barrier.wait();
                let outputs: Vec<f64> = inputs.iter().map(|a| f.call(a).unwrap()).collect();
                (inputs, outputs)
            })
        })
        .collect();
    // One thread drops its clone of the handle while others still call.
    let extra = (*f).clone();
    let dropper = std::thread::spawn(move || drop(extra));
    for h in handles {
        let (inputs, outputs) = h.join().unwrap();
        for (a, out) in inputs.iter().zip(outputs) {
            let want = interp.call(a).unwrap();
            assert!(common::same(out, want), "{a:?}: {out:?} vs {want:?}");
        }
    }
    dropper.join().unwrap();
}
