//! One negative test per relying-party check (WebAuthn L3 §7.1, §7.2) through HTTP: the core
//! unit-tests each step; these prove the server wires them, with the error codes the SDK maps.

use axum::http::StatusCode;
use baas_core::base64url;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{CHALLENGE_TTL, Device, OTHER_KEY, OTHER_ORIGIN, RP_ID, Reply, TestServer};

pub fn keep(_: &mut Value) {}

/// Registration with options and credential edited on the way.
pub async fn register(
    server: &TestServer,
    device: &mut Device,
    edit_options: impl FnOnce(&mut Value),
    edit_credential: impl FnOnce(&mut Value),
) -> Reply {
    let (challenge_id, mut options) = server.register_options().await;
    edit_options(&mut options);
    let mut credential = device.create(&options).await;
    edit_credential(&mut credential);
    server.submit_registration(challenge_id, credential).await
}

/// Sign-in with options and credential edited on the way.
pub async fn sign_in(
    server: &TestServer,
    device: &mut Device,
    edit_options: impl FnOnce(&mut Value),
    edit_credential: impl FnOnce(&mut Value),
) -> Reply {
    let (challenge_id, mut options) = server.login_options().await;
    edit_options(&mut options);
    let mut credential = device.get(&options).await;
    edit_credential(&mut credential);
    server.submit_sign_in(challenge_id, credential).await
}

/// A registered device.
pub async fn registered() -> (TestServer, Device) {
    let server = TestServer::start().await;
    let mut device = Device::new();
    server.sign_up(&mut device).await;
    (server, device)
}

/// Rewrites a base64url member of `credential.response`.
pub fn edit_bytes(credential: &mut Value, member: &str, edit: impl FnOnce(&mut Vec<u8>)) {
    let slot = &mut credential["response"][member];
    let mut bytes = base64url::decode(slot.as_str().unwrap()).unwrap();
    edit(&mut bytes);
    *slot = Value::String(base64url::encode(&bytes));
}

/// Rewrites the clientDataJSON object (signed only at sign-in; `none` attestation signs nothing).
pub fn edit_client_data(credential: &mut Value, edit: impl FnOnce(&mut Value)) {
    edit_bytes(credential, "clientDataJSON", |bytes| {
        let mut client_data: Value = serde_json::from_slice(bytes).unwrap();
        edit(&mut client_data);
        *bytes = serde_json::to_vec(&client_data).unwrap();
    });
}

/// Offset of the flags byte in a registration's attestationObject: just after the rpIdHash.
pub fn flags_offset(attestation_object: &[u8]) -> usize {
    let hash = Sha256::digest(RP_ID.as_bytes());
    attestation_object
        .windows(32)
        .position(|w| w == hash.as_slice())
        .unwrap()
        + 32
}

#[tokio::test]
async fn a_challenge_is_single_use() {
    let server = TestServer::start().await;
    let mut device = Device::new();
    let (challenge_id, options) = server.register_options().await;
    let body = json!({ "challengeId": challenge_id, "credential": device.create(&options).await });
    server
        .post("/v1/auth/passkey/register")
        .json(body.clone())
        .send()
        .await
        .ok();
    server
        .post("/v1/auth/passkey/register")
        .json(body)
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");

    let (challenge_id, options) = server.login_options().await;
    let body = json!({ "challengeId": challenge_id, "credential": device.get(&options).await });
    server
        .post("/v1/auth/passkey/login")
        .json(body.clone())
        .send()
        .await
        .ok();
    server
        .post("/v1/auth/passkey/login")
        .json(body)
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
}

#[tokio::test]
async fn a_failed_attempt_uses_the_challenge_up() {
    let (server, mut device) = registered().await;
    let (challenge_id, options) = server.login_options().await;
    let mut credential = device.get(&options).await;
    let good = credential.clone();
    credential["response"]["userHandle"] = json!("AAAA");
    server
        .submit_sign_in(&challenge_id, credential)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "USER_HANDLE_MISMATCH");
    server
        .submit_sign_in(&challenge_id, good)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
}

#[tokio::test]
async fn an_expired_challenge_is_refused() {
    let (server, mut device) = registered().await;
    let (challenge_id, options) = server.register_options().await;
    let credential = device.create(&options).await;
    server.clock.advance(CHALLENGE_TTL);
    let body = json!({ "challengeId": challenge_id, "credential": credential });
    server
        .post("/v1/auth/passkey/register")
        .json(body)
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_EXPIRED");

    let (challenge_id, options) = server.login_options().await;
    let credential = device.get(&options).await;
    server.clock.advance(CHALLENGE_TTL - 1);
    let body = json!({ "challengeId": challenge_id, "credential": credential });
    server
        .post("/v1/auth/passkey/login")
        .json(body.clone())
        .send()
        .await
        .ok();

    let (challenge_id, options) = server.login_options().await;
    let credential = device.get(&options).await;
    server.clock.advance(CHALLENGE_TTL);
    let body = json!({ "challengeId": challenge_id, "credential": credential });
    server
        .post("/v1/auth/passkey/login")
        .json(body)
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_EXPIRED");
}

#[tokio::test]
async fn a_challenge_of_the_other_ceremony_is_refused() {
    let (server, mut device) = registered().await;
    // A sign-in challenge answered by a registration.
    let (login_id, login_options) = server.login_options().await;
    let (_, mut options) = server.register_options().await;
    options["challenge"] = login_options["challenge"].clone();
    let credential = Device::new().create(&options).await;
    server
        .submit_registration(login_id, credential)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
    // A registration challenge answered by a sign-in.
    let (register_id, register_options) = server.register_options().await;
    let (_, mut options) = server.login_options().await;
    options["challenge"] = register_options["challenge"].clone();
    let credential = device.get(&options).await;
    server
        .submit_sign_in(register_id, credential)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
}

#[tokio::test]
async fn a_challenge_of_another_project_is_refused() {
    let (server, mut device) = registered().await;
    let other = server
        .post_as(OTHER_KEY, OTHER_ORIGIN, "/v1/auth/passkey/login/options")
        .send()
        .await
        .ok();
    let (_, mut options) = server.login_options().await;
    options["challenge"] = other["publicKey"]["challenge"].clone();
    let credential = device.get(&options).await;
    server
        .submit_sign_in(&other["challengeId"], credential)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
}

#[tokio::test]
async fn the_signed_challenge_must_be_the_one_issued() {
    let (server, mut device) = registered().await;
    let (first_id, _) = server.register_options().await;
    let (_, options) = server.register_options().await;
    let credential = Device::new().create(&options).await;
    server
        .submit_registration(first_id, credential)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_MISMATCH");

    let (first_id, _) = server.login_options().await;
    let (_, options) = server.login_options().await;
    let credential = device.get(&options).await;
    server
        .submit_sign_in(first_id, credential)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_MISMATCH");
}

#[tokio::test]
async fn the_client_data_type_must_be_the_ceremonys() {
    let (server, mut device) = registered().await;
    register(&server, &mut Device::new(), keep, |c| {
        edit_client_data(c, |d| d["type"] = json!("webauthn.get"))
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CLIENT_DATA_TYPE_MISMATCH");
    sign_in(&server, &mut device, keep, |c| {
        edit_client_data(c, |d| d["type"] = json!("webauthn.create"))
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CLIENT_DATA_TYPE_MISMATCH");
}

#[tokio::test]
async fn the_origin_must_be_one_of_the_projects() {
    let (server, device) = registered().await;
    // A subdomain of the RP ID: the browser allows it, the project does not list it.
    let evil = "https://evil.login.example.com";
    register(&server, &mut Device::at(evil, false), keep, keep)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "ORIGIN_NOT_ALLOWED");
    let mut phished = Device::at(evil, false);
    phished.restore(device.credentials());
    sign_in(&server, &mut phished, keep, keep)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "ORIGIN_NOT_ALLOWED");
    register(&server, &mut Device::new(), keep, |c| {
        edit_client_data(c, |d| d["crossOrigin"] = json!(true))
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CROSS_ORIGIN_NOT_ALLOWED");
}

#[tokio::test]
async fn the_credential_must_be_scoped_to_the_rp_id() {
    let (server, mut device) = registered().await;
    // `example.com` is a registrable suffix of the origin, so the client lets the page use it.
    register(
        &server,
        &mut Device::new(),
        |o| o["rp"]["id"] = json!("example.com"),
        keep,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "RP_ID_HASH_MISMATCH");
    let mut credentials = device.credentials();
    for passkey in &mut credentials.0 {
        passkey.rp_id = "example.com".into();
    }
    device.restore(credentials);
    sign_in(
        &server,
        &mut device,
        |o| o["rpId"] = json!("example.com"),
        keep,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "RP_ID_HASH_MISMATCH");
}

#[tokio::test]
async fn user_verification_is_required() {
    let (server, mut device) = registered().await;
    register(
        &server,
        &mut Device::new(),
        |o| o["authenticatorSelection"]["userVerification"] = json!("discouraged"),
        keep,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_NOT_VERIFIED");
    sign_in(
        &server,
        &mut device,
        |o| o["userVerification"] = json!("discouraged"),
        keep,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_NOT_VERIFIED");
}

#[tokio::test]
async fn user_presence_is_required() {
    let server = TestServer::start().await;
    register(&server, &mut Device::new(), keep, |c| {
        edit_bytes(c, "attestationObject", |bytes| {
            let flags = flags_offset(bytes);
            bytes[flags] &= !0x01;
        });
        // The optional copy of authenticatorData would otherwise disagree first.
        c["response"]
            .as_object_mut()
            .unwrap()
            .remove("authenticatorData");
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_NOT_PRESENT");
}

#[tokio::test]
async fn only_es256_keys_are_registered() {
    let server = TestServer::start().await;
    // The authenticator makes an Ed25519 key when the options ask for EdDSA only.
    let reply = register(
        &server,
        &mut Device::new(),
        |o| o["pubKeyCredParams"] = json!([{ "type": "public-key", "alg": -8 }]),
        keep,
    )
    .await;
    reply.assert_error(StatusCode::BAD_REQUEST, "COSE_UNSUPPORTED_KEY_TYPE");
}

#[tokio::test]
async fn the_credential_type_and_id_are_checked() {
    let (server, mut device) = registered().await;
    register(&server, &mut Device::new(), keep, |c| {
        c["type"] = json!("password")
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "UNSUPPORTED_CREDENTIAL_TYPE");
    register(&server, &mut Device::new(), keep, |c| {
        c["id"] = json!("AAAA")
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "CREDENTIAL_ID_MISMATCH");
    sign_in(&server, &mut device, keep, |c| c["rawId"] = json!("AAAA"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "CREDENTIAL_ID_MISMATCH");
}

#[tokio::test]
async fn the_signature_must_verify() {
    let (server, mut device) = registered().await;
    // The counter bytes of authenticatorData are signed and checked only by the signature.
    sign_in(&server, &mut device, keep, |c| {
        edit_bytes(c, "authenticatorData", |b| b[36] ^= 0x01)
    })
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "SIGNATURE_INVALID");
    sign_in(&server, &mut device, keep, |c| {
        edit_bytes(c, "signature", |b| b.truncate(8))
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "SIGNATURE_MALFORMED");
}

#[tokio::test]
async fn the_user_handle_must_be_the_accounts() {
    let (server, mut device) = registered().await;
    sign_in(&server, &mut device, keep, |c| {
        c["response"]["userHandle"] = json!("AAAA")
    })
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "USER_HANDLE_MISMATCH");
    sign_in(&server, &mut device, keep, |c| {
        c["response"].as_object_mut().unwrap().remove("userHandle");
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_HANDLE_MISSING");
}

#[tokio::test]
async fn a_counter_that_goes_back_is_refused() {
    let server = TestServer::start().await;
    let mut device = Device::counting();
    server.sign_up(&mut device).await;
    let clone = device.credentials();
    server.sign_in(&mut device).await.ok();
    // A cloned authenticator replays counter 1, which the server has already seen.
    device.restore(clone);
    server
        .sign_in(&mut device)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "COUNTER_REGRESSION");
}

#[tokio::test]
async fn a_credential_is_registered_once() {
    let server = TestServer::start().await;
    let mut device = Device::new();
    let (challenge_id, options) = server.register_options().await;
    let credential = device.create(&options).await;
    server
        .submit_registration(challenge_id, credential.clone())
        .await
        .ok();
    // `none` attestation signs nothing, so the same attestation can answer a new challenge.
    let (challenge_id, options) = server.register_options().await;
    let mut again = credential;
    edit_client_data(&mut again, |d| {
        d["challenge"] = options["challenge"].clone()
    });
    server
        .submit_registration(challenge_id, again)
        .await
        .assert_error(StatusCode::CONFLICT, "CREDENTIAL_EXISTS");
}

#[tokio::test]
async fn an_unknown_credential_is_not_found() {
    let (_, mut device) = registered().await;
    // Another server (its own store) has never seen this passkey.
    let server = TestServer::start().await;
    server
        .sign_in(&mut device)
        .await
        .assert_error(StatusCode::NOT_FOUND, "CREDENTIAL_NOT_FOUND");
}

#[tokio::test]
async fn binary_members_must_be_canonical_base64url() {
    let (server, mut device) = registered().await;
    register(&server, &mut Device::new(), keep, |c| {
        let data = c["response"]["clientDataJSON"].as_str().unwrap().to_owned();
        c["response"]["clientDataJSON"] = json!(format!("{data}=="));
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "INVALID_BASE64URL");
    sign_in(&server, &mut device, keep, |c| {
        let signature = c["response"]["signature"]
            .as_str()
            .unwrap()
            .replace('-', "+")
            .replace('_', "/");
        c["response"]["signature"] = json!(format!("{signature}+"));
    })
    .await
    .assert_error(StatusCode::BAD_REQUEST, "INVALID_BASE64URL");
}
