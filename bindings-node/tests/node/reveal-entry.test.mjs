// cardwire/reveal: the reveal-only entry (WebCrypto, no WebAssembly). What
// the full package seals opens here; the documented vector (sealed by Python
// `cryptography` from docs/reveal-format.md) opens here; every refusal has
// its code; the entry stays within its download budget.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { sealCardForBrowser } from 'cardwire';
import { CardReveal, openSealed, CardwireError } from 'cardwire/reveal';

const fields = { pan: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '29' };
const code = (c) => (e) => e instanceof CardwireError && e.code === c;

test('what the full package seals opens once; another card, an expiry or a changed byte does not', async () => {
  const reveal = await CardReveal.start({ cardId: 'card-1' });
  assert.match(reveal.requestId, /^[0-9a-f]{32}$/);
  assert.equal(Buffer.from(reveal.publicKey, 'base64url').length, 32);
  assert.deepEqual(reveal.request(), { publicKey: reveal.publicKey, requestId: reveal.requestId, cardId: 'card-1', expiresAtMs: reveal.expiresAtMs });
  const expiresAtMs = Date.now() + 60_000;
  const sealed = sealCardForBrowser(fields, reveal.publicKey, { cardId: 'card-1', requestId: reveal.requestId, expiresAtMs });
  assert.deepEqual(await reveal.open(sealed), fields);
  await assert.rejects(reveal.open(sealed), code('replay_detected'));

  const other = await CardReveal.start({ cardId: 'card-2' });
  const forOne = sealCardForBrowser(fields, other.publicKey, { cardId: 'card-1', requestId: other.requestId, expiresAtMs });
  await assert.rejects(other.open(forOne), code('decrypt_failed'), 'sealed for another card');

  const r3 = await CardReveal.start({ cardId: 'card-3' });
  const s3 = sealCardForBrowser(fields, r3.publicKey, { cardId: 'card-3', requestId: r3.requestId, expiresAtMs });
  const blob = Buffer.from(s3, 'base64url');
  blob[blob.length - 1] ^= 1;
  await assert.rejects(r3.open(blob.toString('base64url')), code('decrypt_failed'), 'a changed byte');

  const r4 = await CardReveal.start({ cardId: 'card-4' });
  const s4 = sealCardForBrowser(fields, r4.publicKey, { cardId: 'card-4', requestId: r4.requestId, expiresAtMs });
  await assert.rejects(r4.open(s4, { nowMs: expiresAtMs + 1 }), code('timestamp_out_of_window'));

  const r5 = await CardReveal.start({ cardId: 'card-5' });
  const s5 = Buffer.from(sealCardForBrowser(fields, r5.publicKey, { cardId: 'card-5', requestId: r5.requestId, expiresAtMs }), 'base64url');
  s5[0] = 2;
  await assert.rejects(r5.open(s5.toString('base64url')), code('malformed_envelope'), 'another version');
  await assert.rejects(CardReveal.start({ cardId: '' }), code('invalid_input'));
});

test('the documented vector opens with a key pair of its own', async () => {
  const v = JSON.parse(readFileSync(fileURLToPath(new URL('../../../tests/vectors/reveal/v1.json', import.meta.url)), 'utf8'));
  // RFC 9180 DeriveKeyPair for X25519, from the vector's randomness.
  const hmac = (key, ...data) => createHmac('sha256', key).update(Buffer.concat(data)).digest();
  const suite = Buffer.from([0x4b, 0x45, 0x4d, 0x00, 0x20]);
  const prk = hmac(Buffer.alloc(32), Buffer.from('HPKE-v1'), suite, Buffer.from('dkp_prk'), Buffer.from(v.browser_ikm, 'hex'));
  const sk = hmac(prk, Buffer.from([0, 32]), Buffer.from('HPKE-v1'), suite, Buffer.from('sk'), Buffer.from([1]));
  const x = v.browser_public_key;
  const privateKey = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'X25519', d: sk.toString('base64url'), x }, { name: 'X25519' }, false, ['deriveBits']);
  const opened = await openSealed({ privateKey, publicKey: new Uint8Array(Buffer.from(x, 'base64url')), cardId: v.card_id, requestId: v.request_id, sealed: v.sealed, nowMs: v.now_ms });
  assert.deepEqual(opened, v.fields);
  await assert.rejects(openSealed({ privateKey, publicKey: new Uint8Array(Buffer.from(x, 'base64url')), cardId: v.card_id, requestId: 'another', sealed: v.sealed, nowMs: v.now_ms }), code('decrypt_failed'));
});

test('the entry downloads within its budget (bindings-node/size-budget.json), JavaScript and all', () => {
  const dir = new URL('../../js/', import.meta.url);
  const budget = JSON.parse(readFileSync(new URL('../../size-budget.json', import.meta.url), 'utf8')).entries['./reveal'];
  assert.equal(budget, 61_440, 'the card-reveal budget: 60 KiB');
  const total = ['reveal.mjs', 'error.js']
    .map((f) => gzipSync(readFileSync(new URL(f, dir)), { level: 9 }).length)
    .reduce((a, b) => a + b, 0);
  assert.ok(total <= budget, `${total} bytes`);
  assert.doesNotMatch(readFileSync(new URL('reveal.mjs', dir), 'utf8'), /\.wasm|cardwire_wasm/, 'no WebAssembly in the reveal entry');
});

test('answerReveal answers the page from the provider data, with an audit record that holds no card data', async () => {
  const { answerReveal } = await import('cardwire');
  const reveal = await CardReveal.start({ cardId: 'card-9' });
  const opened = { card_number: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '2029', balance: '10.00' };
  const { sealed, audit } = answerReveal(reveal.request(), opened, { provider: 'worldcard', ttlMs: 30_000 });
  assert.deepEqual(Object.keys(audit).sort(), ['at_ms', 'card_id', 'expires_at_ms', 'fields', 'provider', 'request_id']);
  assert.equal(audit.card_id, 'card-9');
  assert.equal(audit.request_id, reveal.requestId);
  assert.deepEqual(audit.fields, ['cvv', 'expiry_month', 'expiry_year', 'pan']);
  assert.ok(audit.expires_at_ms <= audit.at_ms + 30_000 && audit.expires_at_ms <= reveal.expiresAtMs);
  // The times and the random request id can hold any four digits by chance:
  // they are checked whole; every other field holds no card data at all.
  const { at_ms: at, expires_at_ms: until, request_id: id, ...rest } = audit;
  for (const secret of ['4937241000003841', '3841', '2029', '10.00']) {
    assert.ok(!JSON.stringify(rest).includes(secret), secret);
    assert.ok(![String(at), String(until), id].includes(secret), secret);
  }
  const fields = await reveal.open(sealed);
  assert.equal(fields.pan, '4937241000003841');
  assert.equal(fields.balance, undefined);
});
