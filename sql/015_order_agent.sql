-- The sales agent who checked an order out on a customer's behalf
-- (docs/admin.md, "Sales agents"; docs/orders.md, "Sold by an agent").
--
-- Only additions: a nullable column and an index; the previous release
-- neither reads nor writes them and runs unchanged beside this schema.
-- ecomd's UPDATE on orders is granted per table (scripts/lib.sh,
-- grant_ecomd_tables), so a new column needs no grant of its own.
--
--   agent_staff_id  staff_users.id of the agent (a staff member whose
--                   role may sell) whose browser placed the order; NULL
--                   for an order a customer placed. No foreign key:
--                   the order keeps the id even if the user row went.

ALTER TABLE orders
    ADD COLUMN IF NOT EXISTS agent_staff_id BIGINT UNSIGNED NULL
        AFTER session_hash,
    ADD KEY IF NOT EXISTS ix_orders_agent (tenant_id, agent_staff_id, created_at);
