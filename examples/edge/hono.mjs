// Hono (on Bun here; the same app runs on Workers, Deno and Node): the raw
// Request goes to the handler as it is (`c.req.raw`), body unread.
import { Hono } from 'hono';
import { receivers } from './receivers.mjs';

const env = typeof Bun !== 'undefined' ? Bun.env : process.env;
const route = receivers(env);
const app = new Hono();
app.post('/webhooks/:provider', (c) => route(c.req.raw));

const server = Bun.serve({ hostname: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 8787), fetch: app.fetch });
console.log(`listening on http://${server.hostname}:${server.port}`);
