//! The contenders behind one scalar interface: exprjit's JIT and interpreter,
//! and the peer crates a user would pick instead, each on its fastest
//! documented path for "parse once, evaluate many times with new values".
//!
//! | crate | path used |
//! | --- | --- |
//! | fasteval 0.2 | `Parser::parse` → `compile` to an `Instruction` in a reused `Slab`, evaluated as `eval_compiled_ref!` does, with a closure namespace (safe variables; the `unsafe-vars` pointer feature is not used) |
//! | meval 0.2 | `Expr::from_str` once, `eval_with_context` with a two-variable-slice context layered over the built-in `Context` (what `bindn` does, minus its per-call `Vec`) |
//! | exmex 0.21 | `exmex::parse` to a `FlatEx` (parsed and constant-folded once), `eval` with the values in its alphabetical variable order |
//! | evalexpr 13 | `build_operator_tree` once to a `Node`, `eval_number_with_context` with a small `Context` that holds the values (no `String` keys per call, unlike `HashMapContext::set_value`) |
//!
//! Every peer is given the formula in its own spelling of the same
//! functions and constants ([`translate`]); where a crate has no such
//! function the text goes through unchanged and the crate's own error is
//! reported.

use std::f64::consts::{E, PI};

/// Something that evaluates one formula at one point, variables in the
/// order it was built with.
pub trait Scalar {
    /// The formula's value at `args`.
    fn eval(&mut self, args: &[f64]) -> Result<f64, String>;
}

impl<S: Scalar + ?Sized> Scalar for Box<S> {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        (**self).eval(args)
    }
}

/// The peer crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// `fasteval` 0.2.
    Fasteval,
    /// `meval` 0.2.
    Meval,
    /// `exmex` 0.21.
    Exmex,
    /// `evalexpr` 13.
    Evalexpr,
}

/// Every peer, in table order.
pub const PEERS: [Peer; 4] = [Peer::Fasteval, Peer::Exmex, Peer::Meval, Peer::Evalexpr];

impl Peer {
    /// The crate name, used as the contender's name.
    pub fn name(self) -> &'static str {
        match self {
            Peer::Fasteval => "fasteval",
            Peer::Meval => "meval",
            Peer::Exmex => "exmex",
            Peer::Evalexpr => "evalexpr",
        }
    }

    /// The version the benches build against (Cargo.toml's dev-dependencies).
    pub fn version(self) -> &'static str {
        match self {
            Peer::Fasteval => "0.2.4",
            Peer::Meval => "0.2.0",
            Peer::Exmex => "0.21.0",
            Peer::Evalexpr => "13.1.0",
        }
    }

    /// The path each is timed on, in words.
    pub fn path(self) -> &'static str {
        match self {
            Peer::Fasteval => {
                "parse + compile to an `Instruction` in a `Slab`; evaluated as `eval_compiled_ref!` does, closure namespace"
            }
            Peer::Meval => {
                "`Expr` parsed once; `eval_with_context` (value slice layered over the built-in `Context`)"
            }
            Peer::Exmex => {
                "`FlatEx` parsed (and folded) once; `eval(&[..])` in alphabetical variable order"
            }
            Peer::Evalexpr => {
                "`build_operator_tree` once; `Node::eval_number_with_context` with a slice-backed `Context`"
            }
        }
    }

    /// `name(` in exprjit's language spelled the way this crate spells the
    /// same function (with the opening parenthesis), or `None` to keep it.
    fn function(self, name: &str) -> Option<&'static str> {
        match self {
            // fasteval: `log(base, x)` with base 10 by default; `int` truncates.
            Peer::Fasteval => match name {
                "log" | "ln" => Some("log(e(), "),
                "log10" => Some("log("),
                "log2" => Some("log(2, "),
                "trunc" => Some("int("),
                _ => None,
            },
            Peer::Meval => match name {
                "log" => Some("ln("),
                "sign" => Some("signum("),
                _ => None,
            },
            Peer::Exmex => match name {
                "sign" => Some("signum("),
                _ => None,
            },
            // evalexpr: the math library lives under `math::`; `ln` is natural.
            Peer::Evalexpr => match name {
                "log" | "ln" => Some("math::ln("),
                "sin" => Some("math::sin("),
                "cos" => Some("math::cos("),
                "tan" => Some("math::tan("),
                "asin" => Some("math::asin("),
                "acos" => Some("math::acos("),
                "atan" => Some("math::atan("),
                "sinh" => Some("math::sinh("),
                "cosh" => Some("math::cosh("),
                "tanh" => Some("math::tanh("),
                "asinh" => Some("math::asinh("),
                "acosh" => Some("math::acosh("),
                "atanh" => Some("math::atanh("),
                "atan2" => Some("math::atan2("),
                "exp" => Some("math::exp("),
                "exp2" => Some("math::exp2("),
                "log2" => Some("math::log2("),
                "log10" => Some("math::log10("),
                "sqrt" => Some("math::sqrt("),
                "cbrt" => Some("math::cbrt("),
                "hypot" => Some("math::hypot("),
                "pow" => Some("math::pow("),
                "abs" => Some("math::abs("),
                _ => None,
            },
        }
    }

    /// The constants `pi` and `e` as this crate spells them.
    fn constant(self, name: &str) -> Option<&'static str> {
        match (self, name) {
            // fasteval: a namespace variable named `pi` or `e` (supplied below).
            (Peer::Fasteval, _) => None,
            (Peer::Meval, _) => None,
            (Peer::Exmex, "pi") => Some("PI"),
            (Peer::Exmex, _) => None,
            (Peer::Evalexpr, "pi") => Some("3.141592653589793"),
            (Peer::Evalexpr, "e") => Some("2.718281828459045"),
            (Peer::Evalexpr, _) => None,
        }
    }
}

/// `text` in `peer`'s spelling: function names and the constants `pi` and
/// `e` renamed where the crate has them under another name; for evalexpr,
/// whose integer literals are integers (so `1/2` is 0), every literal is
/// written as a float. Operators are left alone.
pub fn translate(peer: Peer, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j] == '(' {
                if let Some(f) = peer.function(&name) {
                    out.push_str(f);
                    i = j + 1;
                    continue;
                }
            } else if let Some(k) = peer.constant(&name) {
                out.push_str(k);
                continue;
            }
            out.push_str(&name);
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            let mut float = false;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                float |= chars[i] == '.';
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    float = true;
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let lit: String = chars[start..i].iter().collect();
            out.push_str(&lit);
            if peer == Peer::Evalexpr && !float {
                out.push_str(".0");
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// exprjit's compiled scalar function.
pub struct Jit(pub exprjit::Compiled);

impl Scalar for Jit {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        self.0.call(args).map_err(|e| e.to_string())
    }
}

/// exprjit's reference interpreter.
pub struct Interp(pub exprjit::Interpreter);

impl Scalar for Interp {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        self.0.call(args).map_err(|e| e.to_string())
    }
}

/// fasteval: a compiled `Instruction` and the `Slab` it lives in.
pub struct Fasteval {
    slab: fasteval::Slab,
    instr: fasteval::Instruction,
    names: Vec<String>,
}

impl Fasteval {
    /// Parses and compiles `text` (in fasteval's spelling).
    pub fn new(text: &str, vars: &[&str]) -> Result<Fasteval, String> {
        use fasteval::Compiler as _;
        // Limits raised so the large compile-latency formula parses.
        let parser = fasteval::Parser {
            expr_len_limit: 1 << 20,
            expr_depth_limit: 1 << 10,
        };
        let mut slab = fasteval::Slab::with_capacity(1 << 14);
        let instr = parser
            .parse(text, &mut slab.ps)
            .map_err(|e| format!("{e:?}"))?
            .from(&slab.ps)
            .compile(&slab.ps, &mut slab.cs);
        Ok(Fasteval {
            slab,
            instr,
            names: vars.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn run(&self, args: &[f64]) -> Result<f64, fasteval::Error> {
        use fasteval::Evaler as _;
        let names = &self.names;
        let mut ns = |name: &str, _args: Vec<f64>| -> Option<f64> {
            match names.iter().position(|n| n == name) {
                Some(k) => args.get(k).copied(),
                None => match name {
                    "pi" => Some(PI),
                    "e" => Some(E),
                    _ => None,
                },
            }
        };
        // What `eval_compiled_ref!` expands to without the `unsafe-vars`
        // feature: constants short-cut, everything else `eval`.
        if let fasteval::IConst(c) = self.instr {
            return Ok(c);
        }
        self.instr.eval(&self.slab, &mut ns)
    }
}

impl Scalar for Fasteval {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        self.run(args).map_err(|e| format!("{e:?}"))
    }
}

/// meval: a parsed `Expr`, the built-in context, and the variable names.
pub struct Meval {
    expr: meval::Expr,
    builtins: meval::Context<'static>,
    names: Vec<String>,
}

/// meval's variables: names and the values of this call.
struct MevalVars<'a> {
    names: &'a [String],
    values: &'a [f64],
}

impl meval::ContextProvider for MevalVars<'_> {
    #[inline]
    fn get_var(&self, name: &str) -> Option<f64> {
        let k = self.names.iter().position(|n| n == name)?;
        self.values.get(k).copied()
    }
}

impl Meval {
    /// Parses `text` (in meval's spelling) and checks that every name resolves.
    pub fn new(text: &str, vars: &[&str]) -> Result<Meval, String> {
        let expr: meval::Expr = text.parse().map_err(|e| format!("{e}"))?;
        let mut m = Meval {
            expr,
            builtins: meval::Context::new(),
            names: vars.iter().map(|s| s.to_string()).collect(),
        };
        // Unknown names are errors here, not at evaluation.
        m.eval(&vec![0.5; vars.len()])?;
        Ok(m)
    }
}

impl Scalar for Meval {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        let vars = MevalVars {
            names: &self.names,
            values: args,
        };
        self.expr
            .eval_with_context((vars, &self.builtins))
            .map_err(|e| format!("{e}"))
    }
}

/// exmex: a `FlatEx` and where each of its (alphabetical) variables comes from.
pub struct Exmex {
    expr: exmex::FlatEx<f64>,
    from: Vec<usize>,
    buf: Vec<f64>,
}

impl Exmex {
    /// Parses `text` (in exmex's spelling).
    pub fn new(text: &str, vars: &[&str]) -> Result<Exmex, String> {
        use exmex::Express as _;
        let expr = exmex::parse::<f64>(text).map_err(|e| format!("{e}"))?;
        let from = expr
            .var_names()
            .iter()
            .map(|n| {
                vars.iter()
                    .position(|v| v == n)
                    .ok_or_else(|| format!("unknown variable `{n}`"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let buf = vec![0.0; from.len()];
        Ok(Exmex { expr, from, buf })
    }
}

impl Scalar for Exmex {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        use exmex::Express as _;
        for (b, &k) in self.buf.iter_mut().zip(&self.from) {
            *b = args[k];
        }
        self.expr.eval(&self.buf).map_err(|e| format!("{e}"))
    }
}

/// evalexpr's variables: names and their values, without a hash map.
struct EvalexprVars {
    names: Vec<String>,
    values: Vec<evalexpr::Value>,
}

impl evalexpr::Context for EvalexprVars {
    type NumericTypes = evalexpr::DefaultNumericTypes;

    #[inline]
    fn get_value(&self, identifier: &str) -> Option<&evalexpr::Value> {
        let k = self.names.iter().position(|n| n == identifier)?;
        self.values.get(k)
    }

    fn call_function(
        &self,
        identifier: &str,
        _argument: &evalexpr::Value,
    ) -> evalexpr::error::EvalexprResultValue {
        Err(evalexpr::EvalexprError::FunctionIdentifierNotFound(
            identifier.to_string(),
        ))
    }

    fn are_builtin_functions_disabled(&self) -> bool {
        false
    }

    fn set_builtin_functions_disabled(&mut self, disabled: bool) -> evalexpr::EvalexprResult<()> {
        if disabled {
            Err(evalexpr::EvalexprError::BuiltinFunctionsCannotBeDisabled)
        } else {
            Ok(())
        }
    }
}

/// evalexpr: a precompiled operator tree and its variables.
pub struct Evalexpr {
    node: evalexpr::Node,
    vars: EvalexprVars,
}

impl Evalexpr {
    /// Builds the operator tree of `text` (in evalexpr's spelling).
    pub fn new(text: &str, vars: &[&str]) -> Result<Evalexpr, String> {
        let node = evalexpr::build_operator_tree(text).map_err(|e| format!("{e}"))?;
        Ok(Evalexpr {
            node,
            vars: EvalexprVars {
                names: vars.iter().map(|s| s.to_string()).collect(),
                values: vec![evalexpr::Value::Float(0.0); vars.len()],
            },
        })
    }
}

impl Scalar for Evalexpr {
    #[inline]
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        for (v, &a) in self.vars.values.iter_mut().zip(args) {
            *v = evalexpr::Value::Float(a);
        }
        self.node
            .eval_number_with_context(&self.vars)
            .map_err(|e| format!("{e}"))
    }
}

/// One peer's prepared formula, concrete so loops over it are monomorphic.
pub enum AnyPeer {
    /// fasteval (boxed, as exmex).
    Fasteval(Box<Fasteval>),
    /// meval.
    Meval(Meval),
    /// exmex (boxed: a `FlatEx` is large).
    Exmex(Box<Exmex>),
    /// evalexpr.
    Evalexpr(Evalexpr),
}

/// Runs `$body` with `$s` bound to the concrete peer inside `$p`, so the
/// loop in `$body` is compiled once per crate (no dynamic call per element).
macro_rules! each_peer {
    ($p:expr, $s:ident => $body:expr) => {
        match $p {
            $crate::support::peers::AnyPeer::Fasteval($s) => $body,
            $crate::support::peers::AnyPeer::Meval($s) => $body,
            $crate::support::peers::AnyPeer::Exmex($s) => $body,
            $crate::support::peers::AnyPeer::Evalexpr($s) => $body,
        }
    };
}

impl AnyPeer {
    /// Prepares `text` (exprjit's language; translated here) for `peer`, with
    /// the variables in `vars` order. Returns the crate's error if it
    /// cannot parse the formula.
    pub fn new(peer: Peer, text: &str, vars: &[&str]) -> Result<AnyPeer, String> {
        let t = translate(peer, text);
        Ok(match peer {
            Peer::Fasteval => AnyPeer::Fasteval(Box::new(Fasteval::new(&t, vars)?)),
            Peer::Meval => AnyPeer::Meval(Meval::new(&t, vars)?),
            Peer::Exmex => AnyPeer::Exmex(Box::new(Exmex::new(&t, vars)?)),
            Peer::Evalexpr => AnyPeer::Evalexpr(Evalexpr::new(&t, vars)?),
        })
    }
}

impl Scalar for AnyPeer {
    fn eval(&mut self, args: &[f64]) -> Result<f64, String> {
        each_peer!(self, s => s.eval(args))
    }
}
