// cardwire/redis on a real Redis (started here): one decision across
// instances, mark-after-processing, a crash between reserve and commit,
// Redis unreachable (store_unavailable unless fallback is asked for).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createClient } from 'redis';
import * as cw from 'cardwire';
import { RedisDeliveries } from 'cardwire/redis';
import { key } from './helpers.mjs';

const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
let server, port, dataDir;
const clients = [];
// enableOfflineQueue: false makes a command fail at once while Redis is down
// (instead of queueing it), so a client is used only once it is ready.
const ioredis = async () => {
  const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  clients.push(c);
  await c.connect();
  return c;
};
const nodeRedis = async () => {
  const c = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, disableOfflineQueue: true });
  clients.push(c);
  await c.connect();
  return c;
};

test.before(async () => {
  port = await new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  // Its data under the clone (target/redis-test), removed afterwards.
  const base = new URL('../../../target/redis-test/', import.meta.url).pathname;
  mkdirSync(base, { recursive: true });
  dataDir = mkdtempSync(join(base, 'node-'));
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    // A failed client is disconnected at once: left alone, ioredis keeps
    // reconnecting in the background and holds the process open once the
    // server is up (a slow start on a busy machine hung the suite).
    const c = new Redis({ port, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    c.on('error', () => {});
    try { await c.connect(); await c.ping(); c.disconnect(); return; } catch { c.disconnect(); await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error('redis-server did not start');
});
test.after(async () => { for (const c of clients) { try { await (c.quit ? c.quit() : c.disconnect()); } catch { /* already closed */ } } server?.kill(); if (dataDir) rmSync(dataDir, { recursive: true, force: true }); });

for (const [name, client] of [['ioredis', ioredis], ['node-redis', nodeRedis]]) {
  test(`${name}: one delivery, one "new", across instances: verified webhooks marked in Redis`, async () => {
    const d1 = new RedisDeliveries(await client());
    const d2 = new RedisDeliveries(await client());
    // A copy arriving while the first is between its reservation and its
    // commit (one round trip) is refused as busy (5xx): retried, never lost.
    const settled = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => (i % 2 ? d1 : d2).seen(`cardwire:test:${name}:k1`, 10_000)));
    assert.equal(settled.filter((a) => a.status === 'fulfilled' && a.value === false).length, 1);
    for (const a of settled) if (a.status === 'rejected') assert.match(a.reason.message, /busy/);
    assert.equal(await d1.seen(`cardwire:test:${name}:k1`, 10_000), true);
    const p = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.pkcs8.pem') });
    const m = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: AES, platformPublicKeyPem: key('platform_2048.spki.pem') });
    const hook = p.signWebhook('card_deposit', { card_id: 'c-1', amount: '10.00', status: 1 });
    const ev = m.checkWebhook(hook.headers, hook.body);
    assert.equal(await d1.seen(ev.deliveryKey, ev.retentionMs), false);
    assert.equal(await d2.seen(ev.deliveryKey, ev.retentionMs), true);
    assert.match(ev.deliveryKey, /^cardwire:worldcard:[0-9a-f]{16}:id:[0-9a-f]{64}$/);
  });

  test(`${name}: reserve, commit, release, process; a crash between reserve and commit`, async () => {
    const a = new RedisDeliveries(await client());
    const b = new RedisDeliveries(await client(), { reservationMs: 60_000 });
    const ev = { deliveryKey: `cardwire:test:${name}:ev1`, retentionMs: 60_000 };
    assert.equal(await a.reserve(ev), 'new');
    assert.equal(await b.reserve(ev), 'busy');
    await a.commit(ev);
    assert.equal(await b.reserve(ev), 'done');
    const ev2 = { deliveryKey: `cardwire:test:${name}:ev2`, retentionMs: 60_000 };
    await assert.rejects(a.process(ev2, () => { throw new Error('handler failed'); }), /handler failed/);
    assert.equal(await b.process(ev2, () => {}), 'processed');
    assert.equal(await a.process(ev2, () => {}), 'duplicate');
    const crashed = new RedisDeliveries(await client(), { reservationMs: 300 });
    const ev3 = { deliveryKey: `cardwire:test:${name}:crash`, retentionMs: 60_000 };
    assert.equal(await crashed.reserve(ev3), 'new'); // the process dies here
    assert.equal(await b.process(ev3, () => {}), 'busy');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await b.process(ev3, () => {}), 'processed');
  });
}

test('Redis unreachable: store_unavailable, never "new"; fallback only when asked', async () => {
  const down = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  clients.push(down);
  const d = new RedisDeliveries(down);
  await assert.rejects(d.seen('cardwire:test:x', 1000), (e) => e instanceof cw.CardwireError && e.code === 'store_unavailable' && /5xx/.test(e.message));
  await assert.rejects(d.process({ deliveryKey: 'k', retentionMs: 1 }, () => {}), { code: 'store_unavailable' });
  const f = new RedisDeliveries(down, { fallback: true });
  assert.deepEqual([await f.seen('cardwire:test:z', 60_000), await f.seen('cardwire:test:z', 60_000)], [false, true]);
  assert.throws(() => new RedisDeliveries({ set() {} }), { code: 'invalid_input' });
});

test('Redis away after the handler returned: processed, the commit is written when it is back', async () => {
  let up = true;
  const real = await ioredis();
  const flaky = { call: (...a) => (up ? real.call(...a) : Promise.reject(new Error('connection closed'))) };
  const d = new RedisDeliveries(flaky);
  const other = new RedisDeliveries(real);
  const ev = { deliveryKey: 'cardwire:test:unsaved', retentionMs: 60_000 };
  assert.equal(await d.process(ev, () => { up = false; }), 'processed');
  assert.equal(await other.reserve(ev), 'busy'); // the reservation still holds it
  await assert.rejects(d.seen('cardwire:test:other', 1000), { code: 'store_unavailable' });
  up = true;
  await d.flush();
  assert.equal(await other.reserve(ev), 'done');
  assert.equal(await d.process(ev, () => assert.fail('processed twice')), 'duplicate');
});

// A stalled Redis (SIGSTOP, then SIGCONT): a command whose answer was lost may
// run later, but it records at most an expiring pending entry, so the
// provider's retry on another instance is answered 5xx until it expires and
// is processed then, never 'duplicate'.
for (const [name, client] of [['ioredis', ioredis], ['node-redis', nodeRedis]]) {
  for (const pauseMs of [300, 1000, 2000]) {
    test(`${name}: a ${pauseMs} ms pause never turns into a lost delivery`, async () => {
      const key = `cardwire:test:stall:${name}:${pauseMs}`;
      const first = new RedisDeliveries(await client(), { pendingMs: 800, timeoutMs: 200 });
      process.kill(server.pid, 'SIGSTOP');
      const resumed = new Promise((r) => setTimeout(() => { process.kill(server.pid, 'SIGCONT'); r(); }, pauseMs));
      await assert.rejects(first.seen(key, 60_000), (e) => e.code === 'store_unavailable' && /may have been recorded as pending/.test(e.message));
      await resumed;
      const other = new RedisDeliveries(await client(), { pendingMs: 800 });
      let answer;
      for (let i = 0; i < 100 && answer === undefined; i++) {
        try { answer = await other.seen(key, 60_000); } catch (e) { assert.equal(e.code, 'store_unavailable'); await new Promise((r) => setTimeout(r, 100)); }
      }
      assert.equal(answer, false, 'answered 5xx before, now new: never duplicate');
      assert.equal(await other.markOnArrival(key, 60_000), true, 'markOnArrival is seen under its own name');
      // Mark after processing through a pause: processed exactly once.
      const ev = { deliveryKey: `${key}:process`, retentionMs: 60_000 };
      const handled = [];
      const a = new RedisDeliveries(await client(), { reservationMs: 800, timeoutMs: 200 });
      process.kill(server.pid, 'SIGSTOP');
      const resumed2 = new Promise((r) => setTimeout(() => { process.kill(server.pid, 'SIGCONT'); r(); }, pauseMs));
      await assert.rejects(a.process(ev, () => handled.push('a')), { code: 'store_unavailable' });
      await resumed2;
      const b = new RedisDeliveries(await client(), { reservationMs: 800 });
      let outcome = 'busy';
      for (let i = 0; i < 100 && outcome === 'busy'; i++) {
        outcome = await b.process(ev, () => handled.push('b'));
        if (outcome === 'busy') await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual([outcome, handled], ['processed', ['b']]);
      assert.equal(await b.process(ev, () => handled.push('again')), 'duplicate');
    });
  }
}

test('webhookHandler with RedisDeliveries: two instances, one handling; a handler that throws is handled again', async () => {
  const platform = new cw.PayCaPlatform({ clientId: 'c', clientSecret: 'payca-secret' });
  const hook = platform.signWebhook('card_transaction', { cardId: `c-${Date.now()}` });
  const req = () => new Request('http://localhost/hooks/payca', { method: 'POST', headers: hook.headers, body: hook.body });
  const handled = [];
  let fail = true;
  const instance = async (n) => cw.webhookHandler(new cw.PayCaClient({ clientId: 'c', clientSecret: 'payca-secret' }), async (ev) => {
    if (fail) { fail = false; throw new Error('first attempt fails'); }
    handled.push([n, ev.deliveryKey]);
  }, { deliveries: new RedisDeliveries(await ioredis()) });
  const [a, b] = [await instance(1), await instance(2)];
  await assert.rejects(a(req()), /first attempt fails/);
  const statuses = [(await b(req())).status, (await a(req())).status, (await b(req())).status];
  assert.deepEqual(statuses, [204, 204, 204]);
  assert.equal(handled.length, 1);
  assert.equal(handled[0][0], 2);
});
