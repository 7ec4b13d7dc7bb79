//! Code shared by `benches/peers.rs` and `examples/report.rs` (issue 6):
//! the contenders ([`peers`]), the stories ([`stories`]) and the expression
//! set ([`exprset`]).

// Each of the two users takes a different part.
#![allow(dead_code)]

#[macro_use]
pub mod peers;
pub mod exprset;
pub mod native;
pub mod ode;
pub mod stories;
