//! Every vector width computes the interpreter's bits (NaN equals NaN):
//! maps and grids forced to f64x2, AVX2 and AVX-512 (those this CPU has)
//! and on `Auto`, against the reference twin, on random formulas over the
//! whole grammar, on every operation with awkward inputs, at every length
//! around the block and lane boundaries, with scalar and array layouts,
//! several outputs, registered functions, the C library and double-double.

mod common;

use common::{AWKWARD, Rng, VARS, formula, input, same};
use exprjit::{Engine, ErrorKind, Input, MathMode, NativeFn, Parallel, Precision, Width};

/// The widths this CPU runs, forced ones first.
fn widths() -> Vec<Width> {
    [Width::F64x2, Width::Avx2, Width::Avx512, Width::Auto]
        .into_iter()
        .filter(|w| w.is_available())
        .collect()
}

/// `map` of `formulas` over `args` on `engine`, against its reference twin.
fn check_map(engine: &Engine, formulas: &[&str], args: &[&str], inputs: &[Input<'_>], n: usize) {
    let map = engine
        .map(formulas, args)
        .unwrap()
        .with_parallel(Parallel::serial());
    let mut got: Vec<Vec<f64>> = vec![vec![0.0; n]; formulas.len()];
    let mut want = got.clone();
    {
        let mut views: Vec<&mut [f64]> = got.iter_mut().map(|v| &mut v[..]).collect();
        map.run(inputs, &mut views).unwrap();
        let mut views: Vec<&mut [f64]> = want.iter_mut().map(|v| &mut v[..]).collect();
        map.run_reference(inputs, &mut views).unwrap();
    }
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        for i in 0..n {
            assert!(
                same(g[i], w[i]),
                "{formulas:?} output {k} element {i} of {n} ({}): {:?}, interpreter {:?}",
                engine.width(),
                g[i],
                w[i]
            );
        }
    }
}

#[test]
fn the_widths_this_cpu_has() {
    assert!(Width::Auto.is_available() && Width::F64x2.is_available());
    for w in Width::ALL {
        assert_eq!(Width::from_name(w.name()), Some(w));
    }
    assert_eq!(Width::from_name("sse9"), None);
    for w in [Width::Avx2, Width::Avx512] {
        let kernel = Engine::new().with_width(w).map(&["cos(x)"], &["x"]);
        match kernel {
            Ok(_) => assert!(w.is_available()),
            Err(e) => {
                assert!(!w.is_available());
                assert_eq!(e.kind(), ErrorKind::Unsupported);
                assert!(e.to_string().contains(w.name()), "{e}");
            }
        }
    }
    eprintln!("widths here: {:?}", widths());
}

#[test]
fn random_formulas_agree_on_every_width() {
    let mut rng = Rng::new(0x5EED_0016);
    let n = 67;
    for i in 0..300 {
        let size = 1 + rng.below(if i % 10 == 0 { 40 } else { 14 });
        let text = formula(&mut rng, size);
        let columns: Vec<Vec<f64>> = VARS
            .iter()
            .map(|_| (0..n).map(|_| input(&mut rng)).collect())
            .collect();
        // Arrays, and the last two variables as scalars.
        let all: Vec<Input<'_>> = columns.iter().map(Input::from).collect();
        let mixed: Vec<Input<'_>> = columns
            .iter()
            .enumerate()
            .map(|(k, c)| {
                if k >= 3 {
                    Input::Scalar(c[0])
                } else {
                    Input::from(c)
                }
            })
            .collect();
        for math in [MathMode::Fast, MathMode::Libm] {
            for w in widths() {
                let engine = Engine::new().with_math(math).with_width(w);
                check_map(&engine, &[&text], &VARS, &all, n);
                check_map(&engine, &[&text], &VARS, &mixed, n);
            }
        }
    }
}

#[test]
fn every_operation_on_awkward_inputs_on_every_width() {
    // The operations every engine is checked on, and shared work (sin and
    // cos of one operand, powers of one base) and broadcast operands.
    let extra = [
        "pow(2.5, x)",
        "pow(x, 2.5)",
        "atan2(1, x)",
        "fma(2, x, y)",
        "if(x, 1, y)",
        "min(x, 0)",
        "cos(x) + x*y",
        "sin(x)*cos(x) - cos(y)",
        "sin(x+y) + cos(x+y) + sin(y)",
        "x^5 + x^6*y - pow(x, y) + x^-7 + pow(x, 2.5)",
        "pow(y, x) + pow(y, 3) + pow(x, x*y)",
    ];
    let ops: Vec<&str> = common::OPERATIONS.iter().copied().chain(extra).collect();
    // Every (x, y) pair of awkward values, plus huge and tiny arguments for
    // the slow paths of sin and friends.
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for &x in AWKWARD
        .iter()
        .chain(&[1e22, -3e15, 1e-20, 710.0, -745.5, 0.7])
    {
        for &y in AWKWARD.iter().chain(&[0.25, -7.0]) {
            xs.push(x);
            ys.push(y);
        }
    }
    let n = xs.len();
    for &text in &ops {
        for math in [MathMode::Fast, MathMode::Libm] {
            for w in widths() {
                let engine = Engine::new().with_math(math).with_width(w);
                check_map(
                    &engine,
                    &[text],
                    &["x", "y"],
                    &[Input::from(&xs), Input::from(&ys)],
                    n,
                );
                check_map(
                    &engine.clone().with_rewrites(false),
                    &[text],
                    &["x", "y"],
                    &[Input::from(&xs), Input::Scalar(-0.5)],
                    n,
                );
            }
        }
    }
}

#[test]
fn every_length_around_blocks_and_lanes() {
    let mut rng = Rng::new(16);
    let lengths: Vec<usize> = (0..=41)
        .chain([63, 64, 65, 255, 256, 257, 511, 1000, 16_384 + 5, 40_000 + 3])
        .collect();
    for &n in &lengths {
        let x: Vec<f64> = (0..n).map(|_| (rng.unit() - 0.5) * 40.0).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.unit() * 3.0).collect();
        for w in widths() {
            let engine = Engine::new().with_width(w);
            // Two outputs sharing sin(x), a root that is an input, and one
            // that is a scalar-only constant.
            check_map(
                &engine,
                &["sin(x)*y + cos(x)", "sin(x) - y", "x", "k*2", "exp(-y)*k"],
                &["x", "y", "k"],
                &[Input::from(&x), Input::from(&y), Input::Scalar(0.5)],
                n,
            );
            // In parallel chunks too (bit-identical to serial).
            if n > 16_384 {
                let map = engine.map(&["log1p(y)*x"], &["x", "y"]).unwrap();
                let par = map.eval(&[Input::from(&x), Input::from(&y)]).unwrap();
                let ser = map
                    .with_parallel(Parallel::serial())
                    .eval(&[Input::from(&x), Input::from(&y)])
                    .unwrap();
                assert_eq!(par, ser);
            }
        }
    }
}

extern "C" fn bump(x: f64) -> f64 {
    x * 3.0 + 1.0
}

#[test]
fn registered_functions_and_double_double_on_every_width() {
    let x: Vec<f64> = (0..300).map(|i| i as f64 * 0.037 - 5.0).collect();
    for w in widths() {
        let engine = Engine::new()
            .with_width(w)
            .with_function("bump", NativeFn::Arity1(bump))
            .unwrap();
        check_map(
            &engine,
            &["bump(x)*sin(x) + bump(2)"],
            &["x"],
            &[Input::from(&x)],
            x.len(),
        );
        let j6 = "-((x^6-210*x^4+4725*x^2-10395)*sin(x)+(21*x^5-1260*x^3+10395*x)*cos(x))/x^7";
        check_map(
            &Engine::new().with_width(w),
            &[j6],
            &["x"],
            &[Input::from(&x)],
            x.len(),
        );
        let dd = Engine::new().with_width(w).with_precision(Precision::Dd);
        check_map(
            &dd,
            &["-((x^6-210*x^4+4725*x^2-10395)*sin(x)+(21*x^5-1260*x^3+10395*x)*cos(x))/x^7"],
            &["x"],
            &[Input::from(&x)],
            x.len(),
        );
    }
}

#[test]
fn grids_agree_on_every_width() {
    for w in widths() {
        let engine = Engine::new().with_width(w);
        let g2 = engine.grid("sin(i*a) * cos(j/7) + j", 2, &["a"]).unwrap();
        for (rows, cols) in [(1, 1), (3, 17), (5, 300), (2, 4099)] {
            let (mut got, mut want) = (vec![0.0; rows * cols], vec![0.0; rows * cols]);
            g2.run2(rows, cols, &[0.3], &mut got).unwrap();
            g2.run_reference(rows, cols, &[0.3], &mut want).unwrap();
            for (k, (g, r)) in got.iter().zip(&want).enumerate() {
                assert!(same(*g, *r), "{w} {rows}x{cols} at {k}: {g} vs {r}");
            }
        }
        let g1 = engine.grid("exp(-i/100)*a", 1, &["a"]).unwrap();
        for n in [1, 7, 33, 5000] {
            let (mut got, mut want) = (vec![0.0; n], vec![0.0; n]);
            g1.run1(&[2.0], &mut got).unwrap();
            g1.run_reference(1, n, &[2.0], &mut want).unwrap();
            for (k, (g, r)) in got.iter().zip(&want).enumerate() {
                assert!(same(*g, *r), "{w} 1-D {n} at {k}: {g} vs {r}");
            }
        }
    }
}

#[test]
fn the_session_and_the_command_take_a_width() {
    use exprjit::{Reply, Session};
    let mut s = Session::new();
    let mut text = |line: &str| match s.line(line) {
        Reply::Text(t) => t,
        Reply::Quit => panic!("{line} quit"),
    };
    assert!(text(":width").starts_with("width is auto"));
    text("x = linspace(-30, 30, 1001)");
    let auto = text("sin(x)*exp(-x*x/100)");
    assert_eq!(text(":width f64x2"), "width f64x2");
    assert_eq!(
        text("sin(x)*exp(-x*x/100)"),
        auto,
        "same summary on every width"
    );
    assert!(text(":width sse9").contains("not a width"));
    for w in [Width::Avx2, Width::Avx512] {
        let reply = text(&format!(":width {}", w.name()));
        if w.is_available() {
            assert_eq!(reply, format!("width {}", w.name()));
            assert_eq!(text("sin(x)*exp(-x*x/100)"), auto);
        } else {
            assert!(reply.contains("cannot run"), "{reply}");
        }
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_exprjit"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "time",
        "cos(x)",
        "x=linspace(0,1,1000)",
        "--width=f64x2",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["time", "cos(x)", "x=linspace(0,1,1000)", "--width=avx9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("auto, f64x2, avx2 or avx512"));
}
