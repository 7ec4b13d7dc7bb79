//! Compiled code is freed when its handle drops: compiling and dropping
//! 10,000 functions leaves resident memory flat.

use exprjit::Engine;

/// Resident set size in bytes (Linux).
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

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
