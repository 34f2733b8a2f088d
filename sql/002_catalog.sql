-- The catalog: channels, how a request finds its channel, products, how
-- each product appears in each channel, and which add-ons fit which plans.
-- Every row carries tenant_id and every lookup names it. Money is integer
-- minor units (øre) with VAT included.

CREATE TABLE IF NOT EXISTS channels (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id   BIGINT UNSIGNED NOT NULL,
    code        VARCHAR(40)  NOT NULL,
    name        VARCHAR(100) NOT NULL,
    kind        ENUM('web_front', 'web_sub', 'app', 'outbound', 'custom') NOT NULL,
    is_default  TINYINT(1) NOT NULL DEFAULT 0,
    UNIQUE KEY uq_channels_code (tenant_id, code),
    CONSTRAINT fk_channels_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_channels_code CHECK (code REGEXP '^[a-z0-9][a-z0-9_-]{0,39}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rules are tried in position order; the first that matches picks the
-- channel, else the tenant's default channel.
--   path_prefix  value is a path ("/tilbud"): the path is it or starts with it + "/"
--   query_param  param is the query parameter, value what it must equal
--   header       param is the header name (lower-case), value what it must equal
CREATE TABLE IF NOT EXISTS channel_rules (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id   BIGINT UNSIGNED NOT NULL,
    position    INT NOT NULL,
    kind        ENUM('path_prefix', 'query_param', 'header') NOT NULL,
    param       VARCHAR(64)  NULL,
    value       VARCHAR(100) NOT NULL,
    channel_id  BIGINT UNSIGNED NOT NULL,
    UNIQUE KEY uq_channel_rules_position (tenant_id, position),
    CONSTRAINT fk_channel_rules_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_channel_rules_channel FOREIGN KEY (channel_id)
        REFERENCES channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- binding_months is a bit set: bit n set = a binding of n months (0..6) is
-- offered. data_gb and talk_minutes NULL mean unlimited.
CREATE TABLE IF NOT EXISTS products (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id     BIGINT UNSIGNED NOT NULL,
    sku           VARCHAR(64)  NOT NULL,
    kind          ENUM('plan', 'addon') NOT NULL,
    status        ENUM('draft', 'active', 'retired') NOT NULL DEFAULT 'draft',
    name          VARCHAR(100) NOT NULL,
    description   VARCHAR(500) NOT NULL DEFAULT '',
    data_gb       INT UNSIGNED NULL,
    talk_minutes  INT UNSIGNED NULL,
    network       ENUM('4g', '5g') NOT NULL DEFAULT '4g',
    eu_data_gb    INT UNSIGNED NOT NULL DEFAULT 0,
    monthly_price INT UNSIGNED NOT NULL,
    fee_startup   INT UNSIGNED NOT NULL DEFAULT 0,
    fee_sim       INT UNSIGNED NOT NULL DEFAULT 0,
    binding_months INT UNSIGNED NOT NULL DEFAULT 1,
    sim_types     SET('physical', 'esim') NOT NULL DEFAULT 'physical,esim',
    UNIQUE KEY uq_products_sku (tenant_id, sku),
    CONSTRAINT fk_products_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_products_sku CHECK (sku REGEXP '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
    CONSTRAINT ck_products_binding CHECK (binding_months BETWEEN 1 AND 127)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A product appears in a channel only with a row here that says visible.
-- NULL narrowing columns mean "as the product"; set, they may only narrow.
CREATE TABLE IF NOT EXISTS product_channels (
    tenant_id     BIGINT UNSIGNED NOT NULL,
    product_id    BIGINT UNSIGNED NOT NULL,
    channel_id    BIGINT UNSIGNED NOT NULL,
    visible       TINYINT(1) NOT NULL DEFAULT 1,
    display_name  VARCHAR(100) NULL,
    sort_order    INT NOT NULL DEFAULT 0,
    sim_types     SET('physical', 'esim') NULL,
    binding_months INT UNSIGNED NULL,
    PRIMARY KEY (product_id, channel_id),
    KEY ix_product_channels_tenant (tenant_id, channel_id),
    CONSTRAINT fk_product_channels_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_product_channels_product FOREIGN KEY (product_id)
        REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT fk_product_channels_channel FOREIGN KEY (channel_id)
        REFERENCES channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which add-on fits which plan; channel_id NULL = in every channel.
CREATE TABLE IF NOT EXISTS addon_compat (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id   BIGINT UNSIGNED NOT NULL,
    plan_id     BIGINT UNSIGNED NOT NULL,
    addon_id    BIGINT UNSIGNED NOT NULL,
    channel_id  BIGINT UNSIGNED NULL,
    KEY ix_addon_compat_plan (tenant_id, plan_id),
    CONSTRAINT fk_addon_compat_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_addon_compat_plan FOREIGN KEY (plan_id)
        REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT fk_addon_compat_addon FOREIGN KEY (addon_id)
        REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT fk_addon_compat_channel FOREIGN KEY (channel_id)
        REFERENCES channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
