-- API keys of the admin API (docs/admin.md): per tenant, a name and a
-- role (admin, editor or viewer: what ec_staff_can() gives that role).
-- The key itself ("eck_" and 43 characters of base64url: 256 random
-- bits) is shown once when it is made and stored only as its SHA-256
-- (key_hash, hex): a copy of this table lets nobody in. Revoking sets
-- revoked_at, and the key stops working at once; last_used_at is kept
-- to the minute.
--
-- Compatible with the previous release: one new table.

CREATE TABLE IF NOT EXISTS api_keys (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    name            VARCHAR(100) NOT NULL,
    role            ENUM('admin', 'editor', 'viewer') NOT NULL,
    key_hash        CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at    DATETIME(6) NULL,
    revoked_at      DATETIME(6) NULL,
    UNIQUE KEY uq_api_key_hash (key_hash),
    UNIQUE KEY uq_api_key_name (tenant_id, name),
    CONSTRAINT fk_api_key_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_api_key_hash CHECK (key_hash REGEXP '^[0-9a-f]{64}$'),
    CONSTRAINT ck_api_key_name CHECK (CHAR_LENGTH(name) >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
