-- Staff: the brand partners' own people, and the platform's operators,
-- who sign in to the admin panel (docs/admin.md). Separate from the
-- customers' accounts: another table, other roles, a second factor.
--
-- An operator belongs to no tenant (tenant_id NULL) and may act for
-- every one; everyone else belongs to one tenant, with one role there:
-- admin, editor (catalog, campaigns, content), viewer (read only) or
-- agent (outbound sales). The e-mail is normalised as the customers' is
-- (svc/email.c) and unique per scope: per tenant, and once among the
-- operators (scope 0).
--
-- password_hash is argon2id in the PHC string format, as for accounts.
-- totp_sealed is the TOTP secret (RFC 6238) of a user who enrolled a
-- second factor, sealed with the shop's key ring (core/seal.h, context
-- "staff.totp"): never stored in clear; totp_last_step is the last time
-- step a code was accepted for, so no code is accepted twice.
--
-- Compatible with the previous release: one new table.

CREATE TABLE IF NOT EXISTS staff_users (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NULL,
    scope           BIGINT UNSIGNED AS (IFNULL(tenant_id, 0)) PERSISTENT,
    email           VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    name            VARCHAR(100) NOT NULL,
    role            ENUM('operator', 'admin', 'editor', 'viewer', 'agent')
                    NOT NULL,
    password_hash   VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    totp_sealed     VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    totp_last_step  BIGINT NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    disabled_at     DATETIME(6) NULL,
    UNIQUE KEY uq_staff_email (scope, email),
    CONSTRAINT fk_staff_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_staff_scope CHECK ((role = 'operator') = (tenant_id IS NULL)),
    CONSTRAINT ck_staff_email CHECK (email = LOWER(email) AND
        email LIKE '_%@_%'),
    CONSTRAINT ck_staff_name CHECK (CHAR_LENGTH(name) >= 1),
    CONSTRAINT ck_staff_hash CHECK (password_hash LIKE '$argon2id$%')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
