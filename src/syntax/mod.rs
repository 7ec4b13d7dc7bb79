//! Text to [`Ast`]: the pest grammar in `grammar/expr.pest`, limits, and
//! syntax errors in words a person understands.
//!
//! ```
//! let ast = exprjit::unstable::parse_syntax("-2^2 + x", &exprjit::Limits::default()).unwrap();
//! assert_eq!(ast.to_string(), "((-(2.0 ^ 2.0)) + x)");
//! ```

pub mod ast;

use std::sync::Arc;

use pest::Parser as _;
use pest::iterators::Pair;

pub use ast::{Ast, AstId, AstKind, AstNode, Infix, Prefix};

use crate::error::{Error, ErrorKind, Result, Span};
use crate::limits::Limits;

mod grammar {
    #![allow(missing_docs)]
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/expr.pest"]
    pub(super) struct Grammar;
}
use grammar::{Grammar, Rule};

/// Parses `text` into an [`Ast`], enforcing the text-length, nesting-depth
/// and size limits.
pub fn parse(text: &str, limits: &Limits) -> Result<Ast> {
    let text: Arc<str> = Arc::from(text);
    if text.len() > limits.max_text_len {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "the formula is {} bytes long; the limit is {} (Limits::max_text_len)",
                text.len(),
                limits.max_text_len
            ),
        ));
    }
    check_paren_depth(&text, limits.max_depth)?;
    check_atom_count(&text, limits.max_nodes)?;
    let mut pairs = Grammar::parse(Rule::formula, &text).map_err(|e| syntax_error(&text, &e))?;
    let formula = pairs.next().expect("the formula rule matched");
    let mut builder = Builder {
        text: text.clone(),
        nodes: Vec::new(),
        limits,
    };
    let or_expr = formula
        .into_inner()
        .next()
        .expect("formula holds an expression");
    builder.expr(or_expr, 0)?;
    Ok(Ast {
        nodes: builder.nodes,
        text,
    })
}

/// Rejects parenthesis nesting beyond the limit before pest (which recurses
/// once per level) sees it.
fn check_paren_depth(text: &Arc<str>, max_depth: usize) -> Result<()> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                depth += 1;
                if depth > max_depth {
                    return Err(depth_error(Span::new(i, i + 1), text, max_depth));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Rejects a formula with more names and numbers than `max_nodes` before
/// pest builds its token tree (a megabyte of `x+x+…` would otherwise cost a
/// second and hundreds of MiB before the node limit is reached). Every name
/// and number becomes at least one syntax-tree node, so the count is a lower
/// bound and never refuses a formula the node limit would accept.
fn check_atom_count(text: &Arc<str>, max_nodes: usize) -> Result<()> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut atoms = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii_digit() || b == b'.' {
            // A number, signed exponent included (`1e-3` is one atom).
            while i < bytes.len() && word(bytes[i]) {
                let exponent = matches!(bytes[i], b'e' | b'E');
                i += 1;
                if exponent && i < bytes.len() && matches!(bytes[i], b'+' | b'-') {
                    i += 1;
                }
            }
        } else if b.is_ascii_alphabetic() || b == b'_' {
            while i < bytes.len() && word(bytes[i]) {
                i += 1;
            }
        } else {
            i += 1;
            continue;
        }
        atoms += 1;
        if atoms > max_nodes {
            return Err(Error::at(
                ErrorKind::Limit,
                format!("the formula has more than {max_nodes} operations (Limits::max_nodes)"),
                Span::new(start, i),
                text,
            ));
        }
    }
    Ok(())
}

fn depth_error(span: Span, text: &Arc<str>, max_depth: usize) -> Error {
    Error::at(
        ErrorKind::Limit,
        format!("the formula nests more than {max_depth} levels deep (Limits::max_depth)"),
        span,
        text,
    )
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// Folds pest's pairs into the post-order node vector.
struct Builder<'l> {
    text: Arc<str>,
    nodes: Vec<AstNode>,
    limits: &'l Limits,
}

impl Builder<'_> {
    fn push(&mut self, kind: AstKind, span: Span) -> Result<AstId> {
        if self.nodes.len() >= self.limits.max_nodes {
            return Err(Error::at(
                ErrorKind::Limit,
                format!(
                    "the formula has more than {} operations (Limits::max_nodes)",
                    self.limits.max_nodes
                ),
                span,
                &self.text,
            ));
        }
        self.nodes.push(AstNode { kind, span });
        Ok(AstId(self.nodes.len() as u32 - 1))
    }

    fn span(&self, id: AstId) -> Span {
        self.nodes[id.0 as usize].span
    }

    fn check_depth(&self, depth: usize, span: Span) -> Result<()> {
        if depth > self.limits.max_depth {
            Err(depth_error(span, &self.text, self.limits.max_depth))
        } else {
            Ok(())
        }
    }

    /// Any of the left-associative binary levels, down to `unary`.
    fn expr(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Result<AstId> {
        match pair.as_rule() {
            Rule::or_expr | Rule::and_expr | Rule::cmp_expr | Rule::sum | Rule::product => {
                let mut inner = pair.into_inner();
                let first = inner.next().expect("a chain has a first operand");
                let mut acc = self.expr(first, depth)?;
                while let Some(op) = inner.next() {
                    let rhs = inner.next().expect("an operator is followed by an operand");
                    let op = infix(op.as_str());
                    let rhs = self.expr(rhs, depth)?;
                    let span = self.span(acc).join(self.span(rhs));
                    acc = self.push(AstKind::Infix(op, acc, rhs), span)?;
                }
                Ok(acc)
            }
            Rule::unary => self.unary(pair, depth),
            rule => unreachable!("expression rule {rule:?}"),
        }
    }

    /// `prefix* power`: prefixes apply to the whole power chain.
    fn unary(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Result<AstId> {
        let parts: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
        let (power, prefixes) = parts.split_last().expect("unary ends with a power");
        if depth + prefixes.len() > self.limits.max_depth {
            // Point at the first prefix beyond the limit.
            let culprit = &prefixes[self.limits.max_depth.saturating_sub(depth)];
            return Err(depth_error(
                span_of(culprit),
                &self.text,
                self.limits.max_depth,
            ));
        }
        let depth = depth + prefixes.len();
        let operand = self.power(power.clone(), depth)?;
        self.apply_prefixes(prefixes, operand)
    }

    fn apply_prefixes(&mut self, prefixes: &[Pair<'_, Rule>], mut operand: AstId) -> Result<AstId> {
        for p in prefixes.iter().rev() {
            let op = match p.as_str() {
                "-" => Prefix::Neg,
                "+" => Prefix::Plus,
                _ => Prefix::Not,
            };
            let span = span_of(p).join(self.span(operand));
            operand = self.push(AstKind::Prefix(op, operand), span)?;
        }
        Ok(operand)
    }

    /// `primary (pow_op prefix* primary)*`, folded to the right:
    /// `a ^ -b ^ c` is `a ^ (-(b ^ c))`.
    fn power(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Result<AstId> {
        // Split into operands, each with the prefixes written before it.
        let mut operands: Vec<(Vec<Pair<'_, Rule>>, Pair<'_, Rule>)> = Vec::new();
        let mut prefixes = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::prefix => prefixes.push(p),
                Rule::primary => operands.push((std::mem::take(&mut prefixes), p)),
                _ => {} // pow_op
            }
        }
        // Nesting grows with each exponent and its prefixes.
        let mut depths = Vec::with_capacity(operands.len());
        let mut d = depth;
        for (i, (pre, primary)) in operands.iter().enumerate() {
            d += pre.len() + usize::from(i > 0);
            self.check_depth(d, span_of(primary))?;
            depths.push(d);
        }
        let mut acc: Option<AstId> = None;
        for ((pre, primary), d) in operands.into_iter().zip(depths).rev() {
            let base = self.primary(primary, d)?;
            let value = match acc {
                None => base,
                Some(exp) => {
                    let span = self.span(base).join(self.span(exp));
                    self.push(AstKind::Infix(Infix::Pow, base, exp), span)?
                }
            };
            acc = Some(self.apply_prefixes(&pre, value)?);
        }
        Ok(acc.expect("a power has an operand"))
    }

    fn primary(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Result<AstId> {
        let inner = pair.into_inner().next().expect("primary has one child");
        let span = span_of(&inner);
        match inner.as_rule() {
            Rule::number => {
                let v: f64 = inner.as_str().parse().map_err(|_| {
                    Error::at(ErrorKind::Syntax, "malformed number", span, &self.text)
                })?;
                self.push(AstKind::Number(v), span)
            }
            Rule::name => self.push(AstKind::Name(Arc::from(inner.as_str())), span),
            Rule::group => {
                self.check_depth(depth + 1, span)?;
                let e = inner
                    .into_inner()
                    .next()
                    .expect("group holds an expression");
                let id = self.expr(e, depth + 1)?;
                // The group's span includes its parentheses.
                self.nodes[id.0 as usize].span = span;
                Ok(id)
            }
            Rule::call => {
                self.check_depth(depth + 1, span)?;
                let mut parts = inner.into_inner();
                let name = parts.next().expect("call has a name");
                let name_span = span_of(&name);
                let mut args = Vec::new();
                for a in parts {
                    args.push(self.expr(a, depth + 1)?);
                }
                let kind = AstKind::Call {
                    name: Arc::from(name.as_str()),
                    name_span,
                    args,
                };
                self.push(kind, span)
            }
            rule => unreachable!("primary rule {rule:?}"),
        }
    }
}

fn infix(op: &str) -> Infix {
    match op {
        "||" => Infix::Or,
        "&&" => Infix::And,
        "<" => Infix::Lt,
        "<=" => Infix::Le,
        ">" => Infix::Gt,
        ">=" => Infix::Ge,
        "==" => Infix::Eq,
        "!=" => Infix::Ne,
        "+" => Infix::Add,
        "-" => Infix::Sub,
        "*" => Infix::Mul,
        "/" => Infix::Div,
        "%" => Infix::Rem,
        _ => Infix::Pow,
    }
}

/// Turns pest's error (rule names, a byte position) into a message in words.
fn syntax_error(text: &Arc<str>, e: &pest::error::Error<Rule>) -> Error {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.as_slice(),
        ErrorVariant::CustomError { message } => {
            // pest's own stack or call guard.
            return Error::at(
                ErrorKind::Limit,
                format!("the formula is too deeply nested to parse ({message})"),
                Span::new(pos, pos),
                text,
            );
        }
    };
    let rest = &text[pos..];
    let found = rest.chars().next();
    let span = Span::new(pos, pos + found.map_or(0, char::len_utf8));
    let found_text = match found {
        None => "the end of the formula".to_string(),
        Some(c) if c.is_control() => format!("the control character `{}`", c.escape_default()),
        Some(c) => format!("`{c}`"),
    };
    let err = |msg: String| Error::at(ErrorKind::Syntax, msg, span, text);

    let wants_operand = positives.iter().any(|r| {
        matches!(
            r,
            Rule::primary | Rule::number | Rule::name | Rule::call | Rule::group | Rule::prefix
        ) || matches!(r, Rule::or_expr | Rule::unary | Rule::power)
    });
    if wants_operand {
        let mut e = err(format!(
            "expected a number, a name, a function call or `(`, found {found_text}"
        ));
        if let Some(help) = unexpected_char_help(found, text, pos) {
            e = e.with_help(help);
        }
        return e;
    }

    // An operator (or a closing token) was expected.
    let closer = match innermost_open(&text[..pos]) {
        Open::None => " or the end of the formula",
        Open::Group => " or `)`",
        Open::Call => ", `,` or `)`",
    };
    // A number running straight into letters, dots or digits: `1e`, `1..2`, `2x`.
    if let Some(bad) = malformed_number(text, pos) {
        let starts_with_letter = text[pos..].starts_with(|c: char| c.is_ascii_alphabetic());
        let exponent = text[pos..].starts_with(['e', 'E']);
        if !starts_with_letter || exponent {
            let token = &text[bad.start..bad.end];
            let msg = if exponent {
                format!("malformed number `{token}`: the exponent needs digits")
            } else {
                format!("malformed number `{token}`")
            };
            return Error::at(ErrorKind::Syntax, msg, bad, text);
        }
    }
    let mut e = err(format!("expected an operator{closer}, found {found_text}"));
    let help = match found {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '(' => {
            let token = |s: &str| {
                s.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                    .collect::<String>()
            };
            let before: String = token(&text[..pos].trim_end().chars().rev().collect::<String>())
                .chars()
                .rev()
                .collect();
            let after = token(&text[pos..]);
            let (a, b) = match (before.is_empty(), after.is_empty()) {
                (false, false) => (before, after),
                _ => ("2".to_string(), "x".to_string()),
            };
            Some(format!(
                "two values with no operator between them; write `{a}*{b}` to multiply"
            ))
        }
        Some('=') => {
            Some("`=` is not an operator: use `==` to compare; a formula cannot assign".to_string())
        }
        Some('!') => Some("`!` is a prefix operator (`!x`); `!=` compares".to_string()),
        Some(')') if closer == " or the end of the formula" => {
            Some("this `)` has no matching `(`".to_string())
        }
        Some(',') if closer != ", `,` or `)`" => {
            Some("`,` separates the arguments of a function call".to_string())
        }
        other => unexpected_char_help(other, text, pos),
    };
    if let Some(help) = help {
        e = e.with_help(help);
    }
    e
}

fn unexpected_char_help(found: Option<char>, text: &str, pos: usize) -> Option<String> {
    match found {
        None => {
            let last = text[..pos].trim_end().chars().last();
            last.map(|c| format!("the formula ends after `{c}`, which needs something after it"))
        }
        Some('√') => Some("`√` is not part of the language; write `sqrt(x)`".to_string()),
        Some(c) if !c.is_ascii() || c.is_ascii_control() || "$#@?:;[]{}'\"\\`~|&=".contains(c) => {
            Some(format!("`{c}` is not part of the language"))
        }
        _ => None,
    }
}

enum Open {
    None,
    Group,
    Call,
}

/// Which kind of parenthesis is still open at the end of `before`.
fn innermost_open(before: &str) -> Open {
    let mut stack = Vec::new();
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => {
                let prev = before[..i].trim_end().bytes().last();
                let is_call = prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == b'_')
                    && !before[..i]
                        .trim_end()
                        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                        .next()
                        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit() || c == '.'));
                stack.push(is_call);
            }
            b')' => {
                stack.pop();
            }
            _ => {}
        }
    }
    match stack.last() {
        None => Open::None,
        Some(false) => Open::Group,
        Some(true) => Open::Call,
    }
}

/// If a number literal ends right at `pos` and is followed with no space by
/// characters that could continue a number, the span of the whole bad token.
fn malformed_number(text: &str, pos: usize) -> Option<Span> {
    let before = &text[..pos];
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + 1);
    let token = &before[start..];
    if token.is_empty() || !token.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let after = &text[pos..];
    if !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        return None;
    }
    let mut end = pos;
    let mut prev = ' ';
    for c in after.chars() {
        let continues = c.is_ascii_alphanumeric()
            || c == '_'
            || c == '.'
            || ((c == '+' || c == '-') && matches!(prev, 'e' | 'E'));
        if !continues {
            break;
        }
        end += c.len_utf8();
        prev = c;
    }
    Some(Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        parse(text, &Limits::default()).unwrap().to_string()
    }

    fn fail(text: &str) -> Error {
        parse(text, &Limits::default()).unwrap_err()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(show("1 + 2 * 3"), "(1.0 + (2.0 * 3.0))");
        assert_eq!(show("10 - 4 - 3"), "((10.0 - 4.0) - 3.0)");
        assert_eq!(show("2^3^2"), "(2.0 ^ (3.0 ^ 2.0))");
        assert_eq!(show("2**3**2"), "(2.0 ^ (3.0 ^ 2.0))");
        assert_eq!(show("-2^2"), "(-(2.0 ^ 2.0))");
        assert_eq!(show("2^-2^2"), "(2.0 ^ (-(2.0 ^ 2.0)))");
        assert_eq!(show("2 * 7 % 4"), "((2.0 * 7.0) % 4.0)");
        assert_eq!(show("1 || 0 && 0"), "(1.0 || (0.0 && 0.0))");
        assert_eq!(show("1 + 2 < 4"), "((1.0 + 2.0) < 4.0)");
        assert_eq!(show("!x == - -y"), "((!x) == (-(-y)))");
        assert_eq!(show("if(a, b, f(c))"), "if(a, b, f(c))");
    }

    #[test]
    fn numbers_in_every_form() {
        assert_eq!(show(".5"), "0.5");
        assert_eq!(show("5."), "5.0");
        assert_eq!(show("6.02E+23"), "6.02e23");
        assert_eq!(show("1e-3"), "0.001");
    }

    #[test]
    fn spans_cover_the_source_text() {
        let ast = parse(" (x + 1) * sin(y)", &Limits::default()).unwrap();
        let root = ast.node(ast.root());
        assert_eq!(root.span, Span::new(1, 17));
        let AstKind::Infix(_, lhs, _) = root.kind else {
            panic!("not infix")
        };
        assert_eq!(ast.node(lhs).span, Span::new(1, 8));
    }

    #[test]
    fn syntax_errors_point_at_the_culprit() {
        let e = fail("2 x");
        assert_eq!(e.line_col(), Some((1, 3)));
        assert!(e.help().unwrap().contains("2*x"));
        assert!(fail("1 +").is_at_end());
        assert_eq!(fail("1e").kind(), ErrorKind::Syntax);
        assert!(fail("1e+").message().contains("exponent"));
        assert!(fail("1..2").message().contains("malformed number"));
        assert!(fail("sin(1").message().contains("operator, `,` or `)`"));
        assert!(fail("(1").message().contains("`)`"));
    }

    #[test]
    fn depth_and_size_limits_are_errors() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(fail(&deep).kind(), ErrorKind::Limit);
        let minus = format!("{}1", "-".repeat(100_000));
        assert_eq!(fail(&minus).kind(), ErrorKind::Limit);
        let tower = format!("2{}", "^2".repeat(100_000));
        assert_eq!(fail(&tower).kind(), ErrorKind::Limit);
        let limits = Limits {
            max_nodes: 10,
            ..Limits::default()
        };
        let big = vec!["x"; 20].join("+");
        assert_eq!(parse(&big, &limits).unwrap_err().kind(), ErrorKind::Limit);
        // The pre-scan counts `1e-3` as one atom: 10 numbers fit 10 nodes
        // only if each is one node, so 10 of them must get past the scan
        // and fail on the (larger) tree count instead, at a `+`.
        let numbers = ["1e-3"; 10].join("+");
        assert!(check_atom_count(&Arc::from(numbers.as_str()), 10).is_ok());
        assert!(check_atom_count(&Arc::from(numbers.as_str()), 9).is_err());
        let exact = ["1e-3"; 5].join("+"); // 9 nodes
        assert!(parse(&exact, &limits).is_ok());
        let limits = Limits {
            max_text_len: 5,
            ..Limits::default()
        };
        assert_eq!(
            parse("1 + 2 + 3", &limits).unwrap_err().kind(),
            ErrorKind::Limit
        );
    }

    #[test]
    fn long_flat_chains_are_fine() {
        let sum = vec!["x"; 40_000].join("+");
        assert_eq!(parse(&sum, &Limits::default()).unwrap().nodes.len(), 79_999);
    }
}
