// A Node back end receiving a WorldCard webhook (the native addon on Node; the WebAssembly build elsewhere):
// verify, decrypt, recognise a redelivery, acknowledge. Run by `make test`.
// (Throwaway test keys; in production the platform signs and you only verify.)
import { readFileSync } from 'node:fs';
import { WorldCardMerchant, WorldCardPlatform, CardwireError } from 'cardwire';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';

// What WorldCard would send (here: our own platform side, for the demo).
const platform = new WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
const delivery = platform.signWebhook('card_deposit', { card_id: '1234567890123456', amount: '50.00', status: 1 });

// Your handler: the raw body and the headers, exactly as received.
const merchant = new WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: key('platform_2048.spki.pem') });
function handle(headers, rawBody) {
  try {
    const event = merchant.verifyWebhook(headers, rawBody);
    if (event.duplicate) console.log(`duplicate delivery ${event.deliveryId}: acknowledged, skipped`);
    else console.log(`${event.type}: card ${event.data.card_id} +${event.data.amount}`);
    return WorldCardMerchant.webhookAck();
  } catch (e) {
    if (e instanceof CardwireError) console.log(`refused: ${e.code}`);
    return { status: 401, headers: {}, bodyText: '' };
  }
}

console.log(handle(delivery.headers, delivery.body));
console.log(handle(new Headers(delivery.headers), delivery.body));
console.log(handle(delivery.headers, delivery.bodyText.replace('"data":"', '"data":"x')));
merchant.free();
platform.free();
