//! Bounds the one rewrite that may change a result: `x^n` for an integer
//! literal `n` as a multiply chain, against `pow(x, n)` and against the
//! exact value (computed in double-double).

mod common;

use common::{Rng, exact_powi, ulp_distance};
use exprjit::Engine;
use exprjit::unstable::{INT_POW_MAX_ULP, MAX_INT_POW};

const SAMPLES: usize = 50_000;

#[test]
fn integer_powers_stay_within_the_stated_ulp_of_pow() {
    let max_n = MAX_INT_POW as i32;
    let mut rng = Rng::new(42);
    let mut report = Vec::new();
    for n in -max_n..=max_n {
        let expr = Engine::new().parse(&format!("x^({n})")).unwrap();
        assert!(
            !expr.rewritten().contains('^'),
            "x^{n} was not rewritten: {}",
            expr.rewritten()
        );
        let chain = expr.compile(&["x"]).unwrap();
        let (mut vs_pow, mut vs_exact, mut pow_vs_exact) = (0.0f64, 0.0f64, 0.0f64);
        let mut tried = 0;
        while tried < SAMPLES {
            // Any sign and magnitude, kept where x^n is a normal number.
            let sign = if rng.chance(0.5) { -1.0 } else { 1.0 };
            let x = sign * (1.0 + rng.unit()) * 2f64.powi(rng.below(400) as i32 - 200);
            let exact = exact_powi(x, n);
            if !exact.is_normal() || !exact_powi(x, n.abs()).is_normal() {
                continue;
            }
            tried += 1;
            let (got, pow) = (chain.call(&[x]).unwrap(), x.powf(f64::from(n)));
            vs_pow = vs_pow.max(ulp_distance(got, pow));
            vs_exact = vs_exact.max(ulp_distance(got, exact));
            pow_vs_exact = pow_vs_exact.max(ulp_distance(pow, exact));
        }
        report.push(format!(
            "x^{n}: {vs_pow} ulp from pow, {vs_exact} from exact (pow itself: {pow_vs_exact})"
        ));
        assert!(
            vs_pow <= INT_POW_MAX_ULP as f64,
            "x^{n} differs from pow by {vs_pow} ulp (bound {INT_POW_MAX_ULP})\n{}",
            report.join("\n")
        );
    }
    println!("{}", report.join("\n"));
}

#[test]
fn squares_and_reciprocals_are_correctly_rounded() {
    let mut rng = Rng::new(3);
    for n in [2, -1] {
        let f = Engine::new()
            .parse(&format!("x^({n})"))
            .unwrap()
            .compile(&["x"])
            .unwrap();
        for _ in 0..SAMPLES {
            let x = (rng.unit() - 0.5) * 1e3;
            let d = ulp_distance(f.call(&[x]).unwrap(), exact_powi(x, n));
            assert!(d <= 0.5, "x^{n} at {x:?}: {d} ulp");
        }
    }
}

#[test]
fn beyond_the_limit_pow_is_called() {
    let n = MAX_INT_POW + 1;
    let expr = Engine::new()
        .parse(&format!("x^{n} + pow(x, 1e9)"))
        .unwrap();
    assert_eq!(expr.rewritten(), format!("x^{n} + x^1000000000"));
}

#[test]
fn special_values_match_pow_exactly() {
    for n in -(MAX_INT_POW as i32)..=MAX_INT_POW as i32 {
        let f = Engine::new()
            .parse(&format!("x^({n})"))
            .unwrap()
            .compile(&["x"])
            .unwrap();
        for x in [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, 1.0, -1.0] {
            let (got, want) = (f.call(&[x]).unwrap(), x.powf(f64::from(n)));
            assert!(
                common::same(got, want),
                "x^{n} at {x:?}: {got:?} vs pow {want:?}"
            );
        }
        // NaN^0 is 1, NaN^n is NaN.
        let got = f.call(&[f64::NAN]).unwrap();
        assert!(
            if n == 0 { got == 1.0 } else { got.is_nan() },
            "NaN^{n} gave {got}"
        );
    }
}
