//! [`Arith`] on four f64 lanes with AVX2 and FMA (`__m256d`).

#![allow(unsafe_code)]

use std::arch::x86_64::*;

use super::Wide;
use crate::math::Arith;
use crate::native::NativeFn;

/// Four lanes with AVX2 and FMA. A value of this type exists only on a CPU
/// that has both ([`X4::new`] checks), which is what makes every intrinsic
/// below sound to call. Conditions are lanes of all ones or all zeros.
#[derive(Debug, Clone, Copy)]
pub(crate) struct X4(());

impl X4 {
    /// The token, if this CPU has AVX2 and FMA.
    pub(crate) fn new() -> Option<X4> {
        super::has_avx2().then_some(X4(()))
    }
}

/// The sign bit of every lane.
const SIGN: i64 = i64::MIN;

impl Arith for X4 {
    type F = __m256d;
    type I = __m256i;
    type M = __m256d;

    #[inline(always)]
    fn f(&mut self, v: f64) -> __m256d {
        // SAFETY: (every block of this impl) an `X4` exists only when the CPU
        // has AVX2 and FMA (`X4::new`), the features these intrinsics need;
        // none of them touches memory unless said otherwise.
        unsafe { _mm256_set1_pd(v) }
    }
    #[inline(always)]
    fn i(&mut self, v: u64) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_set1_epi64x(v as i64) }
    }
    #[inline(always)]
    fn add(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_add_pd(a, b) }
    }
    #[inline(always)]
    fn sub(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_sub_pd(a, b) }
    }
    #[inline(always)]
    fn mul(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_mul_pd(a, b) }
    }
    #[inline(always)]
    fn div(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_div_pd(a, b) }
    }
    #[inline(always)]
    fn fma(&mut self, a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn neg(&mut self, a: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(SIGN))) }
    }
    #[inline(always)]
    fn abs(&mut self, a: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_andnot_pd(_mm256_castsi256_pd(_mm256_set1_epi64x(SIGN)), a) }
    }
    #[inline(always)]
    fn sqrt(&mut self, a: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_sqrt_pd(a) }
    }
    #[inline(always)]
    fn lt(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn le(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_cmp_pd::<_CMP_LE_OQ>(a, b) }
    }
    #[inline(always)]
    fn eq(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_cmp_pd::<_CMP_EQ_OQ>(a, b) }
    }
    #[inline(always)]
    fn is_nan(&mut self, a: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_cmp_pd::<_CMP_UNORD_Q>(a, a) }
    }
    #[inline(always)]
    fn and(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_and_pd(a, b) }
    }
    #[inline(always)]
    fn or(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_or_pd(a, b) }
    }
    #[inline(always)]
    fn not(&mut self, a: __m256d) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))) }
    }
    #[inline(always)]
    fn select(&mut self, m: __m256d, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `f`. The blend takes its second operand where the
        // mask lane's sign bit is set (conditions are all ones or zeros).
        unsafe { _mm256_blendv_pd(b, a, m) }
    }
    #[inline(always)]
    fn bits_of(&mut self, a: __m256d) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_castpd_si256(a) }
    }
    #[inline(always)]
    fn float_of(&mut self, a: __m256i) -> __m256d {
        // SAFETY: see `f`.
        unsafe { _mm256_castsi256_pd(a) }
    }
    #[inline(always)]
    fn iadd(&mut self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_add_epi64(a, b) }
    }
    #[inline(always)]
    fn isub(&mut self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_sub_epi64(a, b) }
    }
    #[inline(always)]
    fn iand(&mut self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_and_si256(a, b) }
    }
    #[inline(always)]
    fn ior(&mut self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_or_si256(a, b) }
    }
    #[inline(always)]
    fn ixor(&mut self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_xor_si256(a, b) }
    }
    #[inline(always)]
    fn shl(&mut self, a: __m256i, n: u32) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_sll_epi64(a, _mm_cvtsi32_si128(n as i32)) }
    }
    #[inline(always)]
    fn ushr(&mut self, a: __m256i, n: u32) -> __m256i {
        // SAFETY: see `f`.
        unsafe { _mm256_srl_epi64(a, _mm_cvtsi32_si128(n as i32)) }
    }
    #[inline(always)]
    fn lookup<const W: usize>(
        &mut self,
        table: &'static [[f64; W]],
        index: __m256i,
    ) -> [__m256d; W] {
        assert!(matches!(W, 1 | 2 | 4), "table entries of 1, 2 or 4 values");
        assert!(table.len().is_power_of_two(), "table length a power of two");
        let mask = self.i(table.len() as u64 - 1);
        let entry = self.iand(index, mask);
        let first = self.shl(entry, W.trailing_zeros());
        // SAFETY: see `f`. Every lane's entry is masked to
        // `0..table.len()`, so `entry*W + k` (k < W) indexes inside the
        // table's `len*W` contiguous f64s, which the gathers read.
        unsafe {
            std::array::from_fn(|k| {
                let at = _mm256_add_epi64(first, _mm256_set1_epi64x(k as i64));
                _mm256_i64gather_pd::<8>(table.as_ptr().cast::<f64>(), at)
            })
        }
    }
    #[inline(always)]
    fn fallback(
        &mut self,
        cond: __m256d,
        value: __m256d,
        args: &[__m256d],
        slow: NativeFn,
    ) -> __m256d {
        // SAFETY: see `f`.
        let bits = unsafe { _mm256_movemask_pd(cond) } as u32;
        if bits == 0 {
            return value;
        }
        super::fallback_lanes(*self, bits, value, args, slow)
    }
}

impl Wide for X4 {
    const LANES: usize = 4;

    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m256d {
        // SAFETY: the caller gives 4 readable f64s at `p`; AVX is here.
        unsafe { _mm256_loadu_pd(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64, v: __m256d) {
        // SAFETY: the caller gives 4 writable f64s at `p`.
        unsafe { _mm256_storeu_pd(p, v) }
    }
    #[inline(always)]
    fn floor(self, a: __m256d) -> __m256d {
        // SAFETY: see `Arith::f`.
        unsafe { _mm256_round_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn ceil(self, a: __m256d) -> __m256d {
        // SAFETY: see `Arith::f`.
        unsafe { _mm256_round_pd::<{ _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn trunc(self, a: __m256d) -> __m256d {
        // SAFETY: see `Arith::f`.
        unsafe { _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn ne(&mut self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see `Arith::f`. Unordered counts as not equal.
        unsafe { _mm256_cmp_pd::<_CMP_NEQ_UQ>(a, b) }
    }
}
