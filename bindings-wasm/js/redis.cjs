'use strict';
// `cardwire/redis`: deliveries on Redis, one replay decision shared by every
// instance of a receiver. Redis clients are not dependencies: pass yours, an
// ioredis client (or Cluster) or a connected node-redis v4+ client. Keys are the core's delivery keys (`cardwire:<provider>:<account
// fingerprint>:<id|content>:<sha256>`): never a body or a secret. See the
// README, "Running on several instances".
//
// * Mark on arrival: `await deliveries.seen(ev.deliveryKey, ev.retentionMs)`
//   after `checkWebhook` (`SET key done NX PX retention`).
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
// When Redis is unreachable every call rejects with a CardwireError
// `store_unavailable` (answer 5xx); it never answers "new" by guessing,
// unless you pass `{ fallback: true }` (a bounded in-memory store of this
// process decides until Redis is back).
const { randomBytes } = require('node:crypto');
const { CardwireError } = require('./error.cjs');

const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

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

function unavailable(e) {
  return new CardwireError('store_unavailable',
    `replay store unavailable: Redis did not answer (${(e && e.name) || 'error'}); nothing was recorded (answer 5xx so the provider retries)`, {});
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
}

class RedisDeliveries {
  constructor(client, { reservationMs = 60_000, fallback = false } = {}) {
    if (!client || (typeof client.call !== 'function' && typeof client.sendCommand !== 'function')) {
      throw new CardwireError('invalid_input', 'RedisDeliveries needs an ioredis client or a connected node-redis (v4+) client', {});
    }
    this.client = client;
    this.reservationMs = reservationMs;
    this.fallback = fallback ? new Memory() : null;
    this.tokens = new Map();
    this.unsaved = new Map();
    this.timer = null;
  }

  /** Writes the commits Redis missed; rejects with store_unavailable while it is away. */
  async flush() {
    for (const [key, retention] of this.unsaved) {
      try {
        await command(this.client, ['SET', key, 'done', 'PX', retention]);
      } catch (e) {
        throw unavailable(e);
      }
      this.unsaved.delete(key);
    }
    if (this.unsaved.size === 0 && this.timer) { clearInterval(this.timer); this.timer = null; }
  }

  async call(redisOp, memoryOp) {
    if (this.unsaved.size) await this.flush();
    try {
      return await redisOp();
    } catch (e) {
      if (this.fallback) return memoryOp(this.fallback);
      throw unavailable(e);
    }
  }

  /** True when `key` was seen before; records it otherwise. */
  async seen(key, ttlMs) {
    const r = await this.call(() => command(this.client, ['SET', key, 'done', 'PX', ttlMs, 'NX']), (m) => (m.setNx(key, 'done', ttlMs) ? 'OK' : null));
    return r !== 'OK';
  }

  /** `seen` for many `[key, ttlMs]` at once: the commands go out together on one connection (pipelined). */
  async seenMany(items) {
    return Promise.all(items.map(([key, ttlMs]) => this.seen(key, ttlMs)));
  }

  /** 'new' (reserved for you now), 'done' (a duplicate) or 'busy'. */
  async reserve(event) {
    const [key] = keyOf(event);
    const token = `pending:${randomBytes(8).toString('hex')}`;
    const r = await this.call(() => command(this.client, ['SET', key, token, 'PX', this.reservationMs, 'NX']), (m) => (m.setNx(key, token, this.reservationMs) ? 'OK' : null));
    if (r === 'OK') {
      this.tokens.set(key, token);
      return 'new';
    }
    const held = await this.call(() => command(this.client, ['GET', key]), (m) => m.live(key));
    return held === 'done' ? 'done' : 'busy';
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
      this.unsaved.set(key, retention);
      if (!this.timer) {
        this.timer = setInterval(() => { this.flush().catch(() => {}); }, 1000);
        this.timer.unref?.();
      }
    }
    return 'processed';
  }
}

module.exports = { RedisDeliveries };
