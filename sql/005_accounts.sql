-- Customer accounts, per tenant, and their password reset tokens. See
-- docs/identity.md.
--
-- An account belongs to one tenant: the same e-mail address at two brands
-- is two accounts, with two passwords. The e-mail is stored as the service
-- normalised it (trimmed, lower case, ASCII only: an internationalised
-- domain in its xn-- form; svc/account.c), so the unique key finds
-- "Ann@Example.dk" and "ann@example.dk" to be the same, and compares byte
-- for byte (ascii_bin): no collation folds two different addresses into one.
--
-- password_hash is an argon2id hash in the PHC string format
-- ("$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>"), which names its own
-- parameters, so hashes made with older parameters keep verifying and are
-- replaced at the next sign-in.
--
-- Compatible with the previous release: two new tables, nothing else
-- changes, so a worker of the release before runs against this schema.

CREATE TABLE IF NOT EXISTS accounts (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    email           VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    name            VARCHAR(100) NOT NULL,
    password_hash   VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                    ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_accounts_email (tenant_id, email),
    CONSTRAINT fk_accounts_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_accounts_email CHECK (email = LOWER(email) AND
        email LIKE '_%@_%'),
    CONSTRAINT ck_accounts_name CHECK (CHAR_LENGTH(name) >= 1),
    CONSTRAINT ck_accounts_hash CHECK (password_hash LIKE '$argon2id$%')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A reset token is 256 random bits mailed to the customer; only its
-- SHA-256 (64 hex digits) is kept, so a copy of this table (a backup, a replica) resets
-- nobody's password. A token is used at most once (used_at) and never
-- after expires_at. tenant_id repeats the account's so that every
-- statement names the tenant and the lookup is one index probe.
CREATE TABLE IF NOT EXISTS password_resets (
    token_hash      CHAR(64) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    account_id      BIGINT UNSIGNED NOT NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at      DATETIME(6) NOT NULL,
    used_at         DATETIME(6) NULL,
    KEY ix_password_resets_account (tenant_id, account_id),
    KEY ix_password_resets_expiry (tenant_id, expires_at),
    CONSTRAINT fk_password_resets_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_password_resets_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
