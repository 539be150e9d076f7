// Bun: `bun bun.mjs`. Bun takes cardwire's `node` export condition: the
// native addon where one is built for the platform, else WebAssembly.
import { receivers } from './receivers.mjs';

const server = Bun.serve({
  hostname: Bun.env.HOST ?? '127.0.0.1',
  port: Number(Bun.env.PORT ?? 8787),
  fetch: receivers(Bun.env),
});
console.log(`listening on http://${server.hostname}:${server.port}`);
