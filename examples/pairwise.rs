//! The seed questions on pairs of rows: the sum of squared differences
//! between every pair of rows of a 17,000×300 matrix (on all cores; time
//! and memory), the same at 2000×300 on one and two threads against
//! hand-written Rust, and the contaminant cut (for each object, the first
//! point within an angle: a dot product above a threshold, stopping at the
//! first).
//!
//! `cargo run --release --example pairwise [ROWS]` (ROWS defaults to 17000;
//! the output is ROWS² × 8 bytes: 2.3 GB at 17,000).

use std::time::Instant;

use exprjit::{Compare, Engine, Parallel, Reduce};

fn matrix(rows: usize, d: usize, seed: u64) -> Vec<f64> {
    let mut s = seed | 1;
    (0..rows * d)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

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
    let d = 300;
    // 2000×300 against itself: one and two threads, and plain Rust.
    let n = 2000;
    let a = matrix(n, d, 42);
    let one = Engine::new()
        .pairwise_metric("sqeuclidean")?
        .with_parallel(Parallel::serial());
    let two = Engine::new()
        .pairwise_metric("sqeuclidean")?
        .with_parallel(Parallel::threads(2));
    let t1 = median(5, || {
        one.run_self(&a, d).unwrap();
    });
    let t2 = median(5, || {
        two.run_self(&a, d).unwrap();
    });
    let full = median(5, || {
        one.run(&a, &a, d).unwrap();
    });
    let mut out = vec![0.0; n * n];
    let t_rust = median(5, || {
        for i in 0..n {
            let x = &a[i * d..(i + 1) * d];
            for j in 0..n {
                let y = &a[j * d..(j + 1) * d];
                out[i * n + j] = x.iter().zip(y).map(|(p, q)| (p - q) * (p - q)).sum();
            }
        }
    });
    println!("sqeuclidean, {n}×{d} against itself ({n}×{n} output):");
    println!("  exprjit, triangle, 1 thread:  {:7.1} ms", t1 * 1e3);
    println!("  exprjit, triangle, 2 threads: {:7.1} ms", t2 * 1e3);
    println!("  exprjit, full matrix, 1 thread: {:5.1} ms", full * 1e3);
    println!(
        "  hand-written Rust (iterator sum), 1 thread: {:5.1} ms",
        t_rust * 1e3
    );

    // The contaminant cut on the unit sphere.
    let unit = |m: Vec<f64>| -> Vec<f64> {
        m.chunks(3)
            .flat_map(|c| {
                let v = [c[0] - 0.5, c[1] - 0.5, c[2] - 0.5];
                let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
                [v[0] / r, v[1] / r, v[2] / r]
            })
            .collect()
    };
    let objects = unit(matrix(100_000, 3, 7));
    let points = unit(matrix(10_000, 3, 9));
    let dot = Engine::new().pairwise("a*b", Reduce::Sum, None)?;
    let threshold = (1f64.to_radians()).cos();
    let t = Instant::now();
    let hits = dot.any(&objects, &points, 3, Compare::Gt, threshold)?;
    let ta = t.elapsed().as_secs_f64();
    let flagged = hits.iter().filter(|&&h| h >= 0).count();
    println!(
        "contaminant cut: {} objects × {} points, within 1°: {flagged} flagged in {:.1} ms",
        hits.len(),
        points.len() / 3,
        ta * 1e3
    );

    // The seed size on all cores.
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(17_000);
    let big = matrix(rows, d, 1);
    let all = Engine::new().pairwise_metric("sqeuclidean")?;
    let t = Instant::now();
    match all.run_self(&big, d) {
        Ok(m) => println!(
            "sqeuclidean {rows}×{d} against itself on all cores: {:.2} s, output {:.2} GB (input {:.1} MB); m[0][1] = {}",
            t.elapsed().as_secs_f64(),
            (m.len() * 8) as f64 / 1e9,
            (big.len() * 8) as f64 / 1e6,
            m[1]
        ),
        Err(e) => println!("{rows}×{d}: {e}"),
    }
    Ok(())
}
