//! The passkey ceremonies: sign-up (`navigator.credentials.create`) and sign-in (`get`, modal or
//! autofill), each checked against the passkey itself rather than trusting the server.

use std::rc::Rc;

use baas_core::session::{SessionEvent, SessionRecord};
use baas_core::{
    Address, AttestationObject, AuthenticatorData, CoseKey, Flags, base64url, signature,
};
use js_sys::{Array, Date, JSON, Object};
use wasm_bindgen::prelude::*;

use crate::ceremony::{self, is_current, prompt_signal};
use crate::error::{Error, ErrorCode};
use crate::prefetch::{self, Options};
use crate::session;
use crate::state::ClientState;
use crate::support::{self, Feature};
use crate::{http, js, webauthn, webcrypto};

/// Storage name of the credential IDs this browser profile created or signed in with for the
/// project (kept across sign-outs: they power sign-up-twice detection).
const CREDENTIALS: &str = "credentials";
/// Prompt deadline when the server's options give none, in milliseconds.
const DEFAULT_CEREMONY_TIMEOUT_MS: f64 = 300_000.0;

/// Creates an account with a new passkey.
pub(crate) async fn sign_up(state: &Rc<ClientState>, generation: u32) -> Result<JsValue, Error> {
    support::require(Feature::Create)?;
    let (challenge_id, options) = prefetch::take(state, Options::Registration).await?;
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
    check_backup_flags(&record, object.auth_data.flags)?;
    remember_credential(state, &attestation.id);
    commit(state, generation, record)
}

/// Signs in with an existing passkey; through autofill when `conditional`.
pub(crate) async fn sign_in(
    state: &Rc<ClientState>,
    generation: u32,
    conditional: bool,
) -> Result<JsValue, Error> {
    support::require(Feature::Get)?;
    if conditional && !support::conditional_mediation().await {
        return Err(Error::new(
            ErrorCode::PasskeyUnsupported,
            "conditional mediation",
        ));
    }
    let (challenge_id, options, assertion) = loop {
        let (challenge_id, options) = prefetch::take(state, Options::Authentication).await?;
        let signal = prompt_signal(state, generation, ceremony_timeout(&options))?;
        match webauthn::get_assertion(&options, &signal, conditional).await {
            Ok(assertion) => break (challenge_id, options, assertion),
            // Autofill waits as long as the page is open; its challenge expires meanwhile, so
            // it restarts with a fresh one instead of failing.
            Err(error) if conditional && error.is_timeout() && is_current(state, generation) => {}
            Err(error) => return Err(error),
        }
    };

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
    let flags = AuthenticatorData::parse(&assertion.authenticator_data)
        .map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?
        .flags;
    check_backup_flags(&record, flags)?;
    // This profile's authenticator holds the passkey: a later sign-up here must not create a
    // second account.
    remember_credential(state, &assertion.id);
    commit(state, generation, record)
}

/// Makes `record` the session, unless the ceremony was superseded or signed out meanwhile (the
/// newer action wins).
fn commit(
    state: &Rc<ClientState>,
    generation: u32,
    record: SessionRecord,
) -> Result<JsValue, Error> {
    if !ceremony::is_current(state, generation) {
        return Err(Error::new(ErrorCode::WalletConnectRejected, JsValue::NULL));
    }
    Ok(state.commit(record, SessionEvent::SignedIn))
}

/// The passkey's synced (BE/BS) state is what the SDK read from the authenticator data, and the
/// server must agree: apps warn users whose passkey would be lost with their device.
fn check_backup_flags(record: &SessionRecord, flags: Flags) -> Result<(), Error> {
    let agrees = record.credential.as_ref().is_some_and(|c| {
        c.backup_eligible == flags.backup_eligible() && c.backed_up == flags.backed_up()
    });
    if agrees {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::VerifyFailed, "BACKUP_STATE_MISMATCH"))
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
