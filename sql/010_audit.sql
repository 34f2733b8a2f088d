-- The audit log (docs/admin.md): every change a staff member, an API key
-- or an operator's command made to a tenant's data: who (actor_kind with
-- the actor's id and a label, an e-mail or a key's name, as it was then),
-- when (UTC), which object (its type and its id within the tenant: a SKU,
-- a campaign or channel code), what was done, and the object before and
-- after as JSON (NULL where it did not exist).
--
-- Append-only, by the grants, not by trust: the table's comment starts
-- with "append-only", and the scripts that grant ecomd's account
-- (scripts/lib.sh, grant_ecomd_tables) give it UPDATE and DELETE on every
-- table but these, so ecomd can only INSERT and SELECT here. No foreign
-- key to tenants: the record outlives the tenant it is about, and no
-- cascade may delete it.
--
-- Compatible with the previous release: one new table.

CREATE TABLE IF NOT EXISTS audit_log (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    at              DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    actor_kind      ENUM('staff', 'api_key', 'cli') NOT NULL,
    actor_id        BIGINT UNSIGNED NULL,
    actor_label     VARCHAR(254) NOT NULL,
    object_type     VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    object_id       VARCHAR(128) NOT NULL,
    action          VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    before_json     LONGTEXT NULL,
    after_json      LONGTEXT NULL,
    KEY ix_audit_tenant_at (tenant_id, at),
    KEY ix_audit_tenant_object (tenant_id, object_type, object_id),
    CONSTRAINT ck_audit_before CHECK (before_json IS NULL OR
        JSON_VALID(before_json)),
    CONSTRAINT ck_audit_after CHECK (after_json IS NULL OR
        JSON_VALID(after_json))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='append-only: ecomd may INSERT and SELECT, never UPDATE or DELETE';
