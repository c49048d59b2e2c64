//! The JSON bodies of the API (`baas_core::api`) from any bytes, as the server reads them; a
//! registration or sign-in body that parses is then verified against the Chromium capture's
//! relying party.
#![no_main]

use baas_core::api::{LoginRequest, RefreshRequest, RegisterOptionsRequest, RegisterRequest};
use baas_core::authentication::{self, StoredCredential};
use baas_core::registration;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let rp = baas_fuzz::relying_party();
    if let Ok(request) = serde_json::from_slice::<RegisterRequest>(data) {
        let _ = registration::verify(&rp, baas_fuzz::REGISTRATION_CHALLENGE, &request.credential);
    }
    if let Ok(request) = serde_json::from_slice::<LoginRequest>(data) {
        let _ = request.credential.credential_id();
        let stored = StoredCredential {
            public_key: &baas_fuzz::PUBLIC_KEY,
            user_handle: baas_fuzz::USER_HANDLE,
            sign_count: 1,
            backup_eligible: false,
        };
        let _ = authentication::verify(
            &rp,
            baas_fuzz::AUTHENTICATION_CHALLENGE,
            &request.credential,
            &stored,
        );
    }
    let _ = serde_json::from_slice::<RefreshRequest>(data);
    let _ = serde_json::from_slice::<RegisterOptionsRequest>(data);
});
