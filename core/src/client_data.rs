//! `clientDataJSON` ([WebAuthn L3 §5.8.1](https://www.w3.org/TR/webauthn-3/#dictionary-client-data)):
//! what the browser says it signed — ceremony type, challenge, origin.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{Error, RelyingParty, Result, base64url};

/// The ceremony a client data belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    /// Registration: `webauthn.create`.
    Create,
    /// Sign-in: `webauthn.get`.
    Get,
}

impl Ceremony {
    fn client_data_type(self) -> &'static str {
        match self {
            Self::Create => "webauthn.create",
            Self::Get => "webauthn.get",
        }
    }
}

/// The members of `CollectedClientData` a relying party checks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientData {
    /// `webauthn.create` or `webauthn.get`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The challenge, base64url.
    pub challenge: String,
    /// The origin of the page that ran the ceremony.
    pub origin: String,
    /// Whether the ceremony ran in a cross-origin iframe.
    #[serde(default)]
    pub cross_origin: Option<bool>,
    /// The top-level origin, present for cross-origin iframes.
    #[serde(default)]
    pub top_origin: Option<String>,
}

impl ClientData {
    /// Parses `clientDataJSON` (steps 7–8 of §7.1, 9–11 of §7.2).
    ///
    /// # Errors
    /// [`Error::ClientDataInvalid`] for anything but a JSON object with string `type`,
    /// `challenge` and `origin`.
    pub fn parse(json: &[u8]) -> Result<Self> {
        serde_json::from_slice(json).map_err(|_| Error::ClientDataInvalid)
    }

    /// Checks the type, challenge, origin and iframe steps of `ceremony` against `rp`.
    ///
    /// # Errors
    /// [`Error::ClientDataTypeMismatch`], [`Error::ChallengeMismatch`],
    /// [`Error::OriginNotAllowed`], [`Error::CrossOriginNotAllowed`].
    pub fn check(&self, ceremony: Ceremony, challenge: &[u8], rp: &RelyingParty) -> Result<()> {
        if self.kind != ceremony.client_data_type() {
            return Err(Error::ClientDataTypeMismatch);
        }
        if base64url::decode(&self.challenge).ok().as_deref() != Some(challenge) {
            return Err(Error::ChallengeMismatch);
        }
        rp.check_origin(&self.origin)?;
        if self.cross_origin == Some(true) || self.top_origin.is_some() {
            return Err(Error::CrossOriginNotAllowed);
        }
        Ok(())
    }
}

/// SHA-256 of `clientDataJSON`, the client's half of the signed message.
pub fn client_data_hash(json: &[u8]) -> [u8; 32] {
    Sha256::digest(json).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://app.example.com";

    fn rp() -> RelyingParty {
        RelyingParty {
            id: "example.com".into(),
            name: "Example".into(),
            origins: vec![ORIGIN.into()],
        }
    }

    fn json(kind: &str, challenge: &[u8], origin: &str, extra: &str) -> Vec<u8> {
        format!(
            r#"{{"type":"{kind}","challenge":"{}","origin":"{origin}"{extra}}}"#,
            base64url::encode(challenge)
        )
        .into_bytes()
    }

    fn check(bytes: &[u8], ceremony: Ceremony) -> Result<()> {
        ClientData::parse(bytes)?.check(ceremony, b"challenge", &rp())
    }

    #[test]
    fn accepts_the_expected_ceremony() {
        check(
            &json("webauthn.create", b"challenge", ORIGIN, ""),
            Ceremony::Create,
        )
        .unwrap();
        let extra = r#","crossOrigin":false,"other_keys_can_be_added_here":"x""#;
        check(
            &json("webauthn.get", b"challenge", ORIGIN, extra),
            Ceremony::Get,
        )
        .unwrap();
    }

    #[test]
    fn each_check_has_its_error() {
        let swapped = json("webauthn.get", b"challenge", ORIGIN, "");
        assert_eq!(
            check(&swapped, Ceremony::Create),
            Err(Error::ClientDataTypeMismatch)
        );
        let other = json("webauthn.create", b"other", ORIGIN, "");
        assert_eq!(
            check(&other, Ceremony::Create),
            Err(Error::ChallengeMismatch)
        );
        let foreign = json("webauthn.create", b"challenge", "https://evil.com", "");
        assert_eq!(
            check(&foreign, Ceremony::Create),
            Err(Error::OriginNotAllowed)
        );
        for extra in [
            r#","crossOrigin":true"#,
            r#","topOrigin":"https://evil.com""#,
        ] {
            let framed = json("webauthn.create", b"challenge", ORIGIN, extra);
            assert_eq!(
                check(&framed, Ceremony::Create),
                Err(Error::CrossOriginNotAllowed)
            );
        }
    }

    #[test]
    fn a_padded_challenge_is_not_the_challenge() {
        let padded = format!(
            r#"{{"type":"webauthn.get","challenge":"{}=","origin":"{ORIGIN}"}}"#,
            base64url::encode(b"challenge!")
        );
        let data = ClientData::parse(padded.as_bytes()).unwrap();
        assert_eq!(
            data.check(Ceremony::Get, b"challenge!", &rp()),
            Err(Error::ChallengeMismatch)
        );
    }

    #[test]
    fn malformed_json_is_refused() {
        for bad in [
            &b""[..],
            b"null",
            b"[]",
            b"{}",
            br#"{"type":1,"challenge":"","origin":""}"#,
            br#"{"type":"webauthn.get","challenge":"x"}"#,
            b"\xff",
        ] {
            assert_eq!(ClientData::parse(bad), Err(Error::ClientDataInvalid));
        }
    }
}
