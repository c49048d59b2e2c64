//! The one error type of the core, each variant with a stable code.

/// Result of a core operation.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything the core can reject.
///
/// [`Error::code`] is stable and SCREAMING_SNAKE; the SDK and the server report it unchanged.
/// The `Display` text is for logs and developers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not canonical unpadded base64url.
    #[error("not canonical base64url (unpadded, `-` and `_`, no trailing bits)")]
    InvalidBase64Url,

    /// The CBOR input ended in the middle of an item.
    #[error("CBOR input is truncated")]
    CborTruncated,
    /// The CBOR input is not well-formed (reserved header bits, invalid UTF-8 text, …).
    #[error("CBOR input is malformed at byte {offset}")]
    CborMalformed {
        /// Byte offset of the offending item.
        offset: usize,
    },
    /// A CBOR item had another major type than the structure requires.
    #[error("CBOR item of the wrong type: expected {expected}")]
    CborUnexpectedType {
        /// What the structure requires at this place.
        expected: &'static str,
    },
    /// An indefinite-length CBOR item, which WebAuthn's CTAP2 encoding never produces.
    #[error("indefinite-length CBOR items are not accepted")]
    CborIndefiniteLength,
    /// CBOR nested deeper than any WebAuthn structure needs.
    #[error("CBOR nesting is deeper than {max}")]
    CborTooDeep {
        /// The nesting limit.
        max: usize,
    },
    /// A CBOR map or array with more entries than the structure can have.
    #[error("CBOR collection has more than {max} entries")]
    CborTooLarge {
        /// The entry limit.
        max: usize,
    },
    /// Bytes follow the CBOR item that should end the input.
    #[error("{count} trailing byte(s) after the CBOR item")]
    CborTrailingBytes {
        /// How many bytes are left over.
        count: usize,
    },
    /// A CBOR map holds the same key twice.
    #[error("CBOR map has a duplicate key")]
    CborDuplicateKey,

    /// The attestationObject lacks one of `fmt`, `attStmt`, `authData`.
    #[error("attestationObject has no `{field}`")]
    AttestationMissingField {
        /// The missing member.
        field: &'static str,
    },
    /// An attestation statement format or shape this relying party does not accept.
    #[error("unsupported attestation: {reason}")]
    UnsupportedAttestation {
        /// Which format or shape was refused.
        reason: &'static str,
    },

    /// authenticatorData is shorter than its fixed fields or announced lengths.
    #[error("authenticatorData is truncated")]
    AuthDataTruncated,
    /// Bytes follow the last structure announced by the authenticatorData flags.
    #[error("{count} trailing byte(s) after authenticatorData")]
    AuthDataTrailingBytes {
        /// How many bytes are left over.
        count: usize,
    },
    /// A registration whose authenticatorData carries no attested credential data (AT flag).
    #[error("authenticatorData has no attested credential data")]
    MissingAttestedCredential,
    /// A credential ID longer than the 1023 bytes WebAuthn allows.
    #[error("credential ID is {len} bytes; at most 1023 are allowed")]
    CredentialIdTooLong {
        /// The announced length.
        len: usize,
    },

    /// A COSE key type other than EC2 (2).
    #[error("COSE key type {kty} is not supported: only EC2 (2)")]
    CoseUnsupportedKeyType {
        /// The `kty` found.
        kty: i64,
    },
    /// A COSE algorithm other than ES256 (-7).
    #[error("COSE algorithm {alg} is not supported: only ES256 (-7)")]
    CoseUnsupportedAlgorithm {
        /// The `alg` found.
        alg: i64,
    },
    /// A COSE curve other than P-256 (1).
    #[error("COSE curve {crv} is not supported: only P-256 (1)")]
    CoseUnsupportedCurve {
        /// The `crv` found.
        crv: i64,
    },
    /// A required COSE key parameter is absent.
    #[error("COSE key has no `{param}` parameter")]
    CoseMissingParameter {
        /// The missing parameter's name.
        param: &'static str,
    },
    /// A coordinate that is not exactly 32 bytes.
    #[error("COSE key coordinate `{param}` is {len} bytes; P-256 needs 32")]
    CoseInvalidCoordinateLength {
        /// `x` or `y`.
        param: &'static str,
        /// The length found.
        len: usize,
    },
    /// A "public" key that carries its private part (`d`).
    #[error("COSE key carries a private key; only public keys are accepted")]
    CosePrivateKeyPresent,
    /// The coordinates do not form a point of the P-256 curve.
    #[error("the public key is not a point on the P-256 curve")]
    PointNotOnCurve,

    /// clientDataJSON is not valid JSON of the CollectedClientData shape.
    #[error("clientDataJSON is not the JSON object WebAuthn defines")]
    ClientDataInvalid,
    /// clientDataJSON `type` is not `webauthn.create` (registration) or `webauthn.get` (sign-in).
    #[error("clientDataJSON `type` is not the one of this ceremony")]
    ClientDataTypeMismatch,
    /// The challenge the client signed is not the one issued.
    #[error("the signed challenge is not the one issued for this ceremony")]
    ChallengeMismatch,
    /// The page origin is not in the project's allowlist.
    #[error("the page origin is not allowed for this project")]
    OriginNotAllowed,
    /// The ceremony ran in a cross-origin iframe (`crossOrigin` / `topOrigin`).
    #[error("ceremonies in cross-origin iframes are not allowed")]
    CrossOriginNotAllowed,
    /// authenticatorData's rpIdHash is not SHA-256 of this relying party's ID.
    #[error("the credential is scoped to another RP ID")]
    RpIdHashMismatch,
    /// The UP flag is not set.
    #[error("the authenticator did not confirm user presence (UP)")]
    UserNotPresent,
    /// The UV flag is not set, and user verification is required.
    #[error("the authenticator did not verify the user (UV)")]
    UserNotVerified,
    /// BS is set while BE is not.
    #[error("backup state (BS) is set on a credential that is not backup eligible (BE)")]
    InvalidBackupFlags,
    /// BE differs from the value recorded at registration, which cannot happen for one credential.
    #[error("the credential's backup eligibility differs from registration")]
    BackupEligibilityChanged,
    /// The credential `type` is not `public-key`.
    #[error("credential `type` is not `public-key`")]
    UnsupportedCredentialType,
    /// `id` is not the base64url of `rawId`, or the authenticator data names another credential.
    #[error("credential `id`, `rawId` and the authenticator's credential ID disagree")]
    CredentialIdMismatch,
    /// An optional WebAuthn L3 member (`authenticatorData`, `publicKey`, `publicKeyAlgorithm`) disagrees with the attestation.
    #[error("an optional member of the response disagrees with the signed data")]
    ResponseInconsistent,
    /// A discoverable sign-in response without `userHandle`.
    #[error("a discoverable-credential sign-in must return the user handle")]
    UserHandleMissing,
    /// `userHandle` is not the handle of the account owning the credential.
    #[error("the user handle is not the one of the credential's account")]
    UserHandleMismatch,
    /// The signature is not a strict DER `Ecdsa-Sig-Value` with 32-byte scalars.
    #[error("the signature is not a DER ECDSA signature")]
    SignatureMalformed,
    /// The signature does not verify under the credential public key.
    #[error("the signature does not verify under the credential's public key")]
    SignatureInvalid,
    /// The signature counter did not increase (a possibly cloned authenticator).
    #[error("the signature counter did not increase: the authenticator may be cloned")]
    CounterRegression,

    /// Client options that cannot work.
    #[error("invalid client options: {reason}")]
    InvalidConfig {
        /// Which option is wrong and what it must be.
        reason: &'static str,
    },
    /// A stored or received session that does not have the session's shape.
    #[error("not a valid session")]
    InvalidSession,

    /// Not `0x` followed by 40 hexadecimal digits.
    #[error("not an EVM address (0x followed by 40 hex digits)")]
    InvalidAddress,
    /// Mixed-case address whose letters do not match its EIP-55 checksum.
    #[error("address does not match its EIP-55 checksum")]
    AddressChecksumMismatch,

    /// A SIWE message whose lines do not have the EIP-4361 structure (header, blank lines,
    /// tags in order, no trailing data).
    #[error("not an EIP-4361 message: {reason}")]
    SiweMessageInvalid {
        /// Which part of the structure is wrong.
        reason: &'static str,
    },
    /// The SIWE `scheme` is not an RFC 3986 scheme.
    #[error("the SIWE scheme is not an RFC 3986 URI scheme")]
    SiweSchemeInvalid,
    /// The SIWE `domain` is not an RFC 3986 authority.
    #[error("the SIWE domain is not an RFC 3986 authority (host[:port])")]
    SiweDomainInvalid,
    /// The SIWE `statement` contains a character EIP-4361 does not allow.
    #[error(
        "the SIWE statement may hold only RFC 3986 reserved and unreserved characters and spaces"
    )]
    SiweStatementInvalid,
    /// The SIWE `uri` is not an RFC 3986 URI.
    #[error("the SIWE URI is not an RFC 3986 URI")]
    SiweUriInvalid,
    /// A SIWE version other than 1.
    #[error("only SIWE version 1 is supported")]
    SiweVersionUnsupported,
    /// The SIWE chain ID is not a decimal 64-bit number without leading zeros.
    #[error("the SIWE chain ID is not a decimal number without leading zeros below 2^64")]
    SiweChainIdInvalid,
    /// The SIWE nonce is not at least 8 ASCII letters and digits.
    #[error("the SIWE nonce must be at least 8 ASCII letters and digits")]
    SiweNonceInvalid,
    /// A SIWE time that is not an RFC 3339 date-time.
    #[error("the SIWE {field} is not an RFC 3339 date-time")]
    SiweTimestampInvalid {
        /// `issued-at`, `expiration-time` or `not-before`.
        field: &'static str,
    },
    /// The SIWE request ID holds a character that is not an RFC 3986 `pchar`.
    #[error("the SIWE request ID may hold only RFC 3986 path characters")]
    SiweRequestIdInvalid,
    /// A SIWE resource that is not an RFC 3986 URI.
    #[error("a SIWE resource is not an RFC 3986 URI")]
    SiweResourceInvalid,
    /// The SIWE `domain` (and `scheme`) is not one of the project's origins: the message was
    /// made for another site.
    #[error(
        "the message was made for another site: its domain is not one of this project's origins"
    )]
    SiweDomainMismatch,
    /// The SIWE `uri` is not on the origin its `domain` names.
    #[error("the message's URI is not on the origin of its domain")]
    SiweUriMismatch,
    /// The SIWE `expiration-time` has passed.
    #[error("the signed message expired: sign in again")]
    SiweExpired,
    /// The SIWE `not-before` time has not come yet.
    #[error("the signed message is not valid yet (not-before is in the future)")]
    SiweNotYetValid,
    /// The SIWE `issued-at` time is in the future beyond the allowed clock skew.
    #[error("the message was issued in the future: check the device's clock")]
    SiweIssuedInFuture,
    /// A chain ID the project does not accept for wallet sign-in.
    #[error(
        "chain ID {chain_id} is not accepted by this project: switch the wallet to an allowed network"
    )]
    ChainNotAllowed {
        /// The refused chain ID.
        chain_id: u64,
    },
    /// An EIP-191 signature that is not `0x` + 65 bytes `r ‖ s ‖ v` in hex with a valid `v`,
    /// non-zero `r` and `s` below the curve order, and a low `s`.
    #[error("the wallet signature is malformed: {reason}")]
    WalletSignatureMalformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The EIP-191 signature was not made by the message's address.
    #[error(
        "the signature was not made by the message's address; smart-contract wallets (EIP-1271) are not supported yet"
    )]
    WalletSignatureInvalid,
}

impl Error {
    /// The stable SCREAMING_SNAKE code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidBase64Url => "INVALID_BASE64URL",
            Self::CborTruncated => "CBOR_TRUNCATED",
            Self::CborMalformed { .. } => "CBOR_MALFORMED",
            Self::CborUnexpectedType { .. } => "CBOR_UNEXPECTED_TYPE",
            Self::CborIndefiniteLength => "CBOR_INDEFINITE_LENGTH",
            Self::CborTooDeep { .. } => "CBOR_TOO_DEEP",
            Self::CborTooLarge { .. } => "CBOR_TOO_LARGE",
            Self::CborTrailingBytes { .. } => "CBOR_TRAILING_BYTES",
            Self::CborDuplicateKey => "CBOR_DUPLICATE_KEY",
            Self::AttestationMissingField { .. } => "ATTESTATION_MISSING_FIELD",
            Self::UnsupportedAttestation { .. } => "UNSUPPORTED_ATTESTATION",
            Self::AuthDataTruncated => "AUTH_DATA_TRUNCATED",
            Self::AuthDataTrailingBytes { .. } => "AUTH_DATA_TRAILING_BYTES",
            Self::MissingAttestedCredential => "MISSING_ATTESTED_CREDENTIAL",
            Self::CredentialIdTooLong { .. } => "CREDENTIAL_ID_TOO_LONG",
            Self::CoseUnsupportedKeyType { .. } => "COSE_UNSUPPORTED_KEY_TYPE",
            Self::CoseUnsupportedAlgorithm { .. } => "COSE_UNSUPPORTED_ALGORITHM",
            Self::CoseUnsupportedCurve { .. } => "COSE_UNSUPPORTED_CURVE",
            Self::CoseMissingParameter { .. } => "COSE_MISSING_PARAMETER",
            Self::CoseInvalidCoordinateLength { .. } => "COSE_INVALID_COORDINATE_LENGTH",
            Self::CosePrivateKeyPresent => "COSE_PRIVATE_KEY_PRESENT",
            Self::PointNotOnCurve => "POINT_NOT_ON_CURVE",
            Self::ClientDataInvalid => "CLIENT_DATA_INVALID",
            Self::ClientDataTypeMismatch => "CLIENT_DATA_TYPE_MISMATCH",
            Self::ChallengeMismatch => "CHALLENGE_MISMATCH",
            Self::OriginNotAllowed => "ORIGIN_NOT_ALLOWED",
            Self::CrossOriginNotAllowed => "CROSS_ORIGIN_NOT_ALLOWED",
            Self::RpIdHashMismatch => "RP_ID_HASH_MISMATCH",
            Self::UserNotPresent => "USER_NOT_PRESENT",
            Self::UserNotVerified => "USER_NOT_VERIFIED",
            Self::InvalidBackupFlags => "INVALID_BACKUP_FLAGS",
            Self::BackupEligibilityChanged => "BACKUP_ELIGIBILITY_CHANGED",
            Self::UnsupportedCredentialType => "UNSUPPORTED_CREDENTIAL_TYPE",
            Self::CredentialIdMismatch => "CREDENTIAL_ID_MISMATCH",
            Self::ResponseInconsistent => "RESPONSE_INCONSISTENT",
            Self::UserHandleMissing => "USER_HANDLE_MISSING",
            Self::UserHandleMismatch => "USER_HANDLE_MISMATCH",
            Self::SignatureMalformed => "SIGNATURE_MALFORMED",
            Self::SignatureInvalid => "SIGNATURE_INVALID",
            Self::CounterRegression => "COUNTER_REGRESSION",
            Self::InvalidConfig { .. } => "INVALID_CONFIG",
            Self::InvalidSession => "INVALID_SESSION",
            Self::InvalidAddress => "INVALID_ADDRESS",
            Self::AddressChecksumMismatch => "ADDRESS_CHECKSUM_MISMATCH",
            Self::SiweMessageInvalid { .. } => "SIWE_MESSAGE_INVALID",
            Self::SiweSchemeInvalid => "SIWE_SCHEME_INVALID",
            Self::SiweDomainInvalid => "SIWE_DOMAIN_INVALID",
            Self::SiweStatementInvalid => "SIWE_STATEMENT_INVALID",
            Self::SiweUriInvalid => "SIWE_URI_INVALID",
            Self::SiweVersionUnsupported => "SIWE_VERSION_UNSUPPORTED",
            Self::SiweChainIdInvalid => "SIWE_CHAIN_ID_INVALID",
            Self::SiweNonceInvalid => "SIWE_NONCE_INVALID",
            Self::SiweTimestampInvalid { .. } => "SIWE_TIMESTAMP_INVALID",
            Self::SiweRequestIdInvalid => "SIWE_REQUEST_ID_INVALID",
            Self::SiweResourceInvalid => "SIWE_RESOURCE_INVALID",
            Self::SiweDomainMismatch => "SIWE_DOMAIN_MISMATCH",
            Self::SiweUriMismatch => "SIWE_URI_MISMATCH",
            Self::SiweExpired => "SIWE_EXPIRED",
            Self::SiweNotYetValid => "SIWE_NOT_YET_VALID",
            Self::SiweIssuedInFuture => "SIWE_ISSUED_IN_FUTURE",
            Self::ChainNotAllowed { .. } => "CHAIN_NOT_ALLOWED",
            Self::WalletSignatureMalformed { .. } => "WALLET_SIGNATURE_MALFORMED",
            Self::WalletSignatureInvalid => "WALLET_SIGNATURE_INVALID",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// One value of every variant; the exhaustive match makes a new variant fail to compile here
    /// until it is listed.
    fn every_variant() -> Vec<Error> {
        let all = vec![
            Error::InvalidBase64Url,
            Error::CborTruncated,
            Error::CborMalformed { offset: 0 },
            Error::CborUnexpectedType { expected: "map" },
            Error::CborIndefiniteLength,
            Error::CborTooDeep { max: 1 },
            Error::CborTooLarge { max: 1 },
            Error::CborTrailingBytes { count: 1 },
            Error::CborDuplicateKey,
            Error::AttestationMissingField { field: "fmt" },
            Error::UnsupportedAttestation { reason: "x" },
            Error::AuthDataTruncated,
            Error::AuthDataTrailingBytes { count: 1 },
            Error::MissingAttestedCredential,
            Error::CredentialIdTooLong { len: 1024 },
            Error::CoseUnsupportedKeyType { kty: 1 },
            Error::CoseUnsupportedAlgorithm { alg: -8 },
            Error::CoseUnsupportedCurve { crv: 2 },
            Error::CoseMissingParameter { param: "x" },
            Error::CoseInvalidCoordinateLength {
                param: "x",
                len: 31,
            },
            Error::CosePrivateKeyPresent,
            Error::PointNotOnCurve,
            Error::ClientDataInvalid,
            Error::ClientDataTypeMismatch,
            Error::ChallengeMismatch,
            Error::OriginNotAllowed,
            Error::CrossOriginNotAllowed,
            Error::RpIdHashMismatch,
            Error::UserNotPresent,
            Error::UserNotVerified,
            Error::InvalidBackupFlags,
            Error::BackupEligibilityChanged,
            Error::UnsupportedCredentialType,
            Error::CredentialIdMismatch,
            Error::ResponseInconsistent,
            Error::UserHandleMissing,
            Error::UserHandleMismatch,
            Error::SignatureMalformed,
            Error::SignatureInvalid,
            Error::CounterRegression,
            Error::InvalidConfig { reason: "x" },
            Error::InvalidSession,
            Error::InvalidAddress,
            Error::AddressChecksumMismatch,
            Error::SiweMessageInvalid { reason: "x" },
            Error::SiweSchemeInvalid,
            Error::SiweDomainInvalid,
            Error::SiweStatementInvalid,
            Error::SiweUriInvalid,
            Error::SiweVersionUnsupported,
            Error::SiweChainIdInvalid,
            Error::SiweNonceInvalid,
            Error::SiweTimestampInvalid { field: "issued-at" },
            Error::SiweRequestIdInvalid,
            Error::SiweResourceInvalid,
            Error::SiweDomainMismatch,
            Error::SiweUriMismatch,
            Error::SiweExpired,
            Error::SiweNotYetValid,
            Error::SiweIssuedInFuture,
            Error::ChainNotAllowed { chain_id: 1 },
            Error::WalletSignatureMalformed { reason: "x" },
            Error::WalletSignatureInvalid,
        ];
        for e in &all {
            match e {
                Error::InvalidBase64Url
                | Error::CborTruncated
                | Error::CborMalformed { .. }
                | Error::CborUnexpectedType { .. }
                | Error::CborIndefiniteLength
                | Error::CborTooDeep { .. }
                | Error::CborTooLarge { .. }
                | Error::CborTrailingBytes { .. }
                | Error::CborDuplicateKey
                | Error::AttestationMissingField { .. }
                | Error::UnsupportedAttestation { .. }
                | Error::AuthDataTruncated
                | Error::AuthDataTrailingBytes { .. }
                | Error::MissingAttestedCredential
                | Error::CredentialIdTooLong { .. }
                | Error::CoseUnsupportedKeyType { .. }
                | Error::CoseUnsupportedAlgorithm { .. }
                | Error::CoseUnsupportedCurve { .. }
                | Error::CoseMissingParameter { .. }
                | Error::CoseInvalidCoordinateLength { .. }
                | Error::CosePrivateKeyPresent
                | Error::PointNotOnCurve
                | Error::ClientDataInvalid
                | Error::ClientDataTypeMismatch
                | Error::ChallengeMismatch
                | Error::OriginNotAllowed
                | Error::CrossOriginNotAllowed
                | Error::RpIdHashMismatch
                | Error::UserNotPresent
                | Error::UserNotVerified
                | Error::InvalidBackupFlags
                | Error::BackupEligibilityChanged
                | Error::UnsupportedCredentialType
                | Error::CredentialIdMismatch
                | Error::ResponseInconsistent
                | Error::UserHandleMissing
                | Error::UserHandleMismatch
                | Error::SignatureMalformed
                | Error::SignatureInvalid
                | Error::CounterRegression
                | Error::InvalidConfig { .. }
                | Error::InvalidSession
                | Error::InvalidAddress
                | Error::AddressChecksumMismatch
                | Error::SiweMessageInvalid { .. }
                | Error::SiweSchemeInvalid
                | Error::SiweDomainInvalid
                | Error::SiweStatementInvalid
                | Error::SiweUriInvalid
                | Error::SiweVersionUnsupported
                | Error::SiweChainIdInvalid
                | Error::SiweNonceInvalid
                | Error::SiweTimestampInvalid { .. }
                | Error::SiweRequestIdInvalid
                | Error::SiweResourceInvalid
                | Error::SiweDomainMismatch
                | Error::SiweUriMismatch
                | Error::SiweExpired
                | Error::SiweNotYetValid
                | Error::SiweIssuedInFuture
                | Error::ChainNotAllowed { .. }
                | Error::WalletSignatureMalformed { .. }
                | Error::WalletSignatureInvalid => {}
            }
        }
        all
    }

    #[test]
    fn codes_are_unique_screaming_snake_and_messages_non_empty() {
        let all = every_variant();
        let codes: HashSet<_> = all.iter().map(Error::code).collect();
        assert_eq!(codes.len(), all.len(), "duplicate error code");
        for e in &all {
            let code = e.code();
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{code} is not SCREAMING_SNAKE"
            );
            assert!(!e.to_string().is_empty());
        }
    }
}
