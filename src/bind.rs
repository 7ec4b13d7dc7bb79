//! Binding a formula's variables to an explicit argument order.

use crate::error::{Error, ErrorKind, Result, suggest};
use crate::functions;
use crate::ir::Program;

/// Checks an argument list (valid, unreserved, distinct names) and returns,
/// for each variable of `program`, its position in `names`. Names the
/// formula does not use are allowed; a variable missing from `names` is an
/// error pointing at its first use.
pub fn bind<S: AsRef<str>>(program: &Program, names: &[S]) -> Result<Vec<u32>> {
    for (i, name) in names.iter().enumerate() {
        let name = name.as_ref();
        check_name(name)?;
        if names[..i].iter().any(|n| n.as_ref() == name) {
            return Err(Error::new(
                ErrorKind::DuplicateName,
                format!("`{name}` is given twice"),
            ));
        }
    }
    program
        .vars
        .iter()
        .map(
            |var| match names.iter().position(|n| n.as_ref() == &*var.name) {
                Some(i) => Ok(i as u32),
                None => {
                    let mut e = Error::at(
                        ErrorKind::UnboundVariable,
                        format!("no value for the variable `{}`", var.name),
                        var.span,
                        &program.text,
                    );
                    if let Some(s) = suggest(&var.name, names.iter().map(AsRef::as_ref)) {
                        e = e.with_help(format!("did you mean `{s}`?"));
                    } else {
                        e = e.with_help(format!("give it a value, e.g. `{}=1`", var.name));
                    }
                    Err(e)
                }
            },
        )
        .collect()
}

/// A name usable as a variable or argument: an identifier, not a constant
/// and not a built-in function.
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
