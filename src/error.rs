//! The one error type of exprjit, with spans and a caret formatter.
//!
//! Every stage reports through [`Error`]: the parser, name resolution, the
//! limits, argument binding, code generation and the call-time checks. An
//! error that points into the formula carries a [`Span`] and a copy of the
//! text, so `Display` can show the line with a caret under the culprit:
//!
//! ```text
//! error: expected an operator or the end of the formula, found `x`
//!   (a number or name cannot follow another; write `2*x` to multiply)
//!  --> line 1, column 3
//!   |
//! 1 | 2 x
//!   |   ^
//! ```

use std::fmt;
use std::sync::Arc;

/// A byte range `start..end` in the formula text.
///
/// `start == end == text.len()` points at the end of the formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span over `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// What went wrong, in categories a program can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not a formula: a missing operand, an unexpected character, …
    Syntax,
    /// A call names no built-in or registered function.
    UnknownFunction,
    /// A function was called with the wrong number of arguments.
    Arity,
    /// A function name was used where a value is expected (`sin` without `(`).
    FunctionAsValue,
    /// A constant was called like a function (`pi(2)`).
    ConstantAsFunction,
    /// A reserved name (`pi`, `e`, a function) was used as a variable or argument name.
    ReservedName,
    /// A name that is not an identifier (`[A-Za-z_][A-Za-z0-9_]*`).
    InvalidName,
    /// The same argument or binding name was given twice.
    DuplicateName,
    /// The formula uses a variable that has no value or argument slot.
    UnboundVariable,
    /// A compiled or interpreted formula was called with the wrong number of values.
    ArgumentCount,
    /// A value given as text (`x=abc`) is not a number.
    InvalidValue,
    /// Array lengths disagree, an output is too short, or a size is invalid.
    Length,
    /// A limit was exceeded: nesting depth, program size or text length.
    Limit,
    /// Registering a native function failed (bad name, clash, arity).
    Registration,
    /// Cranelift rejected the generated code; this is a bug in exprjit.
    Codegen,
    /// An ODE solve stopped: the step size collapsed (probably stiff), the
    /// step budget ran out, or the state became NaN or infinite.
    Solve,
    /// This CPU cannot run a requested setting (a vector width it lacks).
    Unsupported,
}

/// An exprjit error: a kind, a message in words, and where it applies.
/// `Display` renders it the way the `exprjit` command prints it, with a
/// caret under the culprit for errors in formula text.
///
/// ```
/// let err = exprjit::parse("sqr(2)").unwrap_err();
/// assert_eq!(err.kind(), exprjit::ErrorKind::UnknownFunction);
/// assert_eq!(err.help(), Some("did you mean `sqrt`?"));
/// assert!(err.to_string().contains("1 | sqr(2)\n  | ^^^"));
/// ```
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    help: Option<String>,
    span: Option<Span>,
    text: Option<Arc<str>>,
}

/// The result type of exprjit's fallible operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with no position.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            help: None,
            span: None,
            text: None,
        }
    }

    /// An error pointing at `span` of `text`.
    pub(crate) fn at(
        kind: ErrorKind,
        message: impl Into<String>,
        span: Span,
        text: &Arc<str>,
    ) -> Error {
        Error::new(kind, message).with_span(span, text)
    }

    /// Attaches a position in `text`.
    pub(crate) fn with_span(mut self, span: Span, text: &Arc<str>) -> Error {
        self.span = Some(span);
        self.text = Some(text.clone());
        self
    }

    /// Adds a hint on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    /// The category.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The one-line message, without position or caret.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A hint on how to fix it, if there is one.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The byte span in the formula, if the error has a position.
    pub fn span(&self) -> Option<Span> {
        self.span
    }

    /// True when the error points at the end of the formula (something is missing).
    pub fn is_at_end(&self) -> bool {
        matches!((&self.span, &self.text), (Some(s), Some(t)) if s.start >= t.len())
    }

    /// 1-based line and column (in characters) of the error's start, if it has a position.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (span, text) = (self.span?, self.text.as_ref()?);
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some((line, before[line_start..].chars().count() + 1))
    }

    /// The formula line with a caret (or carets) under the span, if there is a position.
    pub fn caret(&self) -> Option<String> {
        let (line, shown, col, width) = self.caret_parts()?;
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        Some(format!(
            "{pad} |\n{gutter} | {shown}\n{pad} | {}{}",
            " ".repeat(col),
            "^".repeat(width)
        ))
    }

    /// What [`caret`](Error::caret) draws: the 1-based line number, that
    /// line of the text as shown (control characters as spaces), the
    /// 0-based column of the span's start in characters, and the caret's
    /// width.
    pub(crate) fn caret_parts(&self) -> Option<(usize, String, usize, usize)> {
        let (span, text) = (self.span?, self.text.as_ref()?);
        let start = span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        // Tabs and other control characters are shown as one space so the
        // caret lines up with what a terminal prints.
        let shown: String = text[line_start..line_end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let col = text[line_start..start].chars().count();
        let end = span.end.clamp(start, line_end);
        let width = text[start..end].chars().count().max(1);
        let (line, _) = self.line_col()?;
        Some((line, shown, col, width))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  ({help})")?;
        }
        if let Some((line, col)) = self.line_col() {
            if self.is_at_end() {
                write!(f, "\n --> line {line}, column {col} (end of the formula)")?;
            } else {
                write!(f, "\n --> line {line}, column {col}")?;
            }
            if let Some(caret) = self.caret() {
                write!(f, "\n{caret}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {self}", self.kind)
    }
}

impl std::error::Error for Error {}

/// The known name closest to `name` by edit distance, if one is close enough
/// to be a plausible typo.
pub(crate) fn suggest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = match name.chars().count() {
        0..=4 => 1,
        5..=7 => 2,
        _ => 3,
    };
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, k)| (d, k.len()))
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("sin", "sin"), 0);
        assert_eq!(edit_distance("sine", "sin"), 1);
        assert_eq!(edit_distance("sqr", "sqrt"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn suggest_picks_the_closest_plausible_name() {
        let known = ["sin", "sinh", "sqrt", "cos"];
        assert_eq!(suggest("sine", known), Some("sin"));
        assert_eq!(suggest("sqr", known), Some("sqrt"));
        assert_eq!(suggest("foo", known), None);
    }

    #[test]
    fn line_and_column_count_characters() {
        let text: Arc<str> = Arc::from("√2 +\n  $");
        let e = Error::at(ErrorKind::Syntax, "bad", Span::new(9, 10), &text);
        assert_eq!(e.line_col(), Some((2, 3)));
        assert_eq!(e.caret().unwrap(), "  |\n2 |   $\n  |   ^");
        let e = Error::at(ErrorKind::Syntax, "bad", Span::new(3, 4), &text);
        assert_eq!(e.line_col(), Some((1, 2)));
    }

    #[test]
    fn end_of_input_is_reported_as_such() {
        let text: Arc<str> = Arc::from("1 +");
        let e = Error::at(ErrorKind::Syntax, "missing", Span::new(3, 3), &text);
        assert!(e.is_at_end());
        assert_eq!(
            e.to_string(),
            "error: missing\n --> line 1, column 4 (end of the formula)\n  |\n1 | 1 +\n  |    ^"
        );
    }
}
