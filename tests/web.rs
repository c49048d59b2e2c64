//! The wasm glue in headless Chromium (wasm-bindgen-test). One file, so one browser start.
//! WebAuthn cannot run here (the page is served from an IP address, not a valid RP ID): real
//! ceremonies are tested end to end in `tests/e2e`; this file uses recorded data.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    reason = "wasm_bindgen_test functions are tests; a panic is the failure report"
)]

use baas_core::AttestationObject;
use baas_sdk::{ErrorCode, address_from_cose_key};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ATTESTATION: &[u8] =
    include_bytes!("fixtures/chromium-virtual-authenticator/attestation-object.cbor");
const RECORD: &str = include_str!("fixtures/chromium-virtual-authenticator/registration.json");

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).expect("readable property")
}

fn recorded_cose_key() -> Box<[u8]> {
    let object = AttestationObject::parse(ATTESTATION).expect("recorded attestation");
    object.credential.public_key_cbor.into()
}

#[wasm_bindgen_test]
async fn address_from_cose_key_matches_the_independent_derivation() {
    let record: serde_json::Value = serde_json::from_str(RECORD).unwrap();
    let address = address_from_cose_key(recorded_cose_key()).await.unwrap();
    assert_eq!(address, record["expectedAddress"].as_str().unwrap());
}

#[wasm_bindgen_test]
async fn an_off_curve_point_is_refused_by_webcrypto() {
    let mut key = recorded_cose_key().into_vec();
    let last = key.len() - 1;
    key[last] ^= 1; // last byte of y
    let error = address_from_cose_key(key.into()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::VerifyFailed);
    let error = JsValue::from(error);
    assert_eq!(field(&field(&error, "cause"), "name"), "DataError");
}

#[wasm_bindgen_test]
async fn a_malformed_key_is_a_baas_auth_error_with_the_core_code_as_cause() {
    let mut key = recorded_cose_key().into_vec();
    key[6] = 0x02; // crv 1 → 2 (P-384)
    let error = JsValue::from(address_from_cose_key(key.into()).await.unwrap_err());
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(field(&error, "name"), "BaasAuthError");
    assert_eq!(field(&error, "code"), "VERIFY_FAILED");
    assert_eq!(field(&error, "cause"), "COSE_UNSUPPORTED_CURVE");
    let message = field(&error, "message").as_string().unwrap();
    assert!(message.contains("passkey"), "{message}");
}
