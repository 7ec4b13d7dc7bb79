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
    // `2 x` failed: a piped run's status says so, as `run -` does.
    assert_eq!(out.status.code(), Some(1), "{text}");
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
    assert_eq!(code, 1, "a line failed: {out}");
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
    // The interrupted line failed, so the run's status says so.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error: interrupted"), "{text}");
    assert!(text.ends_with("\n42\n"), "{text}");
}

/// Runs `exprjit ARGS` (through `bash -c` when `shell` is given, with
/// `"$EXPRJIT"` the binary) with `input` on standard input.
fn piped(args: &[&str], shell: Option<&str>, input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut command = match shell {
        Some(script) => {
            let mut c = Command::new("bash");
            c.args(["-c", script])
                .env("EXPRJIT", env!("CARGO_BIN_EXE_exprjit"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_exprjit")),
    };
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn help_prints_the_usage_and_exits_0() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["eval", "--help"],
        &["eval", "-h"],
        &["eval", "x^2", "--help"],
        &["time", "--help"],
        &["time", "-h"],
        &["run", "--help"],
        &["run", "-h"],
    ] {
        let (code, out, err) = exprjit(args);
        assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
        assert!(out.starts_with("usage:\n  exprjit "), "{args:?}: {out}");
        assert!(out.contains("exprjit run FILE"), "{args:?}: {out}");
    }
    // With bindings, `-h` is still the formula -h.
    assert_eq!(
        exprjit(&["eval", "-h", "h=2"]),
        (0, "-2\n".into(), "".into())
    );
}

#[test]
fn run_reads_standard_input_and_fails_when_a_line_fails() {
    let (code, out, err) = piped(&["run", "-"], None, "x = arange(3)\nsum(x)\n");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(0),
            "x = array of 3: first 0, last 2, min 0, max 2, mean 1\n3\n",
            ""
        )
    );
    let (code, out, _) = piped(&["run", "-"], None, "x = 2\ny = 2 x\nx + 1\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(" --> <stdin>:2:7\n  |\n2 | y = 2 x\n  |       ^\n"),
        "{out}"
    );
    assert!(out.ends_with("\n3\n"), "the run goes on: {out}");
    // Piped input without `run` is the same run.
    let (code, out2, _) = piped(&[], None, "x = 2\ny = 2 x\nx + 1\n");
    assert_eq!((code, out2), (Some(1), out));
    let (code, _, _) = piped(&[], None, "x = 2\nx + 1\n");
    assert_eq!(code, Some(0));
}

#[test]
fn script_errors_name_the_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("exprjit-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("lines.ej");
    std::fs::write(
        &script,
        "a = 1\nb = a +* 2\n# ok\n:recur q <- q ; steps=-1\na\n",
    )
    .unwrap();
    let path = script.to_str().unwrap();
    let (code, out, _) = exprjit(&["run", path]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            " --> {path}:2:8\n  |\n2 | b = a +* 2\n  |        ^\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "steps must be a whole number, got `-1`\n --> {path}:4\n"
        )),
        "{out}"
    );
    assert!(out.ends_with("\n1\n"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn running_out_of_memory_is_an_error_and_the_session_goes_on() {
    // 4 GB of address space: 8 GB for `x` cannot be had, and neither can a
    // second 2.4 GB array (`z`) beside the first (`y`).
    let (code, out, err) = piped(
        &[],
        Some("ulimit -v 4000000 && exec \"$EXPRJIT\" run -"),
        "x = linspace(0, 1, 1e9)\n1+1\ny = linspace(0, 1, 3e8)\nz = y + 1\n:time y + 1\nmean(y)\n",
    );
    assert!(
        !err.contains("memory allocation") && code.is_some(),
        "no abort: {code:?} {err}"
    );
    assert_eq!(code, Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0], "error: cannot allocate 1000000000 values (8.0 GB) for `x`",
        "{out}"
    );
    assert_eq!(lines[3], "2", "{out}");
    assert!(
        lines[4].starts_with("y = array of 300000000: first 0, last 1"),
        "{out}"
    );
    assert_eq!(
        lines[5], "error: cannot allocate 300000000 values (2.4 GB) for `z`",
        "{out}"
    );
    assert!(
        out.contains("error: cannot allocate 300000000 values (2.4 GB) for the timed result"),
        "{out}"
    );
    let mean: f64 = lines.last().unwrap().parse().unwrap();
    assert!((mean - 0.5).abs() < 1e-9, "{out}");
}
