//! Compiled code is freed when its handle drops: compiling and dropping
//! 10,000 functions leaves resident memory flat.

use exprjit::Engine;

/// Resident set size in bytes (Linux).
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// The tests measure the whole process's memory, so they run one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn compile(engine: &Engine, i: usize) -> exprjit::Compiled {
    // Distinct formulas, so nothing can be cached.
    let text = format!("y + h*y^2*cos(t+y) + {i}");
    engine
        .parse(&text)
        .unwrap()
        .compile(&["y", "t", "h"])
        .unwrap()
}

#[test]
fn compiling_and_dropping_10000_functions_keeps_memory_flat() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let engine = Engine::new();
    // Warm up allocators and the target set-up.
    for i in 0..500 {
        let f = compile(&engine, i);
        assert_eq!(f.call(&[1.0, 0.0, 0.0]).unwrap(), 1.0 + i as f64);
    }
    let before = rss();
    for i in 0..10_000 {
        let f = compile(&engine, i);
        assert_eq!(f.call(&[1.0, 0.0, 0.0]).unwrap(), 1.0 + i as f64);
    }
    let dropped_growth = rss().saturating_sub(before);

    // The measurement can see a leak: keeping 2,000 alive costs pages.
    let before_kept = rss();
    let kept: Vec<_> = (0..2_000).map(|i| compile(&engine, i)).collect();
    let kept_growth = rss().saturating_sub(before_kept);
    drop(kept);
    println!("growth: 10,000 dropped {dropped_growth} bytes; 2,000 kept {kept_growth} bytes");

    assert!(
        kept_growth > 4 << 20,
        "2,000 live functions grew memory by only {kept_growth} bytes; the probe cannot see leaks"
    );
    assert!(
        dropped_growth < 4 << 20,
        "10,000 compiled-and-dropped functions grew memory by {dropped_growth} bytes"
    );
}

#[test]
fn compiling_and_dropping_100000_functions_and_kernels_keeps_memory_flat() {
    use exprjit::{Input, Reduce};
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let engine = Engine::new();
    let x = [0.5, 1.5, 2.5, 3.5, 4.5];
    let round = |i: usize| {
        let c = i as f64;
        match i % 5 {
            0 => {
                let map = engine.map(&[&format!("x*{c} + 1")], &["x"]).unwrap();
                let out = map.eval(&[Input::from(&x)]).unwrap();
                assert_eq!(out[0][0], 0.5 * c + 1.0);
            }
            1 => {
                let sum = engine
                    .reduce(&format!("x + {c}"), &["x"], Reduce::Sum)
                    .unwrap();
                assert_eq!(sum.run(&[Input::from(&x)]).unwrap(), 12.5 + 5.0 * c);
            }
            _ => assert_eq!(compile(&engine, i).call(&[1.0, 0.0, 0.0]).unwrap(), 1.0 + c),
        }
    };
    for i in 0..2_000 {
        round(i);
    }
    let before = rss();
    for i in 0..100_000 {
        round(i);
    }
    let growth = rss().saturating_sub(before);
    println!("growth over 100,000 compile-and-drop rounds: {growth} bytes");
    assert!(growth < 2 << 20, "grew by {growth} bytes");
}
