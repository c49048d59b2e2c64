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

/// First retry delay after a refresh that could not reach the server, in milliseconds.
const FIRST_RETRY_MS: f64 = 1_000.0;
/// Longest retry delay, in milliseconds.
const MAX_RETRY_MS: f64 = 60_000.0;

/// What happened to the session, as `onAuthStateChange` listeners are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    /// The state when the listener subscribed.
    InitialSession,
    /// A new session: a sign-in or sign-up, here or in another tab.
    SignedIn,
    /// The session ended: sign-out anywhere, or a refresh the server refused.
    SignedOut,
    /// The same session with a new access token.
    TokenRefreshed,
}

impl SessionEvent {
    /// The event name listeners receive.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InitialSession => "INITIAL_SESSION",
            Self::SignedIn => "SIGNED_IN",
            Self::SignedOut => "SIGNED_OUT",
            Self::TokenRefreshed => "TOKEN_REFRESHED",
        }
    }

    /// The event named `name`, for the events a stored session can carry.
    pub fn from_stored(name: &str) -> Option<Self> {
        match name {
            "SIGNED_IN" => Some(Self::SignedIn),
            "TOKEN_REFRESHED" => Some(Self::TokenRefreshed),
            _ => None,
        }
    }
}

/// What a tab holding `mine` does when its refresh is due, given the latest session every tab
/// agrees on (read under the cross-tab lock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshPlan {
    /// Another tab already refreshed, or signed in anew: take its session, spend nothing.
    Adopt,
    /// Another tab signed out: the session is over.
    SignedOutElsewhere,
    /// This tab holds the latest refresh token: spend it.
    Spend,
}

/// Decides a refresh. `latest` is the newest shared state: `Some(Some(record))` a session,
/// `Some(None)` signed out (a tombstone with its sequence number), `None` unknown.
///
/// Only the holder of the newest session spends its refresh token: spending an older, already
/// rotated one would be taken by the server as token theft and revoke the whole session.
pub fn plan_refresh(
    mine: &SessionRecord,
    latest: Option<(u64, Option<&SessionRecord>)>,
) -> RefreshPlan {
    match latest {
        Some((seq, _)) if seq <= mine.seq => RefreshPlan::Spend,
        Some((_, Some(_))) => RefreshPlan::Adopt,
        Some((_, None)) => RefreshPlan::SignedOutElsewhere,
        None => RefreshPlan::Spend,
    }
}

/// Delay before retry number `attempt` (0-based) of a refresh that could not reach the server:
/// exponential from 1 s, at most a minute.
pub fn retry_delay_ms(attempt: u32) -> f64 {
    (FIRST_RETRY_MS * 2f64.powi(attempt.min(16) as i32)).min(MAX_RETRY_MS)
}

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
    /// Order of this session among the writes every tab of the project shares: a tab adopts a
    /// stored session only if it is newer than its own.
    pub seq: u64,
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
            seq: 0,
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
    fn only_the_newest_session_spends_its_refresh_token() {
        let mut mine = SessionRecord::received(session(3_600), 0, 0.0).unwrap();
        mine.seq = 5;
        let mut newer = mine.clone();
        newer.seq = 6;
        assert_eq!(
            plan_refresh(&mine, None),
            RefreshPlan::Spend,
            "no shared state"
        );
        assert_eq!(
            plan_refresh(&mine, Some((5, Some(&mine)))),
            RefreshPlan::Spend
        );
        assert_eq!(
            plan_refresh(&mine, Some((4, Some(&mine)))),
            RefreshPlan::Spend
        );
        assert_eq!(
            plan_refresh(&mine, Some((6, Some(&newer)))),
            RefreshPlan::Adopt
        );
        assert_eq!(
            plan_refresh(&mine, Some((6, None))),
            RefreshPlan::SignedOutElsewhere
        );
        assert_eq!(plan_refresh(&mine, Some((5, None))), RefreshPlan::Spend);
    }

    #[test]
    fn retries_back_off_to_a_minute() {
        let delays: Vec<f64> = (0..9).map(retry_delay_ms).collect();
        assert_eq!(delays[..4], [1_000.0, 2_000.0, 4_000.0, 8_000.0]);
        assert_eq!(delays[6], 60_000.0);
        assert_eq!(retry_delay_ms(u32::MAX), 60_000.0);
    }

    #[test]
    fn event_names() {
        for event in [SessionEvent::SignedIn, SessionEvent::TokenRefreshed] {
            assert_eq!(SessionEvent::from_stored(event.as_str()), Some(event));
        }
        assert_eq!(SessionEvent::from_stored("SIGNED_OUT"), None);
        assert_eq!(SessionEvent::InitialSession.as_str(), "INITIAL_SESSION");
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
