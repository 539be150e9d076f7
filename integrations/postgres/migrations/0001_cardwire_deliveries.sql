-- cardwire: processed webhook deliveries, recorded in the same transaction as
-- the business write they caused (INSERT ... ON CONFLICT in your transaction):
-- both commit or neither does. One row per delivery key; no body, no secret.
CREATE TABLE IF NOT EXISTS cardwire_deliveries (
    delivery_key  text        PRIMARY KEY,
    business_key  text,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS cardwire_deliveries_expires_at ON cardwire_deliveries (expires_at);
-- Retention: a key is needed only while the provider may redeliver (48 h by
-- default). Run from time to time (cron, pg_cron, your scheduler):
--   DELETE FROM cardwire_deliveries WHERE expires_at < now();
