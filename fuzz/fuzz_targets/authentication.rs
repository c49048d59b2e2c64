//! `authentication::verify` with arbitrary `clientDataJSON`, `authenticatorData` and signature
//! bytes (framed by `baas_fuzz::split`), against the stored credential of the Chromium capture:
//! a mutation of the captured sign-in goes through every step, signature included. Also
//! `signature::der_to_raw` on the signature part alone.
#![no_main]

use baas_core::authentication::{
    self, AssertionResponseJson, AuthenticationResponseJson, StoredCredential,
};
use baas_core::{base64url, signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [client_data, authenticator_data, sig] = baas_fuzz::split::<3>(data);
    let _ = signature::der_to_raw(sig);
    let response = AuthenticationResponseJson {
        id: baas_fuzz::CREDENTIAL_ID.into(),
        raw_id: baas_fuzz::CREDENTIAL_ID.into(),
        kind: "public-key".into(),
        response: AssertionResponseJson {
            client_data_json: base64url::encode(client_data),
            authenticator_data: base64url::encode(authenticator_data),
            signature: base64url::encode(sig),
            user_handle: Some(base64url::encode(baas_fuzz::USER_HANDLE)),
        },
        authenticator_attachment: None,
        client_extension_results: Default::default(),
    };
    let stored = StoredCredential {
        public_key: &baas_fuzz::PUBLIC_KEY,
        user_handle: baas_fuzz::USER_HANDLE,
        sign_count: 1,
        backup_eligible: false,
    };
    let rp = baas_fuzz::relying_party();
    if let Ok(verified) =
        authentication::verify(&rp, baas_fuzz::AUTHENTICATION_CHALLENGE, &response, &stored)
    {
        assert!(verified.sign_count > stored.sign_count);
    }
});
