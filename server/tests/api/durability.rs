//! Durability: a registration creates its account and credential together or not at all, and
//! migrations run at every start without changing what is there, on SQLite and (with
//! `BAAS_TEST_DATABASE_URL`) PostgreSQL. The SQLite settings themselves (WAL, `synchronous =
//! FULL`, foreign keys) are checked next to the code, in `store/sql.rs`. A process killed in the
//! middle of registrations is the load tool's part (`server/examples/load.rs`).

use std::sync::Arc;

use baas_server::store::sql::SqlStore;
use baas_server::store::{Credential, NewAccount, Store, StoreError};
use sqlx::Row as _;

use crate::store::create_account;
use crate::support::{Device, TestServer, config, sqlite_url};

fn account(address: &str, credential_id: &[u8]) -> NewAccount {
    NewAccount {
        project_id: "durability".into(),
        address: address.into(),
        user_handle: rand::random::<[u8; 32]>().to_vec(),
        created_at: 1,
        credential: Credential {
            id: credential_id.to_vec(),
            address: address.into(),
            public_key: vec![0xa5],
            sign_count: 0,
            backup_eligible: true,
            backed_up: true,
            transports: vec![],
        },
    }
}

fn random_address() -> String {
    let bytes: [u8; 20] = rand::random();
    format!(
        "0x{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// The account insert succeeds and the credential insert then fails: nothing may remain.
async fn a_failed_registration_leaves_no_account(store: &dyn Store) {
    let credential_id = rand::random::<[u8; 16]>();
    let first = account(&random_address(), &credential_id);
    create_account(store, &first).await.unwrap();
    let second = account(&random_address(), &credential_id);
    assert!(matches!(
        create_account(store, &second).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.account("durability", &second.address).await.unwrap(),
        None,
        "the account of a registration whose credential failed was rolled back"
    );
    assert!(
        store
            .account("durability", &first.address)
            .await
            .unwrap()
            .is_some()
    );
}

/// The versions in the migrations table: all of them, and those applied successfully.
async fn migrations(url: &str) -> (Vec<i64>, Vec<i64>) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let versions = |sql| {
        let pool = &pool;
        async move {
            sqlx::query(sql)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|row| row.try_get::<i64, _>("version").unwrap())
                .collect::<Vec<_>>()
        }
    };
    let all = versions("SELECT version FROM _sqlx_migrations ORDER BY version").await;
    let applied =
        versions("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version").await;
    pool.close().await;
    (all, applied)
}

#[tokio::test]
async fn sqlite_registration_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::connect(&sqlite_url(dir.path())).await.unwrap();
    a_failed_registration_leaves_no_account(&store).await;
}

#[tokio::test]
async fn postgres_registration_is_all_or_nothing() {
    let Ok(url) = std::env::var("BAAS_TEST_DATABASE_URL") else {
        eprintln!("skipping the PostgreSQL test: BAAS_TEST_DATABASE_URL is not set");
        return;
    };
    let store = SqlStore::connect(&url).await.unwrap();
    a_failed_registration_leaves_no_account(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_migrations_are_idempotent_across_restarts() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let url = sqlite_url(dir.path());
    let server = TestServer::open(config(), dir.clone(), Default::default()).await;
    let session = server.sign_up(&mut Device::new()).await;
    let applied = migrations(&url).await;
    assert!(
        !applied.0.is_empty() && applied.0 == applied.1,
        "{applied:?}"
    );
    drop(server);
    // Three sequential starts, then three at once: the schema and the data stay as they were.
    for _ in 0..3 {
        SqlStore::connect(&url).await.unwrap();
    }
    let (a, b, c) = tokio::join!(
        SqlStore::connect(&url),
        SqlStore::connect(&url),
        SqlStore::connect(&url)
    );
    for store in [a, b, c] {
        store.unwrap();
    }
    assert_eq!(migrations(&url).await, applied);
    let server = TestServer::open(config(), dir, Default::default()).await;
    server
        .get("/v1/auth/user")
        .bearer(session["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrations_are_idempotent_across_restarts() {
    let Ok(url) = std::env::var("BAAS_TEST_DATABASE_URL") else {
        eprintln!("skipping the PostgreSQL test: BAAS_TEST_DATABASE_URL is not set");
        return;
    };
    SqlStore::connect(&url).await.unwrap();
    let applied = migrations(&url).await;
    assert!(
        !applied.0.is_empty() && applied.0 == applied.1,
        "{applied:?}"
    );
    let (a, b, c) = tokio::join!(
        SqlStore::connect(&url),
        SqlStore::connect(&url),
        SqlStore::connect(&url)
    );
    for store in [a, b, c] {
        store.unwrap();
    }
    assert_eq!(migrations(&url).await, applied);
}
