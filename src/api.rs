//! The library interface: [`Engine`] → [`Expr`] → [`Compiled`] / [`Interpreter`].

use std::cell::RefCell;
use std::sync::Arc;

use crate::bind::bind;
use crate::dd::Precision;
use crate::error::{Error, ErrorKind, Result};
use crate::functions::Registry;
use crate::interp;
use crate::ir::{Program, lower::lower, passes, print};
use crate::jit::{self, JitOptions, Listing, ScalarCode};
use crate::kernels::{
    self, GridKernel, MapKernel, OdeKernel, OdeSpec, Recurrence, RecurrenceSpec, Reduce,
    ReduceKernel,
};
use crate::kernels::{PairwiseKernel, QuadKernel, QuadRule};
use crate::limits::Limits;
use crate::math::MathMode;
use crate::native::NativeFn;
use crate::simd::Width;
use crate::syntax;

/// Parses and compiles formulas: holds the registered native functions, the
/// limits, and the rewrite and code generation settings.
///
/// ```
/// use exprjit::Engine;
///
/// extern "C" fn gauss(x: f64) -> f64 {
///     (-x * x / 2.0).exp()
/// }
///
/// let engine = Engine::new().with_function("gauss", exprjit::NativeFn::Arity1(gauss))?;
/// let expr = engine.parse("k * gauss(x - mu)")?;
/// let f = expr.compile(&["x", "mu", "k"])?;
/// assert_eq!(f.call(&[1.0, 1.0, 3.0])?, 3.0);
/// assert_eq!(expr.interpreter(&["x", "mu", "k"])?.call(&[1.0, 1.0, 3.0])?, 3.0);
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    registry: Registry,
    limits: Limits,
    rewrites: bool,
    jit: JitOptions,
    math: MathMode,
    precision: Precision,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl Engine {
    /// The built-in functions, default limits, rewrites on.
    pub fn new() -> Engine {
        Engine {
            registry: Registry::default(),
            limits: Limits::default(),
            rewrites: true,
            jit: JitOptions::default(),
            math: MathMode::default(),
            precision: Precision::default(),
        }
    }

    /// Uses `limits` for every formula parsed from now on.
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    /// Turns the rewrites (constant folding, exact simplifications, integer
    /// powers as multiplies) on or off. Common subexpressions are shared
    /// either way.
    ///
    /// ```
    /// let on = exprjit::Engine::new().parse("x^3 + 2*3")?;
    /// let off = exprjit::Engine::new().with_rewrites(false).parse("x^3 + 2*3")?;
    /// assert_eq!(on.rewritten(), "x*(x*x) + 6");
    /// assert_eq!(off.rewritten(), "x^3 + 2*3");
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn with_rewrites(mut self, on: bool) -> Engine {
        self.rewrites = on;
        self
    }

    /// Chooses the implementation of `sin`, `exp`, `pow`, … for formulas
    /// parsed from now on: exprjit's inline code ([`MathMode::Fast`], the
    /// default) or the C library ([`MathMode::Libm`]). The interpreter
    /// follows the same choice, so it still gives the JIT's bits.
    pub fn with_math(mut self, math: MathMode) -> Engine {
        self.math = math;
        self
    }

    /// The current math mode.
    pub fn math(&self) -> MathMode {
        self.math
    }

    /// Chooses the arithmetic of formulas parsed from now on: `f64` (the
    /// default) or double-double ([`Precision::Dd`], ~32 digits, the result
    /// rounded to `f64`). In `Dd` the rewrites are not applied (they would
    /// round constants to `f64`); every kernel, the interpreter and the JIT
    /// run the double-double program, agreeing bit for bit.
    pub fn with_precision(mut self, precision: Precision) -> Engine {
        self.precision = precision;
        self
    }

    /// The current precision.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Runs Cranelift's IR verifier on the code of formulas compiled from
    /// now on (10–25% of compile time). Default: on in debug builds, off in
    /// release builds.
    pub fn with_verifier(mut self, on: bool) -> Engine {
        self.jit.verify = on;
        self
    }

    /// Chooses the vector width of maps and grids compiled from now on
    /// ([`Width::Auto`], the default, takes the widest this CPU has). Every
    /// width gives the same bits; a kernel asked for a width the CPU lacks
    /// is an [`ErrorKind::Unsupported`] error.
    pub fn with_width(mut self, width: Width) -> Engine {
        self.jit.width = width;
        self
    }

    /// The current vector width setting.
    pub fn width(&self) -> Width {
        self.jit.width
    }

    /// The current limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Adds a native function under `name`, with the arity of its
    /// [`NativeFn`] variant, for formulas parsed from now on. Both the
    /// interpreter and compiled code call it. It must be pure: exprjit may
    /// call it once for repeated identical calls, and never calls it at
    /// compile time. Adding a name again replaces the function for formulas
    /// parsed afterwards. The name must be an identifier that is not a
    /// built-in function or constant.
    ///
    /// ```
    /// use exprjit::{Engine, NativeFn};
    ///
    /// extern "C" fn gauss(x: f64) -> f64 {
    ///     (-x * x / 2.0).exp()
    /// }
    /// let engine = Engine::new().with_function("gauss", NativeFn::Arity1(gauss))?;
    /// assert_eq!(engine.parse("2*gauss(x)")?.eval(&[("x", 0.0)])?, 2.0);
    /// assert!(Engine::new().with_function("sin", NativeFn::Arity1(gauss)).is_err());
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    #[doc(alias = "register")]
    pub fn with_function(mut self, name: &str, func: NativeFn) -> Result<Engine> {
        self.registry.register(name, func)?;
        Ok(self)
    }

    /// Names of the registered native functions.
    pub fn native_names(&self) -> impl Iterator<Item = &str> {
        self.registry.all().iter().map(|n| n.name.as_str())
    }

    /// Parses `text`, resolves its names and applies the rewrites.
    pub fn parse(&self, text: &str) -> Result<Expr> {
        let program = self.rewrite(self.lower(text)?);
        Ok(Expr {
            program: Arc::new(program),
            jit: self.jit,
        })
    }

    /// Parses and lowers, without rewriting.
    fn lower(&self, text: &str) -> Result<Program> {
        let ast = syntax::parse(text, &self.limits)?;
        let mut program = lower(&ast, &self.registry)?;
        program.math = self.math;
        debug_assert_eq!(program.verify(), Ok(()));
        Ok(program)
    }

    /// Applies the rewrites if they are on.
    fn rewrite(&self, program: Program) -> Program {
        if self.precision == Precision::Dd {
            let dd = crate::dd::transform(&program);
            debug_assert_eq!(dd.verify(), Ok(()));
            return dd;
        }
        if !self.rewrites {
            return program;
        }
        let rewritten = passes::optimize(&program);
        debug_assert_eq!(rewritten.verify(), Ok(()));
        rewritten
    }

    /// Several formulas as one program with a root each, sharing common
    /// subexpressions.
    fn fuse(&self, formulas: &[&str]) -> Result<Program> {
        if formulas.is_empty() {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                "a kernel needs at least one formula",
            ));
        }
        let programs = formulas
            .iter()
            .map(|f| self.lower(f))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.rewrite(Program::merge(&programs)))
    }

    /// Compiles `formulas` into one map kernel over `args` (arrays or
    /// broadcast scalars, in this order), with one output per formula.
    pub fn map(&self, formulas: &[&str], args: &[&str]) -> Result<MapKernel> {
        kernels::check_input_count(args.len())?;
        self.jit.width.resolve()?;
        let program = self.fuse(formulas)?;
        let slots = bind(&program, args)?;
        Ok(MapKernel::new(program, names(args), slots, self.jit))
    }

    /// Compiles a reduction of `formula` over `args`.
    pub fn reduce(&self, formula: &str, args: &[&str], how: Reduce) -> Result<ReduceKernel> {
        kernels::check_input_count(args.len())?;
        let program = self.fuse(&[formula])?;
        let slots = bind(&program, args)?;
        Ok(ReduceKernel::new(
            program,
            names(args),
            slots,
            how,
            self.jit,
        ))
    }

    /// Compiles a recurrence (see [`RecurrenceSpec`]).
    pub fn recurrence(&self, spec: RecurrenceSpec<'_>) -> Result<Recurrence> {
        if spec.state.is_empty() {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                "a recurrence needs at least one state variable",
            ));
        }
        if let Some(v) = spec.state.get(spec.update.len()) {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!("the state variable `{v}` has no update formula"),
            ));
        }
        if spec.update.len() > spec.state.len() {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "{} update formulas for {} state variables",
                    spec.update.len(),
                    spec.state.len()
                ),
            ));
        }
        let mut all: Vec<&str> = spec.state.to_vec();
        all.push("i");
        all.extend(spec.params);
        all.extend(spec.inputs);
        all.extend(spec.define.iter().map(|d| d.0));
        let program = self.system(&all, ("i", "the step index"), spec.define, spec.update)?;
        let args = &all[..all.len() - spec.define.len()];
        let slots = bind(&program, args)?;
        Recurrence::new(
            program,
            slots,
            spec.state.len(),
            spec.params.iter().map(|p| Arc::from(*p)).collect(),
            spec.inputs.iter().map(|p| Arc::from(*p)).collect(),
            self.jit,
        )
    }

    /// Compiles the integral of `formula` over the variable `var`, per
    /// element of the parameters `params` (see [`QuadKernel`] for the
    /// limits, [`QuadRule`] for the rules).
    ///
    /// ```
    /// use exprjit::{Engine, Input, QuadRule};
    /// let q = Engine::new().quad("log(k)", "k", &[], QuadRule::adaptive())?;
    /// let r = q.run(Input::Scalar(0.0), Input::Scalar(1.0), &[])?;
    /// assert!((r.value[0] + 1.0).abs() <= r.error[0] && r.error[0] < 1.5e-8);
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn quad(
        &self,
        formula: &str,
        var: &str,
        params: &[&str],
        rule: QuadRule,
    ) -> Result<QuadKernel> {
        kernels::check_input_count(params.len() + 2)?;
        let mut all = vec![var];
        all.extend(params);
        check_distinct(&all)?;
        kernels::quad_check_rule(rule)?;
        let program = self.fuse(&[formula])?;
        let slots = bind(&program, &all)?;
        QuadKernel::new(program, slots, names(params), rule, self.jit)
    }

    /// Compiles a pairwise reduction: `formula` of `a` and `b` reduced by
    /// `how` over the columns, then `finish` (a formula of `s`), if given.
    /// See [`PairwiseKernel`].
    pub fn pairwise(
        &self,
        formula: &str,
        how: Reduce,
        finish: Option<&str>,
    ) -> Result<PairwiseKernel> {
        let program = self.fuse(&[formula])?;
        let slots = bind(&program, &["a", "b"])?;
        let finish = match finish {
            Some(f) => {
                let p = self.fuse(&[f])?;
                let s = bind(&p, &["s"])?;
                Some((p, s))
            }
            None => None,
        };
        PairwiseKernel::new(program, slots, how, finish, self.jit)
    }

    /// A pairwise kernel by SciPy's `cdist` metric name: `sqeuclidean`
    /// (`(a-b)^2`, sum), `euclidean` (the same, then `sqrt(s)`),
    /// `cityblock` (`abs(a-b)`, sum) or `chebyshev` (`abs(a-b)`, max);
    /// symmetric, so [`PairwiseKernel::run_self`] computes one triangle.
    ///
    /// ```
    /// let k = exprjit::Engine::new().pairwise_metric("sqeuclidean")?;
    /// let a = [0.0, 0.0, 3.0, 4.0];
    /// assert_eq!(k.run_self(&a, 2)?, [0.0, 25.0, 25.0, 0.0]);
    /// assert!(exprjit::Engine::new().pairwise_metric("cosine").is_err());
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn pairwise_metric(&self, metric: &str) -> Result<PairwiseKernel> {
        let (f, how, finish) = match metric {
            "sqeuclidean" => ("(a-b)^2", Reduce::Sum, None),
            "euclidean" => ("(a-b)^2", Reduce::Sum, Some("sqrt(s)")),
            "cityblock" => ("abs(a-b)", Reduce::Sum, None),
            "chebyshev" => ("abs(a-b)", Reduce::Max, None),
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "unknown metric `{metric}`; use sqeuclidean, euclidean, cityblock or chebyshev"
                    ),
                ));
            }
        };
        Ok(self.pairwise(f, how, finish)?.with_symmetric(true))
    }

    /// Compiles an ODE system (see [`OdeSpec`]); the solver code is
    /// compiled on the first solve of each method.
    ///
    /// Errors before any code runs: no state, a state without a right-hand
    /// side (or a right-hand side without a state), a name given twice
    /// (`t` is the time), an unknown name in a formula (with its position),
    /// more than [`MAX_ODE_STATES`](crate::MAX_ODE_STATES) states.
    pub fn ode(&self, spec: OdeSpec<'_>) -> Result<OdeKernel> {
        if spec.state.is_empty() {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                "an ODE system needs at least one state variable",
            ));
        }
        if let Some(v) = spec.state.get(spec.rhs.len()) {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!("the state variable `{v}` has no right-hand side"),
            ));
        }
        if spec.rhs.len() > spec.state.len() {
            return Err(Error::new(
                ErrorKind::ArgumentCount,
                format!(
                    "{} right-hand sides for {} state variables",
                    spec.rhs.len(),
                    spec.state.len()
                ),
            ));
        }
        if spec.state.len() > kernels::MAX_ODE_STATES {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "{} state variables; an ODE system has at most {}",
                    spec.state.len(),
                    kernels::MAX_ODE_STATES
                ),
            ));
        }
        let mut all: Vec<&str> = spec.state.to_vec();
        all.push("t");
        all.extend(spec.params);
        all.extend(spec.define.iter().map(|d| d.0));
        let program = self.system(&all, ("t", "the time"), spec.define, spec.rhs)?;
        let args = &all[..all.len() - spec.define.len()];
        let slots = bind(&program, args)?;
        // The step-control formulas, unrewritten: both sides evaluate the
        // same `pow` (see `kernels::ode_steps`).
        let factor = self.lower(kernels::ode_factor_formula())?;
        let first = self.lower(kernels::ode_first_formula())?;
        Ok(OdeKernel::new(
            program,
            factor,
            first,
            slots,
            spec.state.iter().map(|s| Arc::from(*s)).collect(),
            spec.params.iter().map(|p| Arc::from(*p)).collect(),
            self.jit,
        ))
    }

    /// Compiles `formula` over a `dims`-dimensional index space (1 or 2):
    /// it may use `i` (and `j` in 2-D) and the `params`.
    pub fn grid(&self, formula: &str, dims: usize, params: &[&str]) -> Result<GridKernel> {
        self.jit.width.resolve()?;
        let index: &[&str] = match dims {
            1 => &["i"],
            2 => &["i", "j"],
            _ => {
                return Err(Error::new(
                    ErrorKind::Length,
                    format!("a grid has 1 or 2 dimensions, not {dims}"),
                ));
            }
        };
        let program = self.fuse(&[formula])?;
        let args: Vec<&str> = index.iter().chain(params).copied().collect();
        let slots = bind(&program, &args)?;
        GridKernel::new(
            program,
            slots,
            dims,
            params.iter().map(|p| Arc::from(*p)).collect(),
            self.jit,
        )
    }
}

/// A parsed formula: inspect it, interpret it, or compile it.
///
/// ```
/// let expr = exprjit::parse("y + h*y^2*cos(t+y)")?;
/// assert_eq!(expr.variables(), ["y", "h", "t"]);
/// let f = expr.compile(&["y", "t", "h"])?;
/// assert_eq!(f.call(&[1.0, 0.0, 0.001])?, 1.000540302305868);
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Expr {
    program: Arc<Program>,
    jit: JitOptions,
}

impl Expr {
    /// The formula as typed.
    pub fn text(&self) -> &str {
        &self.program.text
    }

    /// The variables, in order of first appearance.
    pub fn variables(&self) -> Vec<&str> {
        self.program.vars.iter().map(|v| &*v.name).collect()
    }

    /// The formula after the rewrites, as text, with minimal parentheses
    /// (named temporaries where sharing would make it long).
    ///
    /// ```
    /// let expr = exprjit::parse("x^3 + 2*pi")?;
    /// assert_eq!(expr.rewritten(), "x*(x*x) + 6.283185307179586");
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn rewritten(&self) -> String {
        print::render(&self.program)
    }

    /// The IR program (rewritten, if rewrites are on).
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// Compiles to native code taking arguments in the order `args` names
    /// them. Every variable must be among `args`; extra names are allowed.
    pub fn compile<S: AsRef<str>>(&self, args: &[S]) -> Result<Compiled> {
        let slots = bind(&self.program, args)?;
        let code = jit::compile_scalar(&self.program, &slots, self.jit)?;
        Ok(Compiled {
            code,
            args: args.iter().map(|a| Arc::from(a.as_ref())).collect(),
        })
    }

    /// The Cranelift IR and machine code [`compile`](Expr::compile) makes
    /// for this argument order (the `:ir` and `:asm` of the session).
    pub fn listing<S: AsRef<str>>(&self, args: &[S]) -> Result<Listing> {
        let slots = bind(&self.program, args)?;
        jit::list_scalar(&self.program, &slots, self.jit)
    }

    /// The reference interpreter for the same program, with the same argument order.
    pub fn interpreter<S: AsRef<str>>(&self, args: &[S]) -> Result<Interpreter> {
        let slots = bind(&self.program, args)?;
        Ok(Interpreter {
            program: self.program.clone(),
            slots,
            args: args.iter().map(|a| Arc::from(a.as_ref())).collect(),
        })
    }

    /// Interprets the formula once with named values.
    ///
    /// ```
    /// let v = exprjit::parse("-x^2")?.eval(&[("x", 3.0)])?;
    /// assert_eq!(v, -9.0);
    /// # Ok::<(), exprjit::Error>(())
    /// ```
    pub fn eval(&self, bindings: &[(&str, f64)]) -> Result<f64> {
        let names: Vec<&str> = bindings.iter().map(|b| b.0).collect();
        let values: Vec<f64> = bindings.iter().map(|b| b.1).collect();
        self.interpreter(&names)?.call(&values)
    }
}

/// Every name valid and given once.
impl Engine {
    /// The program of a system (a recurrence's updates, an ODE's right-hand
    /// sides): checks that `all` (the system's names, the definitions'
    /// last) are valid and distinct, lowers `formulas` with the
    /// definitions substituted (each may use the earlier ones), and fuses
    /// them into one rewritten program.
    fn system(
        &self,
        all: &[&str],
        reserved: (&str, &str),
        define: &[(&str, &str)],
        formulas: &[&str],
    ) -> Result<Program> {
        check_distinct_with(all, Some(reserved))?;
        let mut defs: Vec<(&str, Program)> = Vec::new();
        for (name, formula) in define {
            let mut p = self.lower(formula)?;
            for (earlier, value) in &defs {
                p = p.substitute(earlier, value);
            }
            defs.push((name, p));
        }
        let mut programs = Vec::with_capacity(formulas.len());
        for formula in formulas {
            let mut p = self.lower(formula)?;
            for (name, value) in &defs {
                p = p.substitute(name, value);
            }
            programs.push(p);
        }
        Ok(self.rewrite(Program::merge(&programs)))
    }
}

/// `Ok` if every name is valid and none is given twice.
fn check_distinct(all: &[&str]) -> Result<()> {
    check_distinct_with(all, None)
}

/// [`check_distinct`], where `reserved` is a built-in name and what it
/// means (`("t", "the time")`), said when the user gives it again.
fn check_distinct_with(all: &[&str], reserved: Option<(&str, &str)>) -> Result<()> {
    for (k, name) in all.iter().enumerate() {
        crate::bind::check_name(name)?;
        if all[..k].contains(name) {
            let what = match reserved {
                Some((r, meaning)) if r == *name => format!(" (`{r}` is {meaning})"),
                _ => String::new(),
            };
            return Err(Error::new(
                ErrorKind::DuplicateName,
                format!("`{name}` is given twice{what}"),
            ));
        }
    }
    Ok(())
}

fn names(args: &[&str]) -> Arc<[Arc<str>]> {
    args.iter().map(|a| Arc::from(*a)).collect()
}

/// `Ok` if `given` values match the argument names. Inlined into the
/// callers (a compare on the scalar path); the message is built out of line.
#[inline]
fn check_count(names: &[Arc<str>], given: usize) -> Result<()> {
    if given == names.len() {
        Ok(())
    } else {
        Err(count_error(names, given))
    }
}

#[cold]
#[inline(never)]
fn count_error(names: &[Arc<str>], given: usize) -> Error {
    let list: Vec<&str> = names.iter().map(|n| &**n).collect();
    Error::new(
        ErrorKind::ArgumentCount,
        format!(
            "expected {} value{} ({}), got {given}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            list.join(", ")
        ),
    )
}

/// A formula compiled to native code. Cheap to clone (clones share the
/// code); `Send + Sync`, so threads can call it at once. The code is freed
/// when the last clone drops.
///
/// ```
/// let f = exprjit::parse("x^3 + a")?.compile(&["x", "a"])?;
/// assert_eq!(f.call(&[2.0, 1.0])?, 9.0);
/// assert_eq!(f.arg_names().collect::<Vec<_>>(), ["x", "a"]);
/// assert!(f.call(&[2.0]).is_err()); // one value per argument
/// let g = f.clone();
/// std::thread::spawn(move || g.call(&[1.0, 0.0])).join().unwrap()?;
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Clone)]
pub struct Compiled {
    code: ScalarCode,
    args: Arc<[Arc<str>]>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

impl Compiled {
    /// Evaluates with `args` in the order given to [`Expr::compile`].
    #[inline]
    pub fn call(&self, args: &[f64]) -> Result<f64> {
        check_count(&self.args, args.len())?;
        // SAFETY: the code reads `args[slot]` for slots below the number of
        // argument names, which equals `args.len()` (checked above); it
        // writes nothing. It calls only the C library's functions, the
        // registered natives the program names (kept alive by the
        // program's `natives`) and the resident inline math, which lives
        // for the whole process.
        Ok(unsafe { (self.code.func)(args.as_ptr()) })
    }

    /// The argument names, in call order.
    pub fn arg_names(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|a| &**a)
    }

    /// The number of arguments.
    pub fn arity(&self) -> usize {
        self.args.len()
    }
}

/// The reference interpreter bound to an argument order; the JIT must agree
/// with it bit for bit. It has [`Compiled`]'s accessors.
///
/// ```
/// let expr = exprjit::parse("sin(x)/x")?;
/// let (jit, reference) = (expr.compile(&["x"])?, expr.interpreter(&["x"])?);
/// for x in [0.5, 1e-300, 3.0e10] {
///     assert_eq!(jit.call(&[x])?.to_bits(), reference.call(&[x])?.to_bits());
/// }
/// assert_eq!(reference.arity(), 1);
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Interpreter {
    program: Arc<Program>,
    slots: Vec<u32>,
    args: Arc<[Arc<str>]>,
}

thread_local! {
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

impl Interpreter {
    /// Evaluates with `args` in the order given to [`Expr::interpreter`].
    pub fn call(&self, args: &[f64]) -> Result<f64> {
        check_count(&self.args, args.len())?;
        Ok(SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut scratch) => interp::eval(&self.program, &self.slots, args, &mut scratch),
            // A registered function that itself interprets a formula.
            Err(_) => interp::eval(&self.program, &self.slots, args, &mut Vec::new()),
        }))
    }

    /// The argument names, in call order.
    pub fn arg_names(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|a| &**a)
    }

    /// The number of arguments.
    pub fn arity(&self) -> usize {
        self.args.len()
    }
}

/// Parses `text` with the default [`Engine`].
///
/// ```
/// let expr = exprjit::parse("2*x + x")?;
/// assert_eq!(expr.variables(), ["x"]);
/// let err = exprjit::parse("2 x").unwrap_err();
/// assert_eq!(err.span().map(|s| s.start), Some(2));
/// # Ok::<(), exprjit::Error>(())
/// ```
pub fn parse(text: &str) -> Result<Expr> {
    Engine::new().parse(text)
}

/// Parses and interprets `text` once with named values.
///
/// ```
/// assert_eq!(exprjit::eval("2^3^2", &[])?, 512.0);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub fn eval(text: &str, bindings: &[(&str, f64)]) -> Result<f64> {
    parse(text)?.eval(bindings)
}
