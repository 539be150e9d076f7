// Fetch API receivers (`webhookHandler`, `webhookRefusal`) and the async
// forms that do their RSA through WebCrypto on the WebAssembly backend
// (`buildRequestAsync`, `signWebhookAsync`, `sealResponseAsync`,
// `verifyWebhookAsync`, `verifyRequestAsync`, `openResponseAsync`). Every
// async output is checked by the sync path and by node:crypto; every async
// verdict equals the sync one. On the native addon and on forced
// WebAssembly (CARDWIRE_FORCE_WASM=1), where WebCrypto is used (counted).
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import * as cw from 'cardwire';
import { cases, key } from './helpers.mjs';

const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const wasm = cw.backend === 'wasm';
const subtle = globalThis.crypto.subtle;
const calls = { sign: 0, verify: 0 };
for (const k of ['sign', 'verify']) {
  const orig = subtle[k];
  subtle[k] = function counted(...a) { calls[k] += 1; return orig.apply(this, a); };
}

const wcMerchant = (o = {}) => new cw.WorldCardMerchant({ appId: 'app_e', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES, platformPublicKeyPem: key('platform_2048.spki.pem'), ...o });
const wcPlatform = () => new cw.WorldCardPlatform({ appId: 'app_e', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
const wsMerchant = () => new cw.WasabiMerchant({ apiKey: 'wsb_e', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') });
const wsPlatform = () => new cw.WasabiPlatform({ apiKey: 'wsb_e', platformPrivateKeyPem: key('platform_1024.pkcs8.pem'), merchantPublicKeyPem: key('merchant_1024.spki.pem') });
const text = (b) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));
const header = (h, name) => Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

test('webhookHandler: a delivery is handled once, a redelivery acknowledged, a forgery refused, for every provider', async () => {
  const pairs = {
    worldcard: [wcMerchant(), wcPlatform().signWebhook('card_deposit', { card_id: 'c-1', amount: '5.00', status: 1 })],
    legacy: [new cw.WorldCardLegacy({ appKey: 'a', appSecret: 'sBOvCZZurSbbdJiA' }), new cw.WorldCardLegacyPlatform({ appKey: 'a', appSecret: 'sBOvCZZurSbbdJiA' }).signWebhook({ orderNo: 'O1', merOrderNo: 'M1', status: '2', settleAmount: '1.00' })],
    wasabi: [wsMerchant(), wsPlatform().signWebhook('card_transaction', { orderNo: 'T-1', status: 'success' })],
    pintopay: [new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'pintopay-secret' }), new cw.PinToPayPlatform({ apiKey: 'k', apiSecret: 'pintopay-secret' }).signWebhook('card.transaction', { card_id: 'c' })],
    payca: [new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), new cw.PayCaPlatform({ clientId: 'c', clientSecret: 's' }).signWebhook('card_transaction', { cardId: 'c' })],
  };
  for (const [provider, [receiver, hook]] of Object.entries(pairs)) {
    const seen = [];
    const handle = cw.webhookHandler(receiver, async (event, request) => { seen.push([event.type, request.method]); });
    const post = (body) => handle(new Request('http://localhost/hook', { method: 'POST', headers: hook.headers, body }));
    const ack = receiver.constructor.webhookAck();
    for (let i = 0; i < 2; i++) {
      const r = await post(hook.body);
      assert.equal(r.status, ack.status, provider);
      assert.equal(await r.text(), text(ack.body), provider);
    }
    assert.equal(seen.length, 1, provider);
    const forged = Buffer.from(hook.body);
    forged[forged.length >> 1] ^= 1;
    const r = await post(forged);
    assert.equal(r.status, 401, provider);
    assert.ok(cw.errorCodes().includes(await r.text()), provider);
    assert.equal(seen.length, 1, provider);
  }
});

test('webhookHandler: a handler that throws leaves the delivery unrecorded; one in progress answers 503; a shared store decides', async () => {
  const platform = new cw.PayCaPlatform({ clientId: 'c', clientSecret: 's' });
  const hook = platform.signWebhook('card_transaction', { cardId: 'c-throw' });
  const req = () => new Request('http://localhost/', { method: 'POST', headers: hook.headers, body: hook.body });
  let fail = true;
  let handled = 0;
  const handle = cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), async () => {
    if (fail) throw new Error('database down');
    handled += 1;
  });
  await assert.rejects(handle(req()), /database down/);
  fail = false;
  assert.equal((await handle(req())).status, 204);
  assert.equal((await handle(req())).status, 204);
  assert.equal(handled, 1);

  // The same delivery twice at once: the second is told to come back.
  let release;
  const gate = new Promise((r) => { release = r; });
  const slow = cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), () => gate);
  const first = slow(req());
  await new Promise((r) => setTimeout(r, 10));
  const second = await slow(req());
  assert.equal(second.status, 503);
  release();
  assert.equal((await first).status, 204);

  // A shared store: its decisions, and its failure as 503.
  const decisions = [];
  const shared = { async process(ev, run) { decisions.push(ev.deliveryKey); if (decisions.length === 1) { await run(ev); return 'processed'; } return 'duplicate'; } };
  const withStore = cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), async () => {}, { deliveries: shared });
  assert.equal((await withStore(req())).status, 204);
  assert.equal((await withStore(req())).status, 204);
  assert.equal(decisions.length, 2);
  const down = { async process() { throw new cw.CardwireError('store_unavailable', 'redis down', {}); } };
  const r = await cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), async () => {}, { deliveries: down })(req());
  assert.equal(r.status, 503);
  assert.equal(await r.text(), 'store_unavailable');
});

test('webhookHandler and webhookRefusal refuse wrong arguments with what to pass', () => {
  const expect = (f, re) => assert.throws(f, (e) => e instanceof cw.CardwireError && e.code === 'invalid_input' && re.test(e.message));
  expect(() => cw.webhookHandler({}, () => {}), /merchant instance/);
  expect(() => cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), null), /second argument/);
  expect(() => cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), () => {}, { store: {} }), /unknown option store/);
  expect(() => cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), () => {}, { deliveries: {} }), /process\(event, handler\)/);
  const refusal = cw.PayCaClient.webhookRefusal(new cw.CardwireError('signature_invalid', 'x', {}));
  assert.equal(refusal.status, 401);
  assert.equal(text(refusal.body), 'signature_invalid');
  assert.equal(cw.WorldCardMerchant.webhookRefusal(new cw.CardwireError('store_unavailable', 'x', {})).status, 503);
});

test('async signing: requests, webhooks and responses accepted by the sync side and by node:crypto', async () => {
  const before = { ...calls };
  const wc = wcMerchant();
  const req = await wc.buildRequestAsync('/api/v1/card/virtual/get_info', { card_id: 'c-1' });
  const ts = header(req.headers, 'X-Timestamp');
  const nonce = header(req.headers, 'X-Nonce');
  const signed = Buffer.concat([Buffer.from(req.body), Buffer.from(ts), Buffer.from(nonce)]);
  assert.ok(crypto.verify('sha256', signed, { key: key('merchant_2048.spki.pem'), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(header(req.headers, 'X-Signature'), 'base64')));
  assert.deepEqual(wcPlatform().verifyRequest(req.headers, req.body), { card_id: 'c-1' });

  const ws = wsMerchant();
  const wreq = await ws.buildRequestAsync('/merchant/core/mcb/card/info', { cardNo: 'c1' });
  assert.ok(crypto.verify('sha256', Buffer.from(wreq.body), key('merchant_1024.spki.pem'), Buffer.from(header(wreq.headers, 'X-WSB-SIGNATURE'), 'base64')));
  assert.deepEqual(wsPlatform().verifyRequest(wreq.headers, wreq.body), { cardNo: 'c1' });

  const hook = await wcPlatform().signWebhookAsync('card_deposit', { card_id: 'c-2', amount: '5.00', status: 1 });
  assert.equal(wc.checkWebhook(hook.headers, hook.body).data.card_id, 'c-2');
  const whook = await wsPlatform().signWebhookAsync('card_transaction', { orderNo: 'T-9', status: 'success' });
  assert.equal(ws.checkWebhook(whook.headers, whook.body).data.orderNo, 'T-9');
  const resp = await wsPlatform().sealResponseAsync({ cardNo: 'c1' });
  assert.deepEqual(ws.openResponse(resp.status, resp.headers, resp.body).data, { cardNo: 'c1' });
  // The same failures as the sync forms.
  await assert.rejects(wc.buildRequestAsync('/api/v1/card/deposit', { card_id: 'c', amount: '1', merchant_transaction_id: 't' }), (e) => e.code === 'validation_failed');
  if (wasm) assert.ok(calls.sign - before.sign >= 5, `WebCrypto signed ${calls.sign - before.sign} times`);
  else assert.equal(calls.sign, before.sign, 'the native addon signs itself');
});

test('async verification: the same verdicts as the sync forms, another PSS salt and forgeries included', async () => {
  const before = { ...calls };
  const wc = wcMerchant();
  const hook = wcPlatform().signWebhook('card_deposit', { card_id: 'c-3', amount: '5.00', status: 1 });
  const sync = wc.checkWebhook(hook.headers, hook.body);
  assert.deepEqual(await wc.checkWebhookAsync(hook.headers, hook.body), sync);
  const first = await wc.verifyWebhookAsync(hook.headers, hook.body);
  assert.equal(first.duplicate, false);
  assert.equal((await wc.verifyWebhookAsync(hook.headers, hook.body)).duplicate, true);
  assert.deepEqual(first.data, sync.data);

  // A webhook signed by node:crypto with PSS salt 20 (Go and Java signers differ): WebCrypto
  // is asked for salt 32 and says no; the pure path recovers the salt. Strict merchants refuse it.
  const ts = String(Date.now());
  const nonce = crypto.randomUUID();
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', Buffer.from(AES, 'hex'), iv);
  const sealed = Buffer.concat([iv, c.update(JSON.stringify({ notify_type: 'card_deposit', card_id: 'c-20', amount: '1.00', status: 1 })), c.final(), c.getAuthTag()]);
  const body = JSON.stringify({ data: sealed.toString('base64') });
  const sig = crypto.sign('sha256', Buffer.from(body + ts + nonce), { key: key('platform_2048.pkcs8.pem'), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
  const headers = { 'X-App-Id': 'app_e', 'X-Timestamp': ts, 'X-Nonce': nonce, 'X-Signature': sig.toString('base64') };
  assert.equal((await wc.checkWebhookAsync(headers, body)).data.card_id, 'c-20');
  const strict = wcMerchant({ strictPssSalt: true });
  await assert.rejects(strict.checkWebhookAsync(headers, body), (e) => e.code === 'signature_invalid');
  assert.throws(() => strict.checkWebhook(headers, body), (e) => e.code === 'signature_invalid');

  // Forgeries: the same error code as the sync form, nothing returned.
  const forged = Buffer.from(hook.body);
  forged[forged.length >> 1] ^= 1;
  const syncCode = (() => { try { wc.checkWebhook(hook.headers, forged); return 'ok'; } catch (e) { return e.code; } })();
  await assert.rejects(wc.checkWebhookAsync(hook.headers, forged), (e) => e.code === syncCode);
  const ws = wsMerchant();
  const whook = wsPlatform().signWebhook('card_transaction', { orderNo: 'T-7', status: 'success' });
  assert.deepEqual(await ws.checkWebhookAsync(whook.headers, whook.body), ws.checkWebhook(whook.headers, whook.body));
  await assert.rejects(ws.checkWebhookAsync(whook.headers, whook.body + ' '), (e) => e.code === 'signature_invalid');

  // Requests (provider side) and Wasabi's signed responses.
  const req = wc.buildRequest('/api/v1/card/virtual/get_info', { card_id: 'c-4' });
  assert.deepEqual(await wcPlatform().verifyRequestAsync(req.headers, req.body), { card_id: 'c-4' });
  const wreq = wsMerchant().buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c4' });
  assert.deepEqual(await wsPlatform().verifyRequestAsync(wreq.headers, wreq.body), { cardNo: 'c4' });
  const resp = wsPlatform().sealResponse({ cardNo: 'c5' });
  assert.deepEqual((await ws.openResponseAsync(resp.status, resp.headers, resp.body)).data, { cardNo: 'c5' });
  await assert.rejects(ws.openResponseAsync(resp.status, resp.headers, Buffer.concat([Buffer.from(resp.body), Buffer.from(' ')])), (e) => e.code === 'signature_invalid');
  if (wasm) assert.ok(calls.verify - before.verify >= 8, `WebCrypto verified ${calls.verify - before.verify} times`);
  else assert.equal(calls.verify, before.verify, 'the native addon verifies itself');
});

test('on the Wasabi vectors (requests, responses, webhooks) the async forms give the sync forms\' verdicts and results', async () => {
  const outcome = async (f) => { try { return ['ok', await f()]; } catch (e) { if (!(e instanceof cw.CardwireError)) throw e; return [e.code, e.providerCode ?? null]; } };
  let n = 0;
  for (const [name, c] of cases('wasabi')) {
    let sync, async_;
    if (c.kind === 'request') {
      const p = new cw.WasabiPlatform({ apiKey: 'wsb_test_api_key', platformPrivateKeyPem: key('platform_1024.pkcs8.pem'), merchantPublicKeyPem: key(c.merchant_public_key) });
      sync = await outcome(() => p.verifyRequest(c.headers, c.body));
      async_ = await outcome(() => p.verifyRequestAsync(c.headers, c.body));
    } else if (c.kind === 'response') {
      const m = new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key(c.platform_public_key), responseSignature: c.policy === 'require' ? 'require' : 'verify-if-present' });
      sync = await outcome(() => m.openResponse(c.status ?? 200, c.headers, c.body));
      async_ = await outcome(() => m.openResponseAsync(c.status ?? 200, c.headers, c.body));
    } else if (c.kind === 'webhook') {
      const m = new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key(c.platform_public_key) });
      sync = await outcome(() => m.checkWebhook(c.headers, c.body, { nowMs: 0 }));
      async_ = await outcome(() => m.checkWebhookAsync(c.headers, c.body, { nowMs: 0 }));
      assert.equal(sync[0], c.expect, name);
    } else continue;
    assert.deepEqual(async_, sync, name);
    n += 1;
  }
  assert.ok(n >= 25, `${n} vectors`);
});

test('decryptFieldAsync: the field vectors give the sync results and errors; RSA-OAEP through WebCrypto', async () => {
  const before = calls.decrypt ?? 0;
  const orig = subtle.decrypt;
  calls.decrypt = before;
  subtle.decrypt = function counted(...a) { calls.decrypt += 1; return orig.apply(this, a); };
  try {
    let n = 0;
    for (const [name, c] of cases('wasabi')) {
      if (c.kind !== 'field') continue;
      const pad = { pkcs1: 'pkcs1v15', oaep_sha1: 'oaep-sha1', oaep_sha256: 'oaep-sha256' }[c.padding];
      const m = new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key(c.private_key), fieldPadding: pad });
      const outcome = async (f) => { try { return ['ok', await f()]; } catch (e) { if (!(e instanceof cw.CardwireError)) throw e; return [e.code]; } };
      const sync = await outcome(() => m.decryptField(c.value));
      assert.deepEqual(await outcome(() => m.decryptFieldAsync(c.value)), sync, name);
      assert.equal(sync[0], c.expect, name);
      n += 1;
    }
    assert.ok(n >= 10, `${n} vectors`);
    if (wasm) assert.ok(calls.decrypt > before, 'WebCrypto decrypted the OAEP fields');
    else assert.equal(calls.decrypt, before, 'the native addon decrypts itself');
  } finally {
    subtle.decrypt = orig;
  }
});

test('WebAssembly: a prepared request kept for WebCrypto is finished once; an unknown token is a clear error; a check started early is the one reported', { skip: !wasm && 'WebAssembly backend only' }, async () => {
  const { createRequire } = await import('node:module');
  const native = createRequire(import.meta.url)('../../pkg/cardwire_wasm.cjs');
  const h = native.create('WasabiMerchant', { apiKey: 'wsb_e', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') });
  const [token, algorithm, input] = h.callPrepare('prepare_request', ['/merchant/core/mcb/card/info', { cardNo: 'c1' }], null);
  assert.equal(algorithm, 'RSASSA_PKCS1_V1_5_SHA_256');
  const signature = crypto.sign('sha256', input, key('merchant_1024.pkcs8.pem'));
  const done = h.callFinish('finish_request', token, signature);
  assert.equal(header(done.headers, 'X-WSB-SIGNATURE'), signature.toString('base64'));
  assert.ok(crypto.verify('sha256', done.body, key('merchant_1024.spki.pem'), Buffer.from(header(done.headers, 'X-WSB-SIGNATURE'), 'base64')));
  assert.throws(() => h.callFinish('finish_request', token, signature), (e) => e.code === 'invalid_input' && /finished already/.test(e.message));
  // The check `start` hears of is the one the call reports, and the event waits for it.
  const hook = wsPlatform().signWebhook('card_transaction', { orderNo: 'T-9', status: 'success' });
  const flat = Object.entries(hook.headers).map(([k, v]) => `${k}\0${v}\0`).join('');
  let heard = null;
  const first = h.callDeferred('check_webhook', [flat, hook.body], null, null, true, (...w) => { heard = w; });
  // `start` heard of it: the event and the algorithm only; the check's bytes went to `start`.
  assert.equal(first.length, 2);
  assert.equal(first[0].includes('T-9'), true);
  assert.equal(first[1], heard[0]);
  assert.equal(heard.length, 7);
  const [nl, el, ml, sl, keyId] = heard.slice(2);
  const bytes = heard[1];
  assert.deepEqual(Buffer.from(bytes.subarray(nl + el, nl + el + ml)), Buffer.from(hook.body));
  assert.ok(crypto.verify('sha256', bytes.subarray(nl + el, nl + el + ml), key('platform_1024.spki.pem'), bytes.subarray(nl + el + ml, nl + el + ml + sl)));
  // The key's JWK numbers are the platform key's own (node:crypto's export).
  const jwk = crypto.createPublicKey(key('platform_1024.spki.pem')).export({ format: 'jwk' });
  assert.equal(Buffer.from(bytes.subarray(0, nl)).toString('base64url'), jwk.n);
  assert.equal(Buffer.from(bytes.subarray(nl, nl + el)).toString('base64url'), jwk.e);
  // Without `start`, everything comes back, with the same key id; another parsed key has another id.
  const full = h.callDeferred('check_webhook', [flat, hook.body], null, null, true, null);
  assert.equal(full.length, 8);
  assert.deepEqual(full.slice(1, 2).concat(full.slice(3)), [heard[0], nl, el, ml, sl, keyId]);
  assert.deepEqual(Buffer.from(full[2]).subarray(0, bytes.length), Buffer.from(bytes));
  const other = native.create('WasabiMerchant', { apiKey: 'wsb_e', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') });
  const again = other.callDeferred('check_webhook', [flat, hook.body], null, null, true, null);
  assert.equal(typeof keyId, 'number');
  assert.notEqual(again[7], keyId);
});
