//! `x^3` over arrays of growing size: exprjit's rewritten `x^3` (two
//! multiplies, in a vectorized JIT loop) against Rust loops calling `powf`
//! and computing `x*x*x` — the NumPy `np.power(x, 3)` question.
//!
//! `cargo run --release --example cube`

use std::hint::black_box;
use std::time::Instant;

use exprjit::{Engine, Input, Parallel};

/// Median ns per element of `f` over enough repeats to take ~50 ms.
fn ns_per_element(n: usize, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    f();
    let once = t.elapsed().as_secs_f64().max(1e-7);
    let repeats = ((0.05 / once) as usize).clamp(5, 100_000);
    let mut times: Vec<f64> = (0..repeats)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2] * 1e9 / n as f64
}

fn main() -> exprjit::Result<()> {
    let cube = Engine::new()
        .map(&["x^3"], &["x"])?
        .with_parallel(Parallel::serial());
    let pow = Engine::new()
        .with_rewrites(false)
        .map(&["x^3"], &["x"])?
        .with_parallel(Parallel::serial());
    println!("ns per element (median)");
    println!(
        "{:>10} {:>10} {:>12} {:>12} {:>12}",
        "n", "exprjit", "exprjit pow", "rust powf", "rust x*x*x"
    );
    for n in [10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        let x: Vec<f64> = (0..n).map(|k| 1.0 + k as f64 / n as f64).collect();
        let mut out = vec![0.0; n];
        let jit = ns_per_element(n, || {
            cube.run(&[Input::from(black_box(&x))], &mut [&mut out])
                .unwrap()
        });
        let jit_pow = ns_per_element(n, || {
            pow.run(&[Input::from(black_box(&x))], &mut [&mut out])
                .unwrap()
        });
        let powf = ns_per_element(n, || {
            for (o, &v) in out.iter_mut().zip(black_box(&x)) {
                *o = v.powf(3.0);
            }
        });
        let mul = ns_per_element(n, || {
            for (o, &v) in out.iter_mut().zip(black_box(&x)) {
                *o = v * v * v;
            }
        });
        println!("{n:>10} {jit:>10.3} {jit_pow:>12.3} {powf:>12.3} {mul:>12.3}");
    }
    Ok(())
}
