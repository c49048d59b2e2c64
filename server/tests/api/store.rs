//! The store's atomic operations, run against SQLite here and against PostgreSQL in
//! `postgres.rs`: the same suite, so both backends keep one behaviour.

use std::sync::Arc;

use async_trait::async_trait;
use baas_core::api::SignInMethod;
use baas_server::clock::{Clock as _, SystemClock};
use baas_server::store::sql::SqlStore;
use baas_server::store::{Account, CredentialWithHandle, IssuedChallenge, Purged};
use baas_server::store::{
    Ceremony, CompletedSignIn, CompletedSignUp, Credential, NewAccount, NewChallenge, NewNonce,
    NewRefreshToken, NonceBinding, Rotation, Session, SignInOutcome, SignInUpdate, SigningKey,
    Store, StoreError,
};
use baas_server::tokens::random_id;
use tokio::task::JoinHandle;

use crate::support::{Device, TestServer, config, sqlite_url};

/// Awaits spawned tasks.
async fn join_all<T>(
    handles: impl IntoIterator<Item = JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut results = Vec::new();
    for handle in handles.into_iter().collect::<Vec<_>>() {
        results.push(handle.await);
    }
    results
}

/// Every store scenario, on fresh random IDs (the PostgreSQL database is shared between runs).
pub async fn exercise(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    challenges_are_taken_once(&store).await;
    accounts_and_counters(&store).await;
    sign_ups_are_all_or_nothing(&store).await;
    sign_in_challenges_are_taken_once(&store).await;
    refresh_token_rotation(&store).await;
    one_signing_key_per_slot(&store).await;
    purge_deletes_what_expired(&store).await;
}

fn now() -> i64 {
    SystemClock.now()
}

async fn challenges_are_taken_once(store: &Arc<dyn Store>) {
    let project = random_id();
    let challenge = NewChallenge {
        id: random_id(),
        project_id: project.clone(),
        ceremony: Ceremony::Register,
        challenge: vec![7; 32],
        user_handle: Some(vec![9; 32]),
        expires_at: now() + 60,
    };
    store.put_challenge(&challenge).await.unwrap();
    let issued = IssuedChallenge {
        challenge: challenge.challenge.clone(),
        user_handle: challenge.user_handle.clone(),
        expires_at: challenge.expires_at,
    };
    for _ in 0..2 {
        let read = store.challenge(&challenge.id, &project, Ceremony::Register);
        assert_eq!(
            read.await.unwrap().as_ref(),
            Some(&issued),
            "reading takes nothing"
        );
    }
    for (project, ceremony) in [
        (random_id(), Ceremony::Register),
        (project.clone(), Ceremony::Login),
    ] {
        let read = store.challenge(&challenge.id, &project, ceremony);
        assert_eq!(read.await.unwrap(), None, "another project or ceremony");
    }
    assert_eq!(
        store
            .take_challenge(&challenge.id, &random_id(), Ceremony::Register)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .take_challenge(&challenge.id, &project, Ceremony::Login)
            .await
            .unwrap(),
        None
    );
    let takers = (0..8).map(|_| {
        let store = Arc::clone(store);
        let (id, project) = (challenge.id.clone(), project.clone());
        tokio::spawn(async move {
            store
                .take_challenge(&id, &project, Ceremony::Register)
                .await
                .unwrap()
        })
    });
    let taken: Vec<_> = join_all(takers)
        .await
        .into_iter()
        .filter_map(Result::unwrap)
        .collect();
    assert_eq!(
        taken.len(),
        1,
        "exactly one concurrent taker gets the challenge"
    );
    assert_eq!(taken[0].challenge, challenge.challenge);
    assert_eq!(taken[0].user_handle, challenge.user_handle);
    assert_eq!(taken[0].expires_at, challenge.expires_at);
}

fn account(project: &str) -> NewAccount {
    let address = format!("0x{}", hex_of(&rand::random::<[u8; 20]>()));
    NewAccount {
        project_id: project.to_owned(),
        address: address.clone(),
        user_handle: rand::random::<[u8; 32]>().to_vec(),
        created_at: now(),
        credential: Credential {
            id: rand::random::<[u8; 16]>().to_vec(),
            address,
            public_key: vec![0xa5; 77],
            sign_count: 5,
            backup_eligible: true,
            backed_up: false,
            transports: vec!["internal".into(), "hybrid".into()],
        },
    }
}

/// Registers `account` as the server does: a registration challenge, then one transaction that
/// takes it, creates the account and starts a first session.
pub async fn create_account(store: &dyn Store, account: &NewAccount) -> Result<(), StoreError> {
    let challenge = NewChallenge {
        ceremony: Ceremony::Register,
        user_handle: Some(account.user_handle.clone()),
        ..new_challenge(&account.project_id)
    };
    store.put_challenge(&challenge).await?;
    match complete_sign_up(store, account, &challenge.id).await? {
        (true, _) => Ok(()),
        (false, _) => panic!("a fresh challenge was gone"),
    }
}

/// [`Store::complete_sign_up`] with a fresh session; returns its answer and the session's ID.
async fn complete_sign_up(
    store: &dyn Store,
    account: &NewAccount,
    challenge_id: &str,
) -> Result<(bool, String), StoreError> {
    let session = Session {
        id: random_id(),
        project_id: account.project_id.clone(),
        address: account.address.clone(),
        method: SignInMethod::Passkey,
        credential_id: Some(account.credential.id.clone()),
    };
    let (first, _) = token(600);
    let sign_up = CompletedSignUp {
        challenge_id,
        account,
        session: &session,
        token: &first,
    };
    Ok((store.complete_sign_up(&sign_up).await?, session.id))
}

/// A registration writes all or nothing: a used challenge or a taken credential ID leaves no
/// account, no session, and (for the conflict) the challenge where it was.
async fn sign_ups_are_all_or_nothing(store: &Arc<dyn Store>) {
    let project = random_id();
    let first = account(&project);
    let challenge = NewChallenge {
        ceremony: Ceremony::Register,
        ..new_challenge(&project)
    };
    store.put_challenge(&challenge).await.unwrap();
    let (completed, session) = complete_sign_up(store.as_ref(), &first, &challenge.id)
        .await
        .unwrap();
    assert!(completed);
    assert!(store.session_active(&project, &session).await.unwrap());
    assert!(
        store
            .account(&project, &first.address)
            .await
            .unwrap()
            .is_some()
    );
    let read = store.challenge(&challenge.id, &project, Ceremony::Register);
    assert_eq!(read.await.unwrap(), None, "taken");

    // The same challenge again.
    let second = account(&project);
    let (completed, session) = complete_sign_up(store.as_ref(), &second, &challenge.id)
        .await
        .unwrap();
    assert!(!completed);
    assert!(!store.session_active(&project, &session).await.unwrap());
    assert!(
        store
            .account(&project, &second.address)
            .await
            .unwrap()
            .is_none()
    );

    // A fresh challenge, a credential ID already taken.
    let mut twin = account(&project);
    twin.credential.id = first.credential.id.clone();
    let fresh = NewChallenge {
        ceremony: Ceremony::Register,
        ..new_challenge(&project)
    };
    store.put_challenge(&fresh).await.unwrap();
    assert!(matches!(
        complete_sign_up(store.as_ref(), &twin, &fresh.id).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        store
            .account(&project, &twin.address)
            .await
            .unwrap()
            .is_none()
    );
    let read = store.challenge(&fresh.id, &project, Ceremony::Register);
    assert!(read.await.unwrap().is_some(), "rolled back with the rest");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn accounts_and_counters(store: &Arc<dyn Store>) {
    let project = random_id();
    let new = account(&project);
    create_account(store.as_ref(), &new).await.unwrap();
    let mut twin = account(&project);
    twin.credential.id = new.credential.id.clone();
    assert!(matches!(
        create_account(store.as_ref(), &twin).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        store
            .account(&project, &twin.address)
            .await
            .unwrap()
            .is_none(),
        "nothing of the twin was kept"
    );

    let found = store
        .credential(&project, &new.credential.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.credential, new.credential);
    assert_eq!(found.user_handle, new.user_handle);
    assert!(
        store
            .credential(&random_id(), &new.credential.id)
            .await
            .unwrap()
            .is_none()
    );
    let account = store
        .account(&project, &new.address)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (account.method, account.created_at),
        (SignInMethod::Passkey, new.created_at)
    );

    // Two sign-ins verified from counter 5, each with its own challenge: one compare-and-set
    // wins, and the other writes nothing (its challenge stays, its session does not start).
    let attempts = [6, 7].map(|sign_count| {
        let (store, project, credential) =
            (Arc::clone(store), project.clone(), new.credential.clone());
        tokio::spawn(async move {
            let challenge = login_challenge(&store, &project).await;
            let outcome =
                complete_sign_in(&store, &project, &credential, &challenge, 5, sign_count).await;
            (outcome, challenge, sign_count)
        })
    });
    let mut outcomes: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    outcomes.sort_by_key(|(outcome, ..)| *outcome != SignInOutcome::Completed);
    let [(won, won_challenge, won_count), (lost, lost_challenge, _)] = &outcomes[..] else {
        panic!("two outcomes");
    };
    assert_eq!(
        (*won, *lost),
        (SignInOutcome::Completed, SignInOutcome::CounterMoved)
    );
    assert!(taken(store, &project, won_challenge).await);
    assert!(
        !taken(store, &project, lost_challenge).await,
        "the loser wrote nothing"
    );
    let stored = store
        .credential(&project, &new.credential.id)
        .await
        .unwrap()
        .unwrap()
        .credential;
    assert!(stored.backed_up);
    assert_eq!(stored.sign_count, *won_count);
}

/// A sign-in challenge taken by concurrent sign-ins of a passkey that does not count (0 stays
/// 0, so only the challenge can stop them): one completes, every other writes nothing.
async fn sign_in_challenges_are_taken_once(store: &Arc<dyn Store>) {
    let project = random_id();
    let mut new = account(&project);
    new.credential.sign_count = 0;
    create_account(store.as_ref(), &new).await.unwrap();
    let challenge = login_challenge(store, &project).await;
    let attempts = (0..8).map(|_| {
        let (store, project, credential, challenge) = (
            Arc::clone(store),
            project.clone(),
            new.credential.clone(),
            challenge.clone(),
        );
        tokio::spawn(async move {
            complete_sign_in(&store, &project, &credential, &challenge, 0, 0).await
        })
    });
    let outcomes: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let completed = outcomes
        .iter()
        .filter(|o| **o == SignInOutcome::Completed)
        .count();
    assert_eq!(completed, 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, SignInOutcome::Completed | SignInOutcome::ChallengeTaken))
    );
    assert!(taken(store, &project, &challenge).await);
    // The challenge of another project or ceremony is not this one.
    let register = NewChallenge {
        ceremony: Ceremony::Register,
        ..new_challenge(&project)
    };
    store.put_challenge(&register).await.unwrap();
    assert_eq!(
        complete_sign_in(store, &project, &new.credential, &register.id, 0, 0).await,
        SignInOutcome::ChallengeTaken
    );
    let elsewhere = login_challenge(store, &random_id()).await;
    assert_eq!(
        complete_sign_in(store, &project, &new.credential, &elsewhere, 0, 0).await,
        SignInOutcome::ChallengeTaken
    );
}

fn new_challenge(project: &str) -> NewChallenge {
    NewChallenge {
        id: random_id(),
        project_id: project.to_owned(),
        ceremony: Ceremony::Login,
        challenge: rand::random::<[u8; 32]>().to_vec(),
        user_handle: None,
        expires_at: now() + 60,
    }
}

/// Issues a sign-in challenge of the project; returns its ID.
async fn login_challenge(store: &Arc<dyn Store>, project: &str) -> String {
    let challenge = new_challenge(project);
    store.put_challenge(&challenge).await.unwrap();
    challenge.id
}

/// Whether sign-in challenge `id` of the project is gone.
async fn taken(store: &Arc<dyn Store>, project: &str, id: &str) -> bool {
    store
        .challenge(id, project, Ceremony::Login)
        .await
        .unwrap()
        .is_none()
}

/// Completes a sign-in of `credential` from counter `from` to `to` with challenge `challenge`;
/// checks that its session started exactly when it completed.
async fn complete_sign_in(
    store: &Arc<dyn Store>,
    project: &str,
    credential: &Credential,
    challenge: &str,
    from: u32,
    to: u32,
) -> SignInOutcome {
    let session = Session {
        id: random_id(),
        project_id: project.to_owned(),
        address: credential.address.clone(),
        method: SignInMethod::Passkey,
        credential_id: Some(credential.id.clone()),
    };
    let (first, _) = token(600);
    let outcome = store
        .complete_sign_in(&CompletedSignIn {
            challenge_id: challenge,
            update: SignInUpdate {
                project_id: project,
                credential_id: &credential.id,
                previous_sign_count: from,
                sign_count: to,
                backed_up: true,
                now: now(),
            },
            session: &session,
            token: &first,
        })
        .await
        .unwrap();
    assert_eq!(
        store.session_active(project, &session.id).await.unwrap(),
        outcome == SignInOutcome::Completed
    );
    outcome
}

fn token(expires_in: i64) -> (NewRefreshToken, [u8; 32]) {
    let hash = rand::random::<[u8; 32]>();
    (
        NewRefreshToken {
            hash,
            created_at: now(),
            expires_at: now() + expires_in,
        },
        hash,
    )
}

async fn start_session(
    store: &Arc<dyn Store>,
    project: &str,
    expires_in: i64,
) -> (Session, [u8; 32]) {
    let account = account(project);
    create_account(store.as_ref(), &account).await.unwrap();
    let session = Session {
        id: random_id(),
        project_id: project.to_owned(),
        address: account.address.clone(),
        method: SignInMethod::Passkey,
        credential_id: Some(account.credential.id.clone()),
    };
    let (first, hash) = token(expires_in);
    store.start_session(&session, &first).await.unwrap();
    (session, hash)
}

async fn refresh_token_rotation(store: &Arc<dyn Store>) {
    let project = random_id();
    let (session, first) = start_session(store, &project, 600).await;
    assert!(store.session_active(&project, &session.id).await.unwrap());
    let (next, second) = token(600);
    assert_eq!(
        store
            .rotate_refresh_token(&project, &first, &next, now())
            .await
            .unwrap(),
        Rotation::Rotated(session.clone())
    );
    assert_eq!(
        store
            .rotate_refresh_token(&random_id(), &second, &token(600).0, now())
            .await
            .unwrap(),
        Rotation::Unknown
    );
    assert_eq!(
        store
            .rotate_refresh_token(&project, &[0; 32], &token(600).0, now())
            .await
            .unwrap(),
        Rotation::Unknown
    );
    // Reuse of the first token revokes the session, so the second one is refused too.
    assert_eq!(
        store
            .rotate_refresh_token(&project, &first, &token(600).0, now())
            .await
            .unwrap(),
        Rotation::Reused
    );
    assert!(!store.session_active(&project, &session.id).await.unwrap());
    assert_eq!(
        store
            .rotate_refresh_token(&project, &second, &token(600).0, now())
            .await
            .unwrap(),
        Rotation::Revoked
    );

    let (_, expiring) = start_session(store, &project, 10).await;
    assert_eq!(
        store
            .rotate_refresh_token(&project, &expiring, &token(600).0, now() + 10)
            .await
            .unwrap(),
        Rotation::Expired
    );

    // Concurrent presentations of one token: one rotation, and the other is reuse.
    let (session, current) = start_session(store, &project, 600).await;
    let rotations = (0..2).map(|_| {
        let (store, project) = (Arc::clone(store), project.clone());
        tokio::spawn(async move {
            store
                .rotate_refresh_token(&project, &current, &token(600).0, now())
                .await
                .unwrap()
        })
    });
    let outcomes: Vec<Rotation> = join_all(rotations)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        outcomes.contains(&Rotation::Rotated(session.clone())),
        "{outcomes:?}"
    );
    assert!(outcomes.contains(&Rotation::Reused), "{outcomes:?}");

    // Sign-out by session or by refresh token.
    let (session, hash) = start_session(store, &project, 600).await;
    store
        .revoke_session(&random_id(), &session.id, now())
        .await
        .unwrap();
    assert!(
        store.session_active(&project, &session.id).await.unwrap(),
        "another project cannot revoke it"
    );
    store
        .revoke_session_of_refresh_token(&project, &hash, now())
        .await
        .unwrap();
    assert!(!store.session_active(&project, &session.id).await.unwrap());
    let (session, _) = start_session(store, &project, 600).await;
    store
        .revoke_session(&project, &session.id, now())
        .await
        .unwrap();
    assert!(!store.session_active(&project, &session.id).await.unwrap());
}

async fn one_signing_key_per_slot(store: &Arc<dyn Store>) {
    let slot = format!("test:{}", random_id());
    let candidates = (0..4).map(|i| {
        let store = Arc::clone(store);
        let key = SigningKey {
            slot: slot.clone(),
            kid: random_id(),
            private_key: vec![i; 8],
            use_from: now(),
            use_until: now() + 60,
        };
        tokio::spawn(async move { store.ensure_signing_key(&key).await.unwrap() })
    });
    let chosen: Vec<SigningKey> = join_all(candidates)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        chosen.iter().all(|key| *key == chosen[0]),
        "every process gets the same key"
    );
    assert_eq!(
        store.signing_key(&chosen[0].kid).await.unwrap().as_ref(),
        Some(&chosen[0])
    );
    assert!(
        store
            .signing_keys(now())
            .await
            .unwrap()
            .contains(&chosen[0])
    );
    assert!(
        !store
            .signing_keys(now() + 60)
            .await
            .unwrap()
            .contains(&chosen[0])
    );
}

async fn purge_deletes_what_expired(store: &Arc<dyn Store>) {
    let project = random_id();
    let expired = NewChallenge {
        id: random_id(),
        project_id: project.clone(),
        ceremony: Ceremony::Login,
        challenge: vec![1; 32],
        user_handle: None,
        expires_at: now() - 1,
    };
    store.put_challenge(&expired).await.unwrap();
    let (old_session, old_token) = start_session(store, &project, -1).await;
    let (live_session, live_token) = start_session(store, &project, 600).await;
    let old_key = SigningKey {
        slot: format!("test:{}", random_id()),
        kid: random_id(),
        private_key: vec![1],
        use_from: 0,
        use_until: 1,
    };
    store.ensure_signing_key(&old_key).await.unwrap();

    let purged = store.purge(now(), now() - 3600).await.unwrap();
    assert!(
        purged.challenges >= 1
            && purged.refresh_tokens >= 1
            && purged.sessions >= 1
            && purged.signing_keys >= 1,
        "{purged:?}"
    );
    assert_eq!(
        store
            .take_challenge(&expired.id, &project, Ceremony::Login)
            .await
            .unwrap(),
        None
    );
    assert!(
        !store
            .session_active(&project, &old_session.id)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .rotate_refresh_token(&project, &old_token, &token(600).0, now())
            .await
            .unwrap(),
        Rotation::Unknown
    );
    assert!(store.signing_key(&old_key.kid).await.unwrap().is_none());
    assert!(
        store
            .session_active(&project, &live_session.id)
            .await
            .unwrap()
    );
    assert!(matches!(
        store
            .rotate_refresh_token(&project, &live_token, &token(600).0, now())
            .await
            .unwrap(),
        Rotation::Rotated(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::connect(&sqlite_url(dir.path())).await.unwrap();
    exercise(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_starting_together_on_one_file_agree() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let url = sqlite_url(dir.path());
    let (a, b) = tokio::join!(SqlStore::connect(&url), SqlStore::connect(&url));
    let (a, b): (Arc<dyn Store>, Arc<dyn Store>) = (Arc::new(a.unwrap()), Arc::new(b.unwrap()));
    two_processes(a, b, dir).await;
}

/// Two servers over one store: a session of one is good at the other, and they sign with one key.
pub async fn two_processes(a: Arc<dyn Store>, b: Arc<dyn Store>, dir: Arc<tempfile::TempDir>) {
    let a = TestServer::with_store(config(), a, dir.clone(), Default::default());
    let b = TestServer::with_store(config(), b, dir, Default::default());
    let now = a.state.now();
    let (key_a, key_b) = tokio::join!(
        a.state.keys().current(a.state.store(), now),
        b.state.keys().current(b.state.store(), now)
    );
    assert_eq!(key_a.unwrap().kid, key_b.unwrap().kid);

    let mut device = Device::new();
    let session = a.sign_up(&mut device).await;
    let signed_in = b.sign_in(&mut device).await.ok();
    assert_eq!(signed_in["address"], session["address"]);
    b.get("/v1/auth/user")
        .bearer(session["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
    a.get("/v1/auth/user")
        .bearer(signed_in["accessToken"].as_str().unwrap())
        .send()
        .await
        .ok();
}

/// A store whose database is gone; its error text must never reach a client.
struct BrokenStore;

fn broken<T>() -> Result<T, StoreError> {
    Err(StoreError::Backend(
        "connection to postgres://admin:hunter2@db failed".into(),
    ))
}

#[async_trait]
impl Store for BrokenStore {
    async fn ping(&self) -> Result<(), StoreError> {
        broken()
    }
    async fn put_challenge(&self, _: &NewChallenge) -> Result<(), StoreError> {
        broken()
    }
    async fn take_challenge(
        &self,
        _: &str,
        _: &str,
        _: Ceremony,
    ) -> Result<Option<IssuedChallenge>, StoreError> {
        broken()
    }
    async fn challenge(
        &self,
        _: &str,
        _: &str,
        _: Ceremony,
    ) -> Result<Option<IssuedChallenge>, StoreError> {
        broken()
    }
    async fn put_nonce(&self, _: &NewNonce) -> Result<(), StoreError> {
        broken()
    }
    async fn take_nonce(&self, _: &[u8; 32], _: &NonceBinding) -> Result<Option<i64>, StoreError> {
        broken()
    }
    async fn wallet_account(
        &self,
        _: &str,
        _: &str,
        _: &[u8],
        _: i64,
    ) -> Result<Account, StoreError> {
        broken()
    }
    async fn complete_sign_up(&self, _: &CompletedSignUp<'_>) -> Result<bool, StoreError> {
        broken()
    }
    async fn credential(
        &self,
        _: &str,
        _: &[u8],
    ) -> Result<Option<CredentialWithHandle>, StoreError> {
        broken()
    }
    async fn complete_sign_in(&self, _: &CompletedSignIn<'_>) -> Result<SignInOutcome, StoreError> {
        broken()
    }
    async fn account(&self, _: &str, _: &str) -> Result<Option<Account>, StoreError> {
        broken()
    }
    async fn start_session(&self, _: &Session, _: &NewRefreshToken) -> Result<(), StoreError> {
        broken()
    }
    async fn rotate_refresh_token(
        &self,
        _: &str,
        _: &[u8; 32],
        _: &NewRefreshToken,
        _: i64,
    ) -> Result<Rotation, StoreError> {
        broken()
    }
    async fn revoke_session(&self, _: &str, _: &str, _: i64) -> Result<(), StoreError> {
        broken()
    }
    async fn revoke_session_of_refresh_token(
        &self,
        _: &str,
        _: &[u8; 32],
        _: i64,
    ) -> Result<(), StoreError> {
        broken()
    }
    async fn session_active(&self, _: &str, _: &str) -> Result<bool, StoreError> {
        broken()
    }
    async fn ensure_signing_key(&self, _: &SigningKey) -> Result<SigningKey, StoreError> {
        broken()
    }
    async fn signing_key(&self, _: &str) -> Result<Option<SigningKey>, StoreError> {
        broken()
    }
    async fn signing_keys(&self, _: i64) -> Result<Vec<SigningKey>, StoreError> {
        broken()
    }
    async fn purge(&self, _: i64, _: i64) -> Result<Purged, StoreError> {
        broken()
    }
}

#[tokio::test]
async fn a_failing_store_is_a_500_that_says_nothing_internal() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let server = TestServer::with_store(config(), Arc::new(BrokenStore), dir, Default::default());
    for path in [
        "/v1/auth/passkey/login/options",
        "/v1/auth/passkey/register/options",
    ] {
        let reply = server.post(path).send().await;
        reply.assert_error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL");
        assert_eq!(reply.body["error"]["message"], "internal error");
    }
    let health = crate::support::Call::new(&server, axum::http::Method::GET, "/v1/health")
        .send()
        .await;
    health.assert_error(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "STORE_UNAVAILABLE",
    );
    assert!(!health.body.to_string().contains("hunter2"));
    let jwks =
        crate::support::Call::new(&server, axum::http::Method::GET, "/.well-known/jwks.json")
            .send()
            .await;
    jwks.assert_error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL");
}
