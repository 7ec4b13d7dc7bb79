//! Errors of a script's lines, located as a compiler would: `--> FILE:2:5`
//! and the script's line with a caret under the culprit.
//!
//! An error's span points into the formula that was parsed, which is part
//! of the line (`y = 2 x` parses ` 2 x`); the formula's text, as the
//! error's caret shows it (`Error::caret_parts`), is found in the line to
//! turn its column into the line's.

use std::fmt::Write as _;

use crate::Error;

/// `e` as the session prints it for line `line_no` of `source`, whose
/// text is `line`.
pub(super) fn located(e: &Error, source: &str, line_no: usize, line: &str) -> String {
    let mut out = format!("error: {}", e.message());
    if let Some(help) = e.help() {
        let _ = write!(out, "\n  ({help})");
    }
    // Control characters (tabs) show as one space, as in the error's caret.
    let shown: String = line
        .trim_end()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match place(e, &shown) {
        Some((col, width)) => {
            let gutter = line_no.to_string();
            let pad = " ".repeat(gutter.len());
            let end = if e.is_at_end() {
                " (end of the formula)"
            } else {
                ""
            };
            let _ = write!(
                out,
                "\n --> {source}:{line_no}:{}{end}\n{pad} |\n{gutter} | {shown}\n{pad} | {}{}",
                col + 1,
                " ".repeat(col),
                "^".repeat(width)
            );
        }
        None => {
            let _ = write!(out, "\n --> {source}:{line_no}");
            if let Some(caret) = e.caret() {
                let _ = write!(out, "\n{caret}");
            }
        }
    }
    out
}

/// Where the error's span lies in `line`: the 0-based column (in
/// characters) and the width of the caret; `None` if the error has no
/// position or its formula is not in the line.
fn place(e: &Error, line: &str) -> Option<(usize, usize)> {
    let (_, formula, col, width) = e.caret_parts()?;
    // An empty formula (`y =`) is at the end of the line.
    let at = if formula.trim().is_empty() {
        line.rfind(&formula)?
    } else {
        line.find(&formula)?
    };
    Some((line[..at].chars().count() + col, width))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    fn error(formula: &str) -> Error {
        Engine::new().parse(formula).unwrap_err()
    }

    #[test]
    fn columns_count_from_the_start_of_the_script_line() {
        let e = error(" 2 x");
        assert_eq!(
            located(&e, "f.ej", 12, "y = 2 x"),
            format!(
                "error: {}\n  ({})\n --> f.ej:12:7\n   |\n12 | y = 2 x\n   |       ^",
                e.message(),
                e.help().unwrap()
            )
        );
        let e = error("");
        let out = located(&e, "f.ej", 3, "y =\t");
        assert!(
            out.ends_with(" --> f.ej:3:4 (end of the formula)\n  |\n3 | y =\n  |    ^"),
            "{out}"
        );
    }

    #[test]
    fn an_error_without_a_position_names_the_line() {
        let e = Error::new(crate::ErrorKind::Limit, "interrupted");
        assert_eq!(
            located(&e, "<stdin>", 2, ":time x"),
            "error: interrupted\n --> <stdin>:2"
        );
    }
}
