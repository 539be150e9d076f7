// Express 5 behind a load balancer: every instance shares one Redis, so a
// provider's redelivery is processed once whichever instance it lands on.
// Verify the raw body, then `process` the event: reserved while your work
// runs, marked done after it; a redelivery comes back 'duplicate'
// (acknowledge), 'busy' while another instance works on it (503: the
// provider retries); Redis away is store_unavailable (503), never "new".
// Run as a script (REDIS_URL, default redis://127.0.0.1:6379): it posts a
// delivery, the retry and a forgery to itself and prints the statuses.
// `npm i cardwire express ioredis`; throwaway keys from tests/vectors/keys.
import express from 'express';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import * as cw from 'cardwire';
import { RedisDeliveries } from 'cardwire/redis';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const worldcard = new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') });

export function app(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  // No offline queue, no per-command retries, a command timeout: while
  // Redis is away or stalled a decision fails fast and the provider is told
  // to retry.
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2000 });
  redis.on('error', () => {}); // reconnects by itself; each decision reports its own failure
  const deliveries = new RedisDeliveries(redis);
  const a = express();
  a.post('/webhooks/worldcard', express.raw({ type: '*/*' }), async (req, res) => {
    let event;
    try {
      event = worldcard.checkWebhook(req.headers, req.body); // signature, decryption; no store yet
    } catch (e) {
      return res.status(401).send(e.code);
    }
    try {
      const outcome = await deliveries.process(event, async (ev) => {
        console.log(`credited ${ev.data.amount} to ${ev.data.card_id}`); // your work, once
      });
      if (outcome === 'busy') return res.status(503).send('busy');
    } catch (e) {
      if (e.code === 'store_unavailable') return res.status(503).send(e.code);
      throw e; // your handler failed: the reservation was released, Express answers 500
    }
    const ack = cw.WorldCardMerchant.webhookAck();
    res.status(ack.status).set(ack.headers).send(Buffer.from(ack.body));
  });
  a.ready = once(redis, 'ready'); // before that, deliveries are answered 503
  a.close = () => redis.disconnect();
  return a;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = app();
  await a.ready;
  const server = a.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const hook = new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') })
    .signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 });
  const post = async (body) => (await fetch(`${base}/webhooks/worldcard`, { method: 'POST', headers: hook.headers, body })).status;
  const forged = Buffer.from(hook.body);
  forged[forged.length - 3] ^= 1;
  console.log(`express + redis: delivery ${await post(hook.body)}, redelivery ${await post(hook.body)}, forgery ${await post(forged)}`);
  server.close();
  a.close();
}
