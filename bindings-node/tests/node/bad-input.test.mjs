// Bad input from JavaScript: always a CardwireError with the right code,
// never a wasm trap (`RuntimeError: unreachable`) or a plain TypeError.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as cw from 'cardwire';
import { key } from './helpers.mjs';

const AES_HEX = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';

function expectCode(fn, code, label) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof cw.CardwireError, `${label}: ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    assert.ok(e instanceof Error, label);
    if (code) assert.equal(e.code, code, `${label}: ${e.message}`);
    assert.ok(cw.errorCodes().includes(e.code), label);
    return;
  }
  assert.fail(`${label}: did not throw`);
}

test('constructors refuse wrong types and bad keys with typed errors', () => {
  expectCode(() => new cw.WorldCardMerchant(), 'invalid_input', 'no options');
  expectCode(() => new cw.WorldCardMerchant(42), 'invalid_input', 'number options');
  expectCode(() => new cw.WorldCardMerchant({ appId: 'a', privateKeyPem: 'nope', aesKey: AES_HEX }), 'invalid_key', 'bad pem');
  expectCode(() => new cw.WorldCardMerchant({ appId: 'a', privateKeyPem: key('merchant_1024.pkcs8.pem'), aesKey: 'short' }), 'invalid_key', 'bad aes');
  expectCode(() => new cw.WorldCardMerchant({ appId: 7, privateKeyPem: key('merchant_1024.pkcs8.pem'), aesKey: AES_HEX }), 'invalid_input', 'appId number');
  expectCode(() => new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'short' }), 'invalid_key', 'short secret');
  expectCode(() => new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.spki.pem') }), 'invalid_key', 'public as private');
  expectCode(() => new cw.WorldCardLegacy({ appKey: 'k', appSecret: 'sBOvCZZurSbbdJiA', paramsIn: 'header' }), 'invalid_input', 'bad enum option');
  expectCode(() => new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem'), fieldPadding: 'rot13' }), 'invalid_input', 'bad padding');
});

test('methods refuse undefined, wrong types, huge strings and non-JSON', () => {
  const m = new cw.WorldCardMerchant({ appId: 'a', privateKeyPem: key('merchant_1024.pkcs8.pem'), aesKey: AES_HEX, platformPublicKeyPem: key('platform_1024.spki.pem') });
  const huge = 'x'.repeat(5_000_000);
  expectCode(() => m.buildRequest('/api/v1/card/close', undefined), 'validation_failed', 'undefined payload is {} (the close rules need a card)');
  expectCode(() => m.buildRequest('/api/v1/card/close', 12), 'invalid_input', 'number payload');
  expectCode(() => m.buildRequest('/api/v1/card/close', '{not json'), 'invalid_input', 'non-JSON text');
  expectCode(() => m.buildRequest('/api/v1/card/close', { card_id: 'c' }, { timestampS: -1 }), 'invalid_input', 'negative timestamp');
  expectCode(() => m.buildRequest('/api/v1/card/close', { card_id: 'c' }, { timestampS: 1.5 }), 'invalid_input', 'fractional timestamp');
  expectCode(() => m.buildRequest('/api/v1/card/close', { card_id: 'c' }, { nonce: 'has space' }), 'invalid_input', 'bad nonce');
  expectCode(() => m.buildRequest('/api/v1/card/close', { card_id: 'c' }, { random: new Uint8Array(3) }), 'invalid_input', 'short seed');
  expectCode(() => m.buildRequest('/nope', {}), 'invalid_input', 'bad path');
  expectCode(() => m.buildRequest(undefined, {}), null, 'undefined path');
  expectCode(() => m.openResponse(200, {}, undefined), 'invalid_input', 'undefined body');
  expectCode(() => m.openResponse(200, {}, huge), 'malformed_envelope', 'huge non-JSON body');
  expectCode(() => m.openResponse(200, {}, `{"code":0,"data":{"cvv":"${'A'.repeat(40)}"}}`), 'decrypt_failed', 'a ciphertext-shaped field that fails its tag');
  assert.deepEqual(m.openResponse(200, {}, '{"code":0,"data":{"cvv":"123"}}').unencryptedFields, ['cvv'], 'a field in clear is passed through, listed');
  expectCode(() => m.decryptField(huge), 'decrypt_failed', 'huge field (valid Base64, wrong tag)');
  expectCode(() => m.decryptField(huge + '!'), 'malformed_envelope', 'huge non-Base64 field');
  expectCode(() => m.decryptField(12), null, 'number field');
  expectCode(() => m.verifyWebhook(12, '{}'), 'invalid_input', 'number headers');
  expectCode(() => m.verifyWebhook([['X-Nonce']], '{}'), 'invalid_input', 'broken pair');
  expectCode(() => m.verifyWebhook({}, '{}'), 'malformed_envelope', 'no headers');
  expectCode(() => m.verifyWebhook({ 'X-Signature': 'AAAA', 'X-Timestamp': '99999999999999999999999', 'X-Nonce': 'n' }, '{}'), 'malformed_envelope', 'overflowing timestamp');
  expectCode(() => m.verifyWebhook({ 'X-Signature': 'AAAA', 'X-Timestamp': '1', 'X-Nonce': 'n' }, huge), 'signature_invalid', 'huge body, short signature');
  expectCode(() => m.verifyWebhook({ 'X-Signature': 'AAAA', 'X-Timestamp': '1', 'X-Nonce': 'n' }, new Uint8Array([0xff, 0xfe])), 'signature_invalid', 'binary body');
  expectCode(() => cw.validate('nobody', '/x', {}), 'invalid_input', 'unknown provider');
  expectCode(() => cw.validate('worldcard', '/api/v1/card/deposit', []), 'validation_failed', 'array payload');
  const g = new cw.WasabiGateway({ apiKey: 'k' });
  expectCode(() => g.openResponse(200, {}, 'not json', { path: 'cards/info' }), 'malformed_envelope', 'gateway non-JSON');
  expectCode(() => g.openResponse(70000, {}, '{}', { path: 'cards/info' }), null, 'status out of range');
  expectCode(() => new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }).buildRequest('/v1/users', null, { idempotencyKey: 'k'.repeat(256) }), 'invalid_input', 'long idempotency key');
});

test('validation errors carry every field; API errors carry provider details', () => {
  try {
    cw.validate('worldcard', '/api/v1/card/virtual/apply', { card_type: 'VIRTUAL-V', first_recharge_amount: '5' });
    assert.fail('no error');
  } catch (e) {
    assert.equal(e.code, 'validation_failed');
    assert.deepEqual(Object.keys(e.errors).sort().slice(0, 3), ['address', 'card_bin_id', 'city']);
    assert.deepEqual(e.errors.first_recharge_amount, ['must be at least 10']);
  }
  const g = new cw.WasabiGateway({ apiKey: 'k' });
  try {
    g.openResponse(429, { 'Retry-After': '7' }, '{"message":"Too Many Attempts."}', { path: 'cards/info' });
  } catch (e) {
    assert.equal(e.code, 'api_error');
    assert.equal(e.providerCode, '429');
    assert.equal(e.status, 429);
    assert.equal(e.retryable, true);
    assert.equal(e.retryAfterMs, 7000);
    assert.deepEqual(g.retryDecision('cards/info', e, 1), { retry: true, delayMs: 7000, reason: 'HTTP 429 is transient: attempt 2 after 7000 ms (Retry-After honoured)' });
  }
});

test('objects can be freed and disposed', () => {
  const m = new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123' });
  assert.equal(typeof m.free, 'function');
  if (Symbol.dispose) assert.equal(typeof m[Symbol.dispose], 'function');
  m.free();
  assert.throws(() => m.buildRequest('/api/v1/cards/get', { card_id: 'c' }));
});

test('builders validate by default; off per call and per client', () => {
  const p = new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123' });
  expectCode(() => p.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '0' }, { idempotencyKey: 'i' }), 'validation_failed', 'pintopay default');
  assert.ok(p.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '0' }, { idempotencyKey: 'i', validate: false }));
  const lax = new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123', validate: false });
  assert.ok(lax.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '0' }, { idempotencyKey: 'i' }));
  const w = new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem') });
  const pin = { cardNo: 'c', merchantOrderNo: 'ORDER-2026-0000001', pin: '123456' };
  expectCode(() => w.buildRequest('/merchant/core/mcb/card/physicalCard/updatePin', pin), 'validation_failed', 'wasabi PIN');
  assert.ok(w.buildRequest('/merchant/core/mcb/card/physicalCard/updatePin', pin, { validate: false }));
  const g = new cw.WasabiGateway({ apiKey: 'k' });
  expectCode(() => g.buildRequest('accounts/', { pageSize: 50 }), 'validation_failed', 'gateway page size');
  assert.equal(g.buildRequest('accounts/', { pageSize: 50 }, { validate: false }).path, '/api/v1/accounts/?pageSize=50');
  const c = new cw.PayCaClient({ clientId: 'c', clientSecret: 's' });
  expectCode(() => c.buildRequest('/v1/cards', {}), 'validation_failed', 'payca body');
  assert.ok(c.buildRequest('/v1/cards', {}, { validate: false }));
  const l = new cw.WorldCardLegacy({ appKey: 'a', appSecret: '0123456789abcdef' });
  expectCode(() => l.buildRequest('/api/card/top/up', { merOrderNo: 'M', cardNumber: '4', amount: '5' }), 'validation_failed', 'legacy top-up');
  assert.ok(l.buildRequest('/api/card/top/up', { merOrderNo: 'M', cardNumber: '4', amount: '5' }, { validate: false }));
});
