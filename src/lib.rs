//! baas-sdk: passkey sign-up and sign-in for web3 apps, as a WebAssembly package (`@baas/sdk`).
//!
//! This crate is the thin browser glue: it converts JavaScript values, calls the browser
//! (`navigator.credentials`, `fetch`, `crypto.subtle`, `localStorage`) and leaves every encoding
//! and protocol rule to [`baas_core`]. It only has content on `wasm32`; natively it is empty.
//!
//! JavaScript users import the package built by `scripts/build-pkg`:
//!
//! ```js
//! import init, { createBaasClient } from '@baas/sdk';
//! await init();
//! const baas = createBaasClient({ projectId, publishableKey, apiUrl });
//! const session = await baas.auth.signUpWithPasskey(); // { address: '0x…', accessToken, expiresAt, … }
//! ```
//!
//! Rust crates that are themselves compiled with `wasm-bindgen` use the same client through
//! `Auth`: build a `ClientConfig`, then await the promises its methods return.
//! `examples/rust-app` is a complete crate doing this:
//!
//! ```ignore
//! use baas_sdk::{Auth, ClientConfig};
//! use wasm_bindgen_futures::JsFuture;
//!
//! let config = ClientConfig::new(Some("demo"), Some("sb_publishable_demo"), Some(api_url), None)?;
//! let auth = Auth::new(config);
//! let session = JsFuture::from(auth.sign_in_with_passkey(None)).await?; // a `BaasSession` object
//! ```
//!
//! Errors are JavaScript `BaasError`s (see `ErrorCode` for the codes); `Error` is their Rust
//! form inside the crate.

/// Talc instead of the default dlmalloc: smaller and faster on wasm32 (single-threaded here).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod address;
#[cfg(target_arch = "wasm32")]
mod auth;
#[cfg(target_arch = "wasm32")]
mod ceremony;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod cross_tab;
#[cfg(target_arch = "wasm32")]
mod error;
#[cfg(target_arch = "wasm32")]
mod http;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
mod listeners;
#[cfg(target_arch = "wasm32")]
mod passkey;
#[cfg(target_arch = "wasm32")]
mod prefetch;
#[cfg(target_arch = "wasm32")]
mod refresh;
#[cfg(target_arch = "wasm32")]
mod session;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod support;
#[cfg(target_arch = "wasm32")]
mod wallet;
#[cfg(target_arch = "wasm32")]
mod webauthn;
#[cfg(target_arch = "wasm32")]
mod webcrypto;

#[cfg(target_arch = "wasm32")]
pub use address::address_from_cose_key;
#[cfg(target_arch = "wasm32")]
pub use auth::Auth;
#[cfg(target_arch = "wasm32")]
pub use baas_core::client_config::ClientConfig;
#[cfg(target_arch = "wasm32")]
pub use client::create_baas_client;
#[cfg(target_arch = "wasm32")]
pub use error::{Error, ErrorCode};
#[cfg(target_arch = "wasm32")]
pub use support::{get_passkey_capabilities, is_passkey_supported};
