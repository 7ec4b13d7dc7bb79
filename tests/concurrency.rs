//! Compiling and running from many threads at once; handles shared by `Arc`
//! across rayon tasks while other threads drop their copies.

mod common;

use std::sync::{Arc, Barrier};

use common::{Rng, VARS, formula, input, same};
use exprjit::{Engine, Input, Parallel, Reduce};
use rayon::prelude::*;

#[test]
fn eight_threads_compile_and_run_at_once() {
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8u64)
        .map(|k| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut rng = Rng::new(1000 + k);
                let engine = Engine::new();
                barrier.wait();
                for _ in 0..150 {
                    let size = 1 + rng.below(20);
                    let text = formula(&mut rng, size);
                    let expr = engine.parse(&text).unwrap();
                    let f = expr.compile(&VARS).unwrap();
                    let i = expr.interpreter(&VARS).unwrap();
                    for _ in 0..10 {
                        let args: Vec<f64> = VARS.iter().map(|_| input(&mut rng)).collect();
                        let (a, b) = (f.call(&args).unwrap(), i.call(&args).unwrap());
                        assert!(same(a, b), "{text}: {a:?} vs {b:?}");
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn shared_handles_across_rayon_tasks_while_copies_drop() {
    let engine = Engine::new();
    let expr = engine.parse("y + h*y^2*cos(t+y)").unwrap();
    let f = Arc::new(expr.compile(&["y", "t", "h"]).unwrap());
    let interp = expr.interpreter(&["y", "t", "h"]).unwrap();
    let map = Arc::new(engine.map(&["x^3 + sin(x)*k"], &["x", "k"]).unwrap());
    let sum = Arc::new(engine.reduce("x*k", &["x", "k"], Reduce::Sum).unwrap());
    let x: Vec<f64> = (0..5_000).map(|i| f64::from(i) * 1e-3).collect();
    let want_map = map.eval(&[Input::from(&x), Input::Scalar(2.0)]).unwrap();
    let want_sum = sum.run(&[Input::from(&x), Input::Scalar(2.0)]).unwrap();

    // Another thread keeps its own copies and drops them while tasks run.
    let (f2, map2) = (f.clone(), map.clone());
    let dropper = std::thread::spawn(move || {
        let copy = (*f2).clone();
        assert!(copy.call(&[1.0, 0.0, 0.001]).is_ok());
        drop(copy);
        drop(f2);
        drop(map2);
    });
    (0..400u32).into_par_iter().for_each(|k| {
        let y = 0.5 + f64::from(k) * 1e-3;
        let (a, b) = (
            f.call(&[y, 0.1, 0.001]).unwrap(),
            interp.call(&[y, 0.1, 0.001]).unwrap(),
        );
        assert!(same(a, b));
        // Alternate layouts so the kernels compile new code under contention.
        let inputs = if k % 2 == 0 {
            vec![Input::from(&x), Input::Scalar(2.0)]
        } else {
            vec![Input::from(&x), Input::Array(&x)]
        };
        let out = map.eval(&inputs).unwrap();
        let s = sum.run(&inputs).unwrap();
        if k % 2 == 0 {
            assert_eq!(out, want_map);
            assert!(same(s, want_sum));
        }
    });
    dropper.join().unwrap();
    // The last handle still works after the others dropped.
    assert!(f.call(&[1.0, 0.0, 0.001]).is_ok());
}

#[test]
fn nested_parallel_kernels_from_several_threads() {
    let engine = Engine::new();
    let map = Arc::new(
        engine
            .map(&["sqrt(abs(x)) * 2"], &["x"])
            .unwrap()
            .with_parallel(Parallel::threads(2)),
    );
    let x: Vec<f64> = (0..100_000).map(f64::from).collect();
    let want = map.eval(&[Input::from(&x)]).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (map, x, want) = (map.clone(), x.clone(), want.clone());
            std::thread::spawn(move || {
                for _ in 0..5 {
                    assert_eq!(map.eval(&[Input::from(&x)]).unwrap(), want);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
