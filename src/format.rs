//! Printing an f64 as the shortest text that reads back to the same value.

/// The shortest decimal text that parses back to exactly `x`: `NaN`, `inf`
/// and `-inf` for the specials, plain digits for moderate magnitudes and
/// scientific notation (`1e300`, `2.5e-7`) for very large or small ones.
///
/// ```
/// use exprjit::format_f64;
/// assert_eq!(format_f64(-4.0), "-4");
/// assert_eq!(format_f64(0.1 + 0.2), "0.30000000000000004");
/// assert_eq!(format_f64(1e300), "1e300");
/// assert_eq!(format_f64(f64::NEG_INFINITY), "-inf");
/// ```
pub fn format_f64(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if x == 0.0 || (1e-5..1e16).contains(&x.abs()) {
        // Rust's `Display` prints the shortest round-trip digits.
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_to_the_same_bits() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -4.0,
            512.0,
            1.000540302305868,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            -f64::MAX,
            1e-5,
            9.99999e-6,
            1e16,
            123456789012345.6,
            6.02e23,
        ];
        for v in values {
            let s = format_f64(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{s}");
        }
        assert_eq!(format_f64(-0.0), "-0");
        assert_eq!(format_f64(512.0), "512");
        assert_eq!(format_f64(f64::NAN), "NaN");
        assert_eq!(format_f64(5e-324), "5e-324");
    }
}
