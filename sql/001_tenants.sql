-- Tenants (brand partners) and the hostnames that serve them.
-- Money is integer minor units; a VAT rate is in basis points (2500 = 25 %).
-- Colours are #rrggbb; the storefront turns them into CSS custom properties.

CREATE TABLE IF NOT EXISTS tenants (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    slug            VARCHAR(40)  NOT NULL,
    name            VARCHAR(100) NOT NULL,
    status          ENUM('active', 'suspended') NOT NULL DEFAULT 'active',
    currency        CHAR(3)      NOT NULL DEFAULT 'DKK',
    locale          VARCHAR(16)  NOT NULL DEFAULT 'da-DK',
    time_zone       VARCHAR(64)  NOT NULL DEFAULT 'Europe/Copenhagen',
    vat_rate_bp     INT UNSIGNED NOT NULL DEFAULT 2500,
    color_primary    CHAR(7) NOT NULL DEFAULT '#1f4e79',
    color_on_primary CHAR(7) NOT NULL DEFAULT '#ffffff',
    color_background CHAR(7) NOT NULL DEFAULT '#ffffff',
    color_text       CHAR(7) NOT NULL DEFAULT '#1a1a1a',
    color_accent     CHAR(7) NOT NULL DEFAULT '#b3261e',
    logo_path       VARCHAR(255) NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                    ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_tenants_slug (slug),
    CONSTRAINT ck_tenants_slug CHECK (slug REGEXP '^[a-z0-9][a-z0-9-]{0,39}$'),
    CONSTRAINT ck_tenants_currency CHECK (currency REGEXP '^[A-Z]{3}$'),
    CONSTRAINT ck_tenants_vat CHECK (vat_rate_bp <= 10000),
    CONSTRAINT ck_tenants_colours CHECK (
        color_primary REGEXP '^#[0-9a-fA-F]{6}$' AND
        color_on_primary REGEXP '^#[0-9a-fA-F]{6}$' AND
        color_background REGEXP '^#[0-9a-fA-F]{6}$' AND
        color_text REGEXP '^#[0-9a-fA-F]{6}$' AND
        color_accent REGEXP '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT ck_tenants_logo CHECK (logo_path IS NULL OR
        (logo_path REGEXP '^[a-z0-9][a-z0-9/._-]*$' AND logo_path NOT LIKE '%..%'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per hostname, lower-case and without port, as the Host header
-- is normalised before lookup.
CREATE TABLE IF NOT EXISTS tenant_domains (
    host        VARCHAR(253) NOT NULL PRIMARY KEY,
    tenant_id   BIGINT UNSIGNED NOT NULL,
    is_primary  TINYINT(1) NOT NULL DEFAULT 0,
    created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY ix_tenant_domains_tenant (tenant_id),
    CONSTRAINT fk_tenant_domains_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_tenant_domains_host CHECK (host = LOWER(host) AND
        host REGEXP '^[a-z0-9._-]+$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
