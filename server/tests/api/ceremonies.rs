//! Full registration and sign-in ceremonies, and what the server stores of them.

use axum::http::StatusCode;
use baas_core::{Address, CoseKey, base64url};
use serde_json::json;

use baas_server::config::{Config, Options};
use clap::Parser as _;

use crate::support::{Device, PROJECT, TestServer, config};

#[tokio::test]
async fn sign_up_then_sign_in_gives_the_passkeys_address() {
    let server = TestServer::start().await;
    let mut device = Device::new();
    let session = server.sign_up(&mut device).await;

    // The address is the one of the credential's public key, recomputed here from the COSE key.
    let cose = base64url::decode(session["credential"]["publicKey"].as_str().unwrap()).unwrap();
    let address = Address::from_public_key(&CoseKey::from_cbor(&cose).unwrap()).to_checksummed();
    assert_eq!(session["address"], address.as_str());
    assert_eq!(session["method"], "passkey");
    assert!(session["accessToken"].as_str().unwrap().starts_with("eyJ"));
    assert!(session["refreshToken"].as_str().unwrap().len() >= 43);
    let now = server.state.now();
    let expires_at = session["expiresAt"].as_i64().unwrap();
    assert!(
        (now + 599..=now + 600).contains(&expires_at),
        "{expires_at} vs {now}"
    );
    // passkey-authenticator models a synced passkey: BE and BS set, and no counter.
    assert_eq!(session["credential"]["backupEligible"], true);
    assert_eq!(session["credential"]["backedUp"], true);

    let signed_in = server.sign_in(&mut device).await.ok();
    assert_eq!(signed_in["address"], address.as_str());
    assert_eq!(signed_in["credential"], session["credential"]);
    assert_ne!(signed_in["accessToken"], session["accessToken"]);

    let user = server
        .get("/v1/auth/user")
        .bearer(signed_in["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
    assert_eq!(user["address"], address.as_str());
    assert_eq!(user["method"], "passkey");
    let created_at = user["createdAt"].as_str().unwrap();
    // RFC 3339 in UTC, e.g. 2026-11-27T11:50:41Z.
    assert!(
        created_at.len() == 20 && created_at.ends_with('Z') && &created_at[10..11] == "T",
        "{created_at}"
    );
}

#[tokio::test]
async fn a_synced_passkey_that_never_counts_keeps_working() {
    let server = TestServer::start().await;
    let mut device = Device::new();
    let address = server.sign_up(&mut device).await["address"].clone();
    for _ in 0..3 {
        assert_eq!(server.sign_in(&mut device).await.ok()["address"], address);
    }
}

#[tokio::test]
async fn a_counting_authenticator_advances_the_stored_counter() {
    let server = TestServer::start().await;
    let mut device = Device::counting();
    let session = server.sign_up(&mut device).await;
    for _ in 0..2 {
        server.sign_in(&mut device).await.ok();
    }
    let id = base64url::decode(session["credential"]["id"].as_str().unwrap()).unwrap();
    let stored = server
        .state
        .store()
        .credential(PROJECT, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.credential.sign_count, 2);
}

#[tokio::test]
async fn registration_options_follow_the_project() {
    let server = TestServer::start().await;
    let reply = server
        .post("/v1/auth/passkey/register/options")
        .json(json!({ "displayName": "  Ada Lovelace " }))
        .send()
        .await
        .ok();
    let options = &reply["publicKey"];
    assert_eq!(
        options["rp"],
        json!({ "id": "login.example.com", "name": "test project" })
    );
    assert_eq!(options["user"]["name"], "Ada Lovelace");
    assert_eq!(
        base64url::decode(options["user"]["id"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    assert_eq!(
        base64url::decode(options["challenge"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    assert_eq!(
        options["pubKeyCredParams"],
        json!([{ "type": "public-key", "alg": -7 }])
    );
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        options["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert_eq!(options["attestation"], "none");
    assert_eq!(options["timeout"], 120_000);

    // Without a body the server picks a name; every challenge and user handle is new.
    let again = server
        .post("/v1/auth/passkey/register/options")
        .send()
        .await
        .ok();
    assert!(
        again["publicKey"]["user"]["name"]
            .as_str()
            .unwrap()
            .starts_with("user-")
    );
    assert_ne!(again["publicKey"]["challenge"], options["challenge"]);
    assert_ne!(again["publicKey"]["user"]["id"], options["user"]["id"]);
    assert_ne!(again["challengeId"], reply["challengeId"]);

    let login = server.login_options().await.1;
    assert_eq!(login["rpId"], "login.example.com");
    assert_eq!(login["allowCredentials"], json!([]));
    assert_eq!(login["userVerification"], "required");
}

#[tokio::test]
async fn the_zero_config_demo_project_works_on_localhost() {
    let options = Options::try_parse_from(["baas-server"]).unwrap();
    let server = TestServer::start_with(Config::from_options(&options).unwrap()).await;
    let (key, origin) = ("sb_publishable_demo", "http://localhost:8787");
    let mut device = Device::at(origin, false);
    let reply = server
        .post_as(key, origin, "/v1/auth/passkey/register/options")
        .send()
        .await
        .ok();
    let credential = device.create(&reply["publicKey"]).await;
    let session = server
        .post_as(key, origin, "/v1/auth/passkey/register")
        .json(json!({ "challengeId": reply["challengeId"], "credential": credential }))
        .send()
        .await
        .ok();
    let reply = server
        .post_as(key, origin, "/v1/auth/passkey/login/options")
        .send()
        .await
        .ok();
    let credential = device.get(&reply["publicKey"]).await;
    let signed_in = server
        .post_as(key, origin, "/v1/auth/passkey/login")
        .json(json!({ "challengeId": reply["challengeId"], "credential": credential }))
        .send()
        .await
        .ok();
    assert_eq!(signed_in["address"], session["address"]);
}

#[tokio::test]
async fn concurrent_sign_ins_with_one_assertion_let_one_through() {
    let server = TestServer::start().await;
    let mut device = Device::new();
    server.sign_up(&mut device).await;
    let (challenge_id, options) = server.login_options().await;
    let body = json!({ "challengeId": challenge_id, "credential": device.get(&options).await });
    let (a, b) = tokio::join!(
        server
            .post("/v1/auth/passkey/login")
            .json(body.clone())
            .send(),
        server.post("/v1/auth/passkey/login").json(body).send()
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
}

#[tokio::test]
async fn restart_keeps_accounts_and_signing_keys() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut device = Device::new();
    let session = {
        let server = TestServer::open(config(), dir.clone(), Default::default()).await;
        server.sign_up(&mut device).await
    };
    // A fresh process state over the same file.
    let server = TestServer::open(config(), dir, Default::default()).await;
    let signed_in = server.sign_in(&mut device).await.ok();
    assert_eq!(signed_in["address"], session["address"]);
    // The first process's access token still verifies: the signing key lives in the store.
    let user = server
        .get("/v1/auth/user")
        .bearer(session["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
    assert_eq!(user["address"], session["address"]);
}
