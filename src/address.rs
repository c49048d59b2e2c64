//! `addressFromCoseKey`: the wallet address of a passkey public key.

use baas_core::{Address, CoseKey};
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::webcrypto;

/// The EIP-55 wallet address (`0x` + 40 hex digits) of a passkey public key given as COSE_Key
/// bytes (EC2, ES256, P-256).
///
/// # Errors
/// `VERIFY_FAILED` when the bytes are not such a key or its point is not on the curve; the cause
/// is the core's code or WebCrypto's `DataError`.
#[wasm_bindgen(js_name = addressFromCoseKey)]
pub async fn address_from_cose_key(cose_key: Box<[u8]>) -> Result<String, Error> {
    let key =
        CoseKey::from_cbor(&cose_key).map_err(|e| Error::from_core(ErrorCode::VerifyFailed, e))?;
    webcrypto::import_p256(&key)
        .await
        .map_err(|cause| Error::new(ErrorCode::VerifyFailed, cause))?;
    Ok(Address::from_public_key(&key).to_checksummed())
}
