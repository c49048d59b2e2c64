//! Wallet sign-in (EIP-4361 messages signed with EIP-191 `personal_sign`) through the real
//! router. The wallet is libsecp256k1 (Bitcoin Core's C library, through the `secp256k1`
//! crate), with the EIP-191 hash written out here: the signing side shares no code with the
//! server's verification.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use baas_core::siwe::SiweMessage;
use baas_core::{Address, RelyingParty, base64url, registration};
use baas_server::routes::wallet::CLOCK_SKEW;
use baas_server::store::{Credential, NewAccount, NewNonce, NonceBinding, Store};
use baas_server::tokens::random_id;
use secp256k1::ecdsa::RecoverableSignature;
use serde_json::{Value, json};
use sha3::{Digest as _, Keccak256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::create_account;
use crate::support::{
    CHALLENGE_TTL, Device, KEY, ORIGIN, OTHER_KEY, OTHER_ORIGIN, PROJECT, RP_ID, Reply, TestServer,
    config,
};

/// Ethereum mainnet.
const CHAIN: u64 = 1;

/// An externally owned account: a secp256k1 key held by libsecp256k1.
pub struct Wallet(secp256k1::SecretKey);

impl Wallet {
    pub fn new() -> Self {
        loop {
            if let Ok(key) = secp256k1::SecretKey::from_secret_bytes(rand::random()) {
                return Self(key);
            }
        }
    }

    /// keccak256 of the uncompressed public key, last 20 bytes.
    pub fn address(&self) -> Address {
        let public = secp256k1::PublicKey::from_secret_key(&self.0).serialize_uncompressed();
        let digest = Keccak256::digest(&public[1..]);
        Address::from_bytes(digest[12..].try_into().unwrap())
    }

    /// `personal_sign`: `r ‖ s ‖ v` over `keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ text)`.
    pub fn sign_bytes(&self, text: &str) -> [u8; 65] {
        let mut data = b"\x19Ethereum Signed Message:\n".to_vec();
        data.extend_from_slice(text.len().to_string().as_bytes());
        data.extend_from_slice(text.as_bytes());
        let hash: [u8; 32] = Keccak256::digest(&data).into();
        let signature = RecoverableSignature::sign_ecdsa_recoverable(
            secp256k1::Message::from_digest(hash),
            &self.0,
        );
        let (recovery_id, rs) = signature.serialize_compact();
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&rs);
        bytes[64] = 27 + u8::from(recovery_id);
        bytes
    }

    /// The signature as `personal_sign` returns it: `0x` and lowercase hex.
    pub fn sign(&self, text: &str) -> String {
        hex(&self.sign_bytes(text))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{digits}")
}

pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

/// `POST /v1/auth/wallet/nonce` of the main project.
async fn request_nonce(server: &TestServer, address: &str, chain_id: u64) -> Reply {
    server
        .post("/v1/auth/wallet/nonce")
        .json(json!({ "address": address, "chainId": chain_id }))
        .send()
        .await
}

/// A nonce of the main project for `wallet` on `chain_id` (200 expected).
pub async fn nonce(server: &TestServer, wallet: &Wallet, chain_id: u64) -> String {
    let body = request_nonce(server, &wallet.address().to_checksummed(), chain_id)
        .await
        .ok();
    body["nonce"].as_str().unwrap().to_owned()
}

/// The message the SDK makes on the main project's page: domain = host, URI = origin + `/`.
pub fn message(server: &TestServer, wallet: &Wallet, nonce: &str) -> SiweMessage {
    let now = server.state.now();
    let mut message = SiweMessage::new(
        RP_ID,
        wallet.address(),
        &format!("{ORIGIN}/"),
        CHAIN,
        nonce,
        &rfc3339(now),
    );
    message.statement = Some("Sign in to the test project.".into());
    message.expiration_time = Some(rfc3339(now + 600));
    message
}

/// `POST /v1/auth/wallet/login` of the main project.
pub async fn submit(server: &TestServer, text: &str, signature: &str) -> Reply {
    server
        .post("/v1/auth/wallet/login")
        .json(json!({ "message": text, "signature": signature }))
        .send()
        .await
}

/// Signs `message` with `wallet` and submits it.
async fn sign_and_submit(server: &TestServer, wallet: &Wallet, message: &SiweMessage) -> Reply {
    let text = message.to_text().unwrap();
    submit(server, &text, &wallet.sign(&text)).await
}

/// The whole flow, as the SDK runs it.
pub async fn sign_in(server: &TestServer, wallet: &Wallet) -> Reply {
    let nonce = nonce(server, wallet, CHAIN).await;
    sign_and_submit(server, wallet, &message(server, wallet, &nonce)).await
}

fn claims(access_token: &str) -> Value {
    let payload = access_token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64url::decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn a_wallet_signs_in_and_its_session_works_like_any_other() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let address = wallet.address().to_checksummed();

    let session = sign_in(&server, &wallet).await.ok();
    assert_eq!(session["address"], address);
    assert_eq!(session["method"], "wallet");
    assert!(session.get("credential").is_none(), "{session:#}");
    let access_token = session["accessToken"].as_str().unwrap();
    let claims = claims(access_token);
    assert_eq!(claims["sub"], address);
    assert_eq!(claims["aud"], PROJECT);
    assert_eq!(claims["exp"], session["expiresAt"]);

    let user = server
        .get("/v1/auth/user")
        .bearer(access_token)
        .send()
        .await
        .ok();
    assert_eq!(user["address"], address);
    assert_eq!(user["method"], "wallet");

    // A second sign-in is the same account; the nonce request may use the lowercase address
    // wallets return from eth_requestAccounts.
    server.clock.advance(5);
    let lowercase = address.to_lowercase();
    let nonce = request_nonce(&server, &lowercase, CHAIN).await.ok()["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = sign_and_submit(&server, &wallet, &message(&server, &wallet, &nonce))
        .await
        .ok();
    assert_eq!(again["address"], address);
    assert_ne!(again["refreshToken"], session["refreshToken"]);
    let user_again = server
        .get("/v1/auth/user")
        .bearer(again["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
    assert_eq!(user_again["createdAt"], user["createdAt"]);

    // Refresh and sign-out go through the same machinery as passkey sessions.
    let refreshed = server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await
        .ok();
    assert_eq!(refreshed["address"], address);
    assert_eq!(refreshed["method"], "wallet");
    assert!(refreshed.get("credential").is_none());
    let logout = server
        .post("/v1/auth/logout")
        .bearer(refreshed["accessToken"].as_str().unwrap())
        .send()
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": refreshed["refreshToken"] }))
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REVOKED");
    server
        .get("/v1/auth/user")
        .bearer(refreshed["accessToken"].as_str().unwrap())
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "SESSION_REVOKED");
    // The other session of the account is untouched.
    server
        .get("/v1/auth/user")
        .bearer(again["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
}

#[tokio::test]
async fn nonces_are_long_random_and_single_use() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let first = nonce(&server, &wallet, CHAIN).await;
    let second = nonce(&server, &wallet, CHAIN).await;
    assert_ne!(first, second);
    for nonce in [&first, &second] {
        assert!(nonce.len() >= 17 && nonce.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    // The answer also gives the server's times for the message, so a device whose clock is
    // wrong still signs one the server accepts.
    // (The server's clock may tick between `before` and its answer.)
    let before = server.state.now();
    let body = request_nonce(&server, &wallet.address().to_checksummed(), CHAIN)
        .await
        .ok();
    let issued = (before..=server.state.now())
        .find(|&now| body["issuedAt"] == rfc3339(now))
        .unwrap_or_else(|| panic!("issuedAt {} is not the server's time", body["issuedAt"]));
    assert_eq!(body["expirationTime"], rfc3339(issued + CHALLENGE_TTL));

    let text = message(&server, &wallet, &first).to_text().unwrap();
    let signature = wallet.sign(&text);
    submit(&server, &text, &signature).await.ok();
    submit(&server, &text, &signature)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_NOT_FOUND");

    // Two submissions of one signed message racing: one session.
    let text = message(&server, &wallet, &second).to_text().unwrap();
    let signature = wallet.sign(&text);
    let (a, b) = tokio::join!(
        submit(&server, &text, &signature),
        submit(&server, &text, &signature)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);

    // A nonce the server never issued.
    let made_up = message(&server, &wallet, "abcdefgh12345678")
        .to_text()
        .unwrap();
    submit(&server, &made_up, &wallet.sign(&made_up))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_NOT_FOUND");
}

#[tokio::test]
async fn a_nonce_is_bound_to_its_address_chain_and_project() {
    let server = TestServer::start().await;
    let (alice, mallory) = (Wallet::new(), Wallet::new());
    let nonce = nonce(&server, &alice, CHAIN).await;

    // Another address signing in with Alice's nonce.
    sign_and_submit(&server, &mallory, &message(&server, &mallory, &nonce))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_NOT_FOUND");
    // Alice's message on another chain.
    let mut other_chain = message(&server, &alice, &nonce);
    other_chain.chain_id = 10;
    sign_and_submit(&server, &alice, &other_chain)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_NOT_FOUND");
    // A nonce of another project.
    let foreign = server
        .post_as(OTHER_KEY, OTHER_ORIGIN, "/v1/auth/wallet/nonce")
        .json(json!({ "address": alice.address().to_checksummed(), "chainId": CHAIN }))
        .send()
        .await
        .ok()["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    sign_and_submit(&server, &alice, &message(&server, &alice, &foreign))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_NOT_FOUND");

    // None of that used up Alice's nonce.
    sign_and_submit(&server, &alice, &message(&server, &alice, &nonce))
        .await
        .ok();
}

#[tokio::test]
async fn an_expired_nonce_is_refused() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let nonce = nonce(&server, &wallet, CHAIN).await;
    server.clock.advance(CHALLENGE_TTL);
    let text = message(&server, &wallet, &nonce).to_text().unwrap();
    submit(&server, &text, &wallet.sign(&text))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_EXPIRED");
    submit(&server, &text, &wallet.sign(&text))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NONCE_NOT_FOUND");
}

/// A page on another site (a phishing copy, a look-alike domain) gets the user to sign a
/// message for itself; relayed to us, its domain gives it away.
#[tokio::test]
async fn messages_made_for_another_site_are_refused() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let nonce = nonce(&server, &wallet, CHAIN).await;
    for domain in [
        "evil.example",
        "login.example.com.evil.example",
        "evil.login.example.com",
        "example.com",
        "login-example.com",
        "login.example.com:8443",
        "login.example.com:443",
        "user@login.example.com",
        "LOGIN.EXAMPLE.COM",
        "other.example.com",
        "127.0.0.1",
        "[::1]",
    ] {
        let mut spoofed = message(&server, &wallet, &nonce);
        spoofed.domain = domain.into();
        sign_and_submit(&server, &wallet, &spoofed)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "SIWE_DOMAIN_MISMATCH");
    }
    let mut http = message(&server, &wallet, &nonce);
    http.scheme = Some("http".into());
    sign_and_submit(&server, &wallet, &http)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "SIWE_DOMAIN_MISMATCH");

    for uri in [
        "https://evil.example/",
        "https://login.example.com.evil.example/",
        "https://login.example.com@evil.example/",
        "http://login.example.com/",
        "https://login.example.com:8443/",
        "https://other.example.com/",
        "urn:login.example.com",
    ] {
        let mut elsewhere = message(&server, &wallet, &nonce);
        elsewhere.uri = uri.into();
        sign_and_submit(&server, &wallet, &elsewhere)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "SIWE_URI_MISMATCH");
    }

    // The scheme may be written out, and the URI may be any page of the origin.
    let mut explicit = message(&server, &wallet, &nonce);
    explicit.scheme = Some("https".into());
    explicit.uri = format!("{ORIGIN}/account/sign-in?next=%2F#wallet");
    sign_and_submit(&server, &wallet, &explicit).await.ok();
}

#[tokio::test]
async fn only_the_projects_chains_are_accepted() {
    let mut config = config();
    config.projects[0].chain_ids = Some(vec![1, 8453]);
    let server = TestServer::start_with(config).await;
    let wallet = Wallet::new();
    let address = wallet.address().to_checksummed();
    let refused = request_nonce(&server, &address, 5).await;
    refused.assert_error(StatusCode::BAD_REQUEST, "CHAIN_NOT_ALLOWED");
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("chain ID 5")
    );

    let base = nonce(&server, &wallet, 8453).await;
    let mut on_base = message(&server, &wallet, &base);
    on_base.chain_id = 8453;
    let mut on_goerli = on_base.clone();
    on_goerli.chain_id = 5;
    sign_and_submit(&server, &wallet, &on_goerli)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHAIN_NOT_ALLOWED");
    sign_and_submit(&server, &wallet, &on_base).await.ok();

    // The other project accepts any chain.
    server
        .post_as(OTHER_KEY, OTHER_ORIGIN, "/v1/auth/wallet/nonce")
        .json(json!({ "address": address, "chainId": 5 }))
        .send()
        .await
        .ok();
}

#[tokio::test]
async fn message_times_are_checked_on_the_servers_clock() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let nonce = nonce(&server, &wallet, CHAIN).await;
    let now = server.state.now();

    let mut expired = message(&server, &wallet, &nonce);
    expired.issued_at = rfc3339(now - 120);
    expired.expiration_time = Some(rfc3339(now - 1));
    sign_and_submit(&server, &wallet, &expired)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "SIWE_EXPIRED");

    let mut future = message(&server, &wallet, &nonce);
    future.issued_at = rfc3339(now + CLOCK_SKEW + 10);
    sign_and_submit(&server, &wallet, &future)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "SIWE_ISSUED_IN_FUTURE");

    let mut not_yet = message(&server, &wallet, &nonce);
    not_yet.not_before = Some(rfc3339(now + CLOCK_SKEW + 10));
    sign_and_submit(&server, &wallet, &not_yet)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "SIWE_NOT_YET_VALID");

    // A signer whose clock runs a little fast is fine; the refusals above left the nonce.
    let mut fast_clock = message(&server, &wallet, &nonce);
    fast_clock.issued_at = rfc3339(now + CLOCK_SKEW / 2);
    fast_clock.not_before = Some(rfc3339(now + CLOCK_SKEW / 2));
    sign_and_submit(&server, &wallet, &fast_clock).await.ok();
}

#[tokio::test]
async fn a_signature_by_another_key_or_over_another_text_is_refused() {
    let server = TestServer::start().await;
    let (alice, mallory) = (Wallet::new(), Wallet::new());
    let nonce = nonce(&server, &alice, CHAIN).await;
    let text = message(&server, &alice, &nonce).to_text().unwrap();

    let refused = submit(&server, &text, &mallory.sign(&text)).await;
    refused.assert_error(StatusCode::UNAUTHORIZED, "WALLET_SIGNATURE_INVALID");
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("EIP-1271")
    );

    // Alice's signature, with the message changed after signing.
    let signature = alice.sign(&text);
    let tampered = text.replace(
        "Sign in to the test project.",
        "Sign in to the test project!",
    );
    submit(&server, &tampered, &signature)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "WALLET_SIGNATURE_INVALID");
    let extended = format!("{text}\nRequest ID: x");
    submit(&server, &extended, &signature)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "WALLET_SIGNATURE_INVALID");

    submit(&server, &text, &signature).await.ok();
}

#[tokio::test]
async fn malformed_signatures_are_refused_and_v_may_be_0_or_1() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let nonce = nonce(&server, &wallet, CHAIN).await;
    let text = message(&server, &wallet, &nonce).to_text().unwrap();
    let signature = wallet.sign_bytes(&text);

    let mut cases: Vec<String> = vec![
        String::new(),
        "0x".into(),
        hex(&signature[..64]),
        hex(&[&signature[..], &[0]].concat()),
        hex(&[&signature[..], &signature[..]].concat()),
        hex(&signature)[2..].to_owned(),
        format!("{}0", hex(&signature)),
        format!("{}g", &hex(&signature)[..131]),
        format!(" {}", hex(&signature)),
    ];
    for v in [2, 3, 26, 29, 35, 37, 38, 0xff] {
        let mut bad = signature;
        bad[64] = v;
        cases.push(hex(&bad));
    }
    // r = 0; s = the curve order n; the high-S twin (n - s) of the valid signature.
    let mut zero_r = signature;
    zero_r[..32].fill(0);
    cases.push(hex(&zero_r));
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let mut s_is_n = signature;
    s_is_n[32..64].copy_from_slice(&N);
    cases.push(hex(&s_is_n));
    let mut high_s = signature;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let difference = i16::from(N[i]) - i16::from(signature[32 + i]) - borrow;
        high_s[32 + i] = difference.rem_euclid(256) as u8;
        borrow = i16::from(difference < 0);
    }
    high_s[64] = 55 - signature[64];
    cases.push(hex(&high_s));

    for bad in cases {
        submit(&server, &text, &bad)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "WALLET_SIGNATURE_MALFORMED");
    }

    // A bare recovery ID as v, uppercase hex: both fine.
    let mut bare = signature;
    bare[64] -= 27;
    submit(
        &server,
        &text,
        &hex(&bare).to_uppercase().replacen("0X", "0x", 1),
    )
    .await
    .ok();
}

#[tokio::test]
async fn malformed_requests_and_messages_are_refused() {
    let server = TestServer::start().await;
    let wallet = Wallet::new();
    let address = wallet.address().to_checksummed();

    for body in [
        json!({ "address": address }),
        json!({ "chainId": 1 }),
        json!({ "address": address, "chainId": "1" }),
        json!({ "address": address, "chainId": "0x1" }),
        json!({ "address": address, "chainId": 1.5 }),
        json!({ "address": address, "chainId": -1 }),
        json!({ "address": address, "chainId": 18_446_744_073_709_551_616.0 }),
        json!({ "address": address, "chainId": 1, "extra": true }),
        json!([address, 1]),
    ] {
        server
            .post("/v1/auth/wallet/nonce")
            .json(body)
            .send()
            .await
            .assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
    }
    for (bad, code) in [
        ("0x123", "INVALID_ADDRESS"),
        (
            "52908400098527886E0F7030069857D2E4169EE7",
            "INVALID_ADDRESS",
        ),
        (
            "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "ADDRESS_CHECKSUM_MISMATCH",
        ),
    ] {
        request_nonce(&server, bad, CHAIN)
            .await
            .assert_error(StatusCode::BAD_REQUEST, code);
    }

    let nonce = nonce(&server, &wallet, CHAIN).await;
    let text = message(&server, &wallet, &nonce).to_text().unwrap();
    for (bad, code) in [
        ("hello".to_owned(), "SIWE_MESSAGE_INVALID"),
        (format!("{text}\n"), "SIWE_MESSAGE_INVALID"),
        (text.replace('\n', "\r\n"), "SIWE_MESSAGE_INVALID"),
        (
            text.replace(&address, &address.to_lowercase()),
            "ADDRESS_CHECKSUM_MISMATCH",
        ),
        (
            text.replace("Version: 1", "Version: 2"),
            "SIWE_VERSION_UNSUPPORTED",
        ),
        (
            text.replace("Chain ID: 1", "Chain ID: 01"),
            "SIWE_CHAIN_ID_INVALID",
        ),
        (text.replace(&nonce, "short"), "SIWE_NONCE_INVALID"),
        (
            text.replace("Issued At: ", "Issued At: yesterday "),
            "SIWE_TIMESTAMP_INVALID",
        ),
        (
            text.replace(RP_ID, "login.example.com/path"),
            "SIWE_DOMAIN_INVALID",
        ),
        (
            text.replace("project.", "project %"),
            "SIWE_STATEMENT_INVALID",
        ),
    ] {
        submit(&server, &bad, &wallet.sign(&bad))
            .await
            .assert_error(StatusCode::BAD_REQUEST, code);
    }
    for body in [
        json!({ "message": text }),
        json!({ "signature": "0x00" }),
        json!({ "message": text, "signature": "0x00", "chainId": 1 }),
        json!({ "message": 1, "signature": "0x00" }),
    ] {
        server
            .post("/v1/auth/wallet/login")
            .json(body)
            .send()
            .await
            .assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
    }
    // None of that used the nonce.
    submit(&server, &text, &wallet.sign(&text)).await.ok();
}

#[tokio::test]
async fn the_wallet_endpoints_need_a_key_and_are_rate_limited() {
    let mut config = config();
    config.rate_limit = 2;
    let server = TestServer::start_with(config).await;
    let body = json!({ "address": Wallet::new().address().to_checksummed(), "chainId": 1 });
    for path in ["/v1/auth/wallet/nonce", "/v1/auth/wallet/login"] {
        crate::support::Call::new(&server, axum::http::Method::POST, path)
            .json(body.clone())
            .send()
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "PUBLISHABLE_KEY_MISSING");
        server
            .post_as(KEY, OTHER_ORIGIN, path)
            .json(body.clone())
            .send()
            .await
            .assert_error(StatusCode::FORBIDDEN, "REQUEST_ORIGIN_NOT_ALLOWED");
    }
    let from = |path: &str| {
        let mut request = server.post(path).json(body.clone()).request();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 7], 40_000))));
        server.send(request)
    };
    from("/v1/auth/wallet/nonce").await.ok();
    from("/v1/auth/wallet/nonce").await.ok();
    from("/v1/auth/wallet/login")
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED");
}

/// Accounts are keyed by address. A passkey's address and a wallet's cannot collide short of
/// a keccak-256 collision, but if they did, neither sign-in would take over the other's
/// account: each is refused with `ACCOUNT_METHOD_MISMATCH` (409).
#[tokio::test]
async fn a_wallet_and_a_passkey_never_share_an_account() {
    let server = TestServer::start().await;

    // A passkey account whose address is this wallet's (put in the store directly).
    let wallet = Wallet::new();
    let address = wallet.address().to_checksummed();
    create_account(
        server.state.store(),
        &NewAccount {
            project_id: PROJECT.into(),
            address: address.clone(),
            user_handle: vec![7; 32],
            created_at: server.state.now(),
            credential: Credential {
                id: vec![1; 16],
                address: address.clone(),
                public_key: vec![0xa5; 77],
                sign_count: 0,
                backup_eligible: true,
                backed_up: true,
                transports: vec![],
            },
        },
    )
    .await
    .unwrap();
    sign_in(&server, &wallet)
        .await
        .assert_error(StatusCode::CONFLICT, "ACCOUNT_METHOD_MISMATCH");

    // A wallet account whose address is the passkey about to be registered.
    let mut device = Device::new();
    let (challenge_id, options) = server.register_options().await;
    let credential = device.create(&options).await;
    let rp = RelyingParty {
        id: RP_ID.into(),
        name: "test project".into(),
        origins: vec![ORIGIN.into()],
    };
    let challenge = base64url::decode(options["challenge"].as_str().unwrap()).unwrap();
    let passkey_address = registration::verify(
        &rp,
        &challenge,
        &serde_json::from_value(credential.clone()).unwrap(),
    )
    .unwrap()
    .address
    .to_checksummed();
    server
        .state
        .store()
        .wallet_account(PROJECT, &passkey_address, &[9; 32], server.state.now())
        .await
        .unwrap();
    server
        .submit_registration(challenge_id, credential)
        .await
        .assert_error(StatusCode::CONFLICT, "ACCOUNT_METHOD_MISMATCH");

    // Without a collision both kinds live side by side.
    let other_wallet = Wallet::new();
    sign_in(&server, &other_wallet).await.ok();
    server.sign_up(&mut Device::new()).await;
}

/// The store's nonce and wallet-account operations, run here on SQLite and in `postgres.rs` on
/// PostgreSQL (on fresh random IDs: that database is shared between runs).
pub async fn store_scenarios(store: Arc<dyn Store>) {
    let now = baas_server::clock::Clock::now(&baas_server::clock::SystemClock);
    let project = random_id();
    let binding = NonceBinding {
        project_id: project.clone(),
        address: Wallet::new().address().to_checksummed(),
        chain_id: u64::MAX,
    };
    let hash: [u8; 32] = rand::random();
    store
        .put_nonce(&NewNonce {
            hash,
            binding: binding.clone(),
            expires_at: now + 60,
        })
        .await
        .unwrap();
    for wrong in [
        NonceBinding {
            project_id: random_id(),
            ..binding.clone()
        },
        NonceBinding {
            address: Wallet::new().address().to_checksummed(),
            ..binding.clone()
        },
        NonceBinding {
            chain_id: 1,
            ..binding.clone()
        },
    ] {
        assert_eq!(store.take_nonce(&hash, &wrong).await.unwrap(), None);
    }
    let takers = (0..8).map(|_| {
        let (store, binding) = (Arc::clone(&store), binding.clone());
        tokio::spawn(async move { store.take_nonce(&hash, &binding).await.unwrap() })
    });
    let mut taken = Vec::new();
    for taker in takers.collect::<Vec<_>>() {
        taken.extend(taker.await.unwrap());
    }
    assert_eq!(
        taken,
        [now + 60],
        "exactly one concurrent taker gets the nonce"
    );

    // Concurrent first sign-ins create one account.
    let address = Wallet::new().address().to_checksummed();
    let creators = (0..8).map(|i| {
        let (store, project, address) = (Arc::clone(&store), project.clone(), address.clone());
        tokio::spawn(async move {
            store
                .wallet_account(&project, &address, &[i; 32], now + i64::from(i))
                .await
                .unwrap()
        })
    });
    let mut accounts = Vec::new();
    for creator in creators.collect::<Vec<_>>() {
        accounts.push(creator.await.unwrap());
    }
    assert!(
        accounts.windows(2).all(|pair| pair[0] == pair[1]),
        "{accounts:?}"
    );
    assert_eq!(accounts[0].address, address);
    assert_eq!(accounts[0].method, baas_core::api::SignInMethod::Wallet);
    assert_eq!(
        store.account(&project, &address).await.unwrap(),
        Some(accounts[0].clone())
    );

    // Expired nonces are purged.
    store
        .put_nonce(&NewNonce {
            hash: rand::random(),
            binding,
            expires_at: now - 1,
        })
        .await
        .unwrap();
    let purged = store.purge(now, now - 3600).await.unwrap();
    assert!(purged.nonces >= 1, "{purged:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_store_keeps_nonces_and_wallet_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let store = baas_server::store::sql::SqlStore::connect(&crate::support::sqlite_url(dir.path()))
        .await
        .unwrap();
    store_scenarios(Arc::new(store)).await;
}
