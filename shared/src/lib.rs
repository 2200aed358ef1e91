//! Antar's shared vocabulary: the wire types of the HTTP contract, the card's
//! chain-of-custody rules, NIK and print-batch validation, and error codes.
//!
//! Both the server and the web app (compiled to wasm32) depend on this crate,
//! so the phone applies exactly the rules the server will. It must never
//! depend on a database, a web framework or anything that cannot build for
//! `wasm32-unknown-unknown`.

pub mod codes;
pub mod custody;
pub mod doorstep;
pub mod geo;
pub mod ids;
pub mod import;
pub mod label;
pub mod nik;
pub mod notify;
pub mod payload;
pub mod tally;
pub mod wire;
pub mod zone;

pub use custody::{EventKind, Status};
