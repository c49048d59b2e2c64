//! Wallet sign-in: an EIP-1193 provider signs an EIP-4361 (Sign-In with Ethereum) message that
//! the core builds, with EIP-191 `personal_sign`; the server verifies it.

use std::rc::Rc;

use baas_core::Address;
use baas_core::api::SignInMethod;
use baas_core::siwe::{SiweMessage, rfc3339};
use js_sys::{Array, Date, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::ceremony::is_current;
use crate::error::{Error, ErrorCode};
use crate::state::ClientState;
use crate::{http, js, refresh, session};

/// How long a signed message stays valid, in milliseconds (the server's nonce lives as long).
const MESSAGE_LIFETIME_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Whether `provider` looks like an EIP-1193 provider: an object with a `request` method.
pub(crate) fn is_provider(provider: &JsValue) -> bool {
    provider.is_object() && js::get(provider, "request").is_function()
}

/// Signs in with the wallet behind `provider` (two prompts: connect, then sign). A valid wallet
/// session whose address the wallet still reports (or that the wallet does not report at all,
/// e.g. a fresh provider object) is returned with no prompt.
pub(crate) async fn sign_in(
    state: &Rc<ClientState>,
    generation: u32,
    provider: JsValue,
) -> Result<JsValue, Error> {
    if let Some(session) = current_wallet_session(state, &provider).await {
        return Ok(session);
    }
    let accounts = request(&provider, "eth_requestAccounts", Array::new()).await?;
    let first = Array::from(&accounts).get(0).as_string();
    let address: Address = first
        .as_deref()
        .ok_or_else(|| Error::new(ErrorCode::WalletNoAccounts, accounts.clone()))?
        .parse()
        .map_err(|e| Error::from_core(ErrorCode::WalletUnavailable, e))?;
    let address = address.to_checksummed();
    let chain_id = request(&provider, "eth_chainId", Array::new()).await?;
    let chain_id = chain_id
        .as_string()
        .and_then(|hex| u64::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
        .ok_or_else(|| Error::new(ErrorCode::WalletUnavailable, chain_id))?;

    let body = Object::new();
    js::set(&body, "address", address.as_str());
    js::set(&body, "chainId", chain_id as f64);
    let answer = http::post(&state.config, "/v1/auth/wallet/nonce", &body, None)
        .await
        .map_err(|e| Error::new(ErrorCode::NonceFetchFailed, e.into_cause()))?;
    let nonce = js::get_string(&answer, "nonce")
        .ok_or_else(|| Error::new(ErrorCode::NonceFetchFailed, answer.clone()))?;
    // The server's clock, so that a device whose clock is wrong still signs a valid message.
    let times = js::get_string(&answer, "issuedAt").zip(js::get_string(&answer, "expirationTime"));

    let message = message(&address, chain_id, &nonce, times)?;
    let params = Array::of2(&utf8_hex(&message).into(), &address.as_str().into());
    let signature = request(&provider, "personal_sign", params).await?;

    let body = Object::new();
    js::set(&body, "message", message.as_str());
    js::set(&body, "signature", &signature);
    let answer = http::post(&state.config, "/v1/auth/wallet/login", &body, None)
        .await
        .map_err(|e| Error::new(ErrorCode::VerifyFailed, e.into_cause()))?;
    let record = session::from_server(&answer, Date::now())
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?;
    if record.address != address || record.method != SignInMethod::Wallet {
        let cause = Object::new();
        js::set(&cause, "expected", address.as_str());
        js::set(&cause, "received", record.address.as_str());
        return Err(Error::new(ErrorCode::AddressMismatch, cause));
    }
    if !is_current(state, generation) {
        return Err(Error::new(ErrorCode::WalletConnectRejected, JsValue::NULL));
    }
    Ok(state.commit(record, baas_core::session::SessionEvent::SignedIn))
}

/// The current wallet session, refreshed if it expired, if the wallet has not switched accounts
/// (`eth_accounts`, which never prompts).
async fn current_wallet_session(state: &Rc<ClientState>, provider: &JsValue) -> Option<JsValue> {
    let record = state
        .record()
        .filter(|r| r.method == SignInMethod::Wallet)?;
    let session = match state.session() {
        Some(session) => session,
        None => JsFuture::from(refresh::refresh(state)).await.ok()?,
    };
    let accounts = request(provider, "eth_accounts", Array::new()).await.ok()?;
    let accounts = Array::from(&accounts);
    let same = accounts.length() == 0
        || accounts
            .iter()
            .filter_map(|a| a.as_string())
            .any(|a| a.eq_ignore_ascii_case(&record.address));
    (same && !session.is_null()).then_some(session)
}

/// The EIP-4361 message for this page: domain = host, URI = origin, issued and expiring at
/// `times` (the server's, as its nonce answer gives them), or by the local clock for five minutes.
fn message(
    address: &str,
    chain_id: u64,
    nonce: &str,
    times: Option<(String, String)>,
) -> Result<String, Error> {
    let location = js::get(&js_sys::global(), "location");
    let host = js::get_string(&location, "host").unwrap_or_default();
    let origin = js::get_string(&location, "origin").unwrap_or_default();
    let (issued_at, expiration_time) = times
        .filter(|(issued, expires)| rfc3339::is_date_time(issued) && rfc3339::is_date_time(expires))
        .unwrap_or_else(|| {
            let now = Date::new_0();
            let expires = Date::new(&(now.get_time() + MESSAGE_LIFETIME_MS).into());
            (now.to_iso_string().into(), expires.to_iso_string().into())
        });
    let address: Address = address
        .parse()
        .map_err(|e| Error::from_core(ErrorCode::WalletUnavailable, e))?;
    let mut message = SiweMessage::new(&host, address, &origin, chain_id, nonce, &issued_at);
    message.statement =
        Some(["Sign in to ", host.as_str(), " with your Ethereum account."].concat());
    message.expiration_time = Some(expiration_time);
    message
        .to_text()
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))
}

/// `0x` + the hex of the UTF-8 bytes: how `personal_sign` takes a text message.
fn utf8_hex(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 + 2 * text.len());
    hex.push_str("0x");
    for byte in text.bytes() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

/// `provider.request({method, params})`, with EIP-1193 errors mapped to SDK codes.
async fn request(provider: &JsValue, method: &str, params: Array) -> Result<JsValue, Error> {
    let unavailable = |cause: JsValue| Error::new(ErrorCode::WalletUnavailable, cause);
    let request: Function = js::get(provider, "request")
        .dyn_into()
        .map_err(unavailable)?;
    let arguments = Object::new();
    js::set(&arguments, "method", method);
    js::set(&arguments, "params", params);
    let result = request
        .call1(provider, &arguments)
        .map_err(provider_error)?;
    JsFuture::from(Promise::resolve(&result))
        .await
        .map_err(provider_error)
}

/// The SDK error of an EIP-1193 error, by its `code` (EIP-1193 §Provider Errors, JSON-RPC).
fn provider_error(error: JsValue) -> Error {
    let code = match js::get_f64(&error, "code").map(|c| c as i64) {
        Some(4001) => ErrorCode::WalletConnectRejected,
        Some(-32002) => ErrorCode::WalletRequestPending,
        Some(4100) => ErrorCode::WalletUnauthorized,
        Some(4900 | 4901) => ErrorCode::WalletDisconnected,
        _ => ErrorCode::WalletUnavailable,
    };
    Error::new(code, error)
}
