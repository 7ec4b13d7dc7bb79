//! The pairwise kernel: compiled tiles against the reference twin bit for
//! bit (every shape tail: odd d, rows not a multiple of the tile), the
//! triangle against the full matrix, thread counts, exactness where the
//! `|a|² + |b|² - 2a·b` expansion fails, the "any" search, bad input.

use exprjit::{Compare, Engine, ErrorKind, Parallel, Reduce};

fn matrix(rows: usize, d: usize, seed: u64) -> Vec<f64> {
    let mut s = seed | 1;
    (0..rows * d)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect()
}

fn same(x: &[f64], y: &[f64], what: &str) {
    assert_eq!(x.len(), y.len(), "{what}: lengths");
    for (k, (a, b)) in x.iter().zip(y).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "{what}: element {k}: {a} vs {b}");
    }
}

#[test]
fn tiles_match_the_twin_bit_for_bit_in_every_shape() {
    let kernels = [
        ("(a-b)^2", Reduce::Sum, None),
        ("(a-b)^2", Reduce::Sum, Some("sqrt(s)")),
        ("abs(a-b)", Reduce::Max, None),
        ("abs(a-b)", Reduce::Min, Some("s*2")),
        ("a*b", Reduce::Sum, None),
        ("exp(-(a-b)^2)", Reduce::Sum, Some("log(s)")),
    ];
    for (f, how, fin) in kernels {
        let k = Engine::new().pairwise(f, how, fin).unwrap();
        for (n, m, d) in [
            (1, 1, 1),
            (2, 4, 2),
            (3, 5, 3),
            (7, 9, 4),
            (33, 130, 5),
            (35, 6, 17),
        ] {
            let a = matrix(n, d, 1 + n as u64);
            let b = matrix(m, d, 99 + m as u64);
            let jit = k.run(&a, &b, d).unwrap();
            let twin = k.run_reference(&a, &b, d).unwrap();
            same(&jit, &twin, &format!("{f} {how:?} {fin:?} {n}x{m}x{d}"));
        }
    }
}

#[test]
fn the_triangle_and_every_thread_count_give_the_full_matrix() {
    let (n, d) = (203, 31);
    let a = matrix(n, d, 7);
    for metric in ["sqeuclidean", "euclidean", "cityblock", "chebyshev"] {
        let k = Engine::new().pairwise_metric(metric).unwrap();
        let full = k.run(&a, &a, d).unwrap();
        same(&full, &k.run_reference(&a, &a, d).unwrap(), metric);
        for threads in [1, 2, 3] {
            let p = Engine::new()
                .pairwise_metric(metric)
                .unwrap()
                .with_parallel(Parallel::threads(threads));
            same(
                &full,
                &p.run_self(&a, d).unwrap(),
                &format!("{metric} triangle, {threads} threads"),
            );
            same(
                &full,
                &p.run(&a, &a, d).unwrap(),
                &format!("{metric} full, {threads} threads"),
            );
        }
        for i in 0..n {
            assert_eq!(full[i * n + i], 0.0, "{metric}: diagonal");
        }
    }
    // A formula not declared symmetric computes the whole matrix itself.
    let k = Engine::new()
        .pairwise("a*exp(b)", Reduce::Sum, None)
        .unwrap();
    same(
        &k.run_self(&a, d).unwrap(),
        &k.run_reference(&a, &a, d).unwrap(),
        "asymmetric",
    );
}

#[test]
fn nearby_rows_are_exact_where_the_expansion_formula_is_wrong() {
    // Two rows of 300 values near 1e4 that differ in the last bit or two.
    let d = 300;
    let a: Vec<f64> = (0..d).map(|k| 1e4 + k as f64 * 0.37).collect();
    let b: Vec<f64> = a
        .iter()
        .enumerate()
        .map(|(k, &x)| f64::from_bits(x.to_bits() + 1 + (k as u64 % 2)))
        .collect();
    // The exact squared distance: each difference is exact (Sterbenz),
    // each square exact in a double-double, summed in f64 with 300 terms
    // of similar size: compare to 1e-12 relative.
    let exact: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
    assert!(exact > 0.0);
    let k = Engine::new().pairwise_metric("sqeuclidean").unwrap();
    let mut rows = a.clone();
    rows.extend_from_slice(&b);
    let ours = k.run_self(&rows, d).unwrap()[1];
    assert!((ours - exact).abs() <= 1e-12 * exact, "{ours} vs {exact}");
    // scikit-learn's |a|² + |b|² - 2 a·b: the digits cancel (here to 0,
    // or to rounding noise far larger than the answer).
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    let expansion = dot(&a, &a) + dot(&b, &b) - 2.0 * dot(&a, &b);
    assert!(
        (expansion - exact).abs() >= 0.5 * exact,
        "the expansion gives {expansion}, exact {exact}"
    );
    eprintln!("exact {exact:e}, exprjit {ours:e}, expansion {expansion:e}");
}

#[test]
fn any_finds_the_first_passing_row_and_matches_its_twin() {
    // The contaminant cut: unit vectors, a dot product above cos(angle).
    let d = 3;
    let unit = |v: Vec<f64>| -> Vec<f64> {
        v.chunks(3)
            .flat_map(|c| {
                let n = (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt();
                [c[0] / n, c[1] / n, c[2] / n]
            })
            .collect()
    };
    let objects = unit(matrix(500, d, 3));
    let points = unit(matrix(2000, d, 5));
    let k = Engine::new().pairwise("a*b", Reduce::Sum, None).unwrap();
    let threshold = (0.05f64).cos();
    let hits = k.any(&objects, &points, d, Compare::Gt, threshold).unwrap();
    assert_eq!(
        hits,
        k.any_reference(&objects, &points, d, Compare::Gt, threshold)
            .unwrap()
    );
    let full = k.run(&objects, &points, d).unwrap();
    let m = points.len() / d;
    let mut found = 0;
    for (i, &h) in hits.iter().enumerate() {
        let first = (0..m).find(|&j| full[i * m + j] > threshold);
        assert_eq!(h, first.map_or(-1, |j| j as i64), "row {i}");
        found += usize::from(h >= 0);
    }
    assert!(found > 10 && found < 500, "{found} rows have a hit");
    let two = Engine::new()
        .pairwise("a*b", Reduce::Sum, None)
        .unwrap()
        .with_parallel(Parallel::threads(2));
    assert_eq!(
        hits,
        two.any(&objects, &points, d, Compare::Gt, threshold)
            .unwrap()
    );
    for op in [Compare::Lt, Compare::Le, Compare::Ge] {
        assert_eq!(
            k.any(&objects, &points, d, op, 0.0).unwrap(),
            k.any_reference(&objects, &points, d, op, 0.0).unwrap()
        );
    }
}

#[test]
fn bad_input_is_an_error_naming_the_thing() {
    let e = Engine::new();
    let k = e.pairwise_metric("sqeuclidean").unwrap();
    let a = [1.0, 2.0, 3.0];
    let r = k.run(&a, &a, 2).unwrap_err();
    assert_eq!(r.kind(), ErrorKind::Length);
    assert!(r.message().contains("matrix A has 3 elements"), "{r}");
    let r = k.run(&a, &[], 3).unwrap_err();
    assert!(r.message().contains("matrix B is empty"), "{r}");
    let r = k.run(&a, &a, 0).unwrap_err();
    assert!(r.message().contains("d must be at least 1"), "{r}");
    let r = k.any(&a, &a, 3, Compare::Lt, f64::NAN).unwrap_err();
    assert!(r.message().contains("threshold is NaN"), "{r}");
    let r = e.pairwise("(a-c)^2", Reduce::Sum, None).unwrap_err();
    assert_eq!(r.kind(), ErrorKind::UnboundVariable);
    assert!(r.to_string().contains('c'), "{r}");
    let r = e
        .pairwise("(a-b)^2", Reduce::Sum, Some("sqrt(t)"))
        .unwrap_err();
    assert_eq!(r.kind(), ErrorKind::UnboundVariable);
    let r = e.pairwise_metric("cosine").unwrap_err();
    assert!(r.message().contains("unknown metric `cosine`"), "{r}");
    let r = e.pairwise("(a-b", Reduce::Sum, None).unwrap_err();
    assert_eq!(r.kind(), ErrorKind::Syntax);
}

#[test]
fn kernels_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<exprjit::PairwiseKernel>();
    shared::<exprjit::QuadKernel>();
}
