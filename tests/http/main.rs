//! The HTTP contract, through the real server on both databases.

mod auth;
mod chain;
mod health;
mod import;
mod migrations;
mod offices;
