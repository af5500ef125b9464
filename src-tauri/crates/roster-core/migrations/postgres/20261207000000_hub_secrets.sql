-- Secrets the hub keeps for its Workspaces (the SMTP password of each), sealed with
-- XChaCha20-Poly1305 under a key of the hub's own configuration (--secret-key-file), never in
-- clear: `sealed` is the 24-byte nonce followed by the ciphertext and its tag, and the name is
-- the associated data, so a sealed value copied under another name does not open. A copy of
-- the database without the key file holds no usable SMTP password.
CREATE TABLE hub_secrets (
    name       text NOT NULL,
    sealed     bytea NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT hub_secrets_pkey PRIMARY KEY (name)
);
