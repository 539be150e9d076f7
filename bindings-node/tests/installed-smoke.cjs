'use strict';
// The installed-package smoke test: one round trip per provider, both
// sides, in process, against `cardwire` as a fresh project installed it from
// the packed tarballs (the main package and the platform package). Run by
// tests/node/pack.test.mjs (native and forced WebAssembly, in the project
// npm made) and by `make package-portable` (the arm64 addon under qemu-user
// with Debian's arm64 Node 18). The same steps as
// bindings-python/tests/installed_smoke.py.
//
//   node installed-smoke.cjs KEYS_DIR native|wasm
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const cw = require('cardwire');

const [keys, want] = process.argv.slice(2);
const key = (name) => readFileSync(join(keys, name), 'utf8');
const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const checked = [];
const ok = (cond, what) => {
  if (!cond) throw new Error(`smoke: ${what}`);
};
function refused(code, f) {
  try {
    f();
  } catch (e) {
    ok(e instanceof cw.CardwireError && e.code === code, `refused with ${code}, got ${e && e.code} (${e && e.message})`);
    return;
  }
  throw new Error(`smoke: accepted what should be refused with ${code}`);
}
const raw = (body) => Buffer.from(body);
// The body with one value changed (it must be there).
const changed = (from, to) => (body) => {
  ok(raw(body).includes(from), `${from} in ${raw(body)}`);
  return Buffer.from(raw(body).toString('latin1').replace(from, to), 'latin1');
};
// One bit of the body changed: for envelopes whose signature covers the raw bytes.
function flippedByte(body) {
  const b = Buffer.from(body);
  b[b.length >> 1] ^= 1;
  return b;
}
// PinToPay: one bit of the sealed bytes changed, still valid Base64.
function flippedCiphertext(body) {
  const doc = JSON.parse(raw(body));
  const sealed = Buffer.from(doc.encrypted, 'base64');
  sealed[sealed.length - 1] ^= 1;
  doc.encrypted = sealed.toString('base64');
  return Buffer.from(JSON.stringify(doc));
}
function webhook(hook, receiver, tamper, code = 'signature_invalid') {
  const first = receiver.verifyWebhook(hook.headers, hook.body);
  const again = receiver.verifyWebhook(hook.headers, hook.body);
  ok(first.duplicate === false && again.duplicate === true, 'a redelivery comes back duplicate');
  refused(code, () => receiver.verifyWebhook(hook.headers, tamper(hook.body)));
}
const opened = (m, r, options) => m.openResponse(r.status, r.headers, r.body, options);

// WorldCard Card/*: AES-256-GCM body, RSA-PSS-SHA256.
{
  const m = new cw.WorldCardMerchant({ appId: 'app_smoke', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES, platformPublicKeyPem: key('platform_2048.spki.pem') });
  const p = new cw.WorldCardPlatform({ appId: 'app_smoke', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const req = m.buildRequest('/api/v1/card/deposit', { card_id: 'c_1', amount: '10.00', merchant_transaction_id: 't1' });
  ok(p.verifyRequest(req.headers, req.body, { path: '/api/v1/card/deposit' }).amount === '10.00', 'WorldCard request verified');
  refused('signature_invalid', () => p.verifyRequest({ ...req.headers, 'X-Signature': 'AAAA' }, req.body));
  ok(opened(m, p.sealResponse({ card_id: 'c_1', status: 2 })).data.card_id === 'c_1', 'WorldCard response opened');
  webhook(p.signWebhook('card_open', { card_id: 'c_1', status: 2 }), m, flippedByte);
  checked.push('worldcard');
}
// WorldCard legacy: MD5 over sorted parameters, AES-ECB.
{
  const secret = 'sBOvCZZurSbbdJiA';
  const m = new cw.WorldCardLegacy({ appKey: 'app-1', appSecret: secret });
  const p = new cw.WorldCardLegacyPlatform({ appKey: 'app-1', appSecret: secret });
  const req = m.buildRequest('/op/card/E/info', { cardNumber: '4000' });
  ok(p.verifyRequest(req.headers, req.body, { path: '/op/card/E/info' }).cardNumber === '4000', 'legacy request verified');
  ok(opened(m, p.sealResponse('{"cardNo":"4000","balance":12.00}')).data.balance === '12.00', 'legacy response opened, decimals exact');
  webhook(p.signWebhook({ orderNo: 'O1', merOrderNo: 'M1', status: '2', settleAmount: '20.10' }), m, changed('20.10', '20.11'));
  checked.push('worldcard_legacy');
}
// Wasabi Card Open API: RSA-SHA256 PKCS#1 v1.5 (1024-bit keys), RSA-encrypted fields.
{
  const m = new cw.WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') });
  const p = new cw.WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key('platform_1024.pkcs8.pem'), merchantPublicKeyPem: key('merchant_1024.spki.pem') });
  const req = m.buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c1' });
  ok(p.verifyRequest(req.headers, req.body).cardNo === 'c1', 'Wasabi request verified');
  refused('signature_invalid', () => p.verifyRequest(req.headers, changed('"c1"', '"c2"')(req.body)));
  const o = opened(m, p.sealResponse(`{"cardNo":"c1","cvv":"${p.encryptField('321')}","balance":15.10}`));
  ok(o.authenticated && o.data.balance === '15.10' && m.decryptField(o.data.cvv) === '321', 'Wasabi response opened, field decrypted');
  webhook(p.signWebhook('card_transaction', { orderNo: 'T-1', status: 'success' }), m, changed('T-1', 'T-2'));
  checked.push('wasabi');
}
// Wasabi API gateway: X-API-KEY, {success, code, msg, data}, 429 back-off.
{
  const g = new cw.WasabiGateway({ apiKey: 'gw-key' });
  const req = g.buildRequest('work-orders/', { pageNum: 2 }, { method: 'GET' });
  ok(Object.entries(req.headers).some(([k, v]) => k.toLowerCase() === 'x-api-key' && v === 'gw-key'), 'gateway key header');
  ok(g.openResponse(200, {}, '{"success":true,"code":200,"msg":"Success","data":{"n":1}}', { path: 'work-orders/' }).data.n === 1, 'gateway response opened');
  try {
    g.openResponse(429, { 'Retry-After': '2' }, '{"message":"Too Many Attempts."}', { path: 'cards/deposit' });
    throw new Error('smoke: a 429 opened');
  } catch (e) {
    ok(e.code === 'api_error' && e.status === 429 && e.retryable === true && e.retryAfterMs === 2000, `429 back-off (${e.message})`);
  }
  checked.push('wasabi_gateway');
}
// PinToPay: XSalsa20-Poly1305 envelopes, µs timestamps, idempotency.
{
  const m = new cw.PinToPayMerchant({ apiKey: 'ptp', apiSecret: 'a-long-enough-secret' });
  const p = new cw.PinToPayPlatform({ apiKey: 'ptp', apiSecret: 'a-long-enough-secret' });
  const req = m.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '25.50' }, { idempotencyKey: 'idem-1' });
  ok(p.verifyRequest(req.headers, req.body, { path: '/api/v1/cards/topup' }).amount === '25.50', 'PinToPay request verified');
  refused('replay_detected', () => p.verifyRequest(req.headers, req.body, { path: '/api/v1/cards/topup' }));
  ok(opened(m, p.sealResponse({ order_id: 'o-1' })).data.order_id === 'o-1', 'PinToPay response opened');
  webhook(p.signWebhook('card.transaction', { card_id: 'c', amount: '1.00' }), m, flippedCiphertext, 'decrypt_failed');
  checked.push('pintopay');
}
// PayCA: client id/secret headers, `sha256=` HMAC-SHA256 webhooks.
{
  const c = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'csecret' });
  const p = new cw.PayCaPlatform({ clientId: 'cid', clientSecret: 'csecret' });
  const req = c.buildRequest('/v1/users', { externalId: 'usr-001' });
  ok(p.verifyRequest(req.headers, req.body, { path: '/v1/users' }).externalId === 'usr-001', 'PayCA request verified');
  const wrong = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'wrong' }).buildRequest('/v1/users', { externalId: 'x' });
  refused('signature_invalid', () => p.verifyRequest(wrong.headers, '{}', { path: '/v1/users' }));
  webhook(p.signWebhook('card_transaction', { cardId: 'c-1', amount: '1.00' }), c, changed('1.00', '1.01'));
  checked.push('payca');
}
ok(cw.backend === want, `backend ${cw.backend}, wanted ${want}`);
console.log(`installed package works on Node ${process.version} (${process.platform}-${process.arch}, ${cw.backend}): ${checked.join(', ')}`);
