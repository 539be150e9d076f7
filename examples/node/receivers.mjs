// A webhook receiver per provider on Node's own HTTP server, no framework.
//
// Each route reads the raw body, verifies it with the provider's merchant
// class, does the work once (a redelivery comes back `duplicate`) and answers
// with the provider's acknowledgement. Run as a script, it starts on a free
// loopback port, has each provider's platform side (cardwire's own, standing
// in for the real provider) post a signed webhook twice plus one forgery, and
// prints what happened. `npm i cardwire`; throwaway keys from tests/vectors/keys.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import * as cw from 'cardwire';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const legacySecret = 'sBOvCZZurSbbdJiA';

const receivers = {
  '/worldcard': new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') }),
  '/legacy': new cw.WorldCardLegacy({ appKey: 'app_demo', appSecret: legacySecret }),
  '/wasabi': new cw.WasabiMerchant({ apiKey: 'wsb_demo', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') }),
  '/pintopay': new cw.PinToPayMerchant({ apiKey: 'ptp_demo', apiSecret: 'ptp-demo-secret' }),
  '/payca': new cw.PayCaClient({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' }),
};
const handled = [];

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const merchant = receivers[req.url];
    if (!merchant) return res.writeHead(404).end();
    let event;
    try {
      // The raw body and req.headers exactly as received.
      event = merchant.verifyWebhook(req.headers, Buffer.concat(chunks));
    } catch (e) {
      if (!(e instanceof cw.CardwireError)) throw e;
      // store_unavailable: answer 5xx so the provider retries.
      return res.writeHead(e.code === 'store_unavailable' ? 503 : 401).end(e.code);
    }
    if (!event.duplicate) handled.push(`${req.url.slice(1)}:${event.type}`); // your work, once per delivery
    const ack = merchant.constructor.webhookAck();
    res.writeHead(ack.status, ack.headers).end(ack.body);
  });
});

/** One signed byte changed: the first letter or digit past the middle. */
function tamper(body) {
  const b = Buffer.from(body);
  for (let i = b.length >> 1; i < b.length; i++) {
    if (/[A-Za-z0-9]/.test(String.fromCharCode(b[i]))) {
      b[i] = b[i] === 0x41 ? 0x42 : 0x41;
      return b;
    }
  }
  return b;
}

const senders = {
  '/worldcard': () => new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') })
    .signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 }),
  '/legacy': () => new cw.WorldCardLegacyPlatform({ appKey: 'app_demo', appSecret: legacySecret })
    .signWebhook({ orderNo: 'O1', merOrderNo: 'M1', status: '2', settleAmount: '20.10' }),
  '/wasabi': () => new cw.WasabiPlatform({ apiKey: 'wsb_demo', platformPrivateKeyPem: key('platform_1024.pkcs8.pem'), merchantPublicKeyPem: key('merchant_1024.spki.pem') })
    .signWebhook('card_transaction', { orderNo: 'T-1', status: 'success' }),
  '/pintopay': () => new cw.PinToPayPlatform({ apiKey: 'ptp_demo', apiSecret: 'ptp-demo-secret' }).signWebhook('card.transaction', { card_id: 'c-1' }),
  '/payca': () => new cw.PayCaPlatform({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' }).signWebhook('card_transaction', { cardId: 'c-1' }),
};

await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const post = async (path, hook, body = hook.body) => (await fetch(base + path, { method: 'POST', headers: hook.headers, body })).status;
try {
  for (const [path, sign] of Object.entries(senders)) {
    const hook = sign();
    const statuses = [await post(path, hook), await post(path, hook), await post(path, hook, tamper(hook.body))];
    console.log(`${path.slice(1)}: delivery ${statuses[0]}, redelivery ${statuses[1]}, forgery ${statuses[2]}`);
  }
} finally {
  server.close();
}
console.log(`handled once each: ${handled.join(', ')} (backend: ${cw.backend})`);
