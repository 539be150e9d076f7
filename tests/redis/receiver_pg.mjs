// One receiver instance (Node, pg) of the multi-instance test on PostgreSQL:
// the same five routes as receiver_pg.py on node:http, each delivery
// processed in one transaction with its key (cardwire/postgres), the work a
// row in `work` written in that transaction.
//
//   node receiver_pg.mjs PORT DATABASE_URL
import http from 'node:http';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import * as cw from 'cardwire';
import { PostgresDeliveries } from 'cardwire/postgres';

const [port, url] = process.argv.slice(2);
const key = (name) => readFileSync(new URL(`../vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const receivers = {
  '/worldcard': new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') }),
  '/legacy': new cw.WorldCardLegacy({ appKey: 'app_demo', appSecret: 'sBOvCZZurSbbdJiA' }),
  '/wasabi': new cw.WasabiMerchant({ apiKey: 'wsb_demo', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') }),
  '/pintopay': new cw.PinToPayMerchant({ apiKey: 'ptp_demo', apiSecret: 'ptp-demo-secret' }),
  '/payca': new cw.PayCaClient({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' }),
};
const pool = new pg.Pool({ connectionString: url, max: 6, connectionTimeoutMillis: 2000 });
pool.on('error', () => {}); // an idle client whose server went away: discarded
const deliveries = new PostgresDeliveries();

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
      outcome = await deliveries.process(pool, event, (client, ev) => client.query('INSERT INTO work (ref, delivery_key) VALUES ($1, $2)', [ref, ev.deliveryKey]));
    } catch (e) {
      return res.writeHead(503).end(String(e.code));
    }
    const ack = merchant.constructor.webhookAck();
    res.writeHead(ack.status, { ...ack.headers, 'x-outcome': outcome }).end(ack.body);
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
