//! Test support shared by `baas-server`'s integration tests and its load tool
//! (`cargo run -p baas-server --example load`), so that both drive the server the same way:
//!
//! - [`Device`]: a browser with a platform authenticator at one origin, built on 1Password's
//!   `passkey-authenticator` and `passkey-client` (a WebAuthn implementation we did not write),
//!   taking the server's options JSON and returning `credential.toJSON()`.
//! - [`http`]: a minimal HTTP/1.1 client over a loopback TCP socket, one connection per
//!   request, that tells a request that never reached the server from one whose outcome is
//!   unknown.
//!
//! Not part of the product: nothing here is built into `baas-server`.

pub mod authenticator;
pub mod http;

pub use authenticator::{Device, Passkeys};
