// Node bench (make bench-js): the native addon and the WebAssembly build of
// cardwire side by side with what a Node user writes by hand with node:crypto
// (and tweetnacl for PinToPay's secretbox), in one process. Every operation
// is checked before it is timed. Prints JSON lines, then a table with ops/s
// and ratios against node:crypto.
//
// Run with --security-revert=CVE-2023-46809: Node 20 refuses PKCS#1 v1.5
// private decryption otherwise, and Wasabi's card fields are PKCS#1 v1.5;
// that flag is what a hand-written node:crypto receiver needs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import nacl from 'tweetnacl';
import * as native from 'cardwire';
import * as wasm from 'cardwire/wasm';

assert.equal(native.backend, 'native', 'the native addon loads (build it with scripts/build-node.sh)');
const key = (n) => readFileSync(new URL(`../../tests/vectors/keys/${n}`, import.meta.url), 'utf8');
const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const AES_KEY = Buffer.from(AES, 'hex');
const HAND = 'node:crypto (hand-written)';
const rows = [];

function time(fn) {
  for (let i = 0; i < 3; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 200e6 || n < 5) {
      fn();
      n++;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    best = Math.min(best, elapsed / 1000 / n);
  }
  return best;
}

function report(op, impl, fn) {
  const us = time(fn);
  rows.push({ op, impl, us });
  console.log(JSON.stringify({ op, impl, us: Number(us.toFixed(3)) }));
}

const head = '{"card_id":"1234567890123456","merchant_transaction_id":"mt_bench_1","amount":"100.00","memo":"';
const payload = Buffer.from(head + 'x'.repeat(1024 - head.length - 2) + '"}');
const mPriv = crypto.createPrivateKey(key('merchant_2048.pkcs8.pem'));
const pPriv = crypto.createPrivateKey(key('platform_2048.pkcs8.pem'));
const pPub = crypto.createPublicKey(key('platform_2048.spki.pem'));
const mPub = crypto.createPublicKey(key('merchant_2048.spki.pem'));

for (const [impl, cw] of [['cardwire (native addon)', native], ['cardwire (wasm)', wasm]]) {
  const m = new cw.WorldCardMerchant({ appId: 'app_bench', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES, platformPublicKeyPem: key('platform_2048.spki.pem') });
  const p = new cw.WorldCardPlatform({ appId: 'app_bench', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const req = m.buildRequest('/api/v1/card/deposit', payload);
  assert.equal(p.verifyRequest(req.headers, req.body).amount, '100.00');
  report('WorldCard buildRequest 1 KB', impl, () => m.buildRequest('/api/v1/card/deposit', payload));
  const hook = p.signWebhook('card_billing', payload);
  assert.equal(m.checkWebhook(hook.headers, hook.body).type, 'card_billing');
  report('WorldCard verifyWebhook 1 KB', impl, () => m.verifyWebhook(hook.headers, hook.body));
  const field = m.encryptField('4937241000003841');
  assert.equal(m.decryptField(field), '4937241000003841');
  report('AES-GCM field decrypt', impl, () => m.decryptField(field));

  const wm = new cw.WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key('merchant_2048.pkcs8.pem'), platformPublicKeyPem: key('platform_2048.spki.pem') });
  const wp = new cw.WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key('platform_2048.pkcs8.pem'), merchantPublicKeyPem: key('merchant_2048.spki.pem') });
  const wreq = wm.buildRequest('/merchant/core/mcb/card/info', payload, { validate: false });
  assert.equal(wp.verifyRequest(wreq.headers, wreq.body).amount, '100.00');
  report('Wasabi sign 1 KB', impl, () => wm.buildRequest('/merchant/core/mcb/card/info', payload, { validate: false }));
  const note = wp.signWebhook('card_transaction', payload);
  assert.equal(wm.checkWebhook(note.headers, note.body).type, 'card_transaction');
  report('Wasabi verify 1 KB', impl, () => wm.verifyWebhook(note.headers, note.body));
  const wfield = wp.encryptField('4937241000003841');
  assert.equal(wm.decryptField(wfield), '4937241000003841');
  report('Wasabi field decrypt (RSA-2048)', impl, () => wm.decryptField(wfield));

  const pm = new cw.PinToPayMerchant({ apiKey: 'ptp', apiSecret: 'ptp-bench-secret' });
  const pp = new cw.PinToPayPlatform({ apiKey: 'ptp', apiSecret: 'ptp-bench-secret' });
  const sealed = pp.sealResponse(payload);
  assert.equal(pm.openResponse(200, {}, sealed.body).data.amount, '100.00');
  report('PinToPay seal 1 KB', impl, () => pp.sealResponse(payload));
  report('PinToPay open 1 KB', impl, () => pm.openResponse(200, {}, sealed.body));

  const pc = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'payca-secret' });
  const pcp = new cw.PayCaPlatform({ clientId: 'cid', clientSecret: 'payca-secret' });
  const ph = pcp.signWebhook('card_transaction', payload);
  assert.equal(pc.checkWebhook(ph.headers, ph.body).type, 'card_transaction');
  report('PayCA verify 1 KB', impl, () => pc.verifyWebhook(ph.headers, ph.body));

  // The card reveal: the back end's seal, and a page's whole round (key
  // pair, the seal made for it, one open). No hand-written row: there is no
  // reveal envelope to write by hand; @hpke/core is its interop judge.
  const cardFields = { pan: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '29' };
  const sealFor = (r) => cw.sealCardForBrowser(cardFields, r.publicKey, { cardId: 'card-1', requestId: r.requestId, expiresAtMs: Date.now() + 60_000 });
  const check = cw.CardReveal.start({ cardId: 'card-1' });
  assert.deepEqual(check.open(sealFor(check)), cardFields);
  const page = cw.CardReveal.start({ cardId: 'card-1' });
  report('card reveal: seal (PAN, CVV, expiry)', impl, () => sealFor(page));
  report('card reveal: start + seal + open', impl, () => {
    const r = cw.CardReveal.start({ cardId: 'card-1' });
    const out = r.open(sealFor(r));
    r.free();
    return out;
  });
}

// The same envelopes by hand with node:crypto, checked against cardwire.
{
  const pss32 = { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  const handBuild = () => {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', AES_KEY, iv);
    const ct = Buffer.concat([iv, c.update(payload), c.final(), c.getAuthTag()]);
    const body = Buffer.from(`{"data":"${ct.toString('base64')}"}`);
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(16).toString('hex');
    const sig = crypto.sign('sha256', Buffer.concat([body, Buffer.from(ts + nonce)]), { key: mPriv, ...pss32 });
    return { body, headers: { 'Content-Type': 'application/json', 'X-App-Id': 'app_bench', 'X-Signature': sig.toString('base64'), 'X-Timestamp': ts, 'X-Nonce': nonce } };
  };
  const p = new native.WorldCardPlatform({ appId: 'app_bench', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const built = handBuild();
  assert.equal(p.verifyRequest(built.headers, built.body).amount, '100.00');
  report('WorldCard buildRequest 1 KB', HAND, handBuild);

  const hook = p.signWebhook('card_billing', payload);
  const handVerify = () => {
    const h = hook.headers;
    const ok = crypto.verify('sha256', Buffer.concat([Buffer.from(hook.body), Buffer.from(h['X-Timestamp'] + h['X-Nonce'])]),
      { key: pPub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, Buffer.from(h['X-Signature'], 'base64'));
    if (!ok) throw new Error('bad signature');
    const raw = Buffer.from(JSON.parse(Buffer.from(hook.body).toString()).data, 'base64');
    const d = crypto.createDecipheriv('aes-256-gcm', AES_KEY, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return JSON.parse(Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString());
  };
  assert.equal(handVerify().amount, '100.00');
  report('WorldCard verifyWebhook 1 KB', HAND, handVerify);

  const field = new native.WorldCardMerchant({ appId: 'a', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES }).encryptField('4937241000003841');
  const handField = () => {
    const raw = Buffer.from(field, 'base64');
    const d = crypto.createDecipheriv('aes-256-gcm', AES_KEY, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString();
  };
  assert.equal(handField(), '4937241000003841');
  report('AES-GCM field decrypt', HAND, handField);

  const wsign = () => ({ body: payload, headers: { 'Content-Type': 'application/json', 'X-WSB-API-KEY': 'wsb', 'X-WSB-SIGNATURE': crypto.sign('sha256', payload, mPriv).toString('base64') } });
  assert.ok(crypto.verify('sha256', payload, mPub, Buffer.from(wsign().headers['X-WSB-SIGNATURE'], 'base64')));
  report('Wasabi sign 1 KB', HAND, wsign);
  const wp = new native.WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key('platform_2048.pkcs8.pem'), merchantPublicKeyPem: key('merchant_2048.spki.pem') });
  const note = wp.signWebhook('card_transaction', payload);
  const wverify = () => {
    if (!crypto.verify('sha256', note.body, pPub, Buffer.from(note.headers['X-WSB-SIGNATURE'], 'base64'))) throw new Error('bad signature');
    return JSON.parse(Buffer.from(note.body).toString());
  };
  assert.equal(wverify().amount, '100.00');
  report('Wasabi verify 1 KB', HAND, wverify);
  const wfield = wp.encryptField('4937241000003841');
  const wdecrypt = () => crypto.privateDecrypt({ key: mPriv, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(wfield, 'base64')).toString();
  assert.equal(wdecrypt(), '4937241000003841');
  report('Wasabi field decrypt (RSA-2048)', HAND, wdecrypt);

  const box = new Uint8Array(crypto.createHash('sha256').update('ptp-bench-secret').digest());
  const seal = () => {
    const nonce = nacl.randomBytes(24);
    const ct = nacl.secretbox(payload, nonce, box);
    const raw = new Uint8Array(25 + ct.length);
    raw[0] = 2;
    raw.set(nonce, 1);
    raw.set(ct, 25);
    return `{"encrypted":"${Buffer.from(raw).toString('base64')}"}`;
  };
  const sealed = seal();
  const open = () => {
    const raw = Buffer.from(JSON.parse(sealed).encrypted, 'base64');
    const plain = nacl.secretbox.open(raw.subarray(25), raw.subarray(1, 25), box);
    if (!plain) throw new Error('bad box');
    return JSON.parse(Buffer.from(plain).toString());
  };
  assert.equal(new native.PinToPayMerchant({ apiKey: 'ptp', apiSecret: 'ptp-bench-secret' }).openResponse(200, {}, sealed).data.amount, '100.00');
  assert.equal(open().amount, '100.00');
  report('PinToPay seal 1 KB', 'tweetnacl (hand-written)', seal);
  report('PinToPay open 1 KB', 'tweetnacl (hand-written)', open);

  const ph = new native.PayCaPlatform({ clientId: 'cid', clientSecret: 'payca-secret' }).signWebhook('card_transaction', payload);
  const macKey = Buffer.from('payca-secret');
  const payca = () => {
    const given = Buffer.from(String(ph.headers['x-signature'] ?? ph.headers['X-Signature']).slice(7), 'hex');
    const mac = crypto.createHmac('sha256', macKey).update(ph.body).digest();
    if (given.length !== mac.length || !crypto.timingSafeEqual(given, mac)) throw new Error('bad signature');
    return JSON.parse(Buffer.from(ph.body).toString());
  };
  assert.equal(payca().event, 'card_transaction');
  report('PayCA verify 1 KB', HAND, payca);
}

// The table: ops/s, and time against the hand-written path (below 1.00× is faster).
const ops = [...new Set(rows.map((r) => r.op))].filter((op) => rows.some((r) => r.op === op && r.impl.includes('hand-written')));
const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us < 10 ? 2 : 1)} µs`);
const opsPerS = (us) => Math.round(1e6 / us).toLocaleString('en-US');
console.log(`\n# Node ${process.version}, ${process.arch}`);
console.log('| operation | cardwire native addon | cardwire wasm | hand-written |');
console.log('|---|---|---|---|');
for (const op of ops) {
  const hand = rows.find((r) => r.op === op && r.impl.includes('hand-written'));
  const cell = (impl) => {
    const r = rows.find((x) => x.op === op && x.impl === impl);
    return `${fmt(r.us)}, ${opsPerS(r.us)}/s (${(r.us / hand.us).toFixed(2)}×)`;
  };
  console.log(`| ${op} | ${cell('cardwire (native addon)')} | ${cell('cardwire (wasm)')} | ${fmt(hand.us)}, ${opsPerS(hand.us)}/s (${hand.impl.replace(' (hand-written)', '')}) |`);
}
console.log('\nRatios are time against the hand-written path measured in the same run (below 1.00× is faster).');
console.log('\n| card reveal | cardwire native addon | cardwire wasm |\n|---|---|---|');
for (const op of [...new Set(rows.map((r) => r.op))].filter((o) => o.startsWith('card reveal'))) {
  const cell = (impl) => { const r = rows.find((x) => x.op === op && x.impl === impl); return `${fmt(r.us)}, ${opsPerS(r.us)}/s`; };
  console.log(`| ${op.replace('card reveal: ', '')} | ${cell('cardwire (native addon)')} | ${cell('cardwire (wasm)')} |`);
}
