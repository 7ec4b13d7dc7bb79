//! Vector widths beyond the JIT's f64x2: which one kernels use, and what
//! this CPU has.
//!
//! Cranelift's x86-64 backend has no vectors wider than 128 bits, so code
//! for AVX2 (f64x4) and AVX-512 (f64x8) is compiled ahead of time by rustc
//! from the same [`Arith`](crate::math::Arith) algorithms (`x4`, `x8`), and
//! chosen at run time by CPU feature detection (`crate::wide` runs it).
//! This module names the widths and answers which of them the host can run.

use crate::error::{Error, ErrorKind, Result};

/// The vector width of compiled maps and grids.
///
/// Every width computes the same bits (the same operations in the same
/// order, `fma` where the algorithm says `fma`), so the setting changes only
/// the speed. [`Width::Auto`] takes the widest this CPU has.
///
/// ```
/// use exprjit::{Engine, Input, Width};
/// let x: Vec<f64> = (0..1000).map(|i| i as f64 * 0.01).collect();
/// let narrow = Engine::new().with_width(Width::F64x2).map(&["cos(x)"], &["x"])?;
/// let auto = Engine::new().map(&["cos(x)"], &["x"])?;
/// assert_eq!(narrow.eval(&[Input::from(&x)])?, auto.eval(&[Input::from(&x)])?);
/// # Ok::<(), exprjit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Width {
    /// The widest this CPU has (the default).
    #[default]
    Auto,
    /// The JIT's own two lanes (SSE2), on every x86-64 CPU.
    F64x2,
    /// Four lanes with AVX2 and FMA.
    Avx2,
    /// Eight lanes with AVX-512F (and FMA).
    Avx512,
}

/// A width the host can run, [`Width::Auto`] resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Hw {
    /// The JIT's f64x2 code only.
    X2,
    /// Precompiled f64x4 (AVX2 + FMA).
    X4,
    /// Precompiled f64x8 (AVX-512F + FMA).
    X8,
}

impl Width {
    /// Every width, in order.
    pub const ALL: [Width; 4] = [Width::Auto, Width::F64x2, Width::Avx2, Width::Avx512];

    /// `"auto"`, `"f64x2"`, `"avx2"` or `"avx512"`.
    pub fn name(self) -> &'static str {
        match self {
            Width::Auto => "auto",
            Width::F64x2 => "f64x2",
            Width::Avx2 => "avx2",
            Width::Avx512 => "avx512",
        }
    }

    /// Reads a [`name`](Width::name).
    pub fn from_name(name: &str) -> Option<Width> {
        Width::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Whether this CPU can run the width ([`Auto`](Width::Auto) and
    /// [`F64x2`](Width::F64x2) always can).
    pub fn is_available(self) -> bool {
        match self {
            Width::Auto | Width::F64x2 => true,
            Width::Avx2 => has_avx2(),
            Width::Avx512 => has_avx512(),
        }
    }

    /// The widest width this CPU has.
    pub fn widest() -> Width {
        if has_avx512() {
            Width::Avx512
        } else if has_avx2() {
            Width::Avx2
        } else {
            Width::F64x2
        }
    }

    /// The width to run, or an error naming what the CPU lacks.
    pub(crate) fn resolve(self) -> Result<Hw> {
        let hw = match self {
            Width::Auto => return Width::widest().resolve(),
            Width::F64x2 => Hw::X2,
            Width::Avx2 => Hw::X4,
            Width::Avx512 => Hw::X8,
        };
        if self.is_available() {
            Ok(hw)
        } else {
            Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "this CPU cannot run the {} width, which needs {} (the widest it has is {})",
                    self.name(),
                    match self {
                        Width::Avx2 => "AVX2 and FMA",
                        _ => "AVX-512F and FMA",
                    },
                    Width::widest().name()
                ),
            ))
        }
    }
}

impl std::fmt::Display for Width {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f") && has_avx2()
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx2() -> bool {
    false
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx512() -> bool {
    false
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod x4;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x8;

/// What the block evaluator (`crate::wide`) needs of a lane type beyond
/// [`Arith`](crate::math::Arith): memory access and the IR's rounding
/// operations, each with exactly the meaning `crate::ir::ops` gives it.
pub(crate) trait Wide: crate::math::Arith + Copy {
    /// Lanes per value.
    const LANES: usize;
    /// `LANES` f64s from `p`.
    ///
    /// # Safety
    ///
    /// `p` must point at `LANES` readable f64s.
    unsafe fn load(self, p: *const f64) -> Self::F;
    /// `v` into `LANES` f64s at `p`.
    ///
    /// # Safety
    ///
    /// `p` must point at `LANES` writable f64s.
    unsafe fn store(self, p: *mut f64, v: Self::F);
    /// `f64::floor` per lane.
    fn floor(self, a: Self::F) -> Self::F;
    /// `f64::ceil` per lane.
    fn ceil(self, a: Self::F) -> Self::F;
    /// `f64::trunc` per lane.
    fn trunc(self, a: Self::F) -> Self::F;
    /// `a != b` (true when either is NaN).
    fn ne(&mut self, a: Self::F, b: Self::F) -> Self::M;
}

/// The lanes of `value`, with `slow` called on `args` in the lanes whose
/// bit is set in `bits` (the inline math's rare slow paths).
#[inline(always)]
pub(crate) fn fallback_lanes<W: Wide>(
    w: W,
    bits: u32,
    value: W::F,
    args: &[W::F],
    slow: crate::native::NativeFn,
) -> W::F {
    assert!(
        W::LANES <= 8 && args.len() <= 2,
        "at most 8 lanes, 2 arguments"
    );
    let mut out = [0.0f64; 8];
    let mut lanes = [[0.0f64; 8]; 2];
    // SAFETY: `out` and each row of `lanes` hold 8 >= LANES f64s.
    unsafe {
        w.store(out.as_mut_ptr(), value);
        for (row, &a) in lanes.iter_mut().zip(args) {
            w.store(row.as_mut_ptr(), a);
        }
    }
    for (lane, o) in out.iter_mut().enumerate().take(W::LANES) {
        if (bits >> lane) & 1 == 1 {
            let call = [lanes[0][lane], lanes[1][lane]];
            *o = slow.call(&call[..args.len()]);
        }
    }
    // SAFETY: `out` holds 8 >= LANES f64s.
    unsafe { w.load(out.as_ptr()) }
}
