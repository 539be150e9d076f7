// Types of `cardwire/postgres` (hand-written: it is plain JavaScript over your `pg` Pool or Client).
import type { WebhookEvent } from './index.js';

/** What `pg` gives: a Pool or a Client (only `query`, and `connect` on a Pool, are used). */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

/** A delivery: a verified event, or its delivery key. */
export type DeliveryRef = Pick<WebhookEvent, 'deliveryKey' | 'retentionMs'> & { businessKey?: string | null } | string;

/** The table, as the migration file `integrations/postgres/migrations/0001_cardwire_deliveries.sql` has it. */
export const SCHEMA: string;

/** Delivery keys in your PostgreSQL transactions: exactly once in the business sense. */
export class PostgresDeliveries {
  constructor(options?: { table?: string });
  /** Creates the table and its index if they are missing. */
  migrate(db: Queryable): Promise<void>;
  /** Inside your transaction: true when the delivery is new (its key is now part of it), false when processed before. */
  claim(client: Queryable, event: DeliveryRef): Promise<boolean>;
  /** Runs `handler(client, event)` in one transaction with the key: `processed` or `duplicate`. */
  process<E extends DeliveryRef, C extends Queryable>(db: C | { connect(): Promise<C & { release(err?: unknown): void }> }, event: E,
    handler: (client: C, event: E) => unknown): Promise<'processed' | 'duplicate'>;
  /** Deletes expired keys; how many. */
  purge(db: Queryable): Promise<number>;
}
