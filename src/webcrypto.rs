//! P-256 and SHA-256 through the browser's WebCrypto (`crypto.subtle`), which costs no wasm bytes.

use baas_core::CoseKey;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use crate::js;

/// `crypto.subtle` of the current global (window or worker).
fn subtle() -> Result<SubtleCrypto, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())?;
    Reflect::get(&crypto, &"subtle".into())?.dyn_into()
}

/// `{name: "ECDSA", <key>: <value>}`: the import (`namedCurve`) or verify (`hash`) parameters.
fn ecdsa(key: &str, value: &str) -> Object {
    let algorithm = Object::new();
    js::set(&algorithm, "name", "ECDSA");
    js::set(&algorithm, key, value);
    algorithm
}

/// Imports `key` as an ECDSA P-256 verification key. WebCrypto rejects coordinates that are not
/// a point of the curve (a `DataError`), which is the check [`CoseKey::verifying_key`] does natively.
pub(crate) async fn import_p256(key: &CoseKey) -> Result<CryptoKey, JsValue> {
    let point = Uint8Array::from(&key.sec1_uncompressed()[..]);
    let usages = Array::of1(&"verify".into());
    let algorithm = ecdsa("namedCurve", "P-256");
    let promise = subtle()?.import_key_with_object("raw", &point, &algorithm, true, &usages)?;
    JsFuture::from(promise).await?.dyn_into()
}

/// SHA-256 of `data`.
pub(crate) async fn sha256(data: &[u8]) -> Result<Vec<u8>, JsValue> {
    let digest = JsFuture::from(subtle()?.digest_with_str_and_u8_array("SHA-256", data)?).await?;
    js::bytes(&digest).ok_or(digest)
}

/// Whether `raw_signature` (`r ‖ s`) is an ECDSA P-256 / SHA-256 signature of `data` by `key`.
pub(crate) async fn verify_es256(
    key: &CryptoKey,
    raw_signature: &[u8; 64],
    data: &[u8],
) -> Result<bool, JsValue> {
    let algorithm = ecdsa("hash", "SHA-256");
    let promise = subtle()?.verify_with_object_and_u8_array_and_u8_array(
        &algorithm,
        key,
        raw_signature,
        data,
    )?;
    Ok(JsFuture::from(promise).await?.is_truthy())
}
