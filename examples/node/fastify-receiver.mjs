// Receiving WorldCard and PayCA webhooks in Fastify 5: a content-type parser
// with `parseAs: 'buffer'` keeps the raw body, because the signature covers
// the bytes. Run as a script, it injects a delivery, the provider's retry
// and a forgery and prints the statuses.
// `npm i cardwire fastify`; throwaway keys from tests/vectors/keys.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import * as cw from 'cardwire';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const worldcard = new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') });
const payca = new cw.PayCaClient({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' });

export function app() {
  const f = Fastify();
  // Every content type arrives as a Buffer, untouched.
  f.removeAllContentTypeParsers();
  f.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => done(null, body));
  const receive = (merchant) => async (req, reply) => {
    let event;
    try {
      event = merchant.verifyWebhook(req.headers, req.body);
    } catch (e) {
      if (!(e instanceof cw.CardwireError)) throw e;
      return reply.code(e.code === 'store_unavailable' ? 503 : 401).send(e.code);
    }
    if (!event.duplicate) console.log(`handled ${event.type} (${event.deliveryKey.split(':')[1]})`);
    const ack = merchant.constructor.webhookAck();
    return reply.code(ack.status).headers(ack.headers).send(Buffer.from(ack.body));
  };
  f.post('/hooks/worldcard', receive(worldcard));
  f.post('/hooks/payca', receive(payca));
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = app();
  const hooks = {
    worldcard: new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') })
      .signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 }),
    payca: new cw.PayCaPlatform({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' }).signWebhook('card_transaction', { cardId: 'c-1' }),
  };
  for (const [name, hook] of Object.entries(hooks)) {
    const post = async (body) => (await f.inject({ method: 'POST', url: `/hooks/${name}`, headers: hook.headers, payload: Buffer.from(body) })).statusCode;
    const forged = Buffer.from(hook.body);
    forged[forged.length - 3] ^= 1;
    console.log(`fastify ${name}: delivery ${await post(hook.body)}, redelivery ${await post(hook.body)}, forgery ${await post(forged)}`);
  }
  await f.close();
}
