//! Speed of each inline function against the C library: a map kernel of
//! `f(x)` (or `f(x, y)`) over 1,000,000 elements, serial, in
//! `MathMode::Fast` and `MathMode::Libm`, median of 21 runs each, printed
//! as a markdown table (ns per element and the ratio, measured in one run).
//!
//! `cargo run --release --example mathspeed [function names…]`

use std::time::Instant;

use exprjit::unstable::MathFn;

use exprjit::{Engine, Input, MathMode, Parallel};

const N: usize = 1_000_000;

/// Median nanoseconds per element of `run`.
fn ns_per_element(mut run: impl FnMut()) -> f64 {
    run();
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2] * 1e9 / N as f64
}

/// `n` values spread over `[lo, hi)` in a scrambled order (golden-ratio
/// steps), so branches in the C library see varied arguments.
fn spread(lo: f64, hi: f64, phase: f64) -> Vec<f64> {
    (0..N)
        .map(|i| lo + (hi - lo) * ((i as f64 * 0.618_033_988_749_894_9 + phase) % 1.0))
        .collect()
}

/// A typical argument range for `f`.
fn domain(f: MathFn) -> (f64, f64) {
    use MathFn::*;
    match f {
        Asin | Acos | Atanh => (-0.999, 0.999),
        Acosh => (1.0, 100.0),
        Log | Log2 | Log10 | Cbrt | Pow => (0.01, 10.0),
        Log1p => (-0.9, 10.0),
        Exp | Exp2 | Expm1 | Sinh | Cosh | Tanh => (-20.0, 20.0),
        _ => (0.0, 100.0),
    }
}

fn main() -> exprjit::Result<()> {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let fns: Vec<MathFn> = MathFn::ALL
        .into_iter()
        .filter(|&f| f.has_inline())
        .filter(|f| wanted.is_empty() || wanted.iter().any(|w| w == f.name()))
        .collect();
    println!("| function | range of x | fast (ns/element) | libm (ns/element) | libm / fast |");
    println!("| --- | --- | ---: | ---: | ---: |");
    let mut out = vec![0.0; N];
    for f in fns {
        let (lo, hi) = domain(f);
        let x = spread(lo, hi, 0.0);
        let y = spread(-5.0, 5.0, 0.5);
        let (text, vars): (String, &[&str]) = match f.arity() {
            1 => (format!("{}(x)", f.name()), &["x"]),
            _ => (format!("{}(x, y)", f.name()), &["x", "y"]),
        };
        let mut times = Vec::new();
        for mode in [MathMode::Fast, MathMode::Libm] {
            let kernel = Engine::new()
                .with_math(mode)
                .map(&[&text], vars)?
                .with_parallel(Parallel::serial());
            let inputs: Vec<Input<'_>> = [&x, &y][..vars.len()]
                .iter()
                .map(|v| Input::Array(v))
                .collect();
            times.push(ns_per_element(|| {
                kernel.run(&inputs, &mut [&mut out]).expect("lengths match")
            }));
        }
        let y_range = if vars.len() == 2 {
            ", y ∈ [-5, 5)"
        } else {
            ""
        };
        println!(
            "| `{text}` | [{lo}, {hi}){y_range} | {:.2} | {:.2} | {:.2}× |",
            times[0],
            times[1],
            times[1] / times[0]
        );
    }
    Ok(())
}
