// The primitives the interop suite does not reach elsewhere, judged by
// node:crypto and tweetnacl both ways: PKCS#1 v1.5 signatures the other way,
// PKCS#1 v1.5 and OAEP encryption the other way, AES-ECB and MD5 (WorldCard
// legacy), HMAC-SHA256 (PayCA platform), and the PinToPay secretbox.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import nacl from 'tweetnacl';
import forge from 'node-forge';
import {
  WasabiMerchant, WasabiPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  PinToPayMerchant, PinToPayPlatform, PayCaPlatform,
} from 'cardwire';
import { key } from './helpers.mjs';

const SECRET = 'owfwFkDnlCuiUTYzA1b2C3d4E5f6G7h8';

test('a Wasabi notification signed with node:crypto (PKCS#1 v1.5, 1024 and 2048 bits) verifies here; one signed here verifies there', () => {
  for (const bits of ['1024', '2048']) {
    const m = new WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key(`merchant_${bits}.pkcs8.pem`), platformPublicKeyPem: key(`platform_${bits}.spki.pem`) });
    const body = JSON.stringify({ orderNo: 'o-1', amount: '15.10', status: 'success' });
    const sig = crypto.sign('RSA-SHA256', Buffer.from(body), key(`platform_${bits}.pkcs8.pem`)).toString('base64');
    const ev = m.verifyWebhook({ 'X-WSB-SIGNATURE': sig, 'X-WSB-CATEGORY': 'card_transaction', 'X-WSB-REQUEST-ID': 'rq-1' }, body, { nowMs: 0 });
    assert.equal(ev.type, 'card_transaction', bits);
    assert.equal(ev.data.amount, '15.10', bits);
    assert.throws(() => m.verifyWebhook({ 'X-WSB-SIGNATURE': sig, 'X-WSB-CATEGORY': 'card_transaction' }, body + ' ', { nowMs: 0 }), { code: 'signature_invalid' });

    const p = new WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key(`platform_${bits}.pkcs8.pem`), merchantPublicKeyPem: key(`merchant_${bits}.spki.pem`) });
    const hook = p.signWebhook('card_transaction', body);
    const ok = crypto.verify('RSA-SHA256', Buffer.from(hook.body), key(`platform_${bits}.spki.pem`), Buffer.from(hook.headers['X-WSB-SIGNATURE'], 'base64'));
    assert.equal(ok, true, bits);
  }
});

// Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809), so
// node-forge judges that padding; node:crypto judges OAEP.
test('card fields encrypted here decrypt with node-forge (PKCS#1 v1.5) and node:crypto (OAEP-SHA256)', () => {
  for (const bits of ['1024', '2048']) {
    const p = new WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key(`platform_${bits}.pkcs8.pem`), merchantPublicKeyPem: key(`merchant_${bits}.spki.pem`) });
    const ct = Buffer.from(p.encryptField('4937241000003841'), 'base64');
    const fk = forge.pki.privateKeyFromPem(key(`merchant_${bits}.pkcs1.pem`));
    assert.equal(fk.decrypt(ct.toString('binary'), 'RSAES-PKCS1-V1_5'), '4937241000003841', bits);
    const oct = Buffer.from(p.encryptField('123', { padding: 'oaep-sha256' }), 'base64');
    const oplain = crypto.privateDecrypt({ key: key(`merchant_${bits}.pkcs8.pem`), padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, oct);
    assert.equal(oplain.toString(), '123', bits);
  }
});

test('WorldCard legacy: AES-ECB/PKCS5 fields both ways with node:crypto', () => {
  const l = new WorldCardLegacy({ appKey: 'k', appSecret: SECRET });
  const mine = l.encryptField('4937241000003841');
  const d = crypto.createDecipheriv('aes-256-ecb', Buffer.from(SECRET), null);
  assert.equal(Buffer.concat([d.update(Buffer.from(mine, 'base64')), d.final()]).toString(), '4937241000003841');
  for (const [secret, alg] of [['0123456789abcdef', 'aes-128-ecb'], ['0123456789abcdef01234567', 'aes-192-ecb'], [SECRET, 'aes-256-ecb']]) {
    const c = crypto.createCipheriv(alg, Buffer.from(secret), null);
    const theirs = Buffer.concat([c.update('6225880012345678'), c.final()]).toString('base64');
    assert.equal(new WorldCardLegacy({ appKey: 'k', appSecret: secret }).decryptField(theirs), '6225880012345678', alg);
  }
});

test('WorldCard legacy: the MD5 signature here is node:crypto\'s MD5 over the sorted parameters and the appSecret, both ways', () => {
  const l = new WorldCardLegacy({ appKey: 'k', appSecret: SECRET });
  const req = l.buildRequest('/op/card/E/lock', { cardNumber: '123', remark: 'x y' });
  const sent = JSON.parse(req.bodyText);
  const canon = (params) => Object.entries({ ...params, appSecret: SECRET })
    .filter(([k, v]) => k !== 'sign' && v !== '' && v != null)
    .sort(([a], [b]) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))
    .map(([k, v]) => `${k}=${v}`).join('&');
  assert.equal(sent.sign, crypto.createHash('md5').update(canon(sent)).digest('hex'));

  // The platform side checks a request signed by hand.
  const platform = new WorldCardLegacyPlatform({ appKey: 'k', appSecret: SECRET });
  const mine = { cardNumber: '456', appKey: 'k', nonce: 'n-1', timestamp: String(Date.now()) };
  const body = JSON.stringify({ ...mine, sign: crypto.createHash('md5').update(canon(mine)).digest('hex') });
  assert.equal(platform.verifyRequest({}, body, { path: '/op/card/E/lock' }).cardNumber, '456');
  const forged = body.replace('"456"', '"457"');
  assert.throws(() => platform.verifyRequest({}, forged, { path: '/op/card/E/lock' }), { code: 'signature_invalid' });
});

test('PayCA: a webhook signed here is node:crypto\'s HMAC-SHA256 of the exact body', () => {
  const p = new PayCaPlatform({ clientId: 'cid', clientSecret: 'secret-1' });
  const hook = p.signWebhook('card_transaction', { cardId: 'c-1', amount: '12.50' });
  const expected = 'sha256=' + crypto.createHmac('sha256', 'secret-1').update(hook.body).digest('hex');
  assert.equal(hook.headers['x-signature'] ?? hook.headers['X-Signature'], expected);
});

test('PinToPay: envelopes both ways with tweetnacl secretbox (key = SHA-256 of the secret)', () => {
  const secret = 'pk_test_secret_ünïcode_✓';
  const k = new Uint8Array(crypto.createHash('sha256').update(secret).digest());
  const seal = (obj) => {
    const nonce = nacl.randomBytes(24);
    const box = nacl.secretbox(new TextEncoder().encode(JSON.stringify(obj)), nonce, k);
    return JSON.stringify({ encrypted: Buffer.concat([Buffer.from([2]), nonce, box]).toString('base64') });
  };
  const open = (body) => {
    const raw = Buffer.from(JSON.parse(Buffer.from(body).toString()).encrypted, 'base64');
    assert.equal(raw[0], 2);
    const plain = nacl.secretbox.open(new Uint8Array(raw.subarray(25)), new Uint8Array(raw.subarray(1, 25)), k);
    assert.ok(plain, 'tweetnacl opens it');
    return JSON.parse(Buffer.from(plain).toString());
  };
  const m = new PinToPayMerchant({ apiKey: 'ptp', apiSecret: secret });
  const p = new PinToPayPlatform({ apiKey: 'ptp', apiSecret: secret });
  const req = m.buildRequest('/api/v1/cards/get', { card_id: 'c-1' });
  assert.equal(open(req.body).card_id, 'c-1');
  const sealed = p.sealResponse({ card_id: 'c-1', balance: '10.25' });
  assert.equal(open(sealed.body).balance, '10.25');
  const opened = m.openResponse(200, {}, seal({ card_id: 'c-1', balance: '99.99' }));
  assert.equal(opened.data.balance, '99.99');
  const tampered = JSON.parse(seal({ a: 1 }));
  const bytes = Buffer.from(tampered.encrypted, 'base64');
  bytes[bytes.length - 1] ^= 1;
  assert.throws(() => m.openResponse(200, {}, JSON.stringify({ encrypted: bytes.toString('base64') })), { code: 'decrypt_failed' });
});
