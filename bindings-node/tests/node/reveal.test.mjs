// Card reveal interop both ways with an independent HPKE implementation:
// @hpke/core (AES-256-GCM, HKDF-SHA256) with @hpke/dhkem-x25519 (a pure
// JavaScript X25519 KEM). The envelope (version, expiry, enc, ciphertext;
// info and aad) is built and parsed here from its documented layout, not
// by cardwire. On both backends.
import test from 'node:test';
import assert from 'node:assert/strict';
import { CipherSuite, HkdfSha256, Aes256Gcm } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { CardReveal, sealCardForBrowser, CardwireError } from 'cardwire';

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const te = new TextEncoder();
const b64url = (u8) => Buffer.from(u8).toString('base64url');
const unb64url = (s) => new Uint8Array(Buffer.from(s, 'base64url'));
const info = (cardId, requestId) => te.encode(`cardwire card reveal v1\0${cardId}\0${requestId}`);
const header = (expiresAtMs) => {
  const h = new Uint8Array(9);
  h[0] = 1;
  new DataView(h.buffer).setBigUint64(1, BigInt(expiresAtMs));
  return h;
};
const fields = { pan: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '29' };

test('a reveal sealed by cardwire opens with @hpke/core', async () => {
  const kp = await suite.kem.generateKeyPair();
  const pk = new Uint8Array(await suite.kem.serializePublicKey(kp.publicKey));
  const expiresAtMs = Date.now() + 60_000;
  const sealed = sealCardForBrowser(fields, b64url(pk), { cardId: 'card-1', requestId: 'req-1', expiresAtMs });
  const blob = unb64url(sealed);
  assert.equal(blob[0], 1, 'format version 1');
  assert.deepEqual(blob.subarray(0, 9), header(expiresAtMs), 'version and expiry in the clear, as documented');
  const enc = blob.slice(9, 41);
  const ct = blob.slice(41);
  const recipient = await suite.createRecipientContext({ recipientKey: kp.privateKey, enc, info: info('card-1', 'req-1') });
  const plain = await recipient.open(ct, blob.slice(0, 9));
  assert.deepEqual(JSON.parse(Buffer.from(plain).toString()), fields);
  // Bound to its card: the same bytes do not open under another card id.
  const other = await suite.createRecipientContext({ recipientKey: kp.privateKey, enc, info: info('card-2', 'req-1') });
  await assert.rejects(other.open(ct, blob.slice(0, 9)));
});

test('a reveal sealed by @hpke/core to a CardReveal key opens once; another card or request does not', async () => {
  const seal = async (reveal, cardId, requestId, expiresAtMs, obj = fields) => {
    const recipientPublicKey = await suite.kem.deserializePublicKey(unb64url(reveal.publicKey));
    const sender = await suite.createSenderContext({ recipientPublicKey, info: info(cardId, requestId) });
    const h = header(expiresAtMs);
    const ct = new Uint8Array(await sender.seal(te.encode(JSON.stringify(obj)), h));
    return b64url(new Uint8Array([...h, ...new Uint8Array(sender.enc), ...ct]));
  };
  const reveal = CardReveal.start({ cardId: 'card-9' });
  assert.equal(reveal.cardId, 'card-9');
  assert.equal(unb64url(reveal.publicKey).length, 32);
  assert.match(reveal.requestId, /^[0-9a-f]{32}$/);
  assert.deepEqual(reveal.request(), { publicKey: reveal.publicKey, requestId: reveal.requestId, cardId: 'card-9', expiresAtMs: reveal.expiresAtMs });
  const sealed = await seal(reveal, 'card-9', reveal.requestId, Date.now() + 60_000);
  assert.deepEqual(reveal.open(sealed), fields);
  assert.throws(() => reveal.open(sealed), (e) => e instanceof CardwireError && e.code === 'replay_detected');

  for (const [label, make, code] of [
    ['another card', (r) => seal(r, 'card-8', r.requestId, Date.now() + 60_000), 'decrypt_failed'],
    ['another request', (r) => seal(r, 'card-9', 'not-this-one', Date.now() + 60_000), 'decrypt_failed'],
    ['expired', (r) => seal(r, 'card-9', r.requestId, Date.now() - 1), 'timestamp_out_of_window'],
  ]) {
    const r = CardReveal.start({ cardId: 'card-9' });
    const blob = await make(r);
    assert.throws(() => r.open(blob), (e) => e.code === code, label);
    assert.throws(() => r.open(blob), (e) => e.code === 'replay_detected', `${label}: the key is gone after a failed open too`);
  }
});

test('bad input: wrong-length key, another version, no card id', async () => {
  assert.throws(() => sealCardForBrowser(fields, b64url(new Uint8Array(31)), { cardId: 'c', requestId: 'r', expiresAtMs: Date.now() + 1000 }), { code: 'invalid_input' });
  assert.throws(() => CardReveal.start({}), (e) => e.code === 'invalid_input' && /card_id|cardId/.test(e.message));
  const r = CardReveal.start({ cardId: 'c' });
  const sealed = unb64url(sealCardForBrowser(fields, r.publicKey, { cardId: 'c', requestId: r.requestId, expiresAtMs: Date.now() + 60_000 }));
  sealed[0] = 2;
  assert.throws(() => r.open(b64url(sealed)), { code: 'malformed_envelope' });
});

test('the documented format vector opens with @hpke/core, following docs/reveal-format.md alone', async () => {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const v = JSON.parse(readFileSync(fileURLToPath(new URL('../../../tests/vectors/reveal/v1.json', import.meta.url)), 'utf8'));
  // The browser key: RFC 9180 DeriveKeyPair of its 32 random bytes.
  const kp = await suite.kem.deriveKeyPair(new Uint8Array(Buffer.from(v.browser_ikm, 'hex')).buffer);
  assert.equal(b64url(new Uint8Array(await suite.kem.serializePublicKey(kp.publicKey))), v.browser_public_key);
  // The sealed text: Base64url without padding of version ‖ expiry (u64 BE) ‖ enc (32) ‖ ciphertext.
  const blob = unb64url(v.sealed);
  assert.equal(blob[0], 1);
  assert.equal(new DataView(blob.buffer, blob.byteOffset).getBigUint64(1), BigInt(v.expires_at_ms));
  const aad = blob.slice(0, 9);
  assert.equal(Buffer.from(aad).toString('hex'), v.aad_hex);
  assert.equal(Buffer.from(info(v.card_id, v.request_id)).toString('hex'), v.info_hex);
  const recipient = await suite.createRecipientContext({ recipientKey: kp.privateKey, enc: blob.slice(9, 41), info: info(v.card_id, v.request_id) });
  const plain = new TextDecoder().decode(await recipient.open(blob.slice(41), aad));
  assert.equal(plain, v.plaintext);
  assert.deepEqual(JSON.parse(plain), v.fields);
});
