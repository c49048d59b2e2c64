//! `Auth` (`baas.auth`): passkey sign-up and sign-in, the session cache and sign-out.

use std::cell::RefCell;
use std::rc::Rc;

use baas_core::client_config::ClientConfig;
use baas_core::session::SessionRecord;
use baas_core::{Address, AttestationObject, CoseKey, base64url, signature};
use js_sys::{Date, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortController;

use crate::error::{Error, ErrorCode};
use crate::http;
use crate::storage::Store;
use crate::{js, session, webauthn, webcrypto};

/// Storage name of the session.
const SESSION: &str = "session";
/// Storage name of the credential IDs this browser profile created for the project.
const CREDENTIALS: &str = "credentials";
/// Ceremony deadline when the server's options give none, in milliseconds.
const DEFAULT_CEREMONY_TIMEOUT_MS: f64 = 300_000.0;
/// Grace after the options' timeout before the SDK aborts a ceremony the browser left pending.
const CEREMONY_GRACE_MS: f64 = 2_000.0;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Which passkey ceremony a call runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ceremony {
    SignUp,
    SignIn,
}

/// The authentication client of a project: `baas.auth`.
#[wasm_bindgen]
pub struct Auth {
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    store: Store,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// The current session and the frozen object `getSession()` returns.
    session: Option<(SessionRecord, JsValue)>,
    /// The ceremony in flight, shared by concurrent calls of the same kind.
    pending: Option<Pending>,
    /// Counts ceremonies, so a finished one never clears its successor.
    generation: u32,
}

struct Pending {
    ceremony: Ceremony,
    generation: u32,
    promise: Promise,
    /// Aborts the browser prompt: when a new ceremony starts, or at the deadline.
    abort: Option<(AbortController, JsValue)>,
}

impl Auth {
    /// The client of `config`, with the session stored for its project restored.
    pub(crate) fn new(config: ClientConfig) -> Self {
        let store = Store::open(&config.project_id);
        let restored = store
            .read(SESSION)
            .and_then(|text| session::from_storage(&text));
        if restored.is_none() {
            // Corrupted or foreign data is discarded, not trusted.
            store.remove(SESSION);
        }
        let session = restored.map(|record| {
            let js = session::to_js(&record);
            (record, js)
        });
        Self {
            inner: Rc::new(Inner {
                config,
                store,
                state: RefCell::new(State {
                    session,
                    ..State::default()
                }),
            }),
        }
    }

    fn run(&self, ceremony: Ceremony) -> Promise {
        if let Some(session) = self.inner.valid_session() {
            return Promise::resolve(&session);
        }
        let mut state = self.inner.state.borrow_mut();
        if let Some(pending) = &state.pending {
            if pending.ceremony == ceremony {
                return pending.promise.clone();
            }
            // Only one WebAuthn request can be pending: the newest call wins.
            if let Some((controller, _)) = &pending.abort {
                controller.abort();
            }
        }
        state.generation = state.generation.wrapping_add(1);
        let generation = state.generation;
        let inner = Rc::clone(&self.inner);
        let promise = future_to_promise(async move {
            let result = match ceremony {
                Ceremony::SignUp => inner.sign_up(generation).await,
                Ceremony::SignIn => inner.sign_in(generation).await,
            };
            inner.finish(generation);
            result.map_err(JsValue::from)
        });
        state.pending = Some(Pending {
            ceremony,
            generation,
            promise: promise.clone(),
            abort: None,
        });
        promise
    }
}

#[wasm_bindgen]
impl Auth {
    /// The current session, or `null`: never an expired one. Synchronous and cheap (the same
    /// frozen object until the session changes).
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "BaasSession | null")]
    pub fn get_session(&self) -> JsValue {
        self.inner.valid_session().unwrap_or(JsValue::NULL)
    }

    /// Creates an account with a new passkey (one "create passkey" prompt) and signs in. With a
    /// valid session, returns it at once: no prompt, no request.
    #[wasm_bindgen(js_name = signUpWithPasskey, unchecked_return_type = "Promise<BaasSession>")]
    pub fn sign_up_with_passkey(&self) -> Promise {
        self.run(Ceremony::SignUp)
    }

    /// Signs in with an existing passkey (one "use passkey" prompt). With a valid session,
    /// returns it at once: no prompt, no request.
    #[wasm_bindgen(js_name = signInWithPasskey, unchecked_return_type = "Promise<BaasSession>")]
    pub fn sign_in_with_passkey(&self) -> Promise {
        self.run(Ceremony::SignIn)
    }

    /// `signIn('passkey')`: the default sign-in method.
    #[wasm_bindgen(js_name = signIn, skip_typescript)]
    pub fn sign_in(&self, method: Option<String>) -> Promise {
        self.with_method(method, Ceremony::SignIn)
    }

    /// `signUp('passkey')`: the default sign-up method.
    #[wasm_bindgen(js_name = signUp, skip_typescript)]
    pub fn sign_up(&self, method: Option<String>) -> Promise {
        self.with_method(method, Ceremony::SignUp)
    }

    /// Signs out: forgets the session in this browser and revokes it on the server (best
    /// effort: an offline sign-out still signs out locally). Keeps the list of passkeys this
    /// browser created for the project.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self) -> Promise {
        let record = self.inner.state.borrow_mut().session.take().map(|(r, _)| r);
        self.inner.store.remove(SESSION);
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            if let Some(record) = record {
                let body = Object::new();
                js::set(&body, "refreshToken", record.refresh_token.as_str());
                let bearer = Some(record.access_token.as_str());
                // Revocation is best effort; the local session is gone either way.
                let _ = http::post(&inner.config, "/v1/auth/logout", &body, bearer).await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl Auth {
    fn with_method(&self, method: Option<String>, ceremony: Ceremony) -> Promise {
        match method.as_deref() {
            None | Some("passkey") => self.run(ceremony),
            Some(_) => Promise::reject(&JsValue::from(Error::from_core(
                ErrorCode::InvalidConfig,
                baas_core::Error::InvalidConfig {
                    reason: "the sign-in method must be 'passkey'",
                },
            ))),
        }
    }
}

impl Inner {
    /// The cached session object, if the session has not expired.
    fn valid_session(&self) -> Option<JsValue> {
        let state = self.state.borrow();
        let (record, js) = state.session.as_ref()?;
        (!record.is_expired(Date::now())).then(|| js.clone())
    }

    /// Ends the ceremony `generation`, unless a newer one replaced it.
    fn finish(&self, generation: u32) {
        let mut state = self.state.borrow_mut();
        if state.pending.as_ref().map(|p| p.generation) == Some(generation)
            && let Some(pending) = state.pending.take()
            && let Some((_, timer)) = pending.abort
        {
            clear_timeout(&timer);
        }
    }

    /// The abort signal of the prompt of ceremony `generation`, aborted at `timeout_ms` (plus
    /// grace) so a browser that never answers cannot leave the call pending.
    fn prompt_signal(
        &self,
        generation: u32,
        timeout_ms: f64,
    ) -> Result<web_sys::AbortSignal, Error> {
        let controller = AbortController::new()
            .map_err(|cause| Error::new(ErrorCode::PasskeyUnsupported, cause))?;
        let deadline = {
            let controller = controller.clone();
            Closure::once_into_js(move || controller.abort())
        };
        let timer = set_timeout(&deadline, timeout_ms + CEREMONY_GRACE_MS);
        let signal = controller.signal();
        let mut state = self.state.borrow_mut();
        match state.pending.as_mut() {
            Some(pending) if pending.generation == generation => {
                pending.abort = Some((controller, timer));
            }
            // Superseded while fetching options: do not prompt.
            _ => {
                clear_timeout(&timer);
                controller.abort();
            }
        }
        Ok(signal)
    }

    async fn sign_up(self: &Rc<Self>, generation: u32) -> Result<JsValue, Error> {
        require_passkeys()?;
        let (challenge_id, options) = self.options("/v1/auth/passkey/register/options").await?;
        let signal = self.prompt_signal(generation, ceremony_timeout(&options))?;
        let known = self.known_credentials();
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
        let answer = http::post(&self.config, "/v1/auth/passkey/register", &body, None)
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
        self.remember_credential(&attestation.id);
        Ok(self.commit(record))
    }

    async fn sign_in(self: &Rc<Self>, generation: u32) -> Result<JsValue, Error> {
        require_passkeys()?;
        let (challenge_id, options) = self.options("/v1/auth/passkey/login/options").await?;
        let signal = self.prompt_signal(generation, ceremony_timeout(&options))?;
        let assertion = webauthn::get_assertion(&options, &signal).await?;

        let body = verify_body(&challenge_id, &assertion.json);
        let answer = http::post(&self.config, "/v1/auth/passkey/login", &body, None)
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
        Ok(self.commit(record))
    }

    /// Requests a challenge: `(challengeId, publicKey options)`.
    async fn options(&self, path: &str) -> Result<(String, JsValue), Error> {
        let answer = http::post(&self.config, path, &Object::new(), None)
            .await
            .map_err(|e| Error::new(ErrorCode::NonceFetchFailed, e.into_cause()))?;
        let challenge_id = js::get_string(&answer, "challengeId");
        let options = js::get(&answer, "publicKey");
        match challenge_id {
            Some(id) if options.is_object() => Ok((id, options)),
            _ => Err(Error::new(ErrorCode::NonceFetchFailed, answer)),
        }
    }

    /// Makes `record` the session: cached, stored, returned as the app's object.
    fn commit(&self, record: SessionRecord) -> JsValue {
        self.store.write(SESSION, &session::to_storage(&record));
        let js = session::to_js(&record);
        self.state.borrow_mut().session = Some((record, js.clone()));
        js
    }

    /// The credential IDs this browser profile created for the project.
    fn known_credentials(&self) -> Vec<String> {
        let list = self
            .store
            .read(CREDENTIALS)
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .filter(js_sys::Array::is_array)
            .map(|value| js_sys::Array::from(&value))
            .unwrap_or_default();
        list.iter()
            .filter_map(|id| id.as_string())
            .filter(|id| base64url::decode(id).is_ok())
            .collect()
    }

    fn remember_credential(&self, id: &str) {
        let list = js_sys::Array::new();
        for known in self.known_credentials() {
            if known != id {
                list.push(&known.into());
            }
        }
        list.push(&id.into());
        if let Ok(text) = js_sys::JSON::stringify(&list)
            && let Some(text) = text.as_string()
        {
            self.store.write(CREDENTIALS, &text);
        }
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
