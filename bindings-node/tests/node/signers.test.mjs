// Keys that never enter the process, from Node: a non-extractable WebCrypto
// RSA-PSS key signs a WorldCard request through prepareRequest/finishWith and
// node:crypto (OpenSSL) verifies it; a Wasabi request signed by a
// non-extractable RSASSA-PKCS1-v1_5 key; Wasabi fields decrypted by a
// decryptor function; misconfigured signers (salt 20, PKCS#1 v1.5 instead of
// PSS, the wrong key, the digest hashed again) made with node:crypto give
// signer_mismatch with the likely cause.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, publicEncrypt, sign as nodeSign, verify as nodeVerify, constants, webcrypto } from 'node:crypto';
import * as cw from 'cardwire';
import { finishWith, decryptWith, webCryptoSigner } from 'cardwire/signers';
import { key } from './helpers.mjs';

const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const PSS32 = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

async function nonExtractable(name, algorithm) {
  const der = createPrivateKey(key(`${name}.pkcs8.pem`)).export({ type: 'pkcs8', format: 'der' });
  const k = await webcrypto.subtle.importKey('pkcs8', der, { name: algorithm, hash: 'SHA-256' }, false, ['sign']);
  assert.equal(k.extractable, false);
  return k;
}

const worldcard = () => new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.spki.pem'), externalKey: true, aesKey: AES });

test('a non-extractable WebCrypto RSA-PSS key signs a WorldCard request; node:crypto verifies it', async () => {
  const m = worldcard();
  assert.throws(() => m.buildRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' }), (e) => e.code === 'invalid_key' && /outside the process/.test(e.message));
  const prepared = m.prepareRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' }, { nowMs: 1_760_000_000_000 });
  assert.equal(prepared.algorithm, 'RSASSA_PSS_SHA_256');
  assert.deepEqual(Buffer.from(prepared.digest), createHash('sha256').update(prepared.signInput).digest());
  const req = await finishWith(m, prepared, webCryptoSigner(await nonExtractable('merchant_2048', 'RSA-PSS')));
  const h = req.headers;
  const signed = Buffer.concat([Buffer.from(req.body), Buffer.from(h['X-Timestamp']), Buffer.from(h['X-Nonce'])]);
  assert.ok(nodeVerify('sha256', signed, { key: createPublicKey(key('merchant_2048.spki.pem')), ...PSS32 }, Buffer.from(h['X-Signature'], 'base64')));
  const platform = new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES });
  assert.deepEqual(platform.verifyRequest(h, req.body, { nowMs: 1_760_000_000_000 }), { card_id: 'c-1' });
});

test('Wasabi: a request signed by a non-extractable PKCS#1 v1.5 key, fields decrypted by a function', async () => {
  const m = new cw.WasabiMerchant({ apiKey: 'k-1', privateKeyPem: key('merchant_1024.spki.pem'), externalKey: true });
  const prepared = m.prepareRequest('/merchant/core/mcb/card/info', { cardNo: '123' });
  const req = await finishWith(m, prepared, webCryptoSigner(await nonExtractable('merchant_1024', 'RSASSA-PKCS1-v1_5')));
  assert.ok(nodeVerify('sha256', req.body, createPublicKey(key('merchant_1024.spki.pem')), Buffer.from(req.headers['X-WSB-SIGNATURE'], 'base64')));
  // OAEP-SHA256 fields (Node 20 refuses PKCS#1 v1.5 private decryption): encrypted by node:crypto, two blocks.
  const text = 'https://activate.example/' + 'x'.repeat(60);
  const pub = createPublicKey(key('merchant_1024.spki.pem'));
  const enc = (chunk) => publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(chunk));
  const field = Buffer.concat([enc(text.slice(0, 50)), enc(text.slice(50))]).toString('base64');
  const oaep = new cw.WasabiMerchant({ apiKey: 'k-1', privateKeyPem: key('merchant_1024.spki.pem'), externalKey: true, fieldPadding: 'oaep-sha256' });
  const priv = await webcrypto.subtle.importKey('pkcs8', createPrivateKey(key('merchant_1024.pkcs8.pem')).export({ type: 'pkcs8', format: 'der' }), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
  const seen = [];
  const out = await decryptWith(oaep, field, async (block, { algorithm }) => { seen.push(algorithm); return webcrypto.subtle.decrypt({ name: 'RSA-OAEP' }, priv, block); });
  assert.equal(out, text);
  assert.deepEqual(seen, ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_256']);
});

test('misconfigured signers are named, and nothing is finished', async () => {
  const m = worldcard();
  const prepared = m.prepareRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' });
  const mine = createPrivateKey(key('merchant_2048.pkcs8.pem'));
  const cases = [
    ['salt length 20; WorldCard expects 32', nodeSign('sha256', prepared.signInput, { key: mine, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 })],
    ['a PKCS#1 v1.5 signature; WorldCard expects RSA-PSS', nodeSign('sha256', prepared.signInput, mine)],
    ['the signer used another key', nodeSign('sha256', prepared.signInput, { key: createPrivateKey(key('other_2048.pkcs8.pem')), ...PSS32 })],
    ['hashed the digest again', nodeSign('sha256', prepared.digest, { key: mine, ...PSS32 })],
  ];
  for (const [cause, signature] of cases) {
    await assert.rejects(finishWith(m, prepared, () => signature), (e) => e instanceof cw.CardwireError && e.code === 'signer_mismatch' && e.message.includes(cause), cause);
  }
  await assert.rejects(finishWith(m, prepared, () => 'c2ln'), (e) => e instanceof cw.CardwireError && e.code === 'invalid_input' && /signature/.test(e.message));
  const right = nodeSign('sha256', prepared.signInput, { key: mine, ...PSS32 });
  assert.ok((await finishWith(m, prepared, () => right)).headers['X-Signature']);
});
