//! The abstract syntax tree: what the person typed, with spans, names unresolved.
//!
//! Nodes live in one vector in post-order (every child before its parent), so
//! later stages walk it with a loop, not recursion: a 100,000-term sum cannot
//! overflow the stack.

use std::fmt;
use std::sync::Arc;

use crate::error::Span;

/// Index of a node in [`Ast::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AstId(pub u32);

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// `-a`
    Neg,
    /// `+a`
    Plus,
    /// `!a`
    Not,
}

/// An infix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Infix {
    Or,
    And,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

impl Infix {
    /// The operator as written (`**` is shown as `^`).
    pub fn symbol(self) -> &'static str {
        match self {
            Infix::Or => "||",
            Infix::And => "&&",
            Infix::Lt => "<",
            Infix::Le => "<=",
            Infix::Gt => ">",
            Infix::Ge => ">=",
            Infix::Eq => "==",
            Infix::Ne => "!=",
            Infix::Add => "+",
            Infix::Sub => "-",
            Infix::Mul => "*",
            Infix::Div => "/",
            Infix::Rem => "%",
            Infix::Pow => "^",
        }
    }
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum AstKind {
    /// A numeric literal, already converted to the nearest f64.
    Number(f64),
    /// A name used as a value: a variable or a constant (resolved when lowering).
    Name(Arc<str>),
    /// `name(args…)`; `name_span` covers the name only.
    Call {
        /// The function name.
        name: Arc<str>,
        /// Where the name is.
        name_span: Span,
        /// The arguments, in order.
        args: Vec<AstId>,
    },
    /// A prefix operator applied to an operand.
    Prefix(Prefix, AstId),
    /// An infix operator; `op_span` covers the operator.
    Infix(Infix, AstId, AstId),
}

/// A node and the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct AstNode {
    /// What it is.
    pub kind: AstKind,
    /// The text it covers.
    pub span: Span,
}

/// A parsed formula.
#[derive(Debug, Clone)]
pub struct Ast {
    /// Nodes in post-order; the last one is the root.
    pub nodes: Vec<AstNode>,
    /// The formula text the spans point into.
    pub text: Arc<str>,
}

impl Ast {
    /// The root node.
    pub fn root(&self) -> AstId {
        AstId(self.nodes.len() as u32 - 1)
    }

    /// A node by id.
    pub fn node(&self, id: AstId) -> &AstNode {
        &self.nodes[id.0 as usize]
    }
}

/// Fully parenthesised rendering, for tests and debugging: `(-(2 ^ 2))`.
impl fmt::Display for Ast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown: Vec<String> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let s = match &node.kind {
                AstKind::Number(v) => format!("{v:?}"),
                AstKind::Name(n) => n.to_string(),
                AstKind::Call { name, args, .. } => {
                    let args: Vec<&str> =
                        args.iter().map(|a| shown[a.0 as usize].as_str()).collect();
                    format!("{name}({})", args.join(", "))
                }
                AstKind::Prefix(op, a) => {
                    let sym = match op {
                        Prefix::Neg => "-",
                        Prefix::Plus => "+",
                        Prefix::Not => "!",
                    };
                    format!("({sym}{})", shown[a.0 as usize])
                }
                AstKind::Infix(op, a, b) => format!(
                    "({} {} {})",
                    shown[a.0 as usize],
                    op.symbol(),
                    shown[b.0 as usize]
                ),
            };
            shown.push(s);
        }
        f.write_str(shown.last().map_or("", String::as_str))
    }
}
