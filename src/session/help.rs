//! `:help`: the values, formulas and reductions, every command (from the
//! command table), and the built-in functions.

use super::COMMANDS;

const VALUES: &str = "\
Values
  h = 0.001                  a scalar (any formula of known values)
  x = linspace(0, 1, 1e6)    an array: also arange(n), arange(a, b, step), rand(n), randn(n)
  y = x^3 + h                a formula over arrays gives an array
Formulas
  y + h*y^2*cos(t+y)         a value, or for arrays: length, first, last, min, max, mean
Reductions (the whole line, or name = …; :time and :compare take them too)
  sum((a-b)^2)               the sum over the arrays' elements: one number
  mean(F)  minof(F)  maxof(F)
                             the mean, smallest and largest element (minof and maxof
                             skip NaN; min(a, b) and max(a, b) stay elementwise)
Commands";

/// `:help functions`: every built-in function with its arguments and
/// meaning, from the function table.
pub(super) fn functions() -> String {
    crate::functions::help(true)
}

/// The whole `:help` text.
pub(super) fn text() -> String {
    let mut out = VALUES.to_string();
    for c in COMMANDS {
        out.push('\n');
        out.push_str(c.help);
    }
    out.push('\n');
    out.push_str(&crate::functions::help(false));
    out
}
