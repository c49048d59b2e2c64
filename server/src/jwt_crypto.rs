//! The cryptography `jsonwebtoken` uses in this process: ES256 signing on `ring`, everything
//! else (verification, JWK key utilities) on jsonwebtoken's own RustCrypto provider.
//!
//! jsonwebtoken keeps an [`EncodingKey`] as PKCS#8 DER and builds a signer from it for every
//! token. Its RustCrypto signer parses the key and derives the public key each time, which made
//! an access token cost ≈ 0.58 ms of CPU, a third of a whole sign-in; `ring` parses and signs in
//! ≈ 0.05 ms. The JWS format stays jsonwebtoken's: only the signature bytes come from `ring`.

use std::sync::LazyLock;

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, rust_crypto};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{Error as SignatureError, Signer};
use jsonwebtoken::{Algorithm, AlgorithmFamily, EncodingKey};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};

/// RustCrypto's provider with ES256 signing replaced by `ring`.
static PROVIDER: LazyLock<CryptoProvider> = LazyLock::new(|| CryptoProvider {
    signer_factory: new_signer,
    verifier_factory: rust_crypto::DEFAULT_PROVIDER.verifier_factory,
    key_utils: rust_crypto::DEFAULT_PROVIDER.key_utils.clone(),
});

/// Makes this module's provider jsonwebtoken's default for the process. Call it before
/// jsonwebtoken is first used; calling it again does nothing.
pub fn install() {
    // Err only when a provider is already installed: by an earlier call, or, in a process that
    // used jsonwebtoken first, RustCrypto's, which signs the same tokens more slowly.
    let _ = PROVIDER.install_default();
}

/// ES256 through `ring`, any other algorithm through RustCrypto.
fn new_signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    if *algorithm != Algorithm::ES256 {
        return (rust_crypto::DEFAULT_PROVIDER.signer_factory)(algorithm, key);
    }
    if key.family() != AlgorithmFamily::Ec {
        return Err(ErrorKind::InvalidKeyFormat.into());
    }
    let pair = EcdsaKeyPair::from_pkcs8(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        key.as_bytes(),
        &SystemRandom::new(),
    )
    .map_err(|_| ErrorKind::InvalidEcdsaKey)?;
    Ok(Box::new(RingEs256(pair)))
}

/// An ES256 signer: JWS wants the fixed `r ‖ s` form, which is what `ring` gives.
struct RingEs256(EcdsaKeyPair);

impl Signer<Vec<u8>> for RingEs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, SignatureError> {
        let signature = self
            .0
            .sign(&SystemRandom::new(), message)
            .map_err(|_| SignatureError::new())?;
        Ok(signature.as_ref().to_vec())
    }
}

impl JwtSigner for RingEs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Header, Validation};
    use p256::elliptic_curve::Generate as _;
    use p256::elliptic_curve::sec1::ToSec1Point as _;
    use p256::pkcs8::EncodePrivateKey as _;

    use super::*;

    #[test]
    fn signs_es256_that_rust_crypto_verifies() {
        install();
        install();
        // A key as the server generates it (signing_keys::generate_pkcs8).
        let secret = p256::SecretKey::generate_from_rng(&mut rand::rng());
        let der = secret.to_pkcs8_der().unwrap();
        let encoding = EncodingKey::from_ec_der(der.as_bytes());
        let point = secret.public_key().to_sec1_point(false);
        let decoding = DecodingKey::from_ec_der(point.as_bytes());
        let claims = serde_json::json!({ "sub": "someone", "exp": 4_102_444_800_i64 });
        let signer = new_signer(&Algorithm::ES256, &encoding).unwrap();
        assert_eq!(signer.algorithm(), Algorithm::ES256);
        let verifier =
            (rust_crypto::DEFAULT_PROVIDER.verifier_factory)(&Algorithm::ES256, &decoding).unwrap();
        for i in 0..8u8 {
            let message = vec![i; usize::from(i) * 10];
            let signature = signer.try_sign(&message).unwrap();
            assert_eq!(signature.len(), 64);
            verifier.verify(&message, &signature).unwrap();
        }
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims, &encoding).unwrap();
        let decoded = jsonwebtoken::decode::<serde_json::Value>(
            &token,
            &decoding,
            &Validation::new(Algorithm::ES256),
        )
        .unwrap();
        assert_eq!(decoded.claims, claims);
    }

    #[test]
    fn refuses_keys_that_are_not_p256_pkcs8() {
        let hmac = EncodingKey::from_secret(b"secret");
        assert!(new_signer(&Algorithm::ES256, &hmac).is_err());
        let garbage = EncodingKey::from_ec_der(&[0x30, 0x00]);
        assert!(new_signer(&Algorithm::ES256, &garbage).is_err());
        // Other algorithms are RustCrypto's.
        assert_eq!(
            new_signer(&Algorithm::HS256, &hmac).unwrap().algorithm(),
            Algorithm::HS256
        );
    }
}
