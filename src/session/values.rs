//! Session values: [`Value`], how the session shows them ([`describe`],
//! `:vars`), and the fallible allocation every array the user sizes goes
//! through.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::{Result, format_f64};

/// A session variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// One number.
    Scalar(f64),
    /// An array. A `Vec` behind the `Arc` (not an `Arc<[f64]>`), so an
    /// array allocated with `try_reserve` is shared without a second,
    /// infallible allocation and copy.
    Array(Arc<Vec<f64>>),
}

/// A value as the session shows it: a number, or an array summary.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Scalar(v) => format_f64(*v),
        Value::Array(a) => summary(a),
    }
}

/// An array as the session shows it: length, first, last, min, max, mean.
pub(super) fn summary(a: &[f64]) -> String {
    if a.is_empty() {
        return "empty array".to_string();
    }
    let min = a.iter().copied().fold(f64::NAN, fmin);
    let max = a.iter().copied().fold(f64::NAN, fmax);
    let mean = a.iter().sum::<f64>() / a.len() as f64;
    format!(
        "array of {}: first {}, last {}, min {}, max {}, mean {}",
        a.len(),
        format_f64(a[0]),
        format_f64(a[a.len() - 1]),
        format_f64(min),
        format_f64(max),
        format_f64(mean)
    )
}

/// The language's `min` (C `fmin`): a NaN operand is ignored, `min(-0, 0)`
/// is `-0`.
fn fmin(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() || a < b {
        a
    } else if b < a {
        b
    } else {
        f64::from_bits(a.to_bits() | b.to_bits())
    }
}

/// The language's `max`: a NaN operand is ignored, `max(-0, 0)` is `+0`.
fn fmax(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() || a > b {
        a
    } else if b > a {
        b
    } else {
        f64::from_bits(a.to_bits() & b.to_bits())
    }
}

/// `:vars`: name, kind, length and memory of every variable.
pub(super) fn vars_table(vars: &BTreeMap<String, Value>) -> String {
    if vars.is_empty() {
        return "no variables yet; try x = linspace(0, 1, 1e6)".to_string();
    }
    let mut out = format!(
        "{:<12} {:<8} {:>10} {:>10}",
        "name", "kind", "length", "memory"
    );
    for (name, value) in vars {
        let (kind, len) = match value {
            Value::Scalar(_) => ("scalar", 1),
            Value::Array(a) => ("array", a.len()),
        };
        let bytes = len * 8;
        let memory = if bytes < 1 << 10 {
            format!("{bytes} B")
        } else if bytes < 1 << 20 {
            format!("{:.1} KiB", bytes as f64 / 1024.0)
        } else {
            format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
        };
        let _ = write!(out, "\n{name:<12} {kind:<8} {len:>10} {memory:>10}");
    }
    out
}

/// The session's hint on an allocation that failed.
const MEMORY_HELP: &str = "not enough memory; :vars lists what the session holds, :clear frees it";

/// An empty vector with room for `n` values ([`crate::alloc::room`], with
/// the session's hint when the memory cannot be had).
pub(super) fn room(n: usize, what: &str) -> Result<Vec<f64>> {
    crate::alloc::room(n, what).map_err(|e| e.with_help(MEMORY_HELP))
}

/// `n` zeros ([`crate::alloc::zeros`], with the session's hint).
pub(super) fn zeros(n: usize, what: &str) -> Result<Vec<f64>> {
    crate::alloc::zeros(n, what).map_err(|e| e.with_help(MEMORY_HELP))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn an_allocation_too_large_says_how_to_free_memory() {
        let e = zeros(usize::MAX / 4, "`x`").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.help().is_some_and(|h| h.contains(":clear")), "{e}");
        assert!(room(1000, "`y`").unwrap().capacity() >= 1000);
    }

    #[test]
    fn summaries_keep_signed_zeros_and_skip_nans() {
        let a = Value::Array(Arc::new(vec![0.0, f64::NAN, -0.0]));
        assert_eq!(
            describe(&a),
            "array of 3: first 0, last -0, min -0, max 0, mean NaN"
        );
    }
}
