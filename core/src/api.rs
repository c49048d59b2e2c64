//! JSON bodies of the BaaS HTTP API (DESIGN §5), shared by the server and by tests of both ends.
//! WebAuthn members use the Level 3 JSON forms of [`crate::registration`] and
//! [`crate::authentication`]; binary values are unpadded base64url.

use serde::{Deserialize, Serialize};

use crate::authentication::{AuthenticationResponseJson, RequestOptionsJson};
use crate::registration::{CreationOptionsJson, RegistrationResponseJson};

/// Header that carries the project's publishable key on every `/v1/auth/*` request.
pub const PUBLISHABLE_KEY_HEADER: &str = "x-baas-publishable-key";

/// `POST /v1/auth/passkey/register/options` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterOptionsRequest {
    /// Name shown in the passkey picker; the server picks one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Answer to an options request: the challenge's ID and the WebAuthn options carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionsResponse<T> {
    /// Names the challenge in the following verify request.
    pub challenge_id: String,
    /// `PublicKeyCredentialCreationOptionsJSON` or `PublicKeyCredentialRequestOptionsJSON`.
    pub public_key: T,
}

/// `POST /v1/auth/passkey/register/options` answer.
pub type RegisterOptionsResponse = OptionsResponse<CreationOptionsJson>;
/// `POST /v1/auth/passkey/login/options` answer.
pub type LoginOptionsResponse = OptionsResponse<RequestOptionsJson>;

/// `POST /v1/auth/passkey/register` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    /// From the options answer.
    pub challenge_id: String,
    /// `credential.toJSON()` after `navigator.credentials.create`.
    pub credential: RegistrationResponseJson,
}

/// `POST /v1/auth/passkey/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// From the options answer.
    pub challenge_id: String,
    /// `credential.toJSON()` after `navigator.credentials.get`.
    pub credential: AuthenticationResponseJson,
}

/// `POST /v1/auth/wallet/nonce` body: the account and chain about to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NonceRequest {
    /// `0x` + 40 hex digits, any case (as `eth_requestAccounts` returns it); a mixed-case
    /// address must match its EIP-55 checksum.
    pub address: String,
    /// The EIP-155 chain ID (`eth_chainId`), as a decimal JSON number.
    pub chain_id: u64,
}

/// `POST /v1/auth/wallet/nonce` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NonceResponse {
    /// The nonce to put in the SIWE message: single use, bound to the project, the address and
    /// the chain ID, valid for the project's challenge lifetime.
    pub nonce: String,
    /// The server's time now (RFC 3339): the message's `Issued At`, so a device whose clock is
    /// wrong still signs a message the server accepts.
    pub issued_at: String,
    /// When the nonce expires (RFC 3339): the message's `Expiration Time`.
    pub expiration_time: String,
}

/// `POST /v1/auth/wallet/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WalletLoginRequest {
    /// The EIP-4361 message text, exactly as signed ([`crate::siwe::SiweMessage::to_text`]).
    pub message: String,
    /// The `personal_sign` signature: `0x` + 130 hex digits (`r ‖ s ‖ v`).
    pub signature: String,
}

/// `POST /v1/auth/refresh` body; also accepted by `POST /v1/auth/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the session.
    pub refresh_token: String,
}

/// How a session was signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInMethod {
    /// A passkey.
    Passkey,
    /// An Ethereum wallet, with Sign-In with Ethereum.
    Wallet,
}

/// A session, as every sign-in and refresh returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// EIP-55 address, equal to the access token's `sub`.
    pub address: String,
    /// The access JWT.
    pub access_token: String,
    /// Unix time in seconds, equal to the access token's `exp`.
    pub expires_at: i64,
    /// The rotating refresh token (kept by the SDK, never shown to apps).
    pub refresh_token: String,
    /// How the account signed in.
    pub method: SignInMethod,
    /// The passkey of a passkey session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<SessionCredential>,
}

/// The passkey of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCredential {
    /// The credential ID, base64url.
    pub id: String,
    /// The COSE_Key, base64url: lets the SDK check the address and the assertion itself.
    pub public_key: String,
    /// BE: a passkey that can be synced.
    pub backup_eligible: bool,
    /// BS: synced now.
    pub backed_up: bool,
}

/// `GET /v1/auth/user` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// EIP-55 address.
    pub address: String,
    /// How the account was created.
    pub method: SignInMethod,
    /// RFC 3339.
    pub created_at: String,
}

/// Every error answer: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable SCREAMING_SNAKE code.
    pub code: String,
    /// What went wrong and what to do.
    pub message: String,
}
