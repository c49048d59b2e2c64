//! The relying party (a project: RP ID, name, allowed origins) and the verification steps that
//! registration and sign-in share ([WebAuthn L3 §7.1 steps 15–18, §7.2 steps 16–19](https://www.w3.org/TR/webauthn-3/#sctn-rp-operations)).

use sha2::{Digest, Sha256};

use crate::{AuthenticatorData, Error, Flags, Result};

/// A WebAuthn relying party: the project a credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// The RP ID, a registrable domain suffix of the origins (e.g. `example.com`, `localhost`).
    pub id: String,
    /// The name shown by authenticators.
    pub name: String,
    /// Exact origins (`https://app.example.com`) whose pages may run ceremonies.
    pub origins: Vec<String>,
}

impl RelyingParty {
    /// SHA-256 of the RP ID, as authenticator data carries it.
    pub fn rp_id_hash(&self) -> [u8; 32] {
        Sha256::digest(self.id.as_bytes()).into()
    }

    /// Step: the credential is scoped to this RP ID.
    ///
    /// # Errors
    /// [`Error::RpIdHashMismatch`].
    pub fn check_rp_id_hash(&self, data: &AuthenticatorData<'_>) -> Result<()> {
        if data.rp_id_hash == self.rp_id_hash() {
            Ok(())
        } else {
            Err(Error::RpIdHashMismatch)
        }
    }

    /// Step: the origin of the page is one of the project's.
    ///
    /// # Errors
    /// [`Error::OriginNotAllowed`].
    pub fn check_origin(&self, origin: &str) -> Result<()> {
        if self.origins.iter().any(|allowed| allowed == origin) {
            Ok(())
        } else {
            Err(Error::OriginNotAllowed)
        }
    }
}

/// Steps: the user was present (UP) and verified (UV); baas always requires verification.
///
/// # Errors
/// [`Error::UserNotPresent`], [`Error::UserNotVerified`].
pub fn check_user_verified(flags: Flags) -> Result<()> {
    if !flags.user_present() {
        return Err(Error::UserNotPresent);
    }
    if !flags.user_verified() {
        return Err(Error::UserNotVerified);
    }
    Ok(())
}

/// Step: a credential that is not backup eligible cannot be backed up.
///
/// # Errors
/// [`Error::InvalidBackupFlags`].
pub fn check_backup_flags(flags: Flags) -> Result<()> {
    if flags.backed_up() && !flags.backup_eligible() {
        Err(Error::InvalidBackupFlags)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rp() -> RelyingParty {
        RelyingParty {
            id: "example.com".into(),
            name: "Example".into(),
            origins: vec!["https://app.example.com".into()],
        }
    }

    #[test]
    fn origins_match_exactly() {
        let rp = rp();
        rp.check_origin("https://app.example.com").unwrap();
        for other in [
            "http://app.example.com",
            "https://app.example.com:443",
            "https://app.example.com.evil.com",
            "https://evil-app.example.com",
            "https://example.com",
            "https://APP.example.com",
            "",
        ] {
            assert_eq!(
                rp.check_origin(other),
                Err(Error::OriginNotAllowed),
                "{other}"
            );
        }
    }

    #[test]
    fn flags_rules() {
        check_user_verified(Flags(0x05)).unwrap();
        assert_eq!(check_user_verified(Flags(0x04)), Err(Error::UserNotPresent));
        assert_eq!(
            check_user_verified(Flags(0x01)),
            Err(Error::UserNotVerified)
        );
        check_backup_flags(Flags(0x18)).unwrap();
        check_backup_flags(Flags(0x08)).unwrap();
        check_backup_flags(Flags(0x00)).unwrap();
        assert_eq!(
            check_backup_flags(Flags(0x10)),
            Err(Error::InvalidBackupFlags)
        );
    }

    #[test]
    fn rp_id_hash_is_sha256_of_the_id() {
        // SHA-256("example.com"), as computed by `printf example.com | sha256sum`.
        assert_eq!(rp().rp_id_hash()[..4], [0xa3, 0x79, 0xa6, 0xf6],);
    }
}
