-- Catalog drafts (docs/admin.md, "Drafts, publishing and preview"): the
-- panel's catalog changes wait here until they are published, at once
-- or at a scheduled instant, through the same checks and write as
-- `ecomctl catalog import`.
--
-- catalog_drafts: one row per object changed in the draft: a product
-- (by SKU), a campaign or a channel (by code), or the channel rules as a
-- whole (object_key 'channel_rules'). body is the object as it will be,
-- in the catalog document's JSON shape; NULL: the object is removed (a
-- campaign or channel; a product is only ever retired, a body with
-- status "retired"). base is the live object when the row was first
-- written (NULL: it did not exist), so the panel can say when the live
-- object changed since (an API write, an import).
--
-- catalog_publications: a tenant's scheduled publication of its draft:
-- when (UTC) and who asked, so the publish is audited as them. A
-- publication that failed keeps its row with publish_at NULL and the
-- reason, for the panel to show, until the draft is scheduled, published
-- or discarded again.
--
-- Compatible with the previous release: two new tables.

CREATE TABLE IF NOT EXISTS catalog_drafts (
    tenant_id   BIGINT UNSIGNED NOT NULL,
    object_type ENUM('product', 'campaign', 'channel', 'channel_rules') NOT NULL,
    object_key  VARCHAR(64) NOT NULL,
    body        MEDIUMTEXT NULL,
    base        MEDIUMTEXT NULL,
    updated_by  VARCHAR(200) NOT NULL,
    updated_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (tenant_id, object_type, object_key),
    CONSTRAINT fk_catalog_drafts_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS catalog_publications (
    tenant_id    BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    publish_at   DATETIME(0) NULL,
    actor_kind   ENUM('staff', 'api_key', 'cli') NOT NULL,
    actor_id     BIGINT NOT NULL DEFAULT 0,
    actor_label  VARCHAR(200) NOT NULL,
    last_error   VARCHAR(500) NULL,
    updated_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                 ON UPDATE CURRENT_TIMESTAMP(6),
    KEY ix_catalog_publications_due (publish_at),
    CONSTRAINT fk_catalog_publications_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
