//! The quadrature kernel: its rule tables against independent 30-digit
//! values, its accuracy against mpmath (tests/data/quad/, made by
//! tools/quad_reference.py), compiled code against its reference twin bit
//! for bit (interval counts included), parallel against serial, and bad
//! input.

use exprjit::{Engine, ErrorKind, Input, Parallel, QuadRule, QuadStatus, Quadrature};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/quad/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

fn ulps(a: f64, b: f64) -> u64 {
    let (a, b) = (a.to_bits() as i64, b.to_bits() as i64);
    (a - b).unsigned_abs()
}

fn same(x: &Quadrature, y: &Quadrature, what: &str) {
    assert_eq!(x.intervals, y.intervals, "{what}: interval counts");
    assert_eq!(x.status, y.status, "{what}: statuses");
    for k in 0..x.value.len() {
        assert_eq!(
            x.value[k].to_bits(),
            y.value[k].to_bits(),
            "{what}: element {k}: {} vs {}",
            x.value[k],
            y.value[k]
        );
        assert_eq!(
            x.error[k].to_bits(),
            y.error[k].to_bits(),
            "{what}: error of element {k}: {} vs {}",
            x.error[k],
            y.error[k]
        );
    }
}

fn limit(text: &str) -> f64 {
    exprjit::eval(text, &[]).unwrap()
}

#[test]
fn gauss_legendre_nodes_and_weights_match_30_digit_values() {
    let text = data("gauss_legendre.txt");
    let mut checked = 0;
    let mut worst = (0u64, 0u64);
    for n in [1, 2, 3, 4, 5, 7, 10, 16, 20, 33, 64, 100] {
        let want: Vec<(f64, f64)> = lines(&text)
            .filter(|l| l.split(' ').next() == Some(&n.to_string()))
            .map(|l| {
                let f: Vec<f64> = l.split(' ').skip(1).map(|v| v.parse().unwrap()).collect();
                (f[0], f[1])
            })
            .collect();
        assert_eq!(want.len(), n);
        let (x, w) = exprjit::unstable::gauss_legendre(n);
        for k in 0..n {
            // nodes: within 2 units of 1e-16 absolute (the roots near 0
            // have tiny ulps), weights within 4 ulps
            assert!(
                (x[k] - want[k].0).abs() <= 2.3e-16,
                "n={n} node {k}: {} vs {}",
                x[k],
                want[k].0
            );
            let wu = ulps(w[k], want[k].1);
            assert!(
                wu <= 1,
                "n={n} weight {k}: {} vs {} ({wu} ulps)",
                w[k],
                want[k].1
            );
            worst.1 = worst.1.max(wu);
            if want[k].0.abs() > 0.1 {
                worst.0 = worst.0.max(ulps(x[k], want[k].0));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 265);
    eprintln!("worst node error {} ulps, weight {} ulps", worst.0, worst.1);
}

#[test]
fn the_kronrod_table_is_the_independently_computed_rule() {
    let (xgk, wgk, wg) = exprjit::unstable::kronrod21();
    let rows: Vec<Vec<String>> = lines(&data("kronrod21.txt"))
        .map(|l| l.split(' ').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 11);
    let mut gauss = 0;
    for (j, row) in rows.iter().enumerate() {
        let x: f64 = row[0].parse().unwrap();
        let w: f64 = row[1].parse().unwrap();
        // QUADPACK's 33-digit constants and mpmath's 30-digit values round
        // to the same doubles.
        assert_eq!(xgk[j].to_bits(), x.to_bits(), "abscissa {j}");
        assert_eq!(wgk[j].to_bits(), w.to_bits(), "Kronrod weight {j}");
        if row[2] != "-" {
            let g: f64 = row[2].parse().unwrap();
            assert_eq!(j % 2, 1, "Gauss nodes are the odd-indexed abscissae");
            assert_eq!(wg[j / 2].to_bits(), g.to_bits(), "Gauss weight {}", j / 2);
            gauss += 1;
        }
    }
    assert_eq!(gauss, 5);
}

/// The stated accuracy of the seed integral, in units in the last place
/// of the correctly rounded 5000·x² (10 nodes, each product and sum
/// rounded once).
const BOUND: u64 = 3;

/// The seed question: ∫₀¹⁰⁰ k·x² dk for each of 1000×30 values of x.
fn seed_matrix() -> Vec<f64> {
    let mut s = 0x2545_f491_4f6c_dd1du64;
    (0..30_000)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
        })
        .collect()
}

#[test]
fn the_seed_integral_is_5000_x_squared_within_3_ulps() {
    let x = seed_matrix();
    let q = Engine::new()
        .quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))
        .unwrap();
    let (a, b) = (Input::Scalar(0.0), Input::Scalar(100.0));
    let r = q.run(a, b, &[Input::from(&x)]).unwrap();
    let mut worst = 0;
    for (k, (&v, &x)) in r.value.iter().zip(&x).enumerate() {
        // 5000·x² rounded once: x² = p + e exactly, then 5000p + 5000e.
        let p = x * x;
        let e = x.mul_add(x, -p);
        let hi = 5000.0 * p;
        let exact = hi + (5000.0f64.mul_add(p, -hi) + 5000.0 * e);
        let u = ulps(v, exact);
        worst = worst.max(u);
        assert!(
            u <= BOUND,
            "element {k}: x = {x}: {v} vs {exact} ({u} ulps)"
        );
    }
    eprintln!("seed integral: worst {worst} ulps from 5000*x*x");
    assert!(r.status.iter().all(|s| *s == QuadStatus::Fixed));
    assert!(r.error.iter().all(|e| e.is_nan()));
    same(
        &r,
        &q.run_reference(a, b, &[Input::from(&x)]).unwrap(),
        "seed twin",
    );
    for threads in [1, 2, 3] {
        let p = Engine::new()
            .quad("k*x^2", "k", &["x"], QuadRule::GaussLegendre(10))
            .unwrap()
            .with_parallel(Parallel::threads(threads));
        same(&r, &p.run(a, b, &[Input::from(&x)]).unwrap(), "threads");
    }
    // Adaptive: one interval, the same accuracy.
    let q = Engine::new()
        .quad("k*x^2", "k", &["x"], QuadRule::adaptive())
        .unwrap();
    let r = q.run(a, b, &[Input::from(&x)]).unwrap();
    for (&v, &x) in r.value.iter().zip(&x) {
        assert!(ulps(v, 5000.0 * x * x) <= BOUND + 1);
    }
    assert!(r.intervals.iter().all(|&n| n == 1));
    same(
        &r,
        &q.run_reference(a, b, &[Input::from(&x)]).unwrap(),
        "seed adaptive twin",
    );
}

struct Case {
    formula: String,
    a: String,
    b: String,
    exact: f64,
    scipy_error: f64,
}

fn cases() -> Vec<Case> {
    lines(&data("integrals.txt"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Case {
                formula: f[0].to_string(),
                a: f[1].to_string(),
                b: f[2].to_string(),
                exact: f[3].parse().unwrap(),
                scipy_error: f[5].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn adaptive_results_meet_their_tolerance_and_their_error_bounds_the_truth() {
    let cases = cases();
    assert!(cases.len() >= 10);
    for tol in [1.49e-8, 1e-10, 1e-12] {
        for c in &cases {
            let limit_n = if c.formula == "1/sqrt(k)" { 200 } else { 50 };
            let rule = QuadRule::GaussKronrod {
                epsabs: tol,
                epsrel: tol,
                limit: limit_n,
            };
            let q = Engine::new().quad(&c.formula, "k", &[], rule).unwrap();
            let (a, b) = (Input::Scalar(limit(&c.a)), Input::Scalar(limit(&c.b)));
            let r = q.run(a, b, &[]).unwrap();
            let (v, e) = (r.value[0], r.error[0]);
            let what = format!("{} over [{}, {}] at {tol:e}", c.formula, c.a, c.b);
            assert_eq!(r.status[0], QuadStatus::Converged, "{what}: {r:?}");
            let true_error = (v - c.exact).abs();
            assert!(
                e <= tol.max(tol * v.abs()),
                "{what}: estimate {e} above the tolerance"
            );
            assert!(
                true_error <= e,
                "{what}: true error {true_error} > estimate {e}"
            );
            eprintln!(
                "{what}: value {v:e}, true error {true_error:.1e}, estimate {e:.1e} (scipy {:.1e}), {} intervals",
                c.scipy_error, r.intervals[0]
            );
            same(&r, &q.run_reference(a, b, &[]).unwrap(), &what);
        }
    }
}

#[test]
fn per_element_parameters_and_limits_with_infinities_and_reversed_intervals() {
    // ∫ exp(-p k²) over [a, b] for mixed finite and infinite limits.
    let inf = f64::INFINITY;
    let p: Vec<f64> = (1..=40).map(|i| 0.25 * i as f64).collect();
    let a: Vec<f64> = (0..40)
        .map(|i| [-inf, 0.0, 0.0, inf, 2.0][(i / 3) % 5])
        .collect();
    let b: Vec<f64> = (0..40)
        .map(|i| [inf, inf, -inf, -inf, 2.0][(i / 3) % 5])
        .collect();
    let exact = |i: usize| {
        let s = (std::f64::consts::PI / p[i]).sqrt();
        // runs of three elements per mode: pairs in vector lanes and tails
        match (i / 3) % 5 {
            0 => s,
            1 => s / 2.0,
            2 => -s / 2.0,
            3 => -s,
            _ => 0.0,
        }
    };
    for rule in [QuadRule::adaptive(), QuadRule::GaussLegendre(64)] {
        let q = Engine::new()
            .quad("exp(-p*k^2)", "k", &["p"], rule)
            .unwrap();
        let ins = [Input::from(&p)];
        let r = q.run(Input::from(&a), Input::from(&b), &ins).unwrap();
        for i in 0..40 {
            let tol = if rule == QuadRule::adaptive() {
                r.error[i].max(1e-300)
            } else {
                1e-6
            };
            assert!(
                (r.value[i] - exact(i)).abs() <= tol,
                "{rule:?} element {i}: {} vs {}",
                r.value[i],
                exact(i)
            );
        }
        same(
            &r,
            &q.run_reference(Input::from(&a), Input::from(&b), &ins)
                .unwrap(),
            &format!("{rule:?} twin"),
        );
        let two = Engine::new()
            .quad("exp(-p*k^2)", "k", &["p"], rule)
            .unwrap()
            .with_parallel(Parallel::threads(2));
        same(
            &r,
            &two.run(Input::from(&a), Input::from(&b), &ins).unwrap(),
            "2 threads",
        );
        // a > b flips the sign of the same integral
        let fwd = q
            .run(
                Input::Scalar(0.0),
                Input::Scalar(1.5),
                &[Input::Scalar(2.0)],
            )
            .unwrap();
        let back = q
            .run(
                Input::Scalar(1.5),
                Input::Scalar(0.0),
                &[Input::Scalar(2.0)],
            )
            .unwrap();
        assert_eq!(fwd.value[0].to_bits(), (-back.value[0]).to_bits());
    }
}

#[test]
fn many_elements_in_parallel_equal_serial_and_the_twin() {
    // Enough elements for several parallel chunks, with subdivision.
    let n = 3000;
    let c: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
    let q = || {
        Engine::new()
            .quad("1/(1e-3 + (k-c)^2)", "k", &["c"], QuadRule::adaptive())
            .unwrap()
    };
    let (a, b) = (Input::Scalar(0.0), Input::Scalar(1.0));
    let serial = q()
        .with_parallel(Parallel::serial())
        .run(a, b, &[Input::from(&c)])
        .unwrap();
    assert!(serial.intervals.iter().any(|&k| k > 3));
    let two = q()
        .with_parallel(Parallel::threads(2))
        .run(a, b, &[Input::from(&c)])
        .unwrap();
    same(&serial, &two, "adaptive, 2 threads");
    let reference = q().run_reference(a, b, &[Input::from(&c)]).unwrap();
    same(&serial, &reference, "adaptive twin");
    for (i, &ci) in c.iter().enumerate() {
        let s = 1e-3f64.sqrt();
        let exact = (((1.0 - ci) / s).atan() + (ci / s).atan()) / s;
        assert!(
            (serial.value[i] - exact).abs() <= serial.error[i],
            "element {i}"
        );
    }
}

#[test]
fn the_subdivision_limit_is_a_status_or_an_error() {
    let rule = QuadRule::GaussKronrod {
        epsabs: 1e-14,
        epsrel: 0.0,
        limit: 3,
    };
    let q = Engine::new().quad("1/sqrt(k)", "k", &[], rule).unwrap();
    let r = q.run(Input::Scalar(0.0), Input::Scalar(1.0), &[]).unwrap();
    assert_eq!(r.status[0], QuadStatus::LimitReached);
    assert_eq!(r.intervals[0], 3);
    assert!((r.value[0] - 2.0).abs() <= r.error[0]);
    let strict = Engine::new()
        .quad("1/sqrt(k)", "k", &[], rule)
        .unwrap()
        .with_strict(true);
    let e = strict
        .run(Input::Scalar(0.0), Input::Scalar(1.0), &[])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(
        e.message().contains("element 0") && e.message().contains("subdivision limit"),
        "{e}"
    );
    // A NaN integrand is a status, not a hang.
    let q = Engine::new()
        .quad("sqrt(k)", "k", &[], QuadRule::adaptive())
        .unwrap();
    let r = q.run(Input::Scalar(-1.0), Input::Scalar(1.0), &[]).unwrap();
    assert_eq!(r.status[0], QuadStatus::NonFinite);
}

#[test]
fn bad_input_is_an_error_naming_the_thing() {
    let e = Engine::new();
    let q = e.quad("k*x", "k", &["x"], QuadRule::adaptive()).unwrap();
    let x = [1.0, 2.0];
    let nan = q.run(
        Input::Scalar(f64::NAN),
        Input::Scalar(1.0),
        &[Input::from(&x)],
    );
    assert!(
        nan.unwrap_err()
            .message()
            .contains("lower limit a is NaN at element 0")
    );
    let b = [1.0, f64::NAN];
    let nan = q.run(Input::Scalar(0.0), Input::from(&b), &[Input::from(&x)]);
    assert!(
        nan.unwrap_err()
            .message()
            .contains("upper limit b is NaN at element 1")
    );
    let inf = q.run(
        Input::Scalar(f64::INFINITY),
        Input::Scalar(f64::INFINITY),
        &[Input::from(&x)],
    );
    assert!(inf.unwrap_err().message().contains("both limits are inf"));
    let short = [1.0];
    let len = q
        .run(Input::Scalar(0.0), Input::from(&short), &[Input::from(&x)])
        .unwrap_err();
    assert_eq!(len.kind(), ErrorKind::Length);
    assert!(len.message().contains("`x`"), "{len}");
    let count = q
        .run(Input::Scalar(0.0), Input::Scalar(1.0), &[])
        .unwrap_err();
    assert_eq!(count.kind(), ErrorKind::ArgumentCount);
    assert!(count.message().contains("(x)"), "{count}");
    for n in [0, 101] {
        let r = e
            .quad("k", "k", &[], QuadRule::GaussLegendre(n))
            .unwrap_err();
        assert!(r.message().contains(&format!("not {n}")), "{r}");
    }
    for (epsabs, epsrel, what) in [
        (-1.0, 1e-8, "epsabs = -1"),
        (1e-8, f64::NAN, "epsrel = NaN"),
        (0.0, 0.0, "cannot be met"),
        (0.0, 1e-16, "cannot be met"),
    ] {
        let r = e
            .quad(
                "k",
                "k",
                &[],
                QuadRule::GaussKronrod {
                    epsabs,
                    epsrel,
                    limit: 50,
                },
            )
            .unwrap_err();
        assert!(r.message().contains(what), "{r}");
    }
    let r = e
        .quad(
            "k",
            "k",
            &[],
            QuadRule::GaussKronrod {
                epsabs: 1e-8,
                epsrel: 0.0,
                limit: 0,
            },
        )
        .unwrap_err();
    assert!(r.message().contains("limit = 0"), "{r}");
    let r = e
        .quad("k*y", "k", &["x"], QuadRule::adaptive())
        .unwrap_err();
    assert_eq!(r.kind(), ErrorKind::UnboundVariable);
    assert!(r.to_string().contains('y'), "{r}");
    let r = e.quad("k", "k", &["k"], QuadRule::adaptive()).unwrap_err();
    assert_eq!(r.kind(), ErrorKind::DuplicateName);
    let r = e.quad("k", "pi", &[], QuadRule::adaptive()).unwrap_err();
    assert_eq!(r.kind(), ErrorKind::ReservedName);
    // empty arrays: no elements, no error
    let none: [f64; 0] = [];
    let r = q
        .run(
            Input::Scalar(0.0),
            Input::Scalar(1.0),
            &[Input::from(&none)],
        )
        .unwrap();
    assert!(r.value.is_empty());
    // a == b: zero
    let r = q
        .run(
            Input::Scalar(2.0),
            Input::Scalar(2.0),
            &[Input::Scalar(3.0)],
        )
        .unwrap();
    assert_eq!(r.value, [0.0]);
}

#[test]
fn the_session_integrates_as_the_issue_writes_it() {
    use exprjit::{Reply, Session};
    let mut s = Session::new();
    let mut line = |text: &str| match s.line(text) {
        Reply::Text(t) => t,
        Reply::Quit => panic!("quit"),
    };
    line("x = 2");
    assert_eq!(line(":quad k*x^2 ; k = 0 .. 100"), "20000");
    let v: f64 = line(":quad exp(-k^2) ; k = -inf .. inf").parse().unwrap();
    assert!((v - std::f64::consts::PI.sqrt()).abs() < 1e-14, "{v}");
    line("x = linspace(0, 1, 5)");
    assert_eq!(
        line(":quad k*x^2 ; k = 0 .. 100"),
        "array of 5: first 0, last 5000, min 0, max 5000, mean 1875"
    );
    // array limits, the fixed rule, options
    line("b = linspace(1, 2, 3)");
    let out = line(":quad 2*k ; k = 0 .. b ; n=3");
    assert_eq!(
        out,
        "array of 3: first 1, last 4, min 1, max 4, mean 2.4166666666666665"
    );
    let out = line(":quad 1/sqrt(k) ; k = 0 .. 1 ; limit=3");
    assert!(
        out.contains("warning: 1 of 1 integrals did not converge"),
        "{out}"
    );
    let out = line(":quad log(k) ; k = 0 .. 1 ; epsabs=1e-13 ; epsrel=0");
    let v: f64 = out.parse().unwrap();
    assert!((v + 1.0).abs() < 1e-13, "{out}");
    // errors name the thing
    let out = line(":quad k*yy ; k = 0 .. 1");
    assert!(out.contains("yy"), "{out}");
    assert!(line(":quad k ; k = 0").contains("no `..`"));
    assert!(line(":quad k ; k = nan .. 1").contains("lower limit a is NaN"));
    assert!(line(":quad k ; k = 0 .. 1 ; n=0").contains("not 0"));
    assert!(line(":quad k ; k = 0 .. 1 ; n=10 ; epsabs=1").contains("option of the adaptive rule"));
    assert!(line(":quad k ; k = 0 .. 1 ; frob=1").contains("unknown option `frob`"));
    assert!(line(":quad k ; k = 0 .. 1 ; epsrel=-1").contains("epsrel = -1"));
    assert!(line(":quad").contains("needs a formula"));
}

#[test]
fn the_subdivision_limit_has_a_ceiling() {
    let rule = |limit| QuadRule::GaussKronrod {
        epsabs: 1e-8,
        epsrel: 0.0,
        limit,
    };
    assert!(Engine::new().quad("k", "k", &[], rule(10_000)).is_ok());
    let e = Engine::new().quad("k", "k", &[], rule(10_001)).unwrap_err();
    assert!(e.message().contains("1 to 10000"), "{e}");
}

#[test]
fn a_formula_too_large_to_unroll_is_a_limit_error() {
    // 20,001 distinct terms: 40,000+ operations, times 200 for 100 points.
    let big: Vec<String> = (0..20_001).map(|i| format!("k*{i}.5")).collect();
    let formula = big.join("+");
    let e = Engine::new()
        .quad(&formula, "k", &[], QuadRule::GaussLegendre(100))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().contains("above the limit"), "{e}");
    // the same formula with a 2-point rule is fine to build
    assert!(
        Engine::new()
            .quad("k*2+k*3", "k", &[], QuadRule::GaussLegendre(2))
            .is_ok()
    );
}
