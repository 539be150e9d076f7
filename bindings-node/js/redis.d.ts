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
  /**
   * `reservationMs`: how long `process` holds a delivery while the handler runs (default 60 s).
   * `pendingMs`: how long `seen` may leave a pending entry whose outcome was lost (default 30 s).
   * `timeoutMs`: every Redis call fails with `store_unavailable` after this long (default 2000).
   * `fallback`: decide in this process's memory while Redis is away (duplicates across instances possible).
   */
  constructor(client: RedisLike, options?: { reservationMs?: number; pendingMs?: number; timeoutMs?: number; fallback?: boolean });
  /**
   * Mark on arrival: true when `key` was processed before; records it otherwise. The delivery is
   * marked before your handler runs, so a crash in it loses the event: prefer `process`. Rejects with
   * `store_unavailable` while another instance holds the key or when Redis did not answer (then at
   * most a pending entry was recorded: the retry gets 5xx until it expires, never `duplicate`).
   */
  seen(key: string, ttlMs: number): Promise<boolean>;
  /** `seen`, named for what it does: marks on arrival, before your work (a crash in your handler loses the event). */
  markOnArrival(key: string, ttlMs: number): Promise<boolean>;
  /** `seen` for many `[key, ttlMs]` at once, pipelined on one connection; a key repeated in the batch is a duplicate of its first occurrence. */
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
