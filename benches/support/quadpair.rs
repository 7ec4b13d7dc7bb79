//! The `quad` and `pairwise` stories (issue 14), shared by
//! `benches/quadpair.rs` and `examples/report.rs` (each includes this file
//! by path next to `support`). The Python peers of the same work are in
//! `benches/python/quadpair_story.py`, on the same inputs.

use std::hint::black_box;
use std::rc::Rc;

use exprjit::{Engine, Input, Parallel, QuadRule};

use crate::support::stories::{Case, Kind, Run, Story};

fn case(s: &mut Story, name: &str, kind: Kind, size: &str, per: usize, expect: f64, run: Run) {
    s.cases.push(Case {
        name: name.to_string(),
        kind,
        size: size.to_string(),
        per: per as f64,
        expect,
        run,
    });
}

/// The seed question's 1000×30 matrix, flattened: `((i*7919) % 30000)/15000 - 1`.
pub fn quad_x() -> Vec<f64> {
    (0..30_000)
        .map(|i| ((i * 7919) % 30_000) as f64 / 15_000.0 - 1.0)
        .collect()
}

/// 10-point Gauss–Legendre of `k*x^2` over [0, 100], hand-written.
pub fn quad_rust(x: &[f64], nodes: &[f64], weights: &[f64], out: &mut [f64]) {
    for (o, &x) in out.iter_mut().zip(x) {
        let (c, h) = (50.0, 50.0);
        let mut acc = 0.0;
        for (t, w) in nodes.iter().zip(weights) {
            let k = c + h * t;
            acc += w * (k * (x * x));
        }
        *o = h * acc;
    }
}

/// ∫₀¹⁰⁰ k·x² dk for the 30,000 entries: fixed 10-point Gauss–Legendre
/// (compiled, allocating or into a buffer; interpreter twin; Rust) and
/// adaptive Gauss–Kronrod at SciPy's default tolerance.
pub fn quad() -> Story {
    let mut s = Story {
        id: "quad",
        title: "∫₀¹⁰⁰ k·x² dk for each of 1000×30 values of x (the seed question)".to_string(),
        unit: "integral",
        baseline: "rust_gauss_legendre10",
        cases: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
    };
    let x = Rc::new(quad_x());
    let n = x.len();
    let size = n.to_string();
    let (nodes, weights) = exprjit::unstable::gauss_legendre(10);
    let mut out = vec![0.0; n];
    quad_rust(&x, &nodes, &weights, &mut out);
    let expect: f64 = out.iter().sum();
    let (a, b) = (Input::Scalar(0.0), Input::Scalar(100.0));
    let gl = Rc::new(
        Engine::new()
            .quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))
            .unwrap()
            .with_parallel(Parallel::serial()),
    );
    {
        let (x, gl) = (x.clone(), gl.clone());
        let mut out = vec![0.0; n];
        let run: Run = Box::new(move |_| {
            gl.run_into(a, b, &[Input::from(black_box(&*x))], &mut out)
                .unwrap();
            out.iter().sum()
        });
        case(
            &mut s,
            "jit_gauss_legendre10_into",
            Kind::Jit,
            &size,
            n,
            expect,
            run,
        );
    }
    {
        let (x, gl) = (x.clone(), gl.clone());
        let run: Run = Box::new(move |_| {
            let r = gl.run(a, b, &[Input::from(black_box(&*x))]).unwrap();
            r.value.iter().sum()
        });
        case(
            &mut s,
            "jit_gauss_legendre10",
            Kind::Jit,
            &size,
            n,
            expect,
            run,
        );
    }
    {
        let x = x.clone();
        let two = Engine::new()
            .quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))
            .unwrap()
            .with_parallel(Parallel::threads(2));
        let mut out = vec![0.0; n];
        let run: Run = Box::new(move |_| {
            two.run_into(a, b, &[Input::from(black_box(&*x))], &mut out)
                .unwrap();
            out.iter().sum()
        });
        case(
            &mut s,
            "jit_gauss_legendre10_2threads",
            Kind::Jit,
            &size,
            n,
            expect,
            run,
        );
    }
    {
        let x = x.clone();
        let adaptive = Engine::new()
            .quad("k*x^2", "k", &["x"], QuadRule::adaptive())
            .unwrap()
            .with_parallel(Parallel::serial());
        let run: Run = Box::new(move |_| {
            let r = adaptive.run(a, b, &[Input::from(black_box(&*x))]).unwrap();
            r.value.iter().sum()
        });
        case(&mut s, "jit_adaptive", Kind::Jit, &size, n, expect, run);
    }
    {
        let (x, gl) = (x.clone(), gl.clone());
        let run: Run = Box::new(move |_| {
            let r = gl
                .run_reference(a, b, &[Input::from(black_box(&*x))])
                .unwrap();
            r.value.iter().sum()
        });
        case(
            &mut s,
            "interpreter_gauss_legendre10",
            Kind::Interp,
            &size,
            n,
            expect,
            run,
        );
    }
    {
        let mut out = vec![0.0; n];
        let run: Run = Box::new(move |_| {
            quad_rust(black_box(&x), &nodes, &weights, &mut out);
            out.iter().sum()
        });
        case(
            &mut s,
            "rust_gauss_legendre10",
            Kind::Rust,
            &size,
            n,
            expect,
            run,
        );
    }
    s
}

/// The pairwise story's matrix: `A[i, k] = ((i*d + k) · 0.618…) mod 1`.
pub fn pairwise_a(n: usize, d: usize) -> Vec<f64> {
    (0..n * d)
        .map(|i| (i as f64 * 0.6180339887498949) % 1.0)
        .collect()
}

/// Squared distances of every pair of rows of `a` (n×d) into `out`,
/// hand-written: the upper triangle, four partial sums per pair, mirrored.
pub fn pairwise_rust(a: &[f64], n: usize, d: usize, out: &mut [f64]) {
    for i in 0..n {
        let x = &a[i * d..(i + 1) * d];
        for j in i..n {
            let y = &a[j * d..(j + 1) * d];
            let mut acc = [0.0; 4];
            let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
            let (xr, yr) = (xc.remainder(), yc.remainder());
            for (p, q) in xc.zip(yc) {
                for l in 0..4 {
                    let t = p[l] - q[l];
                    acc[l] += t * t;
                }
            }
            let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
            for (p, q) in xr.iter().zip(yr) {
                s += (p - q) * (p - q);
            }
            out[i * n + j] = s;
            out[j * n + i] = s;
        }
    }
}

/// Squared Euclidean distances of every pair of rows of a 2000×300
/// matrix (against itself): exprjit's triangle on one and two threads,
/// its full matrix, and hand-written Rust.
pub fn pairwise() -> Story {
    let (n, d) = (2000, 300);
    let mut s = Story {
        id: "pairwise",
        title: format!("Squared distances between every pair of rows of a {n}×{d} matrix"),
        unit: "pair",
        baseline: "rust_triangle",
        cases: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
    };
    let size = format!("{n}x{d}");
    let a = Rc::new(pairwise_a(n, d));
    let mut out = vec![0.0; n * n];
    pairwise_rust(&a, n, d, &mut out);
    let expect: f64 = out.iter().sum();
    for (name, threads, full) in [
        ("jit_triangle_1thread", 1, false),
        ("jit_triangle_2threads", 2, false),
        ("jit_full_1thread", 1, true),
    ] {
        let a = a.clone();
        let k = Engine::new()
            .pairwise_metric("sqeuclidean")
            .unwrap()
            .with_parallel(if threads == 1 {
                Parallel::serial()
            } else {
                Parallel::threads(threads)
            });
        let run: Run = Box::new(move |_| {
            let m = if full {
                k.run(black_box(&a), &a, d).unwrap()
            } else {
                k.run_self(black_box(&a), d).unwrap()
            };
            m.iter().sum()
        });
        case(&mut s, name, Kind::Jit, &size, n * n, expect, run);
    }
    let run: Run = Box::new(move |_| {
        pairwise_rust(black_box(&a), n, d, &mut out);
        out.iter().sum()
    });
    case(
        &mut s,
        "rust_triangle",
        Kind::Rust,
        &size,
        n * n,
        expect,
        run,
    );
    s
}
