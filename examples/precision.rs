//! Issue 15's seed, measured: the spherical Bessel function j6 in closed
//! form over 170,000 points of z in [1e-4, 17], as an f64 map and a
//! double-double map (medians of 15 runs each, one thread), plus the
//! N-digit evaluator per point at 30 digits, and the digits each mode keeps
//! at a few points.
//!
//! ```sh
//! cargo run --release --example precision
//! ```

use std::time::Instant;

use exprjit::{Engine, Input, Parallel, Precision};

const J6: &str = "-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> exprjit::Result<()> {
    let n = 170_000;
    let z: Vec<f64> = (0..n)
        .map(|i| 1e-4 + (17.0 - 1e-4) * i as f64 / (n - 1) as f64)
        .collect();
    // The two maps run interleaved (f64, dd, f64, dd, …) so that load from
    // other processes falls on both alike.
    let kernels: Vec<_> = [Precision::F64, Precision::Dd]
        .iter()
        .map(|&p| {
            Engine::new()
                .with_precision(p)
                .map(&[J6], &["z"])
                .map(|k| k.with_parallel(Parallel::serial()))
        })
        .collect::<exprjit::Result<_>>()?;
    let mut out = vec![0.0; n];
    let mut times = [Vec::new(), Vec::new()];
    let mut ratios = Vec::new();
    for run in 0..22 {
        let mut pair = [0.0; 2];
        for (k, kernel) in kernels.iter().enumerate() {
            let t = Instant::now();
            kernel.run(&[Input::Array(&z)], &mut [&mut out])?;
            pair[k] = t.elapsed().as_secs_f64();
        }
        if run > 0 {
            times[0].push(pair[0]);
            times[1].push(pair[1]);
            ratios.push(pair[1] / pair[0]);
        }
    }
    let mut per_point = Vec::new();
    for (k, name) in ["f64", "dd"].iter().enumerate() {
        let m = median(times[k].clone());
        println!(
            "{name:>3} map, {n} points: median {:.2} ms, {:.1} ns/point (21 runs)",
            m * 1e3,
            m / n as f64 * 1e9
        );
        per_point.push(m / n as f64);
    }
    let expr = exprjit::parse(J6)?;
    let pts: Vec<String> = (0..200)
        .map(|i| format!("{}", 0.01 + 0.085 * i as f64))
        .collect();
    let t = Instant::now();
    for p in &pts {
        expr.eval_digits(&[("z", p)], 30)?;
    }
    let digits = t.elapsed().as_secs_f64() / pts.len() as f64;
    println!(
        "digits=30 evaluator: {:.1} µs/point (200 points)",
        digits * 1e6
    );
    println!(
        "dd / f64: {:.1}x (ratio of medians), {:.1}x (median of the 21 paired ratios)",
        per_point[1] / per_point[0],
        median(ratios)
    );
    println!(
        "mpmath at 30 digits (tools/mpmath_j6_speed.py) / dd: divide its µs/point by {:.3} µs",
        per_point[1] * 1e6
    );
    for zs in ["0.01", "0.1", "0.5", "2", "10"] {
        let zv: f64 = zs.parse().unwrap();
        let exact: f64 = expr.eval_digits(&[("z", zs)], 25)?.parse().unwrap();
        let f = expr.eval(&[("z", zv)])?;
        let d = Engine::new()
            .with_precision(Precision::Dd)
            .parse(J6)?
            .eval(&[("z", zv)])?;
        let good = |v: f64| -((v - exact).abs() / exact.abs()).max(1e-17).log10();
        println!(
            "z = {zs:>4}: exact {exact:.16e}  f64 {f:.16e} ({:.1} digits)  dd {d:.16e} ({:.1} digits)",
            good(f),
            good(d)
        );
    }
    Ok(())
}
