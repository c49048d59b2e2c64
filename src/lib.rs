//! baas-sdk: passkey sign-up and sign-in for web3 apps, as a WebAssembly package (`@baas/sdk`).
//!
//! This crate is the thin browser glue: it converts JavaScript values, calls the browser
//! (`crypto.subtle`, later `navigator.credentials`, `fetch`, storage) and leaves every encoding
//! and protocol rule to [`baas_core`]. It only has content on `wasm32`; natively it is empty.
//!
//! JavaScript users import the package built by `scripts/build-pkg`:
//!
//! ```js
//! import init, { addressFromCoseKey } from '@baas/sdk';
//! await init();
//! const address = await addressFromCoseKey(coseKeyBytes); // '0x…', EIP-55
//! ```

#[cfg(target_arch = "wasm32")]
mod address;
#[cfg(target_arch = "wasm32")]
mod error;
#[cfg(target_arch = "wasm32")]
mod webcrypto;

#[cfg(target_arch = "wasm32")]
pub use address::address_from_cose_key;
#[cfg(target_arch = "wasm32")]
pub use error::{Error, ErrorCode};
