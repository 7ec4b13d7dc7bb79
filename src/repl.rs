//! The interactive loop: line editing, history and completion (rustyline)
//! around [`exprjit::Session`]; Ctrl-C stops a long measurement.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use exprjit::{Reply, Session};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

/// How standard input is named in error locations.
pub const STDIN: &str = "<stdin>";

/// Completes the word before the cursor from the session's names.
struct Completion {
    names: Vec<String>,
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        let mut matches: Vec<Pair> = self
            .names
            .iter()
            .filter(|n| !word.is_empty() && n.starts_with(word))
            .map(|n| Pair {
                display: n.clone(),
                replacement: n.clone(),
            })
            .collect();
        matches.sort_by(|a, b| a.display.cmp(&b.display));
        matches.dedup_by(|a, b| a.display == b.display);
        Ok((start, matches))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {}
impl Validator for Completion {}
impl Helper for Completion {}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".exprjit_history"))
}

/// Installs a Ctrl-C handler that interrupts the session's measurements.
fn catch_ctrl_c(session: &Session) {
    let flag = session.interrupt_flag();
    // If a handler cannot be installed (one exists already), Ctrl-C keeps
    // its default meaning; the session works either way.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
}

/// Prints a line to stdout; false if stdout is gone (a closed pipe), so
/// callers stop instead of panicking.
pub fn say(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
}

/// Runs lines from `input` without prompts (a pipe or a script) named
/// `source` in error locations (`--> source:LINE:COLUMN`). An error does not
/// stop the run; the exit status is 1 if any line failed (so scripts can
/// gate CI), 2 if the input could not be read, else 0.
pub fn run_lines(input: impl BufRead, source: &str) -> ExitCode {
    let mut session = Session::new();
    session.set_source(source);
    catch_ctrl_c(&session);
    for (k, line) in input.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("error: cannot read line {} of {source}: {e}", k + 1);
                return ExitCode::from(2);
            }
        };
        match session.line(&line) {
            Reply::Quit => break,
            Reply::Text(t) if t.is_empty() => {}
            Reply::Text(t) => {
                if !say(&t) {
                    break;
                }
            }
        }
    }
    if session.failures() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The interactive session on a terminal, or the same without prompts on a pipe.
pub fn run() -> ExitCode {
    if !std::io::stdin().is_terminal() {
        return run_lines(std::io::stdin().lock(), STDIN);
    }
    let mut session = Session::new();
    catch_ctrl_c(&session);
    session.set_progress(|done, total| {
        let width = 30;
        let filled = width * done / total.max(1);
        eprint!(
            "\r[{}{}] {done}/{total}",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        if done == total {
            eprint!("\r{}\r", " ".repeat(width + 12));
        }
    });
    let mut editor: Editor<Completion, DefaultHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start line editing ({e}); reading plain lines");
            return run_lines(std::io::stdin().lock(), STDIN);
        }
    };
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    println!(
        "exprjit {} — type a formula, or :help",
        env!("CARGO_PKG_VERSION")
    );
    loop {
        editor.set_helper(Some(Completion {
            names: session.completions(),
        }));
        match editor.readline("> ") {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                match session.line(&line) {
                    Reply::Quit => break,
                    Reply::Text(t) if t.is_empty() => {}
                    Reply::Text(t) => {
                        if !say(&t) {
                            break;
                        }
                    }
                }
            }
            Err(ReadlineError::Interrupted) => println!("(Ctrl-C: type :quit or Ctrl-D to leave)"),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    ExitCode::SUCCESS
}
