// Node idiom, on whichever backend loaded (the suite runs once on the native
// addon and once with CARDWIRE_FORCE_WASM=1): which backend, headers as Node
// and fetch give them, raw bodies of every kind, a parsed body refused with
// directions, a JavaScript replay store, async variants, free(), and an
// event loop that keeps serving while 200 RSA signatures run off-thread.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import * as cw from 'cardwire';
import * as wasmOnly from 'cardwire/wasm';
import { key } from './helpers.mjs';

const AES_HEX = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const forced = process.env.CARDWIRE_FORCE_WASM === '1';
const merchant = (opts = {}) => new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX, platformPublicKeyPem: key('platform_2048.spki.pem'), ...opts });
const platform = () => new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES_HEX, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });

test('the backend that loaded is the one asked for, the same through import and require', () => {
  assert.equal(cw.backend, forced ? 'wasm' : 'native');
  assert.equal(cw.nativeUnavailableReason, forced ? 'CARDWIRE_FORCE_WASM=1' : null);
  const required = createRequire(import.meta.url)('cardwire');
  assert.equal(required.backend, cw.backend);
  assert.equal(required.WorldCardMerchant, cw.WorldCardMerchant, 'one instance for import and require');
  assert.equal(wasmOnly.backend, 'wasm', 'cardwire/wasm is always WebAssembly');
  assert.equal(wasmOnly.CardwireError, cw.CardwireError, 'one error class for both backends');
  // Both backends give the same answers.
  const hook = platform().signWebhook('card_open', { card_id: 'c-1' }, { timestampMs: 1764000000000, nonce: 'n-same' });
  const a = merchant().verifyWebhook(hook.headers, hook.body, { nowMs: 1764000000000 });
  const b = new wasmOnly.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES_HEX, platformPublicKeyPem: key('platform_2048.spki.pem') })
    .verifyWebhook(hook.headers, hook.body, { nowMs: 1764000000000 });
  assert.deepEqual(a, b);
});

test('IncomingHttpHeaders from a real request: lower-cased names, set-cookie arrays and undefined values', async () => {
  const p = platform();
  const hook = p.signWebhook('card_deposit', { card_id: 'c-1', amount: '10.00', status: 1 });
  const m = merchant();
  let seen;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // What Express and friends pass along: req.headers as Node built it.
      const headers = { ...req.headers, 'x-absent': undefined };
      try {
        seen = m.verifyWebhook(headers, Buffer.concat(chunks));
        const ack = cw.WorldCardMerchant.webhookAck();
        res.writeHead(ack.status, ack.headers).end(Buffer.from(ack.body));
      } catch (e) {
        seen = e;
        res.writeHead(401).end(e.code);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/hooks`, {
      method: 'POST',
      headers: [...Object.entries(hook.headers), ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']],
      body: hook.body,
    });
    assert.equal(res.status, 200, String(seen && seen.message));
    assert.equal(await res.text(), 'ok');
    assert.equal(seen.type, 'card_deposit');
  } finally {
    server.close();
  }
});

test('headers as fetch Headers, Map, pairs and plain objects; bodies as Buffer, Uint8Array, ArrayBuffer, DataView and text', () => {
  const p = platform();
  const hook = p.signWebhook('card_open', { card_id: 'c-2' });
  const text = Buffer.from(hook.body).toString();
  const nullProto = Object.assign(Object.create(null), hook.headers);
  const withExtras = { ...hook.headers, 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'], 'content-length': 12, 'x-none': undefined };
  const headerForms = [hook.headers, nullProto, withExtras, new Headers(hook.headers), new Map(Object.entries(hook.headers)), Object.entries(hook.headers)];
  const bodyForms = [hook.body, Buffer.from(hook.body), hook.body.buffer.slice(hook.body.byteOffset, hook.body.byteOffset + hook.body.byteLength), new DataView(Buffer.from(hook.body).buffer, Buffer.from(hook.body).byteOffset, hook.body.byteLength), text];
  for (const [i, h] of headerForms.entries()) {
    for (const [j, b] of bodyForms.entries()) {
      const ev = merchant().checkWebhook(h, b);
      assert.equal(ev.type, 'card_open', `headers ${i}, body ${j}`);
    }
  }
});

test('a parsed object where the raw body belongs is refused with directions to the raw body', () => {
  const hook = platform().signWebhook('card_open', { card_id: 'c-3' });
  const parsed = JSON.parse(Buffer.from(hook.body).toString());
  assert.throws(() => merchant().verifyWebhook(hook.headers, parsed), (e) => e instanceof cw.CardwireError
    && e.code === 'invalid_input'
    && e.message.includes("express.raw({ type: '*/*' })")
    && e.message.includes("parseAs: 'buffer'")
    && e.message.includes('req.arrayBuffer()'));
  assert.throws(() => merchant().verifyWebhook(hook.headers, new Int16Array(4)), { code: 'invalid_input' });
});

test('a replay store written in JavaScript is asked once per delivery, shared between instances; a failing one is store_unavailable', () => {
  const seen = new Map();
  const calls = [];
  const store = { seen(k, ttlMs) { calls.push([k, ttlMs]); const had = seen.has(k); seen.set(k, ttlMs); return had; } };
  const a = merchant({ store });
  const b = merchant({ store });
  const hook = platform().signWebhook('card_open', { card_id: 'c-4' });
  assert.equal(a.verifyWebhook(hook.headers, hook.body).duplicate, false);
  assert.equal(b.verifyWebhook(hook.headers, hook.body).duplicate, true, 'the other instance sees the delivery');
  assert.equal(calls.length, 2);
  assert.ok(calls[0][0].startsWith('cardwire:worldcard:'));
  assert.equal(calls[0][1], 48 * 3600 * 1000);
  for (const [label, bad] of [['throws', { seen() { throw new Error('redis down'); } }], ['returns a Promise', { seen: async () => false }], ['has no seen', {}]]) {
    assert.throws(() => merchant({ store: bad }).verifyWebhook(hook.headers, hook.body), (e) => e.code === 'store_unavailable' && !/redis down/.test(e.message), label);
  }
  // A store that is not an object is refused when the client is made.
  assert.throws(() => merchant({ store: 'redis://x' }), { code: 'invalid_input' });
});

test('async variants resolve with the same shapes and reject with CardwireError', async () => {
  const m = merchant();
  const p = platform();
  const req = await m.buildRequestAsync('/api/v1/card/deposit', { card_id: 'c', amount: '10.00', merchant_transaction_id: 't' });
  assert.equal(p.verifyRequest(req.headers, req.body).amount, '10.00');
  const hook = await p.signWebhookAsync('card_open', { card_id: 'c' });
  assert.equal(m.verifyWebhook(hook.headers, hook.body).type, 'card_open');
  await assert.rejects(m.buildRequestAsync('/api/v1/card/deposit', { card_id: 'c', amount: '1', merchant_transaction_id: 't' }),
    (e) => e instanceof cw.CardwireError && e.code === 'validation_failed' && e.errors.amount[0] === 'must be at least 10');
  await assert.rejects(m.buildRequestAsync(undefined), (e) => e instanceof cw.CardwireError && e.code === 'invalid_input');
});

test('the event loop keeps serving while 200 async RSA signatures run', { skip: forced && 'WebAssembly has one thread: its async forms resolve in turn' }, async () => {
  const m = merchant();
  const payload = { card_id: 'c', amount: '10.00', merchant_transaction_id: 't' };
  const server = http.createServer((req, res) => res.end('pong'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  assert.equal(await (await fetch(url)).text(), 'pong', 'fetch warmed up before the signs start');
  // Counts event-loop turns and HTTP answers while `work` runs.
  const during = async (work) => {
    let ticks = 0;
    let served = 0;
    let done = false;
    const ticker = (async () => {
      while (!done) {
        await new Promise((r) => setImmediate(r));
        ticks++;
      }
    })();
    const pinger = (async () => {
      while (!done) if ((await (await fetch(url)).text()) === 'pong') served++;
    })();
    const result = await work();
    const seen = { ticks, served };
    done = true;
    await ticker;
    await pinger;
    return [result, seen];
  };
  const [all, async] = await during(() => Promise.all(Array.from({ length: 200 }, () => m.buildRequestAsync('/api/v1/card/deposit', payload))));
  // The control: the same 200 signatures on the calling thread stop the loop.
  const [, sync] = await during(async () => Array.from({ length: 200 }, () => m.buildRequest('/api/v1/card/deposit', payload)));
  server.close();
  const p = platform();
  assert.equal(new Set(all.map((r) => r.headers['X-Signature'])).size, 200);
  for (const r of all.slice(0, 5)) assert.equal(p.verifyRequest(r.headers, r.body).amount, '10.00');
  assert.deepEqual(sync, { ticks: 0, served: 0 }, 'synchronous signing holds the loop (the control)');
  // At least one loop turn and one HTTP answer while the signs run (the
  // control has none): how many fit depends on how fast the machine signs,
  // so no more is asked.
  assert.ok(async.ticks >= 1, `event loop turns during the async signs: ${async.ticks}`);
  assert.ok(async.served >= 1, `HTTP requests served during the async signs: ${async.served}`);
});

test('free() is idempotent; use after free is a CardwireError; async after free rejects', async () => {
  const m = merchant();
  m.free();
  m.free();
  assert.throws(() => m.buildRequest('/api/v1/card/close', { card_id: 'c' }), (e) => e instanceof cw.CardwireError && e.code === 'invalid_input' && /freed/.test(e.message));
  await assert.rejects(m.buildRequestAsync('/api/v1/card/close', { card_id: 'c' }), (e) => e instanceof cw.CardwireError && /freed/.test(e.message));
  if (Symbol.dispose) {
    const d = merchant();
    d[Symbol.dispose]();
    d[Symbol.dispose]();
    assert.throws(() => d.decryptField('x'), { code: 'invalid_input' });
  }
});

test('random values into every method never crash the process: always a CardwireError', () => {
  const rnd = crypto.randomBytes(64);
  const values = [undefined, null, true, 0, -1, 1.5, NaN, 2n ** 70n, '', 'x'.repeat(100_000), rnd, new Uint8Array(0), [], [[]], {}, { a: { b: [1, { c: 2n }] } },
    new Map([['x-signature', ['a', 'b']]]), new Headers(), Symbol('s'), () => 1, new Error('e'), new Date(0), Object.create(null), new Int32Array(2),
    { get boom() { throw new Error('getter'); } }];
  const instances = [merchant(), platform(), new cw.WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem') }), new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123' }), new cw.PayCaClient({ clientId: 'c', clientSecret: 's' }), new cw.WorldCardLegacy({ appKey: 'k', appSecret: 'sBOvCZZurSbbdJiA' })];
  let calls = 0;
  for (const inst of instances) {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(inst)).filter((n) => n !== 'constructor' && n !== 'free' && !n.endsWith('Async'));
    for (const name of methods) {
      for (const v of values) {
        for (const args of [[v], [v, v], [v, v, v], [200, {}, v], ['/api/v1/card/close', v, v]]) {
          calls++;
          try {
            inst[name](...args);
          } catch (e) {
            // A getter that throws is rethrown as itself; anything else is ours.
            if (e instanceof Error && e.message === 'getter') continue;
            assert.ok(e instanceof cw.CardwireError, `${inst.constructor.name}.${name}(${args.map((a) => typeof a).join(', ')}): ${e && e.stack}`);
          }
        }
      }
    }
  }
  assert.ok(calls > 1000);
});

test('integers beyond 2^53 come back as their exact text, never a rounded number (both backends)', () => {
  const p = new cw.PayCaPlatform({ clientId: 'cid', clientSecret: 'secret-1' });
  const c = new cw.PayCaClient({ clientId: 'cid', clientSecret: 'secret-1' });
  const data = '{"id":12345678901234567890,"seq":9007199254740993,"small":5,"neg":-9007199254740993,"amount":12.50}';
  const hook = p.signWebhook('card_transaction', data);
  const ev = c.verifyWebhook(hook.headers, hook.body);
  assert.deepEqual(ev.data, { id: '12345678901234567890', seq: '9007199254740993', small: 5, neg: '-9007199254740993', amount: '12.50' });
});
