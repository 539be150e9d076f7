// The test app as a Cloudflare Worker (bundled by run.mjs as wrangler would).
import { app } from './app.mjs';

const handle = app();
export default { fetch: (request) => handle(request) };
