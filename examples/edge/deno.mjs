// Deno: `deno run --allow-net --allow-env --allow-read deno.mjs` (with
// cardwire in node_modules or `npm:cardwire`); the `deno` export condition
// loads the WebAssembly module from the package.
import { receivers } from './receivers.mjs';

const route = receivers(Deno.env.toObject());
Deno.serve({
  hostname: Deno.env.get('HOST') ?? '127.0.0.1',
  port: Number(Deno.env.get('PORT') ?? 8787),
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
}, route);
