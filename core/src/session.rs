//! Session rules of the SDK (DESIGN §1): a session is judged expired on the server's clock, and
//! refreshed shortly before it expires.
//!
//! The local clock may be wrong by minutes. The access token's `iat` is the server's time at
//! issue; the offset between it and the local clock at receipt converts local time to server
//! time for every later expiry check.

use crate::api::{Session, SessionCredential, SignInMethod};
use crate::{Address, Error, Result};

/// Longest time before expiry at which a refresh starts, in seconds.
const MAX_REFRESH_MARGIN_S: i64 = 60;

/// A session as the SDK keeps it (in memory and in storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// EIP-55 address.
    pub address: String,
    /// The access JWT.
    pub access_token: String,
    /// Server time (Unix seconds) the access token was issued.
    pub issued_at: i64,
    /// Server time (Unix seconds) the access token expires: its `exp`.
    pub expires_at: i64,
    /// The rotating refresh token.
    pub refresh_token: String,
    /// How the account signed in.
    pub method: SignInMethod,
    /// The passkey of a passkey session.
    pub credential: Option<SessionCredential>,
    /// Server time minus local time, in seconds, measured at receipt.
    pub clock_offset_s: i64,
}

impl SessionRecord {
    /// The record of a session received from the server at local time `local_now_ms`, whose
    /// access token says it was issued at `issued_at` (server seconds).
    ///
    /// # Errors
    /// [`Error::InvalidSession`] for an address that is not EIP-55, an empty token, or an
    /// expiry not after the issue time.
    pub fn received(session: Session, issued_at: i64, local_now_ms: f64) -> Result<Self> {
        let record = Self {
            clock_offset_s: issued_at - seconds(local_now_ms),
            address: session.address,
            access_token: session.access_token,
            issued_at,
            expires_at: session.expires_at,
            refresh_token: session.refresh_token,
            method: session.method,
            credential: session.credential,
        };
        record.validate()?;
        Ok(record)
    }

    /// Checks the invariants of a record, e.g. one read back from storage.
    ///
    /// # Errors
    /// [`Error::InvalidSession`].
    pub fn validate(&self) -> Result<()> {
        let checksummed = self
            .address
            .parse::<Address>()
            .is_ok_and(|a| a.to_checksummed() == self.address);
        let valid = checksummed
            && !self.access_token.is_empty()
            && !self.refresh_token.is_empty()
            && self.expires_at > self.issued_at
            && (self.method == SignInMethod::Wallet) == self.credential.is_none();
        if valid {
            Ok(())
        } else {
            Err(Error::InvalidSession)
        }
    }

    /// The server's time now, in seconds, from the local time in milliseconds.
    pub fn server_now_s(&self, local_now_ms: f64) -> i64 {
        seconds(local_now_ms) + self.clock_offset_s
    }

    /// Whether the access token has expired (on the server's clock).
    pub fn is_expired(&self, local_now_ms: f64) -> bool {
        self.server_now_s(local_now_ms) >= self.expires_at
    }

    /// Seconds before expiry at which to refresh: a quarter of the token's lifetime, at most
    /// 60 s, so that short-lived tokens do not refresh in a loop.
    pub fn refresh_margin_s(&self) -> i64 {
        ((self.expires_at - self.issued_at) / 4).min(MAX_REFRESH_MARGIN_S)
    }

    /// Local time (milliseconds) at which a refresh is due.
    pub fn refresh_due_ms(&self) -> f64 {
        let due_server_s = self.expires_at - self.refresh_margin_s();
        (due_server_s - self.clock_offset_s) as f64 * 1000.0
    }
}

/// Whole seconds of a millisecond time stamp.
fn seconds(ms: f64) -> i64 {
    (ms / 1000.0).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDRESS: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

    fn session(expires_at: i64) -> Session {
        Session {
            address: ADDRESS.into(),
            access_token: "eyJ.x.y".into(),
            expires_at,
            refresh_token: "r".into(),
            method: SignInMethod::Passkey,
            credential: Some(SessionCredential {
                id: "AQ".into(),
                public_key: "pQ".into(),
                backup_eligible: true,
                backed_up: true,
            }),
        }
    }

    #[test]
    fn expiry_is_judged_on_the_server_clock() {
        // Local clock 10 minutes slow: the server issued at 10_000, locally it is 9_400.
        let record = SessionRecord::received(session(10_060), 10_000, 9_400_000.0).unwrap();
        assert_eq!(record.clock_offset_s, 600);
        assert!(!record.is_expired(9_400_000.0));
        assert!(!record.is_expired(9_459_999.0));
        assert!(record.is_expired(9_460_000.0), "server time 10_060 = exp");
        // Local clock fast by an hour: still valid until the server's exp.
        let record = SessionRecord::received(session(10_060), 10_000, 13_600_000.0).unwrap();
        assert!(!record.is_expired(13_659_000.0));
        assert!(record.is_expired(13_660_000.0));
    }

    #[test]
    fn refresh_margin_is_a_quarter_of_the_lifetime_at_most_a_minute() {
        let hour = SessionRecord::received(session(3_600), 0, 0.0).unwrap();
        assert_eq!(hour.refresh_margin_s(), 60);
        assert_eq!(hour.refresh_due_ms(), 3_540_000.0);
        let short = SessionRecord::received(session(20), 0, 0.0).unwrap();
        assert_eq!(short.refresh_margin_s(), 5);
        assert_eq!(short.refresh_due_ms(), 15_000.0);
    }

    #[test]
    fn invalid_sessions_are_refused() {
        let mut lowercase = session(100);
        lowercase.address = ADDRESS.to_lowercase();
        let mut no_token = session(100);
        no_token.access_token.clear();
        let mut wallet_with_passkey = session(100);
        wallet_with_passkey.method = SignInMethod::Wallet;
        for bad in [lowercase, no_token, wallet_with_passkey, session(0)] {
            assert_eq!(
                SessionRecord::received(bad, 0, 0.0),
                Err(Error::InvalidSession)
            );
        }
    }
}
