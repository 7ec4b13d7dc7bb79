//! A one-off check of the `rust_native` contender (benches/support/native.rs):
//! the same loops compiled by a real `-C target-cpu=native` build, against
//! the `target_feature` instantiations the benchmarks use. Not part of any
//! cargo target; run by hand:
//!
//! ```text
//! rustc -C opt-level=3 -o /tmp/nc-base benches/support/native_check.rs
//! rustc -C opt-level=3 -C target-cpu=native -o /tmp/nc-native benches/support/native_check.rs
//! /tmp/nc-base; /tmp/nc-native
//! ```
//!
//! Each line is ns per element (median of runs for about 0.5 s). Compare the
//! base build's `tf avx2` / `tf avx512` columns with the native build's
//! plain columns (`cube`, `rational`, `cos`).

use std::hint::black_box;
use std::time::Instant;
fn lin(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n)
        .map(|k| lo + (hi - lo) * k as f64 / n as f64)
        .collect()
}
#[inline(never)]
fn cube(x: &[f64], o: &mut [f64]) {
    for (o, &v) in o.iter_mut().zip(x) {
        *o = v * v * v;
    }
}
#[inline(never)]
fn rational(x: &[f64], o: &mut [f64]) {
    for (o, &x) in o.iter_mut().zip(x) {
        *o = ((0.3 * x + 1.2) * x - 0.7) * x / (1.0 + x * x);
    }
}
#[inline(never)]
fn cosl(x: &[f64], o: &mut [f64]) {
    for (o, &v) in o.iter_mut().zip(x) {
        *o = v.cos();
    }
}
#[inline(never)]
fn seed(y: &[f64], t: &[f64], o: &mut [f64]) {
    let h = 0.001;
    for ((o, &y), &t) in o.iter_mut().zip(y).zip(t) {
        *o = y + h * y * y * (t + y).cos();
    }
}
#[target_feature(enable = "avx2,fma")]
fn cube_a2(x: &[f64], o: &mut [f64]) {
    cube_b(x, o)
}
#[target_feature(enable = "avx2,fma")]
fn rational_a2(x: &[f64], o: &mut [f64]) {
    rational_b(x, o)
}
#[target_feature(enable = "avx2,fma")]
fn cos_a2(x: &[f64], o: &mut [f64]) {
    cos_b(x, o)
}
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn cube_a5(x: &[f64], o: &mut [f64]) {
    cube_b(x, o)
}
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn rational_a5(x: &[f64], o: &mut [f64]) {
    rational_b(x, o)
}
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn cos_a5(x: &[f64], o: &mut [f64]) {
    cos_b(x, o)
}
#[inline(always)]
fn cube_b(x: &[f64], o: &mut [f64]) {
    for (o, &v) in o.iter_mut().zip(x) {
        *o = v * v * v;
    }
}
#[inline(always)]
fn rational_b(x: &[f64], o: &mut [f64]) {
    for (o, &x) in o.iter_mut().zip(x) {
        *o = ((0.3 * x + 1.2) * x - 0.7) * x / (1.0 + x * x);
    }
}
#[inline(always)]
fn cos_b(x: &[f64], o: &mut [f64]) {
    for (o, &v) in o.iter_mut().zip(x) {
        *o = v.cos();
    }
}
fn time(mut f: impl FnMut()) -> f64 {
    f();
    let mut v = Vec::new();
    let s = Instant::now();
    while v.len() < 5 || (s.elapsed().as_secs_f64() < 0.5 && v.len() < 5000) {
        let t = Instant::now();
        f();
        v.push(t.elapsed().as_secs_f64());
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
fn main() {
    for n in [4000usize, 100_000] {
        let x = lin(n, -2.0, 2.0);
        let c = lin(n, 0.0, 100.0);
        let y = lin(n, 0.5, 1.5);
        let t = lin(n, 0.0, 10.0);
        let mut o = vec![0.0; n];
        let a = time(|| cube(black_box(&x), &mut o)) / n as f64 * 1e9;
        let b = time(|| rational(black_box(&x), &mut o)) / n as f64 * 1e9;
        let d = time(|| cosl(black_box(&c), &mut o)) / n as f64 * 1e9;
        let e = time(|| seed(black_box(&y), &t, &mut o)) / n as f64 * 1e9;
        let a2 = time(
            || /* SAFETY: only run on a CPU with these features (this check is run by hand on the benchmark machine). */ unsafe { cube_a2(black_box(&x), &mut o) },
        ) / n as f64
            * 1e9;
        let b2 = time(
            || /* SAFETY: only run on a CPU with these features (this check is run by hand on the benchmark machine). */ unsafe { rational_a2(black_box(&x), &mut o) },
        ) / n as f64
            * 1e9;
        let d2 = time(
            || /* SAFETY: only run on a CPU with these features (this check is run by hand on the benchmark machine). */ unsafe { cos_a2(black_box(&c), &mut o) },
        ) / n as f64
            * 1e9;
        let a5 = time(
            || /* SAFETY: only run on a CPU with these features (this check is run by hand on the benchmark machine). */ unsafe { cube_a5(black_box(&x), &mut o) },
        ) / n as f64
            * 1e9;
        let b5 = time(
            || /* SAFETY: only run on a CPU with these features (this check is run by hand on the benchmark machine). */ unsafe { rational_a5(black_box(&x), &mut o) },
        ) / n as f64
            * 1e9;
        let d5 = time(
            || /* SAFETY: only run on a CPU with these features (this check is run by hand on the benchmark machine). */ unsafe { cos_a5(black_box(&c), &mut o) },
        ) / n as f64
            * 1e9;
        println!(
            "  tf avx2: cube {a2:.3} rational {b2:.3} cos {d2:.3}; tf avx512: cube {a5:.3} rational {b5:.3} cos {d5:.3}"
        );
        println!("n={n} cube {a:.3} rational {b:.3} cos {d:.3} seed {e:.3} ns/el");
    }
}
