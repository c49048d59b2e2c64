//! ES256 signatures as WebAuthn carries them: an X9.62 `Ecdsa-Sig-Value` in DER over
//! `authenticatorData ‖ SHA-256(clientDataJSON)` ([WebAuthn L3 §6.3.3](https://www.w3.org/TR/webauthn-3/#sctn-op-get-assertion)).
//!
//! [`der_to_raw`] gives the fixed `r ‖ s` form WebCrypto and `p256` take; [`verify_es256`]
//! verifies natively with RustCrypto.

use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};

use crate::{Error, Result};

/// Converts a strict DER `SEQUENCE { INTEGER r, INTEGER s }` into 64 bytes `r ‖ s`.
///
/// # Errors
/// [`Error::SignatureMalformed`] for non-minimal or long-form lengths, negative or oversized
/// integers, or trailing bytes.
pub fn der_to_raw(der: &[u8]) -> Result<[u8; 64]> {
    let malformed = Error::SignatureMalformed;
    let body = match der {
        [0x30, len, body @ ..] if usize::from(*len) == body.len() && *len < 0x80 => body,
        _ => return Err(malformed),
    };
    let (r, rest) = der_integer(body)?;
    let (s, rest) = der_integer(rest)?;
    if !rest.is_empty() {
        return Err(malformed);
    }
    let mut raw = [0u8; 64];
    raw[32 - r.len()..32].copy_from_slice(r);
    raw[64 - s.len()..].copy_from_slice(s);
    Ok(raw)
}

/// Reads one positive DER INTEGER of at most 32 significant bytes; returns them and the rest.
fn der_integer(der: &[u8]) -> Result<(&[u8], &[u8])> {
    let malformed = Error::SignatureMalformed;
    let [0x02, len, rest @ ..] = der else {
        return Err(malformed);
    };
    let (value, rest) = rest
        .split_at_checked(usize::from(*len))
        .ok_or(malformed.clone())?;
    let value = match value {
        // Negative, or a zero byte that is not needed to keep the value positive.
        [] => return Err(malformed),
        [first, ..] if first & 0x80 != 0 => return Err(malformed),
        [0x00, second, ..] if second & 0x80 == 0 => return Err(malformed),
        [0x00, significant @ ..] => significant,
        significant => significant,
    };
    if value.len() > 32 {
        return Err(malformed);
    }
    Ok((value, rest))
}

/// Verifies a WebAuthn ES256 signature: `der_signature` over `signed_data ‖ client_data_hash`.
///
/// Both low-S and high-S signatures verify, as authenticators produce either.
///
/// # Errors
/// [`Error::SignatureMalformed`] or [`Error::SignatureInvalid`].
pub fn verify_es256(
    key: &VerifyingKey,
    signed_data: &[u8],
    client_data_hash: &[u8; 32],
    der_signature: &[u8],
) -> Result<()> {
    let raw = der_to_raw(der_signature)?;
    let signature = Signature::from_slice(&raw).map_err(|_| Error::SignatureMalformed)?;
    let message = [signed_data, client_data_hash].concat();
    key.verify(&message, &signature)
        .map_err(|_| Error::SignatureInvalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer as _;

    fn key() -> SigningKey {
        SigningKey::from_slice(&[0x42; 32]).unwrap()
    }

    fn sign(data: &[u8], hash: &[u8; 32]) -> Signature {
        key().sign(&[data, hash].concat())
    }

    #[test]
    fn der_round_trips_through_raw() {
        for i in 0..32u8 {
            let signature = sign(&[i], &[i; 32]);
            let der = signature.to_der();
            assert_eq!(
                der_to_raw(der.as_bytes()).unwrap(),
                signature.to_bytes()[..]
            );
        }
    }

    #[test]
    fn verifies_low_s_and_high_s() {
        let verifying = *key().verifying_key();
        let signature = sign(b"data", &[7; 32]);
        verify_es256(&verifying, b"data", &[7; 32], signature.to_der().as_bytes()).unwrap();
        // The same signature with s replaced by n - s also verifies (no low-S rule in WebAuthn).
        let (r, s) = signature.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        assert_ne!(high, signature);
        verify_es256(&verifying, b"data", &[7; 32], high.to_der().as_bytes()).unwrap();
        assert_eq!(
            verify_es256(&verifying, b"datb", &[7; 32], high.to_der().as_bytes()),
            Err(Error::SignatureInvalid)
        );
    }

    #[test]
    fn refuses_non_strict_der() {
        let one = [0x02, 0x01, 0x01];
        let seq = |body: &[u8]| [&[0x30, body.len() as u8][..], body].concat();
        for bad in [
            vec![],
            seq(&one),                                                  // one integer
            seq(&[&one[..], &one, &[0x00]].concat()),                   // trailing byte inside
            [seq(&[&one[..], &one].concat()), vec![0]].concat(),        // trailing byte outside
            seq(&[&[0x02, 0x00][..], &one].concat()),                   // empty integer
            seq(&[&[0x02, 0x01, 0x80][..], &one].concat()),             // negative
            seq(&[&[0x02, 0x02, 0x00, 0x01][..], &one].concat()),       // needless zero
            seq(&[&[0x02, 0x21][..], &[0x7f; 33], &one].concat()),      // 33 significant bytes
            vec![0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],       // SET, not SEQUENCE
            vec![0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01], // long-form length
        ] {
            assert_eq!(
                der_to_raw(&bad),
                Err(Error::SignatureMalformed),
                "{bad:02x?}"
            );
        }
        assert_eq!(der_to_raw(&seq(&[&one[..], &one].concat())).unwrap()[31], 1);
    }

    #[test]
    fn zero_scalars_are_malformed() {
        let zero = [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01];
        assert_eq!(
            verify_es256(key().verifying_key(), b"", &[0; 32], &zero),
            Err(Error::SignatureMalformed)
        );
    }
}
