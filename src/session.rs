//! Conversions of a [`SessionRecord`]: from the server's JSON, to and from storage, and to the
//! frozen `BaasSession` object apps receive (which never holds the refresh token).

use baas_core::api::{Session, SessionCredential, SignInMethod};
use baas_core::session::{SessionEvent, SessionRecord};
use baas_core::{Error, Result, base64url};
use js_sys::{JSON, Object};
use wasm_bindgen::JsValue;

use crate::js;

/// Storage format version; records of another version are discarded.
const VERSION: f64 = 1.0;

/// The record of a session the server just returned (`json`), at local time `now_ms`.
///
/// # Errors
/// [`Error::InvalidSession`] when `json` is not a session with a readable access token.
pub(crate) fn from_server(json: &JsValue, now_ms: f64) -> Result<SessionRecord> {
    let session = read_session(json)?;
    let issued_at = issued_at(&session.access_token)?;
    SessionRecord::received(session, issued_at, now_ms)
}

/// A stored state: a session and the event that produced it, or a sign-out, with the sequence
/// number ordering it among the writes of every tab.
pub(crate) enum Stored {
    /// A session.
    Session(SessionRecord, SessionEvent),
    /// Signed out (written as a tombstone, so its order is known).
    SignedOut(u64),
}

impl Stored {
    /// The sequence number of the write.
    pub(crate) fn seq(&self) -> u64 {
        match self {
            Self::Session(record, _) => record.seq,
            Self::SignedOut(seq) => *seq,
        }
    }
}

/// The JSON text stored for a session (`Some`) or a sign-out with sequence number `seq`.
pub(crate) fn to_storage(state: Option<(&SessionRecord, SessionEvent)>, seq: u64) -> String {
    let object = Object::new();
    js::set(&object, "v", VERSION);
    js::set(&object, "seq", seq as f64);
    match state {
        Some((record, event)) => {
            write_session(&object, record);
            js::set(&object, "refreshToken", record.refresh_token.as_str());
            js::set(
                &object,
                "publicKey",
                record.credential.as_ref().map(|c| c.public_key.as_str()),
            );
            js::set(&object, "issuedAt", record.issued_at as f64);
            js::set(&object, "clockOffset", record.clock_offset_s as f64);
            js::set(&object, "event", event.as_str());
        }
        None => js::set(&object, "signedOut", true),
    }
    JSON::stringify(&object)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// The state stored as `text`; `None` for anything corrupted, of another version or invalid.
pub(crate) fn from_storage(text: &str) -> Option<Stored> {
    let json = JSON::parse(text).ok()?;
    if js::get_f64(&json, "v") != Some(VERSION) {
        return None;
    }
    let seq = u64::try_from(integer(&json, "seq").ok()?).ok()?;
    if js::get_bool(&json, "signedOut") == Some(true) {
        return Some(Stored::SignedOut(seq));
    }
    let mut session = read_session(&json).ok()?;
    if let Some(credential) = &mut session.credential {
        credential.public_key = js::get_string(&json, "publicKey").unwrap_or_default();
    }
    let record = SessionRecord {
        issued_at: integer(&json, "issuedAt").ok()?,
        clock_offset_s: integer(&json, "clockOffset").ok()?,
        address: session.address,
        access_token: session.access_token,
        expires_at: session.expires_at,
        refresh_token: session.refresh_token,
        method: session.method,
        credential: session.credential,
        seq,
    };
    record.validate().ok()?;
    let event = js::get_string(&json, "event")
        .as_deref()
        .and_then(SessionEvent::from_stored)
        .unwrap_or(SessionEvent::SignedIn);
    Some(Stored::Session(record, event))
}

/// The frozen `BaasSession` apps see.
pub(crate) fn to_js(record: &SessionRecord) -> JsValue {
    let object = Object::new();
    write_session(&object, record);
    Object::freeze(&object).into()
}

/// Writes the members of the app-facing session into `object`.
fn write_session(object: &Object, record: &SessionRecord) {
    js::set(object, "address", record.address.as_str());
    js::set(object, "accessToken", record.access_token.as_str());
    js::set(object, "expiresAt", record.expires_at as f64);
    js::set(object, "method", method_name(record.method));
    if let Some(credential) = &record.credential {
        let inner = Object::new();
        js::set(&inner, "id", credential.id.as_str());
        js::set(&inner, "backupEligible", credential.backup_eligible);
        js::set(&inner, "backedUp", credential.backed_up);
        Object::freeze(&inner);
        js::set(object, "credential", inner);
    }
}

/// Reads the server's session shape (`publicKey` of the credential included) from `json`.
fn read_session(json: &JsValue) -> Result<Session> {
    let credential = js::get(json, "credential");
    let credential = if credential.is_undefined() || credential.is_null() {
        None
    } else {
        Some(SessionCredential {
            id: string(&credential, "id")?,
            public_key: js::get_string(&credential, "publicKey").unwrap_or_default(),
            backup_eligible: js::get_bool(&credential, "backupEligible").unwrap_or(false),
            backed_up: js::get_bool(&credential, "backedUp").unwrap_or(false),
        })
    };
    Ok(Session {
        address: string(json, "address")?,
        access_token: string(json, "accessToken")?,
        expires_at: integer(json, "expiresAt")?,
        refresh_token: string(json, "refreshToken")?,
        method: match js::get_string(json, "method").as_deref() {
            Some("passkey") => SignInMethod::Passkey,
            Some("wallet") => SignInMethod::Wallet,
            _ => return Err(Error::InvalidSession),
        },
        credential,
    })
}

fn method_name(method: SignInMethod) -> &'static str {
    match method {
        SignInMethod::Passkey => "passkey",
        SignInMethod::Wallet => "wallet",
    }
}

fn string(json: &JsValue, key: &str) -> Result<String> {
    js::get_string(json, key).ok_or(Error::InvalidSession)
}

fn integer(json: &JsValue, key: &str) -> Result<i64> {
    match js::get_f64(json, key) {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Ok(n as i64),
        _ => Err(Error::InvalidSession),
    }
}

/// The `iat` claim of a JWT (server seconds), read without verifying: the server signed it and
/// the SDK only needs the server's time of issue.
fn issued_at(token: &str) -> Result<i64> {
    let payload = token.split('.').nth(1).ok_or(Error::InvalidSession)?;
    let payload = base64url::decode(payload)?;
    let text = core::str::from_utf8(&payload).map_err(|_| Error::InvalidSession)?;
    let claims = JSON::parse(text).map_err(|_| Error::InvalidSession)?;
    integer(&claims, "iat")
}
