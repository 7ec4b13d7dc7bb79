//! The intermediate representation: a hash-consed DAG of f64 operations.
//!
//! A [`Program`] is a vector of [`Node`]s in topological order (every operand
//! before its user) and a root. Each distinct node appears once, so a common
//! subexpression is computed once. Every later stage (passes, interpreter,
//! code generation) is a loop over this vector; none of them recurses.
//!
//! The scalar meaning of every operation lives in [`ops`]; the interpreter and
//! constant folding call it, and the code generator emits instructions that
//! give the same bits.

pub mod lower;
pub mod ops;
pub mod passes;
pub mod print;

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Span;
use crate::functions::{MathFn, Native};
use crate::math::MathMode;

/// Index of a node in [`Program::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub u32);

impl Id {
    /// As a vector index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A one-operand operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-a` (flips the sign bit).
    Neg,
    /// `!a`: 1 if `a == 0`, else 0 (so `!NaN` is 0).
    Not,
    /// `abs(a)`.
    Abs,
    /// `sqrt(a)`, correctly rounded.
    Sqrt,
    /// `floor(a)`.
    Floor,
    /// `ceil(a)`.
    Ceil,
    /// `trunc(a)`.
    Trunc,
}

/// A two-operand operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    /// Comparisons give 1 or 0; NaN compares false except with `!=`.
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    /// 1 if both operands are non-zero (NaN counts as non-zero).
    And,
    /// 1 if either operand is non-zero.
    Or,
    /// C `fmin`: a NaN operand is ignored; `min(-0, +0)` is -0.
    Min,
    /// C `fmax`: a NaN operand is ignored; `max(-0, +0)` is +0.
    Max,
}

impl BinaryOp {
    /// True when `a op b` and `b op a` give the same bits for all inputs
    /// (NaN payloads aside), so operands may be put in a canonical order.
    pub fn is_commutative(self) -> bool {
        matches!(
            self,
            BinaryOp::Add
                | BinaryOp::Mul
                | BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::And
                | BinaryOp::Or
                | BinaryOp::Min
                | BinaryOp::Max
        )
    }
}

/// Who a [`Node::Call`] calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Callee {
    /// A built-in library function.
    Math(MathFn),
    /// A registered native function: an index into [`Program::natives`].
    Native(u32),
}

/// One operation of the DAG.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    /// A constant, as its bit pattern (so `-0.0` and `0.0` stay distinct).
    Const(u64),
    /// A variable: an index into [`Program::vars`].
    Var(u32),
    /// A one-operand operation.
    Unary(UnaryOp, Id),
    /// A two-operand operation.
    Binary(BinaryOp, Id, Id),
    /// `if(c, a, b)`: `a` where `c != 0` (NaN included), else `b`.
    Select(Id, Id, Id),
    /// `a*b + c` with one rounding.
    Fma(Id, Id, Id),
    /// A call through the function table.
    Call(Callee, Box<[Id]>),
}

impl Node {
    /// A constant node.
    pub fn constant(v: f64) -> Node {
        Node::Const(v.to_bits())
    }

    /// The constant's value, if this is one.
    pub fn as_const(&self) -> Option<f64> {
        match self {
            Node::Const(bits) => Some(f64::from_bits(*bits)),
            _ => None,
        }
    }
}

/// A variable of the formula, with where it first appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// Its name.
    pub name: Arc<str>,
    /// Its first occurrence in `text`.
    pub span: Span,
    /// The formula text `span` points into.
    pub text: Arc<str>,
}

/// One or more formulas as a DAG, ready for the interpreter or the code
/// generator. A program from one formula has one root; a fused kernel's
/// program has one root per output, sharing common subexpressions.
#[derive(Debug, Clone)]
pub struct Program {
    /// Operations in topological order.
    pub nodes: Vec<Node>,
    /// The nodes whose values are the outputs, in order.
    pub roots: Vec<Id>,
    /// Variables, in order of first appearance in the text.
    pub vars: Vec<Var>,
    /// Registered native functions the program may call.
    pub natives: Arc<[Native]>,
    /// The formula text (formulas joined by `; ` for several roots).
    pub text: Arc<str>,
    /// Which implementation library calls use.
    pub math: MathMode,
}

/// Builds a hash-consed node vector: adding a node that exists returns its id.
#[derive(Debug, Default)]
pub struct Builder {
    nodes: Vec<Node>,
    index: HashMap<Node, Id>,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds `node` and returns its id; an identical node is shared.
    pub fn add(&mut self, node: Node) -> Id {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let id = Id(self.nodes.len() as u32);
        self.index.insert(node.clone(), id);
        self.nodes.push(node);
        id
    }

    /// Adds a constant.
    pub fn constant(&mut self, v: f64) -> Id {
        self.add(Node::constant(v))
    }

    /// The node with this id.
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }

    /// The constant value of a node, if it is a constant.
    pub fn const_of(&self, id: Id) -> Option<f64> {
        self.node(id).as_const()
    }

    /// Finishes: keeps only the nodes the roots depend on, renumbered in order.
    pub fn finish(self, roots: &[Id]) -> (Vec<Node>, Vec<Id>) {
        let mut live = vec![false; self.nodes.len()];
        for r in roots {
            live[r.index()] = true;
        }
        for i in (0..self.nodes.len()).rev() {
            if live[i] {
                for a in operands(&self.nodes[i]) {
                    live[a.index()] = true;
                }
            }
        }
        let mut new_id = vec![Id(u32::MAX); self.nodes.len()];
        let mut nodes = Vec::with_capacity(live.iter().filter(|&&l| l).count());
        for (i, node) in self.nodes.into_iter().enumerate() {
            if live[i] {
                new_id[i] = Id(nodes.len() as u32);
                nodes.push(map_operands(node, |a| new_id[a.index()]));
            }
        }
        (nodes, roots.iter().map(|r| new_id[r.index()]).collect())
    }
}

/// The operands of a node, in order.
pub fn operands(node: &Node) -> impl Iterator<Item = Id> + '_ {
    let fixed: [Option<Id>; 3] = match *node {
        Node::Const(_) | Node::Var(_) | Node::Call(..) => [None; 3],
        Node::Unary(_, a) => [Some(a), None, None],
        Node::Binary(_, a, b) => [Some(a), Some(b), None],
        Node::Select(a, b, c) | Node::Fma(a, b, c) => [Some(a), Some(b), Some(c)],
    };
    let call: &[Id] = match node {
        Node::Call(_, args) => args,
        _ => &[],
    };
    fixed.into_iter().flatten().chain(call.iter().copied())
}

/// The same node with every operand replaced by `f(operand)`.
pub fn map_operands(node: Node, mut f: impl FnMut(Id) -> Id) -> Node {
    match node {
        Node::Const(_) | Node::Var(_) => node,
        Node::Unary(op, a) => Node::Unary(op, f(a)),
        Node::Binary(op, a, b) => Node::Binary(op, f(a), f(b)),
        Node::Select(a, b, c) => Node::Select(f(a), f(b), f(c)),
        Node::Fma(a, b, c) => Node::Fma(f(a), f(b), f(c)),
        Node::Call(callee, args) => Node::Call(callee, args.iter().map(|&a| f(a)).collect()),
    }
}

impl Program {
    /// Checks the structural invariants: operands come before their users,
    /// every node is distinct, variable and native indices are in range, and
    /// call arities match. Run after lowering and after every pass in debug
    /// builds and tests.
    pub fn verify(&self) -> Result<(), String> {
        if self.roots.is_empty() {
            return Err("no roots".to_string());
        }
        if let Some(r) = self.roots.iter().find(|r| r.index() >= self.nodes.len()) {
            return Err(format!("root {} out of range", r.0));
        }
        let mut seen = HashMap::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            for a in operands(node) {
                if a.index() >= i {
                    return Err(format!("node {i} uses {} which does not precede it", a.0));
                }
            }
            match node {
                Node::Var(v) if *v as usize >= self.vars.len() => {
                    return Err(format!(
                        "node {i} names variable {v} of {}",
                        self.vars.len()
                    ));
                }
                Node::Call(Callee::Math(f), args) if args.len() != f.arity() => {
                    return Err(format!(
                        "node {i} calls {} with {} args",
                        f.name(),
                        args.len()
                    ));
                }
                Node::Call(Callee::Native(n), args) => match self.natives.get(*n as usize) {
                    Some(native) if native.func.arity() == args.len() => {}
                    _ => return Err(format!("node {i} calls native {n} badly")),
                },
                _ => {}
            }
            if let Some(j) = seen.insert(node, i) {
                return Err(format!("nodes {j} and {i} are the same node"));
            }
        }
        Ok(())
    }

    /// The first root: the value of a single formula.
    pub fn root(&self) -> Id {
        self.roots[0]
    }

    /// Fuses several programs (built with the same native functions) into
    /// one with a root per program; variables are shared by name, in order
    /// of first appearance, and identical nodes are shared.
    pub fn merge(programs: &[Program]) -> Program {
        let mut b = Builder::new();
        let mut vars: Vec<Var> = Vec::new();
        let mut roots = Vec::with_capacity(programs.len());
        for p in programs {
            let var_map: Vec<u32> = p
                .vars
                .iter()
                .map(|v| match vars.iter().position(|w| w.name == v.name) {
                    Some(i) => i as u32,
                    None => {
                        vars.push(v.clone());
                        (vars.len() - 1) as u32
                    }
                })
                .collect();
            let mut map: Vec<Id> = Vec::with_capacity(p.nodes.len());
            for node in &p.nodes {
                let node = match node {
                    Node::Var(v) => Node::Var(var_map[*v as usize]),
                    other => map_operands(other.clone(), |a| map[a.index()]),
                };
                map.push(b.add(node));
            }
            roots.extend(p.roots.iter().map(|r| map[r.index()]));
        }
        let (nodes, roots) = b.finish(&roots);
        let texts: Vec<&str> = programs.iter().map(|p| &*p.text).collect();
        Program {
            nodes,
            roots,
            vars,
            natives: programs
                .first()
                .map_or_else(|| Arc::from([]), |p| p.natives.clone()),
            text: Arc::from(texts.join("; ")),
            math: programs.first().map_or_else(MathMode::default, |p| p.math),
        }
    }

    /// Replaces variable `name` by the value of `replacement`'s first root
    /// (its variables joining this program's, shared by name).
    pub fn substitute(&self, name: &str, replacement: &Program) -> Program {
        if !self.vars.iter().any(|v| &*v.name == name) {
            return self.clone();
        }
        let mut vars: Vec<Var> = self
            .vars
            .iter()
            .filter(|v| &*v.name != name)
            .cloned()
            .collect();
        for v in &replacement.vars {
            if !vars.iter().any(|w| w.name == v.name) {
                vars.push(v.clone());
            }
        }
        let index = |v: &Var| vars.iter().position(|w| w.name == v.name).unwrap_or(0) as u32;
        let mut b = Builder::new();
        let mut rmap: Vec<Id> = Vec::with_capacity(replacement.nodes.len());
        for node in &replacement.nodes {
            let node = match node {
                Node::Var(v) => Node::Var(index(&replacement.vars[*v as usize])),
                other => map_operands(other.clone(), |a| rmap[a.index()]),
            };
            rmap.push(b.add(node));
        }
        let value = rmap[replacement.root().index()];
        let mut map: Vec<Id> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let id = match node {
                Node::Var(v) if &*self.vars[*v as usize].name == name => value,
                Node::Var(v) => b.add(Node::Var(index(&self.vars[*v as usize]))),
                other => b.add(map_operands(other.clone(), |a| map[a.index()])),
            };
            map.push(id);
        }
        let roots: Vec<Id> = self.roots.iter().map(|r| map[r.index()]).collect();
        let (nodes, roots) = b.finish(&roots);
        Program {
            nodes,
            roots,
            vars,
            natives: self.natives.clone(),
            text: self.text.clone(),
            math: self.math,
        }
    }

    /// Number of operations (constants and variables included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True if the program has no nodes (never the case for a built program).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}
