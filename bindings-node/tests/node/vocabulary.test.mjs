// The package exposes exactly the vocabulary table (tests/vocabulary.json,
// generated from core/src/api/vocab.rs): classes, methods, arity, result
// keys and error fields, in camelCase.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cw from 'cardwire';
import { ROOT, key } from './helpers.mjs';

const vocab = JSON.parse(readFileSync(join(ROOT, 'tests/vocabulary.json'), 'utf8'));
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

test('every class and method of the vocabulary, and nothing else', () => {
  const exported = Object.keys(cw).filter((k) => typeof cw[k] === 'function' && /^[A-Z]/.test(k) && k !== 'CardwireError').sort();
  assert.deepEqual(exported, vocab.classes.map((c) => c.name).sort());
  for (const c of vocab.classes) {
    const cls = cw[c.name];
    const inst = c.methods.filter((m) => !m.static).flatMap((m) => (m.async ? [camel(m.name), camel(m.name) + 'Async'] : [camel(m.name)]));
    const own = Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor' && n !== 'free');
    assert.deepEqual(own.sort(), inst.sort(), c.name);
    const statics = Object.getOwnPropertyNames(cls).filter((n) => !['length', 'name', 'prototype'].includes(n));
    const expectedStatics = [...c.methods.filter((m) => m.static).map((m) => camel(m.name)), ...(c.factory ? [camel(c.factory)] : [])];
    assert.deepEqual(statics.sort(), expectedStatics.sort(), `${c.name} statics`);
    for (const m of c.methods) {
      const fn = m.static ? cls[camel(m.name)] : cls.prototype[camel(m.name)];
      assert.equal(fn.length, m.args.length + (m.options.length ? 1 : 0), `${c.name}.${m.name} arity`);
    }
  }
  const functions = Object.keys(cw).filter((k) => typeof cw[k] === 'function' && /^[a-z]/.test(k)).sort();
  // Beside the vocabulary's functions, one JavaScript-only helper: the Fetch API receiver.
  assert.deepEqual(functions, [...vocab.functions.map((f) => camel(f.name)), 'webhookHandler'].sort());
  assert.deepEqual(cw.errorCodes(), vocab.codes);
});

test('result keys and error fields are the vocabulary\'s, in camelCase', () => {
  const shapes = Object.fromEntries(vocab.shapes.map((s) => [s.name, s.keys.map(camel)]));
  const aes = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
  const m = new cw.WorldCardMerchant({ appId: 'a', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: aes, platformPublicKeyPem: key('platform_2048.spki.pem') });
  const p = new cw.WorldCardPlatform({ appId: 'a', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: aes, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  assert.deepEqual(Object.keys(m.buildRequest('/api/v1/card/virtual/get_info', { card_id: '1' })), shapes.request);
  const sealed = p.sealResponse({ card_id: '1', cvv: '123' });
  assert.deepEqual(Object.keys(sealed), shapes.response);
  assert.deepEqual(Object.keys(m.openResponse(sealed.status, sealed.headers, sealed.body)), shapes.opened);
  const hook = p.signWebhook('card_open', { card_id: '1' });
  assert.deepEqual(Object.keys(hook), shapes.webhook);
  assert.deepEqual(Object.keys(m.verifyWebhook(hook.headers, hook.body)), shapes.event);
  assert.deepEqual(Object.keys(cw.validate('worldcard', '/api/v1/card/close', { card_id: '1' })), shapes.report);
  assert.deepEqual(Object.keys(cw.statusModel('pintopay.order')), shapes.status_model);
  try {
    new cw.WasabiGateway({ apiKey: 'k' }).openResponse(429, { 'Retry-After': '1' }, '{"message":"slow"}', { path: 'cards/info' });
    assert.fail('no error');
  } catch (e) {
    const fields = Object.keys(e).filter((k) => !['name', 'code'].includes(k));
    assert.deepEqual(fields.sort(), vocab.error_fields.filter((f) => f !== 'errors').map(camel).sort());
    assert.deepEqual(Object.keys(new cw.WasabiGateway({ apiKey: 'k' }).retryDecision('cards/info', e, 1)), shapes.retry_decision);
  }
});

test('unknown options and missing arguments say what to pass', () => {
  const m = new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123' });
  assert.throws(() => m.buildRequest('/api/v1/cards/get', {}, { timestamp: 1 }), (e) => e.code === 'invalid_input' && /unknown option timestamp; expected one of: .*timestampUs/.test(e.message));
  assert.throws(() => new cw.PinToPayMerchant({ apiKey: 'k' }), (e) => e.code === 'invalid_input' && /apiSecret/.test(e.message));
  m.free();
  m.free();
  assert.throws(() => m.buildRequest('/api/v1/cards/get', {}), (e) => e instanceof cw.CardwireError && e.code === 'invalid_input' && /freed/.test(e.message));
});
