//! `navigator.credentials.create` / `get`, taking and giving the WebAuthn Level 3 JSON forms the
//! server speaks. The binary members are converted here with the core's base64url, and the
//! response JSON is built from the raw buffers (never from `toJSON()` or `getPublicKey()`, which
//! some password-manager extensions replace or break).

use baas_core::base64url;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::error::{Error, ErrorCode};
use crate::js;

#[wasm_bindgen]
extern "C" {
    /// `navigator.credentials`.
    type CredentialsContainer;
    #[wasm_bindgen(method, catch)]
    fn create(this: &CredentialsContainer, options: &Object) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn get(this: &CredentialsContainer, options: &Object) -> Result<Promise, JsValue>;
}

fn credentials() -> Option<CredentialsContainer> {
    let navigator = js::get(&js_sys::global(), "navigator");
    let credentials = js::get(&navigator, "credentials");
    (!credentials.is_undefined()).then(|| credentials.unchecked_into())
}

/// A new credential, as `create()` returned it.
pub(crate) struct Attestation {
    /// The credential ID, base64url.
    pub(crate) id: String,
    /// The CBOR attestation object.
    pub(crate) attestation_object: Vec<u8>,
    /// `RegistrationResponseJSON`.
    pub(crate) json: JsValue,
}

/// A signed challenge, as `get()` returned it.
pub(crate) struct Assertion {
    /// The credential ID, base64url.
    pub(crate) id: String,
    /// The client data JSON bytes.
    pub(crate) client_data_json: Vec<u8>,
    /// The authenticator data.
    pub(crate) authenticator_data: Vec<u8>,
    /// The DER ECDSA signature.
    pub(crate) signature: Vec<u8>,
    /// `AuthenticationResponseJSON`.
    pub(crate) json: JsValue,
}

/// Runs `navigator.credentials.create()` with `PublicKeyCredentialCreationOptionsJSON`, excluding `exclude` (credential
/// IDs, base64url) in addition to the server's list.
pub(crate) async fn create_credential(
    options: &JsValue,
    exclude: &[String],
    signal: &AbortSignal,
) -> Result<Attestation, Error> {
    let public_key = copy(options);
    convert_binary(&public_key, "challenge")?;
    let user = copy(&js::get(options, "user"));
    convert_binary(&user, "id")?;
    js::set(&public_key, "user", user);
    let descriptors = descriptors(&js::get(options, "excludeCredentials"))?;
    for id in exclude {
        descriptors.push(&descriptor(id)?.into());
    }
    js::set(&public_key, "excludeCredentials", descriptors);
    let credential = call(public_key, signal, None, CredentialsContainer::create).await?;

    let response = js::get(&credential, "response");
    let attestation_object = buffer(&response, "attestationObject")?;
    let response_json = Object::new();
    js::set(
        &response_json,
        "clientDataJSON",
        base64url::encode(&buffer(&response, "clientDataJSON")?),
    );
    js::set(
        &response_json,
        "attestationObject",
        base64url::encode(&attestation_object),
    );
    if let Ok(transports) = method(&response, "getTransports") {
        js::set(&response_json, "transports", transports);
    }
    let (id, json) = credential_json(&credential, response_json)?;
    Ok(Attestation {
        id,
        attestation_object,
        json,
    })
}

/// Runs `navigator.credentials.get()` with `PublicKeyCredentialRequestOptionsJSON`, through
/// autofill when `conditional`.
pub(crate) async fn get_assertion(
    options: &JsValue,
    signal: &AbortSignal,
    conditional: bool,
) -> Result<Assertion, Error> {
    let public_key = copy(options);
    convert_binary(&public_key, "challenge")?;
    js::set(
        &public_key,
        "allowCredentials",
        descriptors(&js::get(options, "allowCredentials"))?,
    );
    let mediation = if conditional {
        Some("conditional")
    } else {
        None
    };
    let credential = call(public_key, signal, mediation, CredentialsContainer::get).await?;

    let response = js::get(&credential, "response");
    let client_data_json = buffer(&response, "clientDataJSON")?;
    let authenticator_data = buffer(&response, "authenticatorData")?;
    let signature = buffer(&response, "signature")?;
    let response_json = Object::new();
    js::set(
        &response_json,
        "clientDataJSON",
        base64url::encode(&client_data_json),
    );
    js::set(
        &response_json,
        "authenticatorData",
        base64url::encode(&authenticator_data),
    );
    js::set(&response_json, "signature", base64url::encode(&signature));
    if let Some(handle) = js::bytes(&js::get(&response, "userHandle")) {
        js::set(&response_json, "userHandle", base64url::encode(&handle));
    }
    let (id, json) = credential_json(&credential, response_json)?;
    Ok(Assertion {
        id,
        client_data_json,
        authenticator_data,
        signature,
        json,
    })
}

/// Calls `create` or `get` on `navigator.credentials` with `{publicKey, signal, mediation}`.
async fn call(
    public_key: Object,
    signal: &AbortSignal,
    mediation: Option<&str>,
    ceremony: fn(&CredentialsContainer, &Object) -> Result<Promise, JsValue>,
) -> Result<JsValue, Error> {
    let container =
        credentials().ok_or_else(|| Error::new(ErrorCode::PasskeyUnsupported, JsValue::NULL))?;
    let rp_id = js::get_string(&public_key, "rpId")
        .or_else(|| js::get_string(&js::get(&public_key, "rp"), "id"))
        .unwrap_or_default();
    let options = Object::new();
    js::set(&options, "publicKey", public_key);
    js::set(&options, "signal", signal);
    if let Some(mediation) = mediation {
        js::set(&options, "mediation", mediation);
    }
    let failed = |exception: JsValue| {
        if js::get_string(&exception, "name").as_deref() == Some("SecurityError") {
            let location = js::get(&js_sys::global(), "location");
            let origin = js::get_string(&location, "origin").unwrap_or_default();
            Error::domain_mismatch(exception, &origin, &rp_id)
        } else {
            Error::from_ceremony(exception)
        }
    };
    let promise = ceremony(&container, &options).map_err(failed)?;
    let credential = JsFuture::from(promise).await.map_err(failed)?;
    if credential.is_null() || credential.is_undefined() {
        return Err(Error::new(ErrorCode::WalletConnectRejected, JsValue::NULL));
    }
    Ok(credential)
}

/// The members every credential JSON has, around `response`; returns the ID with it.
fn credential_json(credential: &JsValue, response: Object) -> Result<(String, JsValue), Error> {
    let id = base64url::encode(&buffer(credential, "rawId")?);
    let json = Object::new();
    js::set(&json, "id", id.as_str());
    js::set(&json, "rawId", id.as_str());
    js::set(&json, "type", "public-key");
    js::set(&json, "response", response);
    if let Some(attachment) = js::get_string(credential, "authenticatorAttachment") {
        js::set(&json, "authenticatorAttachment", attachment);
    }
    js::set(&json, "clientExtensionResults", Object::new());
    Ok((id, json.into()))
}

/// A shallow copy of a JSON object.
fn copy(value: &JsValue) -> Object {
    Object::assign(&Object::new(), &Object::from(value.clone()))
}

/// Replaces the base64url string `object[key]` by its bytes.
fn convert_binary(object: &Object, key: &str) -> Result<(), Error> {
    let text = js::get_string(object, key).unwrap_or_default();
    let bytes = base64url::decode(&text).map_err(malformed_options)?;
    js::set(object, key, js::uint8_array(&bytes));
    Ok(())
}

/// `PublicKeyCredentialDescriptorJSON[]` → `PublicKeyCredentialDescriptor[]`.
fn descriptors(list: &JsValue) -> Result<Array, Error> {
    let out = Array::new();
    if list.is_undefined() || list.is_null() {
        return Ok(out);
    }
    let list: &Array = list
        .dyn_ref()
        .ok_or_else(|| malformed_options(baas_core::Error::InvalidBase64Url))?;
    for item in list.iter() {
        let copy = copy(&item);
        convert_binary(&copy, "id")?;
        out.push(&copy);
    }
    Ok(out)
}

/// A `PublicKeyCredentialDescriptor` for a credential ID given in base64url.
fn descriptor(id: &str) -> Result<Object, Error> {
    let descriptor = Object::new();
    js::set(&descriptor, "type", "public-key");
    js::set(&descriptor, "id", id);
    convert_binary(&descriptor, "id")?;
    Ok(descriptor)
}

/// Options from the server that cannot be used: the challenge request failed.
fn malformed_options(error: baas_core::Error) -> Error {
    Error::from_core(ErrorCode::NonceFetchFailed, error)
}

/// The bytes of the `ArrayBuffer` `object[key]` of a credential.
fn buffer(object: &JsValue, key: &str) -> Result<Vec<u8>, Error> {
    js::bytes(&js::get(object, key))
        .ok_or_else(|| Error::new(ErrorCode::VerifyFailed, JsValue::from_str(key)))
}

/// Calls the method `object[name]()`.
fn method(object: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &name.into())?.dyn_into()?;
    function.call0(object)
}

/// Tells the authenticator that the server does not know credential `id` (WebAuthn Signal API),
/// so the stale passkey leaves the picker. Feature-detected; its outcome does not matter.
pub(crate) fn signal_unknown_credential(options: &JsValue, id: &str) {
    let class = js::get(&js_sys::global(), "PublicKeyCredential");
    let Ok(signal) = js::get(&class, "signalUnknownCredential").dyn_into::<Function>() else {
        return;
    };
    let Some(rp_id) = js::get_string(options, "rpId") else {
        return;
    };
    let details = Object::new();
    js::set(&details, "rpId", rp_id);
    js::set(&details, "credentialId", id);
    if let Ok(promise) = signal.call1(&class, &details)
        && let Ok(promise) = promise.dyn_into::<Promise>()
    {
        // Swallow a rejection rather than leave it unhandled.
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = promise.catch(&ignore);
        ignore.forget();
    }
}
