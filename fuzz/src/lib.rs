//! What the fuzz targets share: the relying party, challenges and stored credential of the
//! Chromium capture in `tests/fixtures/chromium-virtual-authenticator/`, so that mutations of
//! that capture reach every verification step, and a framing that splits one fuzz input into
//! the several byte strings of a WebAuthn response.

use std::sync::LazyLock;

use baas_core::{AttestationObject, CoseKey, RelyingParty};

/// The captured attestation object (a `none` registration of an ES256 key).
pub const ATTESTATION_OBJECT: &[u8] =
    include_bytes!("../../tests/fixtures/chromium-virtual-authenticator/attestation-object.cbor");

/// The challenge the capture's registration signed.
pub const REGISTRATION_CHALLENGE: &[u8] = b"baas-fixture-challenge-0123456789";

/// The challenge the capture's sign-in signed.
pub const AUTHENTICATION_CHALLENGE: &[u8] = b"baas-fixture-sign-in-challenge-0";

/// The user handle the capture's credential was created for.
pub const USER_HANDLE: &[u8] = &[1, 2, 3, 4];

/// The capture's credential ID, base64url.
pub const CREDENTIAL_ID: &str = "EZ1Eq7YZqUU_v1YlrxHOB4MDECT6mwYFLRdBqTh942E";

/// The relying party of the capture: RP ID `localhost`, the capture page's origin.
pub fn relying_party() -> RelyingParty {
    RelyingParty {
        id: "localhost".into(),
        name: "baas fuzz".into(),
        origins: vec!["http://localhost:41483".into()],
    }
}

/// The capture's credential public key, as the relying party stored it at registration.
pub static PUBLIC_KEY: LazyLock<CoseKey> = LazyLock::new(|| {
    AttestationObject::parse(ATTESTATION_OBJECT)
        .map(|attestation| attestation.credential.public_key)
        .expect("the fixture attestation object parses")
});

/// Splits `data` into `N` parts: each of the first `N - 1` is prefixed by its length as two
/// big-endian bytes, the last is the rest. Missing parts are empty; a length past the end takes
/// what is there. Every input is some framing, so the fuzzer never wastes an execution.
pub fn split<const N: usize>(mut data: &[u8]) -> [&[u8]; N] {
    let mut parts = [&[][..]; N];
    for (i, part) in parts.iter_mut().enumerate() {
        if i == N - 1 {
            *part = data;
            break;
        }
        let Some((len, rest)) = data.split_first_chunk::<2>() else {
            break;
        };
        let len = usize::from(u16::from_be_bytes(*len)).min(rest.len());
        (*part, data) = rest.split_at(len);
    }
    parts
}

/// The inverse of [`split`], to write seeds.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 < parts.len() {
            let len = u16::try_from(part.len()).expect("a seed part is under 64 KiB");
            out.extend_from_slice(&len.to_be_bytes());
        }
        out.extend_from_slice(part);
    }
    out
}
