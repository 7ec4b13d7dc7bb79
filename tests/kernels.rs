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
    // This data holds NaNs and infinities, so the sum is NaN and `same`
    // cannot see its order: it checks that they propagate alike in
    // parallel. The order is checked on finite data below
    // (`sum_order_on_finite_data_is_the_documented_one`).
    assert!(
        serial_sum.is_nan(),
        "this test's data is meant to hold NaNs"
    );

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

/// Finite values of widely varying magnitude and sign, so that the
/// rounding of a sum depends on the order of the additions: from 2^-30 up
/// to 2^51 in the first chunk, the top falling 2^5 per chunk, so that the
/// chunk results differ in magnitude too (their order of combination shows).
fn finite_spread(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| {
            let top = 51 - 5 * (k / CHUNK);
            let sign = if rng.chance(0.5) { -1.0 } else { 1.0 };
            sign * (1.0 + rng.unit()) * 2f64.powi(rng.below(top + 31) as i32 - 30)
        })
        .collect()
}

/// Longer than several chunks, above `Parallel::default().min_len` (so the
/// default setting runs in parallel too), with a tail that is not a whole
/// number of vectors.
const ORDER_LEN: usize = 7 * CHUNK + 13;

/// A formula whose value is exactly `x` (finite `y`: `0*sin(y)` is ±0, and
/// `x + ±0 = x` for `x != 0`), and the unroll factor its reduction uses
/// (`exprjit::kernels::unroll`: 4 vectors without calls, 2 with).
const ORDER_FORMULAS: [(&str, usize); 2] = [("x", 4), ("x + 0*sin(y)", 2)];

/// The order `kernels::reference::reduce` documents, written out again
/// here for a sum of `xs`: chunks of `chunk` elements combined left to
/// right from -0; in a chunk, the first `len - len % (2u)` elements
/// round-robin into `2u` partials, partials `2k + lane` folded over `k`
/// into two lanes, `lane0 + lane1`, then the rest in order.
fn documented_sum(xs: &[f64], chunk: usize, u: usize) -> f64 {
    chunk_sums(xs, chunk, u)
        .into_iter()
        .fold(-0.0, |a, c| a + c)
}

fn chunk_sums(xs: &[f64], chunk: usize, u: usize) -> Vec<f64> {
    let width = 2 * u;
    xs.chunks(chunk)
        .map(|c| {
            let covered = c.len() - c.len() % width;
            let mut partials = vec![-0.0; width];
            for (k, &v) in c[..covered].iter().enumerate() {
                partials[k % width] += v;
            }
            let mut lanes = [partials[0], partials[1]];
            for k in 1..u {
                lanes[0] += partials[2 * k];
                lanes[1] += partials[2 * k + 1];
            }
            c[covered..].iter().fold(lanes[0] + lanes[1], |a, v| a + v)
        })
        .collect()
}

/// Sums of finite data whose bits depend on the order: every thread count,
/// the kernel, the reference twin and the documented order written out
/// above give the same bits.
#[test]
fn sum_order_on_finite_data_is_the_documented_one() {
    let mut rng = Rng::new(21);
    let x = finite_spread(&mut rng, ORDER_LEN);
    let y: Vec<f64> = (0..ORDER_LEN).map(|_| rng.unit() * 100.0 - 50.0).collect();
    let inputs = [Input::from(&x), Input::from(&y)];
    let engine = Engine::new();
    for (text, u) in ORDER_FORMULAS {
        let want = documented_sum(&x, CHUNK, u);
        assert!(
            want.is_finite(),
            "{text}: the order test needs a finite sum"
        );
        let kernel = engine.reduce(text, &["x", "y"], Reduce::Sum).unwrap();
        let reference = kernel.run_reference(&inputs).unwrap();
        assert_eq!(
            reference.to_bits(),
            want.to_bits(),
            "{text}: reference twin {reference:?}, documented order {want:?}"
        );
        for (what, p) in [
            ("serial", Parallel::serial()),
            ("1 thread", Parallel::threads(1)),
            ("2 threads", Parallel::threads(2)),
            ("3 threads", Parallel::threads(3)),
            ("default", Parallel::default()),
        ] {
            let got = engine
                .reduce(text, &["x", "y"], Reduce::Sum)
                .unwrap()
                .with_parallel(p)
                .run(&inputs)
                .unwrap();
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "{text} ({what}): kernel {got:?}, reference and documented order {want:?}"
            );
        }
    }
}

/// The data above is not order-blind: other orders give other bits, so
/// the test above would see a changed order.
#[test]
fn other_sum_orders_give_other_bits_on_that_data() {
    let mut rng = Rng::new(21);
    let x = finite_spread(&mut rng, ORDER_LEN);
    for (_, u) in ORDER_FORMULAS {
        let want = documented_sum(&x, CHUNK, u);
        let chunks = chunk_sums(&x, CHUNK, u);
        assert_eq!(chunks.len(), 8);
        let pairwise = |c: &[f64]| -> f64 {
            let mut level = c.to_vec();
            while level.len() > 1 {
                level = level.chunks(2).map(|p| p.iter().sum()).collect();
            }
            level[0]
        };
        let others = [
            ("left to right", x.iter().fold(-0.0, |a, v| a + v)),
            (
                "chunks right to left",
                chunks.iter().rev().fold(-0.0, |a, c| a + c),
            ),
            ("chunks pairwise", pairwise(&chunks)),
            ("one chunk", documented_sum(&x, x.len(), u)),
            ("half-size chunks", documented_sum(&x, CHUNK / 2, u)),
            ("other unroll", documented_sum(&x, CHUNK, 6 - u)),
        ];
        for (what, other) in others {
            assert!(other.is_finite());
            assert_ne!(
                other.to_bits(),
                want.to_bits(),
                "unroll {u}: {what} gives the documented order's bits {want:?}"
            );
        }
    }
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

/// `run_from` / `run_ensemble_from`: a run split into pieces (the Python
/// package does this to check for Ctrl-C between them) gives the bits of
/// one run, the step index `i` and the per-step inputs included.
#[test]
fn recurrences_run_in_pieces_equal_one_run() {
    let rec = Engine::new()
        .recurrence(RecurrenceSpec {
            state: &["y", "z"],
            update: &["y + h*y^2*cos(t+y) + u/1000", "z - h*sin(z*i) + y/7"],
            define: &[("t", "i*h")],
            params: &["h"],
            inputs: &["u"],
        })
        .unwrap();
    let u: Vec<f64> = (0..1000).map(|k| ((k * 37) % 101) as f64 / 50.0).collect();
    let (init, h) = ([1.0, 0.25], [0.001]);
    let whole = rec.run(&init, &h, &[&u], 1000, Keep::Every(10)).unwrap();
    // Pieces of whole rows (as the Python package cuts them), and one odd cut.
    for cuts in [vec![0, 300, 700, 1000], vec![0, 333, 1000]] {
        let mut state = init.to_vec();
        let mut rows = vec![init.to_vec()];
        for w in cuts.windows(2) {
            let t = rec
                .run_from(w[0], &state, &h, &[&u], w[1] - w[0], Keep::Every(10))
                .unwrap();
            rows.extend((1..t.rows()).map(|r| t.row(r).to_vec()));
            state = t.last;
        }
        assert_same(&state, &whole.last, "last state");
        if cuts.len() == 4 {
            let flat: Vec<f64> = rows.concat();
            assert_same(&flat, &whole.states, "kept rows");
        }
    }
    // Ensembles, serial and parallel, in pieces.
    let inits: Vec<f64> = (0..8).flat_map(|m| [1.0 + m as f64 / 8.0, 0.5]).collect();
    let hs: Vec<f64> = (0..8).map(|m| 0.001 * (1 + m) as f64).collect();
    let one = rec.run_ensemble(&inits, &hs, &[&u], 1000).unwrap();
    for parallel in [Parallel::serial(), Parallel::threads(2)] {
        let rec = Engine::new()
            .recurrence(RecurrenceSpec {
                state: &["y", "z"],
                update: &["y + h*y^2*cos(t+y) + u/1000", "z - h*sin(z*i) + y/7"],
                define: &[("t", "i*h")],
                params: &["h"],
                inputs: &["u"],
            })
            .unwrap()
            .with_parallel(parallel);
        let a = rec.run_ensemble_from(0, &inits, &hs, &[&u], 450).unwrap();
        let b = rec.run_ensemble_from(450, &a, &hs, &[&u], 550).unwrap();
        assert_same(&b, &one, "ensemble in pieces");
    }
    // The inputs must cover `first + steps`.
    let e = rec
        .run_from(900, &init, &h, &[&u], 101, Keep::Last)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Length);
    let e = rec
        .run_from(usize::MAX, &init, &h, &[], 2, Keep::Last)
        .unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::Length | ErrorKind::ArgumentCount
    ));
}
