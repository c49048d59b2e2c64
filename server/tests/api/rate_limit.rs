//! Rate limits on the endpoints that take no bearer token: per client IP (the per-IP basics are
//! in `input.rs`) and per project across IPs, with 429 `RATE_LIMITED` and `Retry-After`.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{Call, OTHER_KEY, OTHER_ORIGIN, Reply, TestServer, config};

/// A server allowing `per_ip` requests per minute per IP and `per_project` per project.
async fn limited(per_ip: u32, per_project: u32) -> TestServer {
    let mut config = config();
    config.rate_limit = per_ip;
    config.project_rate_limit = per_project;
    TestServer::start_with(config).await
}

/// `call` sent from client IP `10.0.0.{host}`.
async fn from(server: &TestServer, host: u8, call: Call<'_>) -> Reply {
    let mut request = call.request();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, host], 40_000))));
    server.send(request).await
}

fn retry_after(reply: &Reply) -> i64 {
    reply.assert_error(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED");
    reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_project_is_limited_across_client_ips() {
    let server = limited(100, 3).await;
    let options = || server.post("/v1/auth/passkey/login/options");
    for host in 1..=3 {
        from(&server, host, options()).await.ok();
    }
    // A fourth client is refused: the project used its minute.
    let reply = from(&server, 4, options()).await;
    assert!((1..=60).contains(&retry_after(&reply)));
    // Other projects are not affected, and neither is the signed-in user's endpoint.
    from(
        &server,
        4,
        server.post_as(OTHER_KEY, OTHER_ORIGIN, "/v1/auth/passkey/login/options"),
    )
    .await
    .ok();
    let user = from(&server, 4, server.get("/v1/auth/user")).await;
    user.assert_error(StatusCode::UNAUTHORIZED, "TOKEN_MISSING");
    // The next window starts afresh.
    server.clock.advance(60);
    from(&server, 4, options()).await.ok();
}

#[tokio::test]
async fn every_unauthenticated_endpoint_counts() {
    let server = limited(100, 6).await;
    let paths = [
        "/v1/auth/passkey/register/options",
        "/v1/auth/passkey/register",
        "/v1/auth/passkey/login/options",
        "/v1/auth/passkey/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
    ];
    for (host, path) in (1..).zip(paths) {
        let reply = from(&server, host, server.post(path).json(json!({}))).await;
        assert_ne!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
    }
    for path in paths {
        retry_after(&from(&server, 9, server.post(path).json(json!({}))).await);
    }
}

#[tokio::test]
async fn unknown_keys_count_only_against_their_ip() {
    let server = limited(2, 2).await;
    // A client spraying made-up keys spends its own allowance, not the project's.
    for _ in 0..2 {
        let reply = from(
            &server,
            1,
            Call::new(&server, Method::POST, "/v1/auth/refresh").key("sb_publishable_guess"),
        )
        .await;
        reply.assert_error(StatusCode::UNAUTHORIZED, "PUBLISHABLE_KEY_INVALID");
    }
    retry_after(&from(&server, 1, server.post("/v1/auth/passkey/login/options")).await);
    // Its refused requests did not count against the project either.
    from(&server, 2, server.post("/v1/auth/passkey/login/options"))
        .await
        .ok();
    from(&server, 3, server.post("/v1/auth/passkey/login/options"))
        .await
        .ok();
    retry_after(&from(&server, 4, server.post("/v1/auth/passkey/login/options")).await);
}

#[tokio::test]
async fn zero_turns_every_limit_off() {
    let server = limited(0, 1).await;
    for _ in 0..20 {
        from(&server, 1, server.post("/v1/auth/passkey/login/options"))
            .await
            .ok();
    }
    let server = limited(1_000, 0).await;
    for host in 0..20 {
        from(&server, host, server.post("/v1/auth/passkey/login/options"))
            .await
            .ok();
    }
}
