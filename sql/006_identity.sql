-- MitID through an OIDC broker, per tenant (docs/identity.md): where the
-- tenant's broker is, who the shop is to it, and whether the tenant asks
-- for a verified identity before a subscription is ordered.
--
-- client_secret is sealed (core/seal.h: AES-256-GCM under a key of the
-- seal_keys_file, context '<slug>:tenant_mitid.client_secret'), so a dump
-- of this table does not hand out the shop's broker credentials. It is
-- written by `ecomctl mitid configure` and never shown back.
--
-- No CPR number is ever stored here, or anywhere in MariaDB in clear: the
-- matched number is attached, sealed, to the basket in Redis.

CREATE TABLE IF NOT EXISTS tenant_mitid (
    tenant_id       BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    style           ENUM('idura', 'signicat', 'signaturgruppen') NOT NULL,
    issuer          VARCHAR(255) NOT NULL,
    client_id       VARCHAR(255) NOT NULL,
    client_secret   VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    scopes          VARCHAR(255) NOT NULL,
    acr_values      VARCHAR(255) NOT NULL DEFAULT '',
    required        TINYINT(1) NOT NULL DEFAULT 0,
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                    ON UPDATE CURRENT_TIMESTAMP(6),
    CONSTRAINT fk_tenant_mitid_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_tenant_mitid_issuer CHECK (issuer LIKE 'https://%'),
    CONSTRAINT ck_tenant_mitid_secret CHECK (client_secret LIKE 'v1.%')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
