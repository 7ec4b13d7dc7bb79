//! The `rust_native` contender (issue 16): the same hand-written loops as
//! the `rust` rows, compiled for this CPU.
//!
//! A bench crate cannot set `-C target-cpu=native` for one function, so each
//! loop is written once, generic over the per-element work (a closure the
//! compiler inlines), and instantiated three times: plain (the release
//! build's baseline x86-64, what the `rust` rows run), inside
//! `#[target_feature(enable = "avx2,fma")]`, and inside
//! `#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]`.
//! [`Level::detect`] picks what `-C target-cpu=native` would generate on
//! this CPU. That is not always the widest: LLVM's models of Intel's
//! AVX-512 CPUs (Skylake-X to Sapphire Rapids, Rocket Lake) carry the
//! `prefer-256-bit` tuning, so native code there uses 256-bit vectors, and a
//! `target_feature` function cannot set a tuning flag: its AVX-512
//! instantiation uses 512-bit vectors and is slower there (measured on this
//! machine, a Xeon that rustc calls `rocketlake`, against a real
//! `-C target-cpu=native` build of the same loops: `native_check.rs` beside
//! this file). So on Intel CPUs the AVX2+FMA instantiation stands for
//! native (it matched the real build within noise: `x^3` 0.147 against
//! 0.146 ns per element, `cos` 5.77 against 5.76), and the AVX-512 one only
//! on others (AMD Zen 4 and 5 have no such tuning). The math library is
//! not part of it: `f64::cos` is glibc's scalar call, one element at a
//! time, in every instantiation.

/// The instruction sets a `native` loop is compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Baseline x86-64 (SSE2), as a plain `--release` build.
    Baseline,
    /// AVX2 and FMA.
    Avx2,
    /// AVX-512 (F, DQ, VL), AVX2 and FMA.
    Avx512,
}

impl Level {
    /// The level `-C target-cpu=native` would compile for on this CPU
    /// (see the module's comment): AVX-512 where the CPU has it and is not
    /// Intel's, AVX2 and FMA where it has them, the baseline otherwise.
    pub fn detect() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            if avx512()
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
                && !intel()
            {
                return Level::Avx512;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Level::Avx2;
            }
        }
        Level::Baseline
    }

    /// The `target_feature` list and why it was chosen, for the report.
    pub fn features(self) -> String {
        match self {
            Level::Baseline => {
                "no extra features (this CPU has neither AVX2+FMA nor AVX-512)".to_string()
            }
            Level::Avx2 => {
                let why = if cfg!(target_arch = "x86_64") && avx512() && intel() {
                    ": this Intel CPU has AVX-512, but LLVM prefers 256-bit vectors on Intel's AVX-512 models, so native code uses AVX2-width vectors"
                } else {
                    ""
                };
                format!("`#[target_feature(enable = \"avx2,fma\")]`{why}")
            }
            Level::Avx512 => {
                "`#[target_feature(enable = \"avx512f,avx512dq,avx512vl,avx2,fma\")]`".to_string()
            }
        }
    }
}

/// Whether the CPU has the AVX-512 subsets the AVX-512 level uses.
fn avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512dq")
            && is_x86_feature_detected!("avx512vl")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether /proc/cpuinfo names Intel as the vendor (unknown: yes, the
/// 256-bit choice).
fn intel() -> bool {
    std::fs::read_to_string("/proc/cpuinfo")
        .map(|s| {
            s.lines()
                .find(|l| l.starts_with("vendor_id"))
                .is_none_or(|l| l.contains("GenuineIntel"))
        })
        .unwrap_or(true)
}

/// Defines `$name` calling `$body` (generic over the work `F`) at a level:
/// the plain instantiation, or the same inside a `target_feature` function.
macro_rules! leveled {
    (
        $(#[$m:meta])*
        fn $name:ident<$F:ident: $bound:path>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?
        $body:block
    ) => {
        $(#[$m])*
        pub fn $name<$F: $bound>(level: Level, $($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body<$F: $bound>($($arg: $ty),*) $(-> $ret)? $body

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            fn avx2<$F: $bound>($($arg: $ty),*) $(-> $ret)? {
                body($($arg),*)
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
            fn avx512<$F: $bound>($($arg: $ty),*) $(-> $ret)? {
                body($($arg),*)
            }

            match level {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `Level::Avx2` comes from `Level::detect`, which
                // saw AVX2 and FMA on this CPU.
                Level::Avx2 => unsafe { avx2($($arg),*) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `Level::Avx512` comes from `Level::detect`, which
                // saw AVX-512 F/DQ/VL, AVX2 and FMA on this CPU.
                Level::Avx512 => unsafe { avx512($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}

leveled! {
    /// `out[k] = f(x[k])`.
    fn map1<F: Fn(f64) -> f64>(f: F, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = f(v);
        }
    }
}

leveled! {
    /// `out[k] = f(a[k], b[k])`.
    fn map2<F: Fn(f64, f64) -> f64>(f: F, a: &[f64], b: &[f64], out: &mut [f64]) {
        for ((o, &u), &v) in out.iter_mut().zip(a).zip(b) {
            *o = f(u, v);
        }
    }
}

leveled! {
    /// `out[i*cols + j] = f(i, j)`.
    fn grid2<F: Fn(f64, f64) -> f64>(f: F, cols: usize, out: &mut [f64]) {
        for (i, row) in out.chunks_mut(cols).enumerate() {
            for (j, o) in row.iter_mut().enumerate() {
                *o = f(i as f64, j as f64);
            }
        }
    }
}

leveled! {
    /// ExprTk's native benchmark loop: `f` at every point of the sweep
    /// `xs × ys` (x outer), the sum of `|f|`.
    fn sweep<F: Fn(f64, f64) -> f64>(f: F, xs: &[f64], ys: &[f64]) -> f64 {
        let mut total = 0.0;
        for &x in xs {
            for &y in ys {
                total += f(x, y).abs();
            }
        }
        total
    }
}

leveled! {
    /// `out[k] = f(x[k])` eight lanes at a time (`wide::f64x8`), the tail
    /// padded with zeros: the `rust_simd_cos` row of map_cos.
    fn map8<F: Fn(wide::f64x8) -> wide::f64x8>(f: F, x: &[f64], out: &mut [f64]) {
        let mut xs = x.chunks_exact(8);
        let mut os = out.chunks_exact_mut(8);
        for (o, v) in (&mut os).zip(&mut xs) {
            let mut lanes = [0.0; 8];
            lanes.copy_from_slice(v);
            o.copy_from_slice(&f(wide::f64x8::new(lanes)).to_array());
        }
        let (rest, out_rest) = (xs.remainder(), os.into_remainder());
        if !rest.is_empty() {
            let mut lanes = [0.0; 8];
            lanes[..rest.len()].copy_from_slice(rest);
            let r = f(wide::f64x8::new(lanes)).to_array();
            out_rest.copy_from_slice(&r[..out_rest.len()]);
        }
    }
}

/// The distance in units in the last place between two finite f64 of the
/// same sign side (the count of doubles between them).
pub fn ulps(a: f64, b: f64) -> u64 {
    let key = |v: f64| {
        let i = v.to_bits() as i64;
        if i < 0 { i64::MIN - i } else { i }
    };
    key(a).abs_diff(key(b))
}
