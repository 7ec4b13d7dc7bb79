//! The interactive session, driven line by line as the binary drives it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use exprjit::{Reply, Session, Value};

fn say(s: &mut Session, line: &str) -> String {
    match s.line(line) {
        Reply::Text(t) => t,
        Reply::Quit => "<quit>".to_string(),
    }
}

fn quick() -> Session {
    let mut s = Session::new();
    s.set_budget(Duration::from_millis(5));
    s
}

#[test]
fn values_arrays_and_summaries() {
    let mut s = quick();
    assert_eq!(say(&mut s, "h = 0.001"), "h = 0.001");
    assert_eq!(say(&mut s, "y = 1"), "y = 1");
    assert_eq!(say(&mut s, "t = 0"), "t = 0");
    assert_eq!(say(&mut s, "y + h*y^2*cos(t+y)"), "1.000540302305868");
    assert_eq!(say(&mut s, "k = 2*h"), "k = 0.002");
    assert_eq!(
        say(&mut s, "x = linspace(0, 1, 5)"),
        "x = array of 5: first 0, last 1, min 0, max 1, mean 0.5"
    );
    assert_eq!(
        s.get("x"),
        Some(&Value::Array(vec![0.0, 0.25, 0.5, 0.75, 1.0].into()))
    );
    assert_eq!(
        say(&mut s, "x^3"),
        "array of 5: first 0, last 1, min 0, max 1, mean 0.3125"
    );
    assert_eq!(
        say(&mut s, "c = x < 0.5"),
        "c = array of 5: first 1, last 0, min 0, max 1, mean 0.4"
    );
    assert_eq!(
        say(&mut s, "n = arange(4)"),
        "n = array of 4: first 0, last 3, min 0, max 3, mean 1.5"
    );
    assert_eq!(
        say(&mut s, "arange(1, 2, 0.25)"),
        "array of 4: first 1, last 1.75, min 1, max 1.75, mean 1.375"
    );
    assert_eq!(
        say(&mut s, "x == x"),
        "array of 5: first 1, last 1, min 1, max 1, mean 1"
    );
    assert_eq!(say(&mut s, "1 == 1"), "1");
    let vars = say(&mut s, ":vars");
    assert!(vars.starts_with("name"), "{vars}");
    assert!(
        vars.contains("\nx            array             5       40 B"),
        "{vars}"
    );
    assert!(
        vars.contains("\nh            scalar            1        8 B"),
        "{vars}"
    );
}

#[test]
fn random_arrays_are_seeded() {
    let mut s = quick();
    say(&mut s, ":seed 42");
    let a = say(&mut s, "a = rand(1000)");
    let b = say(&mut s, "b = randn(100000)");
    say(&mut s, ":seed 42");
    assert_eq!(say(&mut s, "a = rand(1000)"), a);
    assert_eq!(say(&mut s, "b = randn(100000)"), b);
    let Some(Value::Array(r)) = s.get("a") else {
        panic!("a is an array")
    };
    assert!(r.iter().all(|v| (0.0..1.0).contains(v)));
    let Some(Value::Array(n)) = s.get("b") else {
        panic!("b is an array")
    };
    let mean = n.iter().sum::<f64>() / n.len() as f64;
    let var = n.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n.len() as f64;
    assert!(
        mean.abs() < 0.02 && (var - 1.0).abs() < 0.02,
        "mean {mean}, variance {var}"
    );
}

#[test]
fn errors_never_end_the_session() {
    let mut s = quick();
    let e = say(&mut s, "2 x");
    assert!(e.contains("1 | 2 x\n  |   ^"), "{e}");
    let e = say(&mut s, "alpha + 1");
    assert!(
        e.starts_with("error: no value for the variable `alpha`"),
        "{e}"
    );
    say(&mut s, "alpah = 1");
    assert!(say(&mut s, "alpha + 1").contains("did you mean `alpah`?"));
    say(&mut s, "x = linspace(0, 1, 5)");
    say(&mut s, "y = linspace(0, 1, 6)");
    assert_eq!(
        say(&mut s, "x + y"),
        "error: `x` has 5 elements but `y` has 6"
    );
    assert_eq!(
        say(&mut s, "pi = 3"),
        "error: `pi` is a reserved constant and cannot be given a value"
    );
    assert!(say(&mut s, "z = linspace(0, 1)").contains("usage: linspace(start, stop, n)"));
    assert!(say(&mut s, "z = rand(-1)").contains("is not an array length"));
    assert_eq!(
        say(&mut s, ":bogus"),
        "error: unknown command `:bogus`; type :help"
    );
    assert_eq!(say(&mut s, "1 + 1"), "2");
    assert_eq!(say(&mut s, ":quit"), "<quit>");
}

#[test]
fn time_compare_ir_and_asm() {
    let mut s = quick();
    say(&mut s, "x = linspace(0, 1, 10000)");
    say(&mut s, "h = 0.5");
    let t = say(&mut s, ":time x^3");
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 4, "{t}");
    assert!(lines[0].starts_with("compile "), "{t}");
    assert!(
        lines[1].starts_with("jit         best ") && lines[1].ends_with("ns/element"),
        "{t}"
    );
    assert!(lines[2].starts_with("interpreter best "), "{t}");
    assert!(
        lines[3].starts_with("speed-up    ") && lines[3].ends_with('x'),
        "{t}"
    );
    let t = say(&mut s, ":time --threads 2 --no-rewrites h*2");
    assert!(t.contains("per call"), "{t}");
    let c = say(&mut s, ":compare x^3 ; pow(x, 3) ; x*x*x");
    assert_eq!(c.lines().count(), 4, "{c}");
    assert!(c.lines().nth(2).unwrap().starts_with("pow(x, 3)"), "{c}");
    let ir = say(&mut s, ":ir x^3 + 2*3");
    assert!(
        ir.starts_with("rewritten: x*(x*x) + 6\narguments: (x)\nfunction"),
        "{ir}"
    );
    assert!(ir.contains("fmul"), "{ir}");
    let asm = say(&mut s, ":asm x*h");
    assert!(asm.contains("ret") && !asm.contains("unwind"), "{asm}");
    assert_eq!(say(&mut s, ":rewrites off"), "rewrites off");
    assert!(say(&mut s, ":ir x^3").starts_with("rewritten: x^3"));
    assert_eq!(say(&mut s, ":math"), "math is fast");
    assert_eq!(say(&mut s, ":math libm"), "math libm");
    assert_eq!(say(&mut s, ":math"), "math is libm");
    let t = say(&mut s, ":time --math fast --threads 1 cos(x)");
    assert!(t.contains("ns/element"), "{t}");
    let e = say(&mut s, ":math quick");
    assert!(e.contains("not a math mode"), "{e}");
    let e = say(&mut s, ":time --math slow cos(x)");
    assert!(e.contains("--math needs fast or libm"), "{e}");
}

#[test]
fn ctrl_c_stops_a_long_measurement_and_the_session_goes_on() {
    let mut s = Session::new();
    s.set_budget(Duration::from_secs(30));
    // Each call takes ~100 ms (two libm calls on 1e7 elements), so the
    // Ctrl-C lands inside the first call and stops the batches after it.
    say(&mut s, "x = linspace(0, 1, 1e7)");
    let flag = s.interrupt_flag();
    let ctrl_c = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        flag.store(true, Ordering::SeqCst);
    });
    let started = std::time::Instant::now();
    let out = say(&mut s, ":time sin(x) + cos(x)");
    ctrl_c.join().unwrap();
    assert_eq!(out, "error: interrupted");
    assert!(started.elapsed() < Duration::from_secs(20), "stopped early");
    assert_eq!(say(&mut s, "2^3^2"), "512");
}

#[test]
fn recurrences_grids_and_sweeps() {
    let mut s = quick();
    say(&mut s, "h = 0.001");
    say(&mut s, "y = 1");
    let out = say(
        &mut s,
        ":recur y <- y + h*y^2*cos(t+y) ; t = i*h ; steps=1e6",
    );
    assert!(
        out.starts_with("y = 0.09364552406713246 after 1000000 steps\ncompile "),
        "{out}"
    );
    assert!(out.contains("ns/step") && out.contains("speed-up"), "{out}");
    let out = say(
        &mut s,
        ":recur y <- y + h*y^2*cos(t+y) ; t = i*h ; steps=1000 ; every=100",
    );
    assert!(
        out.contains("kept 11 states (every 100 steps) in y_path"),
        "{out}"
    );
    let Some(Value::Array(path)) = s.get("y_path") else {
        panic!("y_path")
    };
    assert_eq!(path.len(), 11);
    assert_eq!(path[0], 1.0);
    // Two states updated together: a rotation keeps x^2 + v^2.
    say(&mut s, "x = 1");
    say(&mut s, "v = 0");
    let out = say(
        &mut s,
        ":recur x <- x*c - v*sn ; v <- x*sn + v*c ; c = cos(w) ; sn = sin(w) ; steps=4",
    );
    assert!(out.contains("no value for `w`"), "{out}");
    say(&mut s, "w = pi/2");
    let out = say(
        &mut s,
        ":recur x <- x*c - v*sn ; v <- x*sn + v*c ; c = cos(w) ; sn = sin(w) ; steps=2",
    );
    assert!(
        out.starts_with("x = -1, v = 1.2246467991473532e-16 after 2 steps"),
        "{out}"
    );
    assert!(say(&mut s, ":recur y <- y + 1").starts_with("error: usage: :recur"));
    assert!(say(&mut s, ":recur q <- q + 1 ; steps=3").contains("starting value"));

    let out = say(&mut s, ":grid i*10 + j ; 2 x 3");
    assert!(
        out.starts_with("array of 6: first 0, last 12, min 0, max 12, mean 6\ncompile "),
        "{out}"
    );
    let out = say(&mut s, ":grid i*h ; 5");
    assert!(
        out.starts_with("array of 5: first 0, last 0.004, min 0, max 0.004, mean 0.002"),
        "{out}"
    );
    assert!(say(&mut s, ":grid i*j").starts_with("error: usage: :grid"));

    say(&mut s, "z = rand(1000)");
    let file = std::env::temp_dir().join(format!("exprjit-sweep-{}.svg", std::process::id()));
    let out = say(
        &mut s,
        &format!(":sweep --max 1000 --out {} z^3", file.display()),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "{out}");
    assert!(lines[0].contains("jit ns/elem"), "{out}");
    for (line, n) in lines[1..6].iter().zip(["10", "32", "100", "316", "1000"]) {
        assert_eq!(line.split_whitespace().next(), Some(n), "{out}");
        assert!(line.ends_with('x'), "{out}");
    }
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("exprjit: z^3"),
        "{svg}"
    );
    std::fs::remove_file(&file).unwrap();
    assert!(say(&mut s, ":sweep h*2").contains("needs an array variable"));
}

#[test]
fn reductions_match_the_reduce_kernel() {
    use exprjit::{Engine, Input, Reduce};
    let mut s = quick();
    say(&mut s, ":seed 7");
    say(&mut s, "a = randn(100003)");
    say(&mut s, "b = rand(100003)");
    let out = say(&mut s, "sum((a-b)^2)");
    let (Some(Value::Array(a)), Some(Value::Array(b))) = (s.get("a"), s.get("b")) else {
        panic!("a and b are arrays")
    };
    let (a, b) = (a.clone(), b.clone());
    let inputs = [Input::from(&a[..]), Input::from(&b[..])];
    let kernel = Engine::new()
        .reduce("(a-b)^2", &["a", "b"], Reduce::Sum)
        .unwrap();
    let want = kernel.run(&inputs).unwrap();
    assert_eq!(out, exprjit::format_f64(want));
    // An independent sum, in another order, agrees to rounding.
    let plain: f64 = a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum();
    assert!((want - plain).abs() <= 1e-12 * plain, "{want} vs {plain}");

    let n = a.len() as f64;
    let mean = say(&mut s, "m = mean(a)");
    let sum_a = Engine::new().reduce("a", &["a"], Reduce::Sum).unwrap();
    let sum_a = sum_a.run(&inputs[..1]).unwrap();
    assert_eq!(mean, format!("m = {}", exprjit::format_f64(sum_a / n)));
    assert_eq!(s.get("m"), Some(&Value::Scalar(sum_a / n)));
    let lo = a.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(say(&mut s, "minof(a)"), exprjit::format_f64(lo));
    assert_eq!(say(&mut s, "maxof( a*2 )"), exprjit::format_f64(2.0 * hi));
    // Elementwise min and max are still the language's functions.
    assert!(say(&mut s, "max(a, b)").starts_with("array of 100003"));

    // Reductions are whole lines; inside a formula they say so.
    let e = say(&mut s, "sqrt(sum(a^2))");
    assert!(
        e.starts_with("error: `sum` is a reduction: it must be the whole line"),
        "{e}"
    );
    assert!(e.contains("1 | sqrt(sum(a^2))\n  |      ^^^"), "{e}");
    let e = say(&mut s, "h = 2");
    assert_eq!(e, "h = 2");
    let e = say(&mut s, "sum(h)");
    assert!(e.contains("reduces over arrays, and `h` has none"), "{e}");
    let e = say(&mut s, "sum(c)");
    assert!(e.contains("no value for the variable `c`"), "{e}");
    say(&mut s, "z = linspace(0, 1, 0)");
    assert_eq!(say(&mut s, "sum(z)"), "0");
    assert_eq!(say(&mut s, "mean(z)"), "NaN");
}

#[test]
fn reductions_are_timed_per_element() {
    let mut s = quick();
    say(&mut s, "a = rand(5000)");
    say(&mut s, "b = rand(5000)");
    let t = say(&mut s, ":time sum((a-b)^2)");
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 4, "{t}");
    assert!(lines[1].starts_with("jit         best ") && lines[1].ends_with("ns/element"));
    assert!(lines[2].starts_with("interpreter best "), "{t}");
    let r = s.time_formula("maxof(a)").unwrap();
    assert_eq!((r.elements, r.formula.as_str()), (5000, "maxof(a)"));
    assert!(r.interpreter.is_some());
    let c = say(&mut s, ":compare sum(a*b) ; mean(a) ; a*b");
    assert_eq!(c.lines().count(), 4, "{c}");
    assert!(c.lines().nth(2).unwrap().starts_with("mean(a) "), "{c}");
}

#[test]
fn completions_cover_every_command_and_reduction() {
    let s = quick();
    let names = s.completions();
    for name in [
        ":help",
        ":time",
        ":compare",
        ":recur",
        ":grid",
        ":sweep",
        ":ir",
        ":asm",
        ":vars",
        ":seed",
        ":rewrites",
        ":threads",
        ":math",
        ":clear",
        ":quit",
        "sum",
        "mean",
        "minof",
        "maxof",
        "linspace",
        "sin",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let mut s = quick();
    let help = say(&mut s, ":help");
    for line in [
        "  :recur y <- F ; t = G ; steps=1e6 [; every=K]",
        "  sum((a-b)^2)               the sum over the arrays' elements: one number",
        "(:help functions says what each does); constants pi e inf nan.",
    ] {
        assert!(help.lines().any(|l| l == line), "{line} in\n{help}");
    }
    // Every built-in function is listed, and `:help functions` says what
    // each does.
    let words: Vec<&str> = help.split_whitespace().collect();
    let functions = say(&mut s, ":help functions");
    for name in exprjit::unstable::builtin_names() {
        assert!(words.contains(&name), "{name} in\n{help}");
        assert!(
            functions.contains(&format!("  {name}(")),
            "{name} in\n{functions}"
        );
    }
    assert!(functions.contains("  max(a, b, …)"), "{functions}");
}

#[test]
fn sizes_too_large_for_memory_or_limits_are_errors() {
    let mut s = quick();
    for (line, what) in [
        ("x = linspace(0, 1, 1e18)", "`x`"),
        ("x = arange(1e18)", "`x`"),
        ("x = arange(0, 1e18, 1)", "`x`"),
        ("x = rand(1e18)", "`x`"),
        ("randn(1e18)", "the result"),
        (":grid i ; 1e18", "the grid"),
        (":grid i*j ; 1e9 x 1e9", "the grid"),
    ] {
        assert_eq!(
            say(&mut s, line),
            format!(
                "error: cannot allocate 1000000000000000000 values (8.0 EB) for {what}\n  \
                 (not enough memory; :vars lists what the session holds, :clear frees it)"
            ),
            "{line}"
        );
        assert_eq!(
            say(&mut s, "1 + 1"),
            "2",
            "the session goes on after {line}"
        );
    }
    assert_eq!(s.get("x"), None);
    say(&mut s, "y = 0");
    // A limit names the limit, not the number's form.
    let e = say(&mut s, ":recur y <- y + 1 ; steps=1e15");
    assert!(
        e.starts_with(
            "error: steps is 1e15, more than the session's limit of 1e12 (a run cannot be \
             stopped by Ctrl-C once it has started)"
        ),
        "{e}"
    );
    let e = say(&mut s, ":recur y <- y + 1 ; steps=2.5");
    assert!(e.contains("steps must be a whole number, got `2.5`"), "{e}");
    let e = say(&mut s, "x = rand(1e20)");
    assert!(e.contains("more than an array can have (2^64 - 1)"), "{e}");
    assert_eq!(say(&mut s, "q = 3"), "q = 3");
}

#[test]
fn a_named_source_locates_errors_and_counts_failures() {
    let mut s = quick();
    s.set_source("script.ej");
    assert_eq!(say(&mut s, "x = 1"), "x = 1");
    assert_eq!(s.failures(), 0);
    let e = say(&mut s, "  y = 2 x");
    assert!(
        e.ends_with(" --> script.ej:2:9\n  |\n2 |   y = 2 x\n  |         ^"),
        "{e}"
    );
    say(&mut s, "");
    let e = say(&mut s, ":bogus");
    assert_eq!(
        e,
        "error: unknown command `:bogus`; type :help\n --> script.ej:4"
    );
    assert_eq!(s.failures(), 2);
    assert_eq!(say(&mut s, "x + 1"), "2");
    assert_eq!(s.failures(), 2);
}
