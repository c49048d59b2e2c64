//! Authenticator data ([WebAuthn L3 §6.1](https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data)):
//! `rpIdHash (32) ‖ flags (1) ‖ signCount (4) ‖ [attestedCredentialData] ‖ [extensions]`.

use crate::cbor::Reader;
use crate::{CoseKey, Error, Result};

/// Longest credential ID WebAuthn allows (§6.5.1).
pub const MAX_CREDENTIAL_ID_LEN: usize = 1023;

/// The flags byte of authenticator data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags(pub u8);

impl Flags {
    /// User Present (UP).
    pub const USER_PRESENT: u8 = 0x01;
    /// User Verified (UV).
    pub const USER_VERIFIED: u8 = 0x04;
    /// Backup Eligible (BE): the credential may be synced.
    pub const BACKUP_ELIGIBLE: u8 = 0x08;
    /// Backup State (BS): the credential is currently backed up (synced).
    pub const BACKED_UP: u8 = 0x10;
    /// Attested credential data included (AT).
    pub const ATTESTED_CREDENTIAL_DATA: u8 = 0x40;
    /// Extension data included (ED).
    pub const EXTENSION_DATA: u8 = 0x80;

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    /// UP: the user was present.
    pub fn user_present(self) -> bool {
        self.has(Self::USER_PRESENT)
    }

    /// UV: the user was verified (biometrics, PIN).
    pub fn user_verified(self) -> bool {
        self.has(Self::USER_VERIFIED)
    }

    /// BE: the credential can be backed up (a synced passkey).
    pub fn backup_eligible(self) -> bool {
        self.has(Self::BACKUP_ELIGIBLE)
    }

    /// BS: the credential is backed up now.
    pub fn backed_up(self) -> bool {
        self.has(Self::BACKED_UP)
    }

    /// AT: attested credential data follows the counter.
    pub fn attested_credential_data(self) -> bool {
        self.has(Self::ATTESTED_CREDENTIAL_DATA)
    }

    /// ED: an extensions map ends the data.
    pub fn extension_data(self) -> bool {
        self.has(Self::EXTENSION_DATA)
    }
}

/// Parsed authenticator data, borrowing from its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatorData<'a> {
    /// SHA-256 of the RP ID the credential is scoped to.
    pub rp_id_hash: [u8; 32],
    /// The flags byte.
    pub flags: Flags,
    /// The signature counter (0 for authenticators that do not count, e.g. synced passkeys).
    pub sign_count: u32,
    /// Present when [`Flags::attested_credential_data`] is set (registrations).
    pub attested_credential: Option<AttestedCredentialData<'a>>,
    /// The raw CBOR extensions map, when [`Flags::extension_data`] is set.
    pub extensions: Option<&'a [u8]>,
}

/// The credential a registration creates (§6.5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestedCredentialData<'a> {
    /// The authenticator model's AAGUID (all zero when attestation is `none`).
    pub aaguid: [u8; 16],
    /// The credential ID.
    pub credential_id: &'a [u8],
    /// The credential public key.
    pub public_key: CoseKey,
    /// The public key's COSE_Key bytes exactly as the authenticator encoded them.
    pub public_key_cbor: &'a [u8],
}

impl<'a> AuthenticatorData<'a> {
    /// Parses authenticator data that makes up the whole of `bytes`.
    ///
    /// # Errors
    /// [`Error::AuthDataTruncated`] / [`Error::AuthDataTrailingBytes`] when the length does not
    /// match what the flags announce, [`Error::CredentialIdTooLong`], or the COSE / CBOR error of
    /// an embedded structure.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let truncated = Error::AuthDataTruncated;
        let (rp_id_hash, rest) = bytes.split_first_chunk::<32>().ok_or(truncated.clone())?;
        let (&[flags], rest) = rest.split_first_chunk::<1>().ok_or(truncated.clone())?;
        let (counter, mut rest) = rest.split_first_chunk::<4>().ok_or(truncated)?;
        let flags = Flags(flags);
        let sign_count = u32::from_be_bytes(*counter);

        let attested_credential = if flags.attested_credential_data() {
            let (credential, tail) = read_attested_credential(rest)?;
            rest = tail;
            Some(credential)
        } else {
            None
        };

        let extensions = if flags.extension_data() {
            let mut reader = Reader::new(rest);
            let map = reader.raw_map().map_err(truncation_is_auth_data)?;
            rest = &rest[reader.position()..];
            Some(map)
        } else {
            None
        };

        if !rest.is_empty() {
            return Err(Error::AuthDataTrailingBytes { count: rest.len() });
        }
        Ok(Self {
            rp_id_hash: *rp_id_hash,
            flags,
            sign_count,
            attested_credential,
            extensions,
        })
    }
}

/// Reads `aaguid (16) ‖ credentialIdLength (2) ‖ credentialId ‖ credentialPublicKey`.
fn read_attested_credential(bytes: &[u8]) -> Result<(AttestedCredentialData<'_>, &[u8])> {
    let (aaguid, rest) = bytes
        .split_first_chunk::<16>()
        .ok_or(Error::AuthDataTruncated)?;
    let (id_len, rest) = rest
        .split_first_chunk::<2>()
        .ok_or(Error::AuthDataTruncated)?;
    let id_len = usize::from(u16::from_be_bytes(*id_len));
    if id_len > MAX_CREDENTIAL_ID_LEN {
        return Err(Error::CredentialIdTooLong { len: id_len });
    }
    let (credential_id, rest) = rest
        .split_at_checked(id_len)
        .ok_or(Error::AuthDataTruncated)?;
    let mut reader = Reader::new(rest);
    let public_key = CoseKey::read(&mut reader).map_err(truncation_is_auth_data)?;
    let (public_key_cbor, rest) = rest.split_at(reader.position());
    Ok((
        AttestedCredentialData {
            aaguid: *aaguid,
            credential_id,
            public_key,
            public_key_cbor,
        },
        rest,
    ))
}

/// Inside authenticator data, running out of bytes mid-item means the data is truncated.
fn truncation_is_auth_data(error: Error) -> Error {
    match error {
        Error::CborTruncated => Error::AuthDataTruncated,
        other => other,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cose_key::tests::{cbor, key_map, valid_entries};
    use ciborium::Value;

    pub(crate) const RP_ID_HASH: [u8; 32] = [0x49; 32];
    pub(crate) const CREDENTIAL_ID: [u8; 16] = [0xc1; 16];

    /// Authenticator data with the given flags, counter and credential ID length.
    pub(crate) fn build(flags: u8, sign_count: u32, id_len: usize) -> Vec<u8> {
        let mut data = RP_ID_HASH.to_vec();
        data.push(flags);
        data.extend(sign_count.to_be_bytes());
        if flags & Flags::ATTESTED_CREDENTIAL_DATA != 0 {
            data.extend([0xaa; 16]);
            data.extend(u16::try_from(id_len).unwrap().to_be_bytes());
            data.extend(std::iter::repeat_n(0xc1, id_len));
            data.extend(key_map(valid_entries()));
        }
        if flags & Flags::EXTENSION_DATA != 0 {
            data.extend(cbor(&Value::Map(vec![(
                Value::Text("credProps".into()),
                Value::Map(vec![(Value::Text("rk".into()), Value::Bool(true))]),
            )])));
        }
        data
    }

    /// Flags of a passkey registration from Chromium's virtual authenticator: UP, UV, AT.
    pub(crate) const REGISTRATION: u8 = 0x45;

    #[test]
    fn parses_an_assertion() {
        let bytes = build(0x1d, 7, 0);
        let data = AuthenticatorData::parse(&bytes).unwrap();
        assert_eq!(data.rp_id_hash, RP_ID_HASH);
        assert_eq!(data.sign_count, 7);
        let flags = data.flags;
        assert!(flags.user_present() && flags.user_verified());
        assert!(flags.backup_eligible() && flags.backed_up());
        assert!(!flags.attested_credential_data() && !flags.extension_data());
        assert_eq!(data.attested_credential, None);
        assert_eq!(data.extensions, None);
    }

    #[test]
    fn parses_a_registration_with_extensions() {
        let bytes = build(REGISTRATION | Flags::EXTENSION_DATA, 0, 16);
        let data = AuthenticatorData::parse(&bytes).unwrap();
        let credential = data.attested_credential.unwrap();
        assert_eq!(credential.aaguid, [0xaa; 16]);
        assert_eq!(credential.credential_id, CREDENTIAL_ID);
        assert_eq!(credential.public_key_cbor, key_map(valid_entries()));
        assert_eq!(
            CoseKey::from_cbor(credential.public_key_cbor).unwrap(),
            credential.public_key
        );
        assert!(data.extensions.unwrap().starts_with(&[0xa1]));
    }

    #[test]
    fn every_truncation_is_an_error() {
        for flags in [0x05, REGISTRATION, REGISTRATION | Flags::EXTENSION_DATA] {
            let bytes = build(flags, 1, 16);
            for len in 0..bytes.len() {
                assert_eq!(
                    AuthenticatorData::parse(&bytes[..len]),
                    Err(Error::AuthDataTruncated),
                    "flags {flags:#x}, {len} of {} bytes",
                    bytes.len()
                );
            }
        }
    }

    #[test]
    fn trailing_bytes_are_refused() {
        for flags in [0x05, REGISTRATION, REGISTRATION | Flags::EXTENSION_DATA] {
            let mut bytes = build(flags, 1, 16);
            bytes.extend([0, 0]);
            assert_eq!(
                AuthenticatorData::parse(&bytes),
                Err(Error::AuthDataTrailingBytes { count: 2 })
            );
        }
    }

    #[test]
    fn credential_ids_longer_than_1023_bytes_are_refused() {
        AuthenticatorData::parse(&build(REGISTRATION, 0, 1023)).unwrap();
        assert_eq!(
            AuthenticatorData::parse(&build(REGISTRATION, 0, 1024)),
            Err(Error::CredentialIdTooLong { len: 1024 })
        );
    }

    #[test]
    fn extensions_must_be_a_map() {
        let mut bytes = build(0x05 | Flags::EXTENSION_DATA, 0, 0);
        bytes.truncate(37);
        bytes.push(0x80); // an empty array
        assert_eq!(
            AuthenticatorData::parse(&bytes),
            Err(Error::CborUnexpectedType { expected: "map" })
        );
    }
}
