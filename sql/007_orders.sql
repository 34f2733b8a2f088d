-- Orders, their payments, and the outbox that hands them to the
-- downstream systems. See docs/orders.md.
--
-- Only new tables: the previous release never reads them, so it runs
-- unchanged beside this schema. Money is integer minor units (øre), VAT
-- included. Every table carries tenant_id, and every statement names it.
--
-- An order's public id is 128 random bits in hex (never the row id), so
-- one cannot be guessed from another. A checkout is idempotent: one
-- order per (tenant, Idempotency-Key); request_hash is the SHA-256 of
-- the request it was made from, so the same key with another request is
-- told apart from a retry.

CREATE TABLE IF NOT EXISTS orders (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    public_id       CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status          ENUM('pending_payment', 'paid', 'submitted',
                         'provisioning', 'completed', 'cancelled')
                    NOT NULL DEFAULT 'pending_payment',
    cancel_reason   VARCHAR(32) CHARACTER SET ascii NULL,
    currency        CHAR(3) NOT NULL,
    monthly_total   BIGINT NOT NULL,
    one_time_total  BIGINT NOT NULL,
    due_now         BIGINT NOT NULL, -- one-time fees + the first month
    min_total       BIGINT NOT NULL,
    vat_due_now     BIGINT NOT NULL DEFAULT 0,
    customer_name    VARCHAR(200) NOT NULL,
    customer_email   VARCHAR(254) NOT NULL,
    customer_phone   VARCHAR(32) NOT NULL,
    customer_address VARCHAR(500) NOT NULL,
    consent_terms            TINYINT(1) NOT NULL,
    consent_contract_summary TINYINT(1) NOT NULL,
    consent_marketing        TINYINT(1) NOT NULL,
    idempotency_key VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    request_hash    CHAR(64) CHARACTER SET ascii NOT NULL,
    contract_summary MEDIUMTEXT NULL, -- the text the customer accepted
    basket_id       CHAR(32) CHARACTER SET ascii NULL,
    account_id      BIGINT UNSIGNED NULL,
    identity_sealed VARCHAR(1024) CHARACTER SET ascii NULL,
    pay_by          DATETIME(6) NOT NULL, -- cancelled if not paid by then
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                    ON UPDATE CURRENT_TIMESTAMP(6),
    paid_at         DATETIME(6) NULL,
    completed_at    DATETIME(6) NULL,
    cancelled_at    DATETIME(6) NULL,
    UNIQUE KEY uq_orders_public (public_id),
    UNIQUE KEY uq_orders_idempotency (tenant_id, idempotency_key),
    KEY ix_orders_tenant_created (tenant_id, created_at),
    KEY ix_orders_unpaid (status, pay_by),
    CONSTRAINT fk_orders_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_orders_public CHECK (public_id REGEXP '^[0-9a-f]{32}$'),
    CONSTRAINT ck_orders_hash CHECK (request_hash REGEXP '^[0-9a-f]{64}$'),
    CONSTRAINT ck_orders_money CHECK (monthly_total >= 0 AND
        one_time_total >= 0 AND due_now >= 0 AND min_total >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One line per subscription, as sold: its price breakdown from the
-- promotion engine (JSON) is kept, not recomputed.
CREATE TABLE IF NOT EXISTS order_lines (
    order_id        BIGINT UNSIGNED NOT NULL,
    line_no         INT UNSIGNED NOT NULL,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    sku             VARCHAR(64) NOT NULL,
    name            VARCHAR(200) NOT NULL,
    channel         VARCHAR(40) NOT NULL,
    binding_months  INT UNSIGNED NOT NULL,
    sim_type        ENUM('physical', 'esim') NOT NULL,
    msisdn          VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
    porting_msisdn  VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
    monthly_now     BIGINT NOT NULL,
    one_time        BIGINT NOT NULL,
    min_total       BIGINT NOT NULL,
    breakdown       LONGTEXT NOT NULL,
    PRIMARY KEY (order_id, line_no),
    KEY ix_order_lines_number (tenant_id, msisdn),
    CONSTRAINT fk_order_lines_order FOREIGN KEY (order_id)
        REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT ck_order_lines_breakdown CHECK (JSON_VALID(breakdown))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A payment at a provider's hosted page. provider_ref is the provider's
-- id (a Stripe Checkout Session id); the simulator's is our public id.
CREATE TABLE IF NOT EXISTS payments (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    order_id        BIGINT UNSIGNED NOT NULL,
    public_id       CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    provider        VARCHAR(16) CHARACTER SET ascii NOT NULL,
    provider_ref    VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    amount          BIGINT NOT NULL, -- due now: one-time fees + month 1
    currency        CHAR(3) NOT NULL,
    status          ENUM('created', 'pending', 'paid', 'failed',
                         'cancelled', 'expired')
                    NOT NULL DEFAULT 'created',
    url             VARCHAR(2048) NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                    ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_payments_public (public_id),
    UNIQUE KEY uq_payments_ref (provider, provider_ref),
    KEY ix_payments_order (order_id),
    CONSTRAINT fk_payments_order FOREIGN KEY (order_id)
        REFERENCES orders (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every verified callback, once: a replayed event id is a duplicate key.
CREATE TABLE IF NOT EXISTS payment_events (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    provider        VARCHAR(16) CHARACTER SET ascii NOT NULL,
    event_id        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    type            VARCHAR(64) CHARACTER SET ascii NOT NULL,
    payment_id      BIGINT UNSIGNED NULL,
    received_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_payment_events (provider, event_id),
    CONSTRAINT fk_payment_events_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The transactional outbox: written in the transaction of the change it
-- announces, delivered later by the delivery process, at least once, in
-- seq order per order. event_id is stable across retries, so the
-- receiver drops duplicates. lease_until is when a claim by a deliverer
-- that died runs out.
CREATE TABLE IF NOT EXISTS outbox (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id        CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    order_id        BIGINT UNSIGNED NOT NULL,
    seq             INT UNSIGNED NOT NULL,
    type            VARCHAR(64) CHARACTER SET ascii NOT NULL,
    payload         LONGTEXT NOT NULL,
    state           ENUM('pending', 'delivered', 'dead')
                    NOT NULL DEFAULT 'pending',
    attempts        INT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    lease_until     DATETIME(6) NULL,
    last_error      VARCHAR(255) NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    delivered_at    DATETIME(6) NULL,
    UNIQUE KEY uq_outbox_event (event_id),
    UNIQUE KEY uq_outbox_order_seq (order_id, seq),
    KEY ix_outbox_due (state, next_attempt_at),
    CONSTRAINT fk_outbox_order FOREIGN KEY (order_id)
        REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT ck_outbox_payload CHECK (JSON_VALID(payload))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the downstream receiver reported back, once per its report id.
CREATE TABLE IF NOT EXISTS delivery_reports (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id       BIGINT UNSIGNED NOT NULL,
    order_id        BIGINT UNSIGNED NOT NULL,
    report_id       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status          ENUM('provisioning', 'completed') NOT NULL,
    received_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_delivery_reports (tenant_id, report_id),
    CONSTRAINT fk_delivery_reports_order FOREIGN KEY (order_id)
        REFERENCES orders (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
