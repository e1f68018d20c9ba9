//! Integration tests: the real application over HTTP, on a fresh
//! PostgreSQL database per test (`#[sqlx::test]`). One binary with a module
//! per domain, so that a release build links it once; the benchmarks stay
//! binaries of their own (`bench_*.rs`, run on demand).

#[path = "../helpers/mod.rs"]
mod helpers;

mod administration;
mod auth;
mod authorization;
mod break_glass;
mod consent;
mod distribution;
mod espace;
mod medication;
mod platform;
mod prescription;
mod projet;
mod record;
mod rights;
mod soins;
mod tournee;
mod unavailable;
mod usagers;
