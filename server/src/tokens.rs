//! Access tokens (ES256 JWTs) and refresh tokens.
//!
//! An access token carries `sub` (the EIP-55 address), `aud` (the project ID), `iat`, `exp`,
//! `sid` (the session, i.e. the refresh-token family) and a unique `jti`, with the signing key's
//! `kid` in its header. It is checked here with 1 s of leeway, and only ES256 under a key of the
//! store is accepted (`alg: none`, HMAC and unknown keys are refused).
//!
//! A refresh token is 32 random bytes, base64url; the store keeps only its SHA-256.

use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use baas_core::base64url;

use crate::error::ApiError;
use crate::signing_keys::LoadedKey;

/// Seconds of clock skew tolerated on `exp` and `iat`.
pub const LEEWAY: i64 = 1;

/// Longest refresh token accepted (a real one is 43 characters).
const MAX_REFRESH_TOKEN_LEN: usize = 128;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// EIP-55 address.
    pub sub: String,
    /// Project ID.
    pub aud: String,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    /// The session (refresh-token family).
    pub sid: String,
    /// Unique token ID.
    pub jti: String,
}

/// Whether an expired (but otherwise valid) token is accepted: only to sign out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Refuse expired tokens.
    Enforce,
    /// Accept expired tokens.
    Ignore,
}

/// A random ID for a session, challenge or token: 16 random bytes, base64url.
pub fn random_id() -> String {
    base64url::encode(&rand::random::<[u8; 16]>())
}

/// Signs an access token.
///
/// # Errors
/// [`ApiError::Internal`] if the key cannot sign.
pub fn sign(key: &LoadedKey, claims: &Claims) -> Result<String, ApiError> {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding).map_err(ApiError::internal)
}

/// The `kid` of a token's header, after checking that the header names ES256.
///
/// # Errors
/// [`ApiError::TokenInvalid`] for anything but a well-formed ES256 header with a `kid`.
pub fn key_id(token: &str) -> Result<String, ApiError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::TokenInvalid)?;
    if header.alg != Algorithm::ES256 {
        return Err(ApiError::TokenInvalid);
    }
    header.kid.ok_or(ApiError::TokenInvalid)
}

/// Checks a token's signature under `key`, its audience and its times at `now`.
///
/// # Errors
/// [`ApiError::TokenInvalid`] for a bad signature, another audience, missing claims or an `iat`
/// in the future; [`ApiError::TokenExpired`] when [`Expiry::Enforce`] and `exp` has passed.
pub fn verify(
    key: &LoadedKey,
    token: &str,
    audience: &str,
    now: i64,
    expiry: Expiry,
) -> Result<Claims, ApiError> {
    let mut validation = Validation::new(Algorithm::ES256);
    // Times are checked below against the server's clock, with our leeway.
    validation.validate_exp = false;
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    validation.set_audience(&[audience]);
    let claims = jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
        .map_err(|_| ApiError::TokenInvalid)?
        .claims;
    if claims.iat > now + LEEWAY {
        return Err(ApiError::TokenInvalid);
    }
    if expiry == Expiry::Enforce && now >= claims.exp + LEEWAY {
        return Err(ApiError::TokenExpired);
    }
    Ok(claims)
}

/// A new refresh token and the SHA-256 the store keeps.
pub fn new_refresh_token() -> (String, [u8; 32]) {
    let token = base64url::encode(&rand::random::<[u8; 32]>());
    let hash = refresh_token_hash(&token);
    (token, hash)
}

/// The SHA-256 under which a presented refresh token is looked up.
///
/// # Errors
/// [`ApiError::RefreshTokenInvalid`] for a token too long to be one of ours.
pub fn presented_refresh_token_hash(token: &str) -> Result<[u8; 32], ApiError> {
    if token.is_empty() || token.len() > MAX_REFRESH_TOKEN_LEN {
        return Err(ApiError::RefreshTokenInvalid);
    }
    Ok(refresh_token_hash(token))
}

fn refresh_token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
