// A loopback round trip per provider over real HTTP on 127.0.0.1: a Node
// server plays the platform side (cardwire's platform classes), `fetch`
// plays the client (the merchant classes), and the platform posts a webhook
// back to a merchant receiver that acknowledges it (twice: the retry comes
// back duplicate). Runs on the native addon and on forced WebAssembly.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as cw from 'cardwire';
import { key } from './helpers.mjs';

const AES_HEX = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';

/** A server on a free loopback port; `handle(method, path, headers, body)` returns a cardwire response shape. */
async function serve(handle) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = handle(req.method, req.url, req.headers, Buffer.concat(chunks));
      res.writeHead(r.status, r.headers).end(Buffer.from(r.body));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Sends a request exactly as cardwire built it. */
async function send(base, req) {
  const res = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body.length ? req.body : undefined });
  return [res.status, res.headers, new Uint8Array(await res.arrayBuffer())];
}

async function roundtrip(platform, open, req) {
  const s = await serve(platform);
  try {
    const [status, headers, body] = await send(s.url, req);
    return open(status, headers, body);
  } finally {
    s.close();
  }
}

async function deliver(hook, merchant, isAck) {
  const events = [];
  const ack = merchant.constructor.webhookAck();
  const s = await serve((method, path, headers, body) => {
    try {
      events.push(merchant.verifyWebhook(headers, body));
      return ack;
    } catch (e) {
      return { status: 401, headers: {}, body: new TextEncoder().encode(e.code) };
    }
  });
  try {
    for (let i = 0; i < 2; i++) {
      const [status, , body] = await send(s.url, { method: 'POST', path: '/hooks', headers: hook.headers, body: hook.body });
      assert.ok(isAck(status, body), `acknowledged (${status} ${Buffer.from(body)})`);
    }
  } finally {
    s.close();
  }
  return events;
}

test('WorldCard', async () => {
  const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX, platformPublicKeyPem: key('platform_2048.spki.pem') });
  const p = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES_HEX, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
  const platform = (method, path, headers, body) => {
    try {
      const payload = p.verifyRequest(headers, body, { path });
      return p.sealResponse({ card_id: payload.card_id, status: 2, card_number: '4937241000003841', cvv: '123' });
    } catch (e) {
      return cw.WorldCardPlatform.rejection(e);
    }
  };
  const open = (s, h, b) => m.openResponse(s, h, b);
  const opened = await roundtrip(platform, open, m.buildRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' }));
  assert.equal(opened.data.card_number, '4937241000003841');
  assert.equal(opened.data.cvv, '123');
  await assert.rejects(roundtrip(platform, open, m.buildRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' }, { timestampS: 1 })),
    (e) => e.code === 'api_error' && e.status === 401 && e.providerMessage === 'Request expired');
  const events = await deliver(p.signWebhook('card_open', { card_id: 'c-1', status: 2 }), m, (s, b) => cw.WorldCardPlatform.isAcknowledged(s, b));
  assert.deepEqual(events.map((e) => e.duplicate), [false, true]);
});

test('WorldCard legacy', async () => {
  const secret = 'sBOvCZZurSbbdJiA';
  const m = new cw.WorldCardLegacy({ appKey: 'app-1', appSecret: secret });
  const p = new cw.WorldCardLegacyPlatform({ appKey: 'app-1', appSecret: secret });
  const platform = (method, path, headers, body) => {
    try {
      const fields = p.verifyRequest(headers, body, { path });
      return p.sealResponse(`{"cardNo":"${fields.cardNumber}","cvv":"987","balance":12.00}`);
    } catch (e) {
      return cw.WorldCardLegacyPlatform.rejection(e);
    }
  };
  const opened = await roundtrip(platform, (s, h, b) => m.openResponse(s, h, b), m.buildRequest('/op/card/E/info', { cardNumber: '4000' }));
  assert.deepEqual(opened.data, { cardNo: '4000', cvv: '987', balance: '12.00' });
  const events = await deliver(p.signWebhook({ orderNo: 'O1', merOrderNo: 'M1', status: '2', settleAmount: '20.10' }), m, (s, b) => cw.WorldCardLegacyPlatform.isAcknowledged(s, b));
  assert.deepEqual(events.map((e) => [e.type, e.duplicate]), [['top_up', false], ['top_up', true]]);
});

test('Wasabi Open API (1024-bit keys)', async () => {
  const m = new cw.WasabiMerchant({ apiKey: 'wsb', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key('platform_1024.spki.pem') });
  const p = new cw.WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: key('platform_1024.pkcs8.pem'), merchantPublicKeyPem: key('merchant_1024.spki.pem') });
  const platform = (method, path, headers, body) => {
    try {
      const payload = p.verifyRequest(headers, body);
      return p.sealResponse(`{"cardNo":"${payload.cardNo}","cvv":"${p.encryptField('321')}","balance":15.10}`);
    } catch {
      return p.sealError(401, 'signature error');
    }
  };
  const opened = await roundtrip(platform, (s, h, b) => m.openResponse(s, h, b), m.buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c1' }));
  assert.equal(opened.authenticated, true);
  assert.equal(opened.data.balance, '15.10');
  assert.equal(m.decryptField(opened.data.cvv), '321');
  const events = await deliver(p.signWebhook('card_transaction', { orderNo: 'T-1', status: 'success' }), m, (s, b) => cw.WasabiPlatform.isAcknowledged(s, b));
  assert.deepEqual(events.map((e) => e.duplicate), [false, true]);
});

test('Wasabi API gateway', async () => {
  const g = new cw.WasabiGateway({ apiKey: 'gw-key' });
  const json = (status, headers, obj) => ({ status, headers: { 'Content-Type': 'application/json', ...headers }, body: new TextEncoder().encode(JSON.stringify(obj)) });
  const gateway = (method, path, headers) => {
    if (headers['x-api-key'] !== 'gw-key') return json(401, {}, { success: false, code: 401, msg: 'Invalid or missing API key.', data: null });
    if (method === 'GET') return json(200, {}, { success: true, code: 200, msg: 'Success', data: { path } });
    return json(429, { 'Retry-After': '2' }, { message: 'Too Many Attempts.' });
  };
  const opened = await roundtrip(gateway, (s, h, b) => g.openResponse(s, h, b, { path: 'work-orders/' }), g.buildRequest('work-orders/', { pageNum: 2 }, { method: 'GET' }));
  assert.deepEqual(opened.data, { path: '/api/v1/work-orders/?pageNum=2' });
  await assert.rejects(
    roundtrip(gateway, (s, h, b) => g.openResponse(s, h, b, { path: 'cards/deposit' }), g.buildRequest('cards/deposit', { cardNo: 'c', amount: '10', merchantOrderNo: 'm-1' }, { validate: false })),
    (e) => e.status === 429 && e.retryable === true && e.retryAfterMs === 2000);
});

test('PinToPay', async () => {
  const m = new cw.PinToPayMerchant({ apiKey: 'ptp', apiSecret: 'a-long-enough-secret' });
  const p = new cw.PinToPayPlatform({ apiKey: 'ptp', apiSecret: 'a-long-enough-secret' });
  const platform = (method, path, headers, body) => {
    try {
      const payload = p.verifyRequest(headers, body, { path });
      return p.sealResponse({ order_id: 'o-1', amount: payload.amount });
    } catch (e) {
      return p.rejection(e);
    }
  };
  const req = m.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '25.50' }, { idempotencyKey: 'idem-1' });
  assert.deepEqual((await roundtrip(platform, (s, h, b) => m.openResponse(s, h, b), req)).data, { order_id: 'o-1', amount: '25.50' });
  const s = await serve(platform);
  try {
    await send(s.url, req);
    const [status, headers, body] = await send(s.url, req); // the same sealed request again: a replay
    assert.throws(() => m.openResponse(status, headers, body), (e) => e.code === 'api_error' && e.providerCode === 'duplicate_request');
  } finally {
    s.close();
  }
  const events = await deliver(p.signWebhook('card.transaction', { card_id: 'c', amount: '1.00' }), m, (st, b) => st === 200 && Buffer.from(b).toString() === '{"success":true}');
  assert.deepEqual(events.map((e) => e.duplicate), [false, true]);
});

test('PayCA', async () => {
  const c = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'csecret' });
  const p = new cw.PayCaPlatform({ clientId: 'cid', clientSecret: 'csecret' });
  const platform = (method, path, headers, body) => {
    try {
      const payload = p.verifyRequest(headers, body, { path });
      return { status: 201, headers: { 'Content-Type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify({ id: 'u-1', externalId: payload.externalId })) };
    } catch (e) {
      return cw.PayCaPlatform.rejection(e, 'req-1');
    }
  };
  const open = (s, h, b) => c.openResponse(s, h, b);
  assert.deepEqual((await roundtrip(platform, open, c.buildRequest('/v1/users', { externalId: 'usr-001' }))).data, { id: 'u-1', externalId: 'usr-001' });
  const wrong = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'wrong' });
  await assert.rejects(roundtrip(platform, open, wrong.buildRequest('/v1/users', { externalId: 'x' })),
    (e) => e.providerCode === 'ErrUnauthorized' && e.status === 401 && e.requestId === 'req-1');
  const events = await deliver(p.signWebhook('card_transaction', { cardId: 'c-1' }), c, (s) => cw.PayCaPlatform.isAcknowledged(s));
  assert.deepEqual(events.map((e) => e.duplicate), [false, true]);
});
