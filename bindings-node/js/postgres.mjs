// `cardwire/postgres` as an ES module (the same class as the CommonJS entry).
import postgres from './postgres.cjs';

export const { PostgresDeliveries, SCHEMA } = postgres;
