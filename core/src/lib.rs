//! Pure protocol core of baas-sdk, shared by the browser SDK and the BaaS server.
//!
//! What it covers:
//! - [`base64url`]: the unpadded, canonical base64url of the WebAuthn JSON forms.
//! - [`attestation_object`], [`authenticator_data`], [`cose_key`]: the CBOR structures of a
//!   passkey registration ([WebAuthn L3 §6.1, §6.5](https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data)).
//! - [`address`]: the EVM wallet address of a passkey, `keccak256(x ‖ y)[12..]` with the
//!   [EIP-55](https://eips.ethereum.org/EIPS/eip-55) checksum.
//! - [`registration`], [`authentication`]: the relying-party verification of WebAuthn L3 §7.1 and
//!   §7.2, one function per step, on RustCrypto `p256` and `sha2`, with [`client_data`],
//!   [`relying_party`] and [`signature`] holding the steps both share. The ES256 arithmetic sits
//!   behind [`signature::Es256Verifier`], so a native caller can bring a faster one
//!   (`verify_with`); every check before it stays here.
//! - [`siwe`]: Sign-In with Ethereum messages ([EIP-4361](https://eips.ethereum.org/EIPS/eip-4361)),
//!   built by the SDK and parsed and checked by the server; [`eip191`]: the wallet's
//!   `personal_sign` signature over them, verified by public-key recovery on RustCrypto `k256`.
//! - [`api`]: the JSON bodies of the BaaS HTTP API.
//! - [`client_config`], [`session`]: the SDK's option validation and session rules (expiry on the
//!   server's clock, refresh timing).
//!
//! What it does not cover: anything of the browser (`navigator.credentials`, storage) or of
//! HTTP. Those live in the SDK glue and the server, which both call into this crate, so the two
//! ends can never disagree about an encoding.
//!
//! Every malformed input is a typed [`Error`] with a stable [`Error::code`]; nothing here panics
//! on input.

mod cbor;
mod error;

pub mod address;
pub mod api;
pub mod attestation_object;
pub mod authentication;
pub mod authenticator_data;
pub mod base64url;
pub mod client_config;
pub mod client_data;
pub mod cose_key;
pub mod credential_json;
pub mod eip191;
pub mod registration;
pub mod relying_party;
pub mod session;
pub mod signature;
pub mod siwe;

pub use address::Address;
pub use attestation_object::{AttestationObject, AttestationStatement};
pub use authenticator_data::{AttestedCredentialData, AuthenticatorData, Flags};
pub use cose_key::CoseKey;
pub use error::{Error, Result};
pub use relying_party::RelyingParty;
