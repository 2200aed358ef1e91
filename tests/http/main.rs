//! The HTTP contract, through the real server on both databases.

mod auth;
mod chain;
mod custody;
mod health;
mod import;
mod migrations;
mod offices;
mod routes;
