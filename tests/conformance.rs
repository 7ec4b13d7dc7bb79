//! Data-driven conformance: every `.tsv` in the repository's own corpus,
//! `tests/data/conformance/` (format and pass rule in its README), each
//! case on the interpreter and the JIT, with rewrites on and off. A second
//! test also runs an outside corpus when there is one: `EXPRJIT_CONFORMANCE_DIR`
//! if set (then it must exist), else `../shared/conformance` beside the
//! repository if present; its absence is not a failure.

mod common;

use std::path::{Path, PathBuf};

use common::{same, ulp_distance};
use exprjit::{Engine, Error};

/// The in-repository corpus has 489 data rows (155 + 34 + 300), each run
/// with rewrites on and off: fewer cases means rows were lost.
const MIN_IN_REPO_CASES: usize = 2 * 489;

fn in_repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance")
}

/// `EXPRJIT_CONFORMANCE_DIR` (which must then exist), else
/// `../shared/conformance` if it exists, else nothing.
fn outside_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("EXPRJIT_CONFORMANCE_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "EXPRJIT_CONFORMANCE_DIR={} is not a folder",
            dir.display()
        );
        return Some(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    dir.is_dir().then_some(dir)
}

/// The data rows of a corpus file: where each is (file:line `expression`)
/// and its tab-separated columns.
fn rows<'t>(path: &Path, text: &'t str) -> Vec<(String, Vec<&'t str>)> {
    let file = path.file_name().unwrap().to_string_lossy();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.is_empty())
        .map(|(lineno, line)| {
            let cols: Vec<&str> = line.split('\t').collect();
            (format!("{file}:{} `{}`", lineno + 1, cols[0]), cols)
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("\\t", "\t").replace("\\n", "\n")
}

fn bindings(s: &str) -> Result<(Vec<String>, Vec<f64>), String> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    for b in s.split_whitespace() {
        let (n, v) = b.split_once('=').ok_or(format!("bad binding {b}"))?;
        names.push(n.to_string());
        values.push(
            v.parse::<f64>()
                .map_err(|e| format!("bad value {v}: {e}"))?,
        );
    }
    Ok((names, values))
}

/// Both backends' values, or the first error.
fn run(engine: &Engine, text: &str, names: &[String], values: &[f64]) -> Result<(f64, f64), Error> {
    let expr = engine.parse(text)?;
    let jit = expr.compile(names)?.call(values)?;
    let interp = expr.interpreter(names)?.call(values)?;
    Ok((jit, interp))
}

fn value_file(path: &Path, text: &str, failures: &mut Vec<String>) -> usize {
    let mut cases = 0;
    for (at, cols) in rows(path, text) {
        assert!(cols.len() >= 4, "{at}: too few columns");
        let expr = unescape(cols[0]);
        let (names, values) = bindings(cols[1]).unwrap();
        let expected: f64 = cols[2].parse().unwrap();
        let max_ulp: f64 = cols[3].parse().unwrap();
        for rewrites in [true, false] {
            cases += 1;
            let engine = Engine::new().with_rewrites(rewrites);
            match run(&engine, &expr, &names, &values) {
                Err(e) => failures.push(format!("{at} (rewrites {rewrites}): error {e}")),
                Ok((jit, interp)) => {
                    if !same(jit, interp) {
                        failures.push(format!(
                            "{at} (rewrites {rewrites}): jit {jit:?} != interpreter {interp:?}"
                        ));
                    }
                    let ok = if max_ulp == 0.0 {
                        same(interp, expected)
                    } else {
                        ulp_distance(interp, expected) <= max_ulp
                    };
                    if !ok {
                        failures.push(format!(
                            "{at} (rewrites {rewrites}): got {interp:?}, expected {expected:?} within {max_ulp} ulp ({} ulp)",
                            ulp_distance(interp, expected)
                        ));
                    }
                }
            }
        }
    }
    cases
}

fn error_file(path: &Path, text: &str, failures: &mut Vec<String>) -> usize {
    let mut cases = 0;
    for (at, cols) in rows(path, text) {
        assert!(cols.len() >= 3, "{at}: too few columns");
        let expr = unescape(cols[0]);
        let column = cols[2];
        for rewrites in [true, false] {
            cases += 1;
            let engine = Engine::new().with_rewrites(rewrites);
            let result =
                bindings(cols[1])
                    .map_err(|e| e.to_string())
                    .and_then(|(names, values)| {
                        run(&engine, &expr, &names, &values).map_err(|e| {
                            let ok = match column {
                                "-" => true,
                                "*" => e.line_col().is_some(),
                                "0" => e.is_at_end(),
                                n => {
                                    e.line_col().map(|(_, c)| c.to_string()) == Some(n.to_string())
                                        && !e.is_at_end()
                                }
                            };
                            if ok {
                                String::new()
                            } else {
                                format!("wrong position (want column {column}): {e}")
                            }
                        })
                    });
            match result {
                Ok(v) => failures.push(format!("{at}: accepted, gave {v:?}")),
                Err(msg) if msg.is_empty() => {}
                Err(msg) => failures.push(format!("{at}: {msg}")),
            }
        }
    }
    cases
}

/// Runs every `.tsv` file in `dir`: the number of cases run and the
/// failures. Panics if the folder is missing or holds no `.tsv` file.
fn run_corpus(dir: &Path) -> (usize, Vec<String>) {
    assert!(
        dir.is_dir(),
        "the conformance corpus is missing: expected {}",
        dir.display()
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .tsv files in {}", dir.display());
    let mut failures = Vec::new();
    let mut total = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let header = text.lines().next().unwrap_or("");
        let cases = if header.contains("expected") {
            value_file(path, &text, &mut failures)
        } else if header.contains("column") {
            error_file(path, &text, &mut failures)
        } else {
            panic!("{}: unknown header {header:?}", path.display());
        };
        assert!(cases > 0, "{}: no cases", path.display());
        total += cases;
    }
    (total, failures)
}

fn check(dir: &Path, min_cases: usize) {
    let (total, failures) = run_corpus(dir);
    assert!(
        total >= min_cases,
        "only {total} cases ran from {} (at least {min_cases} expected)",
        dir.display()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} conformance cases in {} failed:\n{}",
        failures.len(),
        dir.display(),
        failures.join("\n")
    );
    eprintln!("{total} conformance cases passed in {}", dir.display());
}

#[test]
fn the_repository_corpus_passes_on_both_backends() {
    check(&in_repo_dir(), MIN_IN_REPO_CASES);
}

#[test]
fn an_outside_corpus_passes_too_if_present() {
    match outside_dir() {
        Some(dir) => check(&dir, 1),
        None => eprintln!("no outside conformance corpus (../shared/conformance); skipped"),
    }
}
