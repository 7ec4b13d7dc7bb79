//! [`Arith`] on eight f64 lanes with AVX-512F (`__m512d`).

#![allow(unsafe_code)]

use std::arch::x86_64::*;

use super::Wide;
use crate::math::Arith;
use crate::native::NativeFn;

/// Eight lanes with AVX-512F and FMA. A value of this type exists only on a
/// CPU that has both ([`X8::new`] checks), which is what makes every
/// intrinsic below sound to call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct X8(());

impl X8 {
    /// The token, if this CPU has AVX-512F, AVX2 and FMA.
    pub(crate) fn new() -> Option<X8> {
        super::has_avx512().then_some(X8(()))
    }
}

/// The sign bit of every lane.
const SIGN: i64 = i64::MIN;

impl Arith for X8 {
    type F = __m512d;
    type I = __m512i;
    type M = __mmask8;

    #[inline(always)]
    fn f(&mut self, v: f64) -> __m512d {
        // SAFETY: (every block of this impl) an `X8` exists only when the CPU
        // has AVX-512F and FMA (`X8::new`), the features these intrinsics
        // need; none of them touches memory unless said otherwise.
        unsafe { _mm512_set1_pd(v) }
    }
    #[inline(always)]
    fn i(&mut self, v: u64) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_set1_epi64(v as i64) }
    }
    #[inline(always)]
    fn add(&mut self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_add_pd(a, b) }
    }
    #[inline(always)]
    fn sub(&mut self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_sub_pd(a, b) }
    }
    #[inline(always)]
    fn mul(&mut self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_mul_pd(a, b) }
    }
    #[inline(always)]
    fn div(&mut self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_div_pd(a, b) }
    }
    #[inline(always)]
    fn fma(&mut self, a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn neg(&mut self, a: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe {
            _mm512_castsi512_pd(_mm512_xor_si512(
                _mm512_castpd_si512(a),
                _mm512_set1_epi64(SIGN),
            ))
        }
    }
    #[inline(always)]
    fn abs(&mut self, a: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe {
            _mm512_castsi512_pd(_mm512_andnot_si512(
                _mm512_set1_epi64(SIGN),
                _mm512_castpd_si512(a),
            ))
        }
    }
    #[inline(always)]
    fn sqrt(&mut self, a: __m512d) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_sqrt_pd(a) }
    }
    #[inline(always)]
    fn lt(&mut self, a: __m512d, b: __m512d) -> __mmask8 {
        // SAFETY: see `f`.
        unsafe { _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn le(&mut self, a: __m512d, b: __m512d) -> __mmask8 {
        // SAFETY: see `f`.
        unsafe { _mm512_cmp_pd_mask::<_CMP_LE_OQ>(a, b) }
    }
    #[inline(always)]
    fn eq(&mut self, a: __m512d, b: __m512d) -> __mmask8 {
        // SAFETY: see `f`.
        unsafe { _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(a, b) }
    }
    #[inline(always)]
    fn is_nan(&mut self, a: __m512d) -> __mmask8 {
        // SAFETY: see `f`.
        unsafe { _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(a, a) }
    }
    #[inline(always)]
    fn and(&mut self, a: __mmask8, b: __mmask8) -> __mmask8 {
        a & b
    }
    #[inline(always)]
    fn or(&mut self, a: __mmask8, b: __mmask8) -> __mmask8 {
        a | b
    }
    #[inline(always)]
    fn not(&mut self, a: __mmask8) -> __mmask8 {
        !a
    }
    #[inline(always)]
    fn select(&mut self, m: __mmask8, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see `f`. The blend takes its second operand where the
        // mask is set.
        unsafe { _mm512_mask_blend_pd(m, b, a) }
    }
    #[inline(always)]
    fn bits_of(&mut self, a: __m512d) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_castpd_si512(a) }
    }
    #[inline(always)]
    fn float_of(&mut self, a: __m512i) -> __m512d {
        // SAFETY: see `f`.
        unsafe { _mm512_castsi512_pd(a) }
    }
    #[inline(always)]
    fn iadd(&mut self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_add_epi64(a, b) }
    }
    #[inline(always)]
    fn isub(&mut self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_sub_epi64(a, b) }
    }
    #[inline(always)]
    fn iand(&mut self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_and_si512(a, b) }
    }
    #[inline(always)]
    fn ior(&mut self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_or_si512(a, b) }
    }
    #[inline(always)]
    fn ixor(&mut self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_xor_si512(a, b) }
    }
    #[inline(always)]
    fn shl(&mut self, a: __m512i, n: u32) -> __m512i {
        // SAFETY: see `f`. Counts of 64 and more give 0, as `u64 << n`
        // never sees (the algorithms shift by less than 64).
        unsafe { _mm512_sll_epi64(a, _mm_cvtsi32_si128(n as i32)) }
    }
    #[inline(always)]
    fn ushr(&mut self, a: __m512i, n: u32) -> __m512i {
        // SAFETY: see `f`.
        unsafe { _mm512_srl_epi64(a, _mm_cvtsi32_si128(n as i32)) }
    }
    #[inline(always)]
    fn lookup<const W: usize>(
        &mut self,
        table: &'static [[f64; W]],
        index: __m512i,
    ) -> [__m512d; W] {
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
                let at = _mm512_add_epi64(first, _mm512_set1_epi64(k as i64));
                _mm512_i64gather_pd::<8>(at, table.as_ptr().cast::<f64>())
            })
        }
    }
    #[inline(always)]
    fn fallback(
        &mut self,
        cond: __mmask8,
        value: __m512d,
        args: &[__m512d],
        slow: NativeFn,
    ) -> __m512d {
        if cond == 0 {
            return value;
        }
        super::fallback_lanes(*self, u32::from(cond), value, args, slow)
    }
}

impl Wide for X8 {
    const LANES: usize = 8;

    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m512d {
        // SAFETY: the caller gives 8 readable f64s at `p`; AVX-512F is here
        // (see `Arith::f`).
        unsafe { _mm512_loadu_pd(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64, v: __m512d) {
        // SAFETY: the caller gives 8 writable f64s at `p`.
        unsafe { _mm512_storeu_pd(p, v) }
    }
    #[inline(always)]
    fn floor(self, a: __m512d) -> __m512d {
        // SAFETY: see `Arith::f`. Round toward -inf, no precision exception.
        unsafe { _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn ceil(self, a: __m512d) -> __m512d {
        // SAFETY: see `Arith::f`.
        unsafe { _mm512_roundscale_pd::<{ _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn trunc(self, a: __m512d) -> __m512d {
        // SAFETY: see `Arith::f`.
        unsafe { _mm512_roundscale_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn ne(&mut self, a: __m512d, b: __m512d) -> __mmask8 {
        // SAFETY: see `Arith::f`. Unordered counts as not equal.
        unsafe { _mm512_cmp_pd_mask::<_CMP_NEQ_UQ>(a, b) }
    }
}
