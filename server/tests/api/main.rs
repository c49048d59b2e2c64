//! The BaaS API through its real router and a real SQLite file, driven by a software
//! authenticator we did not write (`passkey-authenticator` + `passkey-client`, 1Password).

// All of this crate is test code, helpers included: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

mod attacks;
mod ceremonies;
mod durability;
mod input;
mod postgres;
mod process;
mod rate_limit;
mod refresh;
mod relying_party;
mod secrets;
mod store;
mod tokens;
mod wallet;
