// `cardwire/redis` as an ES module (the same class as the CommonJS entry).
import redis from './redis.cjs';

export const { RedisDeliveries } = redis;
