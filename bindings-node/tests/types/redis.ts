// cardwire/redis with both Redis clients, under tsc --strict.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { WorldCardMerchant } from 'cardwire';
import { RedisDeliveries } from 'cardwire/redis';

export async function receive(m: WorldCardMerchant, headers: Record<string, string>, body: Uint8Array): Promise<number> {
  const io = new RedisDeliveries(new Redis({ enableOfflineQueue: false }));
  const node = new RedisDeliveries(await createClient().connect());
  const event = m.checkWebhook(headers, body);
  const outcome: 'processed' | 'duplicate' | 'busy' = await io.process(event, (ev) => {
    const id: string = ev.deliveryKey;
    return id;
  });
  const seen: boolean = await node.seen(event.deliveryKey, event.retentionMs);
  const many: boolean[] = await node.seenMany([[event.deliveryKey, event.retentionMs]]);
  await io.flush();
  // @ts-expect-error: not a Redis client
  new RedisDeliveries({ get: async () => null });
  return outcome === 'busy' || (seen && many[0]) ? 503 : 200;
}
