//! Every kernel against the reference interpreter, element by element and
//! bit for bit; parallel against serial; bad input as errors.

mod common;

use common::{Rng, formula_in, input, same};
use exprjit::unstable::CHUNK;
use exprjit::{Engine, ErrorKind, Input, Keep, Parallel, RecurrenceSpec, Reduce};

const ARGS: [&str; 3] = ["x", "y", "z"];

/// Random data with awkward values mixed in.
fn data(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| input(rng)).collect()
}

/// A formula over x, y, z (usually all three, so the layouts matter).
fn kernel_formula(rng: &mut Rng) -> String {
    let size = 4 + rng.below(12);
    formula_in(rng, size, &ARGS)
}

fn assert_same(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            same(*x, *y),
            "{what}: element {k}: jit {x:?}, reference {y:?}"
        );
    }
}

/// Input `k` is an unaligned view of `bufs[k]` (from its second element)
/// if bit `k` of `layout` is set, else the scalar `bufs[k][0]`.
fn layout_inputs(bufs: &[Vec<f64>], layout: u32) -> Vec<Input<'_>> {
    bufs.iter()
        .enumerate()
        .map(|(k, b)| {
            if layout & (1 << k) != 0 {
                Input::Array(&b[1..])
            } else {
                Input::Scalar(b[0])
            }
        })
        .collect()
}

fn lengths() -> Vec<usize> {
    let mut l: Vec<usize> = (0..=67).collect();
    l.extend([1_000, 3 * CHUNK + 5]);
    l
}

#[test]
fn map_matches_the_interpreter_in_every_layout_and_length() {
    let mut rng = Rng::new(11);
    let engine = Engine::new();
    for round in 0..24 {
        let formulas: Vec<String> = (0..1 + round % 3)
            .map(|_| kernel_formula(&mut rng))
            .collect();
        let texts: Vec<&str> = formulas.iter().map(String::as_str).collect();
        let map = engine
            .map(&texts, &ARGS)
            .unwrap()
            .with_parallel(Parallel::serial());
        for n in lengths() {
            // Unaligned views: start one element into the buffer.
            let bufs: Vec<Vec<f64>> = (0..3).map(|_| data(&mut rng, n + 1)).collect();
            for layout in 0..8u32 {
                let inputs = layout_inputs(&bufs, layout);
                let mut got = vec![vec![f64::NAN; n + 1]; texts.len()];
                let mut want = vec![vec![f64::NAN; n]; texts.len()];
                {
                    let mut g: Vec<&mut [f64]> = got.iter_mut().map(|v| &mut v[1..]).collect();
                    let mut w: Vec<&mut [f64]> = want.iter_mut().map(Vec::as_mut_slice).collect();
                    map.run(&inputs, &mut g).unwrap();
                    map.run_reference(&inputs, &mut w).unwrap();
                }
                for (j, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(g[0].is_nan(), "wrote before the output slice");
                    assert_same(
                        &g[1..],
                        w,
                        &format!("{} (output {j}, n={n}, layout {layout})", texts[j]),
                    );
                }
            }
        }
    }
}

#[test]
fn reductions_match_the_interpreter_in_the_same_order() {
    let mut rng = Rng::new(12);
    let engine = Engine::new();
    for round in 0..30 {
        let text = if round < 3 {
            "x".to_string()
        } else {
            kernel_formula(&mut rng)
        };
        for how in [Reduce::Sum, Reduce::Min, Reduce::Max] {
            let r = engine
                .reduce(&text, &ARGS, how)
                .unwrap()
                .with_parallel(Parallel::serial());
            for n in lengths() {
                let bufs: Vec<Vec<f64>> = (0..3).map(|_| data(&mut rng, n + 1)).collect();
                for layout in 1..8u32 {
                    let inputs = layout_inputs(&bufs, layout);
                    let (got, want) = (r.run(&inputs).unwrap(), r.run_reference(&inputs).unwrap());
                    assert!(
                        same(got, want),
                        "{how:?} of {text}, n={n}: jit {got:?}, reference {want:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn reductions_give_the_expected_values() {
    let engine = Engine::new();
    let x: Vec<f64> = (1..=100).map(f64::from).collect();
    let sum = engine.reduce("x", &["x"], Reduce::Sum).unwrap();
    assert_eq!(sum.run(&[Input::from(&x)]).unwrap(), 5050.0);
    assert_eq!(
        sum.run(&[Input::Array(&[])]).unwrap().to_bits(),
        0.0f64.to_bits()
    );
    assert_eq!(
        sum.run(&[Input::Array(&[-0.0])]).unwrap().to_bits(),
        (-0.0f64).to_bits()
    );
    let min = engine.reduce("x", &["x"], Reduce::Min).unwrap();
    let max = engine.reduce("x", &["x"], Reduce::Max).unwrap();
    let with_nan = [3.0, f64::NAN, -2.0, 7.0, f64::NAN];
    assert_eq!(min.run(&[Input::from(&with_nan)]).unwrap(), -2.0);
    assert_eq!(max.run(&[Input::from(&with_nan)]).unwrap(), 7.0);
    assert!(min.run(&[Input::from(&[f64::NAN; 9])]).unwrap().is_nan());
    assert!(max.run(&[Input::Array(&[])]).unwrap().is_nan());
    let dist = engine.reduce("(a-b)^2", &["a", "b"], Reduce::Sum).unwrap();
    let (a, b) = ([1.0, 2.0, 3.0, 4.0, 5.0], [0.0; 5]);
    assert_eq!(dist.run(&[Input::from(&a), Input::from(&b)]).unwrap(), 55.0);
}

#[test]
fn euler_recurrence_gives_the_published_value() {
    // y' = y^2 cos(t + y), y0 = 1, h = 0.001, 1e6 steps: numba and plain
    // Python both print 0.09364552406713246.
    let euler = Engine::new()
        .recurrence(RecurrenceSpec {
            state: &["y"],
            update: &["y + h*y^2*cos(t+y)"],
            define: &[("t", "i*h")],
            params: &["h"],
            ..Default::default()
        })
        .unwrap();
    let run = euler
        .run(&[1.0], &[0.001], &[], 1_000_000, Keep::Last)
        .unwrap();
    assert_eq!(run.last, [0.09364552406713246]);
    let reference = euler
        .run_reference(&[1.0], &[0.001], &[], 1_000_000, Keep::Last)
        .unwrap();
    assert_same(&run.last, &reference.last, "euler");
}

#[test]
fn recurrences_match_the_interpreter() {
    let engine = Engine::new();
    // A damped oscillator driven by a per-step input, two states updated together.
    let osc = engine
        .recurrence(RecurrenceSpec {
            state: &["x", "v"],
            update: &["x + dt*v", "v + dt*(f - k*x - c*v) + 0*i"],
            define: &[("dt", "h*(1 + 0*i)")],
            params: &["k", "c", "h"],
            inputs: &["f"],
        })
        .unwrap();
    let mut rng = Rng::new(13);
    let force = data(&mut rng, 10_000);
    for steps in (0..=25).chain([9_999]) {
        for keep in [Keep::Last, Keep::Every(1), Keep::Every(3), Keep::Every(7)] {
            let args = ([1.0, 0.0], [4.0, 0.1, 0.01]);
            let got = osc.run(&args.0, &args.1, &[&force], steps, keep).unwrap();
            let want = osc
                .run_reference(&args.0, &args.1, &[&force], steps, keep)
                .unwrap();
            assert_same(
                &got.last,
                &want.last,
                &format!("last, {steps} steps {keep:?}"),
            );
            assert_same(
                &got.states,
                &want.states,
                &format!("states, {steps} steps {keep:?}"),
            );
            if let Keep::Every(k) = keep {
                assert_eq!(got.rows(), 1 + steps / k);
                assert_eq!(got.row(0), [1.0, 0.0]);
            }
        }
    }
    // Random update formulas over awkward values.
    for _ in 0..40 {
        let (a, b) = (kernel_formula(&mut rng), kernel_formula(&mut rng));
        let rec = engine
            .recurrence(RecurrenceSpec {
                state: &["x", "y"],
                update: &[&a, &b],
                params: &["z"],
                ..Default::default()
            })
            .unwrap();
        let start = [input(&mut rng), input(&mut rng)];
        let z = [input(&mut rng)];
        let got = rec.run(&start, &z, &[], 50, Keep::Every(5)).unwrap();
        let want = rec
            .run_reference(&start, &z, &[], 50, Keep::Every(5))
            .unwrap();
        assert_same(&got.states, &want.states, &format!("{a} ; {b}"));
    }
}

#[test]
fn grids_match_the_interpreter() {
    let engine = Engine::new();
    let mut rng = Rng::new(14);
    for _ in 0..20 {
        let size = 1 + rng.below(8);
        let text = format!(
            "({}) + i*0 + j*0 + h*0",
            formula_in(&mut rng, size, &["i", "j", "h"])
        );
        let g2 = engine
            .grid(&text, 2, &["h"])
            .unwrap()
            .with_parallel(Parallel::serial());
        for (rows, cols) in [
            (0, 5),
            (5, 0),
            (1, 1),
            (3, 7),
            (7, 3),
            (9, 9),
            (13, 67),
            (40, 1000),
        ] {
            let mut got = vec![0.0; rows * cols];
            let mut want = vec![0.0; rows * cols];
            g2.run2(rows, cols, &[0.25], &mut got).unwrap();
            g2.run_reference(rows, cols, &[0.25], &mut want).unwrap();
            assert_same(&got, &want, &format!("{text} on {rows}x{cols}"));
        }
        let size = 1 + rng.below(8);
        let text1 = format!("({}) + i*0 + h*0", formula_in(&mut rng, size, &["i", "h"]));
        let g1 = engine
            .grid(&text1, 1, &["h"])
            .unwrap()
            .with_parallel(Parallel::serial());
        for n in lengths() {
            let mut got = vec![0.0; n];
            let mut want = vec![0.0; n];
            g1.run1(&[0.25], &mut got).unwrap();
            g1.run_reference(1, n, &[0.25], &mut want).unwrap();
            assert_same(&got, &want, &format!("{text1} over {n}"));
        }
    }
}

#[test]
fn parallel_equals_serial_bit_for_bit() {
    let engine = Engine::new();
    let mut rng = Rng::new(15);
    let n = 5 * CHUNK + 7;
    let x = data(&mut rng, n);
    let y = data(&mut rng, n);
    let inputs = [Input::from(&x), Input::from(&y), Input::Scalar(0.5)];
    let text = "y + z*y^2*cos(x+y) + sqrt(abs(x))";
    let map = engine.map(&[text], &ARGS).unwrap();
    let sum = engine.reduce(text, &ARGS, Reduce::Sum).unwrap();
    let max = engine.reduce(text, &ARGS, Reduce::Max).unwrap();
    let grid = engine.grid("sin(i*0.001) * cos(j*h)", 2, &["h"]).unwrap();
    let ensemble = engine
        .recurrence(RecurrenceSpec {
            state: &["y"],
            update: &["y + h*y^2*cos(i*h + y)"],
            params: &["h"],
            ..Default::default()
        })
        .unwrap();
    let starts: Vec<f64> = (0..64).map(|m| 0.5 + m as f64 / 64.0).collect();
    let hs = vec![0.001; 64];

    let serial_map = map.eval(&inputs).unwrap();
    let serial_sum = sum.run(&inputs).unwrap();
    let serial_max = max.run(&inputs).unwrap();
    let mut serial_grid = vec![0.0; 300 * 301];
    grid.run2(300, 301, &[0.01], &mut serial_grid).unwrap();
    let serial_ens = ensemble.run_ensemble(&starts, &hs, &[], 3_000).unwrap();
    // The sum is a real test of order: it differs from a naive left-to-right sum.
    let naive: f64 = serial_map[0].iter().sum();
    assert!(serial_sum.is_nan() || serial_sum != naive || naive.is_nan());

    let map = map.with_parallel(Parallel::serial());
    assert_same(
        &map.eval(&inputs).unwrap()[0],
        &serial_map[0],
        "map serial setting",
    );
    for threads in [1, 2, 3] {
        let p = Parallel::threads(threads);
        let map = engine.map(&[text], &ARGS).unwrap().with_parallel(p);
        assert_same(
            &map.eval(&inputs).unwrap()[0],
            &serial_map[0],
            "parallel map",
        );
        let s = engine
            .reduce(text, &ARGS, Reduce::Sum)
            .unwrap()
            .with_parallel(p);
        assert!(
            same(s.run(&inputs).unwrap(), serial_sum),
            "parallel sum at {threads} threads"
        );
        let m = engine
            .reduce(text, &ARGS, Reduce::Max)
            .unwrap()
            .with_parallel(p);
        assert!(
            same(m.run(&inputs).unwrap(), serial_max),
            "parallel max at {threads} threads"
        );
        let g = engine
            .grid("sin(i*0.001) * cos(j*h)", 2, &["h"])
            .unwrap()
            .with_parallel(p);
        let mut out = vec![0.0; 300 * 301];
        g.run2(300, 301, &[0.01], &mut out).unwrap();
        assert_same(&out, &serial_grid, "parallel grid");
        let e = engine
            .recurrence(RecurrenceSpec {
                state: &["y"],
                update: &["y + h*y^2*cos(i*h + y)"],
                params: &["h"],
                ..Default::default()
            })
            .unwrap()
            .with_parallel(p);
        assert_same(
            &e.run_ensemble(&starts, &hs, &[], 3_000).unwrap(),
            &serial_ens,
            "ensemble",
        );
    }
    // Each ensemble member equals a single run.
    let one = ensemble
        .run(&[starts[5]], &[0.001], &[], 3_000, Keep::Last)
        .unwrap();
    assert_same(&one.last, &serial_ens[5..6], "member 5");
}

#[test]
fn bad_input_is_an_error_before_any_code_runs() {
    let engine = Engine::new();
    let map = engine.map(&["x + y"], &["x", "y"]).unwrap();
    let (a, b) = ([1.0; 4], [1.0; 5]);
    let mut out = [0.0; 4];
    let kind = |r: exprjit::Result<()>| r.unwrap_err().kind();
    assert_eq!(
        kind(map.run(&[Input::from(&a), Input::from(&b)], &mut [&mut out])),
        ErrorKind::Length
    );
    assert_eq!(
        kind(map.run(&[Input::from(&a)], &mut [&mut out])),
        ErrorKind::ArgumentCount
    );
    let mut short = [0.0; 3];
    let e = map
        .run(&[Input::from(&a), Input::Scalar(1.0)], &mut [&mut short])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: output 0 has 3 elements, but the inputs have 4"
    );
    assert_eq!(
        kind(map.run(&[Input::from(&a), Input::Scalar(1.0)], &mut [])),
        ErrorKind::ArgumentCount
    );
    assert_eq!(
        map.eval(&[Input::Scalar(1.0), Input::Scalar(2.0)])
            .unwrap_err()
            .kind(),
        ErrorKind::Length
    );
    let e = engine.map(&["x + w"], &["x"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnboundVariable);
    assert!(engine.map(&[], &["x"]).is_err());

    let sum = engine.reduce("x*y", &["x", "y"], Reduce::Sum).unwrap();
    let e = sum.run(&[Input::from(&a), Input::from(&b)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: input arrays differ in length: `x` has 4 elements, `y` has 5"
    );
    assert_eq!(
        sum.run(&[Input::Scalar(1.0), Input::Scalar(2.0)])
            .unwrap_err()
            .kind(),
        ErrorKind::Length
    );

    let e = engine
        .recurrence(RecurrenceSpec {
            state: &["x", "v"],
            update: &["x + v"],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: the state variable `v` has no update formula"
    );
    let e = engine
        .recurrence(RecurrenceSpec {
            state: &["i"],
            update: &["i"],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateName);
    let rec = engine
        .recurrence(RecurrenceSpec {
            state: &["x"],
            update: &["x + u*a"],
            params: &["a"],
            inputs: &["u"],
            ..Default::default()
        })
        .unwrap();
    let u = [1.0; 10];
    let e = rec.run(&[0.0], &[1.0], &[&u], 11, Keep::Last).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: per-step input `u` has 10 values, but the run has 11 steps"
    );
    assert_eq!(
        rec.run(&[0.0], &[1.0], &[&u], 5, Keep::Every(0))
            .unwrap_err()
            .kind(),
        ErrorKind::Length
    );
    assert_eq!(
        rec.run(&[0.0, 1.0], &[1.0], &[&u], 5, Keep::Last)
            .unwrap_err()
            .kind(),
        ErrorKind::ArgumentCount
    );
    assert_eq!(
        rec.run(&[0.0], &[], &[&u], 5, Keep::Last)
            .unwrap_err()
            .kind(),
        ErrorKind::ArgumentCount
    );
    assert_eq!(
        rec.run(&[0.0], &[1.0], &[], 5, Keep::Last)
            .unwrap_err()
            .kind(),
        ErrorKind::ArgumentCount
    );
    assert_eq!(
        rec.run(&[0.0], &[1.0], &[&u], 10, Keep::Last).unwrap().last,
        [10.0]
    );
    assert_eq!(
        rec.run(&[7.0], &[1.0], &[&u], 0, Keep::Every(2))
            .unwrap()
            .states,
        [7.0]
    );
    assert_eq!(
        rec.run_ensemble(&[0.0, 1.0, 2.0], &[1.0], &[&u], 3)
            .unwrap_err()
            .kind(),
        ErrorKind::Length
    );

    let g = engine.grid("i + j", 2, &[]).unwrap();
    let mut out = [0.0; 5];
    assert_eq!(
        g.run2(2, 3, &[], &mut out).unwrap_err().kind(),
        ErrorKind::Length
    );
    assert_eq!(
        g.run1(&[], &mut out).unwrap_err().kind(),
        ErrorKind::ArgumentCount
    );
    assert_eq!(
        g.run2(usize::MAX, 3, &[], &mut out).unwrap_err().kind(),
        ErrorKind::Length
    );
    assert_eq!(
        engine.grid("i", 3, &[]).unwrap_err().kind(),
        ErrorKind::Length
    );
    assert_eq!(
        engine.grid("i + k", 1, &[]).unwrap_err().kind(),
        ErrorKind::UnboundVariable
    );
}
