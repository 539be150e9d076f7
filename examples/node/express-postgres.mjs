// Express on PostgreSQL: the delivery key is recorded in the same
// transaction as the business write (cardwire/postgres on pg), so both commit
// or neither does: exactly once in the business sense, whichever instance a
// redelivery lands on, with no reservation to expire.
//
//   DATABASE_URL=postgresql://... node express-postgres.mjs
import express from 'express';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import * as cw from 'cardwire';
import { PostgresDeliveries } from 'cardwire/postgres';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const worldcard = new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') });

export function app(databaseUrl = process.env.DATABASE_URL) {
  // Connection and statement timeouts: a stalled database fails the request (503), it does not hang it.
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 2000, statement_timeout: 5000 });
  pool.on('error', () => {}); // an idle client whose server went away: discarded
  const deliveries = new PostgresDeliveries();
  const a = express();
  a.post('/webhooks/worldcard', express.raw({ type: '*/*' }), async (req, res) => {
    let event;
    try {
      event = worldcard.checkWebhook(req.headers, req.body); // signature, decryption; no store yet
    } catch (e) {
      return res.status(401).send(e.code);
    }
    try {
      await deliveries.process(pool, event, async (client, ev) => {
        // Your write, in the same transaction as the delivery key.
        await client.query('INSERT INTO credits (card_id, amount) VALUES ($1, $2)', [ev.data.card_id, ev.data.amount]);
      }); // 'processed' or 'duplicate': both acknowledged
    } catch (e) {
      if (e.code === 'store_unavailable') return res.status(503).send(e.code);
      throw e; // your handler failed: both rolled back, Express answers 500, the provider retries
    }
    const ack = cw.WorldCardMerchant.webhookAck();
    res.status(ack.status).set(ack.headers).send(Buffer.from(ack.body));
  });
  a.pool = pool;
  a.close = () => pool.end();
  return a;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = app();
  await new PostgresDeliveries().migrate(a.pool);
  await a.pool.query('CREATE TABLE IF NOT EXISTS credits (card_id text, amount numeric)');
  const server = a.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const hook = new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') })
    .signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 });
  const post = async (body) => (await fetch(`${base}/webhooks/worldcard`, { method: 'POST', headers: hook.headers, body })).status;
  const forged = Buffer.from(hook.body);
  forged[forged.length - 3] ^= 1;
  console.log(`express + postgres: delivery ${await post(hook.body)}, redelivery ${await post(hook.body)}, forgery ${await post(forged)}`);
  const { rows } = await a.pool.query("SELECT count(*) AS n FROM credits WHERE card_id = 'c-1'");
  console.log(`credits for c-1: ${rows[0].n}`);
  server.close();
  await a.close();
}
