'use strict';
// `cardwire/redis`: deliveries on Redis, one replay decision shared by every
// instance of a receiver. Redis clients are not dependencies: pass yours, an
// ioredis client (or Cluster) or a connected node-redis v4+ client. Keys are the core's delivery keys (`cardwire:<provider>:<account
// fingerprint>:<id|content>:<sha256>`): never a body or a secret. See the
// README, "Running on several instances".
//
// * Mark on arrival: `await deliveries.markOnArrival(ev.deliveryKey, ev.retentionMs)`
//   (also under the replay-store protocol's name `seen`)
//   after `checkWebhook`. The key is reserved first (`pending:<token>`,
//   expiring after `pendingMs`) and marked done only once Redis has answered,
//   so a command that timed out and ran later leaves at most an expiring
//   pending entry: the provider's retry is answered 5xx until it expires,
//   never 'duplicate'. But the delivery is marked before your handler runs:
//   if the handler crashes, the redelivery comes back duplicate and the event
//   is lost to you. Prefer `process`.
// * Mark after processing: `await deliveries.process(ev, handler)` →
//   'processed' | 'duplicate' (acknowledge, skip) | 'busy' (answer 5xx: the
//   provider retries). The key is reserved while the handler runs, committed
//   after it returns, released if it throws, and expires if the process dies:
//   the redelivery is processed then (at least once, never lost). If Redis
//   goes away after the handler returned, `process` still says 'processed'
//   (it was) and keeps the commit: it is written before the next decision,
//   by `flush()`, or by a retry timer, while the reservation still stops
//   other instances.
//
// When Redis is unreachable, or does not answer within `timeoutMs` (default
// 2000, whatever the client's own settings), every call rejects with a
// CardwireError `store_unavailable` (answer 5xx); it never answers "new" by
// guessing, unless you pass `{ fallback: true }` (a bounded in-memory store
// of this process decides until Redis is back). A command whose answer was
// lost may still run: it records at most a pending entry, never done. Every
// decision carries its own token, so a client's own retry of a command
// recognises its reservation.
const { randomBytes } = require('node:crypto');
const { CardwireError } = require('./error.cjs');

const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
// Reserves the key with this decision's token unless it is held; the same
// token again (a retried command) is still 'new'. Never writes 'done'.
const RESERVE = "local v = redis.call('GET', KEYS[1]) "
  + "if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'new' end "
  + "if v == ARGV[1] then return 'new' end "
  + "if v == 'done' then return 'done' end "
  + "return 'busy'";
// Marks the key done only while it holds this decision's token.
const COMMIT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2]) else return 0 end";

const token = () => `pending:${randomBytes(8).toString('hex')}`;

// One command, on either client: ioredis `call`, node-redis `sendCommand`.
function command(client, args) {
  if (typeof client.call === 'function') return client.call(...args);
  if (typeof client.sendCommand === 'function') return client.sendCommand(args.map(String));
  throw new TypeError('RedisDeliveries needs an ioredis client or a node-redis (v4+) client');
}

function keyOf(event) {
  if (typeof event === 'string') return [event, 48 * 3600 * 1000];
  return [String(event.deliveryKey), Number(event.retentionMs)];
}

function unavailable(e, pendingMs) {
  const outcome = pendingMs === undefined ? 'nothing was recorded'
    : `it may have been recorded as pending for up to ${pendingMs} ms, never as processed`;
  return new CardwireError('store_unavailable',
    `replay store unavailable: Redis did not answer (${(e && e.name) || 'error'}); ${outcome} (answer 5xx so the provider retries)`, {});
}

function busy() {
  return new CardwireError('store_unavailable',
    'replay store busy: this delivery is being processed by another instance, or an earlier attempt\'s outcome is unknown; '
    + 'answer 5xx so the provider retries (it is processed once the reservation expires)', {});
}

// A command that does not answer within `ms` is a failure (its outcome unknown).
function within(ms, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => { const e = new Error(`no answer within ${ms} ms`); e.name = 'TimeoutError'; reject(e); }, ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

class Memory {
  constructor(capacity = 100_000) { this.items = new Map(); this.capacity = capacity; }
  live(key) { const v = this.items.get(key); return v && v[1] > Date.now() ? v[0] : null; }
  setNx(key, value, ttl) {
    if (this.live(key) !== null) return false;
    this.items.delete(key);
    this.items.set(key, [value, Date.now() + ttl]);
    while (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
    return true;
  }
  set(key, value, ttl) { this.items.delete(key); this.items.set(key, [value, Date.now() + ttl]); }
  release(key, token) { if (this.live(key) === token) this.items.delete(key); }
  reserve(key, token, ttl) {
    const held = this.live(key);
    if (held === null) { this.set(key, token, ttl); return 'new'; }
    return held === token ? 'new' : held === 'done' ? 'done' : 'busy';
  }
  commit(key, token, ttl) { if (this.live(key) === token) this.set(key, 'done', ttl); }
}

class RedisDeliveries {
  constructor(client, { reservationMs = 60_000, pendingMs = 30_000, timeoutMs = 2000, fallback = false } = {}) {
    if (!client || (typeof client.call !== 'function' && typeof client.sendCommand !== 'function')) {
      throw new CardwireError('invalid_input', 'RedisDeliveries needs an ioredis client or a connected node-redis (v4+) client', {});
    }
    this.client = client;
    this.reservationMs = reservationMs;
    this.pendingMs = pendingMs;
    this.timeoutMs = timeoutMs;
    this.fallback = fallback ? new Memory() : null;
    this.tokens = new Map();
    this.unsaved = new Map();
    this.timer = null;
  }

  /** Writes the commits Redis missed; rejects with store_unavailable while it is away. */
  async flush() {
    for (const [key, retention] of this.unsaved) {
      try {
        await within(this.timeoutMs, command(this.client, ['SET', key, 'done', 'PX', retention]));
      } catch (e) {
        throw unavailable(e);
      }
      this.unsaved.delete(key);
    }
    if (this.unsaved.size === 0 && this.timer) { clearInterval(this.timer); this.timer = null; }
  }

  async call(redisOp, memoryOp, pendingMs) {
    if (this.unsaved.size) await this.flush();
    try {
      return await within(this.timeoutMs, redisOp());
    } catch (e) {
      if (this.fallback) return memoryOp(this.fallback);
      throw unavailable(e, pendingMs);
    }
  }

  async reserveKey(key, tok, ttl) {
    const r = await this.call(() => command(this.client, ['EVAL', RESERVE, 1, key, tok, ttl]), (m) => m.reserve(key, tok, ttl), ttl);
    return String(r);
  }

  keepUnsaved(key, retention) {
    this.unsaved.set(key, retention);
    if (!this.timer) {
      this.timer = setInterval(() => { this.flush().catch(() => {}); }, 1000);
      this.timer.unref?.();
    }
  }

  /**
   * Mark on arrival (a crash in your handler loses the event; see `process`):
   * true when `key` was processed before; records it otherwise. Rejects with
   * store_unavailable when another instance holds it or Redis did not answer.
   */
  async seen(key, ttlMs) {
    return this.markOnArrival(key, ttlMs);
  }

  /** The same as `seen`, named for what it does: marks on arrival, before your work (a crash in the handler loses the event). */
  async markOnArrival(key, ttlMs) {
    const tok = token();
    const state = await this.reserveKey(key, tok, this.pendingMs);
    if (state === 'done') return true;
    if (state === 'busy') throw busy();
    try {
      await this.call(() => command(this.client, ['EVAL', COMMIT, 1, key, tok, ttlMs]), (m) => m.commit(key, tok, ttlMs));
    } catch (e) {
      if (!(e instanceof CardwireError) || e.code !== 'store_unavailable') throw e;
      this.keepUnsaved(key, ttlMs); // this caller's delivery all the same; the pending entry stops everyone else
    }
    return false;
  }

  /**
   * `seen` for many `[key, ttlMs]` at once: the commands go out together on
   * one connection (pipelined); a key repeated within the batch is a
   * duplicate of its first occurrence.
   */
  async seenMany(items) {
    const first = new Map();
    for (const [key, ttlMs] of items) if (!first.has(key)) first.set(key, ttlMs);
    const answers = new Map(await Promise.all([...first].map(async ([key, ttlMs]) => [key, await this.seen(key, ttlMs)])));
    return items.map(([key]) => { const a = answers.get(key); answers.set(key, true); return a; });
  }

  /** 'new' (reserved for you now), 'done' (a duplicate) or 'busy'. */
  async reserve(event) {
    const [key] = keyOf(event);
    const tok = token();
    const state = await this.reserveKey(key, tok, this.reservationMs);
    if (state === 'new') this.tokens.set(key, tok);
    return state;
  }

  /** Marks the delivery processed, kept for its retention. */
  async commit(event) {
    const [key, retention] = keyOf(event);
    this.tokens.delete(key);
    await this.call(() => command(this.client, ['SET', key, 'done', 'PX', retention]), (m) => m.set(key, 'done', retention));
  }

  /** Gives the reservation back (the handler failed): the redelivery will be processed. */
  async release(event) {
    const [key] = keyOf(event);
    const token = this.tokens.get(key) ?? '';
    this.tokens.delete(key);
    await this.call(() => command(this.client, ['EVAL', RELEASE, 1, key, token]), (m) => m.release(key, token));
  }

  /** Runs `handler(event)` once across every instance. */
  async process(event, handler) {
    const state = await this.reserve(event);
    if (state === 'done') return 'duplicate';
    if (state === 'busy') return 'busy';
    try {
      await handler(event);
    } catch (e) {
      await this.release(event);
      throw e;
    }
    try {
      await this.commit(event);
    } catch (e) {
      if (!(e instanceof CardwireError) || e.code !== 'store_unavailable') throw e;
      const [key, retention] = keyOf(event);
      this.keepUnsaved(key, retention);
    }
    return 'processed';
  }
}

module.exports = { RedisDeliveries };
