//! Where the server keeps its state: accounts, credentials, challenges, wallet nonces, sessions
//! (refresh-token families), refresh tokens and signing keys. The handlers see only the [`Store`] trait;
//! [`sql::SqlStore`] implements it on SQLite and PostgreSQL with one schema.
//!
//! Every operation that must not race is one atomic statement or transaction here (consuming a
//! challenge or a nonce, creating a wallet account, completing a passkey registration, or a
//! sign-in with its counter compare-and-set, rotating a refresh token, choosing the signing key
//! of a period), so any number of server processes can share one store.

pub mod sql;

use async_trait::async_trait;
use baas_core::api::SignInMethod;

/// Result of a store operation.
pub type Result<T, E = StoreError> = core::result::Result<T, E>;

/// What a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A row with the same key already exists.
    #[error("the row already exists")]
    Conflict,
    /// The database failed or is unreachable.
    #[error("store backend: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The ceremony a challenge was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    /// Passkey registration.
    Register,
    /// Passkey sign-in.
    Login,
}

impl Ceremony {
    /// The name stored with the challenge.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
        }
    }
}

/// A challenge to store when options are issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChallenge {
    /// Random ID the client sends back with the credential.
    pub id: String,
    /// The project it was issued for.
    pub project_id: String,
    /// The ceremony it was issued for.
    pub ceremony: Ceremony,
    /// The random challenge bytes.
    pub challenge: Vec<u8>,
    /// Registration: the user handle of the account to create.
    pub user_handle: Option<Vec<u8>>,
    /// Unix time after which it is refused.
    pub expires_at: i64,
}

/// A challenge taken out of the store (it cannot be taken again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedChallenge {
    /// The random challenge bytes.
    pub challenge: Vec<u8>,
    /// Registration: the user handle of the account to create.
    pub user_handle: Option<Vec<u8>>,
    /// Unix time after which it is refused.
    pub expires_at: i64,
}

/// A wallet sign-in nonce to store when it is issued. Only its SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNonce {
    /// SHA-256 of the nonce.
    pub hash: [u8; 32],
    /// What it is bound to.
    pub binding: NonceBinding,
    /// Unix time from which it is refused.
    pub expires_at: i64,
}

/// What a wallet nonce is bound to: it is taken only with all three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceBinding {
    /// The project it was issued for.
    pub project_id: String,
    /// The EIP-55 address that asked for it.
    pub address: String,
    /// The EIP-155 chain ID it was asked for.
    pub chain_id: u64,
}

/// A passkey as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The credential ID.
    pub id: Vec<u8>,
    /// EIP-55 address of the account it belongs to.
    pub address: String,
    /// COSE_Key bytes as the authenticator encoded them.
    pub public_key: Vec<u8>,
    /// Highest signature counter seen.
    pub sign_count: u32,
    /// BE, fixed at registration.
    pub backup_eligible: bool,
    /// BS at the last ceremony.
    pub backed_up: bool,
    /// Transports reported at registration.
    pub transports: Vec<String>,
}

/// A credential with the user handle of its account, as sign-in needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialWithHandle {
    /// The credential.
    pub credential: Credential,
    /// The account's user handle.
    pub user_handle: Vec<u8>,
}

/// An account to create together with its first credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The project.
    pub project_id: String,
    /// EIP-55 address.
    pub address: String,
    /// WebAuthn user handle (random bytes).
    pub user_handle: Vec<u8>,
    /// Creation time.
    pub created_at: i64,
    /// Its passkey.
    pub credential: Credential,
}

/// An account as `GET /v1/auth/user` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// EIP-55 address.
    pub address: String,
    /// How it was created.
    pub method: SignInMethod,
    /// Creation time.
    pub created_at: i64,
}

/// A compare-and-set of a credential's counter after a verified sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInUpdate<'a> {
    /// The project.
    pub project_id: &'a str,
    /// The credential.
    pub credential_id: &'a [u8],
    /// The counter the verification started from.
    pub previous_sign_count: u32,
    /// The counter to store.
    pub sign_count: u32,
    /// BS of this ceremony.
    pub backed_up: bool,
    /// Time of the sign-in.
    pub now: i64,
}

/// A verified passkey registration, to write in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedSignUp<'a> {
    /// The registration challenge it answered, to take.
    pub challenge_id: &'a str,
    /// The account to create with its credential.
    pub account: &'a NewAccount,
    /// The account's first session.
    pub session: &'a Session,
    /// The session's first refresh token.
    pub token: &'a NewRefreshToken,
}

/// A verified passkey sign-in, to write in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedSignIn<'a> {
    /// The sign-in challenge it answered, to take.
    pub challenge_id: &'a str,
    /// The counter compare-and-set.
    pub update: SignInUpdate<'a>,
    /// The session to start.
    pub session: &'a Session,
    /// The session's first refresh token.
    pub token: &'a NewRefreshToken,
}

/// Outcome of [`Store::complete_sign_in`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Everything is written.
    Completed,
    /// The challenge was taken first (a replay, or a concurrent request): nothing is written.
    ChallengeTaken,
    /// Another sign-in changed the counter first: nothing is written.
    CounterMoved,
}

/// A session: one family of refresh tokens, the `sid` of its access tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The `sid`.
    pub id: String,
    /// The project.
    pub project_id: String,
    /// EIP-55 address.
    pub address: String,
    /// How it signed in.
    pub method: SignInMethod,
    /// The passkey of a passkey session.
    pub credential_id: Option<Vec<u8>>,
}

/// A refresh token to store (only its SHA-256 is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefreshToken {
    /// SHA-256 of the token.
    pub hash: [u8; 32],
    /// Issue time.
    pub created_at: i64,
    /// Unix time from which it is refused.
    pub expires_at: i64,
}

/// Outcome of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// It was current: it is now rotated and the new token belongs to this session.
    Rotated(Session),
    /// It had already been rotated: the whole session is revoked now.
    Reused,
    /// Its session was revoked (sign-out or an earlier reuse).
    Revoked,
    /// It expired.
    Expired,
    /// No such token in this project.
    Unknown,
}

/// An access-token signing key as stored. Its `Debug` leaves the private key out, so that no
/// log line can carry it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// The rotation slot it signs for, `"{period}:{index}"`: at most one key per slot.
    pub slot: String,
    /// The JWS `kid`.
    pub kid: String,
    /// PKCS#8 DER of the P-256 private key.
    pub private_key: Vec<u8>,
    /// First second it signs.
    pub use_from: i64,
    /// Second from which it no longer signs.
    pub use_until: i64,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("slot", &self.slot)
            .field("kid", &self.kid)
            .field("private_key", &"<redacted>")
            .field("use_from", &self.use_from)
            .field("use_until", &self.use_until)
            .finish()
    }
}

/// How many expired rows a purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Challenges.
    pub challenges: u64,
    /// Wallet nonces.
    pub nonces: u64,
    /// Refresh tokens.
    pub refresh_tokens: u64,
    /// Sessions.
    pub sessions: u64,
    /// Signing keys.
    pub signing_keys: u64,
}

/// The server's state. Implementations must make each method atomic.
#[async_trait]
pub trait Store: Send + Sync {
    /// Answers when the store is reachable.
    async fn ping(&self) -> Result<()>;

    /// Stores a challenge.
    async fn put_challenge(&self, challenge: &NewChallenge) -> Result<()>;

    /// Removes and returns the challenge `id` if it was issued for this project and ceremony
    /// (expired or not: the caller judges expiry). Atomic: a challenge is taken at most once.
    async fn take_challenge(
        &self,
        id: &str,
        project_id: &str,
        ceremony: Ceremony,
    ) -> Result<Option<IssuedChallenge>>;

    /// The challenge `id` if it was issued for this project and ceremony, left in the store
    /// (expired or not: the caller judges expiry).
    async fn challenge(
        &self,
        id: &str,
        project_id: &str,
        ceremony: Ceremony,
    ) -> Result<Option<IssuedChallenge>>;

    /// Stores a wallet nonce.
    async fn put_nonce(&self, nonce: &NewNonce) -> Result<()>;

    /// Removes nonce `hash` if it was issued with exactly this `binding`, and returns its
    /// expiry (expired or not: the caller judges expiry). Atomic: a nonce is taken at most once.
    async fn take_nonce(&self, hash: &[u8; 32], binding: &NonceBinding) -> Result<Option<i64>>;

    /// The account `address` of the project, created as a wallet account at `now` (with
    /// `user_handle`) when there is none. Atomic: concurrent first sign-ins create one account.
    /// An existing account is returned as it is, whatever its method.
    async fn wallet_account(
        &self,
        project_id: &str,
        address: &str,
        user_handle: &[u8],
        now: i64,
    ) -> Result<Account>;

    /// Writes a verified passkey registration in one transaction: takes its registration
    /// challenge, creates the account with its credential and starts its first session. All
    /// or nothing: false when the challenge is gone, [`StoreError::Conflict`] when the
    /// credential ID (or the address) is taken, and then nothing is written.
    async fn complete_sign_up(&self, sign_up: &CompletedSignUp<'_>) -> Result<bool>;

    /// The credential `credential_id` of the project, with its account's user handle.
    async fn credential(
        &self,
        project_id: &str,
        credential_id: &[u8],
    ) -> Result<Option<CredentialWithHandle>>;

    /// Writes a verified passkey sign-in in one transaction: takes its sign-in challenge,
    /// stores the counter and backup state if the counter is still the one the verification
    /// started from, and starts the session with its first refresh token. All or nothing: when
    /// the challenge is gone or the counter moved, nothing is written.
    async fn complete_sign_in(&self, sign_in: &CompletedSignIn<'_>) -> Result<SignInOutcome>;

    /// The account `address` of the project.
    async fn account(&self, project_id: &str, address: &str) -> Result<Option<Account>>;

    /// Starts a session with its first refresh token.
    async fn start_session(&self, session: &Session, token: &NewRefreshToken) -> Result<()>;

    /// Presents refresh token `hash` of the project at `now`: rotates it to `next` when it is
    /// current, and revokes its whole session when it had already been rotated.
    async fn rotate_refresh_token(
        &self,
        project_id: &str,
        hash: &[u8; 32],
        next: &NewRefreshToken,
        now: i64,
    ) -> Result<Rotation>;

    /// Revokes session `id` of the project (no-op when unknown or already revoked).
    async fn revoke_session(&self, project_id: &str, id: &str, now: i64) -> Result<()>;

    /// Revokes the session of refresh token `hash` (rotated or not) of the project.
    async fn revoke_session_of_refresh_token(
        &self,
        project_id: &str,
        hash: &[u8; 32],
        now: i64,
    ) -> Result<()>;

    /// Whether session `id` of the project exists and is not revoked.
    async fn session_active(&self, project_id: &str, id: &str) -> Result<bool>;

    /// Stores `key` unless its slot already has one, and returns the slot's key: every process
    /// asking for a slot gets the same key, whoever inserted it.
    async fn ensure_signing_key(&self, key: &SigningKey) -> Result<SigningKey>;

    /// The signing key `kid`.
    async fn signing_key(&self, kid: &str) -> Result<Option<SigningKey>>;

    /// The signing keys that still sign or signed after `since`.
    async fn signing_keys(&self, since: i64) -> Result<Vec<SigningKey>>;

    /// Deletes expired challenges, nonces, refresh tokens and sessions, and signing keys that
    /// stopped signing before `keys_before`.
    async fn purge(&self, now: i64, keys_before: i64) -> Result<Purged>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_signing_key_leaves_the_private_key_out() {
        let key = SigningKey {
            slot: "1:0".into(),
            kid: "kid-1".into(),
            private_key: vec![0xd5; 40],
            use_from: 1,
            use_until: 2,
        };
        let debug = format!("{key:?}");
        assert!(
            debug.contains("kid-1") && debug.contains("<redacted>"),
            "{debug}"
        );
        assert!(!debug.contains("213"), "{debug}");
    }
}
