//! The `exprjit` binary: `eval` prints values and errors as documented.

use std::process::{Command, Stdio};

fn exprjit(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exprjit"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn eval_prints_the_shortest_round_trip_value() {
    let cases: [(&[&str], &str); 9] = [
        (
            &["eval", "y + h*y^2*cos(t+y)", "y=1", "t=0", "h=0.001"],
            "1.000540302305868\n",
        ),
        (&["eval", "-2^2"], "-4\n"),
        (&["eval", "2^3^2"], "512\n"),
        (&["eval", "0/0"], "NaN\n"),
        (&["eval", "-1/0"], "-inf\n"),
        (&["eval", "x * 1", "x=-0.0"], "-0\n"),
        (&["eval", "x + 1", "x=inf"], "inf\n"),
        (&["eval", "0.1 + 0.2"], "0.30000000000000004\n"),
        (&["eval", "1e300 * x", "x=10"], "1e301\n"),
    ];
    for (args, want) in cases {
        let (code, out, err) = exprjit(args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, want, ""),
            "{args:?}"
        );
    }
}

#[test]
fn eval_errors_go_to_stderr_with_status_2() {
    let (code, out, err) = exprjit(&["eval", "2 x"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("1 | 2 x\n  |   ^\n"), "{err}");

    let (code, _, err) = exprjit(&["eval", "x + y", "x=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("no value for the variable `y`"), "{err}");

    let (code, _, err) = exprjit(&["eval", "x", "x=abc"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: `abc` is not a number (in `x=abc`); use e.g. 1.5, -2e3, nan, inf\n"
    );

    let (code, _, err) = exprjit(&["eval", "x", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("write name=value"), "{err}");

    let (code, _, err) = exprjit(&["eval"]);
    assert_eq!(code, 2);
    assert!(err.contains("needs a formula"), "{err}");

    let (code, _, err) = exprjit(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown command"), "{err}");
}

#[test]
fn the_session_reads_commands_from_a_pipe() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_exprjit"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"h = 0.001\ny = 1\nt = 0\ny + h*y^2*cos(t+y)\n2 x\n:ir x^3 + 2*3\n:quit\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("\n1.000540302305868\n"), "{text}");
    assert!(
        text.contains("  |   ^"),
        "an error does not end the session: {text}"
    );
    assert!(text.contains("\nrewritten: x*(x*x) + 6\n"), "{text}");
}

#[test]
fn time_from_the_shell_in_text_and_json() {
    let (code, out, err) = exprjit(&["time", "x^3", "x=linspace(0,1,1e4)", "--json"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(
        out.starts_with("{\"formula\": \"x^3\", \"elements\": 10000, \"compile_s\": "),
        "{out}"
    );
    assert!(out.contains("\"speedup\": "), "{out}");
    let (code, out, _) = exprjit(&["time", "a*b + 1", "a=2", "b=3"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("compile ") && out.contains("speed-up"),
        "{out}"
    );
    let (code, _, err) = exprjit(&["time", "x^3", "x=linspace(0,1)"]);
    assert_eq!(code, 2);
    assert!(err.contains("usage: linspace(start, stop, n)"), "{err}");
    let (code, out, _) = exprjit(&["time", "cos(x)", "x=linspace(0,9,1e4)", "--math=libm"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ns/element"), "{out}");
    let (code, _, err) = exprjit(&["time", "cos(x)", "--math=slow"]);
    assert_eq!(code, 2);
    assert!(err.contains("fast or libm"), "{err}");
}

#[test]
fn run_executes_a_script_and_ctrl_c_interrupts_a_piped_run() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("exprjit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("script.ej");
    std::fs::write(
        &script,
        "# a comment\nx = arange(10)\nx^2\nbad +\n:quit\n1 + 1\n",
    )
    .unwrap();
    let (code, out, _) = exprjit(&["run", script.to_str().unwrap()]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "x = array of 10: first 0, last 9, min 0, max 9, mean 4.5"
    );
    assert_eq!(
        lines[1],
        "array of 10: first 0, last 81, min 0, max 81, mean 28.5"
    );
    assert!(lines[2].starts_with("error: expected a number"), "{out}");
    assert!(!out.contains("\n2\n"), "stops at :quit: {out}");

    // A real SIGINT during a long measurement: the run stops, the session goes on.
    let mut child = Command::new(env!("CARGO_BIN_EXE_exprjit"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"x = linspace(0, 1, 3e6)\n:time sin(x)*cos(x) + sqrt(x) ; \n:compare sin(x) ; cos(x) ; tan(x) ; exp(x) ; log(x+1)\n")
        .unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    stdin.write_all(b"6*7\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("error: interrupted"), "{text}");
    assert!(text.ends_with("\n42\n"), "{text}");
}
