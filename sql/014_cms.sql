-- The CMS (docs/cms.md): each tenant's Contentful space and the local
-- copy of its published content, which storefront pages read instead of
-- Contentful.
--
-- cms_settings: one row per tenant that uses Contentful. The delivery
-- token and the webhook secret are sealed with the shop's key ring
-- (core/seal.h, contexts "<slug>:cms_settings.delivery_token" and
-- "<slug>:cms_settings.webhook_secret"): never stored in clear, never
-- shown again. locales maps the shop's locales to the space's
-- ("da-DK=da,en=en-US"). sync_token is the Sync API's nextSyncToken of
-- the last sync, NULL before the first.
--
-- cms_items: the newest version seen of each entry and asset, whatever
-- order the webhooks arrived in. A publish stores its fields; an
-- unpublish, archive or delete stores a tombstone (deleted = 1, no
-- fields) with its version, so an older publish delivered late does not
-- bring the content back. handle is the field a storefront looks an entry
-- up by (a productContent's sku, a page's slug, a banner's channel).
--
-- Compatible with the previous release: two new tables.

CREATE TABLE IF NOT EXISTS cms_settings (
    tenant_id       BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    space_id        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    environment     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL DEFAULT 'master',
    locales         VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL DEFAULT '',
    token_sealed    VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    secret_sealed   VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    sync_token      VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NULL,
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                    ON UPDATE CURRENT_TIMESTAMP(6),
    CONSTRAINT fk_cms_settings_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS cms_items (
    tenant_id       BIGINT UNSIGNED NOT NULL,
    kind            ENUM('entry', 'asset') NOT NULL,
    item_id         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
                    NOT NULL,
    version         BIGINT NOT NULL,
    content_type    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    handle          VARCHAR(128) NULL,
    deleted         TINYINT(1) NOT NULL DEFAULT 0,
    fields          MEDIUMTEXT NULL,
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (tenant_id, kind, item_id),
    KEY ix_cms_items_handle (tenant_id, content_type, handle),
    CONSTRAINT fk_cms_items_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_cms_items_tombstone CHECK ((deleted = 1) = (fields IS NULL)),
    CONSTRAINT ck_cms_items_version CHECK (version >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
