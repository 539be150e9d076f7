// Replay decisions per second against a local redis-server (started here),
// from Node: cardwire/redis next to the ioredis calls you would write by
// hand, one run, alternating. One at a time on one connection, and
// pipelined (64 decisions in flight on one connection: ioredis writes them
// together). Every operation is checked first. `make bench-redis`.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisDeliveries } from 'cardwire/redis';

const N = Number(process.env.BENCH_N ?? 20000);
const TTL = 48 * 3600 * 1000;
let n = 0;
const key = () => `cardwire:bench:0123456789abcdef:id:${(n++).toString(16).padStart(64, '0')}`;

const port = await new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const base = new URL('../../target/', import.meta.url).pathname;
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, 'cw-redis-bench-'));
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
// Wait for the server with throwaway clients (a failed ioredis client keeps
// reconnecting in the background), then connect the one measured.
for (let i = 0; ; i++) {
  const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
  probe.on('error', () => {});
  try { await probe.connect(); probe.disconnect(); break; } catch (e) { probe.disconnect(); if (i > 200) throw e; await new Promise((ok) => setTimeout(ok, 25)); }
}
const r = new Redis({ port, lazyConnect: true });
await r.connect();
try {
  const ours = new RedisDeliveries(r);
  const k = key();
  if ((await ours.seen(k, TTL)) !== false || (await ours.seen(k, TTL)) !== true) throw new Error('seen is wrong');
  const ev = { deliveryKey: key(), retentionMs: TTL };
  if ((await ours.process(ev, () => {})) !== 'processed' || (await ours.process(ev, () => {})) !== 'duplicate') throw new Error('process is wrong');
  const b = [key(), key()];
  if (JSON.stringify(await ours.seenMany([[b[0], TTL], [b[1], TTL], [b[0], TTL]])) !== '[false,false,true]') throw new Error('seenMany is wrong');

  const cases = [
    ['seen (SET NX PX), one connection, one at a time', 'r.set(k, 1, "PX", ttl, "NX")', N,
      async (m) => { for (let i = 0; i < m; i++) await ours.seen(key(), TTL); },
      async (m) => { for (let i = 0; i < m; i++) await r.set(key(), '1', 'PX', TTL, 'NX'); }],
    ['process (reserve + commit), one at a time', 'SET NX pending, then SET done', N / 2,
      async (m) => { for (let i = 0; i < m; i++) await ours.process({ deliveryKey: key(), retentionMs: TTL }, () => {}); },
      async (m) => { for (let i = 0; i < m; i++) { const k2 = key(); if (await r.set(k2, 'pending', 'PX', 60000, 'NX')) await r.set(k2, 'done', 'PX', TTL); } }],
    ['seenMany, 64 in flight on one connection', 'Promise.all of 64 r.set(... "NX")', N * 2,
      async (m) => { for (let i = 0; i < m; i += 64) await ours.seenMany(Array.from({ length: 64 }, () => [key(), TTL])); },
      async (m) => { for (let i = 0; i < m; i += 64) await Promise.all(Array.from({ length: 64 }, () => r.set(key(), '1', 'PX', TTL, 'NX'))); }],
  ];
  console.log(`node ${process.versions.node}, ioredis ${(await import('ioredis/package.json', { with: { type: 'json' } })).default.version}, redis-server on loopback`);
  console.log('| operation | cardwire (decisions/s) | by hand (decisions/s) | ratio | by hand is |');
  console.log('|---|---|---|---|---|');
  for (const [name, what, m, oursFn, handFn] of cases) {
    const best = [0, 0];
    for (let round = 0; round < 5; round++) {
      for (const [i, fn] of [oursFn, handFn].entries()) {
        const t = process.hrtime.bigint();
        await fn(m);
        best[i] = Math.max(best[i], m / (Number(process.hrtime.bigint() - t) / 1e9));
      }
    }
    const f = (x) => Math.round(x).toLocaleString('en-US');
    console.log(`| ${name} | ${f(best[0])} | ${f(best[1])} | ${(best[0] / best[1]).toFixed(2)}x | ${what} |`);
  }
} finally {
  r.disconnect();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
