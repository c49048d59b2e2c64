-- baas-server schema, version 1. Written once for SQLite and PostgreSQL: the store rewrites
-- BLOB to BYTEA for PostgreSQL, and nothing else differs. Times are Unix seconds, flags 0/1.

CREATE TABLE accounts (
    project_id  TEXT   NOT NULL,
    address     TEXT   NOT NULL,
    user_handle BLOB   NOT NULL,
    method      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (project_id, address)
);

CREATE TABLE credentials (
    project_id      TEXT   NOT NULL,
    credential_id   BLOB   NOT NULL,
    address         TEXT   NOT NULL,
    public_key      BLOB   NOT NULL,
    sign_count      BIGINT NOT NULL,
    backup_eligible BIGINT NOT NULL,
    backed_up       BIGINT NOT NULL,
    transports      TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    PRIMARY KEY (project_id, credential_id),
    FOREIGN KEY (project_id, address) REFERENCES accounts (project_id, address) ON DELETE CASCADE
);
CREATE INDEX credentials_by_account ON credentials (project_id, address);

CREATE TABLE challenges (
    id          TEXT   PRIMARY KEY,
    project_id  TEXT   NOT NULL,
    ceremony    TEXT   NOT NULL,
    challenge   BLOB   NOT NULL,
    user_handle BLOB,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX challenges_by_expiry ON challenges (expires_at);

-- A session is one family of refresh tokens; its id is the `sid` of its access tokens.
CREATE TABLE sessions (
    id            TEXT   PRIMARY KEY,
    project_id    TEXT   NOT NULL,
    address       TEXT   NOT NULL,
    method        TEXT   NOT NULL,
    credential_id BLOB,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    FOREIGN KEY (project_id, address) REFERENCES accounts (project_id, address) ON DELETE CASCADE
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Only the SHA-256 of a refresh token is stored. A rotated token stays until it expires, so
-- that presenting it again is recognised as reuse.
CREATE TABLE refresh_tokens (
    token_hash BLOB   PRIMARY KEY,
    session_id TEXT   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

-- At most one key per rotation slot, so concurrent processes agree on the current key.
CREATE TABLE signing_keys (
    slot        TEXT   PRIMARY KEY,
    kid         TEXT   NOT NULL UNIQUE,
    private_key BLOB   NOT NULL,
    use_from    BIGINT NOT NULL,
    use_until   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX signing_keys_by_use_until ON signing_keys (use_until);
