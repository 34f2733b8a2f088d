-- The number pool: the phone numbers (MSISDNs) each tenant can sell, in
-- E.164 ('+4520123456'). See docs/numbers.md.
--
-- A number is 'available' until checkout assigns it with a conditional
-- UPDATE ... WHERE status = 'available' (MySQL is the final arbiter, even
-- if a Redis lock expired mid-checkout); a number given back rests as
-- 'quarantined' before it is offered again. The locks that hold a number
-- while a customer shops live in Redis, not here.
--
-- pick_key is a random number given to each row when it is inserted. The
-- suggestions a shopper sees are the next few available numbers after a
-- random point of this order: a fresh random sample on every request, read
-- as a short range of ix_numbers_pick, without ORDER BY RAND() over the pool.

CREATE TABLE IF NOT EXISTS numbers (
    tenant_id   BIGINT UNSIGNED NOT NULL,
    msisdn      VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status      ENUM('available', 'assigned', 'quarantined')
                NOT NULL DEFAULT 'available',
    pick_key    INT UNSIGNED NOT NULL DEFAULT (FLOOR(RAND() * 4294967296)),
    created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
                ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (tenant_id, msisdn),
    KEY ix_numbers_pick (tenant_id, status, pick_key),
    CONSTRAINT fk_numbers_tenant FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    -- E.164: '+', a country code not starting with 0, at most 15 digits
    CONSTRAINT ck_numbers_msisdn CHECK (msisdn REGEXP '^[+][1-9][0-9]{6,14}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
