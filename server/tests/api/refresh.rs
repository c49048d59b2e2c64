//! Refresh tokens: rotation, reuse revoking the whole session (no grace window), expiry, and
//! sign-out with a refresh token or an expired access token.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Device, OTHER_KEY, OTHER_ORIGIN, REFRESH_TTL, Reply, TestServer};

async fn refresh(server: &TestServer, session: &Value) -> Reply {
    server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await
}

async fn user(server: &TestServer, session: &Value) -> Reply {
    server
        .get("/v1/auth/user")
        .bearer(session["accessToken"].as_str().unwrap())
        .send()
        .await
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let (server, session) = TestServer::with_session().await;
    server.clock.advance(10);
    let next = refresh(&server, &session).await.ok();
    assert_ne!(next["refreshToken"], session["refreshToken"]);
    assert_ne!(next["accessToken"], session["accessToken"]);
    assert_eq!(next["address"], session["address"]);
    assert_eq!(next["method"], "passkey");
    assert_eq!(next["credential"], session["credential"]);
    // The test clock is the system clock plus the offset: a second may tick between the two.
    let moved = next["expiresAt"].as_i64().unwrap() - session["expiresAt"].as_i64().unwrap();
    assert!((10..=11).contains(&moved), "{moved}");
    user(&server, &next).await.ok();
    let third = refresh(&server, &next).await.ok();
    user(&server, &third).await.ok();
}

#[tokio::test]
async fn reuse_of_a_rotated_token_revokes_the_whole_session() {
    let server = TestServer::start().await;
    let mut device = Device::new();
    let session = server.sign_up(&mut device).await;
    let elsewhere = server.sign_in(&mut device).await.ok();
    let next = refresh(&server, &session).await.ok();
    refresh(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REUSED");
    // The holder of the newer token is signed out too, and so are the session's access tokens.
    refresh(&server, &next)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REVOKED");
    user(&server, &next)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "SESSION_REVOKED");
    user(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "SESSION_REVOKED");
    // Another session of the same account is not affected.
    user(&server, &elsewhere).await.ok();
    refresh(&server, &elsewhere).await.ok();
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_revoke_the_session() {
    let (server, session) = TestServer::with_session().await;
    let (a, b) = tokio::join!(refresh(&server, &session), refresh(&server, &session));
    let mut outcomes = [a.status, b.status];
    outcomes.sort();
    assert_eq!(outcomes, [StatusCode::OK, StatusCode::UNAUTHORIZED]);
    let winner = if a.status == StatusCode::OK {
        a.body
    } else {
        b.body
    };
    refresh(&server, &winner)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REVOKED");
}

#[tokio::test]
async fn refresh_tokens_expire() {
    let (server, session) = TestServer::with_session().await;
    server.clock.advance(REFRESH_TTL);
    refresh(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_EXPIRED");
}

#[tokio::test]
async fn unknown_and_foreign_refresh_tokens_are_invalid() {
    let (server, session) = TestServer::with_session().await;
    for token in ["", "x", &"a".repeat(500)] {
        server
            .post("/v1/auth/refresh")
            .json(json!({ "refreshToken": token }))
            .send()
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_INVALID");
    }
    server
        .post_as(OTHER_KEY, OTHER_ORIGIN, "/v1/auth/refresh")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_INVALID");
    // The foreign attempt did not rotate it.
    refresh(&server, &session).await.ok();
}

#[tokio::test]
async fn logout_with_the_refresh_token_revokes_the_session() {
    let (server, session) = TestServer::with_session().await;
    let reply = server
        .post("/v1/auth/logout")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:#}", reply.body);
    refresh(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REVOKED");
    user(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "SESSION_REVOKED");
    // Signing out again, or with an unknown token, is not an error.
    let again = server
        .post("/v1/auth/logout")
        .json(json!({ "refreshToken": session["refreshToken"] }))
        .send()
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn logout_with_an_expired_access_token_revokes_the_session() {
    let (server, session) = TestServer::with_session().await;
    server
        .clock
        .advance(session["expiresAt"].as_i64().unwrap() - server.state.now() + 5);
    user(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED");
    let reply = server
        .post("/v1/auth/logout")
        .bearer(session["accessToken"].as_str().unwrap())
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:#}", reply.body);
    refresh(&server, &session)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REVOKED");
}

#[tokio::test]
async fn logout_needs_a_token_and_refuses_a_forged_one() {
    let (server, session) = TestServer::with_session().await;
    server
        .post("/v1/auth/logout")
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_MISSING");
    for body in ["{}", ""] {
        server
            .post("/v1/auth/logout")
            .raw(body)
            .send()
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_MISSING");
    }
    let forged = format!("{}x", session["accessToken"].as_str().unwrap());
    server
        .post("/v1/auth/logout")
        .bearer(&forged)
        .send()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "TOKEN_INVALID");
    // Nothing was revoked.
    refresh(&server, &session).await.ok();
}
