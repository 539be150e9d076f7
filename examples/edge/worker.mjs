// Cloudflare Workers: `wrangler deploy` with wrangler.toml beside this file.
// The `workerd` export condition loads cardwire's WebAssembly as a compiled
// module (wrangler's default rule for .wasm); secrets by `wrangler secret put`.
import { receivers } from './receivers.mjs';

let route;
export default {
  async fetch(request, env) {
    route ??= receivers(env);
    return route(request);
  },
};
