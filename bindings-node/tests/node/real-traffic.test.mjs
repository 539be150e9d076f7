// Real traffic, round 3, as a new user meets it in Node (native addon and
// WebAssembly): webhooks sealed by tweetnacl and signed by node:crypto with
// event times of every shape are accepted; business keys tell events apart;
// keys, non-integer numbers, unknown paths and missing bodies get errors
// that say what to do.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import * as cw from 'cardwire';
import { key } from './helpers.mjs';

const AES_HEX = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const SECRET = 'ptp-secret-123';
const NOW_MS = 1767323045000;

function tweetnaclSeal(payload) {
  const k = createHash('sha256').update(SECRET).digest();
  const nonce = randomBytes(24);
  const box = nacl.secretbox(new TextEncoder().encode(JSON.stringify(payload)), nonce, k);
  return JSON.stringify({ encrypted: Buffer.concat([Buffer.from([2]), nonce, Buffer.from(box)]).toString('base64') });
}

const TIMES = [1764000000, 1764000000123, 1764000000123456, 1764000000.5, -5, 0, '2020-01-01T00:00:00Z',
  '2199-12-31T23:59:59+14:00', '2026-01-02T03:04:05', '2026-01-02 03:04:05', 'weeks ago', '', null, { s: 1 }, [1, 2]];

test('PinToPay: every event time is data, timestampMs is null', () => {
  const m = new cw.PinToPayMerchant({ apiKey: 'ptp_key', apiSecret: SECRET });
  for (const t of TIMES) {
    const body = tweetnaclSeal({ type: 'card.frozen', card_id: 'card_1', status: 'frozen', created_at: t, timestamp: t });
    const ev = m.verifyWebhook({ 'api-key': 'ptp_key' }, body, { nowMs: NOW_MS });
    assert.equal(ev.type, 'card.frozen', JSON.stringify(t));
    assert.equal(ev.timestampMs, null);
    assert.ok(ev.businessKey.startsWith('card.frozen::card_1:frozen:'), ev.businessKey);
    assert.equal(m.verifyWebhook({}, body, { nowMs: NOW_MS + 1 }).duplicate, true);
  }
});

test('PayCA: a re-sent old cardholder event is accepted; status moves get their own keys', () => {
  const c = new cw.PayCaClient({ clientId: 'pc_client', clientSecret: 'pc_secret' });
  const sign = (b) => 'sha256=' + createHmac('sha256', 'pc_secret').update(b).digest('hex');
  for (const t of TIMES) {
    const body = JSON.stringify({ cardholderId: 'ch-1', status: 'pass_audit', timestamp: t });
    const ev = c.verifyWebhook({ 'x-signature': sign(body) }, body, { nowMs: NOW_MS });
    assert.equal(ev.timestampMs, null, JSON.stringify(t));
  }
  const keys = ['wait_audit', 'under_review', 'pass_audit'].map((status) => {
    const body = JSON.stringify({ cardholderId: 'ch-1', status, timestamp: '2026-01-02T03:04:05Z' });
    return c.verifyWebhook({ 'x-signature': sign(body) }, body).businessKey;
  });
  assert.equal(new Set(keys).size, 3, keys.join(' '));
});

test('AES keys: a trailing newline, a Uint8Array of 32 bytes, Base64', () => {
  const platform = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES_HEX,
    platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const hook = platform.signWebhook('card_open', { card_id: '1' });
  const raw = Uint8Array.from(Buffer.from(AES_HEX, 'hex'));
  for (const aesKey of [`${AES_HEX}\n`, raw, Buffer.from(raw).toString('base64')]) {
    const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey,
      platformPublicKeyPem: key('platform_2048.spki.pem') });
    assert.equal(m.verifyWebhook(hook.headers, hook.body).type, 'card_open');
  }
  assert.throws(() => new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: raw.slice(0, 16) }),
    (e) => e.code === 'invalid_key' && /exactly 32 bytes/.test(e.message));
  assert.throws(() => new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX.slice(0, 40) }),
    (e) => e.code === 'invalid_key' && /64 hex/.test(e.message) && /44 Base64/.test(e.message) && !e.message.includes(AES_HEX));
  // A webhook for another app.
  const other = new cw.WorldCardPlatform({ appId: 'other', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES_HEX,
    platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX,
    platformPublicKeyPem: key('platform_2048.spki.pem') });
  const foreign = other.signWebhook('card_open', { card_id: '1' });
  assert.throws(() => m.verifyWebhook(foreign.headers, foreign.body), (e) => e.code === 'unknown_merchant');
});

test('a non-integer number in a payload is refused; a string goes through', () => {
  const m = new cw.PinToPayMerchant({ apiKey: 'ptp_key', apiSecret: SECRET });
  assert.throws(() => m.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: 100.5 }, { idempotencyKey: 'i' }),
    (e) => e.code === 'invalid_input' && /100\.5/.test(e.message) && /string/.test(e.message));
  const req = m.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '100.50' }, { idempotencyKey: 'i' });
  const opened = new cw.PinToPayPlatform({ apiKey: 'ptp_key', apiSecret: SECRET })
    .verifyRequest(req.headers, req.body, { path: '/api/v1/cards/topup' });
  assert.equal(opened.amount, '100.50');
});

test('an unknown path is refused before signing, naming the nearest; validate: false sends it', () => {
  const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX });
  assert.throws(() => m.buildRequest('/api/v1/card/virtual/get_inf', { card_id: 'c' }),
    (e) => e.code === 'validation_failed' && e.errors.path[0].includes('nearest: `/api/v1/card/virtual/get_info`'));
  assert.equal(m.buildRequest('/api/v1/card/nope', { card_id: 'c' }, { validate: false }).path, '/api/v1/card/nope');
});

test('a body left undefined by Express says how to read it raw', () => {
  const c = new cw.PayCaClient({ clientId: 'pc_client', clientSecret: 'pc_secret' });
  assert.throws(() => c.verifyWebhook({ 'x-signature': 'sha256=00' }, undefined),
    (e) => e.code === 'invalid_input' && e.message.includes("express.raw({ type: '*/*' })"));
});

test('verified events: raw is the body as JSON.parse reads it, data is the same object, numbers stay exact', () => {
  const pcp = new cw.PayCaPlatform({ clientId: 'cid', clientSecret: 'payca-secret' });
  const pc = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'payca-secret' });
  const wp = new cw.WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key('platform_2048.pkcs8.pem'), merchantPublicKeyPem: key('merchant_2048.spki.pem') });
  const wm = new cw.WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key('merchant_2048.pkcs8.pem'), platformPublicKeyPem: key('platform_2048.spki.pem') });
  const plain = '{"card_id":"c1","id":"カード😀:%","amount":"100.00","n":7,"nested":{"list":[1,"2",null,true]},"text":"1.5 and -0 inside text"}';
  // Numbers a JavaScript number would change: exact text instead.
  const exact = '{"card_id":"c1","amount":15.10,"big":12345678901234567,"neg":-0,"e":1e2}';
  for (const [name, verify] of [
    ['PayCA', (data) => { const h = pcp.signWebhook('card_transaction', Buffer.from(data)); return [pc.verifyWebhook(h.headers, h.body), h.body]; }],
    ['Wasabi', (data) => { const h = wp.signWebhook('card_transaction', Buffer.from(data)); return [wm.verifyWebhook(h.headers, h.body), h.body]; }],
  ]) {
    const [ev, body] = verify(plain);
    const text = Buffer.from(body).toString();
    assert.deepEqual(ev.raw, JSON.parse(text), name);
    const inner = ev.raw.data !== undefined && typeof ev.raw.data === 'object' ? ev.raw.data : ev.raw;
    assert.deepEqual(ev.data, JSON.parse(plain), name);
    assert.equal(ev.data, inner, `${name}: data is part of raw, not a second copy`);
    // Non-ASCII text in the short fields (lengths cross in UTF-16 units).
    if (name === 'PayCA') assert.equal(ev.businessKey, 'card_transaction::カード😀%3A%25::');
    assert.equal(ev.duplicate, false);
    const [again] = verify(plain);
    assert.equal(again.duplicate, true, `${name}: the same signed body again is a duplicate`);
    assert.equal(again.deliveryKey, ev.deliveryKey, name);
    const [ex] = verify(exact);
    const d = ex.data;
    assert.equal(d.amount, '15.10', name);
    assert.equal(d.big, '12345678901234567', name);
    assert.equal(d.neg, '-0', name);
    assert.equal(d.e, '1e2', name);
  }
});
