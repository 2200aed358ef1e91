//! The HTTP contract, through the real server on both databases.

mod audit;
mod auth;
mod authz;
mod backup;
mod chain;
mod custody;
mod dashboard;
mod health;
mod import;
mod limits;
mod media;
mod metrics;
mod migrations;
mod nik_privacy;
mod notify;
mod offices;
mod openapi;
mod plan;
mod print;
mod resident;
mod review;
mod routes;
mod sync;
mod two_servers;
mod users;
