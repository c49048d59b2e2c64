//! The EVM address of a passkey: the last 20 bytes of `keccak256(x ‖ y)` over the P-256 public
//! key's 64-byte affine coordinates, written with the [EIP-55](https://eips.ethereum.org/EIPS/eip-55)
//! mixed-case checksum.
//!
//! This is the rule Ethereum uses for secp256k1 keys, applied to a P-256 key. No secp256k1 key
//! controls such an address: on-chain it is only usable through a smart account that verifies
//! P-256 signatures (RIP-7212 / EIP-7951).

use core::fmt;
use core::str::FromStr;

use sha3::{Digest, Keccak256};

use crate::{CoseKey, Error, Result};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A 20-byte EVM address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address([u8; 20]);

impl Address {
    /// The address of a P-256 public key.
    ///
    /// This hashes the coordinates as given: check that they are a curve point first
    /// ([`CoseKey::verifying_key`], or WebCrypto `importKey` in the browser).
    pub fn from_public_key(key: &CoseKey) -> Self {
        let digest = Keccak256::new()
            .chain_update(key.x())
            .chain_update(key.y())
            .finalize();
        let mut address = [0u8; 20];
        address.copy_from_slice(&digest[12..]);
        Self(address)
    }

    /// The address with these 20 bytes (e.g. from a recovered secp256k1 key,
    /// [`crate::eip191::recover`]).
    pub const fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// The raw 20 bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The EIP-55 checksummed text form, `0x` followed by 40 mixed-case hex digits.
    pub fn to_checksummed(&self) -> String {
        let mut lower = [0u8; 40];
        for (pair, byte) in lower.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0x0f)];
        }
        let hash = Keccak256::digest(lower);
        let mut text = String::with_capacity(42);
        text.push_str("0x");
        for (i, digit) in lower.into_iter().enumerate() {
            let nibble = (hash[i / 2] >> (4 * (1 - i % 2))) & 0x0f;
            text.push(char::from(if nibble >= 8 {
                digit.to_ascii_uppercase()
            } else {
                digit
            }));
        }
        text
    }
}

impl FromStr for Address {
    type Err = Error;

    /// Parses `0x` + 40 hex digits. All-lowercase and all-uppercase digits carry no checksum and
    /// are accepted as is; mixed case must match the EIP-55 checksum.
    fn from_str(text: &str) -> Result<Self> {
        let digits = text.strip_prefix("0x").ok_or(Error::InvalidAddress)?;
        if digits.len() != 40 {
            return Err(Error::InvalidAddress);
        }
        let mut address = [0u8; 20];
        for (byte, pair) in address.iter_mut().zip(digits.as_bytes().chunks_exact(2)) {
            *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
        }
        let address = Self(address);
        let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && address.to_checksummed() != text {
            return Err(Error::AddressChecksumMismatch);
        }
        Ok(address)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksummed())
    }
}

fn hex_value(digit: u8) -> Result<u8> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(Error::InvalidAddress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test cases listed in EIP-55 ("Test Cases": all caps, all lower, normal).
    const EIP55: [&str; 8] = [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55_vectors_round_trip() {
        for vector in EIP55 {
            let address: Address = vector.parse().unwrap();
            assert_eq!(address.to_checksummed(), vector);
            assert_eq!(address.to_string(), vector);
        }
    }

    #[test]
    fn case_insensitive_forms_are_accepted_and_checksummed() {
        let lower = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
        let address: Address = lower.parse().unwrap();
        assert_eq!(address.to_checksummed(), EIP55[4]);
        let upper = format!("0x{}", &lower[2..].to_ascii_uppercase());
        assert_eq!(upper.parse::<Address>().unwrap(), address);
    }

    #[test]
    fn a_wrong_checksum_is_refused() {
        // EIP55[4] with the case of one letter flipped.
        let flipped = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert_eq!(
            flipped.parse::<Address>(),
            Err(Error::AddressChecksumMismatch)
        );
    }

    #[test]
    fn malformed_text_is_refused() {
        for bad in [
            "",
            "0x",
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",
            "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAé",
        ] {
            assert_eq!(
                bad.parse::<Address>(),
                Err(Error::InvalidAddress),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn derivation_hashes_x_then_y_without_prefix() {
        // keccak256 of 64 zero bytes is ad3228b6…4d5, an identity anyone can recompute.
        let zero = CoseKey::from_coordinates([0; 32], [0; 32]);
        assert_eq!(
            Address::from_public_key(&zero)
                .to_checksummed()
                .to_lowercase(),
            "0x3f17f1962b36e491b30a40b2405849e597ba5fb5"
        );
    }
}
