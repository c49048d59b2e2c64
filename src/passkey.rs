//! The passkey ceremonies: sign-up (`navigator.credentials.create`) and sign-in (`get`), each
//! checked against the passkey itself rather than trusting the server's address.

use std::rc::Rc;

use baas_core::session::{SessionEvent, SessionRecord};
use baas_core::{Address, AttestationObject, CoseKey, base64url, signature};
use js_sys::{Array, Date, JSON, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{AbortController, AbortSignal};

use crate::error::{Error, ErrorCode};
use crate::state::{Ceremony, CeremonyKind, ClientState, clear_timeout, set_timeout};
use crate::{http, js, refresh, session, webauthn, webcrypto};

/// Storage name of the credential IDs this browser profile created or signed in with for the
/// project (kept across sign-outs: they power sign-up-twice detection).
const CREDENTIALS: &str = "credentials";
/// Ceremony deadline when the server's options give none, in milliseconds.
const DEFAULT_CEREMONY_TIMEOUT_MS: f64 = 300_000.0;
/// Grace after the options' timeout before the SDK aborts a ceremony the browser left pending.
const CEREMONY_GRACE_MS: f64 = 2_000.0;

/// Runs a ceremony, or short-circuits: a valid session is returned at once; an expired one with a
/// refresh token is refreshed instead of prompting; concurrent calls of the same ceremony share
/// one prompt; a different ceremony aborts the pending prompt.
pub(crate) fn run(state: &Rc<ClientState>, kind: CeremonyKind) -> Promise {
    if let Some(session) = state.session() {
        return Promise::resolve(&session);
    }
    if state.record().is_some() {
        return refresh::refresh(state);
    }
    let mut inner = state.inner.borrow_mut();
    if let Some(pending) = &inner.ceremony {
        if pending.kind == kind {
            return pending.promise.clone();
        }
        // Only one WebAuthn request can be pending: the newest call wins.
        if let Some((controller, _)) = &pending.abort {
            controller.abort();
        }
    }
    inner.generation = inner.generation.wrapping_add(1);
    let generation = inner.generation;
    let this = Rc::clone(state);
    let promise = future_to_promise(async move {
        let result = match kind {
            CeremonyKind::SignUp => sign_up(&this, generation).await,
            CeremonyKind::SignIn => sign_in(&this, generation).await,
        };
        finish(&this, generation);
        result.map_err(JsValue::from)
    });
    inner.ceremony = Some(Ceremony {
        kind,
        generation,
        promise: promise.clone(),
        abort: None,
    });
    promise
}

/// Aborts the ceremony in flight, if any (sign-out).
pub(crate) fn abort(state: &ClientState) {
    let mut inner = state.inner.borrow_mut();
    inner.generation = inner.generation.wrapping_add(1);
    if let Some(Ceremony {
        abort: Some((controller, timer)),
        ..
    }) = inner.ceremony.take()
    {
        clear_timeout(&timer);
        controller.abort();
    }
}

/// Ends the ceremony `generation`, unless a newer one replaced it.
fn finish(state: &ClientState, generation: u32) {
    let mut inner = state.inner.borrow_mut();
    if inner.ceremony.as_ref().map(|c| c.generation) == Some(generation)
        && let Some(ceremony) = inner.ceremony.take()
        && let Some((_, timer)) = ceremony.abort
    {
        clear_timeout(&timer);
    }
}

/// Whether ceremony `generation` is still the current one (not superseded, not signed out).
fn is_current(state: &ClientState, generation: u32) -> bool {
    state.inner.borrow().generation == generation
}

/// The abort signal of the prompt of ceremony `generation`, aborted at `timeout_ms` (plus
/// grace) so a browser that never answers cannot leave the call pending.
fn prompt_signal(
    state: &ClientState,
    generation: u32,
    timeout_ms: f64,
) -> Result<AbortSignal, Error> {
    let controller =
        AbortController::new().map_err(|cause| Error::new(ErrorCode::PasskeyUnsupported, cause))?;
    let deadline = {
        let controller = controller.clone();
        Closure::once_into_js(move || controller.abort())
    };
    let timer = set_timeout(&deadline, timeout_ms + CEREMONY_GRACE_MS);
    let signal = controller.signal();
    let mut inner = state.inner.borrow_mut();
    match inner.ceremony.as_mut() {
        Some(ceremony) if ceremony.generation == generation => {
            ceremony.abort = Some((controller, timer));
        }
        // Superseded while fetching options: do not prompt.
        _ => {
            clear_timeout(&timer);
            controller.abort();
        }
    }
    Ok(signal)
}

async fn sign_up(state: &Rc<ClientState>, generation: u32) -> Result<JsValue, Error> {
    require_passkeys()?;
    let (challenge_id, options) =
        request_options(state, "/v1/auth/passkey/register/options").await?;
    let signal = prompt_signal(state, generation, ceremony_timeout(&options))?;
    let known = known_credentials(state);
    let attestation = webauthn::create_credential(&options, &known, &signal).await?;

    // The address comes from the passkey itself, parsed here, never from the server.
    let object = AttestationObject::parse(&attestation.attestation_object)
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?;
    let key = object.credential.public_key;
    webcrypto::import_p256(&key)
        .await
        .map_err(|cause| Error::new(ErrorCode::VerifyFailed, cause))?;
    let address = Address::from_public_key(&key).to_checksummed();

    let body = verify_body(&challenge_id, &attestation.json);
    let answer = http::post(&state.config, "/v1/auth/passkey/register", &body, None)
        .await
        .map_err(|e| match e.server_code() {
            Some("CREDENTIAL_EXISTS") => {
                Error::new(ErrorCode::PasskeyAlreadyRegistered, e.into_cause())
            }
            _ => Error::new(ErrorCode::VerifyFailed, e.into_cause()),
        })?;
    let record = session::from_server(&answer, Date::now())
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?;
    let returned_key = record.credential.as_ref().map(|c| c.public_key.as_str());
    let same_key = returned_key
        .and_then(|k| base64url::decode(k).ok())
        .and_then(|k| CoseKey::from_cbor(&k).ok())
        .is_some_and(|k| k == key);
    if record.address != address || !same_key {
        return Err(address_mismatch(&address, &record.address));
    }
    remember_credential(state, &attestation.id);
    commit(state, generation, record).await
}

async fn sign_in(state: &Rc<ClientState>, generation: u32) -> Result<JsValue, Error> {
    require_passkeys()?;
    let (challenge_id, options) = request_options(state, "/v1/auth/passkey/login/options").await?;
    let signal = prompt_signal(state, generation, ceremony_timeout(&options))?;
    let assertion = webauthn::get_assertion(&options, &signal).await?;

    let body = verify_body(&challenge_id, &assertion.json);
    let answer = http::post(&state.config, "/v1/auth/passkey/login", &body, None)
        .await
        .map_err(|e| match e.server_code() {
            Some("CREDENTIAL_NOT_FOUND") => {
                webauthn::signal_unknown_credential(&options, &assertion.id);
                Error::new(ErrorCode::PasskeyNotFound, e.into_cause())
            }
            _ => Error::new(ErrorCode::VerifyFailed, e.into_cause()),
        })?;
    let record = session::from_server(&answer, Date::now())
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?;
    check_signed_by_session_key(&record, &assertion).await?;
    // This profile's authenticator holds the passkey: a later sign-up here must not create a
    // second account.
    remember_credential(state, &assertion.id);
    commit(state, generation, record).await
}

/// Makes `record` the session of every tab, unless the ceremony was superseded or signed out
/// meanwhile (the newer action wins: the call is treated as cancelled).
async fn commit(
    state: &Rc<ClientState>,
    generation: u32,
    mut record: SessionRecord,
) -> Result<JsValue, Error> {
    if !is_current(state, generation) {
        return Err(Error::new(ErrorCode::WalletConnectRejected, JsValue::NULL));
    }
    let event = SessionEvent::SignedIn;
    // Not persisted (another tab holds the lock too long): the session still works in this tab.
    if let Ok(seq) = state.persist(Some((record.clone(), event))).await {
        record.seq = seq;
    }
    Ok(state.apply(Some(record), event))
}

/// Requests a challenge: `(challengeId, publicKey options)`.
async fn request_options(state: &ClientState, path: &str) -> Result<(String, JsValue), Error> {
    let answer = http::post(&state.config, path, &Object::new(), None)
        .await
        .map_err(|e| Error::new(ErrorCode::NonceFetchFailed, e.into_cause()))?;
    let challenge_id = js::get_string(&answer, "challengeId");
    let options = js::get(&answer, "publicKey");
    match challenge_id {
        Some(id) if options.is_object() => Ok((id, options)),
        _ => Err(Error::new(ErrorCode::NonceFetchFailed, answer)),
    }
}

/// The credential IDs this browser profile created or used for the project.
fn known_credentials(state: &ClientState) -> Vec<String> {
    let list = state
        .store
        .read(CREDENTIALS)
        .and_then(|text| JSON::parse(&text).ok())
        .filter(Array::is_array)
        .map(|value| Array::from(&value))
        .unwrap_or_default();
    list.iter()
        .filter_map(|id| id.as_string())
        .filter(|id| base64url::decode(id).is_ok())
        .collect()
}

fn remember_credential(state: &ClientState, id: &str) {
    let list = Array::new();
    for known in known_credentials(state) {
        if known != id {
            list.push(&known.into());
        }
    }
    list.push(&id.into());
    if let Ok(text) = JSON::stringify(&list)
        && let Some(text) = text.as_string()
    {
        state.store.write(CREDENTIALS, &text);
    }
}

/// Rejects at once, before any request, where passkeys cannot work.
fn require_passkeys() -> Result<(), Error> {
    if webauthn::is_supported() {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::PasskeyUnsupported, JsValue::NULL))
    }
}

/// The options' `timeout`, or the default.
fn ceremony_timeout(options: &JsValue) -> f64 {
    js::get_f64(options, "timeout")
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .unwrap_or(DEFAULT_CEREMONY_TIMEOUT_MS)
}

/// `{challengeId, credential}`.
fn verify_body(challenge_id: &str, credential: &JsValue) -> JsValue {
    let body = Object::new();
    js::set(&body, "challengeId", challenge_id);
    js::set(&body, "credential", credential);
    body.into()
}

/// `ADDRESS_MISMATCH` with both addresses as the cause.
fn address_mismatch(expected: &str, received: &str) -> Error {
    let cause = Object::new();
    js::set(&cause, "expected", expected);
    js::set(&cause, "received", received);
    Error::new(ErrorCode::AddressMismatch, cause)
}

/// DESIGN §3: the server's address must hash from the public key it returned, and the assertion
/// the browser just produced must verify under that key; otherwise `ADDRESS_MISMATCH`.
async fn check_signed_by_session_key(
    record: &SessionRecord,
    assertion: &webauthn::Assertion,
) -> Result<(), Error> {
    let credential = record.credential.as_ref();
    let key = credential
        .filter(|c| c.id == assertion.id)
        .and_then(|c| base64url::decode(&c.public_key).ok())
        .and_then(|cbor| CoseKey::from_cbor(&cbor).ok());
    let derived = key
        .as_ref()
        .map(|k| Address::from_public_key(k).to_checksummed());
    let mismatch = || address_mismatch(derived.as_deref().unwrap_or_default(), &record.address);
    let key = key.ok_or_else(mismatch)?;
    if derived.as_deref() != Some(record.address.as_str()) {
        return Err(mismatch());
    }
    let crypto_key = webcrypto::import_p256(&key).await.map_err(|_| mismatch())?;
    let raw = signature::der_to_raw(&assertion.signature)
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?;
    let client_data_hash = webcrypto::sha256(&assertion.client_data_json)
        .await
        .map_err(|cause| Error::new(ErrorCode::VerifyFailed, cause))?;
    let signed = [assertion.authenticator_data.as_slice(), &client_data_hash].concat();
    match webcrypto::verify_es256(&crypto_key, &raw, &signed).await {
        Ok(true) => Ok(()),
        _ => Err(mismatch()),
    }
}
