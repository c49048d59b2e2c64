//! `AttestationObject::parse` on any bytes: a typed error, or an object whose authenticator
//! data lies inside the input and carries the credential.
#![no_main]

use baas_core::AttestationObject;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(attestation) = AttestationObject::parse(data) else {
        return;
    };
    let inner = attestation.auth_data_bytes.as_ptr_range();
    let outer = data.as_ptr_range();
    assert!(outer.start <= inner.start && inner.end <= outer.end);
    assert_eq!(
        attestation.auth_data.attested_credential.as_ref(),
        Some(&attestation.credential)
    );
});
