-- baas-server schema, version 2: wallet sign-in (EIP-4361). Portable like version 1.
-- A nonce is single use and bound to its project, the EIP-55 address and the chain ID (decimal
-- text: chain IDs are unsigned 64-bit). Only the SHA-256 of a nonce is stored.
CREATE TABLE wallet_nonces (
    nonce_hash BLOB   PRIMARY KEY,
    project_id TEXT   NOT NULL,
    address    TEXT   NOT NULL,
    chain_id   TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX wallet_nonces_by_expiry ON wallet_nonces (expires_at);
