//! Allocations whose size the user chooses (session arrays, kernel outputs,
//! kept recurrence states): fallible, so a size memory cannot hold is an
//! [`ErrorKind::Limit`] error naming the size, never an abort.

use crate::error::{Error, ErrorKind, Result};

/// An empty vector with room for `n` values, or the error for `n` values
/// (`what`: what they were for, "`x`", "the outputs").
pub(crate) fn room(n: usize, what: &str) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    match v.try_reserve_exact(n) {
        Ok(()) => Ok(v),
        Err(_) => Err(too_large(n as u128, what)),
    }
}

/// `n` zeros, allocated as [`room`] does.
pub(crate) fn zeros(n: usize, what: &str) -> Result<Vec<f64>> {
    let mut v = room(n, what)?;
    v.resize(n, 0.0);
    Ok(v)
}

/// The error for `n` values that cannot be allocated:
/// "cannot allocate 1000000000 values (8.0 GB) for `x`".
pub(crate) fn too_large(n: u128, what: &str) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "cannot allocate {n} values ({}) for {what}",
            bytes(n as f64 * 8.0)
        ),
    )
}

/// A byte count in decimal units: `8.0 GB`.
pub(crate) fn bytes(b: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut v = b;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < units.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v} B")
    } else {
        format!("{v:.1} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allocation_too_large_is_an_error_naming_its_size() {
        let e = room(1_000_000_000_000_000_000, "`x`").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert_eq!(
            e.message(),
            "cannot allocate 1000000000000000000 values (8.0 EB) for `x`"
        );
        let e = zeros(usize::MAX / 4, "the result").unwrap_err();
        assert!(e.message().ends_with("for the result"), "{e}");
        assert_eq!(zeros(3, "`y`").unwrap(), vec![0.0; 3]);
        assert!(room(1000, "`y`").unwrap().capacity() >= 1000);
        assert_eq!(bytes(12.0), "12 B");
        assert_eq!(bytes(2.5e6), "2.5 MB");
    }
}
