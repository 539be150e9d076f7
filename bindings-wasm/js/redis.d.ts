// Types of `cardwire/redis` (hand-written: it is plain JavaScript over your Redis client).
import type { WebhookEvent } from './index.js';

/** An ioredis client (or Cluster): commands go through `call`. */
export interface IORedisLike {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}
/** A connected node-redis (v4+) client: commands go through `sendCommand`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}
export type RedisLike = IORedisLike | NodeRedisLike;

/** A delivery: a verified event, or its delivery key. */
export type DeliveryRef = Pick<WebhookEvent, 'deliveryKey' | 'retentionMs'> | string;

/** Replay and processing decisions on Redis, shared by every instance of a receiver. */
export class RedisDeliveries {
  constructor(client: RedisLike, options?: { reservationMs?: number; fallback?: boolean });
  /** True when `key` was seen before; records it otherwise (`SET key done NX PX ttl`). */
  seen(key: string, ttlMs: number): Promise<boolean>;
  /** `seen` for many `[key, ttlMs]` at once, pipelined on one connection. */
  seenMany(items: Array<[key: string, ttlMs: number]>): Promise<boolean[]>;
  /** `new` (reserved for you now), `done` (a duplicate) or `busy` (another instance is processing it). */
  reserve(event: DeliveryRef): Promise<'new' | 'done' | 'busy'>;
  /** Marks the delivery processed, kept for its retention. */
  commit(event: DeliveryRef): Promise<void>;
  /** Gives the reservation back (your handler failed): the redelivery will be processed. */
  release(event: DeliveryRef): Promise<void>;
  /** Writes the commits Redis missed (it was away when a handler returned); rejects with `store_unavailable` while it is away. */
  flush(): Promise<void>;
  /** Runs `handler` once across every instance: `processed`, `duplicate` (acknowledge, skip) or `busy` (answer 5xx). */
  process<E extends DeliveryRef>(event: E, handler: (event: E) => unknown): Promise<'processed' | 'duplicate' | 'busy'>;
}
