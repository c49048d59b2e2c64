//! ES256 signatures as WebAuthn carries them: an X9.62 `Ecdsa-Sig-Value` in DER over
//! `authenticatorData ‖ SHA-256(clientDataJSON)` ([WebAuthn L3 §6.3.3](https://www.w3.org/TR/webauthn-3/#sctn-op-get-assertion)).
//!
//! [`der_to_raw`] gives the fixed `r ‖ s` form WebCrypto and `p256` take. [`verify_es256`]
//! checks the key, the DER and the scalars here, then leaves the arithmetic to an
//! [`Es256Verifier`]: [`RustCrypto`] (`p256`, which also runs in wasm) unless the caller brings
//! another (baas-server brings `ring`).

use p256::ecdsa::signature::Verifier as _;
pub use p256::ecdsa::{Signature, VerifyingKey};

use crate::{CoseKey, Error, Result};

/// The arithmetic of an ES256 verification (ECDSA on P-256 with SHA-256).
///
/// [`verify_es256`] calls it only with a key that is a point of P-256 and a signature whose `r`
/// and `s` are both in `[1, n − 1]`. It must accept high-S signatures as well as low-S ones:
/// WebAuthn has no low-S rule and authenticators produce either.
pub trait Es256Verifier {
    /// Checks `signature` over `message` (which it hashes with SHA-256) under `key`, both
    /// already validated by [`verify_es256`].
    ///
    /// # Errors
    /// [`Error::SignatureInvalid`] when the signature does not verify.
    fn verify(&self, key: &VerifyingKey, message: &[u8], signature: &Signature) -> Result<()>;
}

/// [`Es256Verifier`] on RustCrypto `p256`: what [`authentication::verify`] and
/// [`registration::verify`] use.
///
/// [`authentication::verify`]: crate::authentication::verify
/// [`registration::verify`]: crate::registration::verify
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCrypto;

impl Es256Verifier for RustCrypto {
    fn verify(&self, key: &VerifyingKey, message: &[u8], signature: &Signature) -> Result<()> {
        key.verify(message, signature)
            .map_err(|_| Error::SignatureInvalid)
    }
}

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

/// Verifies a WebAuthn ES256 signature: `der_signature` over `message` (`authenticatorData ‖
/// SHA-256(clientDataJSON)`) under `key`, with `verifier` doing the arithmetic.
///
/// Both low-S and high-S signatures verify, as authenticators produce either.
///
/// # Errors
/// [`Error::PointNotOnCurve`], [`Error::SignatureMalformed`] (not strict DER, or `r` or `s`
/// outside `[1, n − 1]`) or [`Error::SignatureInvalid`].
pub fn verify_es256(
    verifier: &impl Es256Verifier,
    key: &CoseKey,
    message: &[u8],
    der_signature: &[u8],
) -> Result<()> {
    let key = key.verifying_key()?;
    let raw = der_to_raw(der_signature)?;
    let signature = Signature::from_slice(&raw).map_err(|_| Error::SignatureMalformed)?;
    verifier.verify(&key, message, &signature)
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

    fn cose(signing: &SigningKey) -> CoseKey {
        let point = signing.verifying_key().to_sec1_point(false);
        let (x, y) = point.as_bytes()[1..].split_at(32);
        CoseKey::from_coordinates(x.try_into().unwrap(), y.try_into().unwrap())
    }

    #[test]
    fn verifies_low_s_and_high_s() {
        let key = cose(&key());
        let message = [&b"data"[..], &[7; 32]].concat();
        let signature = sign(b"data", &[7; 32]);
        verify_es256(&RustCrypto, &key, &message, signature.to_der().as_bytes()).unwrap();
        // The same signature with s replaced by n - s also verifies (no low-S rule in WebAuthn).
        let (r, s) = signature.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        assert_ne!(high, signature);
        verify_es256(&RustCrypto, &key, &message, high.to_der().as_bytes()).unwrap();
        assert_eq!(
            verify_es256(&RustCrypto, &key, b"datb", high.to_der().as_bytes()),
            Err(Error::SignatureInvalid)
        );
    }

    #[test]
    fn refuses_a_key_off_the_curve() {
        let signature = sign(b"data", &[7; 32]);
        let off_curve = CoseKey::from_coordinates([1; 32], [2; 32]);
        assert_eq!(
            verify_es256(
                &RustCrypto,
                &off_curve,
                b"data",
                signature.to_der().as_bytes()
            ),
            Err(Error::PointNotOnCurve)
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
            verify_es256(&RustCrypto, &cose(&key()), b"", &zero),
            Err(Error::SignatureMalformed)
        );
        // n itself, the smallest value out of range.
        let n = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
        let n: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&n[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let der = [&[0x30, 0x26, 0x02, 0x21, 0x00][..], &n, &[0x02, 0x01, 0x01]].concat();
        assert_eq!(
            verify_es256(&RustCrypto, &cose(&key()), b"", &der),
            Err(Error::SignatureMalformed)
        );
    }
}
