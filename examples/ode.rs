//! ODEs solved inside compiled code (issue 13): the Lorenz system with
//! adaptive Dormand–Prince (SciPy's RK45 settings), with output at chosen
//! times, and an ensemble of 10,000 damped oscillators on 1 and 2 threads.
//!
//! `cargo run --release --example ode`

use std::time::Instant;

use exprjit::{Engine, OdeOptions, OdeSpec, Parallel};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> exprjit::Result<()> {
    // Lorenz: x' = s(y-x), y' = x(r-z)-y, z' = xy-bz.
    let lorenz = Engine::new().ode(OdeSpec {
        state: &["x", "y", "z"],
        rhs: &["s*(y-x)", "x*(r-z)-y", "x*y-b*z"],
        params: &["s", "r", "b"],
        ..Default::default()
    })?;
    let params = [10.0, 28.0, 8.0 / 3.0];
    let t_eval: Vec<f64> = (0..=4).map(|i| i as f64 * 5.0).collect();
    let opts = OdeOptions {
        rtol: 1e-9,
        atol: &[1e-12],
        t_eval: &t_eval,
        ..OdeOptions::new(0.0, 20.0)
    };
    let t0 = Instant::now();
    let sol = lorenz.solve(&[1.0, 1.0, 1.0], &params, &opts)?;
    let first = t0.elapsed().as_secs_f64();
    println!("Lorenz on [0, 20], rtol 1e-9, atol 1e-12 (RK45):");
    for (r, t) in t_eval.iter().enumerate() {
        let s = sol.row(r);
        println!(
            "  t = {t:>4}: x = {:>19.15}, y = {:>19.15}, z = {:>19.15}",
            s[0], s[1], s[2]
        );
    }
    println!(
        "  {} accepted steps, {} rejected, {} right-hand-side evaluations",
        sol.stats.accepted, sol.stats.rejected, sol.stats.nfev
    );
    let times: Vec<f64> = (0..50)
        .map(|_| {
            let t = Instant::now();
            let _ = lorenz.solve(&[1.0, 1.0, 1.0], &params, &opts);
            t.elapsed().as_secs_f64()
        })
        .collect();
    println!(
        "  first solve (compiles the solver) {:.2} ms; then a median of {:.1} µs per solve",
        first * 1e3,
        median(times) * 1e6
    );
    let twin = lorenz.solve_reference(&[1.0, 1.0, 1.0], &params, &opts)?;
    println!(
        "  the interpreter twin takes the same steps and gives the same bits: {}",
        twin == sol
    );

    // 10,000 damped oscillators x'' + c x' + k x = 0, each its own k and c.
    let oscillator = Engine::new().ode(OdeSpec {
        state: &["x", "v"],
        rhs: &["v", "-k*x - c*v"],
        params: &["k", "c"],
        ..Default::default()
    })?;
    let members = 10_000;
    let y0: Vec<f64> = (0..members).flat_map(|_| [1.0, 0.0]).collect();
    let p: Vec<f64> = (0..members)
        .flat_map(|m| [1.0 + (m % 100) as f64 * 0.1, 0.05 + (m / 100) as f64 * 0.01])
        .collect();
    let opts = OdeOptions {
        rtol: 1e-8,
        atol: &[1e-10],
        ..OdeOptions::new(0.0, 10.0)
    };
    let mut results = Vec::new();
    for threads in [1, 2] {
        let ens = Engine::new()
            .ode(OdeSpec {
                state: &["x", "v"],
                rhs: &["v", "-k*x - c*v"],
                params: &["k", "c"],
                ..Default::default()
            })?
            .with_parallel(Parallel::threads(threads));
        ens.solve_ensemble(&y0, &p, &opts)?; // compile, warm up
        let times: Vec<f64> = (0..7)
            .map(|_| {
                let t = Instant::now();
                let _ = ens.solve_ensemble(&y0, &p, &opts);
                t.elapsed().as_secs_f64()
            })
            .collect();
        let m = median(times);
        let sols = ens.solve_ensemble(&y0, &p, &opts)?;
        results.push((threads, m, sols));
    }
    let steps: u64 = results[0].2.iter().map(|s| s.stats.accepted).sum();
    println!(
        "\n{members} damped oscillators on [0, 10], rtol 1e-8, atol 1e-10: {steps} steps in all"
    );
    for (threads, m, _) in &results {
        println!("  {threads} thread(s): median {:.2} ms", m * 1e3);
    }
    println!(
        "  2 threads vs 1: {:.2}x; results identical: {}",
        results[0].1 / results[1].1,
        results[0].2 == results[1].2
    );
    let one = oscillator.solve(&y0[..2], &p[..2], &opts)?;
    println!(
        "  member 0 (k = 1, c = 0.05): x(10) = {:.12} (closed form {:.12})",
        one.y[0],
        damped(1.0, 0.05, 10.0)
    );
    Ok(())
}

/// x(t) of x'' + c x' + k x = 0, x(0) = 1, x'(0) = 0 (underdamped).
fn damped(k: f64, c: f64, t: f64) -> f64 {
    let a = c / 2.0;
    let w = (k - a * a).sqrt();
    (-a * t).exp() * ((w * t).cos() + a / w * (w * t).sin())
}
