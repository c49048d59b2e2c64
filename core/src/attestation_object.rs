//! The attestation object of a registration
//! ([WebAuthn L3 §6.5.4](https://www.w3.org/TR/webauthn-3/#sctn-generating-an-attestation-object)):
//! a CBOR map `{fmt, attStmt, authData}`.
//!
//! baas asks for attestation `none`, so it accepts the `none` format and `packed` self
//! attestation (a signature by the credential's own key, which some authenticators send anyway).
//! Certificate-chain attestation proves an authenticator model, which baas does not ask for; it
//! is refused with [`Error::UnsupportedAttestation`] rather than accepted unverified.

use crate::cbor::Reader;
use crate::{AttestedCredentialData, AuthenticatorData, Error, Result};

/// More members than an attestation object has, with room for additions.
const MAX_MEMBERS: usize = 8;

/// The attestation statement, by format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestationStatement<'a> {
    /// `none`: no statement.
    None,
    /// `packed` self attestation: `sig` by the credential key over `authData ‖ clientDataHash`.
    PackedSelf {
        /// The signature algorithm (always ES256, -7, once parsed).
        alg: i64,
        /// The DER-encoded ECDSA signature.
        sig: &'a [u8],
    },
}

/// A parsed attestation object, borrowing from its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationObject<'a> {
    /// The attestation statement.
    pub statement: AttestationStatement<'a>,
    /// The authenticator data bytes, as signed.
    pub auth_data_bytes: &'a [u8],
    /// The parsed authenticator data.
    pub auth_data: AuthenticatorData<'a>,
    /// The new credential: ID, public key (always present in an attestation object).
    pub credential: AttestedCredentialData<'a>,
}

impl<'a> AttestationObject<'a> {
    /// Parses an attestation object that makes up the whole of `cbor`.
    ///
    /// # Errors
    /// A CBOR error for malformed input, [`Error::AttestationMissingField`],
    /// [`Error::UnsupportedAttestation`] for a format or statement shape baas does not accept,
    /// [`Error::MissingAttestedCredential`], or the error of the embedded authenticator data.
    pub fn parse(cbor: &'a [u8]) -> Result<Self> {
        let mut reader = Reader::new(cbor);
        let members = reader.map()?;
        if members > MAX_MEMBERS {
            return Err(Error::CborTooLarge { max: MAX_MEMBERS });
        }
        let (mut fmt, mut statement, mut auth_data) = (None, None, None);
        for _ in 0..members {
            match reader.text()? {
                "fmt" => set_once(&mut fmt, reader.text()?)?,
                "attStmt" => set_once(&mut statement, reader.raw_map()?)?,
                "authData" => set_once(&mut auth_data, reader.bytes()?)?,
                _ => reader.skip()?,
            }
        }
        reader.finish()?;

        let fmt = fmt.ok_or(Error::AttestationMissingField { field: "fmt" })?;
        let statement = statement.ok_or(Error::AttestationMissingField { field: "attStmt" })?;
        let auth_data_bytes =
            auth_data.ok_or(Error::AttestationMissingField { field: "authData" })?;
        let statement = parse_statement(fmt, statement)?;
        let auth_data = AuthenticatorData::parse(auth_data_bytes)?;
        let credential = auth_data
            .attested_credential
            .clone()
            .ok_or(Error::MissingAttestedCredential)?;
        Ok(Self {
            statement,
            auth_data_bytes,
            auth_data,
            credential,
        })
    }
}

/// Stores the value of a map member, refusing a second one.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<()> {
    match slot.replace(value) {
        None => Ok(()),
        Some(_) => Err(Error::CborDuplicateKey),
    }
}

/// Interprets the `attStmt` map for the format `fmt`.
fn parse_statement<'a>(fmt: &str, statement: &'a [u8]) -> Result<AttestationStatement<'a>> {
    let mut reader = Reader::new(statement);
    let members = reader.map()?;
    match fmt {
        "none" if members == 0 => Ok(AttestationStatement::None),
        "none" => Err(Error::UnsupportedAttestation {
            reason: "`none` attestation with a non-empty statement",
        }),
        "packed" => {
            if members > MAX_MEMBERS {
                return Err(Error::CborTooLarge { max: MAX_MEMBERS });
            }
            let (mut alg, mut sig) = (None, None);
            for _ in 0..members {
                match reader.text()? {
                    "alg" => set_once(&mut alg, reader.int()?)?,
                    "sig" => set_once(&mut sig, reader.bytes()?)?,
                    "x5c" => {
                        return Err(Error::UnsupportedAttestation {
                            reason: "`packed` attestation with a certificate chain",
                        });
                    }
                    _ => reader.skip()?,
                }
            }
            let sig = sig.ok_or(Error::UnsupportedAttestation {
                reason: "`packed` attestation without `sig`",
            })?;
            match alg {
                Some(alg @ -7) => Ok(AttestationStatement::PackedSelf { alg, sig }),
                _ => Err(Error::UnsupportedAttestation {
                    reason: "`packed` self attestation not by ES256",
                }),
            }
        }
        _ => Err(Error::UnsupportedAttestation {
            reason: "attestation format other than `none` or `packed`",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authenticator_data::tests::{REGISTRATION, build};
    use crate::cose_key::tests::cbor;
    use ciborium::Value;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn object(members: Vec<(&str, Value)>) -> Vec<u8> {
        cbor(&Value::Map(
            members.into_iter().map(|(k, v)| (text(k), v)).collect(),
        ))
    }

    fn auth_data() -> Value {
        Value::Bytes(build(REGISTRATION, 0, 16))
    }

    fn none_object() -> Vec<u8> {
        object(vec![
            ("fmt", text("none")),
            ("attStmt", Value::Map(vec![])),
            ("authData", auth_data()),
        ])
    }

    fn packed(statement: Vec<(&str, Value)>) -> Vec<u8> {
        object(vec![
            ("fmt", text("packed")),
            (
                "attStmt",
                Value::Map(statement.into_iter().map(|(k, v)| (text(k), v)).collect()),
            ),
            ("authData", auth_data()),
        ])
    }

    #[test]
    fn parses_none_attestation() {
        let bytes = none_object();
        let object = AttestationObject::parse(&bytes).unwrap();
        assert_eq!(object.statement, AttestationStatement::None);
        assert_eq!(object.auth_data_bytes, build(REGISTRATION, 0, 16));
        assert_eq!(object.credential.credential_id.len(), 16);
    }

    #[test]
    fn parses_packed_self_attestation() {
        let bytes = packed(vec![
            ("alg", Value::Integer((-7).into())),
            ("sig", Value::Bytes(vec![0x30, 0x06])),
        ]);
        assert_eq!(
            AttestationObject::parse(&bytes).unwrap().statement,
            AttestationStatement::PackedSelf {
                alg: -7,
                sig: &[0x30, 0x06]
            }
        );
    }

    #[test]
    fn unsupported_shapes_are_refused() {
        let cases = [
            object(vec![
                ("fmt", text("tpm")),
                ("attStmt", Value::Map(vec![])),
                ("authData", auth_data()),
            ]),
            object(vec![
                ("fmt", text("none")),
                (
                    "attStmt",
                    Value::Map(vec![(text("alg"), Value::Integer((-7).into()))]),
                ),
                ("authData", auth_data()),
            ]),
            packed(vec![
                ("alg", Value::Integer((-7).into())),
                ("sig", Value::Bytes(vec![1])),
                ("x5c", Value::Array(vec![Value::Bytes(vec![0x30])])),
            ]),
            packed(vec![("alg", Value::Integer((-7).into()))]),
            packed(vec![
                ("alg", Value::Integer((-257).into())),
                ("sig", Value::Bytes(vec![1])),
            ]),
        ];
        for bytes in cases {
            assert!(matches!(
                AttestationObject::parse(&bytes),
                Err(Error::UnsupportedAttestation { .. })
            ));
        }
    }

    #[test]
    fn missing_members_are_named() {
        for field in ["fmt", "attStmt", "authData"] {
            let members = [
                ("fmt", text("none")),
                ("attStmt", Value::Map(vec![])),
                ("authData", auth_data()),
            ]
            .into_iter()
            .filter(|(k, _)| *k != field)
            .collect();
            assert_eq!(
                AttestationObject::parse(&object(members)),
                Err(Error::AttestationMissingField { field })
            );
        }
    }

    #[test]
    fn wrong_member_types_are_refused() {
        let cases = [
            ("fmt", Value::Integer(1.into()), "text"),
            ("attStmt", Value::Array(vec![]), "map"),
            ("authData", text("x"), "byte string"),
        ];
        for (member, value, expected) in cases {
            let mut members = vec![
                ("fmt", text("none")),
                ("attStmt", Value::Map(vec![])),
                ("authData", auth_data()),
            ];
            for m in &mut members {
                if m.0 == member {
                    m.1 = value.clone();
                }
            }
            assert_eq!(
                AttestationObject::parse(&object(members)),
                Err(Error::CborUnexpectedType { expected })
            );
        }
        assert_eq!(
            AttestationObject::parse(&cbor(&Value::Array(vec![]))),
            Err(Error::CborUnexpectedType { expected: "map" })
        );
    }

    #[test]
    fn a_registration_needs_attested_credential_data() {
        let bytes = object(vec![
            ("fmt", text("none")),
            ("attStmt", Value::Map(vec![])),
            ("authData", Value::Bytes(build(0x05, 0, 0))),
        ]);
        assert_eq!(
            AttestationObject::parse(&bytes),
            Err(Error::MissingAttestedCredential)
        );
    }

    #[test]
    fn duplicates_trailing_bytes_and_truncation_are_refused() {
        let duplicate = object(vec![
            ("fmt", text("none")),
            ("fmt", text("none")),
            ("attStmt", Value::Map(vec![])),
            ("authData", auth_data()),
        ]);
        assert_eq!(
            AttestationObject::parse(&duplicate),
            Err(Error::CborDuplicateKey)
        );
        let mut trailing = none_object();
        trailing.push(0xf6);
        assert_eq!(
            AttestationObject::parse(&trailing),
            Err(Error::CborTrailingBytes { count: 1 })
        );
        let bytes = none_object();
        for len in 0..bytes.len() {
            assert!(AttestationObject::parse(&bytes[..len]).is_err());
        }
    }

    #[test]
    fn oversized_maps_are_refused() {
        let members = (0..9)
            .map(|i| (text(&format!("k{i}")), Value::Null))
            .collect();
        assert_eq!(
            AttestationObject::parse(&cbor(&Value::Map(members))),
            Err(Error::CborTooLarge { max: MAX_MEMBERS })
        );
    }
}
