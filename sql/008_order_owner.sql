-- Who an order belongs to, so GET /api/v1/orders can show a customer
-- their own orders and nobody else's (docs/orders.md, "Owners").
--
-- Only additions: a nullable column and two indexes; the previous
-- release neither reads nor writes them and runs unchanged beside this
-- schema.
--
--   session_hash  SHA-256 (hex) of the session id the order was made in:
--                 never the id itself, which is a bearer secret;
--   account_id    (from 007) the signed-in account, if any; a guest's
--                 orders get it when the guest signs in;
--   identity_sealed (from 007) the CPR number MitID matched, sealed
--                 (core/seal.h) for the context "<slug>:order.cpr",
--                 never in clear.

ALTER TABLE orders
    ADD COLUMN IF NOT EXISTS session_hash CHAR(64) CHARACTER SET ascii NULL
        AFTER account_id,
    ADD KEY IF NOT EXISTS ix_orders_session (tenant_id, session_hash, created_at),
    ADD KEY IF NOT EXISTS ix_orders_account (tenant_id, account_id, created_at);
