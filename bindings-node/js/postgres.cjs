'use strict';
// `cardwire/postgres`: delivery keys in PostgreSQL, in the same transaction
// as your business write (node-postgres `pg`, not a dependency: pass your
// Pool or Client). The key is inserted (ON CONFLICT, or over an expired row)
// in your transaction before your writes: both commit or neither does. A
// redelivery of a committed event is a duplicate; one arriving while the
// first is still in its transaction waits for it (the key's row lock) and
// then sees its outcome; a crash before the commit rolls everything back and
// the redelivery is processed. Exactly once in the business sense, no
// reservation to expire, no outbox. The table is `SCHEMA` (the same text as
// integrations/postgres/migrations/0001_cardwire_deliveries.sql): `migrate(pool)` or
// your own migration tool; delete expired keys with `purge(pool)`.
//
// PostgreSQL unreachable or gone mid-transaction: a CardwireError
// `store_unavailable` (answer 5xx). The transaction rolled back, or, if the
// answer to its COMMIT was lost, committed whole: the retry is processed or
// a duplicate, never lost.
const { CardwireError } = require('./error.cjs');

const SCHEMA = `-- cardwire: processed webhook deliveries, recorded in the same transaction as
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
`;

const claimSql = (t) => `INSERT INTO ${t} (delivery_key, business_key, expires_at) `
  + "VALUES ($1, $2, now() + $3 * interval '1 millisecond') "
  + 'ON CONFLICT (delivery_key) DO UPDATE SET business_key = EXCLUDED.business_key, '
  + `processed_at = now(), expires_at = EXCLUDED.expires_at WHERE ${t}.expires_at < now() RETURNING 1`;

// Errors from the connection, not from your SQL: no SQLSTATE, or class 08
// (connection exception), 57P (operator intervention: shutdown), 53 (resources).
function isConnectionError(e) {
  const code = e && e.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|57P|53)/.test(code);
}

function unavailable(e) {
  return new CardwireError('store_unavailable',
    `delivery store unavailable: PostgreSQL did not answer (${(e && (e.code || e.name)) || 'error'}); the transaction rolled back, `
    + 'or, if its commit\'s answer was lost, committed whole (your work and the key together): answer 5xx so the provider '
    + 'retries; the retry is processed or a duplicate, never lost', {});
}

function fields(event) {
  if (typeof event === 'string') return [event, null, 48 * 3600 * 1000];
  return [String(event.deliveryKey), event.businessKey ?? null, Number(event.retentionMs)];
}

class PostgresDeliveries {
  constructor({ table = 'cardwire_deliveries' } = {}) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(table)) {
      throw new CardwireError('invalid_input', 'table must be a plain SQL name (letters, digits, underscores)', {});
    }
    this.table = table;
    this.claimSql = claimSql(table);
  }

  async guard(op) {
    try {
      return await op();
    } catch (e) {
      if (e instanceof CardwireError || !isConnectionError(e)) throw e;
      throw unavailable(e);
    }
  }

  /** Creates the table and its index if they are missing. */
  async migrate(db) {
    await this.guard(() => db.query(SCHEMA.replaceAll('cardwire_deliveries', this.table)));
  }

  /** Inside your transaction (a Client after BEGIN): true when the delivery is new, false when processed before. */
  async claim(client, event) {
    const [key, business, retention] = fields(event);
    const r = await this.guard(() => client.query(this.claimSql, [key, business, retention]));
    return r.rowCount > 0;
  }

  /**
   * Runs `handler(client, event)` in one transaction with the delivery key:
   * 'processed' (both committed) or 'duplicate' (acknowledge, skip). `db` is
   * a Pool (a client is checked out) or a Client. If the handler throws, both
   * roll back and the error propagates.
   */
  async process(db, event, handler) {
    const pooled = typeof db.connect === 'function' && typeof db.totalCount === 'number';
    const client = pooled ? await this.guard(() => db.connect()) : db;
    let broken = null;
    // A connection that drops while this client is checked out emits 'error'
    // on it: recorded here (the client is then discarded), not thrown at the process.
    const onError = (e) => { broken = broken ?? e; };
    if (pooled) client.on('error', onError);
    try {
      await this.guard(() => client.query('BEGIN'));
      let outcome = 'duplicate';
      try {
        if (await this.claim(client, event)) {
          await handler(client, event);
          outcome = 'processed';
        }
      } catch (e) {
        await client.query('ROLLBACK').catch((r) => { broken = r; });
        throw e;
      }
      await this.guard(() => client.query('COMMIT'));
      return outcome;
    } catch (e) {
      if (e instanceof CardwireError) broken = broken ?? e;
      throw e;
    } finally {
      if (pooled) {
        client.removeListener('error', onError);
        client.release(broken ?? undefined);
      }
    }
  }

  /** Deletes expired keys; the number deleted. */
  async purge(db) {
    const r = await this.guard(() => db.query(`DELETE FROM ${this.table} WHERE expires_at < now()`));
    return r.rowCount;
  }
}

module.exports = { PostgresDeliveries, SCHEMA };
