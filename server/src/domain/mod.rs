//! Domain operations: the rules of `shared` applied to the database, one
//! transaction per unit of work. HTTP knows nothing of these internals.

pub mod audit;
pub mod board;
pub mod custody;
pub mod dashboard;
pub mod desk;
pub mod import;
pub mod links;
pub mod media;
pub mod plan;
pub mod print;
pub mod routes;
pub mod sync;
