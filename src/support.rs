//! Whether passkeys can work here: `isPasskeySupported()` and `getPasskeyCapabilities()` for
//! apps to adapt their UI, and the check every ceremony makes before any request.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorCode};
use crate::js;

/// The permissions-policy feature a ceremony needs (an iframe needs its `allow` attribute).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Feature {
    /// `navigator.credentials.create` with a public key.
    Create,
    /// `navigator.credentials.get` with a public key.
    Get,
}

impl Feature {
    fn policy_name(self) -> &'static str {
        match self {
            Self::Create => "publickey-credentials-create",
            Self::Get => "publickey-credentials-get",
        }
    }
}

/// Whether WebAuthn is present, the context secure, and the permissions policy (for a page in an
/// iframe) allows `feature`.
pub(crate) fn allows(feature: Feature) -> bool {
    let global = js_sys::global();
    let navigator = js::get(&global, "navigator");
    !js::get(&global, "PublicKeyCredential").is_undefined()
        && js::get_bool(&global, "isSecureContext") == Some(true)
        && !js::get(&navigator, "credentials").is_undefined()
        && policy_allows(feature)
}

/// `document.permissionsPolicy` (or Chromium's `featurePolicy`) `.allowsFeature(name)`; allowed
/// where the browser has neither.
fn policy_allows(feature: Feature) -> bool {
    let document = js::get(&js_sys::global(), "document");
    let policy = ["permissionsPolicy", "featurePolicy"]
        .into_iter()
        .map(|name| js::get(&document, name))
        .find(|policy| policy.is_object());
    let Some(policy) = policy else { return true };
    let Ok(allows) = js::get(&policy, "allowsFeature").dyn_into::<Function>() else {
        return true;
    };
    allows
        .call1(&policy, &feature.policy_name().into())
        .map(|allowed| allowed.is_truthy())
        .unwrap_or(true)
}

/// Rejects at once, before any request, where passkeys cannot work for `feature`.
pub(crate) fn require(feature: Feature) -> Result<(), Error> {
    if allows(feature) {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::PasskeyUnsupported, JsValue::NULL))
    }
}

/// Whether this browser context can use passkeys: WebAuthn present, a secure context, and (in an
/// iframe) allowed by the permissions policy. When `false`, the ceremonies reject with
/// `PASSKEY_UNSUPPORTED` before any request.
#[wasm_bindgen(js_name = isPasskeySupported)]
pub fn is_passkey_supported() -> bool {
    allows(Feature::Get) && allows(Feature::Create)
}

/// What passkey features this browser offers: `passkeys` (as `isPasskeySupported()`),
/// `platformAuthenticator` (a user-verifying authenticator built into the device) and
/// `conditionalMediation` (passkeys in autofill: `signInWithPasskey({ mediation: 'conditional' })`).
#[wasm_bindgen(js_name = getPasskeyCapabilities, unchecked_return_type = "Promise<PasskeyCapabilities>")]
pub fn get_passkey_capabilities() -> Promise {
    js::promise(async {
        let passkeys = is_passkey_supported();
        let class = js::get(&js_sys::global(), "PublicKeyCredential");
        let (platform, conditional) = if passkeys {
            (
                ask(&class, "isUserVerifyingPlatformAuthenticatorAvailable").await,
                ask(&class, "isConditionalMediationAvailable").await,
            )
        } else {
            (false, false)
        };
        let capabilities = Object::new();
        js::set(&capabilities, "passkeys", passkeys);
        js::set(&capabilities, "platformAuthenticator", platform);
        js::set(&capabilities, "conditionalMediation", conditional);
        Ok(capabilities.into())
    })
}

/// Whether conditional mediation (autofill) is available.
pub(crate) async fn conditional_mediation() -> bool {
    let class = js::get(&js_sys::global(), "PublicKeyCredential");
    ask(&class, "isConditionalMediationAvailable").await
}

/// Awaits the boolean promise of the static method `class[name]()`; `false` when absent.
async fn ask(class: &JsValue, name: &str) -> bool {
    let Ok(method) = Reflect::get(class, &name.into()).and_then(|m| m.dyn_into::<Function>())
    else {
        return false;
    };
    match method.call0(class).map(|value| value.dyn_into::<Promise>()) {
        Ok(Ok(promise)) => JsFuture::from(promise)
            .await
            .map(|value| value.is_truthy())
            .unwrap_or(false),
        _ => false,
    }
}
