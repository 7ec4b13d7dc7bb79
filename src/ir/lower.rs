//! [`Ast`] to [`Program`]: resolves names, checks arities, and spells the
//! composite built-ins (`if`, `clamp`, `sign`, `^`, `%`) in IR operations.
//!
//! No rewriting happens here; [`super::passes`] does that. The AST is in
//! post-order, so this is one loop.

use std::sync::Arc;

use super::{BinaryOp, Builder, Callee, Id, Node, Program, UnaryOp, Var};
use crate::error::{Error, ErrorKind, Result, suggest};
use crate::functions::{self, Arity, Builtin, MathFn, Registry};
use crate::syntax::{Ast, AstKind, Infix, Prefix};

/// Lowers a parsed formula; `registry` holds the registered native functions.
pub fn lower(ast: &Ast, registry: &Registry) -> Result<Program> {
    let mut b = Builder::new();
    let mut vars: Vec<Var> = Vec::new();
    let mut var_index: std::collections::HashMap<Arc<str>, usize> =
        std::collections::HashMap::new();
    let mut ids: Vec<Id> = Vec::with_capacity(ast.nodes.len());
    let text = &ast.text;
    for node in &ast.nodes {
        let id = match &node.kind {
            AstKind::Number(v) => b.constant(*v),
            AstKind::Name(name) => {
                if let Some(v) = functions::constant(name) {
                    b.constant(v)
                } else if functions::builtin(name).is_some() || registry.lookup(name).is_some() {
                    return Err(Error::at(
                        ErrorKind::FunctionAsValue,
                        format!("`{name}` is a function; it needs arguments in parentheses"),
                        node.span,
                        text,
                    )
                    .with_help(format!("call it, e.g. `{name}(x)`")));
                } else {
                    let index = *var_index.entry(name.clone()).or_insert_with(|| {
                        vars.push(Var {
                            name: name.clone(),
                            span: node.span,
                            text: text.clone(),
                        });
                        vars.len() - 1
                    });
                    b.add(Node::Var(index as u32))
                }
            }
            AstKind::Prefix(op, a) => {
                let a = ids[a.0 as usize];
                match op {
                    Prefix::Plus => a,
                    Prefix::Neg => b.add(Node::Unary(UnaryOp::Neg, a)),
                    Prefix::Not => b.add(Node::Unary(UnaryOp::Not, a)),
                }
            }
            AstKind::Infix(op, l, r) => {
                let (l, r) = (ids[l.0 as usize], ids[r.0 as usize]);
                let bin = |op| Node::Binary(op, l, r);
                let node = match op {
                    Infix::Or => bin(BinaryOp::Or),
                    Infix::And => bin(BinaryOp::And),
                    Infix::Lt => bin(BinaryOp::Lt),
                    Infix::Le => bin(BinaryOp::Le),
                    Infix::Gt => bin(BinaryOp::Gt),
                    Infix::Ge => bin(BinaryOp::Ge),
                    Infix::Eq => bin(BinaryOp::Eq),
                    Infix::Ne => bin(BinaryOp::Ne),
                    Infix::Add => bin(BinaryOp::Add),
                    Infix::Sub => bin(BinaryOp::Sub),
                    Infix::Mul => bin(BinaryOp::Mul),
                    Infix::Div => bin(BinaryOp::Div),
                    Infix::Rem => Node::Call(Callee::Math(MathFn::Fmod), Box::new([l, r])),
                    Infix::Pow => Node::Call(Callee::Math(MathFn::Pow), Box::new([l, r])),
                };
                b.add(node)
            }
            AstKind::Call {
                name,
                name_span,
                args,
            } => {
                let args: Vec<Id> = args.iter().map(|a| ids[a.0 as usize]).collect();
                let arity_error = |expected: Arity| {
                    let (n, or_more) = match expected {
                        Arity::Exactly(n) => (n, ""),
                        Arity::AtLeast(n) => (n, " or more"),
                    };
                    let plural = if n == 1 && or_more.is_empty() {
                        ""
                    } else {
                        "s"
                    };
                    Error::at(
                        ErrorKind::Arity,
                        format!(
                            "`{name}` takes {n}{or_more} argument{plural}, but {} {} given",
                            args.len(),
                            if args.len() == 1 { "was" } else { "were" }
                        ),
                        node.span,
                        text,
                    )
                };
                if let Some((arity, builtin)) = functions::builtin(name) {
                    if !arity.accepts(args.len()) {
                        return Err(arity_error(arity));
                    }
                    lower_builtin(&mut b, builtin, &args)
                } else if let Some((index, native)) = registry.lookup(name) {
                    let arity = Arity::Exactly(native.func.arity());
                    if !arity.accepts(args.len()) {
                        return Err(arity_error(arity));
                    }
                    b.add(Node::Call(Callee::Native(index as u32), args.into()))
                } else if functions::constant(name).is_some() {
                    return Err(Error::at(
                        ErrorKind::ConstantAsFunction,
                        format!("`{name}` is a constant, not a function"),
                        *name_span,
                        text,
                    )
                    .with_help(format!("to multiply, write `{name}*(…)`")));
                } else {
                    let mut known: Vec<&str> = functions::builtin_names().collect();
                    known.extend(registry.all().iter().map(|n| n.name.as_str()));
                    let mut e = Error::at(
                        ErrorKind::UnknownFunction,
                        format!("unknown function `{name}`"),
                        *name_span,
                        text,
                    );
                    e = match suggest(name, known) {
                        Some(s) => e.with_help(format!("did you mean `{s}`?")),
                        None => e.with_help(format!(
                            "not a built-in or registered function; to multiply, write `{name}*(…)`"
                        )),
                    };
                    return Err(e);
                }
            }
        };
        ids.push(id);
    }
    let root = *ids.last().expect("an AST has a root");
    let (nodes, roots) = b.finish(&[root]);
    Ok(Program {
        nodes,
        roots,
        vars,
        natives: Arc::from(registry.all()),
        text: ast.text.clone(),
        math: crate::math::MathMode::default(),
    })
}

/// Spells a built-in call in IR operations.
fn lower_builtin(b: &mut Builder, builtin: Builtin, args: &[Id]) -> Id {
    match builtin {
        Builtin::Math(f) => b.add(Node::Call(Callee::Math(f), args.into())),
        Builtin::Sqrt => b.add(Node::Unary(UnaryOp::Sqrt, args[0])),
        Builtin::Abs => b.add(Node::Unary(UnaryOp::Abs, args[0])),
        Builtin::Floor => b.add(Node::Unary(UnaryOp::Floor, args[0])),
        Builtin::Ceil => b.add(Node::Unary(UnaryOp::Ceil, args[0])),
        Builtin::Trunc => b.add(Node::Unary(UnaryOp::Trunc, args[0])),
        // `max(a, b, c)` is `max(max(a, b), c)`: fmax folded left, so a NaN
        // argument is ignored wherever it stands.
        Builtin::Min | Builtin::Max => {
            let op = if builtin == Builtin::Min {
                BinaryOp::Min
            } else {
                BinaryOp::Max
            };
            args[1..]
                .iter()
                .fold(args[0], |acc, &x| b.add(Node::Binary(op, acc, x)))
        }
        Builtin::Fma => b.add(Node::Fma(args[0], args[1], args[2])),
        Builtin::If => b.add(Node::Select(args[0], args[1], args[2])),
        Builtin::Clamp => {
            // lo if x < lo, else hi if x > hi, else x (a NaN x stays NaN).
            let (x, lo, hi) = (args[0], args[1], args[2]);
            let below = b.add(Node::Binary(BinaryOp::Lt, x, lo));
            let above = b.add(Node::Binary(BinaryOp::Gt, x, hi));
            let upper = b.add(Node::Select(above, hi, x));
            b.add(Node::Select(below, lo, upper))
        }
        Builtin::Sign => {
            // 1 if x > 0, -1 if x < 0, else x itself (±0 and NaN).
            let x = args[0];
            let zero = b.constant(0.0);
            let one = b.constant(1.0);
            let minus_one = b.constant(-1.0);
            let pos = b.add(Node::Binary(BinaryOp::Gt, x, zero));
            let neg = b.add(Node::Binary(BinaryOp::Lt, x, zero));
            let rest = b.add(Node::Select(neg, minus_one, x));
            b.add(Node::Select(pos, one, rest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::syntax::parse;

    fn lower_text(text: &str) -> Result<Program> {
        lower(&parse(text, &Limits::default())?, &Registry::default())
    }

    #[test]
    fn shared_subexpressions_become_one_node() {
        let p = lower_text("sin(x+y) * sin(x+y) + (y+x)").unwrap();
        p.verify().unwrap();
        // x, y, x+y, sin, *, y+x, +: operand order is kept when lowering.
        assert_eq!(p.len(), 7);
        let o = crate::ir::passes::optimize(&p);
        o.verify().unwrap();
        assert_eq!(o.len(), 6, "y+x shares x+y once rewritten");
        assert_eq!(p.vars.len(), 2);
        assert_eq!(&*p.vars[0].name, "x");
    }

    #[test]
    fn name_errors_say_what_is_wrong() {
        let e = lower_text("sine(1)").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownFunction);
        assert_eq!(e.help(), Some("did you mean `sin`?"));
        assert_eq!(
            lower_text("sin").unwrap_err().kind(),
            ErrorKind::FunctionAsValue
        );
        assert_eq!(
            lower_text("pi(2)").unwrap_err().kind(),
            ErrorKind::ConstantAsFunction
        );
        let e = lower_text("atan2(1)").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Arity);
        assert_eq!(e.message(), "`atan2` takes 2 arguments, but 1 was given");
    }

    #[test]
    fn min_and_max_take_two_or_more_arguments_folded_left() {
        let p = lower_text("max(a, b, c, d)").unwrap();
        // a, b, max, c, max, d, max
        assert_eq!(p.len(), 7);
        let e = lower_text("min(1)").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Arity);
        assert_eq!(
            e.message(),
            "`min` takes 2 or more arguments, but 1 was given"
        );
        assert_eq!(
            lower_text("max()").unwrap_err().message(),
            "`max` takes 2 or more arguments, but 0 were given"
        );
    }
}
