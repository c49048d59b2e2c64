//! `registration::verify` with arbitrary `clientDataJSON` and `attestationObject` bytes (framed
//! by `baas_fuzz::split`), against the relying party and challenge of the Chromium capture: a
//! mutation of the capture goes through every step. Whatever passes must have produced a
//! credential whose ID and key are those of the attestation.
#![no_main]

use baas_core::registration::{self, AttestationResponseJson, RegistrationResponseJson};
use baas_core::{AttestationObject, base64url};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [client_data, attestation_object] = baas_fuzz::split::<2>(data);
    let response = RegistrationResponseJson {
        id: baas_fuzz::CREDENTIAL_ID.into(),
        raw_id: baas_fuzz::CREDENTIAL_ID.into(),
        kind: "public-key".into(),
        response: AttestationResponseJson {
            client_data_json: base64url::encode(client_data),
            attestation_object: base64url::encode(attestation_object),
            authenticator_data: None,
            transports: None,
            public_key: None,
            public_key_algorithm: None,
        },
        authenticator_attachment: None,
        client_extension_results: Default::default(),
    };
    let rp = baas_fuzz::relying_party();
    if let Ok(registered) = registration::verify(&rp, baas_fuzz::REGISTRATION_CHALLENGE, &response)
    {
        let attestation =
            AttestationObject::parse(attestation_object).expect("verified, so parsed");
        assert_eq!(
            registered.credential_id,
            attestation.credential.credential_id
        );
        assert_eq!(registered.public_key, attestation.credential.public_key);
        assert!(attestation.auth_data.flags.user_verified());
    }
});
