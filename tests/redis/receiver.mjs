// One receiver instance (Node) of the multi-instance test: the same five
// routes as receiver.py on node:http, decisions in the shared Redis through
// cardwire/redis (ioredis), the work a line appended to this instance's log.
//
//   node receiver.mjs PORT REDIS_URL LOG
import http from 'node:http';
import { appendFileSync, readFileSync } from 'node:fs';
import Redis from 'ioredis';
import * as cw from 'cardwire';
import { RedisDeliveries } from 'cardwire/redis';

const [port, url, logPath] = process.argv.slice(2);
const key = (name) => readFileSync(new URL(`../vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const receivers = {
  '/worldcard': new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') }),
  '/legacy': new cw.WorldCardLegacy({ appKey: 'app_demo', appSecret: 'sBOvCZZurSbbdJiA' }),
  '/wasabi': new cw.WasabiMerchant({ apiKey: 'wsb_demo', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') }),
  '/pintopay': new cw.PinToPayMerchant({ apiKey: 'ptp_demo', apiSecret: 'ptp-demo-secret' }),
  '/payca': new cw.PayCaClient({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' }),
};
// Fail fast while Redis is away (no offline queue, no per-command retries):
// the receiver answers 503 and the provider retries.
const redis = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 100 });
redis.on('error', () => {});
const deliveries = new RedisDeliveries(redis, { reservationMs: 3000 });

const findRef = (v) => {
  if (typeof v === 'string') return v.startsWith('ev-') ? v : null;
  if (v && typeof v === 'object') for (const x of Object.values(v)) { const r = findRef(x); if (r) return r; }
  return null;
};

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const merchant = receivers[req.url];
    if (!merchant) return res.writeHead(404).end();
    let event;
    try {
      event = merchant.checkWebhook(req.headers, Buffer.concat(chunks));
    } catch (e) {
      return res.writeHead(401).end(String(e.code));
    }
    const ref = findRef(event.raw);
    let outcome;
    try {
      outcome = await deliveries.process(event, (ev) => appendFileSync(logPath, `${ref} ${ev.deliveryKey}\n`));
    } catch (e) {
      return res.writeHead(503).end(String(e.code));
    }
    if (outcome === 'busy') return res.writeHead(503).end('busy');
    const ack = merchant.constructor.webhookAck();
    res.writeHead(ack.status, { ...ack.headers, 'x-outcome': outcome }).end(ack.body);
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
