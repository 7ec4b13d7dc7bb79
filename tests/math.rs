//! Inline math ([`MathMode::Fast`]): values against correctly rounded
//! references, special values, and JIT lanes against the interpreter with
//! huge and ordinary arguments side by side in one vector. The long accuracy
//! measurement is `tests/accuracy.rs`.

mod common;

use common::{AWKWARD, Rng, same, ulp_distance};
use exprjit::functions::MathFn;
use exprjit::{Engine, Input, MathMode};

/// (function, x, f(x) correctly rounded), computed with mpmath at 300 bits
/// (inputs such as 1.5707963267948966 are the doubles next to pi/2, not the
/// constants themselves).
#[allow(clippy::approx_constant)]
const CASES: [(&str, f64, f64); 113] = [
    ("sin", 1.0, 0.8414709848078965),
    ("sin", 3.0, 0.1411200080598672),
    ("sin", -0.5, -0.479425538604203),
    ("sin", 1e-08, 1e-08),
    ("sin", 100.0, -0.5063656411097588),
    ("sin", 100000.0, 0.03574879797201651),
    ("sin", -7.0, -0.6569865987187891),
    ("sin", 1e+22, -0.8522008497671888),
    ("sin", 1.5707963267948966, 1.0),
    ("sin", 3.141592653589793, 1.2246467991473532e-16),
    ("cos", 1.0, 0.5403023058681398),
    ("cos", 3.0, -0.9899924966004454),
    ("cos", -0.5, 0.8775825618903728),
    ("cos", 1e-08, 1.0),
    ("cos", 100.0, 0.8623188722876839),
    ("cos", 100000.0, -0.9993608074382124),
    ("cos", -7.0, 0.7539022543433046),
    ("cos", 1e+22, 0.523214785395139),
    ("cos", 1.5707963267948966, 6.123233995736766e-17),
    ("cos", 3.141592653589793, -1.0),
    ("tan", 1.0, 1.5574077246549023),
    ("tan", 3.0, -0.1425465430742778),
    ("tan", -0.5, -0.5463024898437905),
    ("tan", 1e-08, 1e-08),
    ("tan", 100.0, -0.5872139151569291),
    ("tan", 100000.0, -0.035771662952898776),
    ("tan", 1.5707963267948966, 1.633123935319537e+16),
    ("tan", 1e+22, -1.6287782256068988),
    ("tan", 0.7853981633974483, 0.9999999999999999),
    ("exp", 1.0, 2.718281828459045),
    ("exp", -1.0, 0.36787944117144233),
    ("exp", 0.5, 1.6487212707001282),
    ("exp", 1e-10, 1.0000000001),
    ("exp", 700.0, 1.0142320547350045e+304),
    ("exp", -700.0, 9.85967654375977e-305),
    ("exp", 709.78, 1.7928227943945155e+308),
    ("exp", -740.0, 4.2e-322),
    ("exp", -745.13, 5e-324),
    ("exp", 20.5, 799902177.4755054),
    ("exp2", 0.5, 1.4142135623730951),
    ("exp2", -0.5, 0.7071067811865476),
    ("exp2", 10.25, 1217.7480857627863),
    ("exp2", 1023.5, 1.2711610061536464e+308),
    ("exp2", -1070.3, 6.4e-323),
    ("exp2", 1e-10, 1.0000000000693148),
    ("exp2", 3.3, 9.849155306759329),
    ("expm1", 1e-10, 1.00000000005e-10),
    ("expm1", -1e-10, -9.999999999500001e-11),
    ("expm1", 0.3, 0.3498588075760031),
    ("expm1", 0.6, 0.8221188003905089),
    ("expm1", -0.6, -0.45118836390597356),
    ("expm1", 1.0, 1.7182818284590453),
    ("expm1", -1.0, -0.6321205588285577),
    ("expm1", 30.0, 10686474581523.463),
    ("expm1", 45.0, 3.4934271057485095e+19),
    ("expm1", 700.0, 1.0142320547350045e+304),
    ("expm1", -50.0, -1.0),
    ("log", 2.0, 0.6931471805599453),
    ("log", 0.5, -0.6931471805599453),
    ("log", 1.0000001, 9.999999505838704e-08),
    ("log", 1e-300, -690.7755278982137),
    ("log", 5e-324, -744.4400719213812),
    ("log", 1e+300, 690.7755278982137),
    ("log", 10.0, 2.302585092994046),
    ("log", 0.9999999, -1.0000000494736474e-07),
    ("log", 1.7976931348623157e+308, 709.782712893384),
    ("log2", 3.0, 1.584962500721156),
    ("log2", 0.1, -3.321928094887362),
    ("log2", 1.0000001, 1.4426949695965583e-07),
    ("log2", 1e-300, -996.5784284662087),
    ("log2", 5e-324, -1074.0),
    ("log2", 1e+300, 996.5784284662087),
    ("log2", 10.0, 3.321928094887362),
    ("log10", 2.0, 0.3010299956639812),
    ("log10", 0.5, -0.3010299956639812),
    ("log10", 1.0000001, 4.3429446044209946e-08),
    ("log10", 1e-300, -300.0),
    ("log10", 5e-324, -323.3062153431158),
    ("log10", 1e+300, 300.0),
    ("log10", 7.0, 0.8450980400142568),
    ("log10", 1.7140470732786168, 0.234022744882641),
    ("log1p", 1e-10, 9.999999999500001e-11),
    ("log1p", -1e-10, -1.00000000005e-10),
    ("log1p", 0.5, 0.4054651081081644),
    ("log1p", -0.5, -0.6931471805599453),
    ("log1p", 1e+300, 690.7755278982137),
    ("log1p", -0.999999, -13.815510557935518),
    ("log1p", 3.0, 1.3862943611198906),
    ("log1p", 1e-300, 1e-300),
    ("atan", 0.5, 0.4636476090008061),
    ("atan", -2.0, -1.1071487177940904),
    ("atan", 1e-08, 1e-08),
    ("atan", 10000000000.0, 1.5707963266948965),
    ("atan", 0.41421356237309503, 0.39269908169872414),
    ("atan", 1.0000000001, 0.7853981634474483),
    ("sinh", 1e-08, 1e-08),
    ("sinh", 0.3, 0.3045202934471426),
    ("sinh", -2.0, -3.6268604078470186),
    ("sinh", 19.9, 219497811.3677529),
    ("sinh", 21.0, 659407867.2416073),
    ("sinh", 710.0, 1.1169973830808555e+308),
    ("cosh", 1e-08, 1.0),
    ("cosh", 0.3, 1.0453385141288605),
    ("cosh", -2.0, 3.7621956910836314),
    ("cosh", 19.9, 219497811.3677529),
    ("cosh", 21.0, 659407867.2416073),
    ("cosh", 710.4, 1.6663642832806496e+308),
    ("tanh", 1e-08, 1e-08),
    ("tanh", 0.3, 0.2913126124515909),
    ("tanh", -0.49, -0.4542164326822591),
    ("tanh", 2.0, 0.9640275800758169),
    ("tanh", 19.0, 0.9999999999999999),
    ("tanh", 25.0, 1.0),
];

fn inline_functions() -> Vec<MathFn> {
    MathFn::ALL
        .into_iter()
        .filter(|&f| exprjit::math::has_inline(f))
        .collect()
}

#[test]
fn values_are_within_one_ulp_of_the_correctly_rounded_result() {
    let engine = Engine::new();
    for (name, x, expected) in CASES {
        let expr = engine.parse(&format!("{name}(x)")).unwrap();
        let jit = expr.compile(&["x"]).unwrap().call(&[x]).unwrap();
        let interp = expr.interpreter(&["x"]).unwrap().call(&[x]).unwrap();
        assert!(
            same(jit, interp),
            "{name}({x:?}): jit {jit:?} interpreter {interp:?}"
        );
        let d = ulp_distance(jit, expected);
        assert!(
            d <= 1.0,
            "{name}({x:?}) = {jit:?}, expected {expected:?} ({d} ulp)"
        );
    }
}

#[test]
fn special_values_follow_c99() {
    let engine = Engine::new();
    let eval = |text: &str, x: f64| engine.parse(text).unwrap().eval(&[("x", x)]).unwrap();
    let bits = |v: f64| v.to_bits();
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    for f in ["sin(x)", "tan(x)", "expm1(x)", "log1p(x)"] {
        assert_eq!(bits(eval(f, -0.0)), bits(-0.0), "{f} at -0");
        assert_eq!(bits(eval(f, 0.0)), bits(0.0), "{f} at +0");
        assert!(eval(f, nan).is_nan(), "{f} at NaN");
    }
    for f in ["sin(x)", "cos(x)", "tan(x)"] {
        assert!(
            eval(f, inf).is_nan() && eval(f, -inf).is_nan(),
            "{f} at ±inf"
        );
    }
    assert_eq!(eval("cos(x)", -0.0), 1.0);
    assert_eq!(eval("exp(x)", inf), inf);
    assert_eq!(bits(eval("exp(x)", -inf)), bits(0.0));
    assert_eq!(eval("exp(x)", 709.8), inf);
    assert_eq!(bits(eval("exp(x)", -746.0)), bits(0.0));
    assert_eq!(eval("exp(x)", -745.0), 5e-324);
    assert_eq!(eval("exp2(x)", 1024.0), inf);
    assert_eq!(eval("exp2(x)", -1074.0), 5e-324);
    assert_eq!(eval("exp2(x)", 3.0), 8.0);
    assert_eq!(eval("expm1(x)", inf), inf);
    assert_eq!(eval("expm1(x)", -inf), -1.0);
    assert_eq!(eval("expm1(x)", 709.0), 8.218407461554972e307);
    for f in ["log(x)", "log2(x)", "log10(x)"] {
        assert_eq!(eval(f, 0.0), -inf, "{f} at 0");
        assert_eq!(eval(f, -0.0), -inf, "{f} at -0");
        assert_eq!(eval(f, inf), inf, "{f} at inf");
        assert!(eval(f, -1.0).is_nan() && eval(f, -inf).is_nan() && eval(f, nan).is_nan());
        assert_eq!(bits(eval(f, 1.0)), bits(0.0), "{f} at 1");
    }
    assert_eq!(eval("log2(x)", 0.125), -3.0);
    assert_eq!(eval("log2(x)", 5e-324), -1074.0);
    assert_eq!(eval("log10(x)", 1000.0), 3.0);
    assert_eq!(eval("log1p(x)", -1.0), -inf);
    assert!(eval("log1p(x)", -1.5).is_nan());
    assert_eq!(eval("log1p(x)", inf), inf);
    for f in ["atan(x)", "sinh(x)", "tanh(x)"] {
        assert_eq!(bits(eval(f, -0.0)), bits(-0.0), "{f} at -0");
        assert!(eval(f, nan).is_nan(), "{f} at NaN");
    }
    assert_eq!(eval("atan(x)", inf), std::f64::consts::FRAC_PI_2);
    assert_eq!(eval("atan(x)", -inf), -std::f64::consts::FRAC_PI_2);
    assert_eq!(eval("sinh(x)", -inf), -inf);
    assert_eq!(eval("sinh(x)", 711.0), inf);
    assert_eq!(eval("cosh(x)", -inf), inf);
    assert_eq!(eval("cosh(x)", -0.0), 1.0);
    assert_eq!(eval("tanh(x)", inf), 1.0);
    assert_eq!(eval("tanh(x)", -30.0), -1.0);
    assert_eq!(eval("cbrt(x)", -8.0), -2.0);
    assert_eq!(eval("cbrt(x)", 27.0), 3.0);
    assert_eq!(eval("cbrt(x)", 5e-324), 2f64.powi(-358));
    assert_eq!(eval("cbrt(x)", -inf), -inf);
    assert_eq!(bits(eval("cbrt(x)", -0.0)), bits(-0.0));
    assert!(eval("cbrt(x)", nan).is_nan());
}

/// Arguments for the lane tests: awkward values, ordinary ones, and huge
/// trigonometric arguments that take the slow path, in shuffled order so
/// that every pairing shares a vector somewhere.
fn mixed_arguments() -> Vec<f64> {
    let mut rng = Rng::new(0x4D41_5448);
    let mut xs: Vec<f64> = AWKWARD.to_vec();
    xs.extend([
        1e22, -1e22, 1048576.0, -1048575.9, 3e6, 1e300, 709.78, -745.1,
    ]);
    // Within 2^-33 of a nonzero multiple of pi/2: the other slow path.
    for k in [1.0, 2.0, 3.0, -4.0, 101.0, 65_536.0, -667_000.0] {
        let x: f64 = k * std::f64::consts::FRAC_PI_2;
        xs.extend([x, x.next_up(), x.next_down()]);
    }
    for _ in 0..400 {
        xs.push(common::input(&mut rng));
        xs.push((rng.unit() - 0.5) * 50.0);
    }
    for i in (1..xs.len()).rev() {
        let j = rng.below(i + 1);
        xs.swap(i, j);
    }
    xs
}

#[test]
fn lanes_agree_with_the_interpreter_in_both_modes() {
    let xs = mixed_arguments();
    for mode in [MathMode::Fast, MathMode::Libm] {
        let engine = Engine::new().with_math(mode);
        for f in inline_functions() {
            let text = format!("{}(x)", f.name());
            let kernel = engine.map(&[&text], &["x"]).unwrap();
            // Every offset, so each value meets each neighbour in a vector.
            for start in 0..2 {
                let xs = &xs[start..];
                let mut out = vec![0.0; xs.len()];
                kernel.run(&[Input::Array(xs)], &mut [&mut out]).unwrap();
                let interp = engine.parse(&text).unwrap().interpreter(&["x"]).unwrap();
                for (x, got) in xs.iter().zip(&out) {
                    let want = interp.call(&[*x]).unwrap();
                    assert!(
                        same(*got, want),
                        "{text} ({}) at {x:?}: lanes {got:?}, interpreter {want:?}",
                        mode.name()
                    );
                }
            }
        }
    }
}

/// The slow paths are calls in the middle of a loop: the values live
/// across them (a recurrence's state, a map's other terms) must survive.
#[test]
fn slow_paths_keep_the_loops_other_values() {
    let engine = Engine::new();
    let xs = mixed_arguments();
    let text = "x + 2*x*x + sin(x)*(x + 1) + cos(3*x) - tan(x)/7";
    let kernel = engine.map(&[text], &["x"]).unwrap();
    let mut out = vec![0.0; xs.len()];
    kernel.run(&[Input::Array(&xs)], &mut [&mut out]).unwrap();
    let mut want = vec![0.0; xs.len()];
    kernel
        .run_reference(&[Input::Array(&xs)], &mut [&mut want])
        .unwrap();
    for ((x, g), w) in xs.iter().zip(&out).zip(&want) {
        assert!(
            same(*g, *w),
            "{text} at {x:?}: lanes {g:?}, reference {w:?}"
        );
    }

    // Every step's sine takes the slow path (|argument| >= 2^20), with
    // the states and the step index live across the call.
    let walk = engine
        .recurrence(exprjit::RecurrenceSpec {
            state: &["y", "z"],
            update: &["y + sin(1e7*(i + y)) * h", "z*0.5 + cos(3e6*i + y) + y"],
            params: &["h"],
            ..Default::default()
        })
        .unwrap();
    let run = walk
        .run(&[0.25, 1.0], &[1e-3], &[], 300, exprjit::Keep::Every(1))
        .unwrap();
    let reference = walk
        .run_reference(&[0.25, 1.0], &[1e-3], &[], 300, exprjit::Keep::Every(1))
        .unwrap();
    assert_eq!(run.rows(), 301);
    for r in 0..run.rows() {
        for (g, w) in run.row(r).iter().zip(reference.row(r)) {
            assert!(same(*g, *w), "step {r}: {g:?} vs reference {w:?}");
        }
    }
}

#[test]
fn huge_trigonometric_arguments_are_reduced_exactly() {
    // mpmath at 300 bits.
    let engine = Engine::new();
    let cases = [
        ("cos(x)", 1e22, 0.5232147853951389),
        ("sin(x)", 1e22, -0.8522008497671888),
        ("cos(x)", 1e300, -0.5753861119575491),
        ("sin(x)", 1048576.0, 0.3304931400217347),
    ];
    for (text, x, expected) in cases {
        let kernel = engine.map(&[text], &["x"]).unwrap();
        let xs = [x, 0.5];
        let mut out = [0.0; 2];
        kernel.run(&[Input::Array(&xs)], &mut [&mut out]).unwrap();
        assert!(
            ulp_distance(out[0], expected) <= 1.0,
            "{text} at {x}: {}",
            out[0]
        );
    }
}

#[test]
fn modes_differ_only_in_the_last_bits() {
    let fast = Engine::new();
    let libm = Engine::new().with_math(MathMode::Libm);
    let mut rng = Rng::new(7);
    let mut differ = 0;
    for f in inline_functions() {
        let text = format!("{}(x)", f.name());
        let a = fast.parse(&text).unwrap().compile(&["x"]).unwrap();
        let b = libm.parse(&text).unwrap().compile(&["x"]).unwrap();
        for _ in 0..2000 {
            let x = (rng.unit() - 0.5) * 20.0;
            let x = if text.starts_with("log(")
                || text.starts_with("log2")
                || text.starts_with("log10")
            {
                x.abs()
            } else {
                x
            };
            let (u, v) = (a.call(&[x]).unwrap(), b.call(&[x]).unwrap());
            // Each is within 1 ulp of the truth (glibc's log10 within 2).
            assert!(
                ulp_distance(u, v) <= 3.0,
                "{text} at {x}: fast {u:?} libm {v:?}"
            );
            differ += usize::from(!same(u, v));
        }
    }
    // They are different implementations: some results differ.
    assert!(differ > 0);
}
