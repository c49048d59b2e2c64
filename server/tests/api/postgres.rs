//! The same store suite and a full ceremony against a real PostgreSQL, when
//! `BAAS_TEST_DATABASE_URL` names one (`scripts/test` starts a local cluster); skipped with a
//! notice otherwise, so plain `cargo test` needs no service.

use std::sync::Arc;

use baas_server::store::Store;
use baas_server::store::sql::SqlStore;

use crate::support::{Device, TestServer, config};

async fn connect() -> Option<Arc<dyn Store>> {
    let Ok(url) = std::env::var("BAAS_TEST_DATABASE_URL") else {
        eprintln!("skipping the PostgreSQL test: BAAS_TEST_DATABASE_URL is not set");
        return None;
    };
    Some(Arc::new(
        SqlStore::connect(&url)
            .await
            .expect("connect to BAAS_TEST_DATABASE_URL"),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_store() {
    if let Some(store) = connect().await {
        crate::store::exercise(store).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ceremonies_on_postgres() {
    let Some(store) = connect().await else { return };
    let server = TestServer::with_store(
        config(),
        store,
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
    );
    let mut device = Device::counting();
    let session = server.sign_up(&mut device).await;
    let signed_in = server.sign_in(&mut device).await.ok();
    assert_eq!(signed_in["address"], session["address"]);
    let refreshed = server
        .post("/v1/auth/refresh")
        .json(serde_json::json!({ "refreshToken": signed_in["refreshToken"] }))
        .send()
        .await
        .ok();
    server
        .get("/v1/auth/user")
        .bearer(refreshed["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_sign_in_on_postgres() {
    let Some(store) = connect().await else { return };
    crate::wallet::store_scenarios(store.clone()).await;
    let server = TestServer::with_store(
        config(),
        store,
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
    );
    let wallet = crate::wallet::Wallet::new();
    let first = crate::wallet::sign_in(&server, &wallet).await.ok();
    let again = crate::wallet::sign_in(&server, &wallet).await.ok();
    assert_eq!(
        (&first["method"], &again["address"]),
        (&"wallet".into(), &first["address"])
    );
    let refreshed = server
        .post("/v1/auth/refresh")
        .json(serde_json::json!({ "refreshToken": again["refreshToken"] }))
        .send()
        .await
        .ok();
    let user = server
        .get("/v1/auth/user")
        .bearer(refreshed["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
    assert_eq!(user["method"], "wallet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_postgres_agree() {
    let (Some(a), Some(b)) = (connect().await, connect().await) else {
        return;
    };
    crate::store::two_processes(a, b, Arc::new(tempfile::tempdir().unwrap())).await;
}
