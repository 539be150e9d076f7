// cardwire/postgres on a real PostgreSQL (started here by scripts/postgres.sh,
// as the `postgres` user when run as root): the delivery key and the business
// write commit or roll back together; a concurrent redelivery waits for the
// first and sees its outcome; PostgreSQL down is store_unavailable with
// nothing lost; the schema is the migration file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import * as cw from 'cardwire';
import { PostgresDeliveries, SCHEMA } from 'cardwire/postgres';
import { key } from './helpers.mjs';

const SCRIPT = new URL('../../../scripts/postgres.sh', import.meta.url).pathname;
const MIGRATION = new URL('../../../integrations/postgres/migrations/0001_cardwire_deliveries.sql', import.meta.url);
const NAME = `node-${process.env.CARDWIRE_FORCE_WASM ? 'wasm' : 'native'}`;
const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
let url;
let pool;
const d = new PostgresDeliveries();
const ev = (k, retentionMs = 60_000) => ({ deliveryKey: `cardwire:test:content:${k}`, retentionMs, businessKey: `card_deposit::${k}::` });
const credit = (amount) => async (client, e) => { await client.query('INSERT INTO credits VALUES ($1, $2)', [e.deliveryKey, amount]); };
const credits = async (k) => Number((await pool.query('SELECT count(*) AS n FROM credits WHERE card = $1', [`cardwire:test:content:${k}`])).rows[0].n);

test.before(async () => {
  url = execFileSync(SCRIPT, ['start', NAME], { encoding: 'utf8' }).trim();
  pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {}); // an idle client whose server went away
  pool.on('connect', (c) => c.on('error', () => {}));
  await d.migrate(pool);
  await pool.query('CREATE TABLE IF NOT EXISTS credits (card text, amount numeric)');
});
test.after(async () => { await pool?.end().catch(() => {}); execFileSync(SCRIPT, ['remove', NAME]); });

test('the schema is the migration file', () => {
  assert.equal(SCHEMA, readFileSync(MIGRATION, 'utf8'));
});

test('key and business write commit together; a failed handler rolls both back', async () => {
  assert.equal(await d.process(pool, ev('a'), credit('10.00')), 'processed');
  assert.equal(await d.process(pool, ev('a'), credit('10.00')), 'duplicate');
  assert.equal(await credits('a'), 1);
  await assert.rejects(d.process(pool, ev('b'), async (c, e) => { await credit('5')(c, e); throw new Error('crash before the ack'); }), /crash/);
  assert.equal(await credits('b'), 0);
  assert.equal(await d.process(pool, ev('b'), credit('5')), 'processed');
  const row = (await pool.query('SELECT business_key FROM cardwire_deliveries WHERE delivery_key = $1', ['cardwire:test:content:b'])).rows[0];
  assert.equal(row.business_key, 'card_deposit::b::');
});

test('a concurrent redelivery waits for the first and sees its outcome', async () => {
  let entered;
  const inside = new Promise((r) => { entered = r; });
  const slow = async (c, e) => { entered(); await new Promise((r) => setTimeout(r, 300)); await credit('1')(c, e); };
  const first = d.process(pool, ev('w'), slow);
  await inside;
  const second = d.process(pool, ev('w'), credit('1'));
  assert.deepEqual(await Promise.all([first, second]), ['processed', 'duplicate']);
  assert.equal(await credits('w'), 1);
});

test('verified webhooks, once across two merchant instances', async () => {
  const p = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const mk = () => new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES, platformPublicKeyPem: key('platform_2048.spki.pem') });
  const hook = p.signWebhook('card_deposit', { card_id: 'c-pg', amount: '10.00', status: 1 });
  const [e1, e2] = [mk().checkWebhook(hook.headers, hook.body), mk().checkWebhook(hook.headers, hook.body)];
  assert.deepEqual(await Promise.all([d.process(pool, e1, async () => {}), d.process(pool, e2, async () => {})]).then((x) => x.sort()), ['duplicate', 'processed']);
});

test('expired keys are new again and are purged', async () => {
  assert.equal(await d.process(pool, ev('x', 1), credit('1')), 'processed');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(await d.process(pool, ev('x'), credit('1')), 'processed');
  assert.equal(await d.process(pool, ev('y', 1), credit('1')), 'processed');
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(await d.purge(pool) >= 1);
});

test('PostgreSQL down: store_unavailable, and the retry after it is processed', async () => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  execFileSync(SCRIPT, ['stop', NAME]);
  try {
    await assert.rejects(d.process(client, ev('down'), credit('1')), (e) => e.code === 'store_unavailable' && /5xx/.test(e.message));
    await assert.rejects(d.process(pool, ev('down'), credit('1')), { code: 'store_unavailable' });
  } finally {
    await client.end().catch(() => {});
    execFileSync(SCRIPT, ['restart', NAME]);
  }
  assert.equal(await d.process(pool, ev('down'), credit('1')), 'processed');
  assert.equal(await credits('down'), 1);
  assert.throws(() => new PostgresDeliveries({ table: 'x; DROP TABLE y' }), { code: 'invalid_input' });
});
