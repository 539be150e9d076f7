// The interop cases, in a real browser, against the browser's own WebCrypto.
import * as cw from '../../pkg/index.web.js';

const results = [];
const log = document.getElementById('log');
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
  } catch (e) {
    results.push({ name, ok: false, error: String(e && e.stack || e) });
  }
  log.textContent += `${results.at(-1).ok ? 'ok ' : 'FAIL'} ${name}\n`;
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg || 'assertion failed');
}
function expectCode(fn, code) {
  try { fn(); } catch (e) {
    assert(e instanceof cw.CardwireError, `not a CardwireError: ${e}`);
    assert(e.code === code, `code ${e.code}, expected ${code}`);
    return;
  }
  throw new Error('did not throw');
}

const text = async (p) => (await fetch(p)).text();
const json = async (p) => (await fetch(p)).json();
const key = (name) => text(`/tests/vectors/keys/${name}`);
const der = (pem) => Uint8Array.from(atob(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
const b64 = (u8) => btoa(String.fromCharCode(...u8));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const enc = new TextEncoder();
const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));
const subtle = crypto.subtle;
const AES_HEX = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const aesRaw = Uint8Array.from(AES_HEX.match(/../g), (h) => parseInt(h, 16));

await check('WorldCard request signed here verifies with WebCrypto RSA-PSS', async () => {
  const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: await key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX });
  const req = m.buildRequest('/api/v1/card/virtual/get_info', { card_id: '1' });
  const pub = await subtle.importKey('spki', der(await key('merchant_2048.spki.pem')), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
  const signed = enc.encode(req.bodyText + req.headers['X-Timestamp'] + req.headers['X-Nonce']);
  assert(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, unb64(req.headers['X-Signature']), signed), 'PSS verify');
  const raw = unb64(JSON.parse(req.bodyText).data);
  const k = await subtle.importKey('raw', aesRaw, 'AES-GCM', false, ['decrypt']);
  const plain = new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv: raw.slice(0, 12) }, k, raw.slice(12)));
  assert(JSON.parse(plain).card_id === '1', 'body decrypts');
  assert(Math.abs(Number(req.headers['X-Timestamp']) - Date.now() / 1000) < 60, 'default timestamp is Date.now()');
  m.free();
});

await check('a card number encrypted with WebCrypto AES-GCM decrypts here', async () => {
  const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: await key('merchant_1024.pkcs8.pem'), aesKey: AES_HEX });
  const k = await subtle.importKey('raw', aesRaw, 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, k, enc.encode('4937241000003841')));
  const all = new Uint8Array([...iv, ...ct]);
  assert(m.decryptField(b64(all)) === '4937241000003841', 'decrypts');
  all[all.length - 1] ^= 1;
  expectCode(() => m.decryptField(b64(all)), 'decrypt_failed');
});

for (const [label, saltFor] of [['salt 32', () => 32], ['maximum salt', (bits) => Math.ceil((bits - 1) / 8) - 32 - 2]]) {
  await check(`a webhook signed with WebCrypto (${label}) verifies here; a redelivery is a duplicate`, async () => {
    const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: await key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX, platformPublicKeyPem: await key('platform_2048.spki.pem') });
    const k = await subtle.importKey('raw', aesRaw, 'AES-GCM', false, ['encrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, k, enc.encode(JSON.stringify({ notify_type: 'card_3ds', card_id: '1', otp: '123456' }))));
    const body = `{"data":"${b64(new Uint8Array([...iv, ...ct]))}"}`;
    const ts = String(Date.now()), nonce = crypto.randomUUID();
    const priv = await subtle.importKey('pkcs8', der(await key('platform_2048.pkcs8.pem')), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: saltFor(2048) }, priv, enc.encode(body + ts + nonce)));
    const headers = new Headers({ 'X-Signature': b64(sig), 'X-Timestamp': ts, 'X-Nonce': nonce });
    const ev = m.verifyWebhook(headers, body);
    assert(ev.type === 'card_3ds' && ev.data.otp === '123456' && !ev.duplicate, 'event');
    assert(m.verifyWebhook(headers, body).duplicate === true, 'duplicate');
  });
}

await check('a Wasabi request signed here verifies with WebCrypto RSASSA-PKCS1-v1_5 (1024-bit key)', async () => {
  const m = new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: await key('merchant_1024.pkcs8.b64') });
  const req = m.buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c1' });
  const pub = await subtle.importKey('spki', der(await key('merchant_1024.spki.pem')), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  assert(await subtle.verify('RSASSA-PKCS1-v1_5', pub, unb64(req.headers['X-WSB-SIGNATURE']), req.body), 'verify');
});

await check('a PayCA webhook HMAC made by WebCrypto verifies here', async () => {
  const c = new cw.PayCaClient({ clientId: 'c', clientSecret: 'secret-1' });
  const body = '{"event":"account_transaction","data":{"amount":"1.00"}}';
  const k = await subtle.importKey('raw', enc.encode('secret-1'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await subtle.sign('HMAC', k, enc.encode(body)));
  const hex = [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
  const ev = c.verifyWebhook({ 'x-signature': `sha256=${hex}`, 'x-request-id': 'r1' }, body);
  assert(ev.type === 'account_transaction' && !ev.duplicate, 'event');
});

await check('the shared vectors open in the browser (WorldCard responses and webhooks, PinToPay)', async () => {
  const names = ['worldcard/webhook_card_open_maxsalt', 'worldcard/webhook_card_kyc_salt32', 'worldcard/response_virtual_get_info', 'pintopay/response_encrypted_error'];
  for (const n of names) {
    const c = await json(`/tests/vectors/${n}.json`);
    if (c.kind === 'webhook') {
      const m = new cw.WorldCardMerchant({ appId: 'app_cardwire_test', privateKeyPem: await key('merchant_1024.pkcs8.pem'), aesKey: c.aes_key, platformPublicKeyPem: await key(c.platform_public_key) });
      assert(canon(m.verifyWebhook(c.headers, c.body, { nowMs: c.now_ms }).raw) === canon(c.payload), n);
    } else if (c.kind === 'response' && c.aes_key) {
      const m = new cw.WorldCardMerchant({ appId: 'a', privateKeyPem: await key('merchant_1024.pkcs8.pem'), aesKey: c.aes_key });
      assert(m.openResponse(200, {}, c.body).data.card_number === c.data.card_number, n);
    } else {
      const m = new cw.PinToPayMerchant({ apiKey: c.api_key, apiSecret: c.api_secret });
      try { m.openResponse(c.status, {}, c.body); throw new Error('no error'); } catch (e) { assert(e.code === 'api_error' && e.providerCode === c.slug, n); }
    }
  }
});

await check('card reveal: @hpke/core (with @hpke/dhkem-x25519) seals to a CardReveal key in this browser, and opens a seal made here', async () => {
  const { CipherSuite, HkdfSha256, Aes256Gcm } = await import('@hpke/core');
  const { DhkemX25519HkdfSha256 } = await import('@hpke/dhkem-x25519');
  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  const te = new TextEncoder();
  const b64url = (u8) => btoa(String.fromCharCode(...u8)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const unb64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - s.length % 4) % 4)), (c) => c.charCodeAt(0));
  const info = (card, req) => te.encode(`cardwire card reveal v1\0${card}\0${req}`);
  const header = (exp) => { const h = new Uint8Array(9); h[0] = 1; new DataView(h.buffer).setBigUint64(1, BigInt(exp)); return h; };
  const fields = { pan: '4937241000003841', cvv: '123' };
  // @hpke/core seals to the page's one-time key; the module opens it once.
  const reveal = cw.CardReveal.start({ cardId: 'card-1' });
  const sender = await suite.createSenderContext({ recipientPublicKey: await suite.kem.deserializePublicKey(unb64url(reveal.publicKey)), info: info('card-1', reveal.requestId) });
  const h = header(Date.now() + 60_000);
  const ct = new Uint8Array(await sender.seal(te.encode(JSON.stringify(fields)), h));
  const blob = b64url(new Uint8Array([...h, ...new Uint8Array(sender.enc), ...ct]));
  const opened = reveal.open(blob);
  assert(opened.pan === fields.pan && opened.cvv === fields.cvv, JSON.stringify(opened));
  expectCode(() => reveal.open(blob), 'replay_detected');
  // The module seals (as a back end would); @hpke/core opens.
  const kp = await suite.kem.generateKeyPair();
  const pk = new Uint8Array(await suite.kem.serializePublicKey(kp.publicKey));
  const exp = Date.now() + 60_000;
  const sealed = unb64url(cw.sealCardForBrowser(fields, b64url(pk), { cardId: 'card-2', requestId: 'r-2', expiresAtMs: exp }));
  const recipient = await suite.createRecipientContext({ recipientKey: kp.privateKey, enc: sealed.slice(9, 41), info: info('card-2', 'r-2') });
  const plain = JSON.parse(new TextDecoder().decode(await recipient.open(sealed.slice(41), sealed.slice(0, 9))));
  assert(plain.pan === fields.pan, JSON.stringify(plain));
});

await check('bad input from JavaScript is a CardwireError, never a wasm trap', async () => {
  expectCode(() => new cw.WorldCardMerchant(undefined), 'invalid_input');
  expectCode(() => new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 1 }), 'invalid_input');
  const m = new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123' });
  expectCode(() => m.buildRequest('/api/v1/cards/get', 'x'.repeat(2_000_000)), 'invalid_input');
  expectCode(() => m.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '1' }), 'idempotency_key_required');
  expectCode(() => m.openResponse(200, {}, '{"encrypted":"AQ=="}'), 'malformed_envelope');
  expectCode(() => m.openResponse(200, {}, new Uint8Array([1, 2, 3])), 'malformed_envelope');
  expectCode(() => cw.validate('wasabi', '/merchant/core/mcb/card/physicalCard/updatePin', { cardNo: 'c', merchantOrderNo: 'ORDER-2026-000001', pin: '123456' }), 'validation_failed');
});

await check('a non-extractable WebCrypto key signs a WorldCard request through prepareRequest and finishWith', async () => {
  const { finishWith, webCryptoSigner } = await import('../../pkg/signers.mjs');
  const priv = await subtle.importKey('pkcs8', der(await key('merchant_2048.pkcs8.pem')), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
  assert(priv.extractable === false, 'non-extractable');
  const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: await key('merchant_2048.spki.pem'), externalKey: true, aesKey: AES_HEX });
  const prepared = m.prepareRequest('/api/v1/card/virtual/get_info', { card_id: '1' });
  const req = await finishWith(m, prepared, webCryptoSigner(priv));
  assert(req.headers['X-Signature'].length > 300, 'signed');
  // Python `cryptography` verifies this one (tests/browser/run.mjs).
  window.__externalSigned = { signInput: b64(prepared.signInput), signature: req.headers['X-Signature'] };
  // saltLength 20, as some WebCrypto examples have it: named, nothing finished.
  let caught;
  try { await finishWith(m, prepared, async (i) => subtle.sign({ name: 'RSA-PSS', saltLength: 20 }, priv, i)); } catch (e) { caught = e; }
  assert(caught instanceof cw.CardwireError && caught.code === 'signer_mismatch' && caught.message.includes('salt length 20'), String(caught));
});

window.__results = results;
