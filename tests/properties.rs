//! Property tests: the printed form of a program parses back to the same
//! program, and the rewrites keep every value (bit for bit, or within the
//! documented ulp bound for the integer-power rewrite).

mod common;

use common::{Rng, VARS, formula, input, same, ulp_distance};
use exprjit::unstable::MathFn;
use exprjit::unstable::{Callee, Node, ops};
use exprjit::unstable::{INT_POW_MAX_ULP, MAX_INT_POW};
use exprjit::{Engine, Expr};
use proptest::prelude::*;

fn values(expr: &Expr, rng: &mut Rng) -> Vec<(Vec<f64>, f64)> {
    let f = expr.interpreter(&VARS).unwrap();
    (0..8)
        .map(|_| {
            let args: Vec<f64> = VARS.iter().map(|_| input(rng)).collect();
            let v = f.call(&args).unwrap();
            (args, v)
        })
        .collect()
}

/// True if the program has a `pow` whose exponent folds to a small integer
/// constant (the one rewrite that may change a value).
fn has_int_pow(expr: &Expr) -> bool {
    let p = exprjit::unstable::program(expr);
    // Constant value of each node, where its operands are all constant.
    let mut value: Vec<Option<f64>> = Vec::with_capacity(p.nodes.len());
    for node in &p.nodes {
        let c = |id: exprjit::unstable::Id| value[id.index()];
        let v = match node {
            Node::Const(bits) => Some(f64::from_bits(*bits)),
            Node::Unary(op, a) => c(*a).map(|a| ops::unary(*op, a)),
            Node::Binary(op, a, b) => c(*a).zip(c(*b)).map(|(a, b)| ops::binary(*op, a, b)),
            Node::Call(callee @ Callee::Math(_), args) => {
                let vals: Option<Vec<f64>> = args.iter().map(|&a| c(a)).collect();
                vals.map(|v| ops::call(*callee, &[], p.math, &v))
            }
            _ => None,
        };
        value.push(v);
    }
    p.nodes.iter().any(|n| match n {
        Node::Call(Callee::Math(MathFn::Pow), args) => value[args[1].index()]
            .is_some_and(|c| c.fract() == 0.0 && c.abs() <= f64::from(MAX_INT_POW)),
        _ => false,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn printing_then_parsing_gives_the_same_values(seed in any::<u64>(), size in 1usize..30) {
        let mut rng = Rng::new(seed);
        let text = formula(&mut rng, size);
        for rewrites in [false, true] {
            let expr = Engine::new().with_rewrites(rewrites).parse(&text).unwrap();
            let printed = expr.rewritten();
            prop_assume!(!printed.contains(';'));
            let again = Engine::new().with_rewrites(rewrites).parse(&printed)
                .unwrap_or_else(|e| panic!("{text} printed as {printed} does not parse: {e}"));
            // The text need not be a fixed point (commutative operands are
            // ordered by node number, `1e999` prints as `(1/0)`); the values are.
            let f = again.interpreter(&VARS).unwrap();
            for (args, want) in values(&expr, &mut rng) {
                let got = f.call(&args).unwrap();
                prop_assert!(same(got, want), "{} -> {}: {:?} vs {:?} at {:?}", text, printed, got, want, args);
            }
        }
    }

    #[test]
    fn rewrites_keep_every_value(seed in any::<u64>(), size in 1usize..30) {
        let mut rng = Rng::new(seed);
        let text = formula(&mut rng, size);
        let original = Engine::new().with_rewrites(false).parse(&text).unwrap();
        prop_assume!(!has_int_pow(&original));
        let rewritten = Engine::new().parse(&text).unwrap();
        let f = rewritten.interpreter(&VARS).unwrap();
        for (args, want) in values(&original, &mut rng) {
            let got = f.call(&args).unwrap();
            prop_assert!(same(got, want), "{}: rewritten {:?}, original {:?} at {:?}", text, got, want, args);
        }
    }

    #[test]
    fn integer_powers_stay_within_the_bound(seed in any::<u64>(), size in 1usize..12, n in -4i32..=4) {
        let mut rng = Rng::new(seed);
        let base = formula(&mut rng, size);
        let inner = Engine::new().with_rewrites(false).parse(&base).unwrap();
        prop_assume!(!has_int_pow(&inner));
        let text = format!("({base})^({n})");
        let original = Engine::new().with_rewrites(false).parse(&text).unwrap().interpreter(&VARS).unwrap();
        let rewritten = Engine::new().parse(&text).unwrap().interpreter(&VARS).unwrap();
        let b = inner.interpreter(&VARS).unwrap();
        for _ in 0..8 {
            let args: Vec<f64> = VARS.iter().map(|_| input(&mut rng)).collect();
            let (want, got) = (original.call(&args).unwrap(), rewritten.call(&args).unwrap());
            // The bound holds where x^|n| and the result are normal numbers.
            let x = b.call(&args).unwrap();
            let normal = want.is_normal() && x.powi(n.abs()).is_normal();
            if normal {
                let d = ulp_distance(got, want);
                prop_assert!(d <= INT_POW_MAX_ULP as f64, "{} at {:?}: {} ulp", text, args, d);
            } else if want.is_nan() || got.is_nan() || x == 0.0 || x.is_infinite() {
                prop_assert!(same(got, want) || want.is_finite() != got.is_finite() || x.is_nan(),
                    "{} at {:?}: {:?} vs {:?}", text, args, got, want);
            }
        }
    }
}
