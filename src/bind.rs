//! Binding a formula's variables to an explicit argument order.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result, suggest};
use crate::functions;
use crate::ir::Program;

/// Checks an argument list (valid, unreserved, distinct names) and returns,
/// for each variable of `program`, its position in `names`. Names the
/// formula does not use are allowed; a variable missing from `names` is an
/// error pointing at its first use.
pub fn bind<S: AsRef<str>>(program: &Program, names: &[S]) -> Result<Vec<u32>> {
    let mut position: HashMap<&str, u32> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = name.as_ref();
        check_name(name)?;
        if position.insert(name, i as u32).is_some() {
            return Err(Error::new(
                ErrorKind::DuplicateName,
                format!("`{name}` is given twice"),
            ));
        }
    }
    program
        .vars
        .iter()
        .map(|var| match position.get(&*var.name) {
            Some(&i) => Ok(i),
            None => {
                let mut e = Error::at(
                    ErrorKind::UnboundVariable,
                    format!("no value for the variable `{}`", var.name),
                    var.span,
                    &var.text,
                );
                if let Some(s) = suggest(&var.name, names.iter().map(AsRef::as_ref)) {
                    e = e.with_help(format!("did you mean `{s}`?"));
                } else {
                    e = e.with_help(format!("give it a value, e.g. `{}=1`", var.name));
                }
                Err(e)
            }
        })
        .collect()
}

/// A name usable as a variable or argument: an identifier, not a constant
/// and not a built-in function.
///
/// ```
/// assert!(exprjit::check_name("t_0").is_ok());
/// assert!(exprjit::check_name("pi").is_err());
/// assert!(exprjit::check_name("2x").is_err());
/// ```
pub fn check_name(name: &str) -> Result<()> {
    if !functions::is_identifier(name) {
        return Err(Error::new(
            ErrorKind::InvalidName,
            format!("`{name}` is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"),
        ));
    }
    if functions::constant(name).is_some() {
        return Err(Error::new(
            ErrorKind::ReservedName,
            format!("`{name}` is a reserved constant and cannot be given a value"),
        ));
    }
    if functions::builtin(name).is_some() {
        return Err(Error::new(
            ErrorKind::ReservedName,
            format!("`{name}` is a built-in function and cannot be a variable"),
        ));
    }
    Ok(())
}
