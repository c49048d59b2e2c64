//! The attacks of the security catalogue (`server/SECURITY.md`) that no other file of this suite
//! already covers: each is made the way an attacker would (a look-alike page, a relayed
//! challenge, a crafted CBOR or JSON body, a forged token, a foreign key or origin) and must be
//! refused with its stable code.

use axum::http::{Method, StatusCode};
use baas_core::base64url;
use p256::ecdsa::signature::Signer as _;
use p256::elliptic_curve::Generate as _;
use p256::pkcs8::EncodePublicKey as _;
use serde_json::{Value, json};

use crate::relying_party::{edit_bytes, edit_client_data, keep, register, registered, sign_in};
use crate::support::{Call, Device, KEY, ORIGIN, OTHER_KEY, OTHER_ORIGIN, Reply, TestServer};

/// Origins a phishing page could have that are not the project's `https://login.example.com`.
const LOOK_ALIKE_ORIGINS: [&str; 7] = [
    "http://login.example.com",
    "https://login.example.com.evil.example",
    "https://login-example.com",
    "https://login.example.co",
    "https://login.example.com:8443",
    "https://login.example.com/",
    "null",
];

async fn user(server: &TestServer, key: &str, origin: &str, token: &str) -> Reply {
    Call::new(server, Method::GET, "/v1/auth/user")
        .key(key)
        .header("origin", origin)
        .bearer(token)
        .send()
        .await
}

// --- Challenges -----------------------------------------------------------------------------

#[tokio::test]
async fn a_registration_challenge_of_another_project_is_refused() {
    let server = TestServer::start().await;
    // The attacker relays a challenge issued for the other project to this one.
    let other = server
        .post_as(OTHER_KEY, OTHER_ORIGIN, "/v1/auth/passkey/register/options")
        .send()
        .await
        .ok();
    let (_, mut options) = server.register_options().await;
    options["challenge"] = other["publicKey"]["challenge"].clone();
    let credential = Device::new().create(&options).await;
    server
        .submit_registration(&other["challengeId"], credential)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
}

// --- Origins --------------------------------------------------------------------------------

#[tokio::test]
async fn look_alike_origins_are_refused_in_client_data() {
    let (server, mut device) = registered().await;
    for origin in LOOK_ALIKE_ORIGINS {
        // `none` attestation signs nothing: this registration is exactly what the attacker sends.
        register(&server, &mut Device::new(), keep, |c| {
            edit_client_data(c, |d| d["origin"] = json!(origin))
        })
        .await
        .assert_error(StatusCode::BAD_REQUEST, "ORIGIN_NOT_ALLOWED");
        // At sign-in the origin is checked before the signature (which the edit also breaks).
        sign_in(&server, &mut device, keep, |c| {
            edit_client_data(c, |d| d["origin"] = json!(origin))
        })
        .await
        .assert_error(StatusCode::BAD_REQUEST, "ORIGIN_NOT_ALLOWED");
    }
    server.sign_in(&mut device).await.ok();
}

#[tokio::test]
async fn look_alike_origins_are_refused_as_request_origins() {
    let server = TestServer::start().await;
    for origin in LOOK_ALIKE_ORIGINS {
        server
            .post_as(KEY, origin, "/v1/auth/passkey/login/options")
            .send()
            .await
            .assert_error(StatusCode::FORBIDDEN, "REQUEST_ORIGIN_NOT_ALLOWED");
    }
}

// --- Authenticator data ---------------------------------------------------------------------

#[tokio::test]
async fn user_presence_is_required_at_sign_in() {
    let (server, mut device) = registered().await;
    // The flags byte follows the 32-byte rpIdHash; the check precedes the signature's.
    sign_in(&server, &mut device, keep, |c| {
        edit_bytes(c, "authenticatorData", |b| b[32] &= !0x01)
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_NOT_PRESENT");
}

#[tokio::test]
async fn an_assertion_signed_by_another_credential_is_refused() {
    let server = TestServer::start().await;
    let (mut victim, mut attacker) = (Device::new(), Device::new());
    server.sign_up(&mut victim).await;
    server.sign_up(&mut attacker).await;
    let (challenge_id, options) = server.login_options().await;
    // The attacker signs with its own passkey and names the victim's credential and user.
    let theirs = victim.get(&options).await;
    let mut forged = attacker.get(&options).await;
    for member in ["id", "rawId"] {
        forged[member] = theirs[member].clone();
    }
    forged["response"]["userHandle"] = theirs["response"]["userHandle"].clone();
    server
        .submit_sign_in(challenge_id, forged)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "SIGNATURE_INVALID");
}

// --- Oversized and deeply nested input ------------------------------------------------------

/// A registration whose attestationObject is `cbor`.
async fn register_cbor(server: &TestServer, cbor: Vec<u8>) -> Reply {
    register(server, &mut Device::new(), keep, |c| {
        edit_bytes(c, "attestationObject", |b| *b = cbor);
        c["response"]
            .as_object_mut()
            .unwrap()
            .remove("authenticatorData");
    })
    .await
}

/// `{"fmt": "none", "attStmt": {}, "authData": <header then payload>}` in CBOR.
fn attestation_with_auth_data(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut cbor = vec![0xa3, 0x63];
    cbor.extend_from_slice(b"fmt");
    cbor.push(0x64);
    cbor.extend_from_slice(b"none");
    cbor.push(0x67);
    cbor.extend_from_slice(b"attStmt");
    cbor.push(0xa0);
    cbor.push(0x68);
    cbor.extend_from_slice(b"authData");
    cbor.extend_from_slice(header);
    cbor.extend_from_slice(payload);
    cbor
}

#[tokio::test]
async fn deeply_nested_cbor_is_refused() {
    let (server, mut device) = registered().await;
    // An extra member of the attestation object nested 64 arrays deep.
    register(&server, &mut Device::new(), keep, |c| {
        edit_bytes(c, "attestationObject", |b| {
            assert_eq!(b[0], 0xa3, "a map of three members");
            b[0] = 0xa4;
            b.extend_from_slice(&[0x61, b'x']);
            b.extend_from_slice(&[0x81; 64]);
            b.push(0x00);
        })
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CBOR_TOO_DEEP");
    // Sign-in extensions (ED flag) nested 64 maps deep.
    sign_in(&server, &mut device, keep, |c| {
        edit_bytes(c, "authenticatorData", |b| {
            b[32] |= 0x80;
            b.extend(std::iter::repeat_n([0xa1, 0x61, b'x'], 64).flatten());
            b.push(0x00);
        })
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CBOR_TOO_DEEP");
}

#[tokio::test]
async fn oversized_cbor_is_refused_without_allocating_it() {
    let server = TestServer::start().await;
    // authData announcing 4 GiB (and 2^64 - 1 bytes) inside a small body.
    for header in [
        &[0x5a, 0xff, 0xff, 0xff, 0xff][..],
        &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ] {
        register_cbor(&server, attestation_with_auth_data(header, &[0; 64]))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "CBOR_TRUNCATED");
    }
    // A map announcing 2^64 - 1 members, and one with a thousand.
    register_cbor(
        &server,
        vec![0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CBOR_TOO_LARGE");
    let mut wide = vec![0xb9, 0x03, 0xe8];
    for i in 0..1000u16 {
        wide.extend_from_slice(&[0x19]);
        wide.extend_from_slice(&i.to_be_bytes());
        wide.push(0x00);
    }
    register_cbor(&server, wide)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CBOR_TOO_LARGE");
    // A credential ID of 65535 bytes announced in the authenticator data.
    let mut auth_data = vec![0u8; 32];
    auth_data.extend_from_slice(&[0x45, 0, 0, 0, 0]);
    auth_data.extend_from_slice(&[0; 16]);
    auth_data.extend_from_slice(&[0xff, 0xff]);
    let header = [0x58, u8::try_from(auth_data.len()).unwrap()];
    register_cbor(&server, attestation_with_auth_data(&header, &auth_data))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CREDENTIAL_ID_TOO_LONG");
}

#[tokio::test]
async fn deeply_nested_json_is_refused() {
    let (server, mut device) = registered().await;
    let depth = 5_000;
    // In the request body: 5,000 objects deep in clientExtensionResults, 20,000 arrays deep.
    let (challenge_id, options) = server.register_options().await;
    let credential = Device::new().create(&options).await.to_string();
    let nested = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let body = format!(
        "{{\"challengeId\":\"{challenge_id}\",\"credential\":{}}}",
        credential.replacen(
            "\"clientExtensionResults\":{}",
            &format!("\"clientExtensionResults\":{nested}"),
            1
        )
    );
    assert!(body.len() < 64 * 1024 && body.contains(&nested));
    let reply = server
        .post("/v1/auth/passkey/register")
        .raw(&body)
        .send()
        .await;
    reply.assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
    let arrays = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    server
        .post("/v1/auth/refresh")
        .raw(&format!("{{\"refreshToken\":{arrays}}}"))
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
    // In clientDataJSON, inside base64url.
    register(&server, &mut Device::new(), keep, |c| {
        edit_bytes(c, "clientDataJSON", |b| {
            *b = format!("{{\"type\":{arrays}}}").into_bytes()
        })
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CLIENT_DATA_INVALID");
    // The server is still serving.
    server.sign_in(&mut device).await.ok();
}

// --- Access tokens --------------------------------------------------------------------------

/// The parts of a JWT: header and payload as JSON.
fn jwt_parts(token: &str) -> (Value, Value) {
    let mut parts = token
        .split('.')
        .map(|part| serde_json::from_slice::<Value>(&base64url::decode(part).unwrap()).unwrap());
    (parts.next().unwrap(), parts.next().unwrap())
}

fn encode_json(value: &Value) -> String {
    base64url::encode(value.to_string().as_bytes())
}

/// `header.payload` signed HS256 with `secret`.
fn hs256(header: &Value, payload: &Value, secret: &[u8]) -> String {
    let header = jsonwebtoken::Header {
        alg: jsonwebtoken::Algorithm::HS256,
        kid: header["kid"].as_str().map(str::to_owned),
        ..Default::default()
    };
    jsonwebtoken::encode(
        &header,
        payload,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap()
}

/// `header.payload` signed ES256 by `key`, with the header as given.
fn es256(header: &Value, payload: &Value, key: &p256::ecdsa::SigningKey) -> String {
    let input = format!("{}.{}", encode_json(header), encode_json(payload));
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", base64url::encode(&signature.to_bytes()))
}

/// Standard base64 with padding, as PEM has it.
fn base64_std(bytes: &[u8]) -> String {
    let mut text = base64url::encode(bytes).replace('-', "+").replace('_', "/");
    while !text.len().is_multiple_of(4) {
        text.push('=');
    }
    text
}

#[tokio::test]
async fn hs256_keyed_with_the_published_public_key_is_refused() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let (header, payload) = jwt_parts(token);
    let jwks = server.get("/.well-known/jwks.json").send().await.ok();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap()
        .clone();
    let (x, y) = (jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap());
    let sec1 = [
        &[0x04][..],
        &base64url::decode(x).unwrap(),
        &base64url::decode(y).unwrap(),
    ]
    .concat();
    let public = p256::PublicKey::from_sec1_bytes(&sec1).unwrap();
    let der = public.to_public_key_der().unwrap();
    let body = base64_std(der.as_bytes());
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n",
        &body[..64],
        &body[64..]
    );
    // Every encoding of the public key a confused verifier might use as the HMAC secret.
    let secrets: [&[u8]; 6] = [
        &sec1,
        &sec1[1..],
        der.as_bytes(),
        pem.as_bytes(),
        pem.trim_end().as_bytes(),
        x.as_bytes(),
    ];
    for secret in secrets {
        user(&server, KEY, ORIGIN, &hs256(&header, &payload, secret))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    }
    user(&server, KEY, ORIGIN, token).await.ok();
}

#[tokio::test]
async fn keys_named_or_embedded_by_the_token_are_not_trusted() {
    let (server, session) = TestServer::with_session().await;
    let (header, payload) = jwt_parts(session["accessToken"].as_str().unwrap());
    let stranger = p256::ecdsa::SigningKey::generate_from_rng(&mut rand::rng());
    let point = stranger.verifying_key().to_sec1_point(false);
    let coordinates = point.as_bytes();
    // The attacker's own key embedded as `jwk`, or fetched from its `jku`, with a real `kid`.
    let mut embedded = header.clone();
    embedded["jwk"] = json!({
        "kty": "EC", "crv": "P-256",
        "x": base64url::encode(&coordinates[1..33]),
        "y": base64url::encode(&coordinates[33..]),
    });
    embedded["jku"] = json!("https://evil.example/jwks.json");
    user(&server, KEY, ORIGIN, &es256(&embedded, &payload, &stranger))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    // `kid`s that would reach another row or a file if used unescaped.
    for kid in [
        "' OR '1'='1",
        "../../../../etc/passwd",
        "",
        &"k".repeat(10_000),
    ] {
        let mut injected = header.clone();
        injected["kid"] = json!(kid);
        user(&server, KEY, ORIGIN, &es256(&injected, &payload, &stranger))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    }
    // Other asymmetric algorithms under the real `kid`.
    for alg in ["ES384", "ES512", "RS256", "PS256", "EdDSA", "ES256K"] {
        let mut other = header.clone();
        other["alg"] = json!(alg);
        user(&server, KEY, ORIGIN, &es256(&other, &payload, &stranger))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    }
}

// --- Publishable keys -----------------------------------------------------------------------

#[tokio::test]
async fn a_passkey_cannot_sign_in_to_another_project() {
    let (server, mut device) = registered().await;
    // A script (no Origin header) with the other project's key relays that project's challenge
    // to this project's passkey.
    let other = Call::new(&server, Method::POST, "/v1/auth/passkey/login/options")
        .key(OTHER_KEY)
        .send()
        .await
        .ok();
    let (_, mut options) = server.login_options().await;
    options["challenge"] = other["publicKey"]["challenge"].clone();
    let credential = device.get(&options).await;
    Call::new(&server, Method::POST, "/v1/auth/passkey/login")
        .key(OTHER_KEY)
        .json(json!({ "challengeId": other["challengeId"], "credential": credential }))
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "CREDENTIAL_NOT_FOUND");
}

#[tokio::test]
async fn another_projects_key_cannot_sign_out_a_session() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let other_logout = || {
        Call::new(&server, Method::POST, "/v1/auth/logout")
            .key(OTHER_KEY)
            .header("origin", OTHER_ORIGIN)
    };
    other_logout()
        .bearer(token)
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    // A refresh token of another project is unknown here: nothing to revoke, nothing revealed.
    let reply = other_logout()
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    user(&server, KEY, ORIGIN, token).await.ok();
    server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await
        .ok();
}

// --- CORS -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_foreign_origin_gets_no_cors_grant() {
    let server = TestServer::start().await;
    for origin in LOOK_ALIKE_ORIGINS.iter().chain(&["https://evil.example"]) {
        let preflight = Call::new(&server, Method::OPTIONS, "/v1/auth/refresh")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-baas-publishable-key",
            )
            .send()
            .await;
        assert!(
            !preflight
                .headers
                .contains_key("access-control-allow-origin"),
            "{origin}: {:?}",
            preflight.headers
        );
        // A simple request (no preflight) is refused, and its answer is not readable there.
        let reply = server
            .post_as(KEY, origin, "/v1/auth/refresh")
            .json(json!({ "refreshToken": "x" }))
            .send()
            .await;
        reply.assert_error(StatusCode::FORBIDDEN, "REQUEST_ORIGIN_NOT_ALLOWED");
        assert!(!reply.headers.contains_key("access-control-allow-origin"));
    }
    // The project's own origin is granted, never with credentials (cookies are not used).
    let reply = server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": "x" }))
        .send()
        .await;
    assert_eq!(reply.headers["access-control-allow-origin"], ORIGIN);
    assert!(
        !reply
            .headers
            .contains_key("access-control-allow-credentials")
    );
}
