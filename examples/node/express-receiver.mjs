// Receiving WorldCard and PayCA webhooks in Express 5: the route takes the
// raw body (`express.raw({ type: '*/*' })`), never the parsed JSON, because
// the signature covers the bytes. Run as a script, it posts a delivery, the
// provider's retry and a forgery to itself and prints the statuses.
// `npm i cardwire express`; throwaway keys from tests/vectors/keys.
import express from 'express';
import { readFileSync } from 'node:fs';
import * as cw from 'cardwire';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const worldcard = new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') });
const payca = new cw.PayCaClient({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' });

export function app() {
  const a = express();
  const receive = (merchant) => (req, res) => {
    let event;
    try {
      event = merchant.verifyWebhook(req.headers, req.body); // req.body is a Buffer here
    } catch (e) {
      if (!(e instanceof cw.CardwireError)) throw e;
      return res.status(e.code === 'store_unavailable' ? 503 : 401).send(e.code);
    }
    if (!event.duplicate) console.log(`handled ${event.type} (${event.deliveryKey.split(':')[1]})`);
    const ack = merchant.constructor.webhookAck();
    res.status(ack.status).set(ack.headers).send(Buffer.from(ack.body));
  };
  a.post('/hooks/worldcard', express.raw({ type: '*/*' }), receive(worldcard));
  a.post('/hooks/payca', express.raw({ type: '*/*' }), receive(payca));
  return a;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = app().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const hooks = {
    worldcard: new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') })
      .signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 }),
    payca: new cw.PayCaPlatform({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' }).signWebhook('card_transaction', { cardId: 'c-1' }),
  };
  for (const [name, hook] of Object.entries(hooks)) {
    const post = async (body) => (await fetch(`${base}/hooks/${name}`, { method: 'POST', headers: hook.headers, body })).status;
    const forged = Buffer.from(hook.body);
    forged[forged.length - 3] ^= 1;
    console.log(`express ${name}: delivery ${await post(hook.body)}, redelivery ${await post(hook.body)}, forgery ${await post(forged)}`);
  }
  server.close();
}
