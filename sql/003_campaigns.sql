-- Campaigns: time-bound price changes, scoped to products and channels,
-- and channel-specific base prices. Instants are stored in UTC; they are
-- entered and shown in the tenant's time zone. Money is øre with VAT.

-- A channel may sell a product at its own base price (NULL = the
-- product's monthly_price).
ALTER TABLE product_channels
    ADD COLUMN IF NOT EXISTS monthly_price INT UNSIGNED NULL AFTER binding_months;

CREATE TABLE IF NOT EXISTS campaigns (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id        BIGINT UNSIGNED NOT NULL,
    code             VARCHAR(64)  NOT NULL,
    name             VARCHAR(120) NOT NULL,
    valid_from       DATETIME(0)  NOT NULL,
    valid_to         DATETIME(0)  NOT NULL,
    priority         INT NOT NULL DEFAULT 0,
    stacking         ENUM('exclusive', 'stackable') NOT NULL DEFAULT 'exclusive',
    required_binding TINYINT UNSIGNED NOT NULL DEFAULT 0,
    created_at       DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_campaigns_code (tenant_id, code),
    CONSTRAINT fk_campaigns_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_campaigns_code CHECK (code REGEXP '^[a-z0-9][a-z0-9_-]{0,63}$'),
    CONSTRAINT ck_campaigns_validity CHECK (valid_from < valid_to),
    -- a consumer may be bound for at most 6 months
    CONSTRAINT ck_campaigns_binding CHECK (required_binding <= 6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS campaign_products (
    tenant_id    BIGINT UNSIGNED NOT NULL,
    campaign_id  BIGINT UNSIGNED NOT NULL,
    product_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (campaign_id, product_id),
    KEY ix_campaign_products_tenant (tenant_id),
    CONSTRAINT fk_campaign_products_campaign FOREIGN KEY (campaign_id)
        REFERENCES campaigns (id) ON DELETE CASCADE,
    CONSTRAINT fk_campaign_products_product FOREIGN KEY (product_id)
        REFERENCES products (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- No rows for a campaign = it applies in every channel.
CREATE TABLE IF NOT EXISTS campaign_channels (
    tenant_id    BIGINT UNSIGNED NOT NULL,
    campaign_id  BIGINT UNSIGNED NOT NULL,
    channel_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (campaign_id, channel_id),
    KEY ix_campaign_channels_tenant (tenant_id),
    CONSTRAINT fk_campaign_channels_campaign FOREIGN KEY (campaign_id)
        REFERENCES campaigns (id) ON DELETE CASCADE,
    CONSTRAINT fk_campaign_channels_channel FOREIGN KEY (channel_id)
        REFERENCES channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a campaign does, in order. value: øre for fixed_price, amount_off
-- and reduce_fee; basis points for percent_off (1000 = 10 %). Months are
-- numbered from 1; months = 0 means to the end of the binding period.
CREATE TABLE IF NOT EXISTS campaign_actions (
    tenant_id    BIGINT UNSIGNED NOT NULL,
    campaign_id  BIGINT UNSIGNED NOT NULL,
    position     TINYINT UNSIGNED NOT NULL,
    kind         ENUM('fixed_price', 'amount_off', 'percent_off',
                      'waive_fee', 'reduce_fee') NOT NULL,
    value        BIGINT NOT NULL DEFAULT 0,
    first_month  TINYINT UNSIGNED NOT NULL DEFAULT 1,
    months       TINYINT UNSIGNED NOT NULL DEFAULT 0,
    fees         SET('startup', 'sim') NULL,
    PRIMARY KEY (campaign_id, position),
    KEY ix_campaign_actions_tenant (tenant_id),
    CONSTRAINT fk_campaign_actions_campaign FOREIGN KEY (campaign_id)
        REFERENCES campaigns (id) ON DELETE CASCADE,
    CONSTRAINT ck_campaign_actions_value CHECK (value >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
