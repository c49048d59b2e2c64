//! [`Store`] on SQLite (one file, WAL) or PostgreSQL, through sqlx's `Any` driver: one set of
//! queries and one schema (`migrations/`) for both. The queries use only what both dialects
//! share (`$n` parameters, `RETURNING`, `ON CONFLICT … DO NOTHING`, BIGINT and TEXT), and the
//! schema's `BLOB` is rewritten to `BYTEA` for PostgreSQL.

use std::borrow::Cow;
use std::time::Duration;

use async_trait::async_trait;
use baas_core::api::SignInMethod;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, Executor as _, Row as _, SqlSafeStr as _};

use super::{
    Account, Ceremony, CompletedSignIn, CompletedSignUp, Credential, CredentialWithHandle,
    IssuedChallenge, NewAccount, NewChallenge, NewNonce, NewRefreshToken, NonceBinding, Purged,
    Result, Rotation, Session, SignInOutcome, SigningKey, Store, StoreError,
};

/// The schema migrations, in order, as (version, description, portable SQL).
const MIGRATIONS: [(i64, &str, &str); 2] = [
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "wallet nonces",
        include_str!("../../migrations/0002_wallet_nonces.sql"),
    ),
];

/// How often preparing an SQLite file is retried after losing a race with another process.
const PREPARE_RETRIES: u32 = 5;

/// The database behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn of(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Backend(
                "DATABASE_URL must start with sqlite: or postgres://".into(),
            ))
        }
    }

    /// The portable schema SQL in this dialect.
    fn schema(self, sql: &str) -> String {
        match self {
            Self::Sqlite => sql.to_owned(),
            Self::Postgres => sql.replace("BLOB", "BYTEA"),
        }
    }
}

/// The SQL store.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
}

impl SqlStore {
    /// Connects to `url` (`sqlite:…` or `postgres://…`), creating an SQLite file when missing
    /// (`mode=rwc` is added unless the URL sets a mode), and applies pending migrations.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the URL is of another database, the database cannot be
    /// reached or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::of(url)?;
        let url = match dialect {
            Dialect::Sqlite if !url.contains("mode=") => {
                let separator = if url.contains('?') { '&' } else { '?' };
                format!("{url}{separator}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        // FULL: every commit is on disk before it is answered. In WAL mode,
                        // NORMAL survives a crash of the process too, but a power cut or OS
                        // crash can take back the last commits: a sign-out, a used challenge or
                        // a rotated refresh token would come back. That costs one fsync of the
                        // WAL per commit, which auth traffic can afford.
                        conn.execute("PRAGMA synchronous = FULL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    AssertSqlSafe(dialect.schema(sql)).into_sql_str(),
                    false,
                )
            })
            .collect();
        let migrator = Migrator::with_migrations(migrations);
        // PostgreSQL migrations hold an advisory lock. SQLite has none, and switching to WAL
        // cannot wait for a lock: when two processes open a new file at once, the loser fails
        // (on the winner's lock or tables), and its retry finds the file ready.
        let mut retries = if dialect == Dialect::Sqlite {
            PREPARE_RETRIES
        } else {
            0
        };
        loop {
            match prepare(&pool, dialect, &migrator).await {
                Ok(()) => return Ok(Self { pool }),
                Err(_) if retries > 0 => {
                    retries -= 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// Puts an SQLite file in WAL mode, then applies pending migrations.
async fn prepare(pool: &AnyPool, dialect: Dialect, migrator: &Migrator) -> Result<()> {
    if dialect == Dialect::Sqlite {
        // Persistent in the file: readers never block the writer.
        sqlx::query("PRAGMA journal_mode = WAL")
            .fetch_optional(pool)
            .await?;
    }
    migrator
        .run(pool)
        .await
        .map_err(|error| StoreError::Backend(error.into()))
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(e) if e.is_unique_violation() => Self::Conflict,
            _ => Self::Backend(error.into()),
        }
    }
}

/// A stored value that breaks the schema's rules.
fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("corrupt row: {what}").into())
}

fn method_name(method: SignInMethod) -> &'static str {
    match method {
        SignInMethod::Passkey => "passkey",
        SignInMethod::Wallet => "wallet",
    }
}

fn method_of(row: &AnyRow) -> Result<SignInMethod> {
    match row.try_get::<String, _>("method")?.as_str() {
        "passkey" => Ok(SignInMethod::Passkey),
        "wallet" => Ok(SignInMethod::Wallet),
        _ => Err(corrupt("method")),
    }
}

fn flag(row: &AnyRow, column: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn credential_of(row: &AnyRow) -> Result<CredentialWithHandle> {
    let transports: String = row.try_get("transports")?;
    Ok(CredentialWithHandle {
        credential: Credential {
            id: row.try_get("credential_id")?,
            address: row.try_get("address")?,
            public_key: row.try_get("public_key")?,
            sign_count: u32::try_from(row.try_get::<i64, _>("sign_count")?)
                .map_err(|_| corrupt("sign_count"))?,
            backup_eligible: flag(row, "backup_eligible")?,
            backed_up: flag(row, "backed_up")?,
            transports: serde_json::from_str(&transports).map_err(|_| corrupt("transports"))?,
        },
        user_handle: row.try_get("user_handle")?,
    })
}

fn session_of(row: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        address: row.try_get("address")?,
        method: method_of(row)?,
        credential_id: row.try_get("credential_id")?,
    })
}

fn challenge_of(row: &AnyRow) -> Result<IssuedChallenge> {
    Ok(IssuedChallenge {
        challenge: row.try_get("challenge")?,
        user_handle: row.try_get("user_handle")?,
        expires_at: row.try_get("expires_at")?,
    })
}

fn signing_key_of(row: &AnyRow) -> Result<SigningKey> {
    Ok(SigningKey {
        slot: row.try_get("slot")?,
        kid: row.try_get("kid")?,
        private_key: row.try_get("private_key")?,
        use_from: row.try_get("use_from")?,
        use_until: row.try_get("use_until")?,
    })
}

const SIGNING_KEY_COLUMNS: &str = "slot, kid, private_key, use_from, use_until";

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    async fn put_challenge(&self, challenge: &NewChallenge) -> Result<()> {
        sqlx::query(
            "INSERT INTO challenges (id, project_id, ceremony, challenge, user_handle, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&challenge.id)
        .bind(&challenge.project_id)
        .bind(challenge.ceremony.as_str())
        .bind(&challenge.challenge)
        .bind(&challenge.user_handle)
        .bind(challenge.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_challenge(
        &self,
        id: &str,
        project_id: &str,
        ceremony: Ceremony,
    ) -> Result<Option<IssuedChallenge>> {
        let row = sqlx::query(
            "DELETE FROM challenges WHERE id = $1 AND project_id = $2 AND ceremony = $3
             RETURNING challenge, user_handle, expires_at",
        )
        .bind(id)
        .bind(project_id)
        .bind(ceremony.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(challenge_of).transpose()
    }

    async fn challenge(
        &self,
        id: &str,
        project_id: &str,
        ceremony: Ceremony,
    ) -> Result<Option<IssuedChallenge>> {
        let row = sqlx::query(
            "SELECT challenge, user_handle, expires_at FROM challenges
             WHERE id = $1 AND project_id = $2 AND ceremony = $3",
        )
        .bind(id)
        .bind(project_id)
        .bind(ceremony.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(challenge_of).transpose()
    }

    async fn put_nonce(&self, nonce: &NewNonce) -> Result<()> {
        sqlx::query(
            "INSERT INTO wallet_nonces (nonce_hash, project_id, address, chain_id, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&nonce.hash[..])
        .bind(&nonce.binding.project_id)
        .bind(&nonce.binding.address)
        .bind(nonce.binding.chain_id.to_string())
        .bind(nonce.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_nonce(&self, hash: &[u8; 32], binding: &NonceBinding) -> Result<Option<i64>> {
        let row = sqlx::query(
            "DELETE FROM wallet_nonces
             WHERE nonce_hash = $1 AND project_id = $2 AND address = $3 AND chain_id = $4
             RETURNING expires_at",
        )
        .bind(&hash[..])
        .bind(&binding.project_id)
        .bind(&binding.address)
        .bind(binding.chain_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| row.try_get("expires_at")).transpose()?)
    }

    async fn wallet_account(
        &self,
        project_id: &str,
        address: &str,
        user_handle: &[u8],
        now: i64,
    ) -> Result<Account> {
        sqlx::query(
            "INSERT INTO accounts (project_id, address, user_handle, method, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, address) DO NOTHING",
        )
        .bind(project_id)
        .bind(address)
        .bind(user_handle)
        .bind(method_name(SignInMethod::Wallet))
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.account(project_id, address)
            .await?
            .ok_or_else(|| corrupt("an account vanished right after it was ensured"))
    }

    async fn complete_sign_up(&self, sign_up: &CompletedSignUp<'_>) -> Result<bool> {
        let account = sign_up.account;
        // Starts with a write (see complete_sign_in). A unique violation below drops the
        // transaction, which rolls it back.
        let mut tx = self.pool.begin().await?;
        if !take_challenge_in(
            &mut tx,
            sign_up.challenge_id,
            &account.project_id,
            Ceremony::Register,
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_account(&mut tx, account).await?;
        insert_session(&mut tx, sign_up.session, sign_up.token).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn credential(
        &self,
        project_id: &str,
        credential_id: &[u8],
    ) -> Result<Option<CredentialWithHandle>> {
        let row = sqlx::query(
            "SELECT c.credential_id, c.address, c.public_key, c.sign_count, c.backup_eligible,
                    c.backed_up, c.transports, a.user_handle
             FROM credentials c
             JOIN accounts a ON a.project_id = c.project_id AND a.address = c.address
             WHERE c.project_id = $1 AND c.credential_id = $2",
        )
        .bind(project_id)
        .bind(credential_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(credential_of).transpose()
    }

    async fn complete_sign_in(&self, sign_in: &CompletedSignIn<'_>) -> Result<SignInOutcome> {
        let update = &sign_in.update;
        // Starts with a write, so SQLite takes the write lock before anything else; PostgreSQL
        // locks the challenge row, and a concurrent taker finds it gone once this commits.
        let mut tx = self.pool.begin().await?;
        if !take_challenge_in(
            &mut tx,
            sign_in.challenge_id,
            update.project_id,
            Ceremony::Login,
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(SignInOutcome::ChallengeTaken);
        }
        let counted = sqlx::query(
            "UPDATE credentials SET sign_count = $1, backed_up = $2, last_used_at = $3
             WHERE project_id = $4 AND credential_id = $5 AND sign_count = $6",
        )
        .bind(i64::from(update.sign_count))
        .bind(i64::from(update.backed_up))
        .bind(update.now)
        .bind(update.project_id)
        .bind(update.credential_id)
        .bind(i64::from(update.previous_sign_count))
        .execute(&mut *tx)
        .await?;
        if counted.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(SignInOutcome::CounterMoved);
        }
        insert_session(&mut tx, sign_in.session, sign_in.token).await?;
        tx.commit().await?;
        Ok(SignInOutcome::Completed)
    }

    async fn account(&self, project_id: &str, address: &str) -> Result<Option<Account>> {
        let row = sqlx::query(
            "SELECT address, method, created_at FROM accounts WHERE project_id = $1 AND address = $2",
        )
        .bind(project_id)
        .bind(address)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Account {
                address: row.try_get("address")?,
                method: method_of(&row)?,
                created_at: row.try_get("created_at")?,
            })
        })
        .transpose()
    }

    async fn start_session(&self, session: &Session, token: &NewRefreshToken) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_session(&mut tx, session, token).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rotate_refresh_token(
        &self,
        project_id: &str,
        hash: &[u8; 32],
        next: &NewRefreshToken,
        now: i64,
    ) -> Result<Rotation> {
        // Starts with a write, so SQLite takes the write lock before reading anything.
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE refresh_tokens SET rotated_at = $1
             WHERE token_hash = $2 AND rotated_at IS NULL AND expires_at > $1
               AND session_id IN (SELECT id FROM sessions WHERE project_id = $3 AND revoked_at IS NULL)
             RETURNING session_id",
        )
        .bind(now)
        .bind(&hash[..])
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = claimed {
            let session_id: String = row.try_get("session_id")?;
            insert_refresh_token(&mut tx, &session_id, next).await?;
            let session = sqlx::query(
                "UPDATE sessions SET expires_at = $1 WHERE id = $2
                 RETURNING id, project_id, address, method, credential_id",
            )
            .bind(next.expires_at)
            .bind(&session_id)
            .fetch_one(&mut *tx)
            .await?;
            let session = session_of(&session)?;
            tx.commit().await?;
            return Ok(Rotation::Rotated(session));
        }
        let Some(row) = sqlx::query(
            "SELECT t.session_id, t.rotated_at, t.expires_at, s.revoked_at
             FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
             WHERE t.token_hash = $1 AND s.project_id = $2",
        )
        .bind(&hash[..])
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Rotation::Unknown);
        };
        let outcome = if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
            Rotation::Revoked
        } else if row.try_get::<Option<i64>, _>("rotated_at")?.is_some() {
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.try_get::<String, _>("session_id")?)
                .execute(&mut *tx)
                .await?;
            Rotation::Reused
        } else if row.try_get::<i64, _>("expires_at")? <= now {
            Rotation::Expired
        } else {
            // Unreachable while the claim above holds its lock; refuse rather than guess.
            Rotation::Unknown
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn revoke_session(&self, project_id: &str, id: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1
             WHERE id = $2 AND project_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(project_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn revoke_session_of_refresh_token(
        &self,
        project_id: &str,
        hash: &[u8; 32],
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1
             WHERE project_id = $2 AND revoked_at IS NULL
               AND id IN (SELECT session_id FROM refresh_tokens WHERE token_hash = $3)",
        )
        .bind(now)
        .bind(project_id)
        .bind(&hash[..])
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_active(&self, project_id: &str, id: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT id FROM sessions WHERE id = $1 AND project_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn ensure_signing_key(&self, key: &SigningKey) -> Result<SigningKey> {
        sqlx::query(
            "INSERT INTO signing_keys (slot, kid, private_key, use_from, use_until, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slot) DO NOTHING",
        )
        .bind(&key.slot)
        .bind(&key.kid)
        .bind(&key.private_key)
        .bind(key.use_from)
        .bind(key.use_until)
        .bind(key.use_from)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys WHERE slot = $1"
        )))
        .bind(&key.slot)
        .fetch_one(&self.pool)
        .await?;
        signing_key_of(&row)
    }

    async fn signing_key(&self, kid: &str) -> Result<Option<SigningKey>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys WHERE kid = $1"
        )))
        .bind(kid)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(signing_key_of).transpose()
    }

    async fn signing_keys(&self, since: i64) -> Result<Vec<SigningKey>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys WHERE use_until > $1 ORDER BY use_from"
        )))
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(signing_key_of).collect()
    }

    async fn purge(&self, now: i64, keys_before: i64) -> Result<Purged> {
        let delete = |sql: &'static str, before: i64| async move {
            let result = sqlx::query(sql).bind(before).execute(&self.pool).await?;
            Ok::<_, StoreError>(result.rows_affected())
        };
        Ok(Purged {
            challenges: delete("DELETE FROM challenges WHERE expires_at <= $1", now).await?,
            nonces: delete("DELETE FROM wallet_nonces WHERE expires_at <= $1", now).await?,
            refresh_tokens: delete("DELETE FROM refresh_tokens WHERE expires_at <= $1", now)
                .await?,
            sessions: delete("DELETE FROM sessions WHERE expires_at <= $1", now).await?,
            signing_keys: delete(
                "DELETE FROM signing_keys WHERE use_until <= $1",
                keys_before,
            )
            .await?,
        })
    }
}

/// Inserts an account and its credential.
async fn insert_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &NewAccount,
) -> Result<()> {
    let credential = &account.credential;
    let transports =
        serde_json::to_string(&credential.transports).map_err(|e| StoreError::Backend(e.into()))?;
    sqlx::query(
        "INSERT INTO accounts (project_id, address, user_handle, method, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&account.project_id)
    .bind(&account.address)
    .bind(&account.user_handle)
    .bind(method_name(SignInMethod::Passkey))
    .bind(account.created_at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO credentials (project_id, credential_id, address, public_key, sign_count,
             backup_eligible, backed_up, transports, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&account.project_id)
    .bind(&credential.id)
    .bind(&account.address)
    .bind(&credential.public_key)
    .bind(i64::from(credential.sign_count))
    .bind(i64::from(credential.backup_eligible))
    .bind(i64::from(credential.backed_up))
    .bind(transports)
    .bind(account.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes challenge `id` of this project and ceremony; whether it was there.
async fn take_challenge_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    project_id: &str,
    ceremony: Ceremony,
) -> Result<bool> {
    let taken =
        sqlx::query("DELETE FROM challenges WHERE id = $1 AND project_id = $2 AND ceremony = $3")
            .bind(id)
            .bind(project_id)
            .bind(ceremony.as_str())
            .execute(&mut **tx)
            .await?;
    Ok(taken.rows_affected() == 1)
}

/// Inserts a session and its first refresh token.
async fn insert_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    session: &Session,
    token: &NewRefreshToken,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, project_id, address, method, credential_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&session.id)
    .bind(&session.project_id)
    .bind(&session.address)
    .bind(method_name(session.method))
    .bind(&session.credential_id)
    .bind(token.created_at)
    .bind(token.expires_at)
    .execute(&mut **tx)
    .await?;
    insert_refresh_token(tx, &session.id, token).await
}

async fn insert_refresh_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    session_id: &str,
    token: &NewRefreshToken,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&token.hash[..])
    .bind(session_id)
    .bind(token.created_at)
    .bind(token.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pragma(store: &SqlStore, name: &str) -> String {
        let row = sqlx::query(AssertSqlSafe(format!("PRAGMA {name}")))
            .fetch_one(&store.pool)
            .await
            .unwrap();
        row.try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
            .unwrap()
    }

    #[tokio::test]
    async fn sqlite_is_durable_wal_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("baas.sqlite").display());
        let store = SqlStore::connect(&url).await.unwrap();
        assert_eq!(pragma(&store, "journal_mode").await, "wal");
        assert_eq!(pragma(&store, "synchronous").await, "2", "FULL");
        assert_eq!(pragma(&store, "foreign_keys").await, "1");
    }
}
