//! Sign-In with Ethereum: `SiweMessage::parse` on any text accepts only canonical messages (what
//! it accepts writes back to the same text), and its origin and time checks, EIP-191 signature
//! parsing and public-key recovery take any input without panicking. Input: the message text
//! and the signature, framed by `baas_fuzz::split`.
#![no_main]

use baas_core::eip191;
use baas_core::siwe::SiweMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [text, signature] = baas_fuzz::split::<2>(data);
    if let Ok(signature) = <&[u8; eip191::SIGNATURE_LEN]>::try_from(signature) {
        let _ = eip191::recover(text, signature);
    }
    if let Ok(hex) = std::str::from_utf8(signature) {
        let _ = eip191::parse_signature(hex);
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(message) = SiweMessage::parse(text) else {
        return;
    };
    assert_eq!(
        message.to_text().as_deref(),
        Ok(text),
        "an accepted message is canonical"
    );
    let _ = message.check_origin(&[
        "https://example.com",
        "http://localhost:8787",
        "https://login.xyz",
    ]);
    let _ = message.check_time(1_700_000_000, 60);
});
