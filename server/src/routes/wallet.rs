//! Wallet sign-in with Sign-In with Ethereum (DESIGN §5): a nonce bound to the address and
//! chain, then an EIP-4361 message signed with EIP-191 `personal_sign`, checked by `baas-core`.
//!
//! The login checks, in order: the message parses strictly; the signature is well formed; the
//! message's domain, scheme and URI are one of the project's origins; its chain is accepted;
//! its times hold at the server's clock (with [`CLOCK_SKEW`] for a signer whose clock runs
//! fast); the signature recovers to its address; and only then is the nonce taken, atomically,
//! with the address and chain it was issued for. So no one without the key can use up
//! someone's nonce, and a captured message and signature are refused once the nonce is gone.

use axum::Json;
use axum::extract::State;
use baas_core::api::{NonceRequest, NonceResponse, Session, SignInMethod, WalletLoginRequest};
use baas_core::siwe::{SiweMessage, rfc3339};
use baas_core::{Address, eip191};
use sha2::{Digest as _, Sha256};

use crate::AppState;
use crate::config::Project;
use crate::error::ApiError;
use crate::extract::{ApiJson, CurrentProject};
use crate::sessions;
use crate::store::{NewNonce, NonceBinding};

/// Seconds a message's `issued-at` and `not-before` may be ahead of the server's clock: the
/// signer's clock may run fast. The nonce, valid for the challenge lifetime, already bounds how
/// old a message can be.
pub const CLOCK_SKEW: i64 = 60;

/// Characters of a nonce: 22 of 62 symbols, about 131 bits.
const NONCE_LEN: usize = 22;
const NONCE_ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `POST /v1/auth/wallet/nonce`: a fresh nonce for this address and chain.
///
/// # Errors
/// `INVALID_ADDRESS`, `ADDRESS_CHECKSUM_MISMATCH`, `CHAIN_NOT_ALLOWED`; store failures.
pub async fn nonce(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    ApiJson(request): ApiJson<NonceRequest>,
) -> Result<Json<NonceResponse>, ApiError> {
    let address: Address = request.address.parse()?;
    check_chain(&project, request.chain_id)?;
    let nonce = random_nonce();
    let now = state.now();
    let expires_at = now + project.challenge_ttl;
    state
        .store()
        .put_nonce(&NewNonce {
            hash: Sha256::digest(&nonce).into(),
            binding: NonceBinding {
                project_id: project.id.clone(),
                address: address.to_checksummed(),
                chain_id: request.chain_id,
            },
            expires_at,
        })
        .await?;
    Ok(Json(NonceResponse {
        nonce,
        issued_at: rfc3339::format(now),
        expiration_time: rfc3339::format(expires_at),
    }))
}

/// `POST /v1/auth/wallet/login`: verifies the signed message and returns a session for its
/// address, creating the account on its first sign-in.
///
/// # Errors
/// Every `SIWE_*` error of `baas-core`, `WALLET_SIGNATURE_MALFORMED`, `CHAIN_NOT_ALLOWED`,
/// `WALLET_SIGNATURE_INVALID`, [`ApiError::NonceNotFound`], [`ApiError::NonceExpired`],
/// [`ApiError::AccountMethodMismatch`]; store failures.
pub async fn login(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    ApiJson(request): ApiJson<WalletLoginRequest>,
) -> Result<Json<Session>, ApiError> {
    let message = SiweMessage::parse(&request.message)?;
    let signature = eip191::parse_signature(&request.signature)?;
    message.check_origin(&project.rp.origins)?;
    check_chain(&project, message.chain_id)?;
    let now = state.now();
    message.check_time(now, CLOCK_SKEW)?;
    eip191::verify(request.message.as_bytes(), &signature, &message.address)?;

    let address = message.address.to_checksummed();
    let binding = NonceBinding {
        project_id: project.id.clone(),
        address: address.clone(),
        chain_id: message.chain_id,
    };
    let expires_at = state
        .store()
        .take_nonce(&Sha256::digest(&message.nonce).into(), &binding)
        .await?
        .ok_or(ApiError::NonceNotFound)?;
    if now >= expires_at {
        return Err(ApiError::NonceExpired);
    }

    let account = state
        .store()
        .wallet_account(&project.id, &address, &rand::random::<[u8; 32]>(), now)
        .await?;
    if account.method != SignInMethod::Wallet {
        tracing::warn!(project = %project.id, %address, "wallet sign-in for a passkey account refused");
        return Err(ApiError::AccountMethodMismatch);
    }
    let session = sessions::start(&state, &project, &address, SignInMethod::Wallet, None).await?;
    tracing::info!(project = %project.id, %address, chain_id = message.chain_id, "wallet signed in");
    Ok(Json(session))
}

fn check_chain(project: &Project, chain_id: u64) -> Result<(), ApiError> {
    if project.accepts_chain(chain_id) {
        Ok(())
    } else {
        Err(baas_core::Error::ChainNotAllowed { chain_id }.into())
    }
}

/// [`NONCE_LEN`] letters and digits, uniformly random (random bytes of 248 or more, which
/// would favour some symbols, are drawn again).
fn random_nonce() -> String {
    let mut nonce = String::with_capacity(NONCE_LEN);
    while nonce.len() < NONCE_LEN {
        for byte in rand::random::<[u8; 32]>() {
            if byte < 248 && nonce.len() < NONCE_LEN {
                nonce.push(char::from(NONCE_ALPHABET[usize::from(byte % 62)]));
            }
        }
    }
    nonce
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn nonces_are_long_alphanumeric_and_distinct() {
        let nonces: HashSet<String> = (0..1000).map(|_| random_nonce()).collect();
        assert_eq!(nonces.len(), 1000);
        let mut seen = HashSet::new();
        for nonce in &nonces {
            assert_eq!(nonce.len(), NONCE_LEN);
            assert!(nonce.bytes().all(|b| b.is_ascii_alphanumeric()), "{nonce}");
            seen.extend(nonce.bytes());
        }
        assert_eq!(seen.len(), 62, "every symbol shows up");
    }
}
