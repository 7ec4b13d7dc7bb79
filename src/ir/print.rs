//! Renders a [`Program`] as formula text, with only the parentheses needed.
//!
//! The text parses back to the same program (numbers are printed as the
//! shortest text that reads back to the same f64; `inf` as `(1/0)`, NaN as
//! `(0/0)`). When writing shared subexpressions out in full would make the
//! text long (over [`EXPAND_LIMIT`] bytes), they are named instead:
//! `t1 = x*x; t1*t1`, which is for reading, not parsing.

use super::{BinaryOp, Callee, Node, Program, UnaryOp, operands};
use crate::format::format_f64;
use crate::functions::MathFn;

/// Longest rendering that writes shared subexpressions out in full.
pub const EXPAND_LIMIT: usize = 4096;

// Binding strength, loosest first.
const OR: u8 = 1;
const AND: u8 = 2;
const CMP: u8 = 3;
const SUM: u8 = 4;
const PRODUCT: u8 = 5;
const PREFIX: u8 = 6;
const POWER: u8 = 7;
const ATOM: u8 = 8;

/// The program as formula text (several roots are separated by `; `).
pub fn render(program: &Program) -> String {
    // Size of each node written out in full (saturating).
    let mut size = vec![0usize; program.nodes.len()];
    let mut uses = vec![0u32; program.nodes.len()];
    for (i, node) in program.nodes.iter().enumerate() {
        let mut s = 8usize;
        for a in operands(node) {
            s = s.saturating_add(size[a.index()]);
            uses[a.index()] += 1;
        }
        size[i] = s;
    }
    let total = program
        .roots
        .iter()
        .fold(0usize, |t, r| t.saturating_add(size[r.index()]));
    let expand = total <= EXPAND_LIMIT;

    let mut shown: Vec<(String, u8)> = Vec::with_capacity(program.nodes.len());
    let mut lets: Vec<String> = Vec::new();
    for (i, node) in program.nodes.iter().enumerate() {
        let (text, prec) = render_node(program, node, &shown);
        let leaf = matches!(node, Node::Const(_) | Node::Var(_));
        let is_root = program.roots.iter().any(|r| r.index() == i);
        if !expand && !leaf && uses[i] > 1 && !is_root {
            let name = format!("t{}", lets.len() + 1);
            lets.push(format!("{name} = {text}"));
            shown.push((name, ATOM));
        } else {
            shown.push((text, prec));
        }
    }
    let outputs: Vec<&str> = program
        .roots
        .iter()
        .map(|r| shown[r.index()].0.as_str())
        .collect();
    let body = outputs.join("; ");
    if lets.is_empty() {
        body
    } else {
        format!("{}; {body}", lets.join("; "))
    }
}

fn render_node(program: &Program, node: &Node, shown: &[(String, u8)]) -> (String, u8) {
    let arg = |id: super::Id| &shown[id.index()];
    let wrap = |(s, p): &(String, u8), min: u8| {
        if *p < min {
            format!("({s})")
        } else {
            s.clone()
        }
    };
    let list = |ids: &[super::Id]| {
        ids.iter()
            .map(|&a| arg(a).0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match node {
        Node::Const(bits) => constant(f64::from_bits(*bits)),
        Node::Var(v) => (program.vars[*v as usize].name.to_string(), ATOM),
        Node::Unary(op, a) => {
            let name = match op {
                UnaryOp::Neg => return (format!("-{}", wrap(arg(*a), PREFIX + 1)), PREFIX),
                UnaryOp::Not => return (format!("!{}", wrap(arg(*a), PREFIX + 1)), PREFIX),
                UnaryOp::Abs => "abs",
                UnaryOp::Sqrt => "sqrt",
                UnaryOp::Floor => "floor",
                UnaryOp::Ceil => "ceil",
                UnaryOp::Trunc => "trunc",
            };
            (format!("{name}({})", arg(*a).0), ATOM)
        }
        Node::Binary(op, l, r) => {
            let (sym, prec) = match op {
                BinaryOp::Min => return (format!("min({})", list(&[*l, *r])), ATOM),
                BinaryOp::Max => return (format!("max({})", list(&[*l, *r])), ATOM),
                BinaryOp::Or => (" || ", OR),
                BinaryOp::And => (" && ", AND),
                BinaryOp::Lt => (" < ", CMP),
                BinaryOp::Le => (" <= ", CMP),
                BinaryOp::Gt => (" > ", CMP),
                BinaryOp::Ge => (" >= ", CMP),
                BinaryOp::Eq => (" == ", CMP),
                BinaryOp::Ne => (" != ", CMP),
                BinaryOp::Add => (" + ", SUM),
                BinaryOp::Sub => (" - ", SUM),
                BinaryOp::Mul => ("*", PRODUCT),
                BinaryOp::Div => ("/", PRODUCT),
            };
            infix(arg(*l), sym, arg(*r), prec)
        }
        Node::Select(c, a, b) => (format!("if({})", list(&[*c, *a, *b])), ATOM),
        Node::Fma(a, b, c) => (format!("fma({})", list(&[*a, *b, *c])), ATOM),
        Node::Call(Callee::Math(MathFn::Pow), args) => {
            // Right-associative: the base needs parentheses if it is a power
            // or a prefix, the exponent only if it binds looser than a prefix.
            let base = wrap(arg(args[0]), ATOM);
            let exp = wrap(arg(args[1]), PREFIX);
            (format!("{base}^{exp}"), POWER)
        }
        Node::Call(Callee::Math(MathFn::Fmod), args) => {
            infix(arg(args[0]), " % ", arg(args[1]), PRODUCT)
        }
        Node::Call(Callee::Math(f), args) => (format!("{}({})", f.name(), list(args)), ATOM),
        Node::Call(Callee::Native(n), args) => (
            format!("{}({})", program.natives[*n as usize].name, list(args)),
            ATOM,
        ),
    }
}

/// A left-associative infix operation: the right operand needs parentheses
/// at equal strength (`a - (b - c)`, and `a + (b + c)` keeps its order).
fn infix(l: &(String, u8), sym: &str, r: &(String, u8), prec: u8) -> (String, u8) {
    let left = if l.1 < prec {
        format!("({})", l.0)
    } else {
        l.0.clone()
    };
    let right = if r.1 <= prec {
        format!("({})", r.0)
    } else {
        r.0.clone()
    };
    (format!("{left}{sym}{right}"), prec)
}

fn constant(v: f64) -> (String, u8) {
    if v.is_nan() {
        ("(0/0)".into(), ATOM)
    } else if v.is_infinite() {
        let s = if v > 0.0 { "(1/0)" } else { "(-1/0)" };
        (s.into(), ATOM)
    } else if v.is_sign_negative() {
        (format_f64(v), PREFIX)
    } else {
        (format_f64(v), ATOM)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::Registry;
    use crate::ir::lower::lower;
    use crate::limits::Limits;
    use crate::syntax::parse;

    fn show(text: &str) -> String {
        render(
            &lower(
                &parse(text, &Limits::default()).unwrap(),
                &Registry::default(),
            )
            .unwrap(),
        )
    }

    #[test]
    fn parentheses_only_where_needed() {
        assert_eq!(show("(a + b) * c"), "(a + b)*c");
        assert_eq!(show("a + (b + c)"), "a + (b + c)");
        assert_eq!(show("a - b - c"), "a - b - c");
        assert_eq!(show("(-2)^2"), "(-2)^2");
        assert_eq!(show("-2^2"), "-2^2");
        assert_eq!(show("2^3^2"), "2^3^2");
        assert_eq!(show("(2^3)^2"), "(2^3)^2");
        assert_eq!(show("2^-x"), "2^-x");
        assert_eq!(show("- -x"), "-(-x)");
        assert_eq!(show("a < b && !c || d % 2"), "a < b && !c || d % 2");
        assert_eq!(
            show("if(x, min(x, 1), atan2(y, x))"),
            "if(x, min(x, 1), atan2(y, x))"
        );
    }

    #[test]
    fn long_shared_forms_name_their_temporaries() {
        // 2^12 copies if written out; named, it stays short.
        let mut text = "x".to_string();
        for _ in 0..12 {
            text = format!("sin({text})");
            text = format!("({text} + {text})");
        }
        let p = lower(
            &parse(&text, &Limits::default()).unwrap(),
            &Registry::default(),
        )
        .unwrap();
        let r = render(&p);
        assert!(r.len() < 4000, "{}", r.len());
        assert!(r.starts_with("t1 = sin(x); t2 = sin(t1 + t1);"), "{r}");
    }
}
