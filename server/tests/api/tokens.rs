//! Access tokens: the claims, offline verification with the JWKS, and one test per rule
//! (tampered, wrong key, `alg: none`, algorithm confusion, expired, wrong audience).

use axum::http::StatusCode;
use baas_core::base64url;
use baas_server::tokens::Claims;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::elliptic_curve::Generate as _;
use p256::pkcs8::EncodePrivateKey as _;
use serde_json::{Value, json};

use crate::support::{ACCESS_TTL, Device, OTHER_KEY, OTHER_ORIGIN, PROJECT, Reply, TestServer};

async fn user(server: &TestServer, token: &str) -> Reply {
    server.get("/v1/auth/user").bearer(token).send().await
}

fn parts(token: &str) -> Vec<Value> {
    token
        .split('.')
        .take(2)
        .map(|part| serde_json::from_slice(&base64url::decode(part).unwrap()).unwrap())
        .collect()
}

fn encode_part(value: &Value) -> String {
    base64url::encode(value.to_string().as_bytes())
}

#[tokio::test]
async fn claims_are_those_of_the_contract_and_verify_with_the_jwks() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let jwks: JwkSet =
        serde_json::from_value(server.get("/.well-known/jwks.json").send().await.ok()).unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::ES256);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("the signing key is published");

    // What an app backend does offline.
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[PROJECT]);
    let claims =
        jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .unwrap()
            .claims;
    assert_eq!(claims.sub, session["address"].as_str().unwrap());
    assert_eq!(claims.aud, PROJECT);
    assert_eq!(claims.exp, session["expiresAt"].as_i64().unwrap());
    assert_eq!(claims.exp - claims.iat, ACCESS_TTL);
    assert!(!claims.sid.is_empty());

    // Each token has its own jti; a refresh keeps the session (`sid`).
    let refreshed = server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await
        .ok();
    let again = &parts(refreshed["accessToken"].as_str().unwrap())[1];
    assert_eq!(again["sid"], claims.sid.as_str());
    assert_ne!(again["jti"], claims.jti.as_str());
}

#[tokio::test]
async fn a_tampered_token_is_invalid() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let [header, mut payload] = <[Value; 2]>::try_from(parts(token)).unwrap();
    payload["sub"] = json!("0x0000000000000000000000000000000000000001");
    let signature = token.rsplit('.').next().unwrap();
    let forged = format!(
        "{}.{}.{signature}",
        encode_part(&header),
        encode_part(&payload)
    );
    user(&server, &forged)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    user(&server, "not-a-jwt")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_invalid() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let kid = jsonwebtoken::decode_header(token).unwrap().kid;
    let [_, payload] = <[Value; 2]>::try_from(parts(token)).unwrap();
    let stranger = p256::SecretKey::generate_from_rng(&mut rand::rng())
        .to_pkcs8_der()
        .unwrap();
    let mut header = Header::new(Algorithm::ES256);
    header.kid = kid;
    let forged = jsonwebtoken::encode(
        &header,
        &payload,
        &EncodingKey::from_ec_der(stranger.as_bytes()),
    )
    .unwrap();
    user(&server, &forged)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
}

#[tokio::test]
async fn alg_none_and_hmac_are_refused() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let [mut header, payload] = <[Value; 2]>::try_from(parts(token)).unwrap();
    header["alg"] = json!("none");
    let unsigned = format!("{}.{}.", encode_part(&header), encode_part(&payload));
    user(&server, &unsigned)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");

    // Algorithm confusion: HS256 keyed with the public JWK's text.
    let jwks = server.get("/.well-known/jwks.json").send().await.ok();
    let secret = jwks["keys"][0].to_string();
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = header["kid"].as_str().map(str::to_owned);
    let confused = jsonwebtoken::encode(
        &hs_header,
        &payload,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    user(&server, &confused)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
}

#[tokio::test]
async fn a_token_expires_at_exp_with_one_second_of_leeway() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    let expires_at = session["expiresAt"].as_i64().unwrap();
    server.clock.advance(expires_at - server.state.now());
    user(&server, token).await.ok();
    server.clock.advance(1);
    user(&server, token)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED");
}

#[tokio::test]
async fn a_token_of_another_project_is_invalid() {
    let (server, session) = TestServer::with_session().await;
    let reply = crate::support::Call::new(&server, axum::http::Method::GET, "/v1/auth/user")
        .key(OTHER_KEY)
        .header("origin", OTHER_ORIGIN)
        .bearer(session["accessToken"].as_str().unwrap())
        .send()
        .await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
}

#[tokio::test]
async fn the_user_endpoint_needs_a_bearer_token() {
    let (server, session) = TestServer::with_session().await;
    let reply = server.get("/v1/auth/user").send().await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "TOKEN_MISSING");
    assert_eq!(reply.headers["www-authenticate"], "Bearer");
    let token = session["accessToken"].as_str().unwrap();
    server
        .get("/v1/auth/user")
        .header("authorization", &format!("Basic {token}"))
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
}

#[tokio::test]
async fn signing_keys_rotate_and_stay_published_until_their_tokens_expire() {
    const ROTATION: i64 = 3600;
    let mut config = crate::support::config();
    config.key_rotation = ROTATION;
    let server = TestServer::start_with(config).await;
    let kid = |session: &Value| {
        jsonwebtoken::decode_header(session["accessToken"].as_str().unwrap())
            .unwrap()
            .kid
            .unwrap()
    };
    let published = || async {
        let jwks = server.get("/.well-known/jwks.json").send().await.ok();
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    // 100 s before the end of a rotation period.
    let now = server.state.now();
    server
        .clock
        .advance(ROTATION - now.rem_euclid(ROTATION) - 100);
    let old = server.sign_up(&mut Device::new()).await;
    let jwks = published().await;
    assert_eq!(
        jwks,
        [kid(&old), jwks[1].clone()],
        "the current key and the next one"
    );

    // The next period signs with the key published ahead; the old key's tokens still verify.
    server.clock.advance(200);
    let new = server.sign_up(&mut Device::new()).await;
    assert_eq!(kid(&new), jwks[1]);
    user(&server, old["accessToken"].as_str().unwrap())
        .await
        .ok();
    assert!(published().await.contains(&kid(&old)));

    // Once every token of the old key has expired, it is no longer published.
    server.clock.advance(ACCESS_TTL + 100);
    let jwks = published().await;
    assert!(!jwks.contains(&kid(&old)), "{jwks:?}");
    assert!(jwks.contains(&kid(&new)));
}

#[tokio::test]
async fn a_token_issued_in_the_future_is_invalid() {
    let (server, session) = TestServer::with_session().await;
    let token = session["accessToken"].as_str().unwrap();
    // This server's clock is now 5 s behind the one that issued the token: more than the leeway.
    server.clock.advance(-5);
    user(&server, token)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    // 1 s behind: within the leeway.
    server.clock.advance(4);
    user(&server, token).await.ok();
}
