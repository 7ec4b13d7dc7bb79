//! Pairwise reductions: for row-major matrices A (n×d) and B (m×d), the
//! n×m matrix of `finish(reduce over k of f(A[i,k], B[j,k]))`.
//!
//! The order of each pair's reduction is fixed (see
//! [`PairwiseKernel::run_reference`]), the same in every tile shape, so
//! blocking, the triangle and thread counts never change a bit.

use std::sync::Arc;

use rayon::prelude::*;

use super::pairwise_codegen::{PairProgram, TileFn, compile_tile, fused_operands};
use super::{Parallel, Reduce};
use crate::error::{Error, ErrorKind, Result};
use crate::interp;
use crate::ir::{Program, ops};
use crate::jit::{Code, JitOptions};

/// Rows of A per parallel work unit (fixed: results do not depend on it).
const ROW_BLOCK: usize = 32;
/// Rows of B per cache block.
const COL_BLOCK: usize = 128;
/// Rows of B per call of the "any" search before testing for a hit.
const ANY_BLOCK: usize = 64;

/// A comparison for [`PairwiseKernel::any`]: whether `value OP threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compare {
    /// `value < threshold`.
    Lt,
    /// `value <= threshold`.
    Le,
    /// `value > threshold`.
    Gt,
    /// `value >= threshold`.
    Ge,
}

impl Compare {
    fn passes(self, v: f64, threshold: f64) -> bool {
        match self {
            Compare::Lt => v < threshold,
            Compare::Le => v <= threshold,
            Compare::Gt => v > threshold,
            Compare::Ge => v >= threshold,
        }
    }
}

struct Tiles {
    t24: TileFn,
    t14: TileFn,
    t11: TileFn,
    _code: Vec<Code>,
}

/// A formula of `a` and `b` (an element of a row of A and the same column
/// of a row of B), reduced over the columns by sum, min or max, then an
/// optional finishing formula of the reduced value `s`. Built by
/// [`Engine::pairwise`](crate::Engine::pairwise) or
/// [`Engine::pairwise_metric`](crate::Engine::pairwise_metric).
///
/// A sum of a product (`(a-b)^2` is `(a-b)*(a-b)` after the rewrites)
/// accumulates with one rounding per column, as `fma(p, q, acc)`.
///
/// ```
/// use exprjit::{Engine, Reduce};
///
/// // Squared distances between the rows of a 3×2 and a 2×2 matrix.
/// let a = [0.0, 0.0, 1.0, 0.0, 3.0, 4.0];
/// let b = [0.0, 0.0, 3.0, 4.0];
/// let k = Engine::new().pairwise("(a-b)^2", Reduce::Sum, Some("sqrt(s)"))?;
/// let d = k.run(&a, &b, 2)?; // 3×2, row-major
/// assert_eq!(d, [0.0, 5.0, 1.0, 20f64.sqrt(), 5.0, 0.0]);
/// // The contaminant cut: per row of A, the first row of B within 1.5.
/// let hits = k.any(&a, &b, 2, exprjit::Compare::Le, 1.5)?;
/// assert_eq!(hits, [0, 0, 1]);
/// # Ok::<(), exprjit::Error>(())
/// ```
pub struct PairwiseKernel {
    program: Arc<Program>,
    slots: Vec<u32>,
    how: Reduce,
    finish: Option<(Arc<Program>, Vec<u32>)>,
    fused: Option<(usize, usize)>,
    symmetric: bool,
    parallel: Parallel,
    tiles: Tiles,
}

impl std::fmt::Debug for PairwiseKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairwiseKernel")
            .field("formula", &self.program.text)
            .field("how", &self.how)
            .field("finish", &self.finish.as_ref().map(|f| f.0.text.clone()))
            .finish_non_exhaustive()
    }
}

impl PairwiseKernel {
    pub(crate) fn new(
        program: Program,
        slots: Vec<u32>,
        how: Reduce,
        finish: Option<(Program, Vec<u32>)>,
        jit: JitOptions,
    ) -> Result<PairwiseKernel> {
        let fused = fused_operands(&program, how);
        let finish = finish.map(|(p, s)| (Arc::new(p), s));
        let pair = PairProgram {
            program: &program,
            slots: &slots,
            how,
            fused,
            finish: finish.as_ref().map(|(p, s)| (&**p, s.as_slice())),
        };
        let (t24, c24) = compile_tile(&pair, 2, 4, jit)?;
        let (t14, c14) = compile_tile(&pair, 1, 4, jit)?;
        let (t11, c11) = compile_tile(&pair, 1, 1, jit)?;
        Ok(PairwiseKernel {
            program: Arc::new(program),
            slots,
            how,
            finish,
            fused,
            symmetric: false,
            parallel: Parallel::default(),
            tiles: Tiles {
                t24,
                t14,
                t11,
                _code: vec![c24, c14, c11],
            },
        })
    }

    /// Uses `parallel` for later runs (split into fixed blocks of rows;
    /// every setting gives the same bits).
    pub fn with_parallel(mut self, parallel: Parallel) -> PairwiseKernel {
        self.parallel = parallel;
        self
    }

    /// Declares that `f(a, b)` and `f(b, a)` give the same bits (true of
    /// `(a-b)^2`, `abs(a-b)`, `a*b`), so that [`run_self`](PairwiseKernel::run_self)
    /// computes one triangle and mirrors it. The metric shortcuts set it.
    pub fn with_symmetric(mut self, symmetric: bool) -> PairwiseKernel {
        self.symmetric = symmetric;
        self
    }

    /// Checks shapes: the row counts of A and B.
    fn shape(&self, a: &[f64], b: &[f64], d: usize) -> Result<(usize, usize)> {
        if d == 0 {
            return Err(Error::new(
                ErrorKind::Length,
                "the rows have 0 columns: d must be at least 1",
            ));
        }
        for (name, m) in [("A", a), ("B", b)] {
            if m.is_empty() {
                return Err(Error::new(
                    ErrorKind::Length,
                    format!("the matrix {name} is empty"),
                ));
            }
            if m.len() % d != 0 {
                return Err(Error::new(
                    ErrorKind::Length,
                    format!(
                        "the matrix {name} has {} elements, not a multiple of d = {d} columns",
                        m.len()
                    ),
                ));
            }
        }
        Ok((a.len() / d, b.len() / d))
    }

    fn output(n: usize, m: usize) -> Result<Vec<f64>> {
        let len = n.checked_mul(m).ok_or_else(|| {
            Error::new(ErrorKind::Limit, format!("a {n} × {m} output is too large"))
        })?;
        crate::alloc::zeros(len, "the pairwise output")
    }

    /// The n×m matrix (row-major) for A (`a`, n rows of `d`) and B (`b`, m
    /// rows of `d`).
    pub fn run(&self, a: &[f64], b: &[f64], d: usize) -> Result<Vec<f64>> {
        let (n, m) = self.shape(a, b, d)?;
        let mut out = Self::output(n, m)?;
        self.fill(a, b, d, n, m, false, &mut out)?;
        Ok(out)
    }

    /// The n×n matrix of A against itself: one triangle computed and
    /// mirrored when the kernel is [symmetric](PairwiseKernel::with_symmetric),
    /// the whole matrix otherwise. Equal to `run(a, a, d)` bit for bit.
    pub fn run_self(&self, a: &[f64], d: usize) -> Result<Vec<f64>> {
        let (n, _) = self.shape(a, a, d)?;
        let mut out = Self::output(n, n)?;
        self.fill(a, a, d, n, n, self.symmetric, &mut out)?;
        if self.symmetric {
            mirror(&mut out, n);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        a: &[f64],
        b: &[f64],
        d: usize,
        n: usize,
        m: usize,
        triangle: bool,
        out: &mut [f64],
    ) -> Result<()> {
        let blocks = out.chunks_mut(ROW_BLOCK * m).enumerate();
        let work = |(blk, rows): (usize, &mut [f64])| {
            let i0 = blk * ROW_BLOCK;
            let i1 = (i0 + ROW_BLOCK).min(n);
            self.block(a, b, d, m, i0, i1, triangle, rows);
        };
        if self.parallel.threads != 1
            && n.saturating_mul(m).saturating_mul(d) >= self.parallel.min_len
            && n > ROW_BLOCK
        {
            let blocks: Vec<_> = blocks.collect();
            self.parallel
                .install(|| blocks.into_par_iter().for_each(work))?;
        } else {
            blocks.for_each(work);
        }
        Ok(())
    }

    /// Rows `i0..i1` of A against B into `rows` (row `i0` first); with
    /// `triangle`, only columns `j >= i` of row `i` (in tiles; a tile may
    /// also cover a few below the diagonal).
    #[allow(clippy::too_many_arguments)]
    fn block(
        &self,
        a: &[f64],
        b: &[f64],
        d: usize,
        m: usize,
        i0: usize,
        i1: usize,
        triangle: bool,
        rows: &mut [f64],
    ) {
        let t = &self.tiles;
        for j0 in (0..m).step_by(COL_BLOCK) {
            let j1 = (j0 + COL_BLOCK).min(m);
            let mut i = i0;
            while i < i1 {
                let ra = if i + 1 < i1 { 2 } else { 1 };
                let start = if triangle { j0.max(i) } else { j0 };
                let mut j = start;
                while j < j1 {
                    let rb = if j + 4 <= j1 { 4 } else { 1 };
                    let f = match (ra, rb) {
                        (2, 4) => (t.t24, 2, 4),
                        (1, 4) => (t.t14, 1, 4),
                        (2, _) => {
                            // Two single tiles, one per row.
                            for r in 0..2 {
                                let at = (i + r - i0) * m + j;
                                call((t.t11, 1, 1), a, b, d, i + r, j, rows, at, m);
                            }
                            j += 1;
                            continue;
                        }
                        _ => (t.t11, 1, 1),
                    };
                    call(f, a, b, d, i, j, rows, (i - i0) * m + j, m);
                    j += rb;
                }
                i += ra;
            }
        }
    }

    /// Per row of A, the index of the first row of B whose finished value
    /// passes `value OP threshold`, or -1 if none does. Rows of B are
    /// searched in blocks of 64, stopping at the first block with a hit.
    pub fn any(
        &self,
        a: &[f64],
        b: &[f64],
        d: usize,
        op: Compare,
        threshold: f64,
    ) -> Result<Vec<i64>> {
        let (n, m) = self.shape(a, b, d)?;
        check_threshold(threshold)?;
        let mut hits = vec_i64(n)?;
        let search = |(i, hit): (usize, &mut i64)| {
            let mut buf = [0.0; ANY_BLOCK];
            *hit = -1;
            for j0 in (0..m).step_by(ANY_BLOCK) {
                let j1 = (j0 + ANY_BLOCK).min(m);
                let mut j = j0;
                while j < j1 {
                    let (f, rb) = if j + 4 <= j1 {
                        ((self.tiles.t14, 1, 4), 4)
                    } else {
                        ((self.tiles.t11, 1, 1), 1)
                    };
                    call(f, a, b, d, i, j, &mut buf, j - j0, ANY_BLOCK);
                    j += rb;
                }
                if let Some(k) = buf[..j1 - j0].iter().position(|&v| op.passes(v, threshold)) {
                    *hit = (j0 + k) as i64;
                    return;
                }
            }
        };
        if self.parallel.threads != 1
            && n.saturating_mul(m).saturating_mul(d) >= self.parallel.min_len
        {
            self.parallel.install(|| {
                hits.par_iter_mut()
                    .enumerate()
                    .with_min_len(ROW_BLOCK)
                    .for_each(search)
            })?;
        } else {
            hits.iter_mut().enumerate().for_each(search);
        }
        Ok(hits)
    }

    /// [`run`](PairwiseKernel::run) by the reference twin. Each pair's
    /// order: an accumulator of two lanes starting at the identity (`-0`
    /// for sums, NaN for min and max); for `k = 0, 2, 4, …` below `d - d%2`,
    /// lane 0 takes column `k` and lane 1 column `k+1` (`acc op f(a, b)`, or
    /// `fma(p, q, acc)` for a sum of `p*q`); then `lane0 op lane1`; then
    /// the last column if `d` is odd; then the finishing formula.
    pub fn run_reference(&self, a: &[f64], b: &[f64], d: usize) -> Result<Vec<f64>> {
        let (n, m) = self.shape(a, b, d)?;
        let mut out = Self::output(n, m)?;
        let mut scratch = Vec::new();
        for i in 0..n {
            for j in 0..m {
                out[i * m + j] = self.pair_reference(
                    &a[i * d..(i + 1) * d],
                    &b[j * d..(j + 1) * d],
                    &mut scratch,
                );
            }
        }
        Ok(out)
    }

    /// [`any`](PairwiseKernel::any) by the reference twin (pair by pair,
    /// stopping at the first hit).
    pub fn any_reference(
        &self,
        a: &[f64],
        b: &[f64],
        d: usize,
        op: Compare,
        threshold: f64,
    ) -> Result<Vec<i64>> {
        let (n, m) = self.shape(a, b, d)?;
        check_threshold(threshold)?;
        let mut scratch = Vec::new();
        let mut hits = vec_i64(n)?;
        for (i, hit) in hits.iter_mut().enumerate() {
            *hit = -1;
            for j in 0..m {
                let v = self.pair_reference(
                    &a[i * d..(i + 1) * d],
                    &b[j * d..(j + 1) * d],
                    &mut scratch,
                );
                if op.passes(v, threshold) {
                    *hit = j as i64;
                    break;
                }
            }
        }
        Ok(hits)
    }

    fn pair_reference(&self, x: &[f64], y: &[f64], scratch: &mut Vec<f64>) -> f64 {
        let d = x.len();
        let mut comb = |acc: f64, u: f64, v: f64| {
            let args = [u, v];
            let value = interp::eval(&self.program, &self.slots, &args, scratch);
            match self.fused {
                Some((p, q)) => ops::fma(scratch[p], scratch[q], acc),
                None => self.how.apply(acc, value),
            }
        };
        let mut lanes = [self.how.identity(); 2];
        let even = d - d % 2;
        for k in (0..even).step_by(2) {
            lanes[0] = comb(lanes[0], x[k], y[k]);
            lanes[1] = comb(lanes[1], x[k + 1], y[k + 1]);
        }
        let mut s = self.how.apply(lanes[0], lanes[1]);
        if d % 2 == 1 {
            s = comb(s, x[d - 1], y[d - 1]);
        }
        match &self.finish {
            Some((p, slots)) => interp::eval(p, slots, &[s], scratch),
            None => s,
        }
    }
}

fn check_threshold(threshold: f64) -> Result<()> {
    if threshold.is_nan() {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "the threshold is NaN: no value would pass",
        ));
    }
    Ok(())
}

fn vec_i64(n: usize) -> Result<Vec<i64>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| crate::alloc::too_large(n as u128, "the hits"))?;
    v.resize(n, -1);
    Ok(v)
}

/// Copies the upper triangle of the n×n `out` onto the lower one, in
/// 64×64 blocks (so the column reads stay in cache).
fn mirror(out: &mut [f64], n: usize) {
    const B: usize = 64;
    for bi in (0..n).step_by(B) {
        for bj in (0..=bi).step_by(B) {
            for i in bi..(bi + B).min(n) {
                for j in bj..(bj + B).min(i) {
                    out[i * n + j] = out[j * n + i];
                }
            }
        }
    }
}

/// Calls a tile for rows `i…` of A and `j…` of B into `out[at…]` with row
/// stride `ldo`.
#[allow(clippy::too_many_arguments)]
fn call(
    (f, ra, rb): (TileFn, usize, usize),
    a: &[f64],
    b: &[f64],
    d: usize,
    i: usize,
    j: usize,
    out: &mut [f64],
    at: usize,
    ldo: usize,
) {
    assert!(
        (i + ra) * d <= a.len()
            && (j + rb) * d <= b.len()
            && rb <= ldo
            && at + (ra - 1) * ldo + rb <= out.len(),
        "a tile outside its matrices"
    );
    // SAFETY: checked just above: A rows `i..i+ra` and B rows `j..j+rb`,
    // `d` columns each, lie within `a` and `b`, and the outputs
    // `at + r*ldo + c` for `r < ra`, `c < rb` within `out`; the tile
    // reads and writes nothing else.
    unsafe {
        f(
            a.as_ptr().add(i * d),
            b.as_ptr().add(j * d),
            d as i64,
            out.as_mut_ptr().add(at),
            ldo as i64,
        )
    }
}
