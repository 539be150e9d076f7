// Interop with the platform's own crypto: node:crypto and WebCrypto are the judges.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  WorldCardMerchant, WorldCardPlatform, WasabiMerchant, PayCaClient,
} from 'cardwire';
import { key } from './helpers.mjs';

const subtle = globalThis.crypto.subtle;
const AES_HEX = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const enc = new TextEncoder();
const b64 = (u8) => Buffer.from(u8).toString('base64');

function pemToDer(pem) {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

test('a WorldCard request signed here verifies with WebCrypto RSA-PSS (salt 32), and its body decrypts with WebCrypto AES-GCM', async () => {
  const m = new WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs1.pem'), aesKey: AES_HEX });
  const req = m.buildRequest('/api/v1/card/virtual/get_info', { card_id: '1234567890123456' }, { timestampS: 1764000000, nonce: 'n-1' });
  const pub = await subtle.importKey('spki', pemToDer(key('merchant_2048.spki.pem')), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
  const signed = enc.encode(req.bodyText + req.headers['X-Timestamp'] + req.headers['X-Nonce']);
  const sig = Buffer.from(req.headers['X-Signature'], 'base64');
  assert.equal(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, sig, signed), true);
  const tampered = enc.encode(req.bodyText + req.headers['X-Timestamp'] + 'n-2');
  assert.equal(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, sig, tampered), false);
  const raw = Buffer.from(JSON.parse(req.bodyText).data, 'base64');
  const aes = await subtle.importKey('raw', Buffer.from(AES_HEX, 'hex'), 'AES-GCM', false, ['decrypt']);
  const plain = await subtle.decrypt({ name: 'AES-GCM', iv: raw.subarray(0, 12) }, aes, raw.subarray(12));
  assert.deepEqual(JSON.parse(Buffer.from(plain).toString()), { card_id: '1234567890123456' });
  m.free();
});

test('a card number encrypted with WebCrypto AES-GCM decrypts here', async () => {
  const m = new WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.b64'), aesKey: AES_HEX });
  const aes = await subtle.importKey('raw', Buffer.from(AES_HEX, 'hex'), 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, aes, enc.encode('4937241000003841')));
  const field = b64(Buffer.concat([iv, ct]));
  assert.equal(m.decryptField(field), '4937241000003841');
  const flipped = Buffer.concat([iv, ct]);
  flipped[flipped.length - 1] ^= 1;
  assert.throws(() => m.decryptField(b64(flipped)), { code: 'decrypt_failed' });
});

for (const [label, saltLength] of [['salt 32', 32], ['maximum salt', crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN]]) {
  test(`a WorldCard webhook signed with node:crypto (${label}) verifies here; a redelivery comes back duplicate`, () => {
    const m = new WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX, platformPublicKeyPem: key('platform_2048.spki.pem') });
    const payload = JSON.stringify({ notify_type: 'card_open', card_id: '1', status: 2, card_number: '4937241000003841' });
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', Buffer.from(AES_HEX, 'hex'), iv);
    const ct = Buffer.concat([iv, c.update(payload), c.final(), c.getAuthTag()]);
    const body = `{"data":"${ct.toString('base64')}"}`;
    const ts = '1764000000123', nonce = crypto.randomUUID();
    const sig = crypto.sign('sha256', Buffer.from(body + ts + nonce), {
      key: key('platform_2048.pkcs8.pem'), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength,
    });
    const headers = { 'X-App-Id': 'app', 'X-Signature': sig.toString('base64'), 'X-Timestamp': ts, 'X-Nonce': nonce };
    const ev = m.verifyWebhook(headers, body, { nowMs: 1764000000500 });
    assert.equal(ev.type, 'card_open');
    assert.equal(ev.data.card_number, '4937241000003841');
    assert.equal(ev.duplicate, false);
    const again = m.verifyWebhook(Object.entries(headers), body, { nowMs: 1764003600000 });
    assert.equal(again.duplicate, true);
    const ack = WorldCardMerchant.webhookAck();
    assert.deepEqual([ack.status, ack.headers, ack.bodyText], [200, { 'Content-Type': 'text/plain' }, 'ok']);
    assert.throws(() => m.verifyWebhook(headers, body.replace('"data":"', '"data":"A'), { nowMs: 1764000000500 }), { code: 'signature_invalid' });
  });
}

test('a WorldCard webhook signed here verifies with node:crypto', () => {
  const p = new WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES_HEX, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const hook = p.signWebhook('card_deposit', { card_id: '1', amount: '5.00', status: 1 }, { timestampMs: 1764000000000, nonce: 'n' });
  const ok = crypto.verify('sha256', Buffer.from(hook.bodyText + '1764000000000n'), {
    key: key('platform_2048.spki.pem'), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32,
  }, Buffer.from(hook.headers['X-Signature'], 'base64'));
  assert.equal(ok, true);
});

test('a Wasabi request signed here verifies with node:crypto RSA-SHA256', () => {
  for (const bits of ['1024', '2048']) {
    const m = new WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key(`merchant_${bits}.pkcs8.b64`) });
    const body = '{"cardNo":"c1","merchantOrderNo":"ORDER-20260101-000001","amount":"10.00"}';
    const req = m.buildRequest('/merchant/core/mcb/card/deposit', body);
    assert.equal(req.bodyText, body, 'bytes signed exactly as given');
    const ok = crypto.verify('RSA-SHA256', Buffer.from(body), key(`merchant_${bits}.spki.pem`), Buffer.from(req.headers['X-WSB-SIGNATURE'], 'base64'));
    assert.equal(ok, true, bits);
  }
});

test('a card number encrypted by node:crypto with RSA_PKCS1_PADDING decrypts here (1024 and 2048 bits, multi-block)', () => {
  for (const bits of ['1024', '2048']) {
    const m = new WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key(`merchant_${bits}.pkcs8.pem`) });
    const ct = crypto.publicEncrypt({ key: key(`merchant_${bits}.spki.pem`), padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from('4937241000003841'));
    assert.equal(m.decryptField(ct.toString('base64')), '4937241000003841', bits);
    const url = 'https://activate.example/' + 'q'.repeat(300);
    const k = Number(bits) / 8;
    const blocks = [];
    for (let i = 0; i < url.length; i += k - 11) {
      blocks.push(crypto.publicEncrypt({ key: key(`merchant_${bits}.spki.pem`), padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(url.slice(i, i + k - 11))));
    }
    assert.equal(m.decryptField(Buffer.concat(blocks).toString('base64')), url, `${bits} multi-block`);
    const oaep = crypto.publicEncrypt({ key: key(`merchant_${bits}.spki.pem`), padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('123'));
    assert.equal(new WasabiMerchant({ apiKey: 'w', privateKeyPem: key(`merchant_${bits}.pkcs8.pem`), fieldPadding: 'oaep-sha256' }).decryptField(oaep.toString('base64')), '123');
    assert.throws(() => m.decryptField(oaep.toString('base64')), { code: 'decrypt_failed' });
  }
});

test('a PayCA webhook HMAC made by node:crypto verifies here; a redelivery is a duplicate', () => {
  const c = new PayCaClient({ clientId: 'cid', clientSecret: 'secret-1' });
  const body = JSON.stringify({ event: 'card_transaction', data: { cardId: 'c-1', amount: '12.50' } });
  const sig = 'sha256=' + crypto.createHmac('sha256', 'secret-1').update(body).digest('hex').toUpperCase();
  const headers = new Headers({ 'x-signature': sig, 'x-request-id': 'rq-1' });
  const ev = c.verifyWebhook(headers, body);
  assert.equal(ev.type, 'card_transaction');
  assert.equal(ev.duplicate, false);
  assert.equal(c.verifyWebhook(headers, body).duplicate, true);
  assert.equal(PayCaClient.webhookAck().status, 204);
  assert.throws(() => c.verifyWebhook(headers, body + ' '), { code: 'signature_invalid' });
});
