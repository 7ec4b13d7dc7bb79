//! The seed question: integrate `k*x^2` over k in [0, 100] for every entry
//! of a 1000×30 matrix x (exactly 5000·x²), by the fixed 10-point
//! Gauss–Legendre rule and by adaptive Gauss–Kronrod, against the same
//! rule hand-written in Rust; then ∫ exp(-k²) over the whole line.
//!
//! `cargo run --release --example quad`

use std::time::Instant;

use exprjit::{Engine, Input, Parallel, QuadRule};

/// The median of `runs` timings of `f`, in seconds.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[runs / 2]
}

fn main() -> exprjit::Result<()> {
    let x: Vec<f64> = (0..30_000)
        .map(|i| ((i * 7919) % 30_000) as f64 / 15_000.0 - 1.0)
        .collect();
    let (a, b) = (Input::Scalar(0.0), Input::Scalar(100.0));
    let params = [Input::from(&x)];

    let gl = Engine::new()
        .quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))?
        .with_parallel(Parallel::serial());
    let r = gl.run(a, b, &params)?;
    let worst = r
        .value
        .iter()
        .zip(&x)
        .map(|(v, x)| ((v - 5000.0 * x * x) / (5000.0 * x * x).max(f64::MIN_POSITIVE)).abs())
        .fold(0.0, f64::max);
    let t_gl = median(21, || {
        gl.run(a, b, &params).unwrap();
    });

    let mut into = vec![0.0; x.len()];
    let t_into = median(21, || {
        gl.run_into(a, b, &params, &mut into).unwrap();
    });
    assert!(
        into.iter()
            .zip(&r.value)
            .all(|(p, q)| p.to_bits() == q.to_bits())
    );

    // The same rule by hand in Rust: nodes and weights, one loop.
    let (nodes, weights) = exprjit::unstable::gauss_legendre(10);
    let mut out = vec![0.0; x.len()];
    let t_rust = median(21, || {
        for (o, &x) in out.iter_mut().zip(std::hint::black_box(&x)) {
            let (c, h) = (50.0, 50.0);
            let mut acc = 0.0;
            for (t, w) in nodes.iter().zip(&weights) {
                let k = c + h * t;
                acc += w * (k * (x * x));
            }
            *o = h * acc;
        }
    });

    let adaptive = Engine::new()
        .quad("k*x^2", "k", &["x"], QuadRule::adaptive())?
        .with_parallel(Parallel::serial());
    let t_gk = median(11, || {
        adaptive.run(a, b, &params).unwrap();
    });
    let two = Engine::new()
        .quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))?
        .with_parallel(Parallel::threads(2));
    let t_gl2 = median(21, || {
        two.run(a, b, &params).unwrap();
    });

    let n = x.len() as f64;
    println!("30,000 integrals of k*x^2 over [0, 100] (1000×30 x):");
    println!(
        "  Gauss–Legendre 10, JIT, 1 thread:  {:7.2} ms  {:6.2} ns/integral  (max relative error vs 5000x² {worst:.1e})",
        t_gl * 1e3,
        t_gl * 1e9 / n
    );
    println!(
        "  Gauss–Legendre 10, JIT, 1 thread, run_into (no allocation): {:5.2} ms  {:6.2} ns/integral",
        t_into * 1e3,
        t_into * 1e9 / n
    );
    println!(
        "  Gauss–Legendre 10, JIT, 2 threads: {:7.2} ms  {:6.2} ns/integral",
        t_gl2 * 1e3,
        t_gl2 * 1e9 / n
    );
    println!(
        "  Gauss–Legendre 10, hand-written Rust: {:5.2} ms  {:6.2} ns/integral",
        t_rust * 1e3,
        t_rust * 1e9 / n
    );
    println!(
        "  adaptive G10K21 (epsabs = epsrel = 1.49e-8), 1 thread: {:7.2} ms  {:6.2} ns/integral",
        t_gk * 1e3,
        t_gk * 1e9 / n
    );

    let gauss = Engine::new().quad("exp(-k^2)", "k", &[], QuadRule::adaptive())?;
    let r = gauss.run(
        Input::Scalar(f64::NEG_INFINITY),
        Input::Scalar(f64::INFINITY),
        &[],
    )?;
    println!(
        "∫ exp(-k²) over ℝ = {} ± {:.1e} ({} intervals); √π = {}",
        r.value[0],
        r.error[0],
        r.intervals[0],
        std::f64::consts::PI.sqrt()
    );
    Ok(())
}
