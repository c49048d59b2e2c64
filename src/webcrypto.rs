//! P-256 through the browser's WebCrypto (`crypto.subtle`), which costs no wasm bytes.

use baas_core::CoseKey;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// `crypto.subtle` of the current global (window or worker).
fn subtle() -> Result<SubtleCrypto, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())?;
    Reflect::get(&crypto, &"subtle".into())?.dyn_into()
}

fn ecdsa_p256() -> Result<Object, JsValue> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
    Reflect::set(&algorithm, &"namedCurve".into(), &"P-256".into())?;
    Ok(algorithm)
}

/// Imports `key` as an ECDSA P-256 verification key. WebCrypto rejects coordinates that are not
/// a point of the curve (a `DataError`), which is the check [`CoseKey::verifying_key`] does natively.
pub(crate) async fn import_p256(key: &CoseKey) -> Result<CryptoKey, JsValue> {
    let point = Uint8Array::from(&key.sec1_uncompressed()[..]);
    let usages = Array::of1(&"verify".into());
    let promise = subtle()?.import_key_with_object("raw", &point, &ecdsa_p256()?, true, &usages)?;
    JsFuture::from(promise).await?.dyn_into()
}
