//! Resource limits: exceeding one is an [`ErrorKind::Limit`](crate::ErrorKind::Limit) error,
//! never a stack overflow or an unbounded compile.

/// Bounds on what a formula may cost to parse and compile.
///
/// ```
/// let tight = exprjit::Limits { max_depth: 8, ..exprjit::Limits::default() };
/// let engine = exprjit::Engine::new().with_limits(tight);
/// assert!(engine.parse("((((((((((1))))))))))").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest formula text, in bytes. Default 1 MiB.
    pub max_text_len: usize,
    /// Deepest nesting: parentheses, call arguments, prefix operators and
    /// power exponents each add a level. Default 256.
    pub max_depth: usize,
    /// Most syntax-tree nodes (numbers, names, operators, calls). Default 100,000.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_text_len: 1 << 20,
            max_depth: 256,
            max_nodes: 100_000,
        }
    }
}
