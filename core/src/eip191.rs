//! [EIP-191](https://eips.ethereum.org/EIPS/eip-191) version `0x45` signatures, as a wallet's
//! `personal_sign` makes them: secp256k1 ECDSA over
//! `keccak256("\x19Ethereum Signed Message:\n" ‖ decimal byte length ‖ message)`, written as 65
//! bytes `r ‖ s ‖ v`.
//!
//! The server verifies Sign-In with Ethereum signatures with [`verify`]; the SDK never needs
//! this module (the wallet signs).
//!
//! What is accepted:
//! - `v` is 27 or 28 (what wallets return), or 0 or 1 (the bare recovery ID some libraries
//!   return). Recovery IDs 2 and 3 (an `r` above the curve order) never occur in practice and
//!   are refused, as are EIP-155-style `v` values, which belong to transactions.
//! - `r` and `s` are non-zero and below the curve order.
//! - **`s` is low** (at most half the curve order). Every mainstream wallet signs with RFC 6979
//!   and normalises `s`, as Ethereum has required of transactions since EIP-2; the high-`s`
//!   twin of a valid signature is refused as malformed, like OpenZeppelin's `ECDSA.recover`
//!   does, so each signer and message have one accepted signature.
//!
//! Smart-contract wallets (EIP-1271) sign differently and are not supported: their signatures
//! do not recover to the contract's address.

use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use sha3::{Digest, Keccak256};

use crate::{Address, Error, Result};

/// Byte length of a `r ‖ s ‖ v` signature.
pub const SIGNATURE_LEN: usize = 65;

/// The EIP-191 version `0x45` prefix, before the decimal length.
const PREFIX: &[u8] = b"\x19Ethereum Signed Message:\n";

/// `keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) in decimal ‖ message)`.
pub fn hash_message(message: &[u8]) -> [u8; 32] {
    Keccak256::new()
        .chain_update(PREFIX)
        .chain_update(message.len().to_string())
        .chain_update(message)
        .finalize()
        .into()
}

/// Reads a signature as `personal_sign` returns it: `0x` and 130 hex digits (either case).
///
/// # Errors
/// [`Error::WalletSignatureMalformed`] for any other text, including other lengths.
pub fn parse_signature(text: &str) -> Result<[u8; SIGNATURE_LEN]> {
    let digits = text
        .strip_prefix("0x")
        .ok_or(Error::WalletSignatureMalformed {
            reason: "it must be 0x followed by hexadecimal digits",
        })?;
    if digits.len() != 2 * SIGNATURE_LEN {
        return Err(Error::WalletSignatureMalformed {
            reason: "it must be 65 bytes (r, s and v): 130 hexadecimal digits",
        });
    }
    let mut signature = [0u8; SIGNATURE_LEN];
    for (byte, pair) in signature.iter_mut().zip(digits.as_bytes().chunks_exact(2)) {
        let nibble = |digit: u8| {
            char::from(digit)
                .to_digit(16)
                .map(|value| value as u8)
                .ok_or(Error::WalletSignatureMalformed {
                    reason: "it must be 0x followed by hexadecimal digits",
                })
        };
        *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Ok(signature)
}

/// The address whose key made `signature` over `message` (EIP-191 version `0x45`).
///
/// # Errors
/// [`Error::WalletSignatureMalformed`] for a `v` other than 27, 28, 0 or 1, a zero or
/// out-of-range `r` or `s`, or a high `s`; [`Error::WalletSignatureInvalid`] when no public key
/// recovers from it.
pub fn recover(message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> Result<Address> {
    let [rs @ .., v] = signature;
    let recovery_id = match v {
        27 | 28 => RecoveryId::from_byte(v - 27),
        0 | 1 => RecoveryId::from_byte(*v),
        _ => None,
    }
    .ok_or(Error::WalletSignatureMalformed {
        reason: "v must be 27 or 28 (or 0 or 1)",
    })?;
    let signature = Signature::from_slice(rs).map_err(|_| Error::WalletSignatureMalformed {
        reason: "r and s must be non-zero and below the secp256k1 order",
    })?;
    if signature.normalize_s() != signature {
        return Err(Error::WalletSignatureMalformed {
            reason: "s is high: wallets sign with a low s (EIP-2)",
        });
    }
    let key = VerifyingKey::recover_from_prehash(&hash_message(message), &signature, recovery_id)
        .map_err(|_| Error::WalletSignatureInvalid)?;
    let point = key.to_sec1_point(false);
    let [0x04, xy @ ..] = point.as_bytes() else {
        return Err(Error::WalletSignatureInvalid);
    };
    let digest = Keccak256::digest(xy);
    let mut address = [0u8; 20];
    address.copy_from_slice(&digest[12..]);
    Ok(Address::from_bytes(address))
}

/// Checks that `signature` over `message` was made by `address`.
///
/// # Errors
/// As [`recover`], and [`Error::WalletSignatureInvalid`] when it recovers to another address.
pub fn verify(message: &[u8], signature: &[u8; SIGNATURE_LEN], address: &Address) -> Result<()> {
    if recover(message, signature)? == *address {
        Ok(())
    } else {
        Err(Error::WalletSignatureInvalid)
    }
}

#[cfg(test)]
mod tests {
    use k256::ecdsa::SigningKey;
    use proptest::prelude::*;

    use super::*;

    /// web3.js documentation of `web3.eth.accounts.sign('Some data', privateKey)`
    /// (web3-eth-accounts): the key, the EIP-191 hash, the signature, and the key's address as
    /// `privateKeyToAccount` gives it.
    const WEB3_KEY: &str = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    const WEB3_HASH: &str = "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655";
    const WEB3_SIGNATURE: &str = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";
    const WEB3_ADDRESS: &str = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn address_of(key: &SigningKey) -> Address {
        let point = key.verifying_key().to_sec1_point(false);
        let digest = Keccak256::digest(&point.as_bytes()[1..]);
        Address::from_bytes(digest[12..].try_into().unwrap())
    }

    /// A `personal_sign` signature made with `k256`, `v` = 27 or 28.
    fn sign(key: &SigningKey, message: &[u8]) -> [u8; 65] {
        let (signature, recovery_id) = key.sign_prehash_recoverable(&hash_message(message));
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&signature.to_bytes());
        bytes[64] = 27 + recovery_id.to_byte();
        bytes
    }

    fn web3_key() -> SigningKey {
        SigningKey::from_slice(&hex(WEB3_KEY)).unwrap()
    }

    #[test]
    fn the_web3_js_vector() {
        assert_eq!(hash_message(b"Some data").to_vec(), hex(WEB3_HASH));
        let address: Address = WEB3_ADDRESS.parse().unwrap();
        assert_eq!(address_of(&web3_key()), address);
        let signature = parse_signature(WEB3_SIGNATURE).unwrap();
        assert_eq!(recover(b"Some data", &signature).unwrap(), address);
        verify(b"Some data", &signature, &address).unwrap();
        // RFC 6979 makes the signature deterministic: k256 gives the same bytes.
        assert_eq!(sign(&web3_key(), b"Some data"), signature);
        assert_eq!(
            verify(b"Some datb", &signature, &address),
            Err(Error::WalletSignatureInvalid)
        );
        let other: Address = "0x52908400098527886E0F7030069857D2E4169EE7"
            .parse()
            .unwrap();
        assert_eq!(
            verify(b"Some data", &signature, &other),
            Err(Error::WalletSignatureInvalid)
        );
    }

    #[test]
    fn the_length_is_the_byte_length_in_decimal() {
        let manual = |message: &[u8]| -> [u8; 32] {
            let mut data = b"\x19Ethereum Signed Message:\n".to_vec();
            data.extend_from_slice(message.len().to_string().as_bytes());
            data.extend_from_slice(message);
            Keccak256::digest(&data).into()
        };
        for len in [0, 1, 9, 10, 99, 100, 1000, 12345] {
            let message = "é".repeat(len).into_bytes();
            assert_eq!(hash_message(&message), manual(&message), "{len}");
        }
    }

    #[test]
    fn v_may_be_a_bare_recovery_id() {
        let mut signature = parse_signature(WEB3_SIGNATURE).unwrap();
        let address: Address = WEB3_ADDRESS.parse().unwrap();
        signature[64] -= 27;
        verify(b"Some data", &signature, &address).unwrap();
        for v in [2, 3, 26, 29, 35, 36, 37, 38, 0xff] {
            signature[64] = v;
            assert!(
                matches!(
                    recover(b"Some data", &signature),
                    Err(Error::WalletSignatureMalformed { .. })
                ),
                "v = {v}"
            );
        }
        // The other recovery ID recovers another key.
        signature[64] = 27;
        assert_eq!(
            verify(b"Some data", &signature, &address),
            Err(Error::WalletSignatureInvalid)
        );
    }

    #[test]
    fn high_s_and_out_of_range_scalars_are_malformed() {
        let signature = parse_signature(WEB3_SIGNATURE).unwrap();
        let low = Signature::from_slice(&signature[..64]).unwrap();
        let (r, s) = low.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        let mut twin = signature;
        twin[..64].copy_from_slice(&high.to_bytes());
        twin[64] = 55 - twin[64]; // 27 ↔ 28: with the other recovery ID it is the same key's
        let flipped = RecoveryId::from_byte(twin[64] - 27).unwrap();
        let key = VerifyingKey::recover_from_prehash(&hash_message(b"Some data"), &high, flipped);
        assert_eq!(key.unwrap(), *web3_key().verifying_key());
        let result = recover(b"Some data", &twin);
        assert!(
            matches!(
                &result,
                Err(Error::WalletSignatureMalformed { reason }) if reason.contains("high")
            ),
            "{result:?}"
        );

        // secp256k1's order n.
        const N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        for (r, s) in [
            ([0u8; 32].to_vec(), signature[32..64].to_vec()),
            (signature[..32].to_vec(), [0u8; 32].to_vec()),
            (hex(N), signature[32..64].to_vec()),
            (signature[..32].to_vec(), hex(N)),
            ([0xff; 32].to_vec(), signature[32..64].to_vec()),
        ] {
            let mut bad = signature;
            bad[..32].copy_from_slice(&r);
            bad[32..64].copy_from_slice(&s);
            assert!(
                matches!(
                    recover(b"Some data", &bad),
                    Err(Error::WalletSignatureMalformed { .. })
                ),
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn an_r_with_no_curve_point_recovers_nothing() {
        // About half of all x coordinates are on no point of secp256k1.
        let mut signature = parse_signature(WEB3_SIGNATURE).unwrap();
        let mut refused = 0;
        for x in 1..=16u8 {
            signature[..32].copy_from_slice(&[[0; 31].as_slice(), &[x]].concat());
            if recover(b"Some data", &signature) == Err(Error::WalletSignatureInvalid) {
                refused += 1;
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn signature_text() {
        let upper = WEB3_SIGNATURE.to_uppercase().replacen("0X", "0x", 1);
        assert_eq!(
            parse_signature(&upper).unwrap(),
            parse_signature(WEB3_SIGNATURE).unwrap()
        );
        let digits = &WEB3_SIGNATURE[2..];
        for bad in [
            String::new(),
            "0x".into(),
            digits.to_owned(),
            format!("0X{digits}"),
            format!("0x{}", &digits[..128]),
            format!("0x{}", &digits[..129]),
            format!("0x{digits}00"),
            format!("0x{digits}0"),
            format!("0x{}g", &digits[..129]),
            format!("0x{} ", &digits[..129]),
            format!(" 0x{digits}"),
            format!("0x{}é", &digits[..128]),
        ] {
            assert!(
                matches!(
                    parse_signature(&bad),
                    Err(Error::WalletSignatureMalformed { .. })
                ),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn signatures_recover_their_signer(secret in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..300)) {
            let Ok(key) = SigningKey::from_slice(&secret) else { return Ok(()) };
            let signature = sign(&key, &message);
            prop_assert_eq!(recover(&message, &signature).unwrap(), address_of(&key));
        }

        #[test]
        fn random_signatures_never_panic(signature in any::<[u8; 32]>().prop_flat_map(|r| (Just(r), any::<[u8; 32]>(), any::<u8>()))) {
            let (r, s, v) = signature;
            let mut bytes = [0u8; 65];
            bytes[..32].copy_from_slice(&r);
            bytes[32..64].copy_from_slice(&s);
            bytes[64] = v;
            let _ = recover(b"message", &bytes);
        }
    }
}
