// Building signed requests for every provider: the exact method, path,
// headers and body to send with your HTTP client (here: printed, not sent).
// `npm i cardwire`; throwaway keys from tests/vectors/keys.
import { readFileSync } from 'node:fs';
import * as cw from 'cardwire';

const key = (name) => readFileSync(new URL(`../../tests/vectors/keys/${name}`, import.meta.url), 'utf8');
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const show = (name, req) => console.log(`${name}: ${req.method} ${req.path} headers=${JSON.stringify(Object.keys(req.headers).sort())} body=${req.body.length} bytes`);

const wc = new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey });
show('worldcard', wc.buildRequest('/api/v1/card/deposit', { card_id: 'c-1', merchant_transaction_id: 't-1', amount: '100.00' }));
// RSA signing off the main thread (the native addon runs it on the libuv pool).
show('worldcard (async)', await wc.buildRequestAsync('/api/v1/card/deposit', { card_id: 'c-1', merchant_transaction_id: 't-2', amount: '100.00' }));
const legacy = new cw.WorldCardLegacy({ appKey: 'app_demo', appSecret: 'sBOvCZZurSbbdJiA' });
show('legacy', legacy.buildRequest('/op/card/E/info', { cardNumber: '4000' }));
const wsb = new cw.WasabiMerchant({ apiKey: 'wsb_demo', privateKeyPem: key('merchant_1024.pkcs8.pem') });
show('wasabi', wsb.buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c1' }));
const gw = new cw.WasabiGateway({ apiKey: 'gw_demo' });
show('gateway', gw.buildRequest('work-orders/', { pageNum: 1 }, { method: 'GET' }));
const ptp = new cw.PinToPayMerchant({ apiKey: 'ptp_demo', apiSecret: 'ptp-demo-secret' });
show('pintopay', ptp.buildRequest('/api/v1/cards/topup', { card_id: 'c-1', amount: '25.50' }, { idempotencyKey: 'topup-1' }));
const payca = new cw.PayCaClient({ clientId: 'payca_demo', clientSecret: 'payca-demo-secret' });
show('payca', payca.buildRequest('/v1/cards', null, { query: [['limit', '10']], method: 'GET' }));
try {
  wc.buildRequest('/api/v1/card/deposit', { card_id: 'c-1', merchant_transaction_id: 't-3', amount: '5' });
} catch (e) {
  if (!(e instanceof cw.CardwireError)) throw e;
  console.log('refused before sending:', JSON.stringify(e.errors));
}
